"""The Neo4j store, through the official ``neo4j`` driver (single server or cluster).

Model: every CI is a node ``(:CI {id, type, name, props})`` where ``props`` is the canonical
JSON of its free properties, and scalar properties are also copied onto the node so that
people can query them in Cypher (``MATCH (n:CI {criticality: 'critical'})``). Relations are
relationships whose Neo4j type is the ontology's relation name (``RUNS_ON``), with the same
``props`` convention. A uniqueness constraint on ``:CI(id)`` backs every MERGE and lookup and
an index on ``:CI(type)`` serves type queries (Cartography's lesson: an unindexed MERGE key
turns minutes into days).

Writes are ``UNWIND $rows … MERGE`` in transactions of :data:`BATCH` rows; each batch is
idempotent, so a load interrupted by a lost connection is completed by running it again.
Reads are one parameterised query per batch of ids; ``neo4j://`` URIs route writes to the
leader and reads to followers. Relationship types cannot be query parameters in Cypher: they
come only from the ontology and are checked against :data:`_REL_TYPE` before use.

Usage (needs a server; tests/test_neo4j_store.py runs the same against a real one)::

    store = Neo4jStore("neo4j://127.0.0.1:7687", user="neo4j", password=...)
    store.stats()           # {'cis': {...}, 'relations': {...}}
"""

from __future__ import annotations

import json
import os
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from itss_graph.errors import StoreError
from itss_graph.model import CI, Relation
from itss_graph.stores.base import OUTGOING, LoadReport, Store

if TYPE_CHECKING:
    from itss_graph.loading.staging import Staging

BATCH = 10_000
_REL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_RESERVED = {"id", "type", "name", "props", "itss_sources", "itss_created"}


def _rel_type(name: str) -> str:
    if not _REL_TYPE.match(name):
        raise StoreError(f"relation type {name!r} is not a valid Neo4j relationship type")
    return f"`{name}`"


def _node_properties(ci_id: str, ci_type: str, name: str, props_json: str) -> dict[str, Any]:
    """All properties of a CI node: identity, JSON of free properties, and queryable copies."""
    out: dict[str, Any] = {}
    for key, value in json.loads(props_json).items():
        if key not in _RESERVED and _storable(value):
            out[key] = value
    out.update(id=ci_id, type=ci_type, name=name, props=props_json)
    return out


def _relationship_properties(props_json: str) -> dict[str, Any]:
    """A relationship's properties: its JSON (absent when empty: most relations have none, and
    every property costs a write) and queryable copies."""
    out = {k: v for k, v in json.loads(props_json).items()
           if k not in ("props", "itss_sources") and _storable(v)}
    if props_json != "{}":
        out["props"] = props_json
    return out


def _storable(value: Any) -> bool:
    """Neo4j properties are scalars or homogeneous lists of scalars."""
    if isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list) and value:
        kinds = {type(v) for v in value}
        return len(kinds) == 1 and kinds <= {str, bool, int, float}
    return False


