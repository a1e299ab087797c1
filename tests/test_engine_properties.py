"""Property-based tests of the impact engine on random estates (hypothesis).

* the indexed engine (CSR snapshot) and the query-per-level engine give identical answers,
  explanation classes included;
* both agree with the fixpoint oracle of tests/reference.py: what is lost and degraded, and
  the service classes of blast-radius and change-impact (down, at risk, the next failures);
* ``--depth N`` lists exactly the whole answer's CIs at most N relations away;
* adding redundancy never makes more CIs go down.
"""

from __future__ import annotations

import csv
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from itss_graph.answers.obligations import obligations
from itss_graph.engine.blast import assess
from itss_graph.engine.impact import impact_by_queries
from itss_graph.engine.indexed_impact import impact_indexed
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema
from itss_graph.stores.sqlite import SQLiteStore
from tests.reference import expected_impact, expected_services, read_csv_pair, relation_semantics

TYPES = ["server", "vm", "redundancy-group", "business-service", "pdu", "switch", "application"]
RELATIONS = ["DEPENDS_ON", "RUNS_ON", "HOSTED_ON", "LOCATED_IN", "POWERED_BY", "CONNECTED_TO",
             "MEMBER_OF", "SUPPORTS", "PROVIDED_BY", "CIRCUIT_TERMINATES", "UPLINKED_TO"]
CRITICALITIES = ["", "critical", "tier 2", "P3", "一般", "low"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def estates(draw, max_nodes: int = 14):
    n = draw(st.integers(min_value=2, max_value=max_nodes))
    nodes = [(f"n{i:02d}", draw(st.sampled_from(TYPES)), draw(st.sampled_from(["", "1", "2", "3"])),
              draw(st.sampled_from(CRITICALITIES)))
             for i in range(n)]
    edge_list = draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.sampled_from(RELATIONS), st.integers(0, n - 1),
                  st.sampled_from(["", "", "", "g1", "g2"]), st.sampled_from(["", "", "2"])),
        max_size=3 * n))
    edges = {}
    acyclic = set(load_schema().acyclic_types())
    for s, r, t, g, m in edge_list:
        if r in acyclic and s < t:  # the ontology forbids cycles there: keep those edges downhill
            s, t = t, s
        if s != t:
            edges[(nodes[s][0], r, nodes[t][0])] = (g, m)
    failed = draw(st.sets(st.sampled_from([x[0] for x in nodes]), min_size=1, max_size=3))
    depth = draw(st.sampled_from([None, None, 1, 2, 3]))
    return nodes, edges, sorted(failed), depth


def _write(directory: Path, nodes, edges) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "cis.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "type", "min_up", "criticality"])
        w.writerows([(i, i, t, m, c if t == "business-service" else "") for i, t, m, c in nodes])
    with (directory / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "type", "target", "redundancy_group", "min_up"])
        w.writerows([(s, r, t, g, m) for (s, r, t), (g, m) in sorted(edges.items())])
    return directory


@contextmanager
def loaded_store(nodes, edges):
    """A fresh embedded store (in a temporary directory) holding a drawn estate."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "x.db")
        try:
            load_inventory([_write(Path(tmp) / "in", nodes, edges)], store)
            yield store
        finally:
            store.close()


def two_relations_into_one_group():
    """A closure index where vm v runs on s1 or s2 (redundancy group g1) and s1 is tied to v by
    two relations of the group: s1 must count once among the group's members lost."""
    from itss_graph.stores.graph_index import GraphIndex

    return GraphIndex.build(
        generation="1", keys=[1, 2, 3], ids=["s1", "s2", "v"], names=["s1", "s2", "v"],
        types=["server", "server", "vm"], min_up=[1, 1, 1],
        edges=[(2, "RUNS_ON", 0, "g1", None), (2, "HOSTED_ON", 0, "g1", None), (2, "RUNS_ON", 1, "g1", None)],
        toward_source={"RUNS_ON": "down", "HOSTED_ON": "down"}, toward_target={})


class WithoutIndex:
    """A store seen without its closure index: every answer then comes from the per-level
    queries, as on a store that keeps no index (Neo4j without ITSS Graph's procedures)."""

    index_after_edges = None

    def __init__(self, store):
        self._store = store

    def closure_index(self, schema):
        return None

    def closure_index_open(self):
        return False

    def __getattr__(self, name):
        return getattr(self._store, name)


