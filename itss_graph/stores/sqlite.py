"""The embedded store: one SQLite file, no server.

* CIs get an integer surrogate key ``n``; relations are stored on those integers, with the
  primary key ``(src, type, dst)`` serving forward lookups and a covering index
  ``(dst, type, src)`` serving reverse ones (measured: closures 0.41 s vs 0.74 s on 1M CIs
  with single-column indexes; DESIGN.md §3).
* WAL journal, ``BEGIN IMMEDIATE`` for writes and a busy timeout make it safe for two
  processes: readers never block, writers wait for each other.
* Loads are set-based: the batch (stores/batch.py) is attached and merged with a few SQL statements
  in one transaction, so a load either happens completely or not at all.

Example:
    >>> store = SQLiteStore(":memory:")
    >>> store.stats()
    {'cis': {}, 'relations': {}}
"""

from __future__ import annotations

import os
import sqlite3

from itss_graph.errors import StoreError
from itss_graph.i18n import M_
from itss_graph.model import CI, Relation, decode_json
from itss_graph.stores.base import INCOMING, OUTGOING, Store, key_whitespace

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import Iterable, Iterator, Sequence
    from itss_graph.stores.batch import Batch
    from itss_graph.stores.load_report import LoadReport

# the version of the tables, itss_graph.stores.layout.SQLITE_VERSION (tests/test_sqlite_store.py
# holds them equal): layout, its named tuples and its DDL are imported to make the tables, not
# by every question that opens the store
SCHEMA_VERSION = "2"

_IN_LIST_LIMIT = 500  # above this, ids go as one JSON array instead of IN (?, ...)


