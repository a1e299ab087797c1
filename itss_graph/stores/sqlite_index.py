"""The closure index of the embedded store: built from SQLite, cached beside the database.

The index (:class:`itss_graph.stores.graph_index.GraphIndex`) is saved in
``<database>.index/<generation>/`` and memory-mapped by later processes; a load that changes
the store bumps its generation, and the next query builds a new index (and removes the old
one). A read-only directory falls back to the user cache directory. Read-only: this module
never writes to the database.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> graph_index(SQLiteStore(":memory:")).size
    0
"""

from __future__ import annotations

import os
import sqlite3

import numpy as np

from itss_graph.stores.graph_index import BlobWriter, GraphIndex
from itss_graph.stores.index_files import index_base, index_generation
from itss_graph.stores.sqlite_file import SQLiteFile
from itss_graph.semantics import Rules, min_up_of
from itss_graph.schema import Schema, load_schema


# The statements the index is built from (also printed by --show-query).
INDEX_NODES_SQL = """SELECT n, id, name, type,
       CASE WHEN props = '{}' THEN NULL ELSE json_extract(props, '$.min_up') END
FROM ci ORDER BY n"""
INDEX_PROPS_SQL = """SELECT n, props FROM ci WHERE type IN ({types}) ORDER BY n"""
INDEX_EDGE_CODES_SQL = """SELECT src, CASE type {cases} ELSE -1 END, dst, props <> '{{}}'
FROM rel ORDER BY src, type, dst"""
INDEX_EDGE_PROPS_SQL = """SELECT json_extract(props, '$.redundancy_group'), json_extract(props, '$.min_up')
FROM rel WHERE props <> '{}' ORDER BY src, type, dst"""


def graph_index(store: SQLiteFile, schema: Schema | None = None,
                opened: GraphIndex | None = None) -> GraphIndex:
    """The current index of the store: ``opened`` (an index this process already holds) when
    it is still current, else from disk when the generation matches, else built."""
    schema = schema or load_schema()
    generation = index_generation(store, schema)
    if opened is not None and opened.generation == generation:
        return opened
    if store.path == ":memory:":
        return _build(store, schema, generation)
    base = index_base(store, create=True)
    target = os.path.join(base, generation)
    index = GraphIndex.open(target)
    if index is not None:
        return index
    index = _build(store, schema, generation)
    import shutil

    try:
        if os.path.isdir(target):  # saved whole (renamed into place) yet unreadable: damaged
            shutil.rmtree(target, ignore_errors=True)
        index.save(target)
        for old in os.listdir(base):  # earlier generations are of no further use
            if old != generation and not old.startswith(generation):
                shutil.rmtree(os.path.join(base, old), ignore_errors=True)
    except OSError:
        pass  # an unwritable cache only costs speed
    return index


def positions_of_ids(store: SQLiteFile, index: GraphIndex, ids) -> np.ndarray:
    """Index positions of CIs given by id (unknown ids are skipped)."""
    ids = list(ids)
    keys: list[int] = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        keys += [row[0] for row in store.db.execute(
            f"SELECT n FROM ci WHERE id IN ({','.join('?' * len(part))})", part)]
    return index.positions_of_keys(keys) if keys else np.empty(0, dtype=np.int64)


def _build(store: SQLiteFile, schema: Schema, generation: str) -> GraphIndex:
    """The index from the store, streamed: nodes and relations are read in chunks into arrays
    (no list of a million Python rows), so the peak stays a few hundred MB at 1M CIs."""
    rules = Rules.from_schema(schema)
    n = store.db.execute("SELECT count(*) FROM ci").fetchone()[0]
    keys = np.empty(n, dtype=np.int64)
    min_up = np.ones(n, dtype=np.int32)
    type_code = np.empty(n, dtype=np.int16)
    type_lookup: dict[str, int] = {}
    ids, names = BlobWriter(n), BlobWriter(n)
    cursor = store.db.execute(INDEX_NODES_SQL)
    at = 0
    while rows := cursor.fetchmany(_CHUNK):
        k, i, nm, t, m = zip(*rows)
        end = at + len(rows)
        keys[at:end] = k
        type_code[at:end] = [type_lookup.setdefault(x, len(type_lookup)) for x in t]
        for offset, raw in enumerate(m):
            if raw is not None:
                min_up[at + offset] = min_up_of({"min_up": raw})
        ids.add(i)
        names.add(nm)
        at = end
    del rows
    keys, min_up, type_code = keys[:at], min_up[:at], type_code[:at]  # rows removed meanwhile
    # type codes in the order of their names, as GraphIndex.build makes them
    type_names = sorted(type_lookup)
    recode = np.empty(max(len(type_lookup), 1), dtype=np.int16)
    for name, code in type_lookup.items():
        recode[code] = type_names.index(name)
    type_code = recode[type_code] if at else type_code
    id_order = np.searchsorted(keys, np.fromiter(
        (row[0] for row in store.db.execute("SELECT n FROM ci ORDER BY id")), dtype=np.int64, count=at))
    edges = _edge_arrays(store, schema, keys)
    props_types = sorted(schema.service_types())
    return GraphIndex.from_arrays(generation=generation, keys=keys, ids=ids.arrays(),
                                  names=names.arrays(), type_names=type_names, type_code=type_code,
                                  min_up=min_up, edges=edges, toward_source=rules.toward_source,
                                  toward_target=rules.toward_target, id_order=id_order,
                                  props=_kept_props(store, props_types, keys), props_types=props_types)


