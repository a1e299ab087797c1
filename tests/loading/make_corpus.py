"""Write the bad-input corpus in tests/loading/corpus/ (run: .venv/bin/python -m tests.loading.make_corpus).

One directory per case: its input files (byte-exact: broken encodings, NUL and escape
characters are meant) and ``case.yaml`` with its ``class`` (the strings in CASES), what to run
(``inputs``; optional ``profile`` — a file of the case or a shipped profile's name —,
``encoding``, ``netbox`` (the input is a NetBox JSON export), ``source``, ``prune``,
``allow_empty``, and ``setup``: what git cannot hold, made when the case runs — a FIFO, a
directory, a symbolic link, a file without read permission) and ``expected``: every problem the
load must report, exactly, as ``FILE:LINE: COLUMN: MESSAGE`` with paths relative to the case
directory. Each case is loaded into a store that already holds BASE, loaded from the source
``corpus`` (see test_corpus.py), which must be unchanged afterwards: a case that pruned would
show.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from itss_graph.loading.validate import ONTOLOGY_HINT

CORPUS = Path(__file__).resolve().parent / "corpus"
HDR = "id,name,type\n"
REL = "source,type,target\n"
# replaced by the test from the ontology (the number of CI types; the relation types, sorted)
KNOWN = "(`itss types` lists the {ci_type_count} known ones)"
KNOWN_RELATIONS = "{known_relation_types}"
HINT = ONTOLOGY_HINT  # how to add a type or an alias: said by every "unknown type" message

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

CASES: list = [
    "files that cannot be read",
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
         ["cis.csv:2: cannot decode: not UTF-8 (byte 0xff at offset 15), and not GB18030 text; "
          "it looks like Windows-1252 (Western European): name it with --encoding cp1252"]),
    case("wrong-declared-encoding", {"cis.csv": (HDR + "a,核心交换机,server\n").encode("gbk")},
         ["cis.csv:2: cannot decode as utf-8: byte 0xba at offset 15 is invalid"], encoding="utf-8"),
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
         ["inv.yaml:4: malformed YAML: did not find expected ',' or ']'"]),
    "values that break the rules",
    case("unknown-ci-type", {"cis.csv": HDR + "a,A,sever\n"},
         [f"cis.csv:2: type: unknown CI type 'sever' (did you mean 'server'?); {HINT}"]),
    case("unknown-ci-type-no-guess", {"cis.csv": HDR + "a,A,保险柜\n"},
         [f"cis.csv:2: type: unknown CI type '保险柜' {KNOWN}; {HINT}"]),
    case("missing-ci-type", {"cis.csv": HDR + "a,A,\n"}, ["cis.csv:2: type: missing CI type"]),
    case("unknown-relation-type", {"cis.csv": HDR + "a,A,server\nb,B,vm\n", "relations.csv": REL + "b,RUNS_INTO,a\n"},
         [f"relations.csv:2: type: unknown relation type 'RUNS_INTO' (did you mean 'RUNS_ON'?); {HINT}"]),
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
    "injection-like text",  # data, never code
    case("injection-in-ci-type", {"cis.csv": HDR + "a,A,server'); DROP TABLE ci; --\n"},
         [f"cis.csv:2: type: unknown CI type \"server'); DROP TABLE ci; --\" {KNOWN}; {HINT}"]),
    case("injection-in-relation-type", {"cis.csv": HDR + "a,A,vm\n",
                                        "relations.csv": REL + "a,RUNS_ON]->(x) DETACH DELETE x //,base:host\n"},
         ["relations.csv:2: type: unknown relation type 'RUNS_ON]->(x) DETACH DELETE x //'; "
          f"known: {KNOWN_RELATIONS}; {HINT}"]),
    case("injection-in-target", {"cis.csv": HDR + "a,A,vm\n",
                                 "relations.csv": REL + "a,RUNS_ON,x' OR '1'='1\n"},
         ["relations.csv:2: target: unknown CI \"x' OR '1'='1\": not in the input nor in the store"]),
    case("injection-in-source", {"relations.csv": REL + "a' OR 1=1 --,RUNS_ON,base:host\n"},
         ["relations.csv:2: source: unknown CI \"a' OR 1=1 --\": not in the input nor in the store"]),
    case("injection-cypher-id-duplicate", {"cis.csv": HDR + "\"a'}) DETACH DELETE n //\",A,server\n\"a'}) DETACH DELETE n //\",B,server\n"},
         ["cis.csv:3: id: CI \"a'}) DETACH DELETE n //\" is also defined, differently, at cis.csv:2"]),
    "rows that contradict each other",
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
    "cycles",  # over relation types the ontology declares acyclic
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
    "mapping profiles",
    case("profile-unmapped-type", {"profile.yaml": PROFILE_OK, "台账.csv": "编号,名称,类型\nA1,保险柜1,保险柜\n"},
         [f"台账.csv:2: 类型: unknown CI type '保险柜' {KNOWN}"
          f"; map it in profile 'corpus' (tables[0].cis[0].type.map) or {HINT}"], profile="profile.yaml",
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
         ["profile.yaml:5: tables[0].cis[0].bogus: unknown key; expected one of as, id, identify, merge, "
          "name, other_columns, properties, stub, type, when",
          "profile.yaml:5: tables[0].cis[0].type: missing: a CI type, or {column: ..., map: ...}",
          "profile.yaml:7: tables[0].relations[0].to: no CI named 'y' in this table (known: x)"],
         profile="profile.yaml", inputs=["t.csv"]),
]



# -- builders of binary inputs -------------------------------------------------------------------

ENDPOINT_FILES = ["circuits.circuit-terminations.json", "circuits.circuits.json", "circuits.providers.json",
                  "dcim.cables.json", "dcim.devices.json", "dcim.power-feeds.json", "dcim.power-panels.json",
                  "dcim.racks.json", "dcim.sites.json", "virtualization.clusters.json",
                  "virtualization.virtual-machines.json"]
SITE = {"id": 1, "name": "HQ", "status": {"value": "active", "label": "Active"}}
ROLE = {"id": 1, "name": "Server", "slug": "server"}


def export(**files) -> dict[str, str]:
    """A NetBox JSON export under export/: every endpoint an empty page, but for ``files``
    (file stem with dots as underscores → content; None leaves the file out)."""
    out = {}
    for name in ENDPOINT_FILES:
        key = name[:-5].replace(".", "_").replace("-", "_")
        content = files.get(key, {"count": 0, "next": None, "results": []})
        if content is not None:
            out[f"export/{name}"] = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return out


def page(*objects, **fields) -> dict:
    return {"count": len(objects), "next": None, "previous": None, "results": list(objects), **fields}


def workbook(rows: list[list], *, title: str = "Sheet") -> bytes:
    """An .xlsx with one sheet of ``rows`` (strings starting with = are formulas, which
    openpyxl saves without a calculated value, as any program but Excel does)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The same zip archive with one member's bytes changed by ``change``."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == member else content)
    return buffer.getvalue()


