"""itss find / itss show: the library functions on both stores (the same answers), and the
commands as people run them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.test_cli import run

# besides the example estate: text in full width and with ideographic spaces, list and boolean
# properties, a name that is another CI's id misspelt
EXTRA = {
    "cis": [
        {"id": "server:ＤＢ２", "name": "ＤＢ　ｍａｓｔｅｒ 数据库主机", "type": "服务器",
         "site": "ＤＣ１", "tags": ["Gold", "pci"], "monitored": True},
        {"id": "server:db10", "name": "DB host 10", "type": "server", "site": "dc2", "tags": ["bronze"]},
        {"id": "vm:report1", "name": "报表虚拟机", "type": "vm", "owner": "财务部", "site": "DC1"},
    ],
    "relations": [{"source": "vm:report1", "type": "RUNS_ON", "target": "server:ＤＢ２"}],
}


def _load(store, tmp_path):
    from itss_graph.loading.example import ESTATE
    from itss_graph.loading.load import load_inventory

    path = tmp_path / "extra.json"
    path.write_text(json.dumps(EXTRA, ensure_ascii=False), encoding="utf-8")
    load_inventory([ESTATE, path], store)
    return store


@pytest.fixture
def estate(any_store, tmp_path):
    return _load(any_store, tmp_path)


def _found(store, text, **kw):
    import itss_graph as itss

    return [(m.id, m.match, m.field) for m in itss.find(store, text, **kw).matches]


def test_ranked_exact_then_prefix_then_substring_then_similar(estate):
    found = _found(estate, "db host 1")
    assert found[0] == ("server:db1", "exact", "name")
    assert found[1] == ("server:db10", "prefix", "name")
    assert [m for _, m, _ in found] == sorted((m for _, m, _ in found), key=["exact", "prefix", "substring", "similar"].index)
    # within a tier: the id before the name before a property, shorter values first
    assert _found(estate, "db")[:4] == [("server:db1", "prefix", "name"), ("server:db10", "prefix", "name"),
                                        ("server:ＤＢ２", "prefix", "name"), ("database:orders", "substring", "name")]
    assert _found(estate, "shop") == [("application:shop", "prefix", "name"), ("service:shop", "substring", "id")]


def test_case_and_width_are_ignored_on_both_sides(estate):
    assert _found(estate, "ＳＥＲＶＥＲ:ＤＢ１")[0] == ("server:db1", "exact", "id")
    assert _found(estate, "db master")[0] == ("server:ＤＢ２", "prefix", "name")
    assert _found(estate, "server:db2")[0] == ("server:ＤＢ２", "exact", "id")
    assert _found(estate, "数据库主机") == [("server:ＤＢ２", "substring", "name")]


def test_properties_lists_and_chinese(estate):
    assert _found(estate, "gold") == [("server:ＤＢ２", "exact", "props.tags")]
    assert _found(estate, "财务") == [("vm:report1", "prefix", "props.owner")]
    assert _found(estate, "12000") == [("service:shop", "exact", "props.users")]


def test_similar_ids_and_names(estate):
    import itss_graph as itss

    # separators and leading zeros do not count: loosely equal, score 1.0
    best = itss.find(estate, "server:db-01").matches[0]
    assert (best.id, best.match, best.score) == ("server:db1", "similar", 1.0)
    assert _found(estate, "applicaton:shop")[0] == ("application:shop", "similar", "id")
    assert itss.find(estate, "zzzzqqqq").matches == []


def test_type_and_where_filters(estate):
    import itss_graph as itss
    from itss_graph.errors import UnknownNameError

    assert [i for i, _, _ in _found(estate, "", types=["服务器"], where={"site": "dc1"})] == ["server:ＤＢ２"]
    assert [i for i, _, _ in _found(estate, "db", types=["Server"], where={"tags": "BRONZE"})] == ["server:db10"]
    assert [i for i, _, _ in _found(estate, "", where={"monitored": "true"})] == ["server:ＤＢ２"]
    assert [i for i, _, _ in _found(estate, "", types=["vm"], where={"site": "ＤＣ１"})] == ["vm:report1"]
    assert _found(estate, "", where={"type": "vm", "owner": "财务部"}) == [("vm:report1", None, None)]
    with pytest.raises(UnknownNameError, match=r"unknown CI type 'databse' \(did you mean 'database'"):
        itss.find(estate, "x", types=["databse"])


def test_limit_and_truncation(estate):
    import itss_graph as itss

    answer = itss.find(estate, "", types=["server"], limit=2)
    assert [m.id for m in answer.matches] == ["server:app1", "server:app2"] and answer.truncated
    document = answer.as_dict()
    assert document["query"] == {"text": "", "types": ["server"], "where": {}, "limit": 2}
    assert set(document["matches"][0]) == {"id", "type", "name", "match", "field", "value", "score"}


def test_find_answers_are_the_same_on_both_stores(tmp_path, neo4j_store):
    import itss_graph as itss
    from itss_graph.stores.sqlite import SQLiteStore

    sqlite = _load(SQLiteStore(tmp_path / "s.db"), tmp_path)
    neo4j = _load(neo4j_store, tmp_path)
    for text, kw in [("db", {}), ("ＤＢ", {}), ("server:db-01", {}), ("gold", {}), ("财务", {}),
                     ("", {"types": ["server"], "where": {"site": "dc1"}}), ("web", {"limit": 1}),
                     ("", {"where": {"tags": "pci"}}), ("shop", {"types": ["业务服务", "application"]})]:
        assert itss.find(neo4j, text, **kw).as_dict() == itss.find(sqlite, text, **kw).as_dict(), (text, kw)
    for ci_id in ("server:db1", "server:ＤＢ２", "pdu:a"):
        a, b = itss.show(neo4j, ci_id).as_dict(), itss.show(sqlite, ci_id).as_dict()
        assert [e["event"] for e in a.pop("history")] == [e["event"] for e in b.pop("history")]
        assert a == b
    sqlite.close()


def test_show_relations_with_semantics_services_standards(estate):
    import itss_graph as itss
    from itss_graph.errors import UnknownCIError

    answer = itss.show(estate, "pdu:a")
    document = answer.as_dict()
    assert document["ci"] == {"id": "pdu:a", "type": "pdu", "name": "PDU A", "props": {}}
    assert document["type"]["label"]["zh"] and document["type"]["name"] == "pdu"
    powered = {r["other"]["id"]: r for r in document["relations"] if r["type"] == "POWERED_BY"}
    # server:db1 has two feeds (one of a redundancy group); app1 has one, but POWERED_BY is
    # redundant by the ontology: losing the PDU degrades them rather than takes them down
    assert set(powered) == {"server:db1", "server:app1"}
    assert powered["server:db1"]["direction"] == "in" and powered["server:db1"]["when_this_fails"] == "redundant"
    assert document["relations_total"] == {"out": 1, "in": 2}
    assert [(s["id"], s["status"]) for s in document["services"]] == [("service:shop", "at-risk"),
                                                                     ("service:reports", "at-risk")]
    assert document["services_summary"] == {"down": 0, "at_risk": 2}
    assert document["standards"] and document["standards"][0]["rank"] == 1
    assert document["history"][0]["event"] == "created" and document["history_total"] == 1
    lean = itss.show(estate, "pdu:a", relations=0, history=0, services=0, standards=0).as_dict()
    assert lean["relations"] == [] and lean["services"] == [] and lean["standards"] == [] and lean["history"] == []
    assert lean["relations_total"] == document["relations_total"]
    with pytest.raises(UnknownCIError):
        itss.show(estate, "pdu:zz")


# -- the commands ----------------------------------------------------------------------------------

@pytest.fixture
def demo_db(tmp_path_factory):
    from tests.support.demo import demo_store_at

    where = tmp_path_factory.mktemp("demo")
    demo_store_at(where, 0.2).close()
    return str(where / "demo.db")


def test_find_command_finds_what_the_issue_could_not(demo_db):
    for text, first in [("dc1-core-sw-1", "switch:dc1-core-1"), ("switch:dc1-core1", "switch:dc1-core-1"),
                        ("Switch:DC1-CORE-1", "switch:dc1-core-1"), ("service:30", "service:0030")]:
        done = run("find", text, "--store", demo_db, "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["matches"][0]["id"] == first, text
    table = run("find", "switch:dc1-core1", "--store", demo_db, "--limit", "3")
    lines = table.stdout.splitlines()
    assert lines[0] == "3 CIs match 'switch:dc1-core1'" and lines[3].startswith("switch:dc1-core-1 ")
    rows = list(csv.reader(io.StringIO(run("find", "", "--type", "交换机", "--where", "role=core",
                                           "--store", demo_db, "--format", "csv").stdout)))
    assert rows[0] == ["id", "type", "name", "match", "on"] and {r[1] for r in rows[1:]} == {"switch"}
    assert len(rows) > 2


def test_find_command_usage_errors(demo_db):
    nothing = run("find", "--store", demo_db)
    assert nothing.returncode == 2 and "give a TEXT" in nothing.stderr
    bad_where = run("find", "x", "--where", "site", "--store", demo_db)
    assert bad_where.returncode == 2 and "KEY=VALUE" in bad_where.stderr
    bad_type = run("find", "x", "--type", "swich", "--store", demo_db)
    assert bad_type.returncode == 2
    assert bad_type.stderr.splitlines()[0] == "itss: error: unknown CI type 'swich' (did you mean 'switch'?)"


def test_show_command_in_every_format(demo_db):
    done = run("show", "switch:dc1-core-1", "--store", demo_db, "--limit", "3")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Relations in (1 of " in run("show", "switch:dc1-core-1", "--store", demo_db, "--limit", "1").stdout
    for part in ("switch:dc1-core-1  dc1-core-sw-1", "Relations out", "Relations in (",
                 "when it fails", "Services it supports", "Standards that apply first", "Recent history"):
        assert part in text, part
    document = json.loads(run("show", "switch:dc1-core-1", "--store", demo_db, "--format", "json").stdout)
    assert document["ci"]["id"] == "switch:dc1-core-1"
    assert {r["type"] for r in document["relations"]} >= {"CONNECTED_TO", "MEMBER_OF", "POWERED_BY"}
    rows = list(csv.reader(io.StringIO(run("show", "switch:dc1-core-1", "--store", demo_db,
                                           "--format", "csv", "--standards", "0").stdout)))
    assert rows[0] == ["part", "key", "value"] and ["ci", "id", "switch:dc1-core-1"] in rows
    assert not any(r[0] == "standard" for r in rows)
    unknown = run("show", "switch:nope", "--store", demo_db)
    assert unknown.returncode == 2 and unknown.stderr.startswith("itss: error: unknown CI id")
