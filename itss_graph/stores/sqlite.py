"""The embedded store: one SQLite file, no server.

* CIs get an integer surrogate key ``n``; relations are stored on those integers, with the
  primary key ``(src, type, dst)`` serving forward lookups and a covering index
  ``(dst, type, src)`` serving reverse ones (measured: closures 0.41 s vs 0.74 s on 1M CIs
  with single-column indexes; DESIGN.md §3).
* WAL journal, ``BEGIN IMMEDIATE`` for writes and a busy timeout make it safe for two
  processes: readers never block, writers wait for each other.
* Loads are set-based: the staging database is attached and merged with a few SQL statements
  in one transaction, so a load either happens completely or not at all.

Example:
    >>> store = SQLiteStore(":memory:")
    >>> store.stats()
    {'cis': {}, 'relations': {}}
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from itss_graph.errors import StoreError
from itss_graph.model import CI, Relation
from itss_graph.stores.base import INCOMING, OUTGOING, LoadReport, Store

if TYPE_CHECKING:
    from itss_graph.loading.staging import Staging

SCHEMA_VERSION = "1"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ci (
    n     INTEGER PRIMARY KEY,
    id    TEXT NOT NULL UNIQUE,
    type  TEXT NOT NULL,
    name  TEXT NOT NULL,
    props TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS ci_type ON ci(type);
CREATE TABLE IF NOT EXISTS rel (
    src   INTEGER NOT NULL,
    type  TEXT NOT NULL,
    dst   INTEGER NOT NULL,
    props TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (src, type, dst)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rel_reverse ON rel(dst, type, src);
"""

_IN_LIST_LIMIT = 500  # above this, ids go as one JSON array instead of IN (?, ...)


