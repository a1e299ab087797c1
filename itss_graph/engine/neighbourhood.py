"""The neighbourhood of some CIs: every CI within a number of relations of them, either way.

For exports of a CMDB subgraph (GraphML/GEXF for Gephi or yEd) and for exploring a graph a
step at a time. Costs what it reaches: one batched read per step and direction.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> cis, relations = neighbourhood(example_store(), ["server:db1"], depth=1)
    >>> sorted(cis)
    ['database:orders', 'pdu:a', 'pdu:b', 'rack:a01', 'server:db1', 'switch:core1']
    >>> len(relations)     # the host's five, and the PDUs' own LOCATED_IN the rack
    7
"""

from __future__ import annotations

from typing import Iterable, Sequence

from itss_graph.engine.lookup import require_cis
from itss_graph.model import CI, Relation
from itss_graph.stores.base import INCOMING, OUTGOING, Store


def neighbourhood(store: Store, ids: Iterable[str], *, depth: int = 1,
                  rel_types: Sequence[str] | None = None) -> tuple[dict[str, CI], list[Relation]]:
    """The CIs within ``depth`` relations of ``ids`` (of ``rel_types``, default all, in both
    directions) and the relations among them: ``({id: CI}, [Relation])``. Relations carry
    their redundancy properties (``redundancy_group``, ``min_up``), not their other ones."""
    start, _ = require_cis(store, ids)
    if rel_types is None:
        from itss_graph.schema import load_schema

        rel_types = list(load_schema().relation_types)
    seen = set(start)
    frontier = sorted(seen)
    for _ in range(depth):
        found: set[str] = set()
        for direction in (OUTGOING, INCOMING):
            found.update(other for _, _, other in store.edges(frontier, direction, rel_types))
        frontier = sorted(found - seen)
        seen.update(frontier)
        if not frontier:
            break
    members = sorted(seen)
    relations = [Relation(i, t, o, _redundancy_props(g, m))
                 for i, t, o, g, m in sorted(store.edges_with_groups(members, OUTGOING, rel_types))
                 if o in seen]
    return store.get_cis(members), relations


def _redundancy_props(group: str | None, min_up: int | None) -> dict:
    """The relation properties the store protocol carries: its redundancy group and min_up."""
    return {k: v for k, v in (("redundancy_group", group), ("min_up", min_up)) if v is not None}
