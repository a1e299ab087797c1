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

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Protocol

import numpy as np

from itss_graph.stores.graph_index import GraphIndex
from itss_graph.semantics import Rules, min_up_of
from itss_graph.schema import Schema, load_schema
from itss_graph.version import __version__


class SQLiteFile(Protocol):
    """What the index needs of the embedded store (kept as a protocol: the store class imports
    this module, not the other way round)."""

    path: str
    db: sqlite3.Connection

    def generation(self) -> str: ...


# The statements the index is built from (also printed by --show-query).
INDEX_NODES_SQL = """SELECT n, id, name, type,
       CASE WHEN props = '{}' THEN NULL ELSE json_extract(props, '$.min_up') END
FROM ci ORDER BY n"""
INDEX_EDGE_CODES_SQL = """SELECT src, CASE type {cases} ELSE -1 END, dst, props <> '{{}}'
FROM rel ORDER BY src, type, dst"""
INDEX_EDGE_PROPS_SQL = """SELECT json_extract(props, '$.redundancy_group'), json_extract(props, '$.min_up')
FROM rel WHERE props <> '{}' ORDER BY src, type, dst"""


def graph_index(store: SQLiteFile, schema: Schema | None = None) -> GraphIndex:
    """The current index of the store: from disk when the generation matches, else built."""
    schema = schema or load_schema()
    generation = f"{store.generation()}-{_schema_fingerprint(schema)}"
    if store.path == ":memory:":
        return _build(store, schema, generation)
    from itss_graph.stores.graph_index import FORMAT

    base = _index_dir(store)
    # the array layout (FORMAT) and the code that reads it (the package version) key the files
    generation = f"{generation}-f{FORMAT}-v{__version__}"
    target = base / generation
    index = GraphIndex.open(target)
    if index is not None:
        return index
    index = _build(store, schema, generation)
    try:
        index.save(target)
        for old in base.iterdir():  # earlier generations are of no further use
            if old.name != generation and not old.name.startswith(generation):
                shutil.rmtree(old, ignore_errors=True)
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


def _index_dir(store: SQLiteFile) -> Path:
    beside = Path(store.path + ".index")
    try:
        beside.mkdir(exist_ok=True)
        return beside
    except OSError:
        from itss_graph.resources import cache_dir

        key = hashlib.sha256(str(Path(store.path).resolve()).encode()).hexdigest()[:16]
        return cache_dir() / "graph-index" / key


def _schema_fingerprint(schema: Schema) -> str:
    """The semantics the index encodes: a changed ontology must not reuse an old index."""
    text = "|".join(f"{r.name}:{r.on_target_failure}:{r.on_source_failure}"
                    for r in schema.relation_types.values())
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _build(store: SQLiteFile, schema: Schema, generation: str) -> GraphIndex:
    rules = Rules.from_schema(schema)
    rows = store.db.execute(INDEX_NODES_SQL).fetchall()
    keys, ids, names, types, raw_min_up = (list(column) for column in zip(*rows)) if rows else ([],) * 5
    del rows
    min_up = [1 if m is None else min_up_of({"min_up": m}) for m in raw_min_up]
    key_array = np.asarray(keys, dtype=np.int64)
    id_order = np.searchsorted(key_array, np.fromiter(
        (row[0] for row in store.db.execute("SELECT n FROM ci ORDER BY id")), dtype=np.int64, count=len(keys)))
    edges = _edge_arrays(store, schema, key_array)
    return GraphIndex.build(generation=generation, keys=keys, ids=ids, names=names, types=types,
                            min_up=min_up, edges=edges, toward_source=rules.toward_source,
                            toward_target=rules.toward_target, id_order=id_order)


def _edge_arrays(store: SQLiteFile, schema: Schema, key_array: np.ndarray):
    """The relations as integer arrays. SQLite hands back integers only (relation types coded
    by a CASE over the names, a flag for relations with properties), so a million rows cost
    one numpy conversion instead of a Python loop; the few relations with properties are
    read again for their redundancy group and min_up."""
    from itss_graph.stores.graph_index import EdgeArrays

    rel_names = list(schema.relation_types)
    while True:
        cases = " ".join(f"WHEN ? THEN {k}" for k in range(len(rel_names)))
        chunks = []
        cursor = store.db.execute(INDEX_EDGE_CODES_SQL.format(cases=cases), rel_names)
        while chunk := cursor.fetchmany(500_000):
            chunks.append(np.array(chunk, dtype=np.int64))
        columns = np.concatenate(chunks) if chunks else np.empty((0, 4), dtype=np.int64)
        if not (columns[:, 1] < 0).any():
            break
        # a relation type the ontology no longer names: code it too (it crosses no failure)
        rel_names += sorted({t for (t,) in store.db.execute("SELECT DISTINCT type FROM rel")} - set(rel_names))
    group = np.full(len(columns), -1, dtype=np.int64)
    edge_min_up = np.zeros(len(columns), dtype=np.int64)
    flagged = np.flatnonzero(columns[:, 3])
    group_names: dict[str, int] = {}
    if len(flagged):
        rows = store.db.execute(INDEX_EDGE_PROPS_SQL).fetchall()
        group[flagged] = [-1 if g is None else group_names.setdefault(str(g), len(group_names))
                          for g, _ in rows]
        edge_min_up[flagged] = [_int(m) or 0 for _, m in rows]
    return EdgeArrays(np.searchsorted(key_array, columns[:, 0]), columns[:, 1],
                      np.searchsorted(key_array, columns[:, 2]), group, edge_min_up,
                      rel_names, list(group_names))


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
