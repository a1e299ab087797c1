"""The impact walk inside Neo4j (``itss.impact``, tools/neo4j-plugin) against the reference.

On random estates (hypothesis) the procedure's answer must equal the query-per-level engine's
on the same Neo4j database and the indexed engine's on SQLite; the CLI must use the procedure
when the server has it and fall back to plain Cypher when told not to (or when it is absent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

from itss_graph.engine.impact import impact, impact_by_queries, impact_in_store
from itss_graph.engine.indexed_impact import impact_indexed
from itss_graph.schema import load_schema
from itss_graph.loading.load import load_inventory
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest_neo4j import wipe_database
from tests.test_engine_properties import _write, estates

ITSS = str(Path(sys.executable).with_name("itss"))


@pytest.fixture(autouse=True)
def server_walks():
    """These tests are of the server's walks: the client's closure index (which a database this
    small would get, itss_graph/stores/neo4j_state.py) is turned off, for the CLIs they start
    too (not monkeypatch: hypothesis reuses the function's fixtures)."""
    saved = os.environ.get("ITSS_NEO4J_INDEX")
    os.environ["ITSS_NEO4J_INDEX"] = "server"
    yield
    if saved is None:
        del os.environ["ITSS_NEO4J_INDEX"]
    else:
        os.environ["ITSS_NEO4J_INDEX"] = saved


def test_the_test_server_has_the_procedure(neo4j_store):
    assert "itss.impact" in neo4j_store.procedures


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_blast_radius_on_neo4j_answers_as_on_the_embedded_store(neo4j_store, neo4j_driver, estate):
    from itss_graph.engine.blast import blast_radius

    nodes, edges, failed, _ = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        load_inventory([directory], neo4j_store)
        sqlite = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], sqlite)
        embedded = blast_radius(sqlite, failed).as_dict()
        sqlite.close()
    assert blast_radius(neo4j_store, failed).as_dict() == embedded


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_procedure_answers_exactly_as_the_reference_engines(neo4j_store, neo4j_driver, estate):
    nodes, edges, failed, depth = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        load_inventory([directory], neo4j_store)
        sqlite = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], sqlite)
        indexed = impact_indexed(sqlite, sqlite.closure_index(load_schema()), failed, max_depth=depth)
        sqlite.close()
    in_server = impact_in_store(neo4j_store, failed, max_depth=depth)
    by_queries = impact_by_queries(neo4j_store, failed, max_depth=depth)
    assert in_server.as_dict() == by_queries.as_dict()
    assert in_server.as_dict() == indexed.as_dict()
    # without properties (as the CLI asks): the walk takes the headers read with its edges
    assert (impact_by_queries(neo4j_store, failed, max_depth=depth, with_props=False).as_dict()
            == impact_in_store(neo4j_store, failed, max_depth=depth, with_props=False).as_dict())
    # the explanation classes too (they decide which CIs lost redundancy)
    assert in_server.columns.classes == by_queries.columns.classes == indexed.columns.classes


