"""Edge reads that carry the redundancy properties of each relation.

Kept beside the stores (it speaks their query languages) but apart from their classes: it only
reads. ``edges_with_groups`` is :meth:`Store.edges` plus, for each edge, the relation's
``redundancy_group`` and ``min_up`` properties (see :mod:`itss_graph.engine.semantics`).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> edges_with_groups(SQLiteStore(":memory:"), ["x"], "in", ["RUNS_ON"])
    []
"""

from __future__ import annotations

import json
from typing import Sequence

from itss_graph.stores.base import OUTGOING, Store

Edge = tuple[str, str, str, str | None, int | None]  # (id, type, other, group, min_up)

# The statements the engine runs per breadth-first level (also printed by --show-query).
SQLITE_EDGES = """SELECT f.id, r.type, o.id,
       json_extract(r.props, '$.redundancy_group'), json_extract(r.props, '$.min_up')
FROM ci f
JOIN rel r ON r.{near} = f.n AND r.type IN ({types})
JOIN ci o ON o.n = r.{far}
WHERE {where}"""

NEO4J_EDGES = """UNWIND $ids AS id
MATCH (f:CI {{id: id}})
MATCH {pattern}
WHERE type(r) IN $types
RETURN id, type(r), o.id, r.redundancy_group, r.min_up"""


def edges_with_groups(store: Store, ids: Sequence[str], direction: str,
                      rel_types: Sequence[str]) -> list[Edge]:
    """Edges around ``ids`` with each relation's redundancy group and min_up (or None)."""
    if not ids or not rel_types:
        return []
    if store.kind == "sqlite":
        return _sqlite(store, ids, direction, rel_types)
    if store.kind == "neo4j":
        return _neo4j(store, ids, direction, rel_types)
    return [(i, t, o, None, None) for i, t, o in store.edges(ids, direction, rel_types)]


def _sqlite(store, ids, direction, rel_types) -> list[Edge]:
    near, far = ("src", "dst") if direction == OUTGOING else ("dst", "src")
    marks = ",".join("?" * len(rel_types))
    ids = list(ids)
    if len(ids) <= 500:
        where, params = f"f.id IN ({','.join('?' * len(ids))})", tuple(ids)
    else:
        where, params = "f.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    rows = store.db.execute(SQLITE_EDGES.format(near=near, far=far, types=marks, where=where),
                            (*rel_types, *params))
    return [(i, t, o, None if g is None else str(g), _int_or_none(m)) for i, t, o, g, m in rows]


def _neo4j(store, ids, direction, rel_types) -> list[Edge]:
    pattern = "(f)-[r]->(o:CI)" if direction == OUTGOING else "(f)<-[r]-(o:CI)"
    query = NEO4J_EDGES.format(pattern=pattern)
    out: list[Edge] = []
    ids = list(ids)
    for start in range(0, len(ids), 10_000):
        for i, t, o, g, m in store._read(query, ids=ids[start:start + 10_000], types=list(rel_types)):
            out.append((i, t, o, None if g is None else str(g), _int_or_none(m)))
    return out


def _int_or_none(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