class SQLiteStore(Store):
    """The embedded store (default ``./itss.db``)."""

    kind = "sqlite"

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout_s: float = 60.0):
        self.path = str(path)
        if self.path != ":memory:" and not create and not Path(self.path).exists():
            raise StoreError(f"no store at {self.path}: load an inventory first (itss load FILE...)")
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
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def _ensure_schema(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = row[0] if row else None
        except sqlite3.OperationalError:  # a new, empty file
            version = None
        if version is None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _DDL.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                                (SCHEMA_VERSION,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        elif version != SCHEMA_VERSION:
            raise StoreError(f"store {self.path} has schema version {version}; "
                             f"this version of itss reads {SCHEMA_VERSION}")

    # -- reads --------------------------------------------------------------------------------
    def get_cis(self, ids: Iterable[str]) -> dict[str, CI]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, CI] = {}
        for chunk_sql, params in self._id_filter(ids, "id"):
            for ci_id, ci_type, name, props in self.db.execute(
                    f"SELECT id, type, name, props FROM ci WHERE {chunk_sql}", params):
                out[ci_id] = CI(ci_id, ci_type, name, json.loads(props))
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

    def _id_filter(self, ids: list[str], column: str) -> Iterator[tuple[str, tuple]]:
        """SQL conditions selecting ``column IN ids``: a parameter list for a few ids, one JSON
        array parameter (read with json_each) for many, which avoids filling a temp table."""
        if not ids:
            return
        if len(ids) <= _IN_LIST_LIMIT:
            yield f"{column} IN ({','.join('?' * len(ids))})", tuple(ids)
        else:
            yield f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(ids),)

    def generation(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else "0"

    def _bump_generation(self) -> None:
        self.db.execute(
            """INSERT INTO meta VALUES ('generation', '1')
               ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1""")

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            "cis": dict(self.db.execute("SELECT type, COUNT(*) FROM ci GROUP BY type ORDER BY type")),
            "relations": dict(self.db.execute(
                "SELECT type, COUNT(*) FROM rel GROUP BY type ORDER BY type")),
        }

    def iter_cis(self, batch: int = 10000) -> Iterator[list[CI]]:
        cursor = self.db.execute("SELECT id, type, name, props FROM ci ORDER BY id")
        while rows := cursor.fetchmany(batch):
            yield [CI(i, t, n, json.loads(p)) for i, t, n, p in rows]

    def iter_relations(self, batch: int = 10000) -> Iterator[list[Relation]]:
        cursor = self.db.execute(
            """SELECT a.id, r.type, b.id, r.props FROM rel r
               JOIN ci a ON a.n = r.src JOIN ci b ON b.n = r.dst
               ORDER BY a.id, r.type, b.id""")
        while rows := cursor.fetchmany(batch):
            yield [Relation(s, t, d, json.loads(p)) for s, t, d, p in rows]

    # -- writes -------------------------------------------------------------------------------
    def apply(self, staging: "Staging", *, dry_run: bool = False) -> LoadReport:
        report = LoadReport(dry_run=dry_run)
        staging.db.commit()
        self.db.execute("ATTACH DATABASE ? AS stg", (str(staging.path),))
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self._count_outcomes(report)
                if not dry_run and report.changed:
                    self._merge()
                    self._bump_generation()
                self.db.execute("ROLLBACK" if dry_run else "COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        finally:
            self.db.execute("DETACH DATABASE stg")
        return report

    def _count_outcomes(self, report: LoadReport) -> None:
        for ci_type, outcome, n in self.db.execute(
            """SELECT s.type,
                      CASE WHEN c.n IS NULL THEN 'created'
                           WHEN c.type = s.type AND c.name = s.name AND c.props = s.props
                           THEN 'unchanged' ELSE 'updated' END,
                      COUNT(*)
               FROM stg.ci_rows s LEFT JOIN ci c ON c.id = s.id
               GROUP BY 1, 2"""):
            report.count("ci", ci_type, outcome, n)
        for rel_type, outcome, n in self.db.execute(
            """SELECT s.type,
                      CASE WHEN r.src IS NULL THEN 'created'
                           WHEN r.props = s.props THEN 'unchanged' ELSE 'updated' END,
                      COUNT(*)
               FROM stg.rel_rows s
               LEFT JOIN ci a ON a.id = s.src
               LEFT JOIN ci b ON b.id = s.dst
               LEFT JOIN rel r ON r.src = a.n AND r.type = s.type AND r.dst = b.n
               GROUP BY 1, 2"""):
            report.count("relation", rel_type, outcome, n)

    def _merge(self) -> None:
        self.db.execute(
            """INSERT INTO ci (id, type, name, props)
               SELECT id, type, name, props FROM stg.ci_rows WHERE true ORDER BY id
               ON CONFLICT(id) DO UPDATE SET
                   type = excluded.type, name = excluded.name, props = excluded.props
               WHERE ci.type <> excluded.type OR ci.name <> excluded.name
                  OR ci.props <> excluded.props""")
        unresolved = self.db.execute(
            """SELECT s.src, s.type, s.dst FROM stg.rel_rows s
               LEFT JOIN ci a ON a.id = s.src LEFT JOIN ci b ON b.id = s.dst
               WHERE a.n IS NULL OR b.n IS NULL LIMIT 1""").fetchone()
        if unresolved:  # only possible if another process deleted a CI since validation
            raise StoreError(f"relation {unresolved[0]} -[{unresolved[1]}]-> {unresolved[2]} "
                             "lost an end during the load; nothing was written, run it again")
        self.db.execute(
            """INSERT INTO rel (src, type, dst, props)
               SELECT a.n, s.type, b.n, s.props
               FROM stg.rel_rows s JOIN ci a ON a.id = s.src JOIN ci b ON b.id = s.dst
               WHERE true ORDER BY a.n, s.type, b.n
               ON CONFLICT(src, type, dst) DO UPDATE SET props = excluded.props
               WHERE rel.props <> excluded.props""")

    def close(self) -> None:
        self.db.close()
