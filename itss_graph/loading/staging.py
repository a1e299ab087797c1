"""The staging area: validated rows in a temporary SQLite database, checked as a whole.

Inputs are streamed into staging, so a load holds no inventory in Python memory. Each staged CI
gets an integer key ``k``; a relation end is stored as the ``k`` of a staged CI when the id is
known at insert time, else as the text id (a CI of the store, or one staged later) or, for ends
given by identification keys, as a negative placeholder resolved in :meth:`Staging.finish`.
Integer ends keep the staging small and let the SQLite store copy relations without looking
ids up again.

Checks across rows run here, in SQL: conflicting duplicate rows (identical ones are folded, with
a warning), relations whose ends are in neither the input nor the store, identification keys
with no or several matches, and cycles over relation types the ontology declares acyclic.
Stores then apply the staged rows in one step (:meth:`itss_graph.stores.base.Store.apply`).

Example:
    >>> from itss_graph.loading.validate import StagedCI
    >>> with Staging() as st:
    ...     st.add(StagedCI("a", "server", "a", "{}", "cis.csv", 2))
    ...     st.ci_count()
    1
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

from itss_graph.errors import Problem
from itss_graph.i18n import M_, Message
from itss_graph.loading.validate import (
    MAX_ID_LENGTH, MODE_ENSURE, WHITESPACE, KeyRef, StagedCI, StagedRelation)
from itss_graph.stores.batch import CI_DDL, REL_DDL, Batch, end_id_sql
from itss_graph.stores.batch import DDL as BATCH_DDL
from itss_graph.stores.batch import line_sql as batch_line_sql

__all__ = ["BATCH", "CI_DDL", "REL_DDL", "Staging", "WS_SQL", "id_check", "sql_text"]

BATCH = 5000


def sql_text(text: str) -> str:
    """A SQL string literal for a constant of this module (quotes doubled; no NUL allowed)."""
    assert "\x00" not in text
    return "'" + text.replace("'", "''") + "'"


WS_SQL = sql_text(WHITESPACE)  # the characters str.strip() removes


def id_check(column: str) -> str:
    """SQL that is true when ``column`` holds a valid id: the bulk path's half of
    :func:`itss_graph.loading.validate.check_identifier` (other control characters than TAB, LF
    and CR are ruled out before, by the byte scan of the file)."""
    return (f"(length({column}) BETWEEN 1 AND {MAX_ID_LENGTH} AND {column} = trim({column}, {WS_SQL})"
            f" AND {column} NOT GLOB {sql_text('*[' + chr(9) + chr(10) + chr(13) + ']*')})")


# Rows are checked before they come here: one by one (validate.py) or in bulk (fastcsv.py).
# The tables a store reads (file, segment, ci, rel) are the loader→store contract, declared in
# itss_graph.stores.batch; the others are the stager's own.
SCHEMA = f"""
{BATCH_DDL}
CREATE TABLE ref (n INTEGER PRIMARY KEY, keys TEXT NOT NULL, type TEXT,
                  optional INTEGER NOT NULL DEFAULT 0, column_name TEXT);
CREATE TABLE warning (fid INTEGER, line INTEGER, field TEXT, message TEXT, value TEXT,
                      template TEXT);  -- the message's catalogue form (i18n.Message.encode)
