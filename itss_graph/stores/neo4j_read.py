"""The engine's reads on Neo4j: the connection (driver, routing, bookmarks), one round trip
per batch of ids with results as one record of parallel lists, and the calls of ITSS Graph's
optional server procedures (``tools/neo4j-plugin``: ``itss.impact``, ``itss.reach``,
``itss.paths``, ``itss.further``), and the chains of ``itss.paths`` in plain Cypher without them
(``itss.further``'s are in :mod:`itss_graph.stores.neo4j_further`).

Where a cold ``itss impact`` on Neo4j spends its time beyond the embedded store's (measured,
docs/scaling.md): importing the driver, the walk inside the server, and round trips. Hence the
driver is imported without numpy (:func:`import_driver`), the procedures are called without
listing them first, and every read is one read transaction.

Routing and clusters: with a ``neo4j://`` URI the driver routes every read here (each is a
read transaction, ``routing_="r"``) to a secondary and writes to the primary. Reads wait for
the store's bookmarks, so a read after a load sees it even on a lagging secondary; across
processes (``itss load`` then ``itss impact``) the last bookmarks of a routing URI are kept in
the cache directory (:func:`save_bookmarks`).

Results come back as one record of parallel lists, not one record per edge: the driver's
per-record cost dominates (measured on 100k CIs: 0.10 s instead of 0.86 s for the same edges).
``collect()`` drops nulls, hence the ``coalesce``, and a node labelled CI without an id (written
by another tool: not a CI ITSS Graph can name) is left out before collecting: the lists must
stay parallel.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Collection, Protocol, Sequence

from itss_graph.errors import StoreError
from itss_graph.stores.base import OUTGOING, Edge, FlowEdge, ImpactWalk, int_or_none


class Neo4jReads(Protocol):
    """What these reads need of the Neo4j store (kept as a protocol: the store class imports
    this module, not the other way round)."""

    driver: Any
    uri: str
    user: str | None
    database: str | None
    bookmarks: Any
    missing_procedures: set[str]

    def _read(self, query: str, **params) -> list[tuple]: ...

NEO4J_EDGES = """UNWIND $ids AS id
MATCH (f:CI {{id: id}})
MATCH {pattern}
WHERE type(r) IN $types AND o.id IS NOT NULL
RETURN collect(id), collect(type(r)), collect(o.id),
       collect(coalesce(toString(r.redundancy_group), '')), collect(coalesce(toString(r.min_up), ''))"""

NEO4J_COUNT_EDGES = """UNWIND $ids AS id
MATCH (f:CI {{id: id}})
MATCH {pattern}
WHERE type(r) IN $types AND o.id IS NOT NULL
WITH r LIMIT $limit
RETURN count(r)"""

# Both directions in one round trip: failure reaches a neighbour over r when the failed CI is r's
# target and r is in $toward_source, or r's source and r is in $toward_target.
NEO4J_FLOW = """UNWIND $ids AS id
MATCH (f:CI {id: id})-[r]-(o:CI) WHERE o.id IS NOT NULL
WITH id, r, o, startNode(r) = f AS outgoing
WHERE (outgoing AND type(r) IN $toward_target) OR (NOT outgoing AND type(r) IN $toward_source)
RETURN collect(id), collect(type(r)), collect(o.id), collect(outgoing),
       collect(coalesce(toString(r.redundancy_group), '')), collect(coalesce(toString(r.min_up), ''))"""

NEO4J_COUNT_FLOW = """UNWIND $ids AS id
MATCH (f:CI {id: id})-[r]-(o:CI) WHERE o.id IS NOT NULL
WITH r, startNode(r) = f AS outgoing
WHERE (outgoing AND type(r) IN $toward_target) OR (NOT outgoing AND type(r) IN $toward_source)
WITH r LIMIT $limit
RETURN count(r)"""

# NEO4J_FLOW plus the other ends' headers: a walk then needs no separate read of them per level
NEO4J_FLOW_HEADED = NEO4J_FLOW + """,
       collect(coalesce(o.type, '')), collect(coalesce(o.name, ''))"""

# The relations redundancy groups are made of, both directions, and each CI's properties (its
# own min_up) in one round trip; per CI, as lists (an aggregating subquery yields one row even
# when it matches nothing).
NEO4J_PROVIDERS = """UNWIND $ids AS id
MATCH (f:CI {id: id})
CALL (f) { MATCH (f)-[r]->(o:CI) WHERE type(r) IN $outgoing AND o.id IS NOT NULL
           RETURN collect(type(r)) AS ot, collect(o.id) AS oo,
                  collect(coalesce(toString(r.redundancy_group), '')) AS og,
                  collect(coalesce(toString(r.min_up), '')) AS om }
