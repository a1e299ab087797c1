"""The bulk path for canonical CSV files: rows go from the csv module straight into staging.

Per-row Python costs more than everything else in a million-row load, so canonical CSV files
are handed to ``executemany`` without a Python loop: properties are built by ``json_object`` in
the same canonical JSON as :func:`itss_graph.model.canonical_json`, ids are checked by the
staging table's CHECK constraints, relation ends are looked up among the staged CIs as they are
inserted, and type names are resolved afterwards, once per distinct spelling. Line numbers are
implied by row order when the file has no quotes and no blank lines (a record is then exactly
one line), or computed from the reader otherwise.

This path is optimistic: it only has to *notice* that a row may be invalid (an unknown type, a
ragged row, a control character anywhere in the file, a failed CHECK, an id that is not plain
ASCII and holds an invisible character or is not in normal form C). Then the file's rows are
rolled back and :mod:`itss_graph.loading.validate` reads it row by row and reports every problem
exactly. A file either goes through here completely or not at all.

Large files are cut at record boundaries and staged by several processes, each into its own
shard database, then copied into the staging database.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.loading.staging import Staging
    >>> from itss_graph.schema import load_schema
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\na,A,服务器\\n")
    >>> with Staging() as st:
    ...     stage_csv(st, d / "cis.csv", load_schema())
    ...     st.db.execute("SELECT id, type FROM ci").fetchall()
    True
    [('a', 'server')]
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
import os
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from itss_graph.loading.csvfile import CSV_FIELD_LIMIT, open_csv
from itss_graph.loading.encoding import INVISIBLE, FileScan, scan_file
from itss_graph.loading.processes import run_workers
from itss_graph.loading.readers import csv_kind
from itss_graph.loading.staging import id_check
from itss_graph.loading.validate import MAX_VALUE_LENGTH

PARALLEL_MIN_BYTES = 24 << 20  # cut files larger than this across processes
MAX_WORKERS = 4
_BULK_ERRORS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.OperationalError,
                ValueError, csv.Error)


@dataclass(frozen=True)
class Plan:
    """How one CSV file is inserted: the statement and the constant tail of its parameters."""

    kind: str  # "ci" or "relation"
    sql: str
    tail: list[Any]
    simple_lines: bool
    columns: tuple[str, ...] = ()
    fid: int = 0
    quoted: bool = False
    ascii: bool = False  # the file is plain ASCII: no id can be odd (see rows_are_sound)

    def with_reader_lines(self) -> "Plan":
        """The same plan, taking line numbers from the reader instead of row order."""
        return plan_for(self.kind, list(self.columns), self.fid, simple_lines=False,
                        quoted=self.quoted, lookup=self.lookup, ascii=self.ascii)

    @property
    def lookup(self) -> str:
        return "main_staging.ci" if "main_staging.ci" in self.sql else "ci"

    @property
    def table(self) -> str:
        return "ci" if self.kind == "ci" else "rel"

    @property
    def key(self) -> str:
        return "k" if self.kind == "ci" else "rowid"


def plan_for(kind: str, columns: list[str], fid: int, *, simple_lines: bool,
             quoted: bool, lookup: str = "ci", ascii: bool = False) -> Plan | None:
    """The INSERT for a canonical header, or None when a column name needs the careful path.

    Types are inserted as written (:func:`resolve_types` makes them canonical); a CI id that
    breaks a rule becomes NULL, which the NOT NULL constraint refuses. ``quoted`` files may hold
    CR or line breaks inside values, which are then looked for too.
    """
    width = len(columns)
    position = {c: i + 1 for i, c in enumerate(columns)}
    fixed = ("id", "name", "type") if kind == "ci" else ("source", "type", "target")
    extras = sorted(c for c in columns if c not in fixed)
    if any(c != c.strip() or not c.isprintable() for c in extras):
        return None
    params = itertools.count(width + 1)
    key_params = {c: next(params) for c in extras}
    tail: list[Any] = list(extras)
    if extras:
        pairs = ", ".join(f"?{key_params[c]}, nullif(?{position[c]}, '')" for c in extras)
        values = " || ".join(f"?{position[c]}" for c in extras)
        # a row with every extra column empty (most relations) has no properties: no JSON built
        props = f"CASE WHEN {values} = '' THEN '{{}}' ELSE json_patch('{{}}', json_object({pairs})) END"
        if quoted:
            props = f"CASE WHEN instr({values}, char(13)) THEN NULL ELSE {props} END"
    else:
        props = "'{}'"
    if simple_lines:
        line = "NULL"
    else:  # the reader's line (where the record ends) minus the line breaks inside it
        every = " || ".join(f"?{i}" for i in range(1, width + 1))
        line = (f"?{width + 1 + len(extras)} - "
                f"(length({every}) - length(replace({every}, char(10), '')))")
    fid = int(fid)  # an internal number, never input text
    if kind == "ci":
        i_id = position["id"]
        checked_id = f"CASE WHEN {id_check(f'?{i_id}')} THEN ?{i_id} END"
        name = f"coalesce(nullif(?{position['name']}, ''), ?{i_id})" if "name" in position else f"?{i_id}"
        if quoted:
            name = f"CASE WHEN instr({name}, char(13)) THEN NULL ELSE {name} END"
        sql = (f"INSERT INTO ci (id, type, name, props, fid, line) VALUES "
               f"({checked_id}, ?{position['type']}, {name}, {props}, {fid}, {line})")
    else:
        s, t, d = position["source"], position["type"], position["target"]
        sql = (f"INSERT INTO rel (src, type, dst, props, fid, line) VALUES ("
               f"coalesce((SELECT k FROM {lookup} WHERE id = ?{s}), ?{s}), ?{t}, "
               f"coalesce((SELECT k FROM {lookup} WHERE id = ?{d}), ?{d}), {props}, {fid}, {line})")
    return Plan(kind, sql, tail, simple_lines, tuple(columns), fid, quoted, ascii)


def rows_for(reader: Any, plan: Plan):
    """The parameter rows for ``plan`` from a csv reader, built without a Python-level loop:
    blank records dropped, the constant tail (and the reader's line number) appended."""
    records = filter(None, reader)
    if plan.simple_lines:
        return map(list.__add__, records, itertools.repeat(plan.tail)) if plan.tail else records
    # map() takes the record first, then reads line_num: the line the record ends on
    lines = map(list, zip(map(operator.attrgetter("line_num"), itertools.repeat(reader))))
    return map(list.__add__, map(list.__add__, records, itertools.repeat(plan.tail)), lines)


def resolve_types(db: sqlite3.Connection, plan: Plan, first: int, last: int,
                  schema) -> dict[str, int] | None:
    """Make the type names of rows ``first..last`` canonical (``服务器`` → ``server``), one
    UPDATE per distinct spelling that is not; the rows per canonical type, or None when a
    spelling is unknown."""
    resolve = schema.resolve_ci_type if plan.kind == "ci" else schema.resolve_relation_type
    counts: dict[str, int] = {}
    for raw, n in db.execute(f"SELECT type, count(*) FROM {plan.table} "
                             f"WHERE {plan.key} BETWEEN ? AND ? GROUP BY type", (first, last)).fetchall():
        canonical = resolve(raw) if isinstance(raw, str) else None
        if canonical is None:
            return None
        if canonical != raw:
            db.execute(f"UPDATE {plan.table} SET type = ? WHERE {plan.key} BETWEEN ? AND ? AND type = ?",
                       (canonical, first, last, raw))
        counts[canonical] = counts.get(canonical, 0) + n
    return counts


# a min_up that is not plain digits without a leading zero: validate.py decides (CSV gives text).
# The properties were written by json_object (compact JSON), so a row without the text
# '"min_up":' has no such key: most rows are settled without parsing their JSON (three
# json_extract calls a row were a third of staging a relations file)
_MIN_UP_IN_DOUBT = ("(CASE WHEN instr(props, '\"min_up\":') = 0 THEN 0 ELSE "
                    "json_extract(props, '$.min_up') IS NOT NULL AND NOT "
                    "(json_extract(props, '$.min_up') GLOB '[1-9]*' AND "
                    "json_extract(props, '$.min_up') NOT GLOB '*[^0-9]*') END)")


def rows_are_sound(db: sqlite3.Connection, plan: Plan, first: int, last: int) -> tuple[bool, bool]:
    """The checks not made while inserting — long names and values, a ``min_up`` that may not
    be a whole number, relation ends that are not staged CIs (text) but break the id rules —
    and whether there are such text ends at all: (sound, has text ends)."""
    from itss_graph.loading.validate import MAX_NAME_LENGTH

    db.create_function("odd_id", 1, _odd_id, deterministic=True)
    if plan.kind == "ci":
        bad = db.execute(
            f"""SELECT EXISTS (SELECT 1 FROM ci WHERE k BETWEEN ?1 AND ?2
                AND (length(name) > {MAX_NAME_LENGTH} OR length(props) > {MAX_VALUE_LENGTH}
                     OR {_odd('id', plan)} OR {_MIN_UP_IN_DOUBT}))""",
            (first, last)).fetchone()[0]
        return not bad, False
    bad, text = db.execute(
        f"""SELECT coalesce(max(length(props) > {MAX_VALUE_LENGTH}
                        OR {_MIN_UP_IN_DOUBT}
                        OR {_text_end_breaks_rules('src', plan)}
                        OR {_text_end_breaks_rules('dst', plan)}), 0),
                   coalesce(max(typeof(src) = 'text' OR typeof(dst) = 'text'), 0)
            FROM rel WHERE rowid BETWEEN ?1 AND ?2""", (first, last)).fetchone()
    return not bad, bool(text)


def eligible(scan: FileScan) -> bool:
    """Whether the bytes of a file allow the bulk path at all: the byte facts must be
    meaningful (an ASCII-compatible encoding) and rule out control characters, which only the
    row-by-row checks report."""
    return scan.ascii_compatible and not scan.has_bad_control


# Ids the bulk path must not take as they are: invisible characters (refused) or text not in
# normal form C (normalised): checked in Python, only for ids that are not plain ASCII (more
# bytes than characters), and not at all in a file that is plain ASCII.


def _text_end_breaks_rules(column: str, plan: "Plan") -> str:
    """SQL: the relation end in ``column`` is text (not a staged CI's key) that breaks the id
    rules. CASE, not AND: SQLite evaluated the id checks of every end (a third of the time
    spent checking a relations file), when nearly all ends are keys."""
    return (f"(CASE WHEN typeof({column}) = 'text' THEN NOT {id_check(column)} OR {_odd(column, plan)} "
            f"ELSE 0 END)")


def _odd(column: str, plan: "Plan") -> str:
    """SQL: the id in ``column`` is odd. CASE, not AND: SQLite evaluates both sides of an AND,
    and the Python check must run only for the few ids that are not plain ASCII."""
    if plan.ascii:
        return "0"
    return (f"(CASE WHEN typeof({column}) = 'text' AND length(CAST({column} AS BLOB)) > "
            f"length({column}) THEN odd_id({column}) ELSE 0 END)")


def _odd_id(text) -> int:
    return int(isinstance(text, str) and (INVISIBLE.search(text) is not None
                                          or not unicodedata.is_normalized("NFC", text)))


def stage_csv(staging, path: Path, schema, scan: FileScan | None = None, *, progress=None,
              workers: int | None = None) -> bool:
    """Stage a canonical CSV file in bulk; False (and nothing of it staged) when its rows must
    be read one by one to find their problems. Large files use several processes."""
    scan = scan or scan_file(path)
    if not eligible(scan):
        return False
    fh, reader, columns = open_csv(path, scan)
    with fh:
        kind = csv_kind(str(path), columns)
        fid = staging.file_id(str(path))
        header_lines = reader.line_num
        simple = not scan.has_quote and not scan.lone_cr
        plan = plan_for(kind, columns, fid, simple_lines=simple, quoted=scan.has_quote,
                        ascii=scan.ascii)
        if plan is None:
            return False
        if kind == "relation":
            staging.ensure_ci_index()
        n = workers or min(os.cpu_count() or 1, MAX_WORKERS)
        if n > 1 and scan.size >= PARALLEL_MIN_BYTES:
            body = _body_offset(path, scan, header_lines)
            delimiter = reader.dialect.delimiter
            try:
                return _stage_parallel(staging, path, scan, plan, body, delimiter, n, progress)
            except (OSError, RuntimeError):
                pass  # no worker processes here (a sandbox, an embedded Python): one process
        ticker = (lambda: progress.update(fh.buffer.tell())) if progress and progress.enabled else None
        lines = scan.lines - header_lines
        result = _stage_serial(staging.db, plan, reader, schema, header_lines + 1, lines, ticker,
                               reopen=lambda: _reopen(path, scan, header_lines))
        if result is None:
            return False
        staging.count(kind, result.counts.items())
        staging.has_text_ends = staging.has_text_ends or result.text_ends
        return True


def _reopen(path: Path, scan: FileScan, header_lines: int):
    fh, reader, _ = open_csv(path, scan)
    while reader.line_num < header_lines:
        next(reader)
    return fh, reader


def _stage_serial(db, plan: Plan, reader: Any, schema, line0: int, lines: int, ticker,
                  reopen) -> Inserted | None:
    """Insert one file's records inside a savepoint; with implied line numbers, check that the
    file had no blank lines (else read it again computing them)."""
    db.execute("SAVEPOINT bulk")
    result = _insert(db, plan, reader, schema, ticker=ticker)
    if result is not None and plan.simple_lines and result.last - result.first + 1 != lines:
        db.execute("ROLLBACK TO bulk")  # blank lines: numbers are not implied by row order
        plan = plan.with_reader_lines()
        fh, reader = reopen()
        with fh:
            result = _insert(db, plan, reader, schema, ticker=ticker)
    if result is None:
        db.execute("ROLLBACK TO bulk")
        db.execute("RELEASE bulk")
        return None
    if plan.simple_lines and result.last >= result.first:
        db.execute("INSERT INTO segment VALUES (?, ?, ?, ?)",
                   (plan.table, result.first, result.last, line0))
    db.execute("RELEASE bulk")
    return result


@dataclass
class Inserted:
    """What the bulk insert of one file (or piece) staged."""

    first: int
    last: int
    counts: dict[str, int]
    text_ends: bool


def _insert(db: sqlite3.Connection, plan: Plan, reader: Any, schema, *,
            ticker: Callable[[], Any] | None = None) -> Inserted | None:
    """Insert every record; what was staged, or None on any sign of trouble (the caller rolls
    back)."""
    if ticker is not None:  # called between SQLite steps: no per-row cost in Python
        def handler() -> int:
            ticker()
            return 0

        db.set_progress_handler(handler, 500_000)
    try:
        first = db.execute(f"SELECT coalesce(max({plan.key}), 0) + 1 FROM {plan.table}").fetchone()[0]
        db.executemany(plan.sql, rows_for(reader, plan))
        last = db.execute(f"SELECT coalesce(max({plan.key}), 0) FROM {plan.table}").fetchone()[0]
        if last < first:
            return Inserted(first, last, {}, False)
        counts = resolve_types(db, plan, first, last, schema)
        if counts is None:
            return None
        sound, text_ends = rows_are_sound(db, plan, first, last)
        return Inserted(first, last, counts, text_ends) if sound else None
    except _BULK_ERRORS:
        return None
    finally:
        if ticker is not None:
            db.set_progress_handler(None, 0)


# -- several processes for one large file ------------------------------------------------------

class _ByteRange(io.RawIOBase):
    """A read-only window [start, end) of a binary file."""

    def __init__(self, path: Path, start: int, end: int):
        self._fh = open(path, "rb")
        self._fh.seek(start)
        self._left = end - start
        self._read = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._read

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[:self._left]
        n = self._fh.readinto(view)
        self._left -= n
        self._read += n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def split_points(path: Path, size: int, body_start: int, parts: int) -> list[tuple[int, int, int]]:
    """Byte ranges ``(start, end, first_line)`` cutting the body of a CSV file at record
    boundaries: newlines with an even number of quote bytes before them (outside quotes).
    Quote and newline bytes never occur inside multi-byte UTF-8 or GB18030 characters."""
    targets = [body_start + (size - body_start) * i // parts for i in range(1, parts)]
    cuts = [body_start]
    with open(path, "rb") as fh:
        head = fh.read(body_start)
        quotes, newlines, position = head.count(b'"'), head.count(b"\n"), body_start
        lines = [newlines + 1]
        for target in targets:
            if target > position:
                block = fh.read(target - position)
                quotes += block.count(b'"')
                newlines += block.count(b"\n")
                position = target
            while True:  # the next newline with balanced quotes before it
                window = fh.read(1 << 16)
                if not window:
                    break
                nl = window.find(b"\n")
                if nl < 0:
                    quotes += window.count(b'"')
                    newlines += window.count(b"\n")
                    position += len(window)
                    continue
                quotes += window.count(b'"', 0, nl)
                newlines += 1
                position += nl + 1
                fh.seek(position)
                if quotes % 2 == 0:
                    break
            if position < size and position > cuts[-1]:
                cuts.append(position)
                lines.append(newlines + 1)
    cuts.append(size)
    return [(cuts[i], cuts[i + 1], lines[i]) for i in range(len(cuts) - 1)]


class _LineOffset:
    """A csv reader whose ``line_num`` counts from a chunk's first line in the whole file."""

    def __init__(self, reader: Any, offset: int):
        self._reader = reader
        self._offset = offset

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._reader)

    @property
    def line_num(self) -> int:
        return self._reader.line_num + self._offset


def stage_chunk(job: dict, report: Callable[[int], Any] | None = None) -> dict:
    """Worker: stage the records in bytes [start, end) of a CSV file into a shard database.
    Relation ends are looked up in the (attached, committed) staging database. ``report`` is
    told the bytes read now and then. Returns ``{"ok", "first", "last", "simple" (line numbers
    implied by row order), "counts" (rows per type), "text_ends"}``."""
    shard, staging_path, path, encoding = job["shard"], job["staging"], job["path"], job["encoding"]
    start, end, line0, lines, kind = job["start"], job["end"], job["line0"], job["lines"], job["kind"]
    columns, fid, simple, quoted = job["columns"], job["fid"], job["simple"], job["quoted"]
    ascii_only = job["ascii"]
    delimiter = job["delimiter"]
    from itss_graph.loading.staging import CI_DDL, REL_DDL
    from itss_graph.schema import load_schema

    db = sqlite3.connect(shard, isolation_level=None)
    db.executescript("PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;")
    db.executescript((CI_DDL if kind == "ci" else REL_DDL)
                     + "CREATE TABLE segment (kind TEXT, first INTEGER, last INTEGER, line0 INTEGER);")
    if kind == "relation":
        db.execute("ATTACH DATABASE ? AS main_staging", (staging_path,))
    plan = plan_for(kind, list(columns), fid, simple_lines=simple, quoted=quoted, ascii=ascii_only,
                    lookup="main_staging.ci")
    if encoding == "utf-8-sig" and start > 0:
        encoding = "utf-8"

    def open_chunk():
        buffered = io.BufferedReader(_ByteRange(Path(path), start, end), 1 << 20)
        text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        csv.field_size_limit(CSV_FIELD_LIMIT)
        return text, _LineOffset(csv.reader(text, strict=True, delimiter=delimiter), line0 - 1)

    text, reader = open_chunk()
    buffered = text.buffer

    def ticker() -> None:
        if report is not None:
            report(buffered.tell())

    try:
        db.execute("BEGIN")
        with text:
            result = _stage_serial(db, plan, reader, load_schema(), line0, lines, ticker,
                                   reopen=open_chunk)
        simple_used = bool(db.execute("SELECT EXISTS (SELECT 1 FROM segment)").fetchone()[0])
        db.execute("COMMIT")
    finally:
        db.close()
    if result is None:
        return {"ok": False}
    return {"ok": True, "first": result.first, "last": result.last, "simple": simple_used,
            "counts": result.counts, "text_ends": result.text_ends}


def _stage_parallel(staging, path: Path, scan: FileScan, plan: Plan, body: int, delimiter: str,
                    workers: int, progress) -> bool:
    """Cut the file, stage the pieces in worker processes (``python -m
    itss_graph.loading.worker``: a fresh interpreter, so a library caller's script is never
    re-imported), then copy the shards into the staging database in file order."""
    staging.commit()  # workers read the staged CIs
    ranges = split_points(path, scan.size, body, workers)
    ends = [line0 for _, _, line0 in ranges[1:]] + [scan.lines + 1]
    jobs = [{"shard": f"{staging.path}.shard{i}", "staging": str(staging.path), "path": str(path),
             "encoding": scan.encoding, "start": start, "end": end, "line0": line0,
             "lines": ends[i] - line0, "kind": plan.kind, "columns": list(plan.columns),
             "fid": plan.fid, "simple": plan.simple_lines, "quoted": plan.quoted, "ascii": plan.ascii,
             "delimiter": delimiter}
            for i, (start, end, line0) in enumerate(ranges)]
    db = staging.db
    try:
        tick = (lambda done: progress.update(body + done)) if progress and progress.enabled else None
        results = run_workers(jobs, tick)
        if results is None or not all(r["ok"] for r in results):
            return False
        table, key = plan.table, plan.key
        for job, result in zip(jobs, results):
            first, last = result["first"], result["last"]
            staging.count(plan.kind, result["counts"].items())
            staging.has_text_ends = staging.has_text_ends or result["text_ends"]
            if last < first:
                continue
            db.execute("ATTACH DATABASE ? AS shard", (job["shard"],))
            try:
                db.execute("BEGIN")
                offset = db.execute(f"SELECT coalesce(max({key}), 0) FROM {table}").fetchone()[0]
                if table == "ci":
                    db.execute("""INSERT INTO ci (k, id, type, name, props, fid, line, mode, keys)
                                  SELECT k + ?, id, type, name, props, fid, line, mode, keys
                                  FROM shard.ci ORDER BY k""", (offset - first + 1,))
                else:  # shard rowids are first..last; copied in order they follow the offset
                    db.execute("INSERT INTO rel SELECT * FROM shard.rel")
                if result["simple"]:
                    db.execute("INSERT INTO segment VALUES (?, ?, ?, ?)",
                               (table, offset + 1, offset + last - first + 1, job["line0"]))
                db.execute("COMMIT")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                db.execute("DETACH DATABASE shard")
        return True
    finally:
        staging.begin()
        for job in jobs:
            for suffix in ("", "-journal"):
                Path(job["shard"] + suffix).unlink(missing_ok=True)


def _body_offset(path: Path, scan: FileScan, header_lines: int) -> int:
    """Byte offset just after the header record (which, in a canonical file, has no quoted
    line breaks unless the header itself spans several lines)."""
    with open(path, "rb") as fh:
        fh.seek(scan.bom)
        for _ in range(header_lines):
            fh.readline()
        return fh.tell()
