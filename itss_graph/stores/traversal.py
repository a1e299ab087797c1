"""Edge reads that carry the redundancy properties of each relation.

Kept beside the stores (it speaks their query languages) but apart from their classes: it only
reads. ``edges_with_groups`` is :meth:`Store.edges` plus, for each edge, the relation's
``redundancy_group`` and ``min_up`` properties (see :mod:`itss_graph.semantics`).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> edges_with_groups(SQLiteStore(":memory:"), ["x"], "in", ["RUNS_ON"])
    []
"""

from __future__ import annotations

import json
from typing import Sequence

from itss_graph.stores.base import INCOMING, OUTGOING, Store

Edge = tuple[str, str, str, str | None, int | None]  # (id, type, other, group, min_up)

# The statements the engine runs per breadth-first level (also printed by --show-query).
SQLITE_EDGES = """SELECT f.id, r.type, o.id,
       json_extract(r.props, '$.redundancy_group'), json_extract(r.props, '$.min_up')
FROM ci f
JOIN rel r ON r.{near} = f.n AND r.type IN ({types})
JOIN ci o ON o.n = r.{far}
WHERE {where}"""

# One record of parallel lists, not one record per edge: the driver's per-record cost dominates
# (measured on 100k CIs: 0.10 s instead of 0.86 s for the same edges). collect() drops nulls,
# hence the coalesce: the lists must stay parallel.
NEO4J_EDGES = """UNWIND $ids AS id
MATCH (f:CI {{id: id}})
MATCH {pattern}
WHERE type(r) IN $types
RETURN collect(id), collect(type(r)), collect(o.id),
       collect(coalesce(toString(r.redundancy_group), '')), collect(coalesce(toString(r.min_up), ''))"""

# Both directions in one round trip: failure reaches a neighbour over r when the failed CI is r's
# target and r is in $toward_source, or r's source and r is in $toward_target.
NEO4J_FLOW = """UNWIND $ids AS id
MATCH (f:CI {id: id})-[r]-(o:CI)
WITH id, r, o, startNode(r) = f AS outgoing
WHERE (outgoing AND type(r) IN $toward_target) OR (NOT outgoing AND type(r) IN $toward_source)
RETURN collect(id), collect(type(r)), collect(o.id), collect(outgoing),
       collect(coalesce(toString(r.redundancy_group), '')), collect(coalesce(toString(r.min_up), ''))"""

# The impact walk inside the server, when ITSS Graph's procedures are installed there.
NEO4J_IMPACT_PROCEDURE = """CALL itss.impact($failed, $toward_source, $toward_target, $max_depth)
YIELD ids, types, names, depths, effects, vias, froms
RETURN ids, types, names, depths, effects, vias, froms"""

NEO4J_REACH_PROCEDURE = """CALL itss.reach($ids, $incoming, $outgoing, $only_types)
YIELD ids RETURN ids"""

NEO4J_HEADERS = """UNWIND $ids AS id
MATCH (n:CI {id: id})
RETURN collect(n.id), collect(n.type), collect(n.name)"""


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
        for columns in store._read(query, ids=ids[start:start + 10_000], types=list(rel_types)):
            out.extend((i, t, o, g or None, _int_or_none(m or None))
                       for i, t, o, g, m in zip(*columns))
    return out


def flow_edges(store: Store, ids: Sequence[str], toward_source: Sequence[str],
               toward_target: Sequence[str]) -> list[tuple[str, str, str, bool, str | None, int | None]]:
    """Edges failure can cross from ``ids``: (id, type, other, id is the source, group, min_up).

    ``toward_source`` relation types are crossed from their target to their source, and
    ``toward_target`` ones from source to target. One round trip per batch on Neo4j.
    """
    if not ids:
        return []
    if store.kind != "neo4j":
        return ([(i, t, o, False, g, m) for i, t, o, g, m in edges_with_groups(store, ids, INCOMING, toward_source)]
                + [(i, t, o, True, g, m) for i, t, o, g, m in edges_with_groups(store, ids, OUTGOING, toward_target)])
    ids = list(ids)
    params = {"toward_source": list(toward_source), "toward_target": list(toward_target)}
    out = []
    for records in _batched_reads(store, NEO4J_FLOW, ids, params):
        for columns in records:
            out.extend((i, t, o, bool(d), g or None, _int_or_none(m or None))
                       for i, t, o, d, g, m in zip(*columns))
    return out


