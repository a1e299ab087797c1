"""Property-based tests of the impact engine on random estates (hypothesis).

* the indexed engine (CSR snapshot) and the query-per-level engine give identical answers;
* both agree with the fixpoint oracle of tests/reference.py;
* adding redundancy never makes more CIs go down.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itss_graph.engine.impact import impact_by_queries
from itss_graph.engine.indexed_impact import impact_indexed
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema
from itss_graph.stores.sqlite import SQLiteStore
from tests.reference import expected_impact, read_csv_pair

TYPES = ["server", "vm", "redundancy-group", "business-service", "pdu", "switch", "application"]
RELATIONS = ["DEPENDS_ON", "RUNS_ON", "HOSTED_ON", "LOCATED_IN", "POWERED_BY", "CONNECTED_TO",
             "MEMBER_OF", "SUPPORTS", "PROVIDED_BY", "CIRCUIT_TERMINATES"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def estates(draw, max_nodes: int = 14):
    n = draw(st.integers(min_value=2, max_value=max_nodes))
    nodes = [(f"n{i:02d}", draw(st.sampled_from(TYPES)), draw(st.sampled_from(["", "1", "2", "3"])))
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
        w.writerow(["id", "name", "type", "min_up"])
        w.writerows([(i, i, t, m) for i, t, m in nodes])
    with (directory / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "type", "target", "redundancy_group", "min_up"])
        w.writerows([(s, r, t, g, m) for (s, r, t), (g, m) in sorted(edges.items())])
    return directory


def _answers(nodes, edges, failed, depth):
    with tempfile.TemporaryDirectory() as tmp:
        directory = _write(Path(tmp) / "in", nodes, edges)
        store = SQLiteStore(Path(tmp) / "x.db")
        load_inventory([directory], store)
        by_queries = impact_by_queries(store, failed, max_depth=depth).as_dict()
        indexed = impact_indexed(store, store.closure_index(load_schema()), failed, max_depth=depth).as_dict()
        cis, rels = read_csv_pair(directory)
        store.close()
    return by_queries, indexed, cis, rels


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
@given(estates(), st.data())
def test_adding_redundancy_never_takes_more_down(estate, data):
    nodes, edges, failed, _ = estate
    before, _, _, _ = _answers(nodes, edges, failed, None)
    # give one dependency a spare provider in the same redundancy group
    hard = [(k, v) for k, v in sorted(edges.items()) if k[1] in ("DEPENDS_ON", "RUNS_ON", "HOSTED_ON", "POWERED_BY")]
    if not hard:
        return
    (s, r, t), (g, m) = data.draw(st.sampled_from(hard))
    # POWERED_BY is redundant by itself: the spare joins the relation's group as it is
    group = g if (g or r == "POWERED_BY") else "spare"
    spare = ("spare", "server", "")
    more_edges = dict(edges)
    more_edges[(s, r, t)] = (group, m)
    more_edges[(s, r, "spare")] = (group, m)
    after, _, _, _ = _answers([*nodes, spare], more_edges, failed, None)
    down_before = {i["id"] for i in before["impacted"] if i["effect"] == "down"}
    down_after = {i["id"] for i in after["impacted"] if i["effect"] == "down"}
    assert down_after <= down_before