class SQLiteStore(Store):
    """The embedded store (default ``./itss.db``)."""

    kind = "sqlite"
    detects_relation_duplicates = True
    # below this many relations read, a walk by SQL levels beats importing numpy and opening
    # the closure index (bench/query_paths.py); ITSS_INDEX_AFTER_EDGES sets another budget
    index_after_edges = 5_000

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout_s: float = 60.0):
        self.path = str(path)
        budget = os.environ.get("ITSS_INDEX_AFTER_EDGES", "").strip()
        if budget:
            if not budget.isdigit():
                raise StoreError(M_("ITSS_INDEX_AFTER_EDGES must be a number of relations, not {budget!r}", budget=budget))
            self.index_after_edges = int(budget)
        if self.path != ":memory:" and not create and not os.path.exists(self.path):
            raise StoreError(M_("no store at {path}: load an inventory first (itss load FILE...)", path=self.path))
        try:
            self.db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None,
                                      check_same_thread=False)
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
            self.db.execute("PRAGMA temp_store=MEMORY")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(M_("cannot open store {path}: {exc}", path=self.path, exc=exc)) from exc

    def _ensure_schema(self) -> None:
        version = self._schema_version()
        if version == SCHEMA_VERSION:
            return
        if version not in (None, "1"):
            raise StoreError(M_("store {path} has schema version {version}; this version of itss reads {supported}", path=self.path, version=version, supported=SCHEMA_VERSION))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            # another process may have done it meanwhile: read the version again
            from itss_graph.stores import sqlite_write  # writes: not on the read path

            for statement in sqlite_write.schema_statements(self._schema_version()):
                self.db.execute(statement)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _schema_version(self) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError:  # a new, empty file
            return None
        return row[0] if row else None

    # -- reads --------------------------------------------------------------------------------
    def get_cis(self, ids: Iterable[str]) -> dict[str, CI]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, CI] = {}
        for chunk_sql, params in self._id_filter(ids, "id"):
            for ci_id, ci_type, name, props in self.db.execute(
                    f"SELECT id, type, name, props FROM ci WHERE {chunk_sql}", params):
                out[ci_id] = CI(ci_id, ci_type, name, decode_json(props))
        return out

    def names_and_props(self, ids):
        """As the base method; the properties' JSON decoded once per distinct text (the 3,400
        services a core switch of a 200k estate affects have ~250 distinct ones).

        >>> from itss_graph.loading.example import example_store
        >>> found = example_store().names_and_props(["server:db1", "pdu:a", "pdu:b", "x"])
        >>> found["server:db1"], found["pdu:a"][1] is found["pdu:b"][1], "x" in found
        (('DB host 1', {'min_up': '1'}), True, False)
        """
        out: dict[str, tuple[str, dict]] = {}
        decoded: dict[str, dict] = {}
        for chunk_sql, params in self._id_filter(list(dict.fromkeys(ids)), "id"):
            for ci_id, name, text in self.db.execute(f"SELECT id, name, props FROM ci WHERE {chunk_sql}", params):
                props = decoded.get(text)
                if props is None:
                    props = decoded[text] = decode_json(text)
                out[ci_id] = (name, props)
        return out

    def headers(self, ids):
        out: dict[str, tuple[str, str]] = {}
        for chunk_sql, params in self._id_filter(list(dict.fromkeys(ids)), "id"):
            for ci_id, ci_type, name in self.db.execute(
                    f"SELECT id, type, name FROM ci WHERE {chunk_sql}", params):
                out[ci_id] = (ci_type, name)
        return out

    def min_ups(self, ids):
        from itss_graph.semantics import min_up_of

        out: dict[str, int] = {}
        for chunk_sql, params in self._id_filter(list(dict.fromkeys(ids)), "id"):
            for ci_id, raw in self.db.execute(
                    f"SELECT id, json_extract(props, '$.min_up') FROM ci WHERE {chunk_sql}", params):
                out[ci_id] = 1 if raw is None else min_up_of({"min_up": raw})
        return out

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk_sql, params in self._id_filter(list(ids), "id"):
            found.update(r[0] for r in self.db.execute(f"SELECT id FROM ci WHERE {chunk_sql}", params))
        return found

    def edges(self, ids: Sequence[str], direction: str,
              rel_types: Sequence[str]) -> list[tuple[str, str, str]]:
        if not ids or not rel_types:
            return []
        near, far = ("src", "dst") if direction == OUTGOING else ("dst", "src")
        type_marks = ",".join("?" * len(rel_types))
        out: list[tuple[str, str, str]] = []
        for chunk_sql, params in self._id_filter(list(ids), "f.id"):
            out.extend(self.db.execute(
                f"""SELECT f.id, r.type, o.id
                    FROM ci f
                    JOIN rel r ON r.{near} = f.n AND r.type IN ({type_marks})
                    JOIN ci o ON o.n = r.{far}
                    WHERE {chunk_sql}""",
                (*rel_types, *params)))
        return out

    def edges_with_groups(self, ids, direction, rel_types):
        from itss_graph.stores.sqlite_read import edges_with_groups

        return edges_with_groups(self, ids, direction, rel_types)

    def count_edges(self, ids, direction, rel_types, *, limit):
        from itss_graph.stores.sqlite_read import count_edges

        return count_edges(self, ids, direction, rel_types, limit)

    # both directions of a level in one statement each (a small walk: ~25 statements fewer)
    def flow_edges(self, ids, toward_source, toward_target):
        from itss_graph.stores.sqlite_read import flow_edges

        return flow_edges(self, ids, toward_source, toward_target)

    def count_flow_edges(self, ids, toward_source, toward_target, *, limit):
        from itss_graph.stores.sqlite_read import count_flow_edges

        return count_flow_edges(self, ids, toward_source, toward_target, limit)

    def provider_edges(self, ids, outgoing, incoming):
        from itss_graph.stores.sqlite_read import provider_edges

        return provider_edges(self, ids, outgoing, incoming)

    def closure_index(self, schema):
        from itss_graph.stores.sqlite_index import graph_index

        # one answer asks several times (impact, then redundancy and next failures): the
        # index this store opened is reused while its generation is current
        self._opened_index = graph_index(self, schema, getattr(self, "_opened_index", None))
        return self._opened_index

    def closure_index_open(self):
        return getattr(self, "_opened_index", None) is not None

    def walk_surely_exceeds(self, failed, schema, limit):
        from itss_graph.stores.index_files import current_index_dir, surely_reads_beyond

        directory = current_index_dir(self, schema)
        if directory is None:  # no index saved for this generation yet
            return False
        keys = [key for chunk_sql, params in self._id_filter(list(failed), "id")
                for (key,) in self.db.execute(f"SELECT n FROM ci WHERE {chunk_sql}", params)]
        return surely_reads_beyond(directory, keys, limit)

    def index_positions(self, index, ids):
        from itss_graph.stores.sqlite_index import positions_of_ids

        return positions_of_ids(self, index, ids)

    def run_read_only(self, statement, params):
        from itss_graph.stores.sqlite_read import run_read_only

        return run_read_only(self, statement, params)

    def find_cis(self, needle, *, types=None, where=None, limit=1000):
        from itss_graph.stores.sqlite_read import find_cis

        found = find_cis(self, needle, types, where, limit)
        return super().find_cis(needle, types=types, where=where, limit=limit) if found is None else found

    def iter_headers(self, types=None, batch=100_000):
        from itss_graph.stores.sqlite_read import iter_headers

        return iter_headers(self, types, batch)

    def _id_filter(self, ids: list[str], column: str) -> Iterator[tuple[str, tuple]]:
        """SQL conditions selecting ``column IN ids``: a parameter list for a few ids, one JSON
        array parameter (read with json_each) for many, which avoids filling a temp table."""
        if not ids:
            return
        if len(ids) <= _IN_LIST_LIMIT:
            yield f"{column} IN ({','.join('?' * len(ids))})", tuple(ids)
        else:
            import json  # (not at the top: the small questions need no json module, see decode_json)

            yield f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(ids),)

    def generation(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else "0"

    def _bump_generation(self) -> None:
        # a random token, not a counter: a database deleted and loaded again must not find the
        # closure index cached for the old file's generation "1" beside it (uuid imported here:
        # it imports platform, ~3 ms of every cold query that never writes)
        import uuid

        self.db.execute(
            """INSERT INTO meta VALUES ('generation', ?)
               ON CONFLICT(key) DO UPDATE SET value = excluded.value""", (uuid.uuid4().hex,))

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            "cis": dict(self.db.execute("SELECT type, COUNT(*) FROM ci GROUP BY type ORDER BY type")),
            "relations": dict(self.db.execute(
                "SELECT type, COUNT(*) FROM rel GROUP BY type ORDER BY type")),
        }

    def iter_cis(self, batch: int = 10000) -> Iterator[list[CI]]:
        cursor = self.db.execute("SELECT id, type, name, props FROM ci ORDER BY id")
        while rows := cursor.fetchmany(batch):
            yield [CI(i, t, n, decode_json(p)) for i, t, n, p in rows]

    def iter_relations(self, batch: int = 10000) -> Iterator[list[Relation]]:
        cursor = self.db.execute(
            """SELECT a.id, r.type, b.id, r.props FROM rel r
               JOIN ci a ON a.n = r.src JOIN ci b ON b.n = r.dst
               ORDER BY a.id, r.type, b.id""")
        while rows := cursor.fetchmany(batch):
            yield [Relation(s, t, d, decode_json(p)) for s, t, d, p in rows]

    def is_empty(self) -> bool:
        return not self.db.execute("SELECT EXISTS (SELECT 1 FROM ci)").fetchone()[0]

    def match_keys(self, fields: Sequence[str], values: Sequence[tuple[str, ...]], *,
                   with_types: bool = False) -> dict[tuple[str, ...], list]:
        if not values:
            return {}
        if any('"' in f for f in fields):
            return super().match_keys(fields, values, with_types=with_types)
        exprs, params = [], []
        for f in fields:
            if f in ("id", "type", "name"):
                exprs.append(f"trim({f}, ?)")
                params.append(key_whitespace())
            else:
                exprs.append("trim(CAST(json_extract(props, ?) AS TEXT), ?)")
                params.extend((f'$."{f}"', key_whitespace()))
        key = " || char(31) || ".join(exprs)
        import json

        wanted = {"\x1f".join(v): v for v in values}
        out: dict[tuple[str, ...], list] = {}
        for ci_id, ci_type, k in self.db.execute(
                f"SELECT id, type, {key} AS k FROM ci WHERE k IN (SELECT value FROM json_each(?))",
                (*params, json.dumps(list(wanted)))):
            out.setdefault(wanted[k], []).append((ci_id, ci_type) if with_types else ci_id)
        return out

    # -- writes -------------------------------------------------------------------------------
    def apply(self, batch: Batch, *, dry_run: bool = False, details: bool = False,
              progress=None) -> LoadReport:
        from itss_graph.stores import sqlite_write

        return sqlite_write.merge(self, batch, dry_run=dry_run, details=details)

    def load_lock(self) -> AbstractContextManager:
        from itss_graph.stores import sqlite_write

        return sqlite_write.load_lock(self)

    def history(self, ci_id: str) -> list[dict]:
        from itss_graph.stores import sqlite_write

        return sqlite_write.ci_history(self.db, ci_id)

    def close(self) -> None:
        self.db.close()