CREATE TABLE skipped_id (id TEXT PRIMARY KEY) WITHOUT ROWID;  -- CIs whose rows had errors
-- rows per type, counted where it is cheap (bulk workers, row by row); see type_counts()
CREATE TABLE tally (kind TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL);
"""

# A relation insert that finds the staged CI of each end by id at once.
# (Integer ends are key-reference placeholders and are not looked up.)
INSERT_REL = """INSERT INTO rel (src, type, dst, props, fid, line, quiet) VALUES (
    CASE WHEN typeof(?1) = 'integer' THEN ?1 ELSE coalesce((SELECT k FROM ci WHERE id = ?1), ?1) END,
    ?2,
    CASE WHEN typeof(?3) = 'integer' THEN ?3 ELSE coalesce((SELECT k FROM ci WHERE id = ?3), ?3) END,
    ?4, ?5, ?6, ?7)"""


PREFIX = "itss-staging-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")
LEGACY_AGE_S = 24 * 3600  # staging files named without their process: swept after a day


def sweep_stale(directory: Path | None = None) -> list[Path]:
    """Delete staging files (and their shards and journals) left by loads whose process is
    gone — killed with SIGKILL, or by a power cut — and return them. A staging file's name
    carries the id of the process that owns it."""
    directory = Path(directory or tempfile.gettempdir())
    removed = []
    try:
        entries = list(directory.glob(PREFIX + "*"))
    except OSError:
        return removed
    now = time.time()
    for path in entries:
        owner = _OWNED.match(path.name)
        try:
            if owner is not None:
                if _alive(int(owner.group(1))):
                    continue
            elif now - path.stat().st_mtime < LEGACY_AGE_S:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # gone meanwhile, or not ours to delete
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process: alive, and not ours
    return True


class Staging:
    """A temporary staging database (deleted on close; left-overs of killed loads are swept
    when the next one starts)."""

    def __init__(self, directory: Path | None = None):
        sweep_stale(directory)
        fd, name = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".db", dir=directory)
        self.path = Path(name)
        db = None
        try:  # until __init__ returns, no caller can close it: an interruption here (SIGTERM
            # right after the file appears) must delete the file itself
            os.close(fd)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.executescript("PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
                             "PRAGMA cache_size=-65536; PRAGMA temp_store=FILE;" + SCHEMA)
            db.execute("BEGIN")
        except BaseException:
            if db is not None:
                db.close()
            self.path.unlink(missing_ok=True)
            raise
        self.db = db
        self._ci_buffer: list[tuple] = []
        self._rel_buffer: list[tuple] = []
        self._files: dict[str, int] = {}
        self._refs: dict[KeyRef, int] = {}
        self.ci_index = False
        self.finished = False
        self.relations_checked = False  # duplicate relations looked for (fold_duplicates)
        # relation ends that are text (not staged CIs): only then are they looked for
        self.has_text_ends = False
        # the tally table counts every staged row; a deletion makes it stale
        self.tally_valid = True
        self._counts: dict[tuple[str, str], int] = {}

    # -- filling -------------------------------------------------------------------------------
    def file_id(self, name: str) -> int:
        """The number standing for an input file in staged rows."""
        fid = self._files.get(name)
        if fid is None:
            fid = self.db.execute("INSERT INTO file (name) VALUES (?)", (name,)).lastrowid
            self._files[name] = fid
        return fid

    def file_name(self, fid: int) -> str:
        return self.db.execute("SELECT name FROM file WHERE fid = ?", (fid,)).fetchone()[0]

    def add(self, record: StagedCI | StagedRelation) -> None:
        if isinstance(record, StagedCI):
            if self._rel_buffer:
                self._flush()
            self._ci_buffer.append((record.id, record.type, record.name, record.props,
                                    self.file_id(record.file), record.line, record.mode, record.keys))
            key = ("ci", record.type)
            self._counts[key] = self._counts.get(key, 0) + 1
            if len(self._ci_buffer) >= BATCH:
                self._flush()
        else:
            if self._ci_buffer:
                self._flush()
            self._rel_buffer.append((self._end(record.source), record.type, self._end(record.target),
                                     record.props, self.file_id(record.file), record.line,
                                     int(record.quiet)))
            self.has_text_ends = True  # (when the CI is staged later, or is in the store)
            key = ("relation", record.type)
            self._counts[key] = self._counts.get(key, 0) + 1
            if len(self._rel_buffer) >= BATCH:
                self._flush()

    def warn(self, file: str, line: int | None, field: str | None, message: str,
             value: str | None = None) -> None:
        """Record a warning for the row report (the row is loaded)."""
        template = message.encode() if isinstance(message, Message) else None
        self.db.execute("INSERT INTO warning VALUES (?, ?, ?, ?, ?, ?)",
                        (self.file_id(file), line, field, message, value, template))

    def note_skipped(self, ci_id: str) -> None:
        """A CI row with this id had errors and was left out (relations to it are then told so)."""
        try:
            self.db.execute("INSERT OR IGNORE INTO skipped_id VALUES (?)", (ci_id,))
        except UnicodeEncodeError:
            pass  # not text (a lone surrogate): no relation can name it either

    def _end(self, end: str | KeyRef) -> str | int:
        if isinstance(end, str):
            return end
        n = self._refs.get(end)
        if n is None:
            n = self.db.execute("INSERT INTO ref (keys, type, optional, column_name) VALUES (?, ?, ?, ?)",
                                (json.dumps([list(k) for k in end.keys], ensure_ascii=False),
                                 end.type, int(end.optional), end.column)).lastrowid
            self._refs[end] = n
        return -n

    def count(self, kind: str, counts) -> None:
        """Add bulk-staged rows per type (``counts``: pairs of type and number)."""
        for type_name, n in counts:
            key = (kind, type_name)
            self._counts[key] = self._counts.get(key, 0) + n

    def type_counts(self, kind: str) -> list[tuple[str, int]]:
        """(type, rows) of the staged CIs (``kind`` "ci") or relations ("relation")."""
        if self.tally_valid:
            return sorted((t, n) for (k, t), n in self._counts.items() if k == kind and n)
        table = "ci" if kind == "ci" else "rel"
        return self.db.execute(f"SELECT type, count(*) FROM {table} GROUP BY type ORDER BY type").fetchall()

    def staged_rows(self) -> int:
        """Rows staged so far (CIs and relations, every path)."""
        return sum(self._counts.values())

    def rows_deleted(self) -> None:
        """Staged rows were deleted: per-type counts must be taken again."""
        self.tally_valid = False

    def _flush(self) -> None:
        if self._ci_buffer:
            self.db.executemany(
                "INSERT INTO ci (id, type, name, props, fid, line, mode, keys) VALUES (?,?,?,?,?,?,?,?)",
                self._ci_buffer)
            self._ci_buffer.clear()
        if self._rel_buffer:
            self.ensure_ci_index()
            self.db.executemany(INSERT_REL, self._rel_buffer)
            self._rel_buffer.clear()

    def ensure_ci_index(self) -> None:
        """The index on staged CI ids (built once the CIs of the first files are in)."""
        if not self.ci_index:
            self.db.execute("CREATE INDEX ci_id ON ci(id)")
            self.ci_index = True

    def commit(self) -> None:
        """Make staged rows visible to other connections (workers, the store's ATTACH)."""
        self._flush()
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")

    def finish(self) -> None:
        """Resolve relation ends staged before their CI (call once, after the last add)."""
        self._flush()
        self.ensure_ci_index()
        if self.has_text_ends:
            for end in ("src", "dst"):
                self.db.execute(f"""
                    UPDATE rel SET {end} = (SELECT min(k) FROM ci WHERE id = rel.{end})
                    WHERE typeof({end}) = 'text' AND EXISTS (SELECT 1 FROM ci WHERE id = rel.{end})""")
        self.commit()
        self.finished = True

    # -- checks across rows -------------------------------------------------------------------
    def line_sql(self, table: str, alias: str) -> str:
        """SQL for the line of a row of ``table`` (``ci`` or ``rel``) aliased ``alias``."""
        return batch_line_sql(table, alias)

    def fold_duplicates(self, limit: int, drop: bool = False, *,
                        relations: bool = True) -> list[Problem]:
        """Fold identical duplicate CIs and relations (keeping the first; a warning each) and
        return a problem for each row that gives an id or a relation different content (with
        ``drop``, such rows are left out and the first one is kept).

        ``relations=False`` leaves relations for later (:meth:`fold_relation_duplicates`): a
        store that detects them while writing (the embedded store, loading into an empty file)
        asks for the check only when there are any, which saves a sort of every relation.
        """
        problems = self._ci_duplicates(limit, drop)
        if relations:
            problems += self.fold_relation_duplicates(limit - len(problems), drop)
        return problems

    def fold_relation_duplicates(self, limit: int, drop: bool = False) -> list[Problem]:
        """The relation half of :meth:`fold_duplicates`; marks relations as checked."""
        problems = self._rel_duplicates(limit, drop)
        self.relations_checked = True
        return problems

    def _ci_duplicates(self, limit: int, drop: bool) -> list[Problem]:
        dup_ids = [r[0] for r in self.db.execute(
            "SELECT id FROM ci GROUP BY id HAVING count(*) > 1 ORDER BY id")]
        if not dup_ids:
            return []
        problems: list[Problem] = []
        remap: list[tuple[int, int]] = []
        line = self.line_sql("ci", "c")
        for ci_id in dup_ids:
            rows = self.db.execute(
                f"SELECT c.k, c.type, c.name, c.props, f.name, {line}, c.mode FROM ci c "
                "JOIN file f USING (fid) WHERE c.id = ? ORDER BY c.mode, c.k", (ci_id,)).fetchall()
            first = rows[0]
            for k, ci_type, name, props, file, line_no, mode in rows[1:]:
                remap.append((k, first[0]))
                if mode == MODE_ENSURE and first[6] != MODE_ENSURE:
                    continue  # a stub named again by a full row: the full row wins
                if (ci_type, name, props) != first[1:4]:
                    problems.append(Problem(
                        file, line_no, "id",
                        M_("CI {ci_id!r} is also defined, differently, at {file}:{line}",
                           ci_id=ci_id, file=first[4], line=first[5]),
                        ci_id))
                elif mode != MODE_ENSURE:  # stubs repeat by design (one per row naming them)
                    self.warn(file, line_no, "id",
                              M_("CI {ci_id!r} repeats {file}:{line} identically; folded",
                                 ci_id=ci_id, file=first[4], line=first[5]), ci_id)
        if not problems or drop:
            self._apply_remap(remap)
        return problems[:limit]

    def _apply_remap(self, remap: list[tuple[int, int]]) -> None:
        self.db.execute("CREATE TEMP TABLE remap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        self.db.executemany("INSERT INTO remap VALUES (?, ?)", remap)
        for end in ("src", "dst"):
            self.db.execute(f"""UPDATE rel SET {end} = (SELECT new FROM remap WHERE old = rel.{end})
                                WHERE typeof({end}) = 'integer' AND {end} IN (SELECT old FROM remap)""")
        self.db.execute("DELETE FROM ci WHERE k IN (SELECT old FROM remap)")
        self.rows_deleted()
        self.db.execute("DROP TABLE remap")

    def _rel_duplicates(self, limit: int, drop: bool) -> list[Problem]:
        groups = self.db.execute(
            """SELECT src, type, dst, count(DISTINCT props) FROM rel
               GROUP BY src, type, dst HAVING count(*) > 1""").fetchall()
        if not groups:
            return []
        problems: list[Problem] = []
        gone: list[int] = []
        line = self.line_sql("rel", "r")
        for src, rel_type, dst, distinct in groups:
            rows = self.db.execute(
                f"SELECT r.rowid, f.name, {line}, r.quiet FROM rel r JOIN file f USING (fid) "
                "WHERE r.src IS ? AND r.type = ? AND r.dst IS ? ORDER BY r.rowid",
                (src, rel_type, dst)).fetchall()
            shown = f"{self.end_label(src)} -[{rel_type}]-> {self.end_label(dst)}"
            first_file, first_line = rows[0][1], rows[0][2]
            for rowid, file, line_no, quiet in rows[1:]:
                if distinct > 1:
                    problems.append(Problem(
                        file, line_no, "source",
                        M_("relation {shown} is also given, with other properties, at {first_file}:{first_line}",
                           shown=shown, first_file=first_file, first_line=first_line)))
                elif not quiet:
                    self.warn(file, line_no, "source",
                              M_("relation {shown} repeats {first_file}:{first_line} identically; folded",
                                 shown=shown, first_file=first_file, first_line=first_line))
                gone.append(rowid)
        if (not problems or drop) and gone:
            self.db.executemany("DELETE FROM rel WHERE rowid = ?", ((r,) for r in gone))
            self.rows_deleted()
        problems.sort(key=lambda p: (p.file, p.line or 0))
        return problems[:limit]

    def end_label(self, end: int | str) -> str:
        """The id a relation end stands for (text for messages)."""
        if isinstance(end, int) and end > 0:
            row = self.db.execute("SELECT id FROM ci WHERE k = ?", (end,)).fetchone()
            return row[0] if row else f"#{end}"
        if isinstance(end, int):
            keys, ci_type = self.db.execute("SELECT keys, type FROM ref WHERE n = ?", (-end,)).fetchone()
            return KeyRef(tuple(tuple(k) for k in json.loads(keys)), ci_type).describe()
        return str(end)

    def text_ends(self) -> list[str]:
        """Distinct relation ends that are ids of no staged CI (CIs of the store, or dangling)."""
        if not self.has_text_ends:
            return []
        return [r[0] for r in self.db.execute(
            """SELECT src FROM rel WHERE typeof(src) = 'text'
               UNION SELECT dst FROM rel WHERE typeof(dst) = 'text' ORDER BY 1""")]

    def dangling_references(self, exists_in_store: Callable[[list[str]], set[str]],
                            limit: int, drop: bool = False, *,
                            report_skipped: bool = True) -> list[Problem]:
        """Relation ends that are neither staged CIs nor CIs already in the store (with
        ``drop``, their rows are left out; ``report_skipped=False``: ends that are CIs whose
        rows had errors are not problems of their own)."""
        missing = self.text_ends()
        unknown: set[str] = set()
        for start in range(0, len(missing), BATCH):
            chunk = missing[start:start + BATCH]
            unknown.update(set(chunk) - exists_in_store(chunk))
        if not unknown:
            return []
        self.db.execute("CREATE TEMP TABLE unknown_ids (id TEXT PRIMARY KEY)")
        self.db.executemany("INSERT INTO unknown_ids VALUES (?)", ((i,) for i in unknown))
        problems = []
        line = self.line_sql("rel", "r")
        rows = self.db.execute(
            f"""SELECT r.rowid, r.src, r.dst, f.name, {line} AS line,
                       typeof(r.src) = 'text' AND r.src IN (SELECT id FROM unknown_ids)
               FROM rel r JOIN file f USING (fid)
               WHERE (typeof(r.src) = 'text' AND r.src IN (SELECT id FROM unknown_ids))
                  OR (typeof(r.dst) = 'text' AND r.dst IN (SELECT id FROM unknown_ids))
               ORDER BY f.name, line""").fetchall()
        skipped = {r[0] for r in self.db.execute(
            "SELECT id FROM skipped_id WHERE id IN (SELECT id FROM unknown_ids)")}
        for rowid, src, dst, file, line_no, src_missing in rows:
            field, ref = ("source", src) if src_missing else ("target", dst)
            why = (M_("its row has errors") if ref in skipped
                   else M_("not in the input nor in the store"))
            if ref in skipped and not report_skipped:
                continue
            if len(problems) < limit:
                problems.append(Problem(file, line_no, field, M_("unknown CI {ref!r}: {why}",
                                                                 ref=ref, why=why), ref))
        if drop and rows:
            self.db.executemany("DELETE FROM rel WHERE rowid = ?", ((r[0],) for r in rows))
            self.rows_deleted()
        self.db.execute("DROP TABLE unknown_ids")
        return problems

    # -- reading ------------------------------------------------------------------------------
    def ci_count(self) -> int:
        self._flush()
        return self.db.execute("SELECT COUNT(*) FROM ci").fetchone()[0]

    def relation_count(self) -> int:
        self._flush()
        return self.db.execute("SELECT COUNT(*) FROM rel").fetchone()[0]

    def warnings(self) -> list[Problem]:
        return [Problem(f, line, field, Message.decode(template) if template else message, value)
                for f, line, field, message, value, template in
                self.db.execute("""SELECT f.name, w.line, w.field, w.message, w.value, w.template
                                   FROM warning w LEFT JOIN file f USING (fid)
                                   ORDER BY f.name, w.line""")]

    def iter_cis(self, batch: int = 10000) -> Iterator[list[tuple[str, str, str, str]]]:
        """Batches of (id, type, name, props_json), in id order."""
        yield from self._batches("SELECT id, type, name, props FROM ci ORDER BY id", batch)

    def iter_ci_rows(self, batch: int = 10000) -> Iterator[list[tuple]]:
        """Batches of (id, type, name, props_json, mode, file, line), in id order."""
        line = self.line_sql("ci", "c")
        yield from self._batches(
            f"""SELECT c.id, c.type, c.name, c.props, c.mode, f.name, {line}
                FROM ci c JOIN file f USING (fid) ORDER BY c.id""", batch)

    def iter_relations(self, batch: int = 10000) -> Iterator[list[tuple[str, str, str, str]]]:
        """Batches of (source, type, target, props_json), in (type, source, target) order."""
        yield from self._batches(
            f"""SELECT {self._end_id('r.src')} AS s, r.type, {self._end_id('r.dst')} AS d, r.props
                FROM rel r ORDER BY r.type, s, d""", batch)

    def iter_relation_rows(self, batch: int = 10000) -> Iterator[list[tuple]]:
        """Batches of (source, type, target, props_json, file, line), in (type, source, target)
        order."""
        line = self.line_sql("rel", "r")
        yield from self._batches(
            f"""SELECT {self._end_id('r.src')} AS s, r.type, {self._end_id('r.dst')} AS d, r.props,
                       f.name, {line}
                FROM rel r JOIN file f USING (fid) ORDER BY r.type, s, d""", batch)

    @staticmethod
    def _end_id(column: str) -> str:
        return end_id_sql(column)

    def _batches(self, sql: str, batch: int) -> Iterator[list[tuple]]:
        self._flush()
        cursor = self.db.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows

    # -- the hand-over ------------------------------------------------------------------------
    def batch(self, *, source: str | None = None, prune: bool = False,
              inputs: Sequence[str] = ()) -> Batch:
        """The checked rows as the batch a store applies (:mod:`itss_graph.stores.batch`):
        staged rows are committed, counted per type, and described with the load's claims
        (``source``), prune scope and inputs. Call after the checks, before each apply."""
        self.commit()
        batch = Batch(self.path, tuple(self.type_counts("ci")), tuple(self.type_counts("relation")),
                      relations_checked=self.relations_checked, source=source,
                      prune=prune and source is not None, inputs=tuple(inputs))
        self.begin()
        return batch

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.db.close()
        finally:
            for path in self.path.parent.glob(self.path.name + "*"):  # journals, worker shards
                path.unlink(missing_ok=True)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
