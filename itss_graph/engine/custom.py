"""Run a catalogue query that carries its own statement: ``cypher:`` for Neo4j, ``sql:`` for
the embedded store (tables ``ci(n, id, type, name, props)`` and ``rel(src, type, dst, props)``,
``src``/``dst`` being ``ci.n``; properties are JSON, read with ``json_extract``).

Users add such files to ``~/.config/itss-graph/queries/`` (or ``ITSS_QUERIES_PATH``) and run
them with ``itss query NAME --param KEY=VALUE``. Statements are never built from the values:
each value is bound as a parameter (``$key`` in Cypher, ``:key`` in SQL). They run read-only:
Neo4j in a read transaction, SQLite on a connection opened read-only with ``query_only``.

Parameter kinds: ``text`` (default), ``integer``, ``ci`` (a CI id), ``ci-type`` (a type name or
alias, resolved through the ontology: 服务器 → ``server``); ``multiple: true`` makes a list
(Cypher gets a list; SQL gets JSON text for ``json_each(:key)``).

Example:
    >>> from itss_graph.queries import get
    >>> bind_parameters(get("cis-of-type"), {"type": "服务器"})
    {'type': 'server', 'limit': 1000}
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from itss_graph.errors import ItssError
from itss_graph.queries import CannedQuery
from itss_graph.stores.base import Store


@dataclass
class QueryAnswer:
    """Column names and rows of a custom query."""

    columns: list[str]
    rows: list[list[Any]]

    def as_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows}


def run_custom_query(store: Store, query: CannedQuery, values: dict[str, str]) -> QueryAnswer:
    """Run ``query``'s own statement for this kind of store with ``values`` bound."""
    params = bind_parameters(query, values)
    statement = statement_for(query, store.kind)
    if store.kind == "neo4j":
        return _run_cypher(store, query, statement, params)
    return _run_sql(store, query, statement, params)


def statement_for(query: CannedQuery, store_kind: str) -> str:
    """The statement ``query`` runs on a store of this kind (an error naming what is missing)."""
    key = "cypher" if store_kind == "neo4j" else "sql"
    statement = query.extra.get(key)
    if not statement:
        other = "sql" if key == "cypher" else "cypher"
        if query.extra.get(other):
            raise ItssError(f"query {query.name!r} ({query.path}) has no `{key}:` for the "
                            f"{'Neo4j' if key == 'cypher' else 'embedded'} store, only `{other}:`")
        raise ItssError(f"query {query.name!r} is answered by its own command: {query.cli or 'itss ' + query.name}")
    return str(statement)


def bind_parameters(query: CannedQuery, values: dict[str, str]) -> dict[str, Any]:
    """The declared parameters with their values converted by kind; unknown, missing or
    malformed values are errors naming the parameter."""
    declared = {p["name"]: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ItssError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                        f"it takes: {', '.join(declared) or 'none'}")
    params: dict[str, Any] = {}
    for name, spec in declared.items():
        raw = values.get(name)
        if raw is None:
            if spec.get("required"):
                raise ItssError(f"query {query.name!r} needs --param {name}=VALUE")
            raw = spec.get("default")
            if raw is None:
                params[name] = None
                continue
        items = [v.strip() for v in str(raw).split(",")] if spec.get("multiple") else [raw]
        converted = [_convert(query, name, spec.get("kind", "text"), item) for item in items]
        params[name] = converted if spec.get("multiple") else converted[0]
    return params


def _convert(query: CannedQuery, name: str, kind: str, value: Any) -> Any:
    if kind == "integer":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ItssError(f"query {query.name!r}: --param {name} must be an integer, not {value!r}") from None
    if kind == "ci-type":
        from itss_graph.schema import load_schema

        resolved = load_schema().resolve_ci_type(str(value))
        if resolved is None:
            raise ItssError(f"query {query.name!r}: --param {name}: unknown CI type {value!r} (itss types)")
        return resolved
    return str(value)


def _run_cypher(store, query: CannedQuery, statement: str, params: dict) -> QueryAnswer:
    from neo4j import READ_ACCESS
    from neo4j.exceptions import Neo4jError

    try:
        with store.driver.session(database=store.database, default_access_mode=READ_ACCESS) as session:
            def work(tx):
                result = tx.run(statement, params)
                return list(result.keys()), [list(record.values()) for record in result]

            columns, rows = session.execute_read(work)
    except Neo4jError as exc:
        raise ItssError(f"query {query.name!r} ({query.path}) failed on Neo4j: {exc.message or exc}") from None
    return QueryAnswer(columns, rows)


def _run_sql(store, query: CannedQuery, statement: str, params: dict) -> QueryAnswer:
    sql_params = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                  for k, v in params.items()}
    try:
        # a connection of its own, read-only at two levels: the file and the session
        db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ItssError(f"cannot open {store.path} read-only: {exc}") from None
    try:
        db.execute("PRAGMA query_only = ON")
        cursor = db.execute(statement, sql_params)
        columns = [d[0] for d in cursor.description or []]
        rows = [list(r) for r in cursor.fetchall()]
    except sqlite3.Error as exc:
        raise ItssError(f"query {query.name!r} ({query.path}) failed on the embedded store: {exc}") from None
    finally:
        db.close()
    return QueryAnswer(columns, rows)


__all__ = ["QueryAnswer", "run_custom_query", "bind_parameters", "statement_for"]
