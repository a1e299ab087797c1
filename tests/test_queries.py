"""The canned queries: checked against brute force on random estates and on the demo estate."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itss_graph.engine.blast import blast_radius
from itss_graph.engine.depends import depends, paths
from itss_graph.engine.impact import impact, impact_by_queries
from itss_graph.engine.orphans import orphans
from itss_graph.engine.reach import upstream
from itss_graph.engine.root_cause import root_cause
from itss_graph.engine.spof import estate_spof, spof
from itss_graph.loading.load import load_inventory
from itss_graph.stores.sqlite import SQLiteStore
from tests.test_engine_properties import SETTINGS, _write, estates

GROUP_TYPES = {"redundancy-group"}


def _store(tmp: str, nodes, edges) -> SQLiteStore:
    directory = _write(Path(tmp) / "in", nodes, edges)
    store = SQLiteStore(Path(tmp) / "x.db")
    load_inventory([directory], store)
    return store


def _lost(store, ci_id: str) -> set[str]:
    return {i for i, e in zip(impact(store, [ci_id]).columns.ids, impact(store, [ci_id]).columns.effects)
            if e == "down"}


@SETTINGS
@given(estates(max_nodes=12), st.data())
def test_spof_are_exactly_the_cis_whose_single_failure_takes_the_target_down(estate, data):
    nodes, edges, _, _ = estate
    target = data.draw(st.sampled_from([n[0] for n in nodes]))
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(tmp, nodes, edges)
        answer = {p.id for p in spof(store, target).points}
        for ci_id, ci_type, *_ in nodes:
            if ci_id == target or ci_type in GROUP_TYPES:
                continue
            takes_down = target in _lost(store, ci_id)
            assert (ci_id in answer) == takes_down, (ci_id, target)
        # the same answer from the query-per-level subgraph builder (as on Neo4j)
        from itss_graph.engine import upstream as up

        sub = up._by_queries(store, __import__("itss_graph.schema", fromlist=["x"]).load_schema(), [target])
        from itss_graph.engine.spof import _spof_from
        from itss_graph.schema import load_schema

        assert {p.id for p in _spof_from(sub, sub.position[target], load_schema()).points} == answer
        store.close()


@SETTINGS
@given(estates(max_nodes=12), st.data())
def test_root_cause_candidates_really_explain_their_symptoms(estate, data):
    nodes, edges, _, _ = estate
    symptoms = data.draw(st.lists(st.sampled_from([n[0] for n in nodes]), min_size=1, max_size=3, unique=True))
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(tmp, nodes, edges)
        answer = root_cause(store, symptoms, limit=None)
        for candidate in answer.candidates:
            lost = _lost(store, candidate.id) | {candidate.id}
            assert set(candidate.explains) == {s for s in symptoms if s in lost}
            # its distance is to the nearest symptom it explains, never to another one
            assert candidate.distance == min(len(paths(store, s, candidate.id).shortest) - 1
                                             for s in candidate.explains)
        scores = [len(c.explains) for c in answer.candidates]
        assert scores == sorted(scores, reverse=True)
        store.close()


@SETTINGS
@given(estates(max_nodes=12), st.data())
def test_depends_is_the_upstream_closure_and_marks_spof(estate, data):
    nodes, edges, _, _ = estate
    target = data.draw(st.sampled_from([n[0] for n in nodes]))
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(tmp, nodes, edges)
        answer = depends(store, target)
        assert {d.id for d in answer.dependencies} == upstream(store, [target])
        assert {d.id for d in answer.dependencies if d.spof} == {p.id for p in spof(store, target).points}
        store.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from tests.support.demo import demo_store_at

    store = demo_store_at(tmp_path_factory.mktemp("demo"), scale=0.3)
    yield store
    store.close()


def test_demo_spof_of_a_service_taken_one_by_one_takes_it_down(demo_store):
    answer = spof(demo_store, "service:0030")
    assert answer.points, "the demo estate has single points of failure"
    for point in answer.points:
        assert "service:0030" in _lost(demo_store, point.id), point.id
    # and a redundant member is not one
    assert "application:0030-1" not in {p.id for p in answer.points}
    assert "application:0030-1" in upstream(demo_store, ["service:0030"])


def test_estate_spof_agrees_with_per_service_answers(demo_store):
    estate = estate_spof(demo_store)
    by_ci = {e.id: set(e.services) for e in estate.entries}
    for service in ("service:0001", "service:0030"):
        for point in spof(demo_store, service).points:
            assert service in by_ci[point.id]


def test_paths_follow_real_relations(demo_store):
    answer = paths(demo_store, "service:0030", "storage-array:dc1-san1", max_paths=5)
    assert answer.shortest[0]["id"] == "storage-array:dc1-san1"
    assert answer.shortest[-1]["id"] == "service:0030"
    relations = {(r.source, r.type, r.target) for batch in demo_store.iter_relations() for r in batch}
    for chain in [answer.shortest, *answer.paths]:
        for here, nxt in zip(chain, chain[1:]):
            edge = ((nxt["id"], here["relation"], here["id"]) if here["direction"] == "<-"
                    else (here["id"], here["relation"], nxt["id"]))
            assert edge in relations, edge
    unrelated = paths(demo_store, "storage-array:dc1-san1", "service:0030")
    assert unrelated.as_dict()["depends"] is False


def test_orphans_support_nothing_and_everything_else_supports_something(demo_store):
    answer = orphans(demo_store)
    services = [ci.id for batch in demo_store.iter_cis() for ci in batch if ci.type == "business-service"]
    supporting = upstream(demo_store, services)
    assert not {c.id for c in answer.cis} & supporting
    assert {"server", "patch-panel"} <= {c.type for c in answer.cis}


def test_reach_by_type_is_the_closure_filtered_by_type(demo_store):
    from itss_graph.engine.reach import downstream

    types = {ci.id: ci.type for batch in demo_store.iter_cis() for ci in batch}
    for start in (["switch:dc1-core-1"], ["storage-array:dc1-san1"], ["site:dc1"]):
        whole = downstream(demo_store, start)
        services = downstream(demo_store, start, only_types={"business-service"})
        assert services == {i for i in whole if types[i] == "business-service"}
        assert services, start
    assert upstream(demo_store, ["service:0030"], only_types={"server"}) == {
        i for i in upstream(demo_store, ["service:0030"]) if types[i] == "server"}


def test_blast_radius_ranks_down_before_at_risk_and_by_criticality(demo_store):
    answer = blast_radius(demo_store, ["storage-array:dc1-san1"])
    statuses = [s.status for s in answer.services]
    assert statuses == sorted(statuses, key=lambda s: s != "down")
    down = [s for s in answer.services if s.status == "down"]
    order = ["critical", "important", "general", ""]
    assert [order.index(s.criticality) for s in down] == sorted(order.index(s.criticality) for s in down)
    assert {s.id for s in down} == {i.id for i in impact(demo_store, ["storage-array:dc1-san1"]).services
                                     if i.effect == "down"}


def test_engines_agree_on_the_demo_estate(demo_store):
    for failed in (["storage-array:dc1-san1"], ["switch:dc1-core-1"], ["power-panel:dc1-1-A"]):
        assert impact(demo_store, failed).as_dict() == impact_by_queries(demo_store, failed).as_dict()


def test_obligations_policy_names_only_entities_of_the_knowledge_base():
    import yaml

    from itss_graph.answers.obligations import policy_path
    from itss_graph.knowledge.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    policy = yaml.safe_load(policy_path().read_text(encoding="utf-8"))
    names = [n for section in policy["obligations"] for items in section["items"].values() for n in items]
    assert names and all(kb.expand(n) in kb for n in names), [n for n in names if kb.expand(n) not in kb]


@pytest.mark.parametrize("down, at_risk, expected", [
    ({"critical": 1}, 0, 1), ({"important": 2, "general": 1}, 0, 2), ({"general": 3}, 0, 3),
    ({}, 4, 4), ({}, 0, 4),
])
def test_event_levels_follow_the_policy(down, at_risk, expected):
    from itss_graph.answers.obligations import Situation, assess

    answer = assess(Situation(down, at_risk, cis_down=1))
    assert answer.level["level"] == expected
    tasks = [i["iri"] for i in answer.items("emergency_tasks")]
    assert ("kb:emtask-预案启动" in tasks) == (expected <= 2)
    if down:
        processes = [i["iri"] for i in answer.items("processes")]
        assert "kb:proc-事件管理" in processes and "kb:proc-问题管理" in processes
        assert {i["iri"] for i in answer.items("quality_hit")} >= {"kb:qc-可用性", "kb:qc-连续性"}
        for item in answer.items("processes"):
            assert item["provenance"], item


def test_impact_cli_ends_with_obligations_with_provenance(demo_store):
    from tests.test_cli import run

    done = run("impact", "storage-array:dc1-san1", "--store", demo_store.path, "--format", "json")
    doc = json.loads(done.stdout)
    assert doc["obligations"]["event_level"]["level"] == 2
    processes = [i for s in doc["obligations"]["sections"] for i in s["items"].get("processes", [])]
    assert processes[0]["provenance"][0]["section"]
    text = run("impact", "storage-array:dc1-san1", "--store", demo_store.path, "--lang", "zh").stdout
    assert "ITSS 义务 — 事件级别：二级：重要业务中断" in text and "预案启动" in text


@pytest.mark.parametrize("args", [
    ["blast-radius", "storage-array:dc1-san1"], ["root-cause", "service:0024", "service:0028"],
    ["spof", "service:0030"], ["spof"], ["depends", "service:0030"],
    ["path", "service:0030", "storage-array:dc1-san1"], ["orphans"], ["hotspots", "--top", "3"],
    ["change-impact", "server:dc1-db0030p"],
])
def test_every_canned_query_runs_in_every_format_and_shows_its_query(demo_store, args):
    from tests.test_cli import run

    for fmt in ("table", "json", "csv"):
        done = run(*args, "--store", demo_store.path, "--format", fmt)
        assert done.returncode == 0, done.stderr
        if fmt == "json":
            json.loads(done.stdout)
        if fmt == "csv":
            assert list(csv.reader(done.stdout.splitlines()))[0]
    shown = run(*args, "--store", demo_store.path, "--show-query")
    assert "-- canned query" in shown.stderr and "SELECT" in shown.stderr


def test_queries_catalogue_lists_and_searches():
    from tests.test_cli import run

    listing = json.loads(run("queries", "--format", "json").stdout)["queries"]
    names = {q["name"] for q in listing}
    assert {"impact", "blast-radius", "root-cause", "spof", "depends", "path", "orphans", "hotspots",
            "change-impact"} <= names
    found = json.loads(run("queries", "单点故障", "--category", "resilience", "--format", "json").stdout)
    assert [q["name"] for q in found["queries"]] == ["spof"]
    assert {q["name"] for q in json.loads(run("queries", "单点故障", "--format", "json").stdout)["queries"]} == {"spof", "depends"}
    shown = run("queries", "--show", "impact")
    assert "apoc.path.subgraphNodes" in shown.stderr and "<RUNS_ON" in shown.stderr


@pytest.mark.browser
@pytest.mark.parametrize("args", [
    ["blast-radius", "storage-array:dc1-san1"], ["spof", "service:0030"], ["depends", "service:0030"],
    ["path", "service:0030", "storage-array:dc1-san1"],
])
def test_html_views_of_canned_queries_open_cleanly(demo_store, tmp_path, args):
    from tests.support.browser import visit
    from tests.test_cli import run

    page = tmp_path / f"{args[0]}.html"
    done = run(*args, "--store", demo_store.path, "--html", str(page))
    assert done.returncode == 0, done.stderr
    seen = visit(page, evaluate={"nodes": "itssView.nodes.length"}, screenshot=f"query-{args[0]}.png")
    assert seen.page_errors == [] and seen.console_errors == [] and seen.network_requests == []
    assert seen.values["nodes"] > 1


def test_a_user_obligations_policy_replaces_the_shipped_one(tmp_path, monkeypatch):
    from itss_graph.answers.obligations import Situation, assess
    from itss_graph.resources import builtin_dir

    shipped = (builtin_dir("queries") / "obligations.yaml").read_text(encoding="utf-8")
    assert "Level I: critical service outage" in shipped
    situation = Situation(services_down={"critical": 1}, services_at_risk=0, cis_down=3)
    assert assess(situation).as_dict()["event_level"]["name"]["en"] == "Level I: critical service outage"
    directory = tmp_path / "queries"
    directory.mkdir()
    (directory / "obligations.yaml").write_text(
        shipped.replace("Level I: critical service outage", "Sev-1"), encoding="utf-8")
    monkeypatch.setenv("ITSS_QUERIES_PATH", str(directory))
    assert assess(situation).as_dict()["event_level"]["name"]["en"] == "Sev-1"


def test_a_user_criticality_policy_replaces_the_shipped_one(tmp_path, monkeypatch):
    from itss_graph.criticality import criticality_policy
    from itss_graph.engine.blast import blast_radius
    from tests.test_impact import _estate

    (tmp_path / "estate").mkdir()
    store = _estate(tmp_path / "estate", "id,name,type,tier\nh,h,server,\ns1,s1,business-service,gold\n"
                                         "s2,s2,business-service,1\n",
                    "source,type,target\nh,SUPPORTS,s1\nh,SUPPORTS,s2\n")
    # unknown to the shipped policy: blank criticality, ranked last
    assert [(s.id, s.criticality) for s in blast_radius(store, ["h"]).services] == [("s2", "critical"), ("s1", "")]
    directory = tmp_path / "queries"
    directory.mkdir()
    (directory / "criticality.yaml").write_text(
        "properties: [tier]\nlevels:\n  - {name: critical, values: [gold]}\n  - {name: general, values: ['1']}\n",
        encoding="utf-8")
    monkeypatch.setenv("ITSS_QUERIES_PATH", str(directory))
    assert criticality_policy().levels == ("critical", "general")
    assert [(s.id, s.criticality) for s in blast_radius(store, ["h"]).services] == [
        ("s1", "critical"), ("s2", "general")]


@pytest.mark.parametrize("text, message", [
    ("properties: criticality\nlevels: [{name: a}]\n", "properties: give a list of property names, e.g. [criticality, tier]"),
    ("properties: [tier]\nlevels:\n  - {name: a, values: [x]}\n  - {name: b, values: [X]}\n",
     "levels[2]: value 'X' is already a value of level 'a'"),
    ("properties: [tier]\nlevels: []\n", "levels: give at least one level"),
])
def test_a_mistaken_criticality_policy_is_an_error_naming_the_file(tmp_path, text, message):
    from itss_graph.loading.example import example_store
    from tests.test_cli import run

    directory = tmp_path / "queries"
    directory.mkdir()
    policy = directory / "criticality.yaml"
    policy.write_text(text, encoding="utf-8")
    example_store(str(tmp_path / "shop.db")).close()
    done = run("blast-radius", "server:db1", "--store", str(tmp_path / "shop.db"),
               env={"ITSS_QUERIES_PATH": str(directory)})
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == f"itss: error: {policy}: {message}"