CALL (f) { MATCH (f)<-[r]-(o:CI) WHERE type(r) IN $incoming AND o.id IS NOT NULL
           RETURN collect(type(r)) AS it, collect(o.id) AS io,
                  collect(coalesce(toString(r.redundancy_group), '')) AS ig,
                  collect(coalesce(toString(r.min_up), '')) AS im }
RETURN collect(id), collect(coalesce(f.props, '{}')),
       collect(ot), collect(oo), collect(og), collect(om), collect(it), collect(io), collect(ig), collect(im)"""

# The impact walk inside the server, when ITSS Graph's procedures are installed there. A
# standalone call yields every output (ids, types, names, depths, effects, vias, froms,
# classes): a jar older than the `classes` output yields seven and is not used.
NEO4J_IMPACT_PROCEDURE = """CALL itss.impact($failed, $toward_source, $toward_target, $max_depth)"""

NEO4J_REACH_PROCEDURE = """CALL itss.reach($ids, $incoming, $outgoing, $only_types)
YIELD ids RETURN ids"""

NEO4J_PATHS_PROCEDURE = """CALL itss.paths($ids, $incoming, $outgoing, $only_types)
YIELD ids, types, names, vias, froms RETURN ids, types, names, vias, froms"""

# NEO4J_PROVIDERS answered from the server's snapshot of the graph (one flat record)
NEO4J_PROVIDERS_PROCEDURE = """CALL itss.providers($ids, $outgoing, $incoming)
YIELD ids, minUps, edgeCis, edgeOut, types, others, groups, edgeMinUps
RETURN ids, minUps, edgeCis, edgeOut, types, others, groups, edgeMinUps"""

NEO4J_FURTHER_PROCEDURE = """CALL itss.further($lost, $candidates, $targets, $toward_source, $toward_target)
YIELD candidates, takes RETURN candidates, takes"""

NEO4J_HEADERS = """UNWIND $ids AS id
MATCH (n:CI {id: id})
RETURN collect(n.id), collect(coalesce(n.type, '')), collect(coalesce(n.name, ''))"""

BATCH = 10_000
ROUTING_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc")
# a routing URI's bookmarks older than this are not used by a new process: a cluster has long
# applied them, and a server re-created at the same address would not know them
BOOKMARKS_MAX_AGE_S = 3600
_PROCEDURE_NOT_FOUND = "Neo.ClientError.Procedure.ProcedureNotFound"


# What the driver imports when it can, only for numpy/pandas/pyarrow hydration (Vector.from_numpy,
# Result.to_df) that ITSS Graph never uses: numpy alone is a third of the driver's import.
_DRIVER_OPTIONAL = ("numpy", "pandas", "pyarrow", "pyarrow.compute")


def import_driver():
    """The ``neo4j`` package, imported without its optional numpy/pandas/pyarrow hooks.

    The driver imports numpy, pandas and pyarrow when it can (``neo4j._optional_deps``), only to
    hydrate values into them; ITSS Graph never asks for that, and numpy's import is a third of
    the driver's (~0.07 s of CPU per CLI run, measured). Each of them not imported yet is hidden
    (``sys.modules[name] = None`` makes ``import name`` fail) while the driver imports, then
    un-hidden: they stay importable afterwards for everything else, and one already imported
    is left alone.

    >>> import_driver().__name__
    'neo4j'
    >>> import sys; [name for name in _DRIVER_OPTIONAL if name in sys.modules and sys.modules[name] is None]
    []
    """
    if "neo4j" in sys.modules:
        return sys.modules["neo4j"]
    hidden = [name for name in _DRIVER_OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import neo4j
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return neo4j


def connect(uri: str, *, user: str | None, password: str | None, database: str | None,
            retry_seconds: float):
    """(driver, bookmark manager) for ``uri``, connectivity checked: a clear StoreError when
    the server cannot be reached or refuses the credentials. In a resident process that keeps
    its drivers (:mod:`itss_graph.stores.neo4j_kept`) a driver of the same settings is reused
    (checked again); the bookmark manager is always new (another process may have written)."""
    import logging

    from itss_graph.stores import neo4j_kept

    neo4j = import_driver()
    from neo4j.exceptions import AuthError, ServiceUnavailable

    # the driver logs failed connection attempts as warnings; the StoreError says it once
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    logging.getLogger("neo4j").propagate = False
    auth = (user or "neo4j", password) if password else None
    key = (uri, user, password, database, retry_seconds)
    driver = neo4j_kept.kept_driver(key)
    try:
        if driver is None:
            # no server notifications: the driver would print each one ("property key does not
            # exist", deprecations) on stderr, per query; a million-row load makes hundreds
            driver = neo4j.GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=retry_seconds,
                                                notifications_min_severity="OFF")
        driver.verify_connectivity()
    except AuthError as exc:
        neo4j_kept.forget(key)
        raise StoreError(f"Neo4j at {uri} refused the credentials of user "
                         f"{user or 'neo4j'!r}: {exc.message}") from None
    except (ServiceUnavailable, OSError, ValueError) as exc:
        neo4j_kept.forget(key)
        raise StoreError(f"cannot reach Neo4j at {uri}: {exc}") from None
    neo4j_kept.keep(key, driver)
    bookmarks = neo4j.GraphDatabase.bookmark_manager(
        initial_bookmarks=neo4j.Bookmarks.from_raw_values(saved_bookmarks(uri, database)))
    return driver, bookmarks


def read(store: Neo4jReads, query: str, params: dict) -> list[tuple]:
    """Rows of ``query`` in a read transaction after the store's bookmarks. Bookmarks this
    server does not know (kept from another server at the same address) are dropped once."""
    from neo4j.exceptions import ClientError, TransientError

    try:
        records, _, _ = store.driver.execute_query(query, params, database_=store.database,
                                                   routing_="r", bookmark_manager_=store.bookmarks)
    except (ClientError, TransientError) as exc:
        if "Bookmark" not in (exc.code or "") or not store.bookmarks.get_bookmarks():
            raise
        forget_bookmarks(store)
        records, _, _ = store.driver.execute_query(query, params, database_=store.database,
                                                   routing_="r", bookmark_manager_=store.bookmarks)
    return [tuple(r.values()) for r in records]


def _bookmarks_file(uri: str, database: str | None) -> Path | None:
    if uri.split("://", 1)[0].lower() not in ROUTING_SCHEMES:
        return None  # one server: a committed write is visible to every later read
    import hashlib

    from itss_graph.resources import cache_dir

    key = hashlib.sha256(f"{uri}\0{database or ''}".encode()).hexdigest()[:16]
    return cache_dir() / "neo4j-bookmarks" / f"{key}.json"


def saved_bookmarks(uri: str, database: str | None) -> list[str]:
    """The bookmarks the last process that wrote through this routing URI left (fresh ones)."""
    path = _bookmarks_file(uri, database)
    if path is None:
        return []
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if time.time() - float(saved["at"]) > BOOKMARKS_MAX_AGE_S:
            return []
        return [str(b) for b in saved["bookmarks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def save_bookmarks(store: Neo4jReads) -> None:
    """Keep the store's bookmarks for the next process on this routing URI when this one
    wrote (they then differ from those it started with); nothing for ``bolt://``."""
    path = _bookmarks_file(store.uri, store.database)
    if path is None:
        return
    current = sorted(store.bookmarks.get_bookmarks())
    if not current or current == sorted(saved_bookmarks(store.uri, store.database)):
        return
    from itss_graph.atomic_file import write_atomic

    text = json.dumps({"uri": store.uri, "database": store.database, "at": time.time(), "bookmarks": current})
    try:
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError:
        pass  # a cache: the next process then reads without waiting for this one's writes


