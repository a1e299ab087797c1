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
from contextlib import AbstractContextManager
import re
from functools import cached_property
from typing import Any, Iterable, Iterator, Sequence

from itss_graph.errors import StoreError
from itss_graph.model import CI, Relation
from itss_graph.stores import neo4j_write
from itss_graph.stores.base import OUTGOING, Store, key_text
from itss_graph.stores.batch import Batch
from itss_graph.stores.layout import neo4j_key_index
from itss_graph.stores.load_report import LoadReport

BATCH = 10_000


def _cypher_name(field: str) -> str:
    return field if field in ("id", "type", "name") else "`" + field + "`"  # checked by neo4j_key_index


def _candidates(text: str) -> list:
    """The stored values an index seek looks for: the text and the numbers it spells (stored
    numbers compare as their text)."""
    out: list = [text]
    try:
        out.append(int(text))
    except ValueError:
        pass
    try:
        number = float(text)
        if number == number and number not in (float("inf"), float("-inf")):
            out.append(number)
    except ValueError:
        pass
    return out


class Neo4jStore(Store):
    """CMDB in Neo4j (``bolt://`` single server, ``neo4j://`` routing/cluster)."""

    kind = "neo4j"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, retry_seconds: float = 30.0):
        """``retry_seconds``: how long the driver retries a transaction whose connection failed
        before the load gives up with a clear error (the driver's own default)."""
        from itss_graph.stores.neo4j_read import connect

        self.uri = uri
        self.user = user or None  # (keys what is cached of what this user may read)
        self.password = password  # (for the process that reads the client's index)
        self.database = database or None
        self.driver, self.bookmarks = connect(uri, user=user, password=password,
                                              database=self.database, retry_seconds=retry_seconds)
        self._schema_ready = False
        self.missing_procedures: set[str] = set()  # called once and not found on the server

    # -- helpers ------------------------------------------------------------------------------
    @cached_property
    def procedures(self) -> frozenset[str]:
        """ITSS Graph's procedures installed on the server (``tools/neo4j-plugin``: the impact
        walk in one round trip). Empty when not installed, when they cannot be listed, or with
        ``ITSS_NEO4J_PROCEDURES=off`` (every answer then comes from plain Cypher). The walks do
        not ask this first: they call the procedure and fall back when the server has none
        (one round trip less per answer)."""
        from itss_graph.stores.neo4j_read import installed_procedures

        return installed_procedures(self)

    def _read(self, query: str, **params) -> list[tuple]:
        """Rows of ``query`` in a read transaction: routed to a secondary on a cluster, after
        every write this store's bookmarks know of (neo4j_read.read)."""
        from itss_graph.stores.neo4j_read import read

        return read(self, query, params)

    def _write(self, query: str, **params) -> list[tuple]:
        """Run ``query`` in a write transaction; its rows (most writes return none)."""
        records, _, _ = self.driver.execute_query(query, params, database_=self.database, routing_="w",
                                                  bookmark_manager_=self.bookmarks)
        return [tuple(r.values()) for r in records]

    def ensure_schema(self) -> None:
        """The declared constraints and indexes (:func:`itss_graph.stores.layout.neo4j_schema`)."""
        neo4j_write.ensure_schema(self)

    def prepare_load(self) -> None:
        """The schema is made on a thread while the load reads its input
        (:func:`~itss_graph.stores.neo4j_write.prepare_schema`)."""
        neo4j_write.prepare_schema(self)

    # -- reads --------------------------------------------------------------------------------
    def get_cis(self, ids: Iterable[str]) -> dict[str, CI]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, CI] = {}
        for start in range(0, len(ids), BATCH):
            # one record of parallel lists: the driver's per-record cost dominates otherwise
            for found, types, names, props in self._read(
                    "UNWIND $ids AS id MATCH (n:CI {id: id}) "
                    "RETURN collect(n.id), collect(coalesce(n.type, '')), collect(coalesce(n.name, '')), collect(coalesce(n.props, '{}'))",
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

    def flow_edges_headed(self, ids, toward_source, toward_target):
        from itss_graph.stores.neo4j_read import flow_edges_headed

        return flow_edges_headed(self, ids, toward_source, toward_target)

    def provider_edges(self, ids, outgoing, incoming):
        from itss_graph.stores.neo4j_read import provider_edges

        return provider_edges(self, ids, outgoing, incoming)

    def group_details(self, ids, toward_source, toward_target):
        from itss_graph.stores.neo4j_read import group_details

        return group_details(self, ids, toward_source, toward_target)

    def headers(self, ids):
        from itss_graph.stores.neo4j_read import headers

        return headers(self, ids)

    # -- the closure index, kept by the client up to 2M CIs or without procedures -------------
    @property
    def index_after_edges(self) -> int | None:
        """With the client's closure index: small questions walk by Cypher levels up to this
        many relations, then the index answers; None while the server's procedures walk."""
        return None if self._server_walks() else 5_000

    def has_procedures(self) -> bool:
        """Whether the server has ITSS Graph's impact procedure (:attr:`procedures`)."""
        return "itss.impact" in self.procedures

    def _server_walks(self) -> bool:
        """Whether ITSS Graph's procedures walk on the server, else the client's index
        (:func:`~itss_graph.stores.neo4j_state.client_walks`: by the database's size), or the
        server for a while when its index was not at hand (:meth:`closure_index`)."""
        import time

        from itss_graph.stores.neo4j_state import client_walks

        if self.__dict__.get("_server_until", 0.0) > time.monotonic():
            return True
        return not client_walks(self, self.has_procedures)

    def closure_index(self, schema):
        if self._server_walks():
            return None
        from itss_graph.stores.neo4j_state import read_in_background

        if read_in_background(self, schema, self.has_procedures):
            import time

            # this question (and this store for a minute: one question's calls agree) is
            # walked by the server while another process reads the index
            self._server_until = time.monotonic() + 60.0
            return None
        from itss_graph.stores.neo4j_index import graph_index

        return graph_index(self, schema)

    def closure_index_open(self):
        # the current index kept by this process or saved by another: even a small question
        # answers from it (else it walks by Cypher levels within the budget first)
        from itss_graph.schema import load_schema
        from itss_graph.stores.neo4j_state import index_is_ready

        return not self._server_walks() and index_is_ready(self, load_schema())

    def index_positions(self, index, ids):
        from itss_graph.stores.neo4j_index import positions_of_ids

        return positions_of_ids(index, ids)

    def count_edges(self, ids, direction, rel_types, *, limit):
        from itss_graph.stores.neo4j_read import count_edges

        return count_edges(self, ids, direction, rel_types, limit)

    def count_flow_edges(self, ids, toward_source, toward_target, *, limit):
        from itss_graph.stores.neo4j_read import count_flow_edges

        return count_flow_edges(self, ids, toward_source, toward_target, limit)

    def generation(self) -> str:
        from itss_graph.stores.neo4j_state import database_state

        return database_state(self)[0]

    def walk_impact(self, failed, toward_source, toward_target, max_depth):
        if not self._server_walks():  # the engine walks the client's index
            return None
        from itss_graph.stores.neo4j_read import walk_impact

        return walk_impact(self, failed, toward_source, toward_target, max_depth)

    def walk_reach(self, start, incoming, outgoing, only_types):
        if not self._server_walks():  # the engine walks the client's index
            return None
        from itss_graph.stores.neo4j_read import walk_reach

        return walk_reach(self, start, incoming, outgoing, only_types)

    def walk_paths(self, start, incoming, outgoing, only_types):
        if not self._server_walks():  # the engine walks the client's index
            return None
        from itss_graph.stores.neo4j_read import walk_paths

        return walk_paths(self, start, incoming, outgoing, only_types)

    def walk_further(self, lost, candidates, targets, toward_source, toward_target):
        if not self._server_walks():  # the engine walks the client's index
            return None
        from itss_graph.stores.neo4j_read import walk_further

        return walk_further(self, lost, candidates, targets, toward_source, toward_target)

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
        # streamed: records arrive as they are consumed, in the id index's order
        rows = self._stream("MATCH (n:CI) WHERE n.id IS NOT NULL "
                            "RETURN n.id, n.type, n.name, n.props ORDER BY n.id", batch)
        for chunk in rows:
            yield [CI(i, t, n, json.loads(p or "{}")) for i, t, n, p in chunk]

    def iter_relations(self, batch: int = 10000) -> Iterator[list[Relation]]:
        # sources in id order, each one's relationships sorted there: no sort of them all
        rows = self._stream("""MATCH (a:CI) WHERE a.id IS NOT NULL WITH a ORDER BY a.id
                               CALL { WITH a MATCH (a)-[r]->(b:CI)
                                      RETURN type(r) AS t, b.id AS d, r.props AS p ORDER BY t, d }
                               RETURN a.id, t, d, p""", batch)
        for chunk in rows:
            yield [Relation(s, t, d, json.loads(p or "{}")) for s, t, d, p in chunk]

    def _stream(self, query: str, batch: int, **params) -> Iterator[list[tuple]]:
        """Lists of at most ``batch`` records of a read, fetched as they are consumed."""
        import neo4j

        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS,
                                 fetch_size=batch) as session:
            result = session.run(query, params)
            chunk: list[tuple] = []
            for record in result:
                chunk.append(tuple(record.values()))
                if len(chunk) >= batch:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    def is_empty(self) -> bool:
        return not self._read("MATCH (n:CI) RETURN n.id LIMIT 1")

    def match_keys(self, fields: Sequence[str], values: Sequence[tuple[str, ...]], *,
                   with_types: bool = False) -> dict[tuple[str, ...], list]:
        """Index-backed: the most selective field is looked up in its index (declared, or made
        for it now: :func:`~itss_graph.stores.layout.neo4j_key_index`) with the key's text and
        the numbers it spells; CIs holding a value with surrounding whitespace carry the label
        ``ItssPadded`` and are read through it. The other fields, and the trimmed-text
        comparison, are checked here."""
        values = list(dict.fromkeys(values))
        fields = list(fields)
        if not values:
            return {}
        indexed = [f for f in fields if f in ("id", "type", "name") or neo4j_key_index(f)]
        if len(indexed) < len(fields):  # a name Cypher cannot carry safely: scan
            return super().match_keys(fields, values, with_types=with_types)
        seek = next((f for f in ("id", "name") if f in fields),
                    next((f for f in fields if f != "type"), fields[0]))
        statement = neo4j_key_index(seek)
        if statement is not None:
            self._write(statement)
            self._write("CALL db.awaitIndexes(300)")
        position = fields.index(seek)
        read = "[" + ", ".join(f"n.{_cypher_name(f)}" for f in fields) + "]"
        keys = [{"i": i, "c": _candidates(v[position])} for i, v in enumerate(values)]
        wanted = {v: i for i, v in enumerate(values)}
        found: dict[int, dict[str, str]] = {}
        for start in range(0, len(keys), BATCH):
            for i, ci_id, ci_type, got in self._read(
                    f"UNWIND $keys AS key MATCH (n:CI) WHERE n.{_cypher_name(seek)} IN key.c "
                    f"RETURN key.i, n.id, n.type, {read}", keys=keys[start:start + BATCH]):
                if tuple(key_text(x) for x in got) == values[i]:
                    found.setdefault(i, {})[ci_id] = ci_type
        for ci_id, ci_type, got in self._read(f"MATCH (n:CI:ItssPadded) RETURN n.id, n.type, {read}"):
            i = wanted.get(tuple(key_text(x) for x in got))
            if i is not None:
                found.setdefault(i, {})[ci_id] = ci_type
        return {values[i]: [(c, t) if with_types else c for c, t in sorted(ids.items())]
                for i, ids in sorted(found.items())}

    # -- writes -------------------------------------------------------------------------------
    def apply(self, batch: Batch, *, dry_run: bool = False, details: bool = False,
              progress=None) -> LoadReport:
        return neo4j_write.merge(self, batch, dry_run=dry_run, details=details, progress=progress)

    def load_lock(self) -> AbstractContextManager:
        return neo4j_write.load_lock(self)

    def history(self, ci_id: str) -> list[dict]:
        return neo4j_write.ci_history(self, ci_id)

    def clear(self) -> None:
        """Delete every CI and relation (used by tests and `itss demo --neo4j-uri`)."""
        # CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run
        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
            session.run("MATCH (n:CI) CALL { WITH n DETACH DELETE n } "
                        "IN TRANSACTIONS OF 10000 ROWS").consume()

    def close(self) -> None:
        from itss_graph.stores.neo4j_kept import releases
        from itss_graph.stores.neo4j_read import save_bookmarks

        neo4j_write.settle_schema(self)  # a schema started for a load that stopped early
        save_bookmarks(self)
        if releases(self.driver):  # a resident process's kept driver stays open
            self.driver.close()
