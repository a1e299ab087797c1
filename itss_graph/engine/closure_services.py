"""The services of an impact answer that came from the closure index, read in index positions:
which impacted CIs are services (with their depth and effect), and their chains from the failed
CIs built when asked for. Nothing here needs the answer's rows in the contract order, so a
blast radius leaves a 128k-CI closure unsorted (``ContractOrderColumns`` sorts only for a
caller that reads more than a page of rows).

The chains are those of :meth:`itss_graph.engine.result.ImpactResult.chain` (each step's
``via`` the relation the failure crossed, None at the failed CI, whose step is the failed CI
as the answer names it).

Example:
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.engine.indexed_impact import impact_indexed
    >>> from itss_graph.schema import load_schema
    >>> store = example_store()
    >>> answer = impact_indexed(store, store.closure_index(load_schema()), ["server:db1"])
    >>> found = services_in_closure(answer.whole.columns, {"business-service"})
    >>> [(i, depth, down) for i, depth, down, _ in found]
    [('service:reports', 2, True), ('service:shop', 3, True)]
    >>> chains = ClosureChains(answer).chains_of([found[0][3]])
    >>> [(step["id"], step["via"]) for step in chains[0]]
    [('server:db1', None), ('database:orders', 'RUNS_ON'), ('service:reports', 'SUPPORTS')]
"""

from __future__ import annotations

from typing import Collection

import numpy as np

from itss_graph.engine.indexed_impact import chains_of_positions
from itss_graph.engine.result import ImpactResult, from_sources


def closure_of(columns) -> tuple:
    """(index, closure) of whole-answer columns read from the closure index (``IndexedColumns``),
    without ordering their rows."""
    return columns.index, columns.closure


def impacted_positions(columns) -> tuple[np.ndarray, int]:
    """The positions of the whole answer's impacted CIs (its rows, in no particular order) and
    how many of the first are down."""
    _, closure = closure_of(columns)
    return closure.reached, len(closure.lost)


def services_in_closure(columns, services: Collection[str]) -> list[tuple[str, int, bool, int]]:
    """(id, depth, down, position) of each impacted CI of a type in ``services``."""
    index, closure = closure_of(columns)
    positions, n_down = impacted_positions(columns)
    wanted = np.array([name in services for name in index.type_names], dtype=bool)
    keep = np.flatnonzero(wanted[index.type_code[positions]])
    at = positions[keep]
    return list(zip(index.ids_of(at), closure.depth[at].tolist(), (keep < n_down).tolist(), at.tolist()))


class ClosureChains:
    """The chains of an answer's CIs by their index positions (a :class:`~itss_graph.engine.chains.ChainSource`)."""

    def __init__(self, result: ImpactResult):
        whole = result.whole
        self.index, self.closure = closure_of(whole.columns)
        self.sources = {s.id: s for s in whole.sources}

    def chains_of(self, positions: list[int]) -> list[list[dict]]:
        if not len(positions):
            return []
        return from_sources(chains_of_positions(self.index, self.closure, positions), self.sources)

    def chains_to(self, store, ids: list[str]) -> list[list[dict]]:
        """The chains of some CIs of the answer, by id."""
        positions = store.index_positions(self.index, ids)
        at = dict(zip(self.index.ids_of(positions), positions.tolist()))
        return self.chains_of([at[i] for i in ids])


__all__ = ["ClosureChains", "closure_of", "impacted_positions", "services_in_closure"]
