"""The engine's reads on the embedded store: edges with their redundancy properties, the
closure index, read-only user statements, and the statements shown by ``--show-query``.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> edges_with_groups(SQLiteStore(":memory:"), ["x"], "in", ["RUNS_ON"])
    []
"""

from __future__ import annotations

import sqlite3

from itss_graph.errors import StoreError
from itss_graph.i18n import M_
from itss_graph.stores.base import OUTGOING, Edge, FlowEdge, int_or_none
from itss_graph.stores.sqlite_file import SQLiteFile

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Sequence

# The statement the engine runs per breadth-first level when it walks by queries.
SQLITE_EDGES = """SELECT f.id, r.type, o.id,
       json_extract(r.props, '$.redundancy_group'), json_extract(r.props, '$.min_up')
FROM ci f
JOIN rel r ON r.{near} = f.n AND r.type IN ({types})
JOIN ci o ON o.n = r.{far}
WHERE {where}"""

SQLITE_COUNT_EDGES = """SELECT count(*) FROM (
    SELECT 1 FROM ci f JOIN rel r ON r.{near} = f.n AND r.type IN ({types}) WHERE {where} LIMIT ?)"""

# A level of the walk reads (and counts) both directions in one statement: the rows of the
# first part, then of the second (UNION ALL), each marked with whether ``f`` is the source.
_FLOW_PART = """SELECT f.id, r.type, o.id, {is_source},
       json_extract(r.props, '$.redundancy_group'), json_extract(r.props, '$.min_up')
FROM ci f
JOIN rel r ON r.{near} = f.n AND r.type IN ({types})
JOIN ci o ON o.n = r.{far}
WHERE {where}"""
_COUNT_PART = "SELECT 1 FROM ci f JOIN rel r ON r.{near} = f.n AND r.type IN ({types}) WHERE {where}"

_IN_LIST_LIMIT = 500  # above this, ids go as one JSON array instead of IN (?, ...)


def _edge_filter(ids: Sequence[str]) -> tuple[str, tuple]:
    ids = list(ids)
    if len(ids) <= _IN_LIST_LIMIT:
        return f"f.id IN ({','.join('?' * len(ids))})", tuple(ids)
    import json  # (not at the top: the small questions need no json module, see model.decode_json)

    return "f.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)


def _ends(direction: str) -> tuple[str, str]:
    return ("src", "dst") if direction == OUTGOING else ("dst", "src")


def edges_with_groups(store: SQLiteFile, ids: Sequence[str], direction: str,
                      rel_types: Sequence[str]) -> list[Edge]:
    """Edges around ``ids`` with each relation's redundancy group and min_up (or None)."""
    if not ids or not rel_types:
        return []
    near, far = _ends(direction)
    where, params = _edge_filter(ids)
    statement = SQLITE_EDGES.format(near=near, far=far, types=",".join("?" * len(rel_types)), where=where)
    rows = store.db.execute(statement, (*rel_types, *params))
    return [(i, t, o, None if g is None else str(g), int_or_none(m)) for i, t, o, g, m in rows]


def _two_ways(part: str, ids: Sequence[str], incoming: Sequence[str], outgoing: Sequence[str]
              ) -> tuple[str, tuple]:
    """``part`` over INCOMING ``incoming`` types, UNION ALL over OUTGOING ``outgoing`` types
    (a direction without types left out), with its parameters; ("", ()) when neither has any."""
    where, id_params = _edge_filter(ids)
    parts, params = [], []
    for near, far, is_source, types in (("dst", "src", 0, incoming), ("src", "dst", 1, outgoing)):
        if types:
            parts.append(part.format(near=near, far=far, is_source=is_source,
                                     types=",".join("?" * len(types)), where=where))
            params.extend((*types, *id_params))
    return "\nUNION ALL\n".join(parts), tuple(params)