def test_impact_uses_the_procedure_and_falls_back_when_it_is_off(neo4j_server, neo4j_store, netbox_dir,
                                                                   monkeypatch):
    load_inventory([netbox_dir], neo4j_store)
    calls = []
    original = neo4j_store._read

    def spy(query, **params):
        calls.append(query)
        return original(query, **params)

    monkeypatch.setattr(neo4j_store, "_read", spy)
    answer = impact(neo4j_store, ["site:21"], with_props=False).as_dict()
    assert any("itss.impact" in q for q in calls)
    assert answer["summary"]["total"] > 0

    def cli(*extra_env):
        env = {"NEO4J_URI": neo4j_server.uri, **dict(extra_env)}
        done = subprocess.run([ITSS, "impact", "site:21", "--format", "json", "--no-obligations"],
                              capture_output=True, text=True,
                              env={**os.environ, **env})
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert cli() == cli(("ITSS_NEO4J_PROCEDURES", "off"))
    assert cli()["impacted"] == answer["impacted"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_reach_procedure_answers_as_the_per_level_queries(neo4j_store, neo4j_driver, monkeypatch, estate):
    from itss_graph.engine.reach import downstream, upstream

    nodes, edges, failed, _ = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    questions = [lambda: downstream(neo4j_store, failed), lambda: upstream(neo4j_store, failed),
                 lambda: downstream(neo4j_store, failed, only_types={"business-service", "vm"})]
    assert "itss.reach" in neo4j_store.procedures
    calls: list[str] = []
    with monkeypatch.context() as patch:
        original = neo4j_store._read
        patch.setattr(neo4j_store, "_read", lambda query, **p: calls.append(query) or original(query, **p))
        in_server = [q() for q in questions]
        assert any("itss.reach" in q for q in calls)
        calls.clear()
        patch.setenv("ITSS_NEO4J_PROCEDURES", "off")  # the same questions by plain Cypher
        by_queries = [q() for q in questions]
        assert calls and not any("itss." in q for q in calls)
    assert in_server == by_queries


def test_a_procedure_the_server_lacks_is_a_fallback_not_an_error(neo4j_store):
    """The walks call the procedures without listing them first: a server without the plugin
    answers ProcedureNotFound once, and the store then answers with plain Cypher."""
    from itss_graph.stores.neo4j_read import call_procedure

    query = "CALL itss.notInstalled($x) YIELD ids RETURN ids"
    assert call_procedure(neo4j_store, "itss.notInstalled", query, x=1) is None
    assert neo4j_store.missing_procedures == {"itss.notInstalled"}
    assert call_procedure(neo4j_store, "itss.notInstalled", query, x=1) is None  # not asked again


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_paths_and_further_procedures_answer_as_the_per_level_queries(neo4j_store, neo4j_driver, monkeypatch,
                                                                      estate):
    """``itss.paths`` (the chains to services at risk) and ``itss.further`` (what one more
    failure takes down) against the same questions walked level by level in plain Cypher:
    chains with their tie-breaks, every CI as a candidate and as a target, and the blast
    radius that uses both."""
    from itss_graph.engine.blast import blast_radius
    from itss_graph.engine.explain import next_failures
    from itss_graph.engine.reach_paths import downstream_paths

    nodes, edges, failed, _ = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    every = sorted(n[0] for n in nodes)
    answer = impact(neo4j_store, failed)

    def questions():
        further = next_failures(neo4j_store, answer, every, every)
        return [downstream_paths(neo4j_store, failed),
                downstream_paths(neo4j_store, failed, only_types={"business-service", "vm"}),
                (further.takes, further.candidates), blast_radius(neo4j_store, failed).as_dict()]

    calls: list[str] = []
    with monkeypatch.context() as patch:
        original = neo4j_store._read
        patch.setattr(neo4j_store, "_read", lambda query, **p: calls.append(query) or original(query, **p))
        in_server = questions()
        assert any("itss.paths" in q for q in calls) and any("itss.further" in q for q in calls)
        calls.clear()
        patch.setenv("ITSS_NEO4J_PROCEDURES", "off")
        by_queries = questions()
        assert calls and not any("itss." in q for q in calls)
    assert in_server == by_queries


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_further_losses_in_plain_cypher_answer_as_the_reference(neo4j_store, neo4j_driver, estate):
    """Without the plugin, what one more failure takes down is walked with the redundancy groups
    counted inside the server, one round trip per level for all candidates
    (``neo4j_further.further_in_cypher``): the same losses as the engine's reference walk
    (``further_losses``: every relation and group read back and decided in Python), with every
    CI a candidate and a target — candidates already lost included. Both ways of excluding the
    lost CIs answer alike: resolved to internal ids (a small lost set) and sent as ids (a large
    one; forced here with ``LOST_KEYS_MAX = -1``)."""
    from itss_graph.engine.explain import lost_ids
    from itss_graph.engine.impact import further_losses
    from itss_graph.semantics import Rules
    from itss_graph.stores import neo4j_further
    from itss_graph.stores.neo4j_further import further_in_cypher

    nodes, edges, failed, _ = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    every = sorted(n[0] for n in nodes)
    rules = Rules.from_schema(load_schema())
    lost = lost_ids(impact(neo4j_store, failed))
    reference = further_losses(neo4j_store, rules, lost, every)
    expected = {c: hit & set(every) for c, hit in reference.items()}
    by_keys = further_in_cypher(neo4j_store, lost, every, every, rules.toward_source, rules.toward_target)
    kept = neo4j_further.LOST_KEYS_MAX
    neo4j_further.LOST_KEYS_MAX = -1  # not monkeypatch: hypothesis reuses the function's fixtures
    try:
        by_ids = further_in_cypher(neo4j_store, lost, every, every, rules.toward_source, rules.toward_target)
    finally:
        neo4j_further.LOST_KEYS_MAX = kept
    assert by_keys == expected
    assert by_ids == expected
    assert reference  # not vacuous: one entry per candidate


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_the_combined_level_reads_read_what_the_separate_reads_do(neo4j_store, neo4j_driver, estate):
    """flow_edges_headed and provider_edges (one round trip each) against the reads they
    replace: flow_edges + headers, edges_with_groups both ways + min_ups."""
    from collections import Counter

    from itss_graph.semantics import Rules
    from itss_graph.stores.base import INCOMING, OUTGOING

    nodes, edges, failed, _ = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    rules = Rules.from_schema(load_schema())
    sources, targets = list(rules.toward_source), list(rules.toward_target)
    ids = sorted({n[0] for n in nodes})
    flow, found = neo4j_store.flow_edges_headed(ids, sources, targets)
    assert Counter(flow) == Counter(neo4j_store.flow_edges(ids, sources, targets))
    assert found == neo4j_store.headers(sorted({e[2] for e in flow}))
    outgoing, incoming, min_ups = neo4j_store.provider_edges(ids, sources, targets)
    assert Counter(outgoing) == Counter(neo4j_store.edges_with_groups(ids, OUTGOING, sources))
    assert Counter(incoming) == Counter(neo4j_store.edges_with_groups(ids, INCOMING, targets))
    assert min_ups == neo4j_store.min_ups(ids)


# -- the kept snapshot of the graph (Snapshot.java) ---------------------------------------------

def _snapshot(driver) -> tuple | None:
    """(transaction, nodes, relationships, built) of ``itss.snapshot()``, None without one."""
    records, _, _ = driver.execute_query(
        "CALL itss.snapshot() YIELD transaction, nodes, relationships, built "
        "RETURN transaction, nodes, relationships, built")
    return tuple(records[0].values()) if records else None


def _walks(driver, failed: list[str], depth: int | None, every: list[str], snapshot: bool) -> list:
    """itss.impact, itss.paths and itss.further called directly, with or without the snapshot;
    each answer's parallel lists as sorted rows (the procedures return them unordered)."""
    from itss_graph.semantics import Rules

    rules = Rules.from_schema(load_schema())
    params = {"failed": failed, "source": dict(rules.toward_source), "target": dict(rules.toward_target),
              "depth": -1 if depth is None else depth, "every": every, "snapshot": snapshot,
              "incoming": sorted(rules.toward_source), "outgoing": sorted(rules.toward_target)}
    out = []
    for query in ("CALL itss.impact($failed, $source, $target, $depth, $snapshot)",
                  "CALL itss.paths($failed, $incoming, $outgoing, [], $snapshot)",
                  "CALL itss.paths($failed, $incoming, $outgoing, ['business-service', 'vm'], $snapshot)",
                  "CALL itss.further($failed, $every, $every, $source, $target, $snapshot)"):
        [record] = driver.execute_query(query, params)[0]
        columns = list(record.values())
        rows = [tuple(sorted(v) if isinstance(v, list) else v for v in row) for row in zip(*columns)]
        out.append(sorted(rows, key=repr))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
# the first relation type the snapshot met (code 0), redundant, grouped toward its target: its
# group key once collided with "no group"
@example(estate=([("n00", "server", "", ""), ("n01", "server", "", "")], {("n01", "MEMBER_OF", "n00"): ("", "")},
                 ["n01"], None))
def test_the_snapshot_walks_answer_as_the_store_walks(neo4j_store, neo4j_driver, estate):
    """itss.impact, itss.paths and itss.further over the kept snapshot of the graph against the
    same procedures walking the store (``snapshot`` false): the same rows, tie-breaks included —
    first from a snapshot built by the call, then from the kept one."""
    nodes, edges, failed, depth = estate
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    every = sorted(n[0] for n in nodes)
    from_store = _walks(neo4j_driver, failed, depth, every, snapshot=False)
    built = _walks(neo4j_driver, failed, depth, every, snapshot=True)
    kept = _snapshot(neo4j_driver)
    assert kept is not None and not kept[3]  # the walks above built it; kept while nothing is written
    assert kept[2] == len(edges)
    assert built == from_store
    assert _walks(neo4j_driver, failed, depth, every, snapshot=True) == from_store
    assert _snapshot(neo4j_driver) == kept


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_a_write_makes_the_next_answer_read_a_new_snapshot(neo4j_store, neo4j_driver, estate):
    """A committed write (here: one relation deleted) invalidates the kept snapshot: the next
    answer is the embedded store's answer on the edited estate, and the snapshot it walked is
    a new one (a later transaction, one relation fewer)."""
    from itss_graph.engine.blast import blast_radius

    nodes, edges, failed, depth = estate
    if not edges:
        return
    wipe_database(neo4j_driver)
    with tempfile.TemporaryDirectory() as tmp:
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
        impact(neo4j_store, failed, max_depth=depth)  # builds the snapshot
        kept = _snapshot(neo4j_driver)
        assert not kept[3]
        (source, rel, target), _ = edge = sorted(edges.items())[0]
        neo4j_driver.execute_query("MATCH (:CI {id: $s})-[r]->(:CI {id: $t}) WHERE type(r) = $rel DELETE r",
                                   s=source, t=target, rel=rel)
        edited = dict(edges)
        del edited[edge[0]]
        sqlite = SQLiteStore(Path(tmp) / "edited.db")
        load_inventory([_write(Path(tmp) / "edited", nodes, edited)], sqlite)
        expected = impact(sqlite, failed, max_depth=depth).as_dict()
        expected_blast = blast_radius(sqlite, failed).as_dict()
        sqlite.close()
    after = impact(neo4j_store, failed, max_depth=depth).as_dict()
    assert after == expected
    assert blast_radius(neo4j_store, failed).as_dict() == expected_blast  # paths, further, providers
    transaction, _, relationships, fresh = _snapshot(neo4j_driver)
    assert transaction > kept[0] and relationships == kept[2] - 1 and not fresh


def test_uncommitted_changes_of_the_caller_are_walked_from_the_store(neo4j_store, neo4j_driver):
    """A transaction that has written and then asks sees its own writes: it is answered from the
    store, not from the snapshot (which holds committed data only)."""
    with tempfile.TemporaryDirectory() as tmp:
        nodes = [("a", "server", "", ""), ("b", "vm", "", ""), ("c", "application", "", "")]
        edges = {("b", "RUNS_ON", "a"): ("", ""), ("c", "RUNS_ON", "b"): ("", "")}
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], neo4j_store)
    committed = _walks(neo4j_driver, ["a"], None, ["a", "b", "c"], snapshot=True)[0]
    assert [row[0] for row in committed] == ["b", "c"]
    from itss_graph.semantics import Rules

    rules = Rules.from_schema(load_schema())
    with neo4j_driver.session() as session, session.begin_transaction() as tx:
        tx.run("MATCH (:CI {id: 'c'})-[r]->(:CI {id: 'b'}) DELETE r").consume()
        record = tx.run("CALL itss.impact(['a'], $source, $target) YIELD ids RETURN ids",
                        source=dict(rules.toward_source), target=dict(rules.toward_target)).single()
        assert sorted(record["ids"]) == ["b"]
        tx.rollback()
    assert _walks(neo4j_driver, ["a"], None, ["a", "b", "c"], snapshot=True)[0] == committed