def _kept_props(store: SQLiteFile, types: list[str], keys: np.ndarray) -> tuple:
    """The properties of the CIs of ``types`` (by the type index: a few thousand rows), as
    :func:`~itss_graph.stores.graph_index.kept_props` keeps them; a CI added since the nodes
    were read (a concurrent load) is left out."""
    from itss_graph.stores.graph_index import kept_props

    rows = store.db.execute(INDEX_PROPS_SQL.format(types=", ".join("?" * len(types))), types).fetchall()
    if not rows or not len(keys):
        return kept_props([])
    wanted = np.fromiter((n for n, _ in rows), dtype=np.int64, count=len(rows))
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    present = (keys[found] == wanted).tolist()
    return kept_props([(pos, text) for pos, ok, (_, text) in zip(found.tolist(), present, rows) if ok])


_CHUNK = 50_000  # rows per read while building


def _edge_arrays(store: SQLiteFile, schema: Schema, key_array: np.ndarray):
    """The relations as integer arrays. SQLite hands back integers only (relation types coded
    by a CASE over the names, a flag for relations with properties), read in chunks into
    preallocated columns; the few relations with properties are read again for their
    redundancy group and min_up."""
    from itss_graph.stores.graph_index import EdgeArrays

    rel_names = list(schema.relation_types)
    expected = store.db.execute("SELECT count(*) FROM rel").fetchone()[0]
    while True:
        cases = " ".join(f"WHEN ? THEN {k}" for k in range(len(rel_names)))
        src, dst = np.empty(expected, dtype=np.int64), np.empty(expected, dtype=np.int64)
        rel, flag = np.empty(expected, dtype=np.int16), np.empty(expected, dtype=bool)
        cursor = store.db.execute(INDEX_EDGE_CODES_SQL.format(cases=cases), rel_names)
        at = 0
        while chunk := cursor.fetchmany(_CHUNK):
            columns = np.array(chunk, dtype=np.int64)
            end = at + len(columns)
            if end > len(src):  # more rows than counted (a concurrent load)
                src, dst, rel, flag = (np.resize(a, end) for a in (src, dst, rel, flag))
            src[at:end], rel[at:end], dst[at:end], flag[at:end] = columns.T
            at = end
        src, dst, rel, flag = src[:at], dst[:at], rel[:at], flag[:at]
        if not (rel < 0).any():
            break
        # a relation type the ontology no longer names: code it too (it crosses no failure)
        rel_names += sorted({t for (t,) in store.db.execute("SELECT DISTINCT type FROM rel")} - set(rel_names))
    group = np.full(at, -1, dtype=np.int32)
    edge_min_up = np.zeros(at, dtype=np.int32)
    flagged = np.flatnonzero(flag)
    group_names: dict[str, int] = {}
    if len(flagged):
        rows = store.db.execute(INDEX_EDGE_PROPS_SQL).fetchall()
        group[flagged] = [-1 if g is None else group_names.setdefault(str(g), len(group_names))
                          for g, _ in rows]
        edge_min_up[flagged] = [_int(m) or 0 for _, m in rows]
    return EdgeArrays(np.searchsorted(key_array, src).astype(np.int32), rel,
                      np.searchsorted(key_array, dst).astype(np.int32), group, edge_min_up,
                      rel_names, list(group_names))


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