def flow_edges(store: SQLiteFile, ids: Sequence[str], toward_source: Sequence[str],
               toward_target: Sequence[str]) -> list[FlowEdge]:
    """:meth:`Store.flow_edges` in one statement: the edges failure crosses from their target
    to their source (``toward_source``, ``f`` the target) and from source to target."""
    if not ids:
        return []
    statement, params = _two_ways(_FLOW_PART, ids, toward_source, toward_target)
    if not statement:
        return []
    return [(i, t, o, s == 1, None if g is None else str(g), int_or_none(m))
            for i, t, o, s, g, m in store.db.execute(statement, params)]


def count_flow_edges(store: SQLiteFile, ids: Sequence[str], toward_source: Sequence[str],
                     toward_target: Sequence[str], limit: int) -> int:
    """How many edges :func:`flow_edges` would return, up to ``limit``, in one statement (from
    the indexes alone, as :func:`count_edges`)."""
    if not ids or limit <= 0:
        return 0
    statement, params = _two_ways(_COUNT_PART, ids, toward_source, toward_target)
    if not statement:
        return 0
    return store.db.execute(f"SELECT count(*) FROM (\n{statement}\nLIMIT ?)", (*params, int(limit))).fetchone()[0]


def provider_edges(store: SQLiteFile, ids: Sequence[str], outgoing: Sequence[str], incoming: Sequence[str]
                   ) -> tuple[list[Edge], list[Edge], None]:
    """:meth:`Store.provider_edges` in one statement: the OUTGOING edges over ``outgoing``
    types and the INCOMING ones over ``incoming`` types."""
    outs: list[Edge] = []
    ins: list[Edge] = []
    if ids:
        statement, params = _two_ways(_FLOW_PART, ids, incoming, outgoing)
        if statement:
            for i, t, o, s, g, m in store.db.execute(statement, params):
                (outs if s == 1 else ins).append((i, t, o, None if g is None else str(g), int_or_none(m)))
    return outs, ins, None


def count_edges(store: SQLiteFile, ids: Sequence[str], direction: str, rel_types: Sequence[str],
                limit: int) -> int:
    """How many edges :func:`edges_with_groups` would return, up to ``limit``: from the
    indexes alone (the id index and ``rel``'s key or ``rel_reverse``), no row read — 5,000
    relations of a fan-in service count in ~0.3 ms where reading them takes ~15 ms."""
    if not ids or not rel_types or limit <= 0:
        return 0
    near, _ = _ends(direction)
    where, params = _edge_filter(ids)
    statement = SQLITE_COUNT_EDGES.format(near=near, types=",".join("?" * len(rel_types)), where=where)
    return store.db.execute(statement, (*rel_types, *params, int(limit))).fetchone()[0]


def engine_statements() -> list[tuple[str, str]]:
    from itss_graph.stores.sqlite_index import (INDEX_EDGE_CODES_SQL, INDEX_EDGE_PROPS_SQL, INDEX_NODES_SQL,
                                                INDEX_PROPS_SQL)

    from itss_graph.i18n import N_

    # (what it does: marked for the catalogue, translated where it is shown; the statement)
    return [(N_("SQLite: closure index nodes (once per store generation, then memory-mapped)"), INDEX_NODES_SQL),
            (N_("SQLite: closure index edges, relation types coded by the ontology's names "
                "(once per store generation)"), INDEX_EDGE_CODES_SQL.format(cases="WHEN ? THEN 0 ...")),
            (N_("SQLite: ... and the redundancy properties of the relations that have any"), INDEX_EDGE_PROPS_SQL),
            (N_("SQLite: ... and the properties of the business services, kept in the index for ranking them"),
             INDEX_PROPS_SQL.format(types="?, ...")),
            (N_("then: breadth-first levels over the CSR arrays in memory (numpy), no SQL"), "")]


