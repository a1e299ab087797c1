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


def test_load_creates_the_declared_constraints_and_indexes(neo4j_store, netbox_dir, neo4j_driver):
    """The schema on the server is the one generated from stores/layout.py's declaration: a
    uniqueness constraint per record key (CI id, load number, change (ci, load), meta key) and
    an index per lookup (CI type and name, a CI's history)."""
    from itss_graph.stores.layout import RECORDS

    load_inventory([netbox_dir], neo4j_store)
    records, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes, properties, type")
    constraints = sorted((r["labelsOrTypes"][0], tuple(r["properties"])) for r in records)
    declared = [(r.label, tuple(r.column(c).property for c in r.key)) for r in RECORDS if r.label]
    assert constraints == sorted(declared)
    assert ("CI", ("id",)) in constraints and ("ItssLoad", ("load",)) in constraints
    records, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD labelsOrTypes, properties, type, owningConstraint WHERE type = 'RANGE' "
        "AND owningConstraint IS NULL RETURN labelsOrTypes, properties")
    indexes = sorted((r["labelsOrTypes"][0], tuple(r["properties"])) for r in records)
    assert indexes == [("CI", ("name",)), ("CI", ("type",)), ("ItssChange", ("ci",))]
    assert neo4j_driver.execute_query("MATCH (b:ItssBatch) RETURN count(b) AS n").records[0]["n"] == 0


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


# -- writes: consistency and indexes ------------------------------------------------------------

def test_two_concurrent_loads_cannot_each_add_half_of_a_cycle_on_neo4j(neo4j_server, neo4j_driver,
                                                                      tmp_path):
    """The Neo4j equivalent of the SQLite race (tests/test_sqlite_store.py): the load lock (a
    lease on the server) serialises the two processes from their checks to their writes."""
    from tests.test_sqlite_store import race_halves_of_a_cycle

    (first, _), (second, refused) = race_halves_of_a_cycle(
        tmp_path, ["--neo4j-uri", neo4j_server.uri], env={"NEO4J_URI": neo4j_server.uri})
    assert (first, second) == (0, 2), refused
    assert "closes a cycle of RUNS_ON relations, which the ontology forbids" in refused
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (a:CI)-[:RUNS_ON]->(b:CI) RETURN a.id AS a, b.id AS b")
    assert [(r["a"], r["b"]) for r in records] == [("vm-a", "vm-b")]


def test_the_load_counter_gives_concurrent_loads_distinct_numbers(neo4j_store, tmp_path):
    """The counter's write lock is taken before it is read (a read-then-write loses updates)."""
    from concurrent.futures import ThreadPoolExecutor

    from itss_graph.stores.batch import write_batch
    from itss_graph.stores.neo4j_write import _Merge, ensure_schema

    ensure_schema(neo4j_store)
    batch = write_batch(tmp_path / "b.db", [])
    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda _: _Merge(neo4j_store, batch, False, False)._start_load(),
                                range(40)))
    assert sorted(numbers) == list(range(1, 41))


def _plan_operators(driver, query: str, **params) -> set[str]:
    records = driver.execute_query("EXPLAIN " + query, params)
    operators, todo = set(), [records.summary.plan]
    while todo:
        plan = todo.pop()
        operators.add(plan["operatorType"].split("@")[0])
        todo.extend(plan.get("children", []))
    return operators


def test_identification_keys_history_and_claims_are_read_through_indexes(neo4j_store, neo4j_driver,
                                                                         write):
    """EXPLAIN of every statement these reads send: index seeks (or the claim label's index),
    never a scan of all CIs."""
    load_inventory([write("a.json", json.dumps({"cis": [
        {"id": "srv-7", "type": "server", "name": "web", "site": "DC1", "serial": 1234},
        {"id": "srv-8", "type": "server", "name": " web ", "site": "DC2"}]}))], neo4j_store,
        source="cmdb")
    sent: list[tuple[str, dict]] = []
    read = neo4j_store._read

    def spy(query, **params):
        sent.append((query, params))
        return read(query, **params)

    neo4j_store._read = spy
    assert neo4j_store.match_keys(["name", "site"], [("web", "DC1"), ("web", "DC2")]) == {
        ("web", "DC1"): ["srv-7"], ("web", "DC2"): ["srv-8"]}  # srv-8's name is padded
    assert neo4j_store.match_keys(["serial"], [("1234",)], with_types=True) == {
        ("1234",): [("srv-7", "server")]}
    assert [e["event"] for e in neo4j_store.history("srv-7")] == ["created"]
    neo4j_store._read = read
    from itss_graph.stores.layout import claim_label

    sent.append((f"MATCH (n:{claim_label('cmdb')}) WHERE $source IN n.itss_sources RETURN n.id",
                 {"source": "cmdb"}))
    for query, params in sent:
        operators = _plan_operators(neo4j_driver, query, **params)
        assert not operators & {"AllNodesScan", "NodeByLabelScan"} or "ItssPadded" in query or \
            "ItssClaim_" in query, (query, operators)
        assert operators & {"NodeIndexSeek", "NodeUniqueIndexSeek", "NodeByLabelScan",
                            "MultiNodeIndexSeek", "NodeIndexSeekByRange"}, (query, operators)