def lying_dimension(data: bytes) -> bytes:
    """The workbook with its sheet's <dimension> understating the sheet (A1:B2)."""
    import re

    return rewrite_member(data, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml))


def declared_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with the central directory declaring ``size`` uncompressed bytes for one
    member (what a zip bomb looks like before anything is inflated)."""
    import struct

    name = member.encode()
    at = data.index(b"PK\x01\x02")  # the first central directory entry
    while True:
        name_length = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + name_length] == name:
            return data[:at + 24] + struct.pack("<I", size) + data[at + 28:]
        extra, comment = struct.unpack("<HH", data[at + 30:at + 34])
        at = data.index(b"PK\x01\x02", at + 46 + name_length + extra + comment)


def offset_of(data: bytes, needle: bytes) -> int:
    return data.index(needle)


def utf8_error(data: bytes) -> tuple[int, int, int]:
    """(line, offset, byte) of the first byte Python's own UTF-8 decoder refuses."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, exc.start, data[exc.start]
    raise ValueError("valid UTF-8")


ALIAS_BOMB = ('cis:\n  - id: a\n    type: server\n'
              '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
              + "".join(f"    {n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
                        for p, n in zip("abcdefgh", "bcdefghi")))
PROFILE_REGISTER = {"profile": "cn-asset-register"}
EMPTY_PRUNE = ("holds no rows; with --prune this load would delete every CI and relation source "
               "'corpus' loaded before: add --allow-empty if that is meant")
PRUNE = {"source": "corpus", "prune": True}
MISSING_ENDPOINT = ("--prune needs every NetBox endpoint exported (an endpoint without objects as an "
                    "empty list), or it would delete what the export left out")
FORMULA = ("but no calculated value; open and save the workbook in Excel or LibreOffice so its "
           "values are stored")
GBK_NUL = (HDR + "核心交换机,核心交换机甲,交换机\n").encode("gbk") + "a\x00b,服务器乙,服务器\n".encode("gbk")
PROFILE_GBK = "name: 台账\ntables:\n  - match: {columns: [编号]}\n    cis:\n      - {id: \"{编号}\", type: server}\n"
PROFILE_GBK_BYTES = PROFILE_GBK.encode("gbk")
MIXED = (HDR + "a,核心交换机,switch\n").encode("utf-8") + "b,备用交换机,switch\n".encode("gbk")
BIG5 = (HDR + "a,核心交換機,交換機\nb,資料庫伺服器,伺服器\nc,備用交換機,交換機\n").encode("big5")
SJIS = (HDR + "a,コアスイッチ,switch\nb,データベースサーバ,server\n").encode("shift_jis")
CP1252 = (HDR + "a,Müller Straße,server\nb,Café été,vm\n").encode("cp1252")
UNREADABLE = [{"unreadable": "cis.csv"}]


def profile(body: str, name: str = "corpus") -> str:
    return f"name: {name}\ntables:\n  - match: {{columns: [编号, 类型]}}\n{body}"


CI_OK = "    cis:\n      - as: asset\n        id: \"{编号}\"\n        type: {column: 类型}\n"
TABLE = "编号,类型\nA1,server\n"

