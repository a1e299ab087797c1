"""The loader→store contract: the batch a loader hands a store (:meth:`Store.apply`).

A batch is a SQLite file holding the tables declared here, and a :class:`Batch` value that
says where the file is and what the load is about (claims, prune scope, load metadata). The
loader fills the tables (``itss_graph.loading.staging``) and checks them; a store reads them and
nothing else — neither the stager's other tables nor its objects. The embedded store attaches
the file (:func:`attached`) and merges with set-based SQL on the tables below; other stores read
rows through :func:`iter_cis` and :func:`iter_relations`.

The tables (:data:`DDL`; column comments are the contract)::

    file(fid, name)                   input files; rows point at them with fid
    segment(kind, first, last, line0) line numbers of bulk-staged rows, see line_sql()
    ci(k, id, type, name, props, fid, line, mode, keys)
    rel(src, type, dst, props, fid, line, quiet)      (rowid identifies a row)

* a staged CI: ``k`` its integer key in the batch; ``id`` unique in the batch once checked;
  ``type`` a CI type of the ontology; ``props`` canonical JSON of its free properties; ``mode``
  one of :data:`UPSERT`, :data:`ENSURE`, :data:`MERGE`; ``keys`` is the loader's (stores ignore it).
* a staged relation: ``src``/``dst`` are the ``k`` of a staged CI (INTEGER) or the id of a CI
  expected in the store (TEXT); ``type`` a relation type of the ontology; ``props`` canonical
  JSON; ``quiet`` is the loader's.
* a claim: every CI and relation of the batch is claimed by :attr:`Batch.source` when it is set;
* the prune scope: with :attr:`Batch.prune`, what that source claims and the batch lacks goes
  (the loader sets it only after a complete read);
* load metadata: :attr:`Batch.inputs` (recorded in the store's history), row counts per type.

Example:
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "batch.db")
    >>> batch = write_batch(path, [("a", "server", "A", "{}"), ("b", "vm", "B", "{}")],
    ...                     [("b", "RUNS_ON", "a", "{}")], source="cmdb")
    >>> batch.ci_types, batch.relation_types, batch.source
    ((('server', 1), ('vm', 1)), (('RUNS_ON', 1),), 'cmdb')
    >>> [r.source for rows in iter_relations(batch) for r in rows]
    ['b']
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

# how a staged CI row meets a stored CI of the same id
UPSERT = 0  # create or update: the row's properties replace the stored ones
ENSURE = 1  # create if absent, never change an existing CI (stubs made by profiles)
MERGE = 2   # create or update, the row's properties merged over the stored ones

SCHEMA = "stg"  # the name under which the embedded store attaches a batch

CI_DDL = """CREATE TABLE ci (
    k     INTEGER PRIMARY KEY,      -- the staged CI's key in this batch
    id    TEXT NOT NULL,            -- unique in the batch once checked
    type  TEXT NOT NULL,            -- a CI type of the ontology
    name  TEXT NOT NULL,
    props TEXT NOT NULL,            -- canonical JSON of the free properties
    fid   INTEGER NOT NULL,         -- file.fid
    line  INTEGER,                  -- NULL: see segment
    mode  INTEGER NOT NULL DEFAULT 0,  -- UPSERT, ENSURE or MERGE
    keys  TEXT                      -- the loader's (identification keys); stores ignore it
);"""
REL_DDL = """CREATE TABLE rel (
    src   NOT NULL,                 -- k of a staged CI (INTEGER) or id of a stored CI (TEXT)
    type  TEXT NOT NULL,            -- a relation type of the ontology
    dst   NOT NULL,                 -- as src
    props TEXT NOT NULL,            -- canonical JSON
    fid   INTEGER NOT NULL,
    line  INTEGER,
    quiet INTEGER NOT NULL DEFAULT 0,  -- the loader's; stores ignore it
    CHECK (src IS NOT dst)
);"""
DDL = f"""
CREATE TABLE file (fid INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- rows first..last of table `kind` whose line is NULL are on line line0 + (rowid - first)
CREATE TABLE segment (kind TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                      line0 INTEGER NOT NULL);
{CI_DDL}
{REL_DDL}
"""


@dataclass(frozen=True)
class Batch:
    """A checked batch, ready for :meth:`Store.apply`. The file must not change while a store
    reads it; stores never write to it."""

    path: Path
    ci_types: tuple[tuple[str, int], ...] = ()        # (CI type, staged rows), by type
    relation_types: tuple[tuple[str, int], ...] = ()  # (relation type, staged rows), by type
    # duplicate relations were looked for; if not, a store that meets one raises
    # RelationDuplicates (the embedded store detects them while writing into an empty store)
    relations_checked: bool = True
    source: str | None = None   # claims: the source every row of the batch is claimed by
    prune: bool = False          # prune scope: what `source` claims and the batch lacks goes
    inputs: tuple[str, ...] = ()  # load metadata: the inputs, for the store's history

    @property
    def ci_count(self) -> int:
        return sum(n for _, n in self.ci_types)

    @property
    def relation_count(self) -> int:
        return sum(n for _, n in self.relation_types)


class StagedCI(NamedTuple):
    """A staged CI as a store reads it (:func:`iter_cis`)."""

    id: str
    type: str
    name: str
    props: str  # canonical JSON
    mode: int
    file: str
    line: int | None


class StagedRelation(NamedTuple):
    """A staged relation as a store reads it (:func:`iter_relations`): ends are ids."""

    source: str
    type: str
    target: str
    props: str  # canonical JSON
    file: str
    line: int | None


# -- reading ---------------------------------------------------------------------------------
def line_sql(table: str, alias: str, schema: str = "main") -> str:
    """SQL for the input line of a row of ``table`` (``ci`` or ``rel``) aliased ``alias``, in a
    connection where the batch is ``schema``."""
    key = f"{alias}.k" if table == "ci" else f"{alias}.rowid"
    return (f"coalesce({alias}.line, (SELECT g.line0 + ({key} - g.first) FROM {schema}.segment g "
            f"WHERE g.kind = '{table}' AND {key} BETWEEN g.first AND g.last))")


def end_id_sql(column: str, schema: str = "main") -> str:
    """SQL for the id a relation end stands for (``column``: ``r.src`` or ``r.dst``)."""
    return (f"CASE WHEN typeof({column}) = 'integer' "
            f"THEN (SELECT id FROM {schema}.ci WHERE k = {column}) ELSE {column} END")


@contextmanager
def attached(db: sqlite3.Connection, batch: Batch) -> Iterator[str]:
    """Attach the batch to ``db`` as :data:`SCHEMA` for the duration (outside a transaction)."""
    db.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (str(batch.path),))
    try:
        yield SCHEMA
    finally:
        db.execute(f"DETACH DATABASE {SCHEMA}")


@contextmanager
def _reader(batch: Batch) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"file:{Path(batch.path).as_posix()}?mode=ro", uri=True,
                         check_same_thread=False)
    try:
        yield db
    finally:
        db.close()


def iter_cis(batch: Batch, size: int = 10000) -> Iterator[list[StagedCI]]:
    """Lists of at most ``size`` staged CIs, in id order."""
    with _reader(batch) as db:
        cursor = db.execute(f"""SELECT c.id, c.type, c.name, c.props, c.mode, f.name,
                                       {line_sql('ci', 'c')}
                                FROM ci c JOIN file f USING (fid) ORDER BY c.id""")
        while rows := cursor.fetchmany(size):
            yield list(map(StagedCI._make, rows))


def iter_relations(batch: Batch, size: int = 10000) -> Iterator[list[StagedRelation]]:
    """Lists of at most ``size`` staged relations, in (type, source, target) order."""
    with _reader(batch) as db:
        cursor = db.execute(f"""SELECT {end_id_sql('r.src')} AS s, r.type, {end_id_sql('r.dst')} AS d,
                                       r.props, f.name, {line_sql('rel', 'r')}
                                FROM rel r JOIN file f USING (fid) ORDER BY r.type, s, d""")
        while rows := cursor.fetchmany(size):
            yield list(map(StagedRelation._make, rows))


# -- writing (for tests and examples; the loader's stager fills batches in bulk) --------------
def write_batch(path: str | Path, cis: Sequence[tuple], relations: Sequence[tuple] = (), *,
                file: str = "(batch)", **meta) -> Batch:
    """A batch file of ``cis`` ((id, type, name, props_json[, mode])) and ``relations``
    ((source, type, target, props_json)), unchecked: the caller vouches for it."""
    db = sqlite3.connect(path)
    try:
        db.executescript(DDL)
        db.execute("INSERT INTO file (fid, name) VALUES (1, ?)", (file,))
        db.executemany("INSERT INTO ci (id, type, name, props, fid, line, mode) "
                       "VALUES (?, ?, ?, ?, 1, ?, ?)",
                       [(c[0], c[1], c[2], c[3], i + 1, c[4] if len(c) > 4 else UPSERT)
                        for i, c in enumerate(cis)])
        keys = dict(db.execute("SELECT id, k FROM ci"))
        db.executemany("INSERT INTO rel (src, type, dst, props, fid, line) VALUES (?, ?, ?, ?, 1, ?)",
                       [(keys.get(s, s), t, keys.get(d, d), p, i + 1)
                        for i, (s, t, d, p) in enumerate(relations)])
        db.commit()
        ci_types = tuple(db.execute("SELECT type, count(*) FROM ci GROUP BY type ORDER BY type"))
        rel_types = tuple(db.execute("SELECT type, count(*) FROM rel GROUP BY type ORDER BY type"))
    finally:
        db.close()
    return Batch(Path(path), ci_types, rel_types, **meta)
