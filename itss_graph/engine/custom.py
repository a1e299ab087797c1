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
    >>> from itss_graph.catalogue import get
    >>> bind_parameters(get("cis-of-type"), {"type": "服务器"})
    {'type': 'server', 'limit': 1000}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itss_graph.catalogue import CannedQuery
from itss_graph.errors import ItssError, StoreError
from itss_graph.i18n import M_
from itss_graph.stores.base import Store

_STORE_OF_LANGUAGE = {"cypher": "Neo4j", "sql": "embedded"}


@dataclass
class QueryAnswer:
    """Column names and rows of a custom query."""

    columns: list[str]
    rows: list[list[Any]]

    def as_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows}


def run_custom_query(store: Store, query: CannedQuery, values: dict[str, str]) -> QueryAnswer:
    """Run ``query``'s own statement for this store (in its query language) with ``values``
    bound, read-only."""
    params = bind_parameters(query, values)
    statement = statement_for(query, store.query_language)
    try:
        columns, rows = store.run_read_only(statement, params)
    except StoreError as exc:
        raise ItssError(M_("query {name!r} ({path}) {exc}", name=query.name, path=query.path, exc=exc)) from None
    return QueryAnswer(columns, rows)


def statement_for(query: CannedQuery, language: str) -> str:
    """The statement ``query`` runs in this query language, ``sql`` or ``cypher`` (an error
    naming what is missing)."""
    statement = query.extra.get(language)
    if not statement:
        other = "sql" if language == "cypher" else "cypher"
        if query.extra.get(other):
            raise ItssError(M_("query {name!r} ({path}) has no `{language}:` for the {store} store, only `{other}:`", name=query.name, path=query.path, language=language, store=_STORE_OF_LANGUAGE[language], other=other))
        raise ItssError(M_("query {name!r} is answered by its own command: {command}", name=query.name, command=query.cli or 'itss ' + query.name))
    return str(statement)


def bind_parameters(query: CannedQuery, values: dict[str, str]) -> dict[str, Any]:
    """The declared parameters with their values converted by kind; unknown, missing or
    malformed values are errors naming the parameter."""
    declared = {p["name"]: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ItssError(M_("query {name!r} has no parameter {unknown}; it takes: {declared}", name=query.name, unknown=', '.join(map(repr, unknown)), declared=', '.join(declared) or M_('none')))
    params: dict[str, Any] = {}
    for name, spec in declared.items():
        raw = values.get(name)
        if raw is None:
            if spec.get("required"):
                raise ItssError(M_("query {name!r} needs --param {param}=VALUE", name=query.name, param=name))
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
            raise ItssError(M_("query {name!r}: --param {param} must be an integer, not {value!r}", name=query.name, param=name, value=value)) from None
    if kind == "ci-type":
        from itss_graph.schema import load_schema

        from itss_graph.errors import UnknownNameError

        try:
            return load_schema().require_ci_type(str(value))
        except UnknownNameError as exc:
            raise ItssError(M_("query {name!r}: --param {param}: {exc} (itss types)", name=query.name, param=name, exc=exc)) from None
    if kind == "relation-type":
        from itss_graph.errors import UnknownNameError
        from itss_graph.schema import load_schema

        try:
            return load_schema().require_relation_type(str(value))
        except UnknownNameError as exc:
            raise ItssError(M_("query {name!r}: --param {param}: {exc} (itss types)", name=query.name, param=name, exc=exc)) from None
    return str(value)


__all__ = ["QueryAnswer", "run_custom_query", "bind_parameters", "statement_for"]