def forget_bookmarks(store: Neo4jReads) -> None:
    path = _bookmarks_file(store.uri, store.database)
    if path is not None:
        path.unlink(missing_ok=True)
    store.bookmarks = import_driver().GraphDatabase.bookmark_manager()


def procedures_disabled() -> bool:
    """``ITSS_NEO4J_PROCEDURES=off`` (or 0, no, false): answer with plain Cypher only."""
    return os.environ.get("ITSS_NEO4J_PROCEDURES", "").strip().lower() in ("off", "0", "no", "false")


def installed_procedures(store: Neo4jReads) -> frozenset[str]:
    """ITSS Graph's procedures the server lists (empty when disabled or not listable)."""
    from neo4j.exceptions import Neo4jError

    if procedures_disabled():
        return frozenset()
    try:
        rows = store._read("SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'itss.' "
                           "RETURN collect(name)")
    except Neo4jError:
        return frozenset()
    return frozenset(rows[0][0]) if rows else frozenset()


def call_procedure(store: Neo4jReads, name: str, query: str, **params) -> list[tuple] | None:
    """The rows of a query calling one of ITSS Graph's procedures, or None when disabled or
    the server has no such procedure (remembered for the store's lifetime)."""
    from neo4j.exceptions import ClientError

    missing = store.missing_procedures
    if procedures_disabled() or name in missing:
        return None
    try:
        return store._read(query, **params)
    except ClientError as exc:
        if exc.code != _PROCEDURE_NOT_FOUND:
            raise
        missing.add(name)
        return None


