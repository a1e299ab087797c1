"""Plain reachability along failure-flow edges that can cost service (no thresholds).

``downstream`` answers "what could these CIs' failure ever touch" and ``upstream`` "what do
these CIs rest on": both ignore redundancy (a CI behind a redundancy group is reachable even if
one failure cannot take it down) and degrading relations. Used for at-risk services, orphans
and the like. Costs what it reaches: one batched query per level while that stays small, the
embedded store's CSR arrays beyond (:mod:`itss_graph.engine.budget`).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> downstream(SQLiteStore(":memory:"), [])
    set()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection, Iterable

from itss_graph.engine.budget import EdgeBudget, small_first
from itss_graph.semantics import Rules
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store

if TYPE_CHECKING:
    import numpy as np


def downstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
               only_types: Collection[str] | None = None) -> set[str]:
    """CIs whose service rests, through any chain of loss-capable relations, on ``ids``
    (``ids`` themselves excluded); with ``only_types``, only the CIs of those types (cheaper
    than filtering afterwards when the closure is large)."""
    return _walk(store, ids, schema, forward=True, only_types=only_types)


def upstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
             only_types: Collection[str] | None = None) -> set[str]:
    """CIs that ``ids`` rest on (``ids`` themselves excluded), optionally only of ``only_types``."""
    return _walk(store, ids, schema, forward=False, only_types=only_types)


def _walk(store: Store, ids: Iterable[str], schema: Schema | None, forward: bool,
          only_types: Collection[str] | None) -> set[str]:
    schema = schema or load_schema()
    start = sorted(set(ids))
    if not start:
        return set()
    return small_first(store, schema,
                       lambda budget: _walk_levels(store, schema, start, forward, only_types, budget),
                       lambda index: _walk_index(store, index, start, forward, only_types))


def _walk_levels(store: Store, schema: Schema, start: list[str], forward: bool,
                 only_types: Collection[str] | None, budget: EdgeBudget) -> set[str]:
    if only_types is not None and not only_types:
        return set()
    rules = Rules.from_schema(schema)
    # forward (failure travels provider -> dependant): a failed target reaches sources (INCOMING)
    steps = ((INCOMING, rules.toward_source), (OUTGOING, rules.toward_target)) if forward else \
            ((OUTGOING, rules.toward_source), (INCOMING, rules.toward_target))
    steps = [(direction, [r for r, effect in table.items() if effect != "degraded"])
             for direction, table in steps]
    types = dict(steps)
    walked = store.walk_reach(start, types[INCOMING], types[OUTGOING], only_types)
    if walked is not None:
        return walked
    seen = set(start)
    frontier = start
    while frontier:
        found = set()
        for direction, rels in steps:
            edges = budget.read_level(store, frontier, direction, rels)
            found.update(edge[2] for edge in edges)
        frontier = sorted(found - seen)
        seen.update(frontier)
    reached = seen - set(start)
    if only_types is None:
        return reached
    wanted = set(only_types)
    return {i for i, (ci_type, _) in store.headers(sorted(reached)).items() if ci_type in wanted}


def _walk_index(store: Store, index, start: list[str], forward: bool,
                only_types: Collection[str] | None) -> set[str]:
    import numpy as np

    reached = closure_mask(index, store.index_positions(index, start), forward=forward,
                           only_types=only_types)
    return set(index.ids_of(np.flatnonzero(reached)))


def closure_mask(index, start, *, forward: bool = True,
                 only_types: Collection[str] | None = None) -> "np.ndarray":
    """Boolean mask over the closure index of the CIs reachable from the positions ``start``
    (``start`` itself excluded), downstream (``forward``) or upstream; optionally only CIs of
    ``only_types``. Stays in positions, so callers that already hold positions decode nothing.

    >>> from itss_graph.stores.graph_index import EdgeArrays, GraphIndex
    >>> index = GraphIndex.build(generation="1", keys=[1, 2], ids=["h", "v"], names=["h", "v"],
    ...     types=["server", "vm"], min_up=[1, 1],
    ...     edges=EdgeArrays.from_tuples([(1, "RUNS_ON", 0, None, None)]),
    ...     toward_source={"RUNS_ON": "down"}, toward_target={})
    >>> closure_mask(index, [0]).tolist(), closure_mask(index, [1], forward=False).tolist()
    ([False, True], [True, False])
    """
    import numpy as np

    from itss_graph.engine.indexed import distinct
    from itss_graph.stores.graph_index import edges_from

    ptr, nxt, cls = ((index.flow_ptr, index.flow_dst, index.flow_class) if forward
                     else (index.up_ptr, index.up_src, index.up_class))
    seen = np.zeros(index.size, dtype=bool)
    frontier = distinct(np.asarray(start, dtype=np.int64))
    seen[frontier] = True
    origin = frontier.copy()
    while len(frontier):
        edges, = edges_from(ptr, frontier)
        edges = edges[cls[edges] != 2]  # degrading relations cost no service
        found = distinct(nxt[edges])
        frontier = found[~seen[found]]
        seen[frontier] = True
    seen[origin] = False
    if only_types is not None:
        wanted = set(only_types)
        seen &= np.isin(index.type_code, [i for i, name in enumerate(index.type_names) if name in wanted])
    return seen
