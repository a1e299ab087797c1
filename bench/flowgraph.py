"""The failure-flow edges the naive peers walk, and the physical limit: a CSR breadth-first search.

The peers answer a simpler question than ``itss impact``: every CI that could be lost when the
probe fails, following each relation in the direction failure crosses it with an effect that
can lose the far end (``down`` or ``redundant`` in ``ontology/cmdb.ttl``), redundancy ignored
(every ``min_up`` treated as all). Degrading edges (``CONNECTED_TO``, a circuit's site) are left
out: degradation stops where it lands, and following them would flood the whole network. The
result is a superset of what itss finds lost, printed as bare ids; itss also weighs redundancy,
reports the degraded CIs and prints names, types, depths and explanations.

* :func:`flow_types` — the two lists of relation types, from the ontology (no code knows them);
* :class:`FlowGraph` — those edges of a store, as a CSR matrix on the store's integer keys
  (``ci.n``), loaded once; :meth:`FlowGraph.bfs_s` times a breadth-first search in memory
  (scipy's ``breadth_first_order``), the limit for any closure on this machine.

Example:
    >>> to_source, to_target = flow_types()
    >>> "RUNS_ON" in to_source, "MEMBER_OF" in to_target, "CONNECTED_TO" in to_source
    (True, True, False)
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

LOSS_EFFECTS = ("down", "redundant")


def flow_types() -> tuple[list[str], list[str]]:
    """(types failure crosses from target to source, types it crosses from source to target)."""
    from itss_graph.schema import load_schema

    rels = load_schema().relation_types.values()
    return (sorted(r.name for r in rels if r.on_target_failure in LOSS_EFFECTS),
            sorted(r.name for r in rels if r.on_source_failure in LOSS_EFFECTS))


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


class FlowGraph:
    """The failure-flow edges of an itss SQLite store, in memory (scipy CSR)."""

    def __init__(self, db: Path):
        import numpy as np
        from scipy.sparse import csr_matrix

        to_source, to_target = flow_types()
        start = time.perf_counter()
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            self.size = con.execute("SELECT coalesce(max(n), 0) + 1 FROM ci").fetchone()[0]
            self.ids = dict(con.execute("SELECT id, n FROM ci"))
            # failure flows from the provider to the dependant
            pairs = con.execute(
                f"SELECT dst, src FROM rel WHERE type IN ({_marks(to_source)}) "
                f"UNION ALL SELECT src, dst FROM rel WHERE type IN ({_marks(to_target)})",
                [*to_source, *to_target]).fetchall()
        finally:
            con.close()
        edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        # float64 weights: what csgraph works on, so a search never converts (copies) the graph
        self.graph = csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
                                shape=(self.size, self.size))
        self.graph.sum_duplicates()
        self.edges = len(edges)
        self.build_s = time.perf_counter() - start

    def reach(self, ci_id: str) -> int:
        """How many CIs the naive closure of ``ci_id`` reaches (the CI itself excluded)."""
        from scipy.sparse.csgraph import breadth_first_order

        return len(breadth_first_order(self.graph, self.ids[ci_id], directed=True,
                                       return_predecessors=False)) - 1

    def direct_dependants(self):
        """Per store key, how many distinct CIs lose it as a provider (CSR row lengths)."""
        import numpy as np

        return np.diff(self.graph.indptr)

    def bfs_s(self, ci_id: str, times: int = 5) -> tuple[float, int]:
        """Median wall time of the in-memory closure of ``ci_id``, and what it reaches."""
        from scipy.sparse.csgraph import breadth_first_order

        walls, reached = [], 0
        for _ in range(times):
            start = time.perf_counter()
            order = breadth_first_order(self.graph, self.ids[ci_id], directed=True,
                                        return_predecessors=False)
            walls.append(time.perf_counter() - start)
            reached = len(order) - 1
        return statistics.median(walls), reached