NEO4J_SNAPSHOT_PROCEDURE = "CALL itss.snapshot() YIELD nodes, relationships RETURN nodes, relationships"


def warm_snapshot(store: Neo4jReads) -> tuple[int, int] | None:
    """Have the server build the snapshot of the graph its procedures walk (``itss.snapshot``)
    now, after a load, so the first question does not pay the build (seconds at 200k CIs on a
    fresh server, docs/scaling.md §4). (nodes, relationships) of it, or None when the server has
    no such procedure or does not keep one for this caller. Only speed depends on it: errors
    are the next question's to meet."""
    from neo4j.exceptions import Neo4jError

    try:
        rows = call_procedure(store, "itss.snapshot", NEO4J_SNAPSHOT_PROCEDURE)
    except Neo4jError:
        return None
    return (rows[0][0], rows[0][1]) if rows else None


def edges_with_groups(store: Neo4jReads, ids: Sequence[str], direction: str,
                      rel_types: Sequence[str]) -> list[Edge]:
    if not ids or not rel_types:
        return []
    pattern = "(f)-[r]->(o:CI)" if direction == OUTGOING else "(f)<-[r]-(o:CI)"
    query = NEO4J_EDGES.format(pattern=pattern)
    out: list[Edge] = []
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        for columns in store._read(query, ids=ids[start:start + BATCH], types=list(rel_types)):
            out.extend((i, t, o, g or None, int_or_none(m or None))
                       for i, t, o, g, m in zip(*columns))
    return out


def count_edges(store: Neo4jReads, ids: Sequence[str], direction: str, rel_types: Sequence[str],
                limit: int) -> int:
    """How many edges :func:`edges_with_groups` would return, counted by the server up to
    ``limit`` (a walk with a budget asks before it reads a level)."""
    if not ids or not rel_types:
        return 0
    pattern = "(f)-[r]->(o:CI)" if direction == OUTGOING else "(f)<-[r]-(o:CI)"
    query = NEO4J_COUNT_EDGES.format(pattern=pattern)
    counted = 0
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        if counted >= limit:
            break
        [(n,)] = store._read(query, ids=ids[start:start + BATCH], types=list(rel_types), limit=limit - counted)
        counted += n
    return min(counted, limit)


def count_flow_edges(store: Neo4jReads, ids: Sequence[str], toward_source: Sequence[str],
                     toward_target: Sequence[str], limit: int) -> int:
    """How many edges :func:`flow_edges` would return, counted by the server up to ``limit``:
    both directions in one round trip per batch."""
    counted = 0
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        if counted >= limit:
            break
        [(n,)] = store._read(NEO4J_COUNT_FLOW, ids=ids[start:start + BATCH], toward_source=list(toward_source),
                             toward_target=list(toward_target), limit=limit - counted)
        counted += n
    return min(counted, limit)