def _answers(nodes, edges, failed, depth):
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], store)
        by_queries = impact_by_queries(store, failed, max_depth=depth)
        indexed = impact_indexed(store, store.closure_index(load_schema()), failed, max_depth=depth)
        assert indexed.columns.classes == by_queries.columns.classes
        cis, rels = read_csv_pair(directory)
        store.close()
    return by_queries.as_dict(), indexed.as_dict(), cis, rels


@SETTINGS
@given(estates())
def test_indexed_and_query_engines_agree_and_match_the_oracle(estate):
    nodes, edges, failed, depth = estate
    by_queries, indexed, cis, rels = _answers(nodes, edges, failed, depth)
    assert indexed == by_queries
    if depth is None:
        down, degraded = expected_impact(cis, rels, set(failed))
        assert {i["id"] for i in indexed["impacted"] if i["effect"] == "down"} == down
        assert {i["id"] for i in indexed["impacted"] if i["effect"] == "degraded"} == degraded


@SETTINGS
@given(estates())
def test_a_depth_limit_lists_the_whole_answer_within_it(estate):
    nodes, edges, failed, depth = estate
    limit = depth or 1
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], store)
        for engine in (impact_by_queries, lambda s, f, **kw: impact_indexed(s, s.closure_index(load_schema()), f, **kw)):
            whole_result = engine(store, failed)
            limited_result = engine(store, failed, max_depth=limit)
            whole, limited = whole_result.as_dict(), limited_result.as_dict()
            assert limited["impacted"] == [i for i in whole["impacted"] if i["depth"] <= limit]
            assert limited["summary"]["beyond_depth"] == len(whole["impacted"]) - len(limited["impacted"])
            # the service classes, the redundancy lost and the event level are the whole failure's
            assert assess(store, limited_result).as_dict() == assess(store, whole_result).as_dict()
            assert (obligations(store, limited_result)["event_level"]
                    == obligations(store, whole_result)["event_level"])
        store.close()


def _blast(store, failed):
    from itss_graph.engine.blast import blast_radius

    return blast_radius(store, failed)


@SETTINGS
@given(estates())
def test_blast_radius_matches_the_oracle_on_both_engines(estate):
    nodes, edges, failed, _ = estate
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], store)
        store.index_after_edges = 0  # every walk spends its budget at once: the index answers
        indexed = _blast(store, failed)
        assert _blast(WithoutIndex(store), failed).as_dict() == indexed.as_dict()
        cis, rels = read_csv_pair(directory)
        store.close()
    expected = expected_services(cis, rels, set(failed))
    assert {s.id for s in indexed.down} == expected["down"]
    assert {s.id for s in indexed.at_risk} == expected["at_risk"]
    assert {g.id for g in indexed.losses if g.effect == "degraded"} == expected["weakened"]
    assert indexed.next_failure_complete
    assert {s.id: set(s.next_failure) for s in indexed.at_risk} == expected["next_failure"]
    spof: dict[str, set] = {}
    for g in indexed.losses:
        if g.effect == "degraded":
            spof.setdefault(g.id, set()).update(g.new_spof)
    assert spof == expected["new_spof"]
    semantics = relation_semantics()
    for s in indexed.services:  # every chain is a real walk from a failed CI to the service
        assert s.chain[0]["id"] in failed and s.chain[-1]["id"] == s.id
        assert s.depth == len(s.chain) - 1
        for before, step in zip(s.chain, s.chain[1:]):
            assert _crosses(rels, semantics, before["id"], step["via"], step["id"]), (before, step)
        ids = [step["id"] for step in s.chain]
        if s.status == "down":  # a chain of losses
            assert set(ids) <= expected["lost"]
        else:  # lost CIs up to the CI that lost redundancy, which the oracle finds weakened
            assert s.lost_redundancy_at in expected["weakened"]
            at = ids.index(s.lost_redundancy_at)
            assert set(ids[:at]) <= expected["lost"] and not set(ids[at:]) & expected["lost"]
    for g in indexed.losses:  # each group's members lost and left, as the oracle has them
        key = (g.id, "prop", g.group) if g.group else (g.id, "rel", g.relations[0], g.direction)
        members = expected["groups"][key]
        assert (set(g.lost), set(g.left)) == (members & expected["lost"], members - expected["lost"])
        assert (g.effect == "down") == (g.id in expected["lost"])