class Neo4jStore(Store):
    """CMDB in Neo4j (``bolt://`` single server, ``neo4j://`` routing/cluster)."""

    kind = "neo4j"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, retry_seconds: float = 30.0):
        """``retry_seconds``: how long the driver retries a transaction whose connection failed
        before the load gives up with a clear error (the driver's own default)."""
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        self.uri = uri
        self.database = database or None
        auth = (user or "neo4j", password) if password else None
        try:
            # no server notifications: the driver would print each one ("property key does not
            # exist", deprecations) on stderr, per query; a million-row load makes hundreds
            self.driver = neo4j.GraphDatabase.driver(uri, auth=auth,
                                                     max_transaction_retry_time=retry_seconds,
                                                     notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except AuthError as exc:
            raise StoreError(f"Neo4j at {uri} refused the credentials of user "
                             f"{user or 'neo4j'!r}: {exc.message}") from None
        except (ServiceUnavailable, OSError, ValueError) as exc:
            raise StoreError(f"cannot reach Neo4j at {uri}: {exc}") from None
        self._schema_ready = False

    # -- helpers ------------------------------------------------------------------------------
    @cached_property
    def procedures(self) -> frozenset[str]:
        """ITSS Graph's procedures installed on the server (``tools/neo4j-plugin``: the impact
        walk in one round trip). Empty when not installed, when they cannot be listed, or with
        ``ITSS_NEO4J_PROCEDURES=off`` (every answer then comes from plain Cypher)."""
        from neo4j.exceptions import Neo4jError

        if os.environ.get("ITSS_NEO4J_PROCEDURES", "").strip().lower() in ("off", "0", "no", "false"):
            return frozenset()
        try:
            rows = self._read("SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'itss.' "
                              "RETURN collect(name)")
        except Neo4jError:
            return frozenset()
        return frozenset(rows[0][0]) if rows else frozenset()

    def _read(self, query: str, **params) -> list[tuple]:
        records, _, _ = self.driver.execute_query(
            query, params, database_=self.database, routing_="r")
        return [tuple(r.values()) for r in records]

    def _write(self, query: str, **params) -> None:
        self.driver.execute_query(query, params, database_=self.database, routing_="w")

    def ensure_schema(self) -> None:
        """Constraint and index on every match key (idempotent)."""
        if self._schema_ready:
            return
        self._write("CREATE CONSTRAINT itss_ci_id IF NOT EXISTS FOR (n:CI) REQUIRE n.id IS UNIQUE")
        self._write("CREATE INDEX itss_ci_type IF NOT EXISTS FOR (n:CI) ON (n.type)")
        self._write("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    # -- reads --------------------------------------------------------------------------------
    def get_cis(self, ids: Iterable[str]) -> dict[str, CI]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, CI] = {}
        for start in range(0, len(ids), BATCH):
            # one record of parallel lists: the driver's per-record cost dominates otherwise
            for found, types, names, props in self._read(
                    "UNWIND $ids AS id MATCH (n:CI {id: id}) "
                    "RETURN collect(n.id), collect(n.type), collect(n.name), collect(coalesce(n.props, '{}'))",
                    ids=ids[start:start + BATCH]):
                for ci_id, ci_type, name, raw in zip(found, types, names, props):
                    out[ci_id] = CI(ci_id, ci_type, name, json.loads(raw))
        return out

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            found.update(r[0] for r in self._read(
                "UNWIND $ids AS id MATCH (n:CI {id: id}) RETURN n.id",
                ids=ids[start:start + BATCH]))
        return found

    def edges(self, ids: Sequence[str], direction: str,
              rel_types: Sequence[str]) -> list[tuple[str, str, str]]:
        if not ids or not rel_types:
            return []
        pattern = "(f)-[r]->(o:CI)" if direction == OUTGOING else "(f)<-[r]-(o:CI)"
        query = (f"UNWIND $ids AS id MATCH (f:CI {{id: id}}) MATCH {pattern} "
                 "WHERE type(r) IN $types RETURN id, type(r), o.id")
        ids = list(ids)
        out: list[tuple[str, str, str]] = []
        for start in range(0, len(ids), BATCH):
            out.extend(self._read(query, ids=ids[start:start + BATCH], types=list(rel_types)))
        return out

    concurrent_reads = True
    query_language = "cypher"

    def edges_with_groups(self, ids, direction, rel_types):
        from itss_graph.stores.neo4j_read import edges_with_groups

        return edges_with_groups(self, ids, direction, rel_types)

    def flow_edges(self, ids, toward_source, toward_target):
        from itss_graph.stores.neo4j_read import flow_edges

        return flow_edges(self, ids, toward_source, toward_target)

    def headers(self, ids):
        from itss_graph.stores.neo4j_read import headers

        return headers(self, ids)

    def walk_impact(self, failed, toward_source, toward_target, max_depth):
        from itss_graph.stores.neo4j_read import walk_impact

        return walk_impact(self, failed, toward_source, toward_target, max_depth)

    def walk_reach(self, start, incoming, outgoing, only_types):
        from itss_graph.stores.neo4j_read import walk_reach

        return walk_reach(self, start, incoming, outgoing, only_types)

    def run_read_only(self, statement, params):
        from itss_graph.stores.neo4j_read import run_read_only

        return run_read_only(self, statement, params)

    def find_cis(self, needle, *, types=None, where=None, limit=1000):
        from itss_graph.stores.neo4j_read import find_cis

        return find_cis(self, needle, types, where, limit)

    def iter_headers(self, types=None, batch=100_000):
        from itss_graph.stores.neo4j_read import iter_headers

        return iter_headers(self, types, batch)

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            "cis": dict(sorted(self._read("MATCH (n:CI) RETURN n.type, count(*)"))),
            "relations": dict(sorted(self._read(
                "MATCH (:CI)-[r]->(:CI) RETURN type(r), count(*)"))),
        }

    def iter_cis(self, batch: int = 10000) -> Iterator[list[CI]]:
        rows = self._read("MATCH (n:CI) RETURN n.id, n.type, n.name, n.props ORDER BY n.id")
        for start in range(0, len(rows), batch):
            yield [CI(i, t, n, json.loads(p or "{}")) for i, t, n, p in rows[start:start + batch]]

    def iter_relations(self, batch: int = 10000) -> Iterator[list[Relation]]:
        rows = self._read("MATCH (a:CI)-[r]->(b:CI) RETURN a.id, type(r), b.id, r.props "
                          "ORDER BY a.id, type(r), b.id")
        for start in range(0, len(rows), batch):
            yield [Relation(s, t, d, json.loads(p or "{}")) for s, t, d, p in rows[start:start + batch]]

    def is_empty(self) -> bool:
        return not self._read("MATCH (n:CI) RETURN n.id LIMIT 1")

    def match_keys(self, fields: Sequence[str], values: Sequence[tuple[str, ...]], *,
                   with_types: bool = False) -> dict[tuple[str, ...], list]:
        out: dict[tuple[str, ...], list] = {}
        values = list(dict.fromkeys(values))
        for start in range(0, len(values), BATCH):
            for key, ci_id, ci_type in self._read(
                    """UNWIND $keys AS key MATCH (n:CI)
                       WHERE all(i IN range(0, size($fields) - 1)
                                 WHERE trim(toString(n[$fields[i]])) = key[i])
                       RETURN key, n.id, n.type""",
                    keys=[list(v) for v in values[start:start + BATCH]], fields=list(fields)):
                out.setdefault(tuple(key), []).append((ci_id, ci_type) if with_types else ci_id)
        return out

    # -- writes -------------------------------------------------------------------------------
    def apply(self, staging: "Staging", *, dry_run: bool = False, source: str | None = None,
              prune: bool = False, details: bool = False, inputs: Sequence[str] = (),
              progress=None) -> LoadReport:
        from itss_graph.stores.neo4j_write import merge

        return merge(self, staging, dry_run=dry_run, source=source, prune=prune,
                     details=details, inputs=inputs, progress=progress)

    def history(self, ci_id: str) -> list[dict]:
        from itss_graph.stores.neo4j_write import ci_history

        return ci_history(self, ci_id)

    def clear(self) -> None:
        """Delete every CI and relation (used by tests and `itss demo --neo4j-uri`)."""
        # CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run
        with self.driver.session(database=self.database) as session:
            session.run("MATCH (n:CI) CALL { WITH n DETACH DELETE n } "
                        "IN TRANSACTIONS OF 10000 ROWS").consume()

    def close(self) -> None:
        self.driver.close()