def flow_edges(store: Neo4jReads, ids: Sequence[str], toward_source: Sequence[str],
               toward_target: Sequence[str]) -> list[FlowEdge]:
    if not ids:
        return []
    params = {"toward_source": list(toward_source), "toward_target": list(toward_target)}
    out: list[FlowEdge] = []
    for records in _batched_reads(store, NEO4J_FLOW, list(ids), params):
        for columns in records:
            out.extend((i, t, o, bool(d), g or None, int_or_none(m or None))
                       for i, t, o, d, g, m in zip(*columns))
    return out


def flow_edges_headed(store: Neo4jReads, ids: Sequence[str], toward_source: Sequence[str],
                      toward_target: Sequence[str]) -> tuple[list[FlowEdge], dict[str, tuple[str, str]]]:
    """:func:`flow_edges` and the other ends' (type, name), in the same round trips."""
    if not ids:
        return [], {}
    params = {"toward_source": list(toward_source), "toward_target": list(toward_target)}
    out: list[FlowEdge] = []
    found: dict[str, tuple[str, str]] = {}
    for records in _batched_reads(store, NEO4J_FLOW_HEADED, list(ids), params):
        for i, t, o, d, g, m, types, names in records:
            out.extend((a, b, c, bool(x), y or None, int_or_none(z or None))
                       for a, b, c, x, y, z in zip(i, t, o, d, g, m))
            found.update(zip(o, zip(types, names)))
    return out, found


def provider_edges(store: Neo4jReads, ids: Sequence[str], outgoing: Sequence[str],
                   incoming: Sequence[str]) -> tuple[list[Edge], list[Edge], dict[str, int]]:
    """``Store.provider_edges`` in one round trip per batch (:data:`NEO4J_PROVIDERS`)."""
    from itss_graph.semantics import min_up_of

    out: list[Edge] = []
    into: list[Edge] = []
    min_ups: dict[str, int] = {}
    if not ids:
        return out, into, min_ups
    rows = call_procedure(store, "itss.providers", NEO4J_PROVIDERS_PROCEDURE, ids=list(ids),
                          outgoing=list(outgoing), incoming=list(incoming))
    if rows:  # from the server's snapshot: no row when it cannot answer (then the Cypher below)
        [(found, values, at, starts, types, others, groups, texts)] = rows
        add_out, add_in = out.append, into.append  # 122k relations for a core switch's 22k CIs
        for k, start, t, o, g, m in zip(at, starts, types, others, groups, texts):
            (add_out if start else add_in)((found[k], t, o, g or None, int_or_none(m) if m else None))
        # a CI without min_up (most) needs 1, as min_up_of gives it
        min_ups.update((i, 1 if v is None else min_up_of({"min_up": v})) for i, v in zip(found, values))
        return out, into, min_ups
    params = {"outgoing": list(outgoing), "incoming": list(incoming)}
    for records in _batched_reads(store, NEO4J_PROVIDERS, list(ids), params):
        for found, props, *columns in records:
            for k, (i, p) in enumerate(zip(found, props)):
                ot, oo, og, om, it, io, ig, im = (c[k] for c in columns)
                out.extend((i, t, o, g or None, int_or_none(m or None)) for t, o, g, m in zip(ot, oo, og, om))
                into.extend((i, t, o, g or None, int_or_none(m or None)) for t, o, g, m in zip(it, io, ig, im))
                min_ups[i] = min_up_of(json.loads(p))
    return out, into, min_ups


# The redundancy groups of some CIs computed from the server's snapshot (one flat record)
NEO4J_GROUPS_PROCEDURE = """CALL itss.groups($ids, $toward_source, $toward_target)
YIELD cis, kinds, names, directions, providers, relations, minUps, ciMinUps
RETURN cis, kinds, names, directions, providers, relations, minUps, ciMinUps"""