def _crosses(rels, semantics, provider: str, via: str, dependant: str) -> bool:
    """Whether failure can travel from ``provider`` to ``dependant`` over a ``via`` relation
    of the estate (either direction, as the ontology's semantics allow)."""
    for rel in rels:
        s, r, t = rel[:3]
        if r != via:
            continue
        on_target, on_source = semantics[r]
        if (s, t) == (dependant, provider) and on_target != "none":
            return True
        if (s, t) == (provider, dependant) and on_source != "none":
            return True
    return False


@SETTINGS
@given(estates())
def test_change_impact_and_the_obligations_grade_services_as_the_oracle(estate):
    from itss_graph import catalogue
    from itss_graph.answers.change import change_impact
    from itss_graph.answers.obligations import Situation
    from itss_graph.answers.obligations import assess as grade
    from itss_graph.criticality import criticality_policy
    from itss_graph.engine.impact import impact

    nodes, edges, failed, _ = estate
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], store)
        answer = change_impact(store, failed)
        assert change_impact(WithoutIndex(store), failed) == answer
        duties = obligations(store, impact(store, failed))
        cis, rels = read_csv_pair(directory)
        store.close()
    expected = expected_services(cis, rels, set(failed))
    assert {s["id"] for s in answer["services"] if s["status"] == "down"} == expected["down"]
    assert {s["id"] for s in answer["services"] if s["status"] == "at-risk"} == expected["at_risk"]
    policy = criticality_policy()
    levels = list(policy.levels)
    windows = catalogue.get("change-impact").extra["windows"]
    if expected["down"]:  # the most critical service down decides the window ...
        best = min(policy.rank(policy.level_of(cis[s])) for s in expected["down"])
        assert policy.rank(policy.level_of(cis[answer["window"]["driven_by"]])) == best
        # ... its level's window, or the next more critical level's (unknown: the least critical)
        start = min(best, len(levels) - 1)
        assert answer["window"]["criticality"] == next(lvl for lvl in reversed(levels[:start + 1])
                                                       if lvl in windows)
    else:
        assert answer["window"]["criticality"] == ("at_risk" if expected["at_risk"] else "none")
    # the obligations: the event level and the sections of the oracle's situation
    down_by_level: dict[str, int] = {}
    for s in expected["down"]:
        level = policy.level_of(cis[s]) or "unknown"
        down_by_level[level] = down_by_level.get(level, 0) + 1
    situation = Situation(down_by_level, len(expected["at_risk"]), len(expected["lost"]))
    assert duties == grade(situation).as_dict()


@SETTINGS
@given(estates(), st.data())
def test_adding_redundancy_never_takes_more_down(estate, data):
    nodes, edges, failed, _ = estate
    # give one dependency a spare provider in the same redundancy group
    hard = [(k, v) for k, v in sorted(edges.items()) if k[1] in ("DEPENDS_ON", "RUNS_ON", "HOSTED_ON", "POWERED_BY")]
    assume(hard)  # an estate without a dependency to double is no example (not a silent pass)
    before, _, _, _ = _answers(nodes, edges, failed, None)
    (s, r, t), (g, m) = data.draw(st.sampled_from(hard))
    # POWERED_BY is redundant by itself: the spare joins the relation's group as it is
    group = g if (g or r == "POWERED_BY") else "spare"
    spare = ("spare", "server", "", "")
    more_edges = dict(edges)
    more_edges[(s, r, t)] = (group, m)
    more_edges[(s, r, "spare")] = (group, m)
    after, _, _, _ = _answers([*nodes, spare], more_edges, failed, None)
    down_before = {i["id"] for i in before["impacted"] if i["effect"] == "down"}
    down_after = {i["id"] for i in after["impacted"] if i["effect"] == "down"}
    assert down_after <= down_before


