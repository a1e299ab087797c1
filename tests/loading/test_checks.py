"""Checks across rows and input decoding: which relation types may form cycles (the ontology
says), how --on-error skip handles a cycle, and the encodings people's files come in."""

from __future__ import annotations

import json

import pytest

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema


def test_the_ontology_declares_which_relation_types_are_acyclic():
    assert load_schema().acyclic_types() == ["HOSTED_ON", "LOCATED_IN", "MEMBER_OF", "RUNS_ON"]


def test_dependency_cycles_are_allowed(sqlite_store, write):
    path = write("inv.json", json.dumps({
        "cis": [{"id": i, "type": "application"} for i in "abc"],
        "relations": [{"source": a, "type": "DEPENDS_ON", "target": b} for a, b in ("ab", "bc", "ca")]}))
    assert load_inventory([path], sqlite_store).totals()["relations"]["created"] == 3


def test_skip_leaves_out_only_the_row_that_closes_the_cycle(sqlite_store, write):
    cis = write("in/cis.csv", "id,name,type\nsite,S,site\nroom,R,room\nrack,K,rack\n")
    rels = write("in/relations.csv", "source,type,target\nroom,LOCATED_IN,site\nrack,LOCATED_IN,room\n"
                                     "site,LOCATED_IN,rack\n")
    report = load_inventory([cis, rels], sqlite_store, on_error="skip")
    assert [p.line for p in report.skipped] == [4]
    assert sqlite_store.stats()["relations"] == {"LOCATED_IN": 2}


def test_long_acyclic_chains_pass(sqlite_store, write):
    n = 3000
    cis = [{"id": f"n{i}", "type": "rack"} for i in range(n)]
    rels = [{"source": f"n{i}", "type": "LOCATED_IN", "target": f"n{i + 1}"} for i in range(n - 1)]
    report = load_inventory([write("chain.json", json.dumps({"cis": cis, "relations": rels}))], sqlite_store)
    assert report.totals()["relations"]["created"] == n - 1
    closing = write("close.json", json.dumps({"relations": [
        {"source": f"n{n - 1}", "type": "LOCATED_IN", "target": "n0"}]}))
    with pytest.raises(InputError) as excinfo:
        load_inventory([closing], sqlite_store)
    message = excinfo.value.problems[0].message
    assert message.startswith("closes a cycle of LOCATED_IN relations, which the ontology forbids: n0 -[")
    assert message.count("-[LOCATED_IN]->") == n


def test_a_cycle_already_in_the_store_is_a_warning_not_this_inputs_error(sqlite_store, write):
    # a store written before cycles were checked (the SQL goes around the loader on purpose)
    load_inventory([write("a.json", json.dumps({"cis": [{"id": "a", "type": "vm"}, {"id": "b", "type": "vm"}],
                                                "relations": [{"source": "a", "type": "RUNS_ON", "target": "b"}]}))],
                   sqlite_store)
    db = sqlite_store.db
    a, b = (db.execute("SELECT n FROM ci WHERE id = ?", (i,)).fetchone()[0] for i in "ab")
    db.execute("INSERT INTO rel VALUES (?, 'RUNS_ON', ?, '{}')", (b, a))
    report = load_inventory([write("c.json", json.dumps({"cis": [{"id": "c", "type": "vm"}],
                                                         "relations": [{"source": "c", "type": "RUNS_ON",
                                                                        "target": "a"}]}))], sqlite_store)
    assert report.totals()["relations"]["created"] == 1
    assert [w.message for w in report.warnings] == [
        "the store already holds a cycle over RUNS_ON: a -[RUNS_ON]-> b -[RUNS_ON]-> a"]


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""),
                                           ("gbk", b""), ("utf-16-le", b"\xff\xfe")])
def test_encodings_are_detected(sqlite_store, tmp_path, encoding, bom):
    delimiter = "\t" if encoding.startswith("utf-16") else ","  # Excel's "Unicode text"
    text = delimiter.join(["id", "name", "type", "责任人"]) + "\n" + delimiter.join(
        ["srv", "核心数据库服务器", "服务器", "张三"]) + "\n"
    path = tmp_path / ("cis.tsv" if delimiter == "\t" else "cis.csv")
    path.write_bytes(bom + text.encode(encoding))
    load_inventory([path], sqlite_store)
    ci = sqlite_store.get_cis(["srv"])["srv"]
    assert (ci.name, ci.type, ci.props) == ("核心数据库服务器", "server", {"责任人": "张三"})


def test_a_declared_encoding_is_used(sqlite_store, tmp_path):
    path = tmp_path / "cis.csv"
    path.write_bytes("id,name,type\nsrv,服务器甲,server\n".encode("gbk"))
    load_inventory([path], sqlite_store, encoding="GBK")
    assert sqlite_store.get_cis(["srv"])["srv"].name == "服务器甲"
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        load_inventory([path], sqlite_store, encoding="klingon")


def test_the_whitespace_ids_may_not_start_or_end_with_is_what_str_strip_removes():
    from itss_graph.loading.validate import WHITESPACE

    assert WHITESPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