def _batched_reads(store: Store, query: str, ids: list[str], params: dict, batch: int = 10_000):
    """The records of ``query`` for ``ids`` in batches, in order. Two batches are in flight at
    a time, so the server works on the next while this process decodes the last (the driver
    is thread-safe; each call has its own session)."""
    chunks = [ids[k:k + batch] for k in range(0, len(ids), batch)]
    if len(chunks) < 2:
        return [store._read(query, ids=chunk, **params) for chunk in chunks]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda chunk: store._read(query, ids=chunk, **params), chunks))


class HeaderPrefetch:
    """Types and names of CIs asked for as they are found, fetched in the background on Neo4j
    (while the next breadth-first level runs) and all at once, at the end, elsewhere.

    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> prefetch = HeaderPrefetch(SQLiteStore(":memory:")); prefetch.add(["x"]); prefetch.result()
    {}
    """

    def __init__(self, store: Store):
        self.store = store
        self.asked: set[str] = set()
        self.pending: list[str] = []
        self.jobs: list = []
        self.pool = None
        if store.kind == "neo4j":
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=1)

    def add(self, ids) -> None:
        new = [i for i in ids if i not in self.asked]
        self.asked.update(new)
        if self.pool is not None and new:
            self.jobs.append(self.pool.submit(ci_headers, self.store, new))
        else:
            self.pending.extend(new)

    def result(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        if self.pool is not None:
            for job in self.jobs:
                out.update(job.result())
            self.pool.shutdown()
        if self.pending:
            out.update(ci_headers(self.store, self.pending))
        return out


def ci_headers(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """id -> (type, name) for the CIs among ``ids`` (no properties: cheaper than get_cis)."""
    ids = list(dict.fromkeys(ids))
    if store.kind == "neo4j":
        out: dict[str, tuple[str, str]] = {}
        for records in _batched_reads(store, NEO4J_HEADERS, ids, {}):
            for found, types, names in records:
                out.update(zip(found, zip(types, names)))
        return out
    return {ci.id: (ci.type, ci.name) for ci in store.get_cis(ids).values()}


def _int_or_none(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def impact_procedure(store: Store, failed: Sequence[str], toward_source: dict, toward_target: dict,
                     max_depth: int | None) -> tuple[dict, dict, dict]:
    """(down, degraded, headers) from the server's ``itss.impact``: id -> (depth, via, from)
    for the lost and the degraded CIs, id -> (type, name) for both."""
    [(ids, types, names, depths, effects, vias, froms)] = store._read(
        NEO4J_IMPACT_PROCEDURE, failed=list(failed), toward_source=dict(toward_source),
        toward_target=dict(toward_target), max_depth=-1 if max_depth is None else max_depth)
    down: dict = {}
    degraded: dict = {}
    for i, d, e, v, f in zip(ids, depths, effects, vias, froms):
        (down if e == "down" else degraded)[i] = (d, v, f)
    return down, degraded, dict(zip(ids, zip(types, names)))


def reach_procedure(store: Store, start: Sequence[str], incoming: Sequence[str],
                    outgoing: Sequence[str], only_types=None) -> set[str]:
    """CIs reachable from ``start`` (excluded) over ``incoming`` relation types against their
    direction and ``outgoing`` ones along it, by the server's ``itss.reach``."""
    [(ids,)] = store._read(NEO4J_REACH_PROCEDURE, ids=list(start), incoming=list(incoming),
                           outgoing=list(outgoing), only_types=sorted(only_types or ()))
    return set(ids)
