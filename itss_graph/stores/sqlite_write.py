"""The embedded store's write path: merge a batch (:mod:`itss_graph.stores.batch`) into the
store in one transaction, with sources (claims), pruning and the change history.

Schema version 2 (declared in :mod:`itss_graph.stores.layout`) adds, beside the ``ci`` / ``rel``
tables and the ``rel_reverse`` index:

* ``load``: one row per load (time, source, inputs, counts) and the range of surrogate keys
  ``n`` given to the CIs it created — a CI's creation is found from its ``n`` without a history
  row per created CI, which keeps million-row loads fast;
* ``ci_history``: updates (field diff) and deletions of CIs, by id and load;
* ``ci_claim`` / ``rel_claim``: which sources (``--source NAME``) brought which CIs and
  relations, so ``--prune`` removes only what that source no longer has.

The merge is set-based SQL between the attached batch and the store. A load into an empty store
takes a shorter road: batch keys become surrogate keys directly (``n = base + k``), relations
are appended in key order and the reverse index is built once at the end.

Loads are serialised (:func:`load_lock`): the loader holds the lock from its checks against the
store to the end of the write, so what the checks saw is what the write meets — two loads that
each add half of a cycle cannot both pass.

Example:
    >>> import os, tempfile
    >>> from itss_graph.stores.batch import write_batch
    >>> class Store:  # what merge() needs of a store: its path, connection, generation bump
    ...     path, db = ":memory:", None
    ...     def _bump_generation(self): pass
    >>> store = Store(); store.db = sqlite3.connect(":memory:", isolation_level=None)
    >>> for statement in schema_statements(None): _ = store.db.execute(statement)
    >>> batch = write_batch(os.path.join(tempfile.mkdtemp(), "b.db"), [("a", "server", "A", "{}")])
    >>> merge(store, batch).totals()["cis"]["created"]
    1
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import time
from contextlib import contextmanager
from typing import Any, Iterator

from itss_graph.errors import StoreError
from itss_graph.i18n import M_
from itss_graph.stores import layout
from itss_graph.stores.base import RelationDuplicates
from itss_graph.stores.load_report import LoadReport
from itss_graph.stores.batch import ENSURE, MERGE, SCHEMA, Batch, attached, iter_cis, iter_relations, line_sql
from itss_graph.stores.diff import ci_diff, props_diff

REL_REVERSE = next(s for s in layout.sqlite_ddl() if "rel_reverse" in s)
BIG_LOAD = 4  # rebuild the reverse index when a load adds more than 1/BIG_LOAD of the relations


def schema_statements(version: str | None) -> list[str]:
    """Statements bringing a store of schema ``version`` (None: a new file) to the current one
    (run inside the caller's transaction)."""
    if version is None:
        return [*layout.sqlite_ddl(), f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{layout.SQLITE_VERSION}')",
                "INSERT OR IGNORE INTO meta VALUES ('next_n', '1')"]
    if version == "1":
        return [*layout.sqlite_migration(1),
                "INSERT OR IGNORE INTO meta VALUES ('next_n', (SELECT coalesce(max(n), 0) + 1 FROM ci))",
                f"UPDATE meta SET value = '{layout.SQLITE_VERSION}' WHERE key = 'schema_version'"]
    return []


def merge(store, batch: Batch, *, dry_run: bool = False, details: bool = False) -> LoadReport:
    """Merge the batch into ``store`` (a :class:`~itss_graph.stores.sqlite.SQLiteStore`; see
    :meth:`itss_graph.stores.base.Store.apply`)."""
    with load_lock(store):
        return _Merge(store, batch, dry_run, details).run()


# -- serialising loads ---------------------------------------------------------------------------
LOCK_WAIT_S = 600.0


@contextmanager
def load_lock(store, wait_s: float | None = None) -> Iterator[None]:
    """Hold the store's load lock (re-entrant per store object): an exclusive lock on the file
    ``<store>.load-lock`` taken through SQLite, so it works wherever SQLite does and is released
    by the operating system if the process dies. Another process's load waits for it (up to
    ``wait_s``, default :data:`LOCK_WAIT_S`), then fails clearly."""
    if store.path == ":memory:" or getattr(store, "_load_lock_depth", 0):
        store._load_lock_depth = getattr(store, "_load_lock_depth", 0) + 1
        try:
            yield
        finally:
            store._load_lock_depth -= 1
        return
    wait_s = LOCK_WAIT_S if wait_s is None else wait_s
    path = f"{store.path}.load-lock"
    start = time.monotonic()
    lock = None
    try:
        lock = sqlite3.connect(path, timeout=wait_s, isolation_level=None, check_same_thread=False)
        lock.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        if lock is not None:
            lock.close()
        if "locked" not in str(exc):
            raise StoreError(M_("cannot take the load lock {path} ({exc}); nothing was written", path=path, exc=exc)) from None
        waited = time.monotonic() - start
        raise StoreError(M_("another load of {path} held its load lock for {waited:.0f} s ({exc}); nothing was written: try again when it is done", path=store.path, waited=waited, exc=exc)) from None
    try:
        store._load_lock_depth = 1
        try:
            yield
        finally:
            store._load_lock_depth = 0
            lock.execute("ROLLBACK")
    finally:
        lock.close()


class _Merge:
    def __init__(self, store, batch: Batch, dry_run: bool, details: bool):
        self.store = store
        self.db: sqlite3.Connection = store.db
        self.batch = batch
        self.dry_run = dry_run
        self.source = batch.source
        self.prune = batch.prune and batch.source is not None
        self.details = details
        self.inputs = list(batch.inputs)
        self.report = LoadReport(dry_run=dry_run, source=batch.source)
        self.props = "s.props"  # SQL of a staged CI's properties as they will be stored
        if details:
            self.report.rows = []
        self.history: list[tuple[str, str, str]] = []  # (id, event, diff json)

    def run(self) -> LoadReport:
        db = self.db
        # sorts of millions of rows spill to temporary files instead of growing the process
        # (queries keep their in-memory temp store: it is restored below)
        temp_store = db.execute("PRAGMA temp_store").fetchone()[0]
        db.execute("PRAGMA temp_store = FILE")
        try:
            with attached(db, self.batch):
                self._transaction()
        finally:
            for table in ("nmap", "rmap", "doomed", "merged"):
                db.execute(f"DROP TABLE IF EXISTS temp.{table}")
            db.execute(f"PRAGMA temp_store = {int(temp_store)}")
        self.report.load_id = None if self.dry_run else self.load_id
        return self.report

    def _transaction(self) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            self.load_id = self._start_load()
            self.base = int(self._meta("next_n") or 1)
            fresh = not db.execute("SELECT EXISTS (SELECT 1 FROM ci)").fetchone()[0]
            if fresh:
                self._fresh()
            else:
                self._general()
            if self.source is not None:
                self._claim(fresh)
            if self.prune and not fresh:
                self._prune()
            self._finish_load()
            db.execute("ROLLBACK" if self.dry_run else "COMMIT")
        except RelationDuplicates:
            db.execute("ROLLBACK")
            raise
        except sqlite3.IntegrityError as exc:
            db.execute("ROLLBACK")
            raise StoreError(
                M_("the store changed during the load ({exc}); nothing was written: run it again", exc=exc)
            ) from None
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    # -- bookkeeping --------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, str(value)))

    def _start_load(self) -> int:
        at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        return self.db.execute(
            "INSERT INTO load (at, source, inputs) VALUES (?, ?, ?) RETURNING load",
            (at, self.source, json.dumps(self.inputs, ensure_ascii=False))).fetchone()[0]

    def _finish_load(self) -> None:
        report = self.report
        first, last = self.db.execute(
            "SELECT min(n), max(n) FROM temp.created_n").fetchone() if self._has_created_n() else (None, None)
        if last is not None:
            self._set_meta("next_n", last + 1)
        self.db.executemany("INSERT INTO ci_history (id, load, event, diff) VALUES (?, ?, ?, ?)",
                            ((i, self.load_id, e, d) for i, e, d in self.history))
        counts = {"totals": report.totals(), "pruned": report.pruned}
        self.db.execute("UPDATE load SET n_first = ?, n_last = ?, counts = ? WHERE load = ?",
                        (first, last, json.dumps(counts), self.load_id))
        if report.changed:
            self.store._bump_generation()
        self.db.execute("DROP TABLE IF EXISTS temp.created_n")

    def _has_created_n(self) -> bool:
        return self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM temp.sqlite_master WHERE name = 'created_n')").fetchone()[0]

    # -- an empty store -----------------------------------------------------------------------
    def _fresh(self) -> None:
        db, report, base = self.db, self.report, self.base
        for ci_type, n in self.batch.ci_types:
            report.count("ci", ci_type, "created", n)
        db.execute("""INSERT INTO ci (n, id, type, name, props)
                      SELECT k + ?, id, type, name, props FROM stg.ci""", (base,))
        db.execute("CREATE TEMP TABLE created_n AS SELECT min(k) + ? AS n FROM stg.ci "
                   "UNION ALL SELECT max(k) + ? FROM stg.ci", (base, base))
        db.execute("DELETE FROM temp.created_n WHERE n IS NULL")
        for rel_type, n in self.batch.relation_types:
            report.count("relation", rel_type, "created", n)
        if report.totals()["relations"]["created"]:
            db.execute("DROP INDEX IF EXISTS rel_reverse")
            # integer ends are staged CIs; a text end would be a CI that vanished since the
            # checks: it gives NULL, which the NOT NULL constraint turns into an error.
            # Relations not yet checked for duplicates are checked here: in an empty store a
            # conflict can only be a duplicate, and it aborts the statement.
            conflict = ("" if self.batch.relations_checked else
                        "ON CONFLICT (src, type, dst) DO UPDATE SET props = itss_duplicate()")
            db.create_function("itss_duplicate", 0, _duplicate)
            try:
                db.execute(f"""INSERT INTO rel (src, type, dst, props)
                               SELECT CASE WHEN typeof(src) = 'integer' THEN src + ?1 END, type,
                                      CASE WHEN typeof(dst) = 'integer' THEN dst + ?1 END, props
                               FROM stg.rel WHERE true ORDER BY 1, 2, 3 {conflict}""", (base,))
            except sqlite3.OperationalError as exc:
                if "itss_duplicate" in str(exc) or "user-defined function raised" in str(exc):
                    raise RelationDuplicates() from None
                raise
            db.execute(REL_REVERSE)
        if self.details:
            self._detail_rows_fresh()

    def _detail_rows_fresh(self) -> None:
        rows = self.report.rows
        for cis in iter_cis(self.batch):
            for ci in cis:
                rows.append({"file": ci.file, "line": ci.line, "kind": "ci", "id": ci.id,
                             "outcome": "created"})
        for relations in iter_relations(self.batch):
            for r in relations:
                rows.append({"file": r.file, "line": r.line, "kind": "relation", "source": r.source,
                             "type": r.type, "target": r.target, "outcome": "created"})
        rows.sort(key=lambda r: (r["file"], r["line"]))

    # -- a store with CIs ---------------------------------------------------------------------
    def _general(self) -> None:
        db, report = self.db, self.report
        db.execute("""CREATE TEMP TABLE nmap (k INTEGER PRIMARY KEY, n INTEGER NOT NULL,
                                              old INTEGER NOT NULL)""")
        db.execute("""INSERT INTO nmap SELECT s.k, coalesce(c.n, s.k + ?), c.n IS NOT NULL
                      FROM stg.ci s LEFT JOIN main.ci c ON c.id = s.id""", (self.base,))
        db.execute("CREATE TEMP TABLE created_n AS SELECT n FROM nmap WHERE NOT old")
        self._merge_properties()
        p = self.props
        # outcomes per CI type; stubs (ENSURE) never change an existing CI
        for ci_type, outcome, n in db.execute(f"""
                SELECT s.type,
                       CASE WHEN NOT m.old THEN 'created'
                            WHEN s.mode = {ENSURE} OR (c.type = s.type AND c.name = s.name AND c.props = {p})
                            THEN 'unchanged' ELSE 'updated' END,
                       count(*)
                FROM stg.ci s JOIN nmap m USING (k) LEFT JOIN main.ci c ON c.n = m.n AND m.old
                GROUP BY 1, 2"""):
            report.count("ci", ci_type, outcome, n)
        changed_filter = "" if self.details else f"""
                WHERE m.old AND s.mode <> {ENSURE}
                  AND NOT (c.type = s.type AND c.name = s.name AND c.props = {p})"""
        line = line_sql("ci", "s", SCHEMA)
        for (ci_id, old, mode, new_type, new_name, new_props, c_type, c_name, c_props,
             file, line_no) in db.execute(f"""
                SELECT s.id, m.old, s.mode, s.type, s.name, {p}, c.type, c.name, c.props,
                       f.name, {line}
                FROM stg.ci s JOIN nmap m USING (k) LEFT JOIN main.ci c ON c.n = m.n AND m.old
                JOIN stg.file f ON f.fid = s.fid {changed_filter}"""):
            if not old:
                outcome, diff = "created", None
            elif mode == ENSURE or (c_type, c_name, c_props) == (new_type, new_name, new_props):
                outcome, diff = "unchanged", None
            else:
                outcome = "updated"
                diff = ci_diff((c_type, c_name, c_props), (new_type, new_name, new_props))
                self.history.append((ci_id, "updated", json.dumps(diff, ensure_ascii=False)))
            if self.details:
                entry = {"file": file, "line": line_no, "kind": "ci", "id": ci_id, "outcome": outcome}
                if diff:
                    entry["diff"] = diff
                report.rows.append(entry)
        totals = report.totals()["cis"]
        if totals["created"]:
            db.execute("""INSERT INTO ci (n, id, type, name, props)
                          SELECT m.n, s.id, s.type, s.name, s.props
                          FROM stg.ci s JOIN nmap m USING (k) WHERE NOT m.old""")
        if totals["updated"]:
            db.execute(f"""UPDATE ci SET type = s.type, name = s.name, props = {p}
                           FROM stg.ci s JOIN nmap m USING (k)
                           WHERE ci.n = m.n AND m.old AND s.mode <> {ENSURE}
                             AND NOT (ci.type = s.type AND ci.name = s.name AND ci.props = {p})""")
        self._general_relations()

    def _merge_properties(self) -> None:
        """Rows that merge (MERGE) into existing CIs get the stored properties under theirs
        (in ``temp.merged``: the batch is read-only), then are applied like any other row."""
        from itss_graph.model import canonical_json

        merged = [(k, canonical_json({**json.loads(old), **json.loads(new)}))
                  for k, old, new in self.db.execute(
                      f"""SELECT s.k, c.props, s.props FROM stg.ci s JOIN nmap m USING (k)
                          JOIN main.ci c ON c.n = m.n WHERE m.old AND s.mode = {MERGE}""")]
        if merged:
            self.db.execute("CREATE TEMP TABLE merged (k INTEGER PRIMARY KEY, props TEXT NOT NULL)")
            self.db.executemany("INSERT INTO temp.merged VALUES (?, ?)", merged)
            self.props = "coalesce((SELECT props FROM temp.merged WHERE k = s.k), s.props)"

    def _general_relations(self) -> None:
        db, report = self.db, self.report
        if not self.batch.relations_checked and self.batch.relation_count:
            # the checks expected an empty store (another process loaded meanwhile): the
            # staged relations must be looked at for duplicates before they meet stored ones
            raise RelationDuplicates()
        db.execute("""CREATE TEMP TABLE rmap AS
            SELECT s.rowid AS r,
                   CASE WHEN typeof(s.src) = 'integer' THEN (SELECT n FROM nmap WHERE k = s.src)
                        ELSE (SELECT n FROM main.ci WHERE id = s.src) END AS src,
                   s.type AS type,
                   CASE WHEN typeof(s.dst) = 'integer' THEN (SELECT n FROM nmap WHERE k = s.dst)
                        ELSE (SELECT n FROM main.ci WHERE id = s.dst) END AS dst,
                   s.props AS props
            FROM stg.rel s""")
        lost = db.execute("SELECT r FROM rmap WHERE src IS NULL OR dst IS NULL LIMIT 1").fetchone()
        if lost:
            raise StoreError(M_("a relation lost an end during the load (a CI was deleted by another process since the checks); nothing was written: run it again"))
        existing = db.execute("SELECT count(*) FROM rel").fetchone()[0]
        for rel_type, outcome, n in db.execute("""
                SELECT m.type, CASE WHEN r.src IS NULL THEN 'created'
                                    WHEN r.props = m.props THEN 'unchanged' ELSE 'updated' END,
                       count(*)
                FROM rmap m LEFT JOIN rel r ON r.src = m.src AND r.type = m.type AND r.dst = m.dst
                GROUP BY 1, 2"""):
            report.count("relation", rel_type, outcome, n)
        if self.details:
            line = line_sql("rel", "s", SCHEMA)
            for src, rel_type, dst, new_props, old_props, found, file, line_no in db.execute(f"""
                    SELECT a.id, m.type, b.id, m.props, r.props, r.src IS NOT NULL, f.name, {line}
                    FROM rmap m JOIN stg.rel s ON s.rowid = m.r JOIN stg.file f ON f.fid = s.fid
                    JOIN main.ci a ON a.n = m.src JOIN main.ci b ON b.n = m.dst
                    LEFT JOIN rel r ON r.src = m.src AND r.type = m.type AND r.dst = m.dst"""):
                entry = {"file": file, "line": line_no, "kind": "relation", "source": src,
                         "type": rel_type, "target": dst,
                         "outcome": "created" if not found else
                         "unchanged" if old_props == new_props else "updated"}
                if entry["outcome"] == "updated":
                    entry["diff"] = props_diff(old_props, new_props)
                report.rows.append(entry)
            report.rows.sort(key=lambda r: (r["file"], r["line"] or 0))
        totals = report.totals()["relations"]
        if totals["created"] or totals["updated"]:
            rebuild = totals["created"] * BIG_LOAD > existing
            if rebuild:
                db.execute("DROP INDEX IF EXISTS rel_reverse")
            db.execute("""INSERT INTO rel (src, type, dst, props)
                          SELECT src, type, dst, props FROM rmap WHERE true ORDER BY 1, 2, 3
                          ON CONFLICT (src, type, dst) DO UPDATE SET props = excluded.props
                          WHERE rel.props <> excluded.props""")
            if rebuild:
                db.execute(REL_REVERSE)

    # -- sources and pruning ------------------------------------------------------------------
    def _claim(self, fresh: bool) -> None:
        db, source = self.db, self.source
        if fresh:
            db.execute("INSERT OR IGNORE INTO ci_claim SELECT ?, k + ? FROM stg.ci", (source, self.base))
            db.execute("""INSERT OR IGNORE INTO rel_claim SELECT ?1, src + ?2, type, dst + ?2
                          FROM stg.rel""", (source, self.base))
        else:
            db.execute("INSERT OR IGNORE INTO ci_claim SELECT ?, n FROM nmap", (source,))
            db.execute("INSERT OR IGNORE INTO rel_claim SELECT ?, src, type, dst FROM rmap", (source,))

    def _prune(self) -> None:
        db, source, report = self.db, self.source, self.report
        # claims of this source on CIs absent from the load go; CIs nobody claims any more go
        db.execute("""CREATE TEMP TABLE doomed AS
                      SELECT n FROM ci_claim WHERE source = ? AND n NOT IN (SELECT n FROM nmap)""",
                   (source,))
        db.execute("DELETE FROM ci_claim WHERE source = ? AND n IN (SELECT n FROM temp.doomed)",
                   (source,))
        db.execute("DELETE FROM temp.doomed WHERE n IN (SELECT n FROM ci_claim)")
        rel_before = db.execute("SELECT count(*) FROM rel").fetchone()[0]
        for ci_id, c_type, c_name, c_props, n in db.execute(
                """SELECT id, type, name, props, n FROM ci WHERE n IN (SELECT n FROM temp.doomed)
                   ORDER BY id""").fetchall():
            created = db.execute("SELECT load FROM load WHERE ? BETWEEN n_first AND n_last",
                                 (n,)).fetchone()
            if created and created[0] != self.load_id:
                db.execute("INSERT OR IGNORE INTO ci_history VALUES (?, ?, 'created', '{}')",
                           (ci_id, created[0]))
            diff = {"type": [c_type, None], "name": [c_name, None],
                    **{f"props.{k}": [v, None] for k, v in sorted(json.loads(c_props).items())}}
            self.history.append((ci_id, "deleted", json.dumps(diff, ensure_ascii=False)))
            if self.details:
                report.pruned_ids.append(ci_id)
        report.pruned["cis"] = db.execute("SELECT count(*) FROM temp.doomed").fetchone()[0]
        db.execute("DELETE FROM rel WHERE src IN (SELECT n FROM temp.doomed)")
        db.execute("DELETE FROM rel WHERE dst IN (SELECT n FROM temp.doomed)")
        db.execute("""DELETE FROM rel_claim WHERE src IN (SELECT n FROM temp.doomed)
                      OR dst IN (SELECT n FROM temp.doomed)""")
        db.execute("DELETE FROM ci_claim WHERE n IN (SELECT n FROM temp.doomed)")
        db.execute("DELETE FROM ci WHERE n IN (SELECT n FROM temp.doomed)")
        # claims of this source on relations absent from the load go, and unclaimed ones with them
        db.execute("""CREATE TEMP TABLE gone AS
                      SELECT src, type, dst FROM rel_claim WHERE source = ?
                      EXCEPT SELECT src, type, dst FROM rmap""", (source,))
        db.execute("""DELETE FROM rel_claim WHERE source = ?
                      AND (src, type, dst) IN (SELECT src, type, dst FROM temp.gone)""", (source,))
        db.execute("""DELETE FROM rel WHERE (src, type, dst) IN (SELECT src, type, dst FROM temp.gone)
                      AND NOT EXISTS (SELECT 1 FROM rel_claim c
                                      WHERE c.src = rel.src AND c.type = rel.type AND c.dst = rel.dst)""")
        db.execute("DROP TABLE temp.gone")
        report.pruned["relations"] = rel_before - db.execute("SELECT count(*) FROM rel").fetchone()[0]


def _duplicate() -> str:
    raise RelationDuplicates()


def ci_history(db: sqlite3.Connection, ci_id: str) -> list[dict]:
    """The recorded changes of one CI, oldest first (see :meth:`Store.history`)."""
    events: list[dict] = []
    for load, at, source, event, diff in db.execute(
            """SELECT h.load, l.at, l.source, h.event, h.diff FROM ci_history h
               JOIN load l ON l.load = h.load WHERE h.id = ? ORDER BY h.load""", (ci_id,)):
        events.append({"load": load, "at": at, "source": source, "event": event,
                       "diff": json.loads(diff)})
    row = db.execute("SELECT n FROM ci WHERE id = ?", (ci_id,)).fetchone()
    if row:
        created = db.execute("SELECT load, at, source FROM load WHERE ? BETWEEN n_first AND n_last",
                             (row[0],)).fetchone()
        event = ({"load": created[0], "at": created[1], "source": created[2], "event": "created",
                  "diff": {}} if created else
                 {"load": None, "at": None, "source": None, "event": "created",
                  "diff": {}, "note": "before the store kept history"})
        # the current incarnation starts after the last deletion
        events.append(event)
    return sorted(events, key=lambda e: (e["load"] is not None, e["load"] or 0))