def group_details(store: Neo4jReads, ids: Sequence[str], toward_source: dict, toward_target: dict) -> dict | None:
    """``Store.group_details`` by the server's ``itss.groups``: each group with its providers,
    relation types and min_up — a relation group's min_up the largest of its relations' as
    :func:`itss_graph.engine.impact.group_details` reads them (texts parsed here, as the
    relations' would be), a relation type's the CI's own as :func:`min_up_of` reads it. None
    without the procedure or when the server answers from the store (no record)."""
    from itss_graph.semantics import min_up_of

    rows = call_procedure(store, "itss.groups", NEO4J_GROUPS_PROCEDURE, ids=list(ids),
                          toward_source=dict(toward_source), toward_target=dict(toward_target))
    if not rows:
        return None
    [(cis, kinds, names, directions, providers, relations, min_ups, ci_min_ups)] = rows
    out: dict = {}
    for c, kind, name, direction, members, rels, texts, value in zip(
            cis, kinds, names, directions, providers, relations, min_ups, ci_min_ups):
        if kind == "prop":
            min_up = 1
            for text in texts:
                min_up = max(min_up, (int_or_none(text) if text else None) or 1)
            out[(c, ("prop", name))] = (set(members), min_up, set(rels))
        else:
            out[(c, ("rel", name, direction))] = (set(members), 1 if value is None else min_up_of({"min_up": value}),
                                                 set(rels))
    return out


def headers(store: Neo4jReads, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for records in _batched_reads(store, NEO4J_HEADERS, list(dict.fromkeys(ids)), {}):
        for found, types, names in records:
            out.update(zip(found, zip(types, names)))
    return out


def _batched_reads(store: Neo4jReads, query: str, ids: list[str], params: dict, batch: int = BATCH):
    """The records of ``query`` for ``ids`` in batches, in order. Two batches are in flight at
    a time, so the server works on the next while this process decodes the last (the driver
    is thread-safe; each call has its own session)."""
    chunks = [ids[k:k + batch] for k in range(0, len(ids), batch)]
    if len(chunks) < 2:
        return [store._read(query, ids=chunk, **params) for chunk in chunks]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda chunk: store._read(query, ids=chunk, **params), chunks))


def walk_impact(store: Neo4jReads, failed: Sequence[str], toward_source: dict, toward_target: dict,
                max_depth: int | None) -> ImpactWalk | None:
    """(down, degraded, headers) from the server's ``itss.impact``, or None without it (or
    with a jar too old to say each CI's explanation class)."""
    rows = call_procedure(store, "itss.impact", NEO4J_IMPACT_PROCEDURE, failed=list(failed),
                          toward_source=dict(toward_source), toward_target=dict(toward_target),
                          max_depth=-1 if max_depth is None else max_depth)
    if rows is None:
        return None
    [record] = rows
    if len(record) < 8:
        return None
    ids, types, names, depths, effects, vias, froms, classes = record[:8]
    down: dict = {}
    degraded: dict = {}
    for i, d, e, v, f, c in zip(ids, depths, effects, vias, froms, classes):
        (down if e == "down" else degraded)[i] = (d, v, f, c)
    return down, degraded, dict(zip(ids, zip(types, names)))


def walk_reach(store: Neo4jReads, start: Sequence[str], incoming: Sequence[str],
               outgoing: Sequence[str], only_types: Collection[str] | None) -> set[str] | None:
    """The closure by the server's ``itss.reach``, or None without it."""
    rows = call_procedure(store, "itss.reach", NEO4J_REACH_PROCEDURE, ids=list(start),
                          incoming=list(incoming), outgoing=list(outgoing),
                          only_types=sorted(only_types or ()))
    if rows is None:
        return None
    [(ids,)] = rows
    return set(ids)


def walk_paths(store: Neo4jReads, start: Sequence[str], incoming: Sequence[str],
               outgoing: Sequence[str], only_types: Collection[str] | None) -> dict:
    """The shortest chains (id -> (type, name, via, from) of every CI on them) by the server's
    ``itss.paths``, or without it by :func:`paths_in_cypher`."""
    rows = call_procedure(store, "itss.paths", NEO4J_PATHS_PROCEDURE, ids=list(start),
                          incoming=list(incoming), outgoing=list(outgoing),
                          only_types=sorted(only_types or ()))
    if rows is None:
        return paths_in_cypher(store, start, incoming, outgoing, only_types)
    [(ids, types, names, vias, froms)] = rows
    return {i: (t, n, v, f) for i, t, n, v, f in zip(ids, types, names, vias, froms)}


