"""The Neo4j store against a real Neo4j, and parity with the embedded store."""

from __future__ import annotations

import json

import pytest

from itss_graph.engine.impact import impact
from itss_graph.errors import InputError, StoreError
from itss_graph.loading.load import load_inventory
from tests.conftest import store_dump
from tests.test_impact import NETBOX_PROBES

pytestmark = pytest.mark.neo4j


def test_load_creates_constraint_and_index_on_match_keys(neo4j_store, netbox_dir, neo4j_driver):
    load_inventory([netbox_dir], neo4j_store)
    records, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes, properties, type")
    assert [(r["labelsOrTypes"], r["properties"]) for r in records] == [(["CI"], ["id"])]
    records, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD labelsOrTypes, properties, type WHERE type = 'RANGE' "
        "RETURN labelsOrTypes, properties")
    assert sorted(tuple(r["properties"]) for r in records) == [("id",), ("type",)]


def test_load_is_idempotent_and_reports_per_type(neo4j_store, netbox_dir):
    first = load_inventory([netbox_dir], neo4j_store)
    assert first.totals() == {"cis": {"created": 440, "updated": 0, "unchanged": 0},
                              "relations": {"created": 451, "updated": 0, "unchanged": 0}}
    second = load_inventory([netbox_dir], neo4j_store)
    assert second.totals() == {"cis": {"created": 0, "updated": 0, "unchanged": 440},
                               "relations": {"created": 0, "updated": 0, "unchanged": 451}}
    assert neo4j_store.stats()["cis"]["vm"] == 180


def test_properties_are_queryable_in_cypher(neo4j_store, netbox_dir, neo4j_driver):
    load_inventory([netbox_dir], neo4j_store)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (n:CI {type: 'site', tenant: $tenant}) RETURN count(n) AS n",
        tenant="Jimbob's Banking & Trust")
    assert records[0]["n"] > 0
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (:CI {id: 'vm:361'})-[r:RUNS_ON]->(c:CI) RETURN c.id AS t")
    assert [r["t"] for r in records] == ["cluster:9"]


def test_bad_input_writes_nothing_to_neo4j(neo4j_store, write, tmp_path):
    write("in/cis.csv", "id,name,type\na,A,server\nb,B,server\n")
    write("in/relations.csv", "source,type,target\na,DEPENDS_ON,missing\n")
    with pytest.raises(InputError):
        load_inventory([tmp_path / "in"], neo4j_store)
    assert neo4j_store.stats() == {"cis": {}, "relations": {}}


def test_unreachable_server_is_a_clear_error():
    from itss_graph.stores.neo4j import Neo4jStore

    with pytest.raises(StoreError, match="cannot reach Neo4j at bolt://127.0.0.1:1"):
        Neo4jStore("bolt://127.0.0.1:1")


def test_wrong_password_is_a_clear_error_without_the_secret():
    from itss_graph.stores.neo4j import Neo4jStore
    from tests.support.neo4j_server import start_server

    with start_server(password="right-secret") as server:
        with pytest.raises(StoreError) as excinfo:
            Neo4jStore(server.uri, user="neo4j", password="wrong-secret")
        assert "refused the credentials of user 'neo4j'" in str(excinfo.value)
        assert "secret" not in str(excinfo.value)
        with Neo4jStore(server.uri, user="neo4j", password="right-secret") as store:
            assert store.stats() == {"cis": {}, "relations": {}}


# -- parity: the same answers from both stores --------------------------------------------------

def test_netbox_store_contents_are_identical(neo4j_store, sqlite_store, netbox_dir):
    for store in (neo4j_store, sqlite_store):
        load_inventory([netbox_dir, netbox_dir / "relations_extra.csv"], store)
    assert store_dump(neo4j_store) == store_dump(sqlite_store)


def test_netbox_impact_answers_are_identical(neo4j_store, sqlite_store, netbox_dir):
    for store in (neo4j_store, sqlite_store):
        load_inventory([netbox_dir, netbox_dir / "relations_extra.csv"], store)
    for probe in NETBOX_PROBES:
        for depth in (None, 1, 2):
            a = impact(neo4j_store, [probe], max_depth=depth).as_dict()
            b = impact(sqlite_store, [probe], max_depth=depth).as_dict()
            assert a == b, (probe, depth)


def test_demo_estate_impact_answers_are_identical(neo4j_store, sqlite_store, tmp_path):
    from itss_graph.synth import write_estate

    write_estate(tmp_path / "estate", scale=0.1)
    for store in (neo4j_store, sqlite_store):
        load_inventory([tmp_path / "estate"], store)
    for failed in (["storage-array:dc1-san1"], ["switch:dc1-core-1", "switch:dc1-core-2"],
                   ["site:dc1"], ["power-panel:dc1-1-A", "power-panel:dc1-1-B"]):
        assert impact(neo4j_store, failed).as_dict() == impact(sqlite_store, failed).as_dict(), failed


def test_cli_works_the_same_on_neo4j(neo4j_server, neo4j_driver, netbox_dir, tmp_path):
    from tests.test_cli import run

    env = {"NEO4J_URI": neo4j_server.uri}
    assert run("load", str(netbox_dir), env=env).returncode == 0
    on_neo4j = json.loads(run("impact", "site:21", "--format", "json", env=env).stdout)
    db = tmp_path / "x.db"
    assert run("load", str(netbox_dir), "--store", str(db)).returncode == 0
    on_sqlite = json.loads(run("impact", "site:21", "--format", "json", "--store", str(db)).stdout)
    assert on_neo4j == on_sqlite
    flagged = run("stats", "--neo4j-uri", neo4j_server.uri, "--format", "json")
    assert json.loads(flagged.stdout)["store"] == f"neo4j {neo4j_server.uri}"


def test_every_canned_query_answers_identically_on_both_stores(neo4j_store, sqlite_store, tmp_path):
    from itss_graph.engine.blast import blast_radius
    from itss_graph.answers.change import change_impact
    from itss_graph.engine.depends import depends, paths
    from itss_graph.engine.hotspots import hotspots
    from itss_graph.answers.obligations import assess, situation_of
    from itss_graph.engine.orphans import orphans
    from itss_graph.engine.root_cause import root_cause
    from itss_graph.engine.spof import estate_spof, spof
    from itss_graph.synth import write_estate

    write_estate(tmp_path / "estate", scale=0.05)
    for store in (neo4j_store, sqlite_store):
        load_inventory([tmp_path / "estate"], store)
    questions = {
        "blast-radius": lambda s: blast_radius(s, ["storage-array:dc1-san1"]).as_dict(),
        "blast-radius-at-risk": lambda s: blast_radius(s, ["switch:dc1-core-1"]).as_dict(),
        "root-cause": lambda s: root_cause(s, ["service:0003", "service:0005"]).as_dict(),
        "spof": lambda s: spof(s, "service:0003").as_dict(),
        "spof-estate": lambda s: estate_spof(s).as_dict(),
        "depends": lambda s: depends(s, "service:0003").as_dict(),
        "path": lambda s: paths(s, "service:0003", "site:dc1", max_paths=5).as_dict(),
        "orphans": lambda s: orphans(s).as_dict(),
        "hotspots": lambda s: hotspots(s, top=5),
        "change-impact": lambda s: change_impact(s, ["switch:dc1-core-1"]),
        "obligations": lambda s: assess(situation_of(s, impact(s, ["site:dc1"]))).as_dict(),
    }
    assert blast_radius(sqlite_store, ["switch:dc1-core-1"]).as_dict()["summary"]["at_risk"] > 0
    for name, question in questions.items():
        assert question(neo4j_store) == question(sqlite_store), name