def test_a_load_leaves_the_snapshot_built(neo4j_server, neo4j_driver, tmp_path):
    """`itss load` into Neo4j has the server build the snapshot the procedures walk
    (``itss.snapshot``), so the first question after a load does not pay for it."""
    nodes = [("a", "server", "", ""), ("b", "vm", "", ""), ("c", "application", "", "")]
    edges = {("b", "RUNS_ON", "a"): ("", ""), ("c", "RUNS_ON", "b"): ("", "")}
    done = subprocess.run([ITSS, "load", str(_write(tmp_path / "in", nodes, edges)), "--neo4j-uri", neo4j_server.uri],
                          capture_output=True, text=True,
                          env={**os.environ, "NEO4J_USER": neo4j_server.user,
                               "NEO4J_PASSWORD": neo4j_server.password or ""})
    assert done.returncode == 0, done.stderr
    transaction, found, relationships, built = _snapshot(neo4j_driver)
    assert (found, relationships, built) == (3, 2, False)  # kept since the load's last write


def test_a_graph_the_snapshot_cannot_hold_is_walked_from_the_store(neo4j_store, neo4j_driver, tmp_path):
    """A node without a string ``id`` at the end of a relationship (not a CI ITSS Graph loaded)
    cannot be held by the snapshot: no snapshot is kept, and the walks answer from the store."""
    nodes = [("a", "server", "", ""), ("b", "vm", "", ""), ("c", "application", "", "")]
    edges = {("b", "RUNS_ON", "a"): ("", ""), ("c", "RUNS_ON", "b"): ("", "")}
    load_inventory([_write(tmp_path / "in", nodes, edges)], neo4j_store)
    assert _snapshot(neo4j_driver) is not None
    neo4j_driver.execute_query("CREATE (:Other {id: 7})-[:RUNS_ON]->(:Other)")
    assert _snapshot(neo4j_driver) is None
    assert _snapshot(neo4j_driver) is None  # remembered until the next write
    every = ["a", "b", "c"]
    from_store = _walks(neo4j_driver, ["a"], None, every, snapshot=False)
    assert _walks(neo4j_driver, ["a"], None, every, snapshot=True) == from_store
    assert [row[0] for row in from_store[0]] == ["b", "c"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_the_groups_the_server_computes_are_the_engines(neo4j_store, neo4j_driver, estate):
    """``itss.groups`` (the redundancy groups of every CI, from the snapshot) against the engine
    grouping the relations it reads itself: on this store by plain Cypher, and on the embedded
    store — providers, min_up and relation types of every group."""
    from itss_graph.engine.impact import group_details
    from itss_graph.semantics import Rules

    nodes, edges, _, _ = estate
    wipe_database(neo4j_driver)
    rules = Rules.from_schema(load_schema())
    ids = sorted(n[0] for n in nodes)
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        load_inventory([directory], neo4j_store)
        sqlite = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], sqlite)
        embedded = group_details(sqlite, rules, ids)
        sqlite.close()
    computed = neo4j_store.group_details(ids, rules.toward_source, rules.toward_target)
    assert computed is not None  # the server answered from its snapshot
    os.environ["ITSS_NEO4J_PROCEDURES"] = "off"  # not monkeypatch: hypothesis reuses fixtures
    try:
        assert neo4j_store.group_details(ids, rules.toward_source, rules.toward_target) is None
        by_cypher = group_details(neo4j_store, rules, ids)
    finally:
        del os.environ["ITSS_NEO4J_PROCEDURES"]
    assert computed == by_cypher == embedded
    assert group_details(neo4j_store, rules, ids) == computed