@SETTINGS
@given(estates(), st.integers(min_value=1, max_value=40))
def test_a_walk_that_turns_to_the_index_midway_gives_the_same_answer(estate, budget):
    # the embedded store walks by SQL levels until a walk reads more than its budget of
    # relations, then answers from the closure index: wherever that happens, nothing changes
    nodes, edges, failed, depth = estate
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], store)
        reference = _blast(WithoutIndex(store), failed)
        store.index_after_edges = budget
        mixed = _blast(store, failed)
        assert mixed.as_dict() == reference.as_dict()
        from itss_graph.engine.impact import impact

        assert impact(store, failed, max_depth=depth).as_dict() == \
            impact_by_queries(store, failed, max_depth=depth).as_dict()
        store.close()


@SETTINGS
@given(estates(), st.integers(min_value=0, max_value=12), st.booleans())
def test_the_store_counts_a_level_as_it_would_read_it(estate, limit, outgoing):
    # a walk with a budget counts a level from the indexes before reading it: the count must
    # be what the read returns (up to the limit), or the path chosen would change
    from itss_graph.semantics import Rules
    from itss_graph.stores.base import INCOMING, OUTGOING, Store

    nodes, edges, failed, _ = estate
    rules = Rules.from_schema(load_schema())
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([_write(Path(tmp) / "in", nodes, edges)], store)
        ids = sorted({n[0] for n in nodes})
        direction = OUTGOING if outgoing else INCOMING
        types = sorted(rules.toward_source if outgoing else rules.toward_target)
        for frontier in (failed, ids):
            read = store.edges_with_groups(frontier, direction, types)
            assert store.count_edges(frontier, direction, types, limit=limit) == min(len(read), limit)
            flow = store.flow_edges(frontier, sorted(rules.toward_source), sorted(rules.toward_target))
            counted = store.count_flow_edges(frontier, sorted(rules.toward_source),
                                             sorted(rules.toward_target), limit=limit)
            assert counted == min(len(flow), limit)
            # the generic count (any store: it reads) agrees with the embedded store's own
            assert Store.count_edges(store, frontier, direction, types, limit=limit) == \
                store.count_edges(frontier, direction, types, limit=limit)
        store.close()


@SETTINGS
@given(estates(), st.integers(min_value=0, max_value=40))
def test_a_walk_said_to_overrun_its_budget_does(estate, budget):
    # a saved index lets the embedded store tell, without numpy, that a walk by SQL levels
    # would read more than its budget (a lower bound over hard relations): then it must, or
    # a question the levels would have answered cheaply would go to the index
    from itss_graph.engine.budget import EdgeBudget, Exhausted
    from itss_graph.engine.impact import impact

    nodes, edges, failed, depth = estate
    schema = load_schema()
    with loaded_store(nodes, edges) as store:
        assert not store.walk_surely_exceeds(failed, schema, budget)  # no index saved yet
        store.closure_index(schema)
        said = store.walk_surely_exceeds(failed, schema, budget)
        try:
            impact_by_queries(store, failed, budget=EdgeBudget(budget))
            overran = False
        except Exhausted:
            overran = True
        assert overran or not said
        # and the answer is the same whichever way the question goes
        fresh = SQLiteStore(store.path, create=False)
        fresh.index_after_edges = budget
        try:
            assert impact(fresh, failed, max_depth=depth).as_dict() == \
                impact_by_queries(store, failed, max_depth=depth).as_dict()
        finally:
            fresh.close()


def test_a_rack_with_a_saved_index_goes_to_it_without_reading_levels(tmp_path):
    # the example rack loses everything in it over hard relations: with a budget smaller than
    # that, the embedded store goes to the index before any level is read
    from itss_graph.loading.example import example_store

    schema = load_schema()
    store = example_store(str(tmp_path / "x.db"))
    store.closure_index(schema)
    store.close()
    store = SQLiteStore(tmp_path / "x.db", create=False)
    store.index_after_edges = 3
    assert store.walk_surely_exceeds(["rack:a01"], schema, 3)
    assert not store.walk_surely_exceeds(["rack:a01"], schema, 10_000)
    statements = []
    store.db.set_trace_callback(statements.append)
    from itss_graph.engine.impact import impact

    answer = impact(store, ["rack:a01"])
    assert store.closure_index_open()
    assert not any("UNION ALL" in s for s in statements)  # no level of flow edges was read
    assert answer.as_dict() == impact_by_queries(store, ["rack:a01"]).as_dict()
    store.close()