def run_read_only(store: SQLiteFile, statement: str, params: dict) -> tuple[list[str], list[list]]:
    """A user's SQL on a connection of its own, read-only at two levels: the file (``mode=ro``)
    and the session (``query_only``). List values are bound as JSON text (``json_each(:key)``)."""
    import json

    sql_params = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                  for k, v in params.items()}
    try:
        db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(M_("cannot open {path} read-only: {exc}", path=store.path, exc=exc)) from None
    try:
        db.execute("PRAGMA query_only = ON")
        cursor = db.execute(statement, sql_params)
        columns = [d[0] for d in cursor.description or []]
        rows = [list(r) for r in cursor.fetchall()]
    except sqlite3.Error as exc:
        raise StoreError(M_("failed on the embedded store: {exc}", exc=exc)) from None
    finally:
        db.close()
    return columns, rows


# -- finding CIs ---------------------------------------------------------------------------------
# One scan of the ci table with the package's own fold() registered as an SQL function, called
# once per row on id, name and properties together. Measured on 1M CIs (2 cores, loaded):
# 5.4 s; one call per column 5.9 s; GLOB classes of every character folding to the needle's
# (``[aAａＡ…]``, no Python per row) 10 s.

_FIND_SQL = """SELECT id, type, name, props FROM ci
WHERE {conditions}
ORDER BY {order} id LIMIT :limit"""


def _register(db: sqlite3.Connection) -> None:
    from itss_graph.textmatch import fold, tier

    def rank(needle: str, ci_id: str, name: str) -> int:
        grades = (tier(needle, ci_id), tier(needle, name))
        return 0 if "exact" in grades else 1 if "prefix" in grades else 2

    db.create_function("itss_fold", 1, lambda text: None if text is None else fold(text),
                       deterministic=True)
    db.create_function("itss_rank", 3, rank, deterministic=True)


def find_cis(store: SQLiteFile, needle: str, types, where, limit: int):
    """The SQL of :meth:`Store.find_cis` (a superset: the properties' JSON keys match too)."""
    import json

    from itss_graph.model import CI, decode_json

    _register(store.db)
    params: dict = {"limit": limit, "needle": needle}
    conditions = ["1"]
    if needle:
        conditions.append("instr(itss_fold(id || char(31) || name || char(31) || props), :needle)")
    if types is not None:
        params["types"] = json.dumps(sorted(types))
        conditions.append("type IN (SELECT value FROM json_each(:types))")
    for k, (key, value) in enumerate(sorted((where or {}).items())):
        params[f"w{k}"] = value
        if key in ("id", "type", "name"):
            conditions.append(f"itss_fold({key}) = :w{k}")
            continue
        params[f"p{k}"] = '$."' + key.replace('"', '""') + '"'
        conditions.append(
            f"""(CASE json_type(props, :p{k})
                 WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(ci.props, :p{k})
                                           WHERE itss_fold(value) = :w{k})
                 WHEN 'true' THEN 'true' = :w{k} WHEN 'false' THEN 'false' = :w{k}
                 WHEN 'object' THEN 0
                 ELSE itss_fold(json_extract(props, :p{k})) = :w{k} END)""")
    sql = _FIND_SQL.format(conditions=" AND ".join(conditions),
                           order="itss_rank(:needle, id, name)," if needle else "")
    try:
        return [CI(i, t, n, decode_json(p)) for i, t, n, p in store.db.execute(sql, params)]
    except sqlite3.OperationalError:  # a key JSON paths cannot name: the generic scan
        return None


def iter_headers(store: SQLiteFile, types, batch: int):
    """(id, type, name) batches of the CIs (of ``types``)."""
    if types is None:
        cursor = store.db.execute("SELECT id, type, name FROM ci")
    else:
        import json

        cursor = store.db.execute("SELECT id, type, name FROM ci WHERE type IN (SELECT value FROM json_each(?))",
                                  (json.dumps(sorted(types)),))
    while rows := cursor.fetchmany(batch):
        yield rows
