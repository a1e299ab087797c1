"""Plain reachability along failure-flow edges that can cost service (no thresholds).

``downstream`` answers "what could these CIs' failure ever touch" and ``upstream`` "what do
these CIs rest on": both ignore redundancy (a CI behind a redundancy group is reachable even if
one failure cannot take it down) and degrading relations. Used for at-risk services, orphans
and the like. Costs what it reaches: CSR arrays for the embedded store, one batched query per
level for others.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> downstream(SQLiteStore(":memory:"), [])
    set()
"""

from __future__ import annotations

from typing import Iterable

from itss_graph.engine.semantics import Rules
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store
from itss_graph.stores.traversal import edges_with_groups


def downstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None) -> set[str]:
    """CIs whose service rests, through any chain of loss-capable relations, on ``ids``
    (``ids`` themselves excluded)."""
    return _walk(store, ids, schema, forward=True)


def upstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None) -> set[str]:
    """CIs that ``ids`` rest on (``ids`` themselves excluded)."""
    return _walk(store, ids, schema, forward=False)


def _walk(store: Store, ids: Iterable[str], schema: Schema | None, forward: bool) -> set[str]:
    schema = schema or load_schema()
    start = sorted(set(ids))
    if not start:
        return set()
    if store.kind == "sqlite":
        return _walk_index(store, schema, start, forward)
    rules = Rules.from_schema(schema)
    seen = set(start)
    frontier = start
    # forward (failure travels provider -> dependant): a failed target reaches sources (INCOMING)
    steps = ((INCOMING, rules.toward_source), (OUTGOING, rules.toward_target)) if forward else \
            ((OUTGOING, rules.toward_source), (INCOMING, rules.toward_target))
    while frontier:
        found = set()
        for direction, table in steps:
            rels = [r for r, effect in table.items() if effect != "degraded"]
            found.update(edge[2] for edge in edges_with_groups(store, frontier, direction, rels))
        frontier = sorted(found - seen)
        seen.update(frontier)
    return seen - set(start)


def _walk_index(store, schema: Schema, start: list[str], forward: bool) -> set[str]:
    import numpy as np

    from itss_graph.engine.indexed import _ranges
    from itss_graph.stores.sqlite_index import graph_index, positions_of_ids

    index = graph_index(store, schema)
    ptr, nxt, cls = ((index.flow_ptr, index.flow_dst, index.flow_class) if forward
                     else (index.up_ptr, index.up_src, index.up_class))
    seen = np.zeros(index.size, dtype=bool)
    frontier = positions_of_ids(store, index, start)
    seen[frontier] = True
    origin = frontier.copy()
    while len(frontier):
        starts = ptr[frontier]
        edges = _ranges(starts, ptr[frontier + 1] - starts)
        edges = edges[cls[edges] != 2]
        found = np.unique(nxt[edges])
        frontier = found[~seen[found]]
        seen[frontier] = True
    seen[origin] = False
    return set(index.ids_of(np.flatnonzero(seen)))