CASES += [
    "prune safety",  # data lost or corrupted: prune only after a provably complete read
    case("netbox-export-missing-endpoint-prune", export(dcim_cables=None, dcim_sites=page(SITE)),
         [f"export: has no dcim.cables.json: {MISSING_ENDPOINT}"], inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-three-endpoints-missing-prune",
         export(dcim_cables=None, dcim_devices=None, circuits_providers=None, dcim_sites=page(SITE)),
         [f"export: has no dcim.devices.json: {MISSING_ENDPOINT}",
          f"export: has no circuits.providers.json: {MISSING_ENDPOINT}",
          f"export: has no dcim.cables.json: {MISSING_ENDPOINT}"], inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-count-says-more", export(dcim_sites={"count": 72, "next": None, "results": [SITE]}),
         ["export/dcim.sites.json:1: count: says 72 objects but holds 1: the export is incomplete"],
         inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-page-links-to-next",
         export(dcim_sites={"count": 1, "next": "https://netbox.example.com/api/dcim/sites/?limit=1&offset=1",
                            "results": [SITE]}),
         ["export/dcim.sites.json:1: next: the saved page links to a next one "
          "(https://netbox.example.com/api/dcim/sites/?limit=1&offset=1): the export is incomplete; "
          "save every page, or all objects with ?limit=0"], inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-pages-of-different-reads",
         export(dcim_sites=[{"count": 2, "next": "x", "results": [SITE]},
                            {"count": 3, "next": None, "results": [{**SITE, "id": 2}]}]),
         ["export/dcim.sites.json:1: count: page 2 says 3 objects, page 1 said 2: pages of different reads"],
         inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-overlapping-pages",
         export(dcim_sites=[{"count": 2, "next": "x", "results": [SITE]},
                            {"count": 2, "next": None, "results": [SITE]}]),
         ["export/dcim.sites.json: [1].id: object 1 is saved twice (pages that overlap)"],
         inputs=["export"], netbox=True, **PRUNE),
    case("netbox-export-object-without-id", export(dcim_sites=page({"name": "HQ"})),
         ["export/dcim.sites.json: [0]: a NetBox object needs an 'id'"], inputs=["export"], netbox=True),
    case("netbox-export-id-is-a-list", export(dcim_sites=page({**SITE, "id": [1]})),
         ["export/dcim.sites.json: [0].id: a NetBox id is a number, not list"], inputs=["export"], netbox=True),
    case("netbox-export-malformed-json", export(dcim_sites='{"count": 1, "results": [\n'),
         ["export/dcim.sites.json:2: malformed JSON: Expecting value"], inputs=["export"], netbox=True),
    case("netbox-export-duplicate-key", export(dcim_sites='{"count": 0,\n "results": [],\n "count": 0}'),
         ["export/dcim.sites.json:3: count: key appears twice in the same object (only one can be kept)"],
         inputs=["export"], netbox=True),
    case("netbox-export-device-of-unexpected-shape",
         export(dcim_sites=page(SITE), dcim_devices=page({"id": 5, "name": "d5", "role": ROLE,
                                                          "device_type": "DL380", "site": SITE})),
         ["netbox:dcim.device:5: a NetBox device object of an unexpected shape "
          "(AttributeError: 'str' object has no attribute 'get')"], inputs=["export"], netbox=True),
    case("netbox-export-cable-of-unexpected-shape",
         export(dcim_cables=page({"id": 9, "a_terminations": {"object_type": "dcim.interface"},
                                  "b_terminations": []})),
         ["netbox:dcim.cable:9: a NetBox cable object of an unexpected shape "
          "(AttributeError: 'str' object has no attribute 'get')"], inputs=["export"], netbox=True),
    case("netbox-export-every-endpoint-empty-prune", export(),
         [f"export: {EMPTY_PRUNE}"], inputs=["export"], netbox=True, **PRUNE),
    case("header-only-csv-prune", {"cis.csv": HDR}, [f"cis.csv: {EMPTY_PRUNE}"], **PRUNE),
    case("header-only-relations-prune", {"cis.csv": HDR + "a,A,server\n", "relations.csv": REL},
         [f"relations.csv: {EMPTY_PRUNE}"], **PRUNE),
    case("empty-json-document-prune", {"inventory.json": '{"cis": [], "relations": []}\n'},
         [f"inventory.json: {EMPTY_PRUNE}"], **PRUNE),
    case("empty-yaml-document-prune", {"inventory.yaml": "cis: []\n"}, [f"inventory.yaml: {EMPTY_PRUNE}"], **PRUNE),
    case("header-only-register-prune", {"台账.csv": "资产编号,资产名称,类型\n"}, [f"台账.csv: {EMPTY_PRUNE}"],
         **PROFILE_REGISTER, **PRUNE),

    "decode or refuse",  # never stored as mojibake
    case("big5-is-refused", {"cis.csv": BIG5},
         [f"cis.csv:2: cannot decode: not UTF-8 (byte 0xae at offset {offset_of(BIG5, 'a,'.encode()) + 2}), "
          "and not GB18030 text; it looks like Big5 (Traditional Chinese): name it with --encoding big5"]),
    case("shift-jis-is-refused", {"cis.csv": SJIS},
         [f"cis.csv:2: cannot decode: not UTF-8 (byte 0x83 at offset 15), and not GB18030 text; "
          "it looks like Shift-JIS (Japanese): name it with --encoding shift_jis"]),
    case("cp1252-is-refused", {"cis.csv": CP1252},
         ["cis.csv:2: cannot decode: not UTF-8 (byte 0xfc at offset 16), and not GB18030 text; "
          "it looks like Windows-1252 (Western European): name it with --encoding cp1252"]),
    case("utf8-and-gbk-mixed", {"cis.csv": MIXED},
         [f"cis.csv:3: cannot decode: not UTF-8 (byte 0xb1 at offset {MIXED.index(b'b,') + 2}), and not "
          "GB18030 text; save the file as UTF-8 or name its encoding with --encoding"]),
    case("big5-register-through-a-profile", {"台账.csv": "資產編號,資產名稱,類型\nA1,資料庫伺服器,伺服器\n".encode("big5")},
         ["台账.csv:1: cannot decode: not UTF-8 (byte 0xb8 at offset 0), and not GB18030 text; "
          "it looks like Big5 (Traditional Chinese): name it with --encoding big5"], **PROFILE_REGISTER),
    case("utf16-le-without-bom", {"cis.csv": (HDR + "a,A,server\n").encode("utf-16-le")},
         ["cis.csv:1: looks like UTF-16 (little-endian) without a byte-order mark; name its encoding "
          "with --encoding utf-16-le"]),
    case("utf16-be-without-bom", {"cis.csv": (HDR + "a,A,server\n").encode("utf-16-be")},
         ["cis.csv:1: looks like UTF-16 (big-endian) without a byte-order mark; name its encoding "
          "with --encoding utf-16-be"]),
    case("declared-utf16-without-bom", {"cis.csv": (HDR + "a,A,server\n").encode("utf-16-le")},
         ["cis.csv:1: --encoding utf-16 needs a byte-order mark, which the file does not start with; "
          "name the byte order: utf-16-le or utf-16-be"], encoding="utf-16"),
    case("declared-gbk-on-utf16", {"cis.csv": (HDR + "a,A,server\n").encode("utf-16-le")},
         ["cis.csv:1: looks like UTF-16 (little-endian) without a byte-order mark, but --encoding says gbk"],
         encoding="gbk"),
    case("utf8-bom-declared-gbk", {"cis.csv": b"\xef\xbb\xbf" + (HDR + "a,A,server\n").encode()},
         ["cis.csv:1: starts with a UTF-8 byte-order mark, but --encoding says gbk"], encoding="gbk"),
    case("declared-rot13", {"cis.csv": HDR + "a,A,server\n"},
         ["--encoding: 'rot13' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)"], encoding="rot13"),
    case("declared-hex", {"cis.csv": HDR + "a,A,server\n"},
         ["--encoding: 'hex' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)"], encoding="hex"),
    case("declared-base64", {"cis.csv": HDR + "a,A,server\n"},
         ["--encoding: 'base64' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)"], encoding="base64"),
    case("declared-zlib", {"cis.csv": HDR + "a,A,server\n"},
         ["--encoding: 'zlib' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)"], encoding="zlib"),
    case("declared-unknown-encoding", {"cis.csv": HDR + "a,A,server\n"},
         ["--encoding: unknown encoding 'klingon'"], encoding="klingon"),
    case("declared-gbk-invalid-byte", {"cis.csv": HDR.encode() + b"a,\x81\x20x,server\n"},
         ["cis.csv:2: cannot decode as gbk: byte 0x81 at offset 15 is invalid"], encoding="gbk"),
    case("declared-utf8-ends-inside-a-character", {"cis.csv": HDR.encode() + b"a,A,server\xe6\x9c"},
         ["cis.csv:2: cannot decode as utf-8: the file ends inside a character"], encoding="utf-8"),
    case("gbk-detected-nul-in-id", {"cis.csv": GBK_NUL},
         ["cis.csv:3: id: 'a\\x00b' contains a control character"]),
    case("gbk-detected-escape-in-name",
         {"cis.csv": (HDR + "a,核心交换机\x1b[31m,交换机\n").encode("gbk")},
         ["cis.csv:2: name: contains a control character: '核心交换机\\x1b[31m'"]),
    case("gbk-declared-escape-in-value",
         {"cis.csv": ("id,name,type,责任人\na,核心交换机,交换机,张三\x1b[0m\n").encode("gbk")},
         ["cis.csv:2: 责任人: contains a control character: '张三\\x1b[0m'"], encoding="gbk"),
    case("utf16-bom-escape-in-id", {"cis.tsv": b"\xff\xfe" + "id\tname\ttype\na\x1bb\tA\tserver\n".encode("utf-16-le")},
         ["cis.tsv:2: id: 'a\\x1bb' contains a control character"]),
    case("profile-not-utf8", {"profile.yaml": PROFILE_GBK_BYTES, "t.csv": "编号\n1\n"},
         [f"profile.yaml:{utf8_error(PROFILE_GBK_BYTES)[0]}: cannot decode as utf-8: byte "
          f"0x{utf8_error(PROFILE_GBK_BYTES)[2]:02x} at offset {utf8_error(PROFILE_GBK_BYTES)[1]} is invalid"], profile="profile.yaml", inputs=["t.csv"]),

    "located problems",  # no traceback from any input, option or profile; all at once
    case("profile-file-is-a-number",
         {"profile.yaml": "name: corpus\ntables:\n  - match: {columns: [编号, 类型], file: 123}\n" + CI_OK, "t.csv": TABLE},
         ["profile.yaml:3: tables[0].match.file: must be a file name pattern (text), not the number 123"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-encoding-is-a-number", {"profile.yaml": profile("    encoding: 936\n" + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].encoding: must be an encoding name (text), not the number 936"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-encoding-not-a-text-encoding", {"profile.yaml": profile("    encoding: rot13\n" + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].encoding: 'rot13' is not a text encoding (utf-8, gbk, gb18030, utf-16, big5, ...)"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-stub-is-the-text-false", {"profile.yaml": profile(CI_OK + '        stub: "false"\n'), "t.csv": TABLE},
         ["profile.yaml:8: tables[0].cis[0].stub: must be true or false (without quotes), not the text 'false'"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-merge-is-yes-in-quotes", {"profile.yaml": profile(CI_OK + '        merge: "yes"\n'), "t.csv": TABLE},
         ["profile.yaml:8: tables[0].cis[0].merge: must be true or false (without quotes), not the text 'yes'"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-header-row-is-text", {"profile.yaml": profile('    header_row: "2"\n' + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].header_row: must be a row number (1 or more), not the text '2'"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-sheet-is-a-list", {"profile.yaml": profile("    sheet: [1]\n" + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].sheet: must be a sheet name or number, not a list"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-records-is-a-number", {"profile.yaml": profile("    records: 5\n" + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].records: must be a path such as data.items (text), not the number 5"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-split-and-optional-of-wrong-type",
         {"profile.yaml": profile(CI_OK + "    relations:\n      - from: asset\n        type: RUNS_ON\n"
                                  "        to: {column: 宿主机, split: 5, optional: 1, match: {name: \"{value}\"}}\n"),
          "t.csv": TABLE},
         ["profile.yaml:11: tables[0].relations[0].to.split: must be a separator (text), not the number 5",
          "profile.yaml:11: tables[0].relations[0].to.optional: must be true or false (without quotes), not the number 1"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-every-mistake-at-once",
         {"profile.yaml": "name: [corpus]\nversion: {a: 1}\ntables:\n  - match: {columns: [编号, 类型], file: 123}\n"
                          "    encoding: 936\n    cis:\n      - as: asset\n        id: \"{编号}\"\n"
                          "        type: {column: 类型}\n        stub: \"false\"\n        other_columns: maybe\n"
                          "    defaults: {类型: [server]}\nlayout: wide\n",
          "t.csv": TABLE},
         ["profile.yaml:1: name: must be a name (text), not a list",
          "profile.yaml:2: version: must be a version number or text, not a mapping",
          "profile.yaml:4: tables[0].match.file: must be a file name pattern (text), not the number 123",
          "profile.yaml:5: tables[0].encoding: must be an encoding name (text), not the number 936",
          "profile.yaml:10: tables[0].cis[0].stub: must be true or false (without quotes), not the text 'false'",
          "profile.yaml:11: tables[0].cis[0].other_columns: must be keep or drop, not the text 'maybe'",
          "profile.yaml:12: tables[0].defaults.类型: must be a value for the cell, not a list",
          "profile.yaml:13: layout: unknown key; expected one of description, name, options, tables, version"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-unknown-option", {"profile.yaml": profile(CI_OK) + "options:\n  page_limit: 5\n", "t.csv": TABLE},
         ["profile.yaml:9: options.page_limit: unknown key; expected one of default_device_type, device_roles, "
          "max_pages, page_size, retries, timeout"], profile="profile.yaml", inputs=["t.csv"]),
    case("profile-option-page-size-is-text", {"profile.yaml": profile(CI_OK) + "options:\n  page_size: abc\n", "t.csv": TABLE},
         ["profile.yaml:9: options.page_size: must be a number of objects per page, 1 to 1000, not the text 'abc'"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-option-timeout-zero", {"profile.yaml": profile(CI_OK) + "options:\n  timeout: 0\n", "t.csv": TABLE},
         ["profile.yaml:9: options.timeout: must be seconds, more than 0 and at most 3600, not 0"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-device-role-maps-to-a-list",
         {"profile.yaml": profile(CI_OK) + "options:\n  device_roles: {core: [switch]}\n", "t.csv": TABLE},
         ["profile.yaml:9: options.device_roles.core: must be a CI type, not a list"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-fill-down-column-not-in-the-table",
         {"profile.yaml": profile("    fill_down: [所在机房]\n" + CI_OK), "t.csv": TABLE},
         ["profile.yaml:4: tables[0].fill_down: column '所在机房' is not in t.csv (its columns: 编号, 类型)"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-duplicate-key",
         {"profile.yaml": "name: corpus\ntables:\n  - match: {columns: [编号]}\n    cis:\n      - {id: \"{编号}\", type: server}\n"
                          "    cis: []\n", "t.csv": "编号\n1\n"},
         ["profile.yaml:6: cis: key appears twice in the same mapping (only one can be kept)"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-malformed-yaml", {"profile.yaml": "name: corpus\ntables: [\n", "t.csv": "编号\n1\n"},
         ["profile.yaml:3: malformed YAML: did not find expected node content"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("profile-map-target-is-a-list",
         {"profile.yaml": profile("    cis:\n      - id: \"{编号}\"\n        type: {column: 类型, map: {主机: [server]}}\n"),
          "t.csv": TABLE},
         ["profile.yaml:6: tables[0].cis[0].type.map.主机: must map to a value, not a list"],
         profile="profile.yaml", inputs=["t.csv"]),
    case("id-with-byte-order-mark-inside", {"cis.csv": HDR + "srv\ufeff01,A,server\n"},
         ["cis.csv:2: id: 'srv\\ufeff01' contains an invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"]),
    case("id-with-zero-width-space", {"cis.csv": HDR + "srv\u200b01,A,server\n"},
         ["cis.csv:2: id: 'srv\\u200b01' contains an invisible character U+200B (ZERO WIDTH SPACE)"]),
    case("id-with-zero-width-joiner", {"cis.csv": HDR + "服务器\u200d01,A,server\n"},
         ["cis.csv:2: id: '服务器\\u200d01' contains an invisible character U+200D (ZERO WIDTH JOINER)"]),
    case("id-with-right-to-left-override", {"cis.csv": HDR + "srv\u202e10,A,server\n"},
         ["cis.csv:2: id: 'srv\\u202e10' contains an invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"]),
    case("id-with-soft-hyphen", {"cis.csv": HDR + "core\u00adswitch,A,switch\n"},
         ["cis.csv:2: id: 'core\\xadswitch' contains an invisible character U+00AD (SOFT HYPHEN)"]),
    case("target-with-word-joiner", {"relations.csv": REL + "base:host,DEPENDS_ON,base:\u2060rack\n"},
         ["relations.csv:2: target: 'base:\\u2060rack' contains an invisible character U+2060 (WORD JOINER)"]),
    case("id-in-nfc-and-nfd-is-one-ci", {"cis.csv": HDR + "caf\u00e9,Café,server\ncafe\u0301,Cafe 2,server\n"},
         ["cis.csv:3: id: CI 'café' is also defined, differently, at cis.csv:2"]),
    case("json-duplicate-key-in-a-ci", {"inv.json": '{"cis": [\n {"id": "a", "type": "server", "name": "x", "name": "y"}\n]}\n'},
         ["inv.json:2: name: key appears twice in the same object (only one can be kept)"]),
    case("json-duplicate-top-level-key", {"inv.json": '{"cis": [],\n "relations": [],\n "cis": [{"id": "a", "type": "server"}]}\n'},
         ["inv.json:3: cis: key appears twice in the same object (only one can be kept)"]),
    case("json-duplicate-key-in-a-property",
         {"inv.json": '{"cis": [\n {"id": "a", "type": "server", "ports": {"eth0": 1, "eth0": 2}}\n]}\n'},
         ["inv.json:2: eth0: key appears twice in the same object (only one can be kept)"]),
    case("json-lone-surrogate-in-id", {"inv.json": '{"cis": [{"id": "a\\ud800", "type": "server"}]}\n'},
         ["inv.json:1: id: 'a\\ud800' is not valid Unicode (a lone surrogate escape such as \\ud800)"]),
    case("json-lone-surrogate-in-name", {"inv.json": '{"cis": [{"id": "a", "name": "x\\udc00", "type": "server"}]}\n'},
         ["inv.json:1: name: 'x\\udc00' is not valid Unicode (a lone surrogate)"]),
    case("json-lone-surrogate-in-value", {"inv.json": '{"cis": [{"id": "a", "type": "server", "note": "\\ud83d"}]}\n'},
         ["inv.json:1: 'note': is not valid Unicode (a lone surrogate escape such as \\ud800 in the name or the value)"]),
    case("yaml-impossible-date", {"inv.yaml": "cis:\n  - id: a\n    type: server\n    bought: 2024-02-30\n"},
         ["inv.yaml:4: '2024-02-30' is not a valid date or time (write it in quotes to keep it as text)"]),
    case("yaml-duplicate-key", {"inv.yaml": "cis:\n  - id: a\n    type: server\n    id: b\n"},
         ["inv.yaml:4: id: key appears twice in the same mapping (only one can be kept)"]),
    case("yaml-set-value", {"inv.yaml": "cis:\n  - id: a\n    type: server\n    tags: !!set {x, y}\n"},
         ["inv.yaml:2: tags: a set value cannot be stored; give text, a number or a list"]),
    case("yaml-python-object-tag", {"inv.yaml": "cis:\n  - id: !!python/object:os.system [ls]\n    type: server\n"},
         ["inv.yaml:2: malformed YAML: could not determine a constructor for the tag "
          "'tag:yaml.org,2002:python/object:os.system'"]),
    case("document-every-top-level-mistake", {"inv.json": '{"nodes": [], "edges": [], "cis": {"id": "a"}}\n'},
         ["inv.json:1: edges: unknown top-level key; expected 'cis' and 'relations'",
          "inv.json:1: nodes: unknown top-level key; expected 'cis' and 'relations'",
          "inv.json:1: cis: must be a list"]),
    case("header-every-mistake", {"cis.csv": "id,name,type,name,,type,owner,\na,A,server,B,,vm,x,\n"},
         ["cis.csv:1: name: column appears twice in the header", "cis.csv:1: type: column appears twice in the header",
          "cis.csv:1: column 5 of the header has no name", "cis.csv:1: column 8 of the header has no name"]),
    case("header-both-ci-and-relation", {"cis.csv": "name,id,type,source,target\nA,a,server,x,y\n"},
         ["cis.csv:1: the header has id and also source and target: put id first for a table of CIs, "
          "source first for a table of relations"]),
    case("rows-and-references-in-one-pass",
         {"cis.csv": HDR + "a,A,server\nb,B,toaster\n", "relations.csv": REL + "a,DEPENDS_ON,zzz\nb,DEPENDS_ON,a\n"},
         [f"cis.csv:3: type: unknown CI type 'toaster' (did you mean 'router'?); {HINT}",
          "relations.csv:2: target: unknown CI 'zzz': not in the input nor in the store"]),
    case("xlsx-uncalculated-formula",
         {"cis.xlsx": workbook([["id", "name", "type", "cost"], ["a", "A", "server", 10], ["b", "B", "server", "=D2*2"]])},
         [f"cis.xlsx[Sheet]:3: cost: cell D3 holds the formula =D2*2 {FORMULA}"]),
    case("xlsx-uncalculated-formula-in-the-header",
         {"cis.xlsx": workbook([["=LOWER(\"ID\")", "name", "type"], ["a", "A", "server"]])},
         [f"cis.xlsx[Sheet]:1: cell A1 holds the formula =LOWER(\"ID\") {FORMULA}"]),
    case("xlsx-dimension-understates-the-sheet",
         {"cis.xlsx": lying_dimension(workbook([["id", "name", "type", "site"]]
                                               + [[f"c{i}", f"C{i}", "server", "DC1"] for i in range(2, 9)]
                                               + [["c9", "C9", "sever", "DC1"], ["c10", "C10", "server", "DC1"]]))},
         [f"cis.xlsx[Sheet]:9: type: unknown CI type 'sever' (did you mean 'server'?); {HINT}"]),
    case("xlsx-empty-sheet", {"cis.xlsx": workbook([])}, ["cis.xlsx[Sheet]: no header row found"]),
    case("nonexistent-input", {}, ["missing.csv: no such file or directory"], inputs=["missing.csv"]),

    "bounded work",  # every limit a clear problem, never a hang or a traceback
    case("yaml-alias-bomb", {"inv.yaml": ALIAS_BOMB},
         # the first value past the limit: g (9^7 values) on line 10
         ["inv.yaml:10: aliases expand to more than 2,000,000 values (a document that grows exponentially)"]),
    case("yaml-recursive-alias", {"inv.yaml": "cis:\n  - &a {id: a, type: server, parts: [*a]}\n"},
         ["inv.yaml:2: an alias refers to the value that contains it (a recursive document)"]),
    case("yaml-nested-40-deep", {"inv.yaml": "cis:\n  - {id: a, type: server, x: " + "[" * 40 + "]" * 40 + "}\n"},
         ["inv.yaml:2: nested more than 32 levels deep"]),
    case("yaml-nested-3000-deep", {"inv.yaml": "cis:\n  - {id: a, type: server, x: " + "[" * 3000 + "]" * 3000 + "}\n"},
         ["inv.yaml:2: nested more than 32 levels deep"]),
    case("json-arrays-1000-deep", {"inv.json": '{"cis": [{"id": "a", "type": "server", "x": ' + "[" * 1000 + "]" * 1000 + "}]}\n"},
         ["inv.json:1: nested more than 32 levels deep"]),
    case("json-property-nested-40-deep", {"inv.json": '{"cis": [{"id": "a", "type": "server", "x": ' + "[" * 40 + "]" * 40 + "}]}\n"},
         ["inv.json:1: x: nested more than 32 levels deep"]),
    case("json-5000-digit-integer", {"inv.json": '{"cis": [{"id": "a", "type": "server", "x": ' + "7" * 5000 + "}]}\n"},
         ["inv.json:1: x: number 77777777777777777777… has 5000 characters; at most 100 (write it in quotes to keep it as text)"]),
    case("json-200-digit-float", {"inv.json": '{"cis": [{"id": "a", "type": "server", "x": 0.' + "3" * 200 + "}]}\n"},
         ["inv.json:1: x: number 0.333333333333333333… has 202 characters; at most 100 (write it in quotes to keep it as text)"]),
    case("yaml-5000-digit-integer", {"inv.yaml": "cis:\n  - id: a\n    type: server\n    x: " + "7" * 5000 + "\n"},
         ["inv.yaml:4: number 77777777777777777777… has 5000 characters; at most 100 (write it in quotes to keep it as text)"]),
    case("csv-5000-columns", {"cis.csv": "id,name,type," + ",".join(f"c{i}" for i in range(4997)) + "\n"},
         ["cis.csv:1: the header has 5000 columns; at most 2000"]),
    case("register-5000-columns", {"台账.csv": "资产编号,资产名称,类型," + ",".join(f"列{i}" for i in range(4997)) + "\n"},
         ["台账.csv:1: the header has 5000 columns; at most 2000"], **PROFILE_REGISTER),
    case("xlsx-zip-bomb",
         {"cis.xlsx": declared_size(workbook([["id", "name", "type"], ["a", "A", "server"]]),
                                    "xl/worksheets/sheet1.xml", 2 << 30)},
         ["cis.xlsx: cannot read as an Excel workbook: it decompresses to 2048 MiB; at most 1024 MiB "
          "(a zip bomb, or save the sheet as CSV)"]),
    case("fifo-named-cis-csv", {}, ["cis.csv: is a named pipe (FIFO), not a regular file; save the data to a file and load that"],
         inputs=["cis.csv"], setup=[{"fifo": "cis.csv"}]),
    case("fifo-inside-an-input-directory", {"in/relations.csv": REL}, [
        "in/cis.csv: is a named pipe (FIFO), not a regular file; save the data to a file and load that"],
         inputs=["in"], setup=[{"fifo": "in/cis.csv"}]),
    case("directory-named-cis-csv", {"in/relations.csv": REL}, ["in/cis.csv: is a directory, not a file"],
         inputs=["in"], setup=[{"directory": "in/cis.csv"}]),
    case("dangling-symlink-named-cis-csv", {"in/relations.csv": REL},
         ["in/cis.csv: is a symbolic link to 'gone.csv', which does not exist"],
         inputs=["in"], setup=[{"symlink": "in/cis.csv", "to": "gone.csv"}]),
    case("symlink-loop-named-cis-csv", {"in/relations.csv": REL},
         ["in/cis.csv: is a symbolic link loop (a link that leads back to itself)"],
         inputs=["in"], setup=[{"symlink": "in/cis.csv", "to": "cis.csv"}]),
    case("permission-denied", {"cis.csv": HDR + "a,A,server\n"},
         ["cis.csv: permission denied: the file cannot be read by this user"], setup=UNREADABLE),
    case("fifo-through-a-profile", {"in/a.csv": "资产编号,资产名称,类型\n"},
         ["in/b.csv: is a named pipe (FIFO), not a regular file; save the data to a file and load that"],
         inputs=["in"], setup=[{"fifo": "in/b.csv"}], **PROFILE_REGISTER),
    case("profile-is-a-fifo", {"t.csv": TABLE},
         ["profile.yaml: is a named pipe (FIFO), not a regular file; save the data to a file and load that"],
         profile="profile.yaml", inputs=["t.csv"], setup=[{"fifo": "profile.yaml"}]),
    case("netbox-export-file-is-a-directory", {"export/dcim.racks.json/x": "[]"},
         ["export/dcim.racks.json: is a directory, not a file"], inputs=["export"], netbox=True),

    "real registers",  # the shipped Chinese register profile and the ontology's device classes
    case("register-unknown-type",
         {"台账.csv": "资产编号,资产名称,类型\nA1,机房保险柜,保险柜\n"},
         [f"台账.csv:2: 类型: unknown CI type '保险柜' {KNOWN}; map it in profile 'cn-asset-register' "
          f"(tables[0].cis[0].type.map) or {HINT}"], **PROFILE_REGISTER),
    case("register-runs-on-names-nothing",
         {"台账.csv": "资产编号,资产名称,类型,运行于\nD1,人事数据库,数据库,不存在的服务器\n"},
         ["台账.csv:2: 运行于: no CI with name='不存在的服务器' in the input nor in the store"], **PROFILE_REGISTER),
    case("register-runs-on-names-two",
         {"台账.csv": "资产编号,资产名称,类型,运行于\nD1,人事数据库,数据库,twin\n"},
         ["台账.csv:2: 运行于: 2 CIs match name='twin': base:twin1, base:twin2"], **PROFILE_REGISTER),
    case("register-runs-on-itself",
         {"台账.csv": "资产编号,资产名称,类型,运行于\nD1,人事数据库,数据库,人事数据库\n"},
         ["台账.csv:2: target: relation from 'D1' to itself"], **PROFILE_REGISTER),
    case("register-runs-on-cycle",
         {"台账.csv": "资产编号,资产名称,类型,运行于\nV1,虚机一,虚拟机,虚机二\nV2,虚机二,虚拟机,虚机一\n"},
         ["台账.csv:3: target: closes a cycle of RUNS_ON relations, which the ontology forbids: "
          "V1 -[RUNS_ON]-> V2 -[RUNS_ON]-> V1"], **PROFILE_REGISTER),
    case("register-same-asset-number-twice",
         {"台账.csv": "资产编号,资产名称,类型\nA1,台式机甲,台式机\nA1,打印机乙,打印机\n"},
         ["台账.csv:3: id: CI 'A1' is also defined, differently, at 台账.csv:2"], **PROFILE_REGISTER),
    case("register-desktop-with-invisible-asset-number",
         {"台账.csv": "资产编号,资产名称,类型\nBG\u200b-01,财务部台式机,台式机\n"},
         ["台账.csv:2: 资产编号: 'BG\\u200b-01' contains an invisible character U+200B (ZERO WIDTH SPACE)"],
         **PROFILE_REGISTER),
    case("register-printer-without-asset-number",
         {"台账.csv": "资产编号,资产名称,类型\n,三楼打印机,打印机\n"},
         ["台账.csv:2: 资产编号: empty, but the CI's id is made from it"], **PROFILE_REGISTER),
]

def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    cases = []
    kind = None
    for item in CASES:
        if isinstance(item, str):
            kind = item
        else:
            cases.append((*item, kind))
    names = [c[0] for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    for number, (name, files, expected, run, kind) in enumerate(cases, start=1):
        directory = CORPUS / f"{number:03d}-{name}"
        directory.mkdir(parents=True)
        for file, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (directory / file).parent.mkdir(parents=True, exist_ok=True)
            (directory / file).write_bytes(data)
        spec = {"class": kind,
                "inputs": run.get("inputs", sorted(f for f in files if f != "profile.yaml")),
                "expected": expected}
        for key in ("profile", "encoding", "netbox", "source", "prune", "allow_empty", "setup"):
            if key in run:
                spec[key] = run[key]
        (directory / "case.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False,
                                                            width=200), encoding="utf-8")
    (CORPUS / "base.json").write_text(json.dumps(BASE, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {CORPUS}")


if __name__ == "__main__":
    main()
