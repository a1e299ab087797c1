"""Write the bad-input corpus in tests/loading/corpus/ (run: .venv/bin/python -m tests.loading.make_corpus).

One directory per case: its input files (byte-exact: broken encodings, NUL and escape
characters are meant) and ``case.yaml`` with what to run (``inputs``, optional ``profile``,
``encoding``) and ``expected``: every problem the load must report, exactly, as
``FILE:LINE: COLUMN: MESSAGE`` with paths relative to the case directory. Each case is loaded
into a store that already holds BASE (see test_corpus.py), which must be unchanged afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
HDR = "id,name,type\n"
REL = "source,type,target\n"
# replaced by the test with the ontology's CI types (sorted): the list follows the ontology
KNOWN = "{known_ci_types}"
KNOWN_RELATIONS = "{known_relation_types}"

# The store every case is loaded into (ids referenced by the cases below).
BASE = {
    "cis": [
        {"id": "base:site", "name": "Base site", "type": "site"},
        {"id": "base:rack", "name": "Base rack", "type": "rack", "site": "DC9"},
        {"id": "base:host", "name": "Base host", "type": "server", "site": "DC9"},
        {"id": "base:cluster", "name": "Base cluster", "type": "cluster"},
        {"id": "base:twin1", "name": "twin", "type": "server", "site": "DC9"},
        {"id": "base:twin2", "name": "twin", "type": "server", "site": "DC9"},
    ],
    "relations": [
        {"source": "base:rack", "type": "LOCATED_IN", "target": "base:site"},
        {"source": "base:host", "type": "LOCATED_IN", "target": "base:rack"},
        {"source": "base:cluster", "type": "HOSTED_ON", "target": "base:host"},
    ],
}


def case(name: str, files: dict[str, str | bytes], expected: list[str], **run) -> tuple:
    return name, files, expected, run


PROFILE_OK = """name: corpus
tables:
  - match: {columns: [编号, 名称, 类型]}
    cis:
      - as: asset
        id: "{编号}"
        name: "{名称}"
        type: {column: 类型, map: {服务器: server}}
        identify: []
    relations:
      - from: asset
        type: RUNS_ON
        to: {column: 宿主机, match: {name: "{value}"}}
"""

PROFILE_KEYS = """name: corpus-keys
tables:
  - match: {columns: [名称, 类型, 站点]}
    cis:
      - as: asset
        id: "{类型}:{站点}/{名称}/{序列号}"
        name: "{名称}"
        type: {column: 类型}
        identify: [name, site]
        properties: {site: 站点, serial: 序列号}