def test_iter_cis_and_iter_relations_stream(neo4j_store, netbox_dir):
    """Batches come from a streamed result, not from a list of every record (the
    materialising read is not used), in the same order as the embedded store's."""
    from itss_graph.stores.sqlite import SQLiteStore

    load_inventory([netbox_dir], neo4j_store)

    def materialise(*_a, **_k):
        raise AssertionError("iter_* read the whole result at once")

    read, neo4j_store._read = neo4j_store._read, materialise
    try:
        cis = [ci for batch in neo4j_store.iter_cis(batch=100) for ci in batch]
        rels = [r for batch in neo4j_store.iter_relations(batch=100) for r in batch]
        assert max(len(b) for b in neo4j_store.iter_cis(batch=100)) == 100
    finally:
        neo4j_store._read = read
    with SQLiteStore(":memory:") as reference:
        load_inventory([netbox_dir], reference)
        assert cis == [ci for batch in reference.iter_cis() for ci in batch]
        assert rels == [r for batch in reference.iter_relations() for r in batch]


def test_a_replayed_write_batch_duplicates_nothing(neo4j_store, neo4j_driver, tmp_path):
    """Into an empty database CIs and relationships are CREATEd (faster than MERGE). A batch
    the driver sends again — its acknowledgement lost after the server committed it — is
    refused by a constraint (CI id, or the batch's ItssBatch marker) and not applied twice."""
    from itss_graph.stores.neo4j_write import KEEP_PLAN
    from itss_graph.synth import write_estate

    write_estate(tmp_path / "estate", scale=0.02)
    write = neo4j_store._write
    replayed = []

    def twice(query, **params):
        rows = write(query, **params)
        if "$rows" in query:
            replayed.append(query.removeprefix(KEEP_PLAN).split()[0])
            return write(query, **params)
        return rows

    neo4j_store._write = twice
    report = load_inventory([tmp_path / "estate"], neo4j_store)
    neo4j_store._write = write
    assert {"CREATE", "UNWIND"} <= set(replayed)  # relationship and CI batches were both replayed
    with SQLiteStore_(tmp_path / "ref.db") as reference:
        load_inventory([tmp_path / "estate"], reference)
        assert store_dump(neo4j_store) == store_dump(reference)
    assert report.totals()["relations"]["created"] == sum(neo4j_store.stats()["relations"].values())


def SQLiteStore_(path):
    from itss_graph.stores.sqlite import SQLiteStore

    return SQLiteStore(path)


# -- the write path's own threads -----------------------------------------------------------------

def test_read_ahead_hands_over_errors_and_stops_when_left():
    """The relations' batches are read on a thread while the CIs are written: an error reading
    them reaches the load, and a load that stops early leaves no thread nor open reader."""
    from itss_graph.stores.neo4j_write import _Ahead

    def failing():
        yield [1]
        raise ValueError("unreadable batch")

    ahead = _Ahead(failing())
    with pytest.raises(ValueError, match="unreadable batch"):
        list(ahead)
    ahead.close()

    closed = []

    def endless():
        try:
            n = 0
            while True:
                yield [n]
                n += 1
        finally:
            closed.append(True)

    ahead = _Ahead(endless())
    assert next(iter(ahead)) == [0]
    ahead.close()
    assert not ahead.thread.is_alive() and closed == [True]


def test_the_schema_made_while_the_input_is_read_is_waited_for(neo4j_store, netbox_dir, neo4j_driver,
                                                               monkeypatch):
    """`prepare_load` makes the schema on a thread; the load waits for it before its checks
    against the store, and a schema the server refuses fails the load with the server's error
    (made again in the load's own thread), nothing written."""
    from neo4j.exceptions import CypherSyntaxError

    from itss_graph.stores import layout

    real = layout.neo4j_schema
    monkeypatch.setattr(layout, "neo4j_schema", lambda: ["CREATE CONSTRAINT FOR nothing"])
    with pytest.raises(CypherSyntaxError):
        load_inventory([netbox_dir], neo4j_store)
    assert neo4j_store.stats() == {"cis": {}, "relations": {}}
    assert neo4j_store._schema_thread is None
    monkeypatch.setattr(layout, "neo4j_schema", real)
    report = load_inventory([netbox_dir], neo4j_store)
    assert neo4j_store._schema_thread is None and neo4j_store._schema_ready
    assert report.totals()["cis"]["created"] == sum(neo4j_store.stats()["cis"].values()) > 0
    records, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert "itss_ci_id" in records[0]["names"]