# One breadth-first level of paths_in_cypher: the relations from the frontier (internal ids) to
# CIs not seen yet, with those CIs' headers. Both directions in one statement; the server drops
# the edges back into what was seen (most of them), so only the new level crosses the wire.
NEO4J_PATHS_LEVEL = """UNWIND $frontier AS k
MATCH (f) WHERE id(f) = k
MATCH (f)-[r]-(o:CI)
WITH k, r, o, startNode(r) = f AS outgoing
WHERE (outgoing AND type(r) IN $outgoing) OR (NOT outgoing AND type(r) IN $incoming)
WITH k, r, o WHERE NOT id(o) IN $seen AND o.id IS NOT NULL
RETURN collect(k), collect(type(r)), collect(id(o)), collect(o.id), collect(coalesce(o.type, '')), collect(coalesce(o.name, ''))"""

NEO4J_PATHS_START = """UNWIND $ids AS id
MATCH (n:CI {id: id})
RETURN collect(id(n)), collect(n.id), collect(coalesce(n.type, '')), collect(coalesce(n.name, ''))"""


def paths_in_cypher(store: Neo4jReads, start: Sequence[str], incoming: Sequence[str],
                    outgoing: Sequence[str], only_types: Collection[str] | None) -> dict:
    """``itss.paths`` in plain Cypher (servers without the plugin): one round trip per level
    that returns only the relations into CIs not seen yet (:data:`NEO4J_PATHS_LEVEL`, nodes by
    internal id), the tie-break — smallest (relation, from id) — done here as Python compares
    strings. Returns the CIs on the chains to CIs of ``only_types`` (all when None), as
    :func:`walk_paths`."""
    [(keys, ids, types, names)] = store._read(NEO4J_PATHS_START, ids=sorted(set(start)))
    header = dict(zip(keys, zip(ids, types, names)))  # internal id -> (id, type, name)
    parent: dict[int, tuple[str, int] | None] = {k: None for k in keys}
    frontier = sorted(keys)
    params = {"incoming": list(incoming), "outgoing": list(outgoing)}
    while frontier:
        [(froms, rels, ends, end_ids, end_types, end_names)] = store._read(
            NEO4J_PATHS_LEVEL, frontier=frontier, seen=list(parent), **params)
        best: dict[int, tuple[str, str, int]] = {}  # CI -> (relation, from id, from)
        for f, rel, c, i, t, n in zip(froms, rels, ends, end_ids, end_types, end_names):
            header[c] = (i, t, n)
            cause = (rel, header[f][0], f)
            if c not in best or cause[:2] < best[c][:2]:
                best[c] = cause
        for c, (rel, _, f) in best.items():
            parent[c] = (rel, f)
        frontier = sorted(best)
    wanted = None if only_types is None else set(only_types)
    on_chains: set[int] = set()
    for c in parent:
        if parent[c] is None or (wanted is not None and header[c][1] not in wanted):
            continue
        here: int | None = c
        while here is not None and here not in on_chains:
            on_chains.add(here)
            link = parent[here]
            here = None if link is None else link[1]
    out = {}
    for c in on_chains:
        i, t, n = header[c]
        link = parent[c]
        out[i] = (t, n, None, None) if link is None else (t, n, link[0], header[link[1]][0])
    return out


def walk_further(store: Neo4jReads, lost: Collection[str], candidates: Sequence[str],
                 targets: Collection[str], toward_source: dict, toward_target: dict) -> dict | None:
    """What each candidate's failure takes down among ``targets``, by the server's
    ``itss.further``, or without it by :func:`itss_graph.stores.neo4j_further.further_in_cypher`
    (None when that cannot represent the walks: the engine then walks by the reference)."""
    rows = call_procedure(store, "itss.further", NEO4J_FURTHER_PROCEDURE, lost=sorted(lost),
                          candidates=list(candidates), targets=sorted(targets),
                          toward_source=dict(toward_source), toward_target=dict(toward_target))
    if rows is None:
        from neo4j.exceptions import ClientError

        from itss_graph.stores.neo4j_further import Unrepresentable, further_in_cypher

        try:
            return further_in_cypher(store, lost, candidates, targets, toward_source, toward_target)
        except Unrepresentable:
            return None
        except ClientError as exc:
            if "Arithmetic" not in (exc.code or ""):  # 64-bit overflow of a (walk, CI) key
                raise
            return None
    [(found, takes)] = rows
    return {c: set(t) for c, t in zip(found, takes)}