"""

CASES = [
    # -- files that cannot be read as tables or documents -------------------------------------
    case("empty-file", {"cis.csv": ""}, ["cis.csv:1: empty file: expected a header row"]),
    case("unknown-header", {"cis.csv": "foo,bar\n1,2\n"},
         ["cis.csv:1: header names neither CIs (id,name,type,...) nor relations (source,type,target,...)"]),
    case("duplicate-column", {"cis.csv": "id,name,type,name\na,A,server,B\n"},
         ["cis.csv:1: name: column appears twice in the header"]),
    case("unnamed-column", {"cis.csv": "id,,type\na,A,server\n"},
         ["cis.csv:1: column 2 of the header has no name"]),
    case("row-too-long", {"cis.csv": HDR + "a,A,server,extra\n"},
         ["cis.csv:2: row has 4 fields but the header has 3"]),
    case("row-too-short", {"cis.csv": HDR + "a,A,server\nb,B\n"},
         ["cis.csv:3: row has 2 fields but the header has 3"]),
    case("unterminated-quote", {"cis.csv": HDR + 'a,"A,server\nb,B,server\n'},
         ["cis.csv:2: malformed CSV: unexpected end of data"]),
    case("text-after-quote", {"cis.csv": HDR + 'a,"A"x,server\n'},
         ["cis.csv:2: malformed CSV: ',' expected after '\"'"]),
    case("field-over-1mib", {"cis.csv": HDR + 'a,"' + "x" * ((1 << 20) + 10) + '",server\n'},
         ["cis.csv:2: malformed CSV: field larger than field limit (1048576)"]),
    case("undecodable-bytes", {"cis.csv": HDR.encode() + b"a,\xff\xfe,server\n"},
         ["cis.csv:2: cannot decode as UTF-8 (byte 0xff) nor as GB18030; "
          "save the file as UTF-8 or name its encoding with --encoding"]),
    case("wrong-declared-encoding", {"cis.csv": (HDR + "a,核心交换机,server\n").encode("gbk")},
         ["cis.csv:2: cannot decode as utf-8: byte 0xba is invalid"], encoding="utf-8"),
    case("unsupported-file-type", {"inventory.xml": "<cis/>"},
         ["inventory.xml: unsupported file type '.xml'; expected .csv, .xlsx, .json, .yaml or .yml"]),
    case("not-a-workbook", {"cis.xlsx": "id,name,type\n"},
         ["cis.xlsx: cannot read as an Excel workbook: File is not a zip file"]),
    case("malformed-json", {"inv.json": '{"cis": [\n  {"id": "a", "type": "server",}\n]}\n'},
         ["inv.json:2: malformed JSON: Expecting property name enclosed in double quotes"]),
    case("json-not-a-document", {"inv.json": '[{"id": "a"}]\n'},
         ['inv.json:1: expected a document {"cis": [...], "relations": [...]}']),
    case("json-unknown-section", {"inv.json": '{"cis": [], "nodes": []}\n'},
         ["inv.json:1: nodes: unknown top-level key; expected 'cis' and 'relations'"]),
    case("json-section-not-list", {"inv.json": '{"cis": {"id": "a"}}\n'},
         ["inv.json:1: cis: must be a list"]),
    case("json-item-not-object", {"inv.json": '{"cis": [\n {"id": "a", "type": "server"},\n "b"\n]}\n'},
         ["inv.json:3: cis[1]: must be an object of fields"]),
    case("malformed-yaml", {"inv.yaml": "cis:\n  - id: a\n    type: [server\n"},
         ["inv.yaml:4: malformed YAML: expected ',' or ']', but got '<stream end>'"]),
    # -- values that break the rules -----------------------------------------------------------
    case("unknown-ci-type", {"cis.csv": HDR + "a,A,sever\n"},
         ["cis.csv:2: type: unknown CI type 'sever' (did you mean 'server'?)"]),
    case("unknown-ci-type-no-guess", {"cis.csv": HDR + "a,A,打印机\n"},
         [f"cis.csv:2: type: unknown CI type '打印机'; known: {KNOWN}"]),
    case("missing-ci-type", {"cis.csv": HDR + "a,A,\n"}, ["cis.csv:2: type: missing CI type"]),
    case("unknown-relation-type", {"cis.csv": HDR + "a,A,server\nb,B,vm\n", "relations.csv": REL + "b,RUNS_INTO,a\n"},
         ["relations.csv:2: type: unknown relation type 'RUNS_INTO' (did you mean 'RUNS_ON'?)"]),
    case("missing-relation-type", {"cis.csv": HDR + "a,A,server\nb,B,vm\n", "relations.csv": REL + "b,,a\n"},
         ["relations.csv:2: type: missing relation type"]),
    case("missing-id", {"cis.csv": HDR + ",A,server\n"}, ["cis.csv:2: id: missing id"]),
    case("blank-id", {"cis.csv": HDR + "\u3000,A,server\n"}, ["cis.csv:2: id: missing id"]),
    case("missing-source-and-target", {"relations.csv": REL + ",DEPENDS_ON,\n"},
         ["relations.csv:2: source: missing source", "relations.csv:2: target: missing target"]),
    case("id-is-a-list", {"inv.json": '{"cis": [{"id": ["a"], "type": "server"}]}\n'},
         ["inv.json:1: id: must be a string, not a list"]),
    case("id-is-a-boolean", {"inv.yaml": "cis:\n  - id: true\n    type: server\n"},
         ["inv.yaml:2: id: must be a string, not a boolean"]),
    case("id-is-a-number", {"inv.json": '{"cis": [{"id": 1.5, "type": "server"}]}\n'},
         ["inv.json:1: id: must be a string, not a number"]),
    case("name-is-an-object", {"inv.json": '{"cis": [{"id": "a", "name": {"zh": "甲"}, "type": "server"}]}\n'},
         ["inv.json:1: name: must be text, not an object"]),
    case("id-too-long", {"cis.csv": HDR + "x" * 513 + ",A,server\n"},
         ["cis.csv:2: id: is 513 characters long; at most 512"]),
    case("name-too-long", {"cis.csv": HDR + "a," + "名" * 4097 + ",server\n"},
         ["cis.csv:2: name: is 4097 characters long; at most 4096"]),
    case("value-too-long", {"cis.csv": "id,name,type,note\na,A,server," + "v" * 65537 + "\n"},
         ["cis.csv:2: note: value is 65537 characters long; at most 65536"]),
    case("id-leading-space", {"cis.csv": HDR + " a,A,server\n"},
         ["cis.csv:2: id: ' a' has leading or trailing whitespace"]),
    case("id-trailing-ideographic-space", {"cis.csv": HDR + "服务器01\u3000,A,server\n"},
         ["cis.csv:2: id: '服务器01\\u3000' has leading or trailing whitespace"]),
    case("id-with-tab", {"cis.csv": HDR + "a\tb,A,server\n"},
         ["cis.csv:2: id: 'a\\tb' contains a control character"]),
    case("id-with-nul", {"cis.csv": (HDR + "a\x00b,A,server\n").encode()},
         ["cis.csv:2: id: 'a\\x00b' contains a control character"]),
    case("id-with-line-break", {"cis.csv": HDR + '"a\nb",A,server\n'},
         ["cis.csv:2: id: 'a\\nb' contains a control character"]),
    case("name-with-bell", {"cis.csv": HDR + "a,A\x07,server\n"},
         ["cis.csv:2: name: contains a control character: 'A\\x07'"]),
    case("value-with-terminal-escape", {"cis.csv": "id,name,type,owner\na,A,server,\x1b[31mroot\x1b[0m\n"},
         ["cis.csv:2: owner: contains a control character: '\\x1b[31mroot\\x1b[0m'"]),
    case("value-not-a-finite-number", {"inv.json": '{"cis": [{"id": "a", "type": "server", "load": NaN}]}\n'},
         ["inv.json:1: load: nan is not a finite number"]),
    case("value-binary", {"inv.yaml": "cis:\n  - id: a\n    type: server\n    blob: !!binary aGVsbG8=\n"},
         ["inv.yaml:2: blob: a bytes value cannot be stored; give text, a number or a list"]),
    case("property-name-with-control", {"inv.json": '{"cis": [{"id": "a", "type": "server", "o\\u0001wner": "x"}]}\n'},
         ["inv.json:1: 'o\\x01wner': property name contains a control character"]),
    case("source-with-carriage-return", {"cis.csv": HDR + "a,A,server\n", "relations.csv": REL + '"a\r",DEPENDS_ON,base:host\n'},
         ["relations.csv:2: source: 'a\\r' has leading or trailing whitespace"]),
    # -- injection-like text: data, never code ------------------------------------------------
    case("injection-in-ci-type", {"cis.csv": HDR + "a,A,server'); DROP TABLE ci; --\n"},
         [f"cis.csv:2: type: unknown CI type \"server'); DROP TABLE ci; --\"; known: {KNOWN}"]),
    case("injection-in-relation-type", {"cis.csv": HDR + "a,A,vm\n",
                                        "relations.csv": REL + "a,RUNS_ON]->(x) DETACH DELETE x //,base:host\n"},
         ["relations.csv:2: type: unknown relation type 'RUNS_ON]->(x) DETACH DELETE x //'; "
          f"known: {KNOWN_RELATIONS}"]),
    case("injection-in-target", {"cis.csv": HDR + "a,A,vm\n",
                                 "relations.csv": REL + "a,RUNS_ON,x' OR '1'='1\n"},
         ["relations.csv:2: target: unknown CI \"x' OR '1'='1\": not in the input nor in the store"]),
    case("injection-cypher-id-duplicate", {"cis.csv": HDR + "\"a'}) DETACH DELETE n //\",A,server\n\"a'}) DETACH DELETE n //\",B,server\n"},
         ["cis.csv:3: id: CI \"a'}) DETACH DELETE n //\" is also defined, differently, at cis.csv:2"]),
    # -- rows that contradict each other -------------------------------------------------------
    case("conflicting-duplicate-ci", {"cis.csv": HDR + "a,A,server\nb,B,server\na,A2,server\n"},
         ["cis.csv:4: id: CI 'a' is also defined, differently, at cis.csv:2"]),
    case("conflicting-duplicate-across-files",
         {"cis.csv": HDR + "a,A,server\n", "inventory.json": '{"cis": [{"id": "a", "name": "A", "type": "vm"}]}\n'},
         ["inventory.json:1: id: CI 'a' is also defined, differently, at cis.csv:2"]),
    case("conflicting-duplicate-relation",
         {"cis.csv": HDR + "a,A,vm\n", "relations.csv": "source,type,target,note\na,RUNS_ON,base:host,x\na,RUNS_ON,base:host,y\n"},
         ["relations.csv:3: source: relation a -[RUNS_ON]-> base:host is also given, with other properties, at relations.csv:2"]),
    case("redefines-stored-ci-twice", {"cis.csv": HDR + "base:host,H1,server\nbase:host,H2,server\n"},
         ["cis.csv:3: id: CI 'base:host' is also defined, differently, at cis.csv:2"]),
    case("self-loop", {"cis.csv": HDR + "a,A,server\n", "relations.csv": REL + "a,DEPENDS_ON,a\n"},
         ["relations.csv:2: target: relation from 'a' to itself"]),
    case("self-loop-by-alias", {"cis.csv": HDR + "a,A,vm\n", "relations.csv": REL + "a,运行于,a\n"},
         ["relations.csv:2: target: relation from 'a' to itself"]),
    case("dangling-target", {"cis.csv": HDR + "a,A,vm\n", "relations.csv": REL + "a,RUNS_ON,ghost\n"},
         ["relations.csv:2: target: unknown CI 'ghost': not in the input nor in the store"]),
    case("dangling-source", {"relations.csv": REL + "ghost,RUNS_ON,base:host\n"},
         ["relations.csv:2: source: unknown CI 'ghost': not in the input nor in the store"]),
    case("dangling-is-case-sensitive", {"relations.csv": REL + "BASE:HOST,LOCATED_IN,base:rack\n"},
         ["relations.csv:2: source: unknown CI 'BASE:HOST': not in the input nor in the store"]),
    # -- cycles over relation types the ontology declares acyclic ------------------------------
    case("located-in-cycle", {"cis.csv": HDR + "r1,R1,room\nr2,R2,rack\nr3,R3,rack\n",
                              "relations.csv": REL + "r2,LOCATED_IN,r1\nr3,LOCATED_IN,r2\nr1,LOCATED_IN,r3\n"},
         ["relations.csv:4: target: closes a cycle of LOCATED_IN relations, which the ontology forbids: "
          "r3 -[LOCATED_IN]-> r2 -[LOCATED_IN]-> r1 -[LOCATED_IN]-> r3"]),
    case("runs-on-two-cycle", {"cis.csv": HDR + "v1,V1,vm\nv2,V2,vm\n",
                               "relations.csv": REL + "v1,RUNS_ON,v2\nv2,RUNS_ON,v1\n"},
         ["relations.csv:3: target: closes a cycle of RUNS_ON relations, which the ontology forbids: "
          "v1 -[RUNS_ON]-> v2 -[RUNS_ON]-> v1"]),
    case("member-of-cycle", {"cis.csv": HDR + "g1,G1,redundancy-group\ng2,G2,redundancy-group\n",
                             "relations.csv": REL + "g1,MEMBER_OF,g2\ng2,MEMBER_OF,g1\n"},
         ["relations.csv:3: target: closes a cycle of MEMBER_OF relations, which the ontology forbids: "
          "g1 -[MEMBER_OF]-> g2 -[MEMBER_OF]-> g1"]),
    case("cycle-through-the-store", {"relations.csv": REL + "base:site,LOCATED_IN,base:host\n"},
         ["relations.csv:2: target: closes a cycle of LOCATED_IN relations, which the ontology forbids: "
          "base:host -[LOCATED_IN]-> base:rack -[LOCATED_IN]-> base:site -[LOCATED_IN]-> base:host"]),
    case("hosted-on-cycle-through-the-store", {"cis.csv": HDR + "h2,H2,hypervisor-host\n",
                                               "relations.csv": REL + "base:host,HOSTED_ON,h2\nh2,HOSTED_ON,base:cluster\n"},
         ["relations.csv:3: target: closes a cycle of HOSTED_ON relations, which the ontology forbids: "
          "base:cluster -[HOSTED_ON]-> base:host -[HOSTED_ON]-> h2 -[HOSTED_ON]-> base:cluster"]),
    # -- mapping profiles ----------------------------------------------------------------------
    case("profile-unmapped-type", {"profile.yaml": PROFILE_OK, "台账.csv": "编号,名称,类型\nA1,打印机1,打印机\n"},
         [f"台账.csv:2: 类型: unknown CI type '打印机'; known: {KNOWN}"
          "; map it in profile 'corpus' (tables[0].cis[0].type.map)"], profile="profile.yaml",
         inputs=["台账.csv"]),
    case("profile-missing-id", {"profile.yaml": PROFILE_OK, "台账.csv": "编号,名称,类型\n,服务器甲,服务器\n"},
         ["台账.csv:2: 编号: empty, but the CI's id is made from it"], profile="profile.yaml",
         inputs=["台账.csv"]),
    case("profile-reference-matches-nothing",
         {"profile.yaml": PROFILE_OK, "台账.csv": "编号,名称,类型,宿主机\nV1,虚机1,虚拟机,不存在的主机\n"},
         ["台账.csv:2: 宿主机: no CI with name='不存在的主机' in the input nor in the store"],
         profile="profile.yaml", inputs=["台账.csv"]),
    case("profile-reference-matches-several",
         {"profile.yaml": PROFILE_OK, "台账.csv": "编号,名称,类型,宿主机\nV1,虚机1,虚拟机,twin\n"},
         ["台账.csv:2: 宿主机: 2 CIs match name='twin': base:twin1, base:twin2"],
         profile="profile.yaml", inputs=["台账.csv"]),
    case("profile-keys-match-several-stored",
         {"profile.yaml": PROFILE_KEYS, "list.csv": "名称,类型,站点,序列号\ntwin,server,DC9,S1\n"},
         ["list.csv:2: name: identification keys name='twin', site='DC9' match 2 CIs in the store: "
          "base:twin1, base:twin2; make the keys unique or give the id"],
         profile="profile.yaml", inputs=["list.csv"]),
    case("profile-same-keys-other-id",
         {"profile.yaml": PROFILE_KEYS, "list.csv": "名称,类型,站点,序列号\nweb,server,DC1,S1\nweb,server,DC1,S2\n"},
         ["list.csv:3: id: has the same identification keys (name='web', site='DC1') as list.csv:2 but "
          "another id ('server:DC1/web/S2' vs 'server:DC1/web/S1')"],
         profile="profile.yaml", inputs=["list.csv"]),
    case("profile-key-value-missing",
         {"profile.yaml": PROFILE_KEYS, "list.csv": "名称,类型,站点,序列号\nweb,server,,S1\n"},
         ["list.csv:2: 站点: empty, but the CI's id is made from it"], profile="profile.yaml",
         inputs=["list.csv"]),
    case("profile-no-table-fits", {"profile.yaml": PROFILE_OK, "other.csv": "a,b\n1,2\n"},
         ["other.csv: no table of profile 'corpus' fits this file; its columns: a, b"],
         profile="profile.yaml", inputs=["other.csv"]),
    case("profile-with-mistakes",
         {"profile.yaml": "name: broken\ntables:\n  - match: {columns: [a]}\n    cis:\n"
                          "      - {as: x, id: \"{a}\", bogus: 1}\n    relations:\n"
                          "      - {from: x, type: RUNS_ON, to: y}\n",
          "t.csv": "a\n1\n"},
         ["profile.yaml: tables[0].cis[0].bogus: unknown key; expected one of as, id, identify, merge, "
          "name, other_columns, properties, stub, type, when",
          "profile.yaml: tables[0].cis[0].type: missing: a CI type, or {column: ..., map: ...}",
          "profile.yaml: tables[0].relations[0].to: no CI named 'y' in this table (known: x)"],
         profile="profile.yaml", inputs=["t.csv"]),
]


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for number, (name, files, expected, run) in enumerate(CASES, start=1):
        directory = CORPUS / f"{number:02d}-{name}"
        directory.mkdir(parents=True)
        for file, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (directory / file).write_bytes(data)
        spec = {"inputs": run.get("inputs", sorted(f for f in files if f != "profile.yaml")),
                "expected": expected}
        for key in ("profile", "encoding"):
            if key in run:
                spec[key] = run[key]
        (directory / "case.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False,
                                                            width=200), encoding="utf-8")
    (CORPUS / "base.json").write_text(json.dumps(BASE, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {CORPUS}")


if __name__ == "__main__":
    main()
