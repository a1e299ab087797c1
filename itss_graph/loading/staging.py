"""The staging area: validated rows in a temporary SQLite database, checked as a whole.

Inputs are streamed into staging row by row, so a load holds no inventory in Python memory.
Checks across rows run there in SQL: conflicting duplicate rows and relations whose ends are
in neither the input nor the store. Stores then apply the staged rows in one step
(:meth:`itss_graph.stores.base.Store.apply`).

Example:
    >>> from itss_graph.loading.validate import StagedCI
    >>> with Staging() as st:
    ...     st.add(StagedCI("a", "server", "a", "{}", "cis.csv", 2))
    ...     st.ci_count()
    1
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from itss_graph.errors import Problem
from itss_graph.loading.validate import StagedCI, StagedRelation

_SCHEMA = """
CREATE TABLE stage_ci (
    id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, props TEXT NOT NULL,
    file TEXT NOT NULL, line INTEGER NOT NULL
);
CREATE TABLE stage_rel (
    src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL, props TEXT NOT NULL,
    file TEXT NOT NULL, line INTEGER NOT NULL
);
"""

# One row per CI id / relation key after identical duplicates are folded; built by finish().
_FINISH = """
CREATE INDEX stage_ci_id ON stage_ci(id);
CREATE INDEX stage_rel_key ON stage_rel(src, type, dst);
CREATE TABLE ci_rows AS
    SELECT id, type, name, props, MIN(file) AS file, MIN(line) AS line
    FROM stage_ci GROUP BY id, type, name, props;
CREATE INDEX ci_rows_id ON ci_rows(id);
CREATE TABLE rel_rows AS
    SELECT src, type, dst, props, MIN(file) AS file, MIN(line) AS line
    FROM stage_rel GROUP BY src, type, dst, props;
CREATE INDEX rel_rows_key ON rel_rows(src, type, dst);
CREATE INDEX rel_rows_dst ON rel_rows(dst);
"""

BATCH = 5000


class Staging:
    """A temporary staging database (deleted on close)."""

    def __init__(self, directory: Path | None = None):
        fd, name = tempfile.mkstemp(prefix="itss-staging-", suffix=".db", dir=directory)
        os.close(fd)
        self.path = Path(name)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._ci_buffer: list[tuple] = []
        self._rel_buffer: list[tuple] = []
        self.finished = False

    # -- filling -------------------------------------------------------------------------------
    def add(self, record: StagedCI | StagedRelation) -> None:
        if isinstance(record, StagedCI):
            self._ci_buffer.append((record.id, record.type, record.name, record.props,
                                    record.file, record.line))
            if len(self._ci_buffer) >= BATCH:
                self._flush()
        else:
            self._rel_buffer.append((record.source, record.type, record.target, record.props,
                                     record.file, record.line))
            if len(self._rel_buffer) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        if self._ci_buffer:
            self.db.executemany("INSERT INTO stage_ci VALUES (?,?,?,?,?,?)", self._ci_buffer)
            self._ci_buffer.clear()
        if self._rel_buffer:
            self.db.executemany("INSERT INTO stage_rel VALUES (?,?,?,?,?,?)", self._rel_buffer)
            self._rel_buffer.clear()

    def finish(self) -> None:
        """Index the staged rows and fold identical duplicates (call once, after the last add)."""
        self._flush()
        self.db.executescript(_FINISH)
        self.db.commit()
        self.finished = True

    # -- checks across rows -------------------------------------------------------------------
    def conflicting_duplicates(self, limit: int) -> list[Problem]:
        """Rows that give one CI id (or one relation) two different contents."""
        problems = []
        for ci_id, file, line, first_file, first_line in self.db.execute(
            """SELECT s.id, s.file, s.line, f.file, f.line
               FROM stage_ci s
               JOIN (SELECT id FROM ci_rows GROUP BY id HAVING COUNT(*) > 1) d ON d.id = s.id
               JOIN (SELECT id, file, MIN(line) AS line FROM stage_ci GROUP BY id) f ON f.id = s.id
               WHERE NOT (s.file = f.file AND s.line = f.line)
               ORDER BY s.file, s.line LIMIT ?""", (limit,)):
            problems.append(Problem(file, line, "id",
                                    f"CI {ci_id!r} is also defined, differently, at {first_file}:{first_line}",
                                    ci_id))
        for src, rtype, dst, file, line, first_file, first_line in self.db.execute(
            """SELECT s.src, s.type, s.dst, s.file, s.line, f.file, f.line
               FROM stage_rel s
               JOIN (SELECT src, type, dst FROM rel_rows GROUP BY src, type, dst HAVING COUNT(*) > 1) d
                    USING (src, type, dst)
               JOIN (SELECT src, type, dst, file, MIN(line) AS line FROM stage_rel
                     GROUP BY src, type, dst) f USING (src, type, dst)
               WHERE NOT (s.file = f.file AND s.line = f.line)
               ORDER BY s.file, s.line LIMIT ?""", (limit,)):
            problems.append(Problem(file, line, "source",
                                    f"relation {src} -[{rtype}]-> {dst} is also given, with other "
                                    f"properties, at {first_file}:{first_line}"))
        return problems

    def dangling_references(self, exists_in_store: Callable[[list[str]], set[str]],
                            limit: int) -> list[Problem]:
        """Relation ends that are neither staged CIs nor CIs already in the store."""
        missing = [row[0] for row in self.db.execute(
            """SELECT id FROM (SELECT src AS id FROM rel_rows UNION SELECT dst FROM rel_rows)
               WHERE id NOT IN (SELECT id FROM ci_rows)""")]
        unknown: set[str] = set()
        for start in range(0, len(missing), BATCH):
            chunk = missing[start:start + BATCH]
            unknown.update(set(chunk) - exists_in_store(chunk))
        if not unknown:
            return []
        self.db.execute("CREATE TEMP TABLE unknown_ids (id TEXT PRIMARY KEY)")
        self.db.executemany("INSERT INTO unknown_ids VALUES (?)", ((i,) for i in unknown))
        problems = []
        for src, rtype, dst, file, line, src_missing in self.db.execute(
            """SELECT src, type, dst, file, line, src IN (SELECT id FROM unknown_ids)
               FROM stage_rel
               WHERE src IN (SELECT id FROM unknown_ids) OR dst IN (SELECT id FROM unknown_ids)
               ORDER BY file, line LIMIT ?""", (limit,)):
            field, ref = ("source", src) if src_missing else ("target", dst)
            problems.append(Problem(file, line, field,
                                    f"unknown CI {ref!r}: not in the input nor in the store", ref))
        return problems

    # -- reading ------------------------------------------------------------------------------
    def ci_count(self) -> int:
        self._flush()
        table = "ci_rows" if self.finished else "stage_ci"
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def relation_count(self) -> int:
        self._flush()
        table = "rel_rows" if self.finished else "stage_rel"
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def iter_cis(self, batch: int = 10000) -> Iterator[list[tuple[str, str, str, str]]]:
        """Batches of (id, type, name, props_json), in id order."""
        yield from self._batches("SELECT id, type, name, props FROM ci_rows ORDER BY id", batch)

    def iter_relations(self, batch: int = 10000) -> Iterator[list[tuple[str, str, str, str]]]:
        """Batches of (source, type, target, props_json), in key order."""
        yield from self._batches(
            "SELECT src, type, dst, props FROM rel_rows ORDER BY type, src, dst", batch)

    def _batches(self, sql: str, batch: int) -> Iterator[list[tuple]]:
        cursor = self.db.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