def engine_statements() -> list[tuple[str, str]]:
    from itss_graph.i18n import N_

    # (what it does: marked for the catalogue, translated where it is shown; the statement)
    return [(N_("Neo4j, impact when the server has ITSS Graph's procedures (tools/neo4j-plugin): "
                "the whole walk in one call"), NEO4J_IMPACT_PROCEDURE),
            (N_("Neo4j otherwise, per breadth-first level: the relations failure crosses from the "
                "CIs lost at that level, both directions in one round trip"), NEO4J_FLOW_HEADED),
            # the CIs' types and names come with the flow statement, a group's relations in
            # both directions and the CIs' min_up with this one
            (N_("Neo4j: the members of redundancy groups of the CIs reached (as providers)"),
             NEO4J_PROVIDERS)]


# -- finding CIs ---------------------------------------------------------------------------------
# The same folding as itss_graph.textmatch.fold: NFKC, lower case, trimmed (Cypher's normalize()).
_FOLD = "toLower(trim(normalize({x}, NFKC)))"

NEO4J_FIND = """MATCH (n:CI)
WHERE n.id IS NOT NULL AND ($types IS NULL OR n.type IN $types)
  AND ($needle = '' OR toLower(normalize(n.id + '\u001f' + n.name + '\u001f' + coalesce(n.props, ''), NFKC))
                       CONTAINS $needle)
  AND all(k IN keys($where) WHERE any(v IN CASE WHEN n[k] IS :: LIST<ANY> THEN n[k] ELSE [n[k]] END
                                      WHERE v IS NOT NULL AND {fold_v} = $where[k]))
WITH n, CASE WHEN $needle = '' THEN 2
             WHEN {fold_id} = $needle OR {fold_name} = $needle THEN 0
             WHEN {fold_id} STARTS WITH $needle OR {fold_name} STARTS WITH $needle THEN 1
             ELSE 2 END AS rank
ORDER BY rank, n.id LIMIT $limit
RETURN collect(n.id), collect(coalesce(n.type, '')), collect(coalesce(n.name, '')), collect(coalesce(n.props, '{{}}'))""".format(
    fold_v=_FOLD.format(x="toString(v)"), fold_id=_FOLD.format(x="n.id"), fold_name=_FOLD.format(x="n.name"))

NEO4J_HEADERS_ALL = """MATCH (n:CI) WHERE n.id IS NOT NULL AND ($types IS NULL OR n.type IN $types)
RETURN collect(n.id), collect(coalesce(n.type, '')), collect(coalesce(n.name, ''))"""


def find_cis(store: Neo4jReads, needle: str, types, where, limit: int):
    """:meth:`Store.find_cis` in one Cypher statement (a superset: JSON keys match too)."""
    import json

    from itss_graph.model import CI

    [(ids, types_, names, props)] = store._read(
        NEO4J_FIND, needle=needle, types=None if types is None else sorted(types),
        where=dict(where or {}), limit=limit)
    return [CI(i, t, n, json.loads(p)) for i, t, n, p in zip(ids, types_, names, props)]


def iter_headers(store: Neo4jReads, types, batch: int):
    """(id, type, name) batches of the CIs (of ``types``)."""
    [(ids, types_, names)] = store._read(NEO4J_HEADERS_ALL, types=None if types is None else sorted(types))
    rows = list(zip(ids, types_, names))
    for start in range(0, len(rows), batch):
        yield rows[start:start + batch]


def run_read_only(store: Neo4jReads, statement: str, params: dict) -> tuple[list[str], list[list]]:
    """A user's Cypher in a read transaction (the server refuses writes there)."""
    from neo4j import READ_ACCESS
    from neo4j.exceptions import Neo4jError

    try:
        with store.driver.session(database=store.database, default_access_mode=READ_ACCESS,
                                  bookmark_manager=store.bookmarks) as session:
            def work(tx):
                result = tx.run(statement, params)
                return list(result.keys()), [list(record.values()) for record in result]

            return session.execute_read(work)
    except Neo4jError as exc:
        raise StoreError(f"failed on Neo4j: {exc.message or exc}") from None
