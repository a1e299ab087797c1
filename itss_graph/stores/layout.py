"""What the stores keep, declared once: records, their identity keys and lookup indexes.

Both stores' schemas are generated from :data:`RECORDS` — the SQLite tables and indexes
(:func:`sqlite_ddl`, :func:`sqlite_migration`) and the Neo4j constraints and indexes
(:func:`neo4j_schema`) — the way Cartography generates its Cypher indexes from its node
schemas: a key becomes a PRIMARY KEY / UNIQUE column in SQLite and a uniqueness constraint in
Neo4j (whose backing index serves every MERGE and lookup by that key); a lookup becomes an
index in both. A lookup whose columns begin the SQLite key is served by the key's own b-tree
there and is only generated for Neo4j.

Identification keys chosen at load time (a profile's ``identify: [name, site]``) are CI
properties nobody declared: :func:`neo4j_key_index` gives the index for one, created when a
load first identifies CIs by it (SQLite compares JSON properties in one scan per load).

Example:
    >>> print(next(s for s in sqlite_ddl() if "ci_history" in s))
    CREATE TABLE IF NOT EXISTS ci_history (id TEXT NOT NULL, load INTEGER NOT NULL, event TEXT NOT NULL, diff TEXT NOT NULL, PRIMARY KEY (id, load)) WITHOUT ROWID
    >>> [s for s in neo4j_schema() if "ItssChange" in s]  # doctest: +NORMALIZE_WHITESPACE
    ['CREATE CONSTRAINT itss_change_key IF NOT EXISTS FOR (n:ItssChange) REQUIRE (n.ci, n.load) IS UNIQUE',
     'CREATE INDEX itss_change_ci IF NOT EXISTS FOR (n:ItssChange) ON (n.ci)']
"""

from __future__ import annotations

from collections import namedtuple

SQLITE_VERSION = 2  # 2 added load history, CI change history and source claims


# Named tuples, not dataclasses: static descriptions, and every store opens this module (a
# frozen dataclass costs ~0.5 ms to create in a cold process, a named tuple a tenth of that)
class Column(namedtuple("Column", [
        "name",  # str
        "sql",  # str: SQLite type and constraints
        "neo4j",  # str | None: property name on Neo4j ("" = same name; None = not kept there)
    ], defaults=("",))):
    __slots__ = ()

    @property
    def property(self) -> str | None:
        return self.name if self.neo4j == "" else self.neo4j


class Index(namedtuple("Index", [
        "name",  # str
        "columns",  # tuple[str, ...]
        "sqlite",  # bool: False: a Neo4j lookup only (SQLite identifies CIs in one scan per load)
    ], defaults=(True,))):
    __slots__ = ()


class Record(namedtuple("Record", [
        "table",  # str | None: SQLite table (None: not kept there)
        "label",  # str | None: Neo4j node label (None: not a node there)
        "columns",  # tuple[Column, ...]
        "key",  # tuple[str, ...]: identity: unique in both stores
        "key_name",  # str: Neo4j constraint name
        "surrogate",  # str | None: SQLite INTEGER PRIMARY KEY column when the key is UNIQUE
        "lookups",  # tuple[Index, ...]
        "without_rowid",  # bool
        "since",  # int: SQLite schema version that introduced it
        "note",  # str
    ], defaults=("", None, (), False, 1, ""))):
    """One kind of stored record."""

    __slots__ = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


RECORDS: tuple[Record, ...] = (
    Record("meta", "ItssMeta", (Column("key", "TEXT PRIMARY KEY"), Column("value", "TEXT NOT NULL")),
           key=("key",), key_name="itss_meta_key",
           note="settings and counters: schema version, generation, the next load number"),
    Record("ci", "CI",
           (Column("n", "INTEGER PRIMARY KEY", None), Column("id", "TEXT NOT NULL UNIQUE"),
            Column("type", "TEXT NOT NULL"), Column("name", "TEXT NOT NULL"),
            Column("props", "TEXT NOT NULL DEFAULT '{}'")),
           key=("id",), key_name="itss_ci_id", surrogate="n",
           lookups=(Index("ci_type", ("type",)), Index("ci_name", ("name",), sqlite=False)),
           note="a configuration item; Neo4j also copies scalar properties onto the node"),
    Record("rel", None,
           (Column("src", "INTEGER NOT NULL"), Column("type", "TEXT NOT NULL"),
            Column("dst", "INTEGER NOT NULL"), Column("props", "TEXT NOT NULL DEFAULT '{}'")),
           key=("src", "type", "dst"), without_rowid=True,
           lookups=(Index("rel_reverse", ("dst", "type", "src")),),
           note="a relation; in Neo4j a relationship of the ontology's type between CI nodes"),
    Record("load", "ItssLoad",
           (Column("load", "INTEGER PRIMARY KEY"), Column("at", "TEXT NOT NULL"), Column("source", "TEXT"),
            Column("inputs", "TEXT NOT NULL"), Column("n_first", "INTEGER", None),
            Column("n_last", "INTEGER", None), Column("counts", "TEXT NOT NULL DEFAULT '{}'"),
            Column("complete", "INTEGER NOT NULL DEFAULT 1")),
           key=("load",), key_name="itss_load_load", since=2,
           note="one per load; SQLite finds a CI's creation from the range n_first..n_last, "
                "Neo4j from the node's itss_created"),
    Record("ci_history", "ItssChange",
           (Column("id", "TEXT NOT NULL", "ci"), Column("load", "INTEGER NOT NULL"),
            Column("event", "TEXT NOT NULL"), Column("diff", "TEXT NOT NULL")),
           key=("id", "load"), key_name="itss_change_key", without_rowid=True, since=2,
           lookups=(Index("itss_change_ci", ("id",)),),
           note="updates and deletions of CIs (and a deleted CI's creation)"),
    Record(None, "ItssBatch", (Column("key", "", ""), Column("load", "", "")),
           key=("key",), key_name="itss_batch_key",
           note="Neo4j only: a write batch applied by CREATE, so a replay after a lost "
                "acknowledgement is refused instead of duplicating; removed after the load"),
    Record("ci_claim", None, (Column("source", "TEXT NOT NULL"), Column("n", "INTEGER NOT NULL")),
           key=("source", "n"), without_rowid=True, since=2,
           lookups=(Index("ci_claim_n", ("n",)),),
           note="which source brought which CI; Neo4j: itss_sources on the node, see claim_label"),
    Record("rel_claim", None,
           (Column("source", "TEXT NOT NULL"), Column("src", "INTEGER NOT NULL"),
            Column("type", "TEXT NOT NULL"), Column("dst", "INTEGER NOT NULL")),
           key=("source", "src", "type", "dst"), without_rowid=True, since=2,
           lookups=(Index("rel_claim_key", ("src", "type", "dst")),),
           note="which source brought which relation; Neo4j: itss_sources on the relationship"),
)
BY_TABLE = {r.table: r for r in RECORDS if r.table}


# -- SQLite --------------------------------------------------------------------------------------
def _sqlite_statements(record: Record) -> list[str]:
    if record.table is None:
        return []
    columns = [f"{c.name} {c.sql}" for c in record.columns]
    inline_key = record.surrogate is not None or any("PRIMARY KEY" in c.sql for c in record.columns)
    if not inline_key:
        columns.append(f"PRIMARY KEY ({', '.join(record.key)})")
    suffix = " WITHOUT ROWID" if record.without_rowid else ""
    out = [f"CREATE TABLE IF NOT EXISTS {record.table} ({', '.join(columns)}){suffix}"]
    for index in record.lookups:
        if not index.sqlite or index.columns == record.key[:len(index.columns)]:
            continue  # a Neo4j lookup, or one the key's b-tree serves
        out.append(f"CREATE INDEX IF NOT EXISTS {index.name} ON {record.table}({', '.join(index.columns)})")
    return out


def sqlite_ddl(version: int = SQLITE_VERSION) -> list[str]:
    """Statements creating a store of schema ``version``."""
    return [s for r in RECORDS if r.since <= version for s in _sqlite_statements(r)]


def sqlite_migration(old: int, new: int = SQLITE_VERSION) -> list[str]:
    """Statements taking a store from schema ``old`` to ``new`` (records added since)."""
    return [s for r in RECORDS if old < r.since <= new for s in _sqlite_statements(r)]


# -- Neo4j ---------------------------------------------------------------------------------------
def neo4j_schema() -> list[str]:
    """Constraints and indexes of the Neo4j store (idempotent statements)."""
    out = []
    for record in RECORDS:
        if record.label is None:
            continue
        props = [record.column(c).property for c in record.key]
        target = props[0] if len(props) == 1 else "(" + ", ".join(f"n.{p}" for p in props) + ")"
        target = f"n.{target}" if len(props) == 1 else target
        out.append(f"CREATE CONSTRAINT {record.key_name} IF NOT EXISTS FOR (n:{record.label}) "
                   f"REQUIRE {target} IS UNIQUE")
        for index in record.lookups:
            props = [record.column(c).property for c in index.columns]
            name = index.name if index.name.startswith("itss_") else f"itss_{index.name}"
            out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{record.label}) "
                       f"ON ({', '.join('n.' + p for p in props)})")
    return out


def _plain(name: str) -> bool:
    """Whether ``name`` can be written in Cypher as a quoted name (only Neo4j asks: re is
    imported here, not by every store)."""
    import re

    return re.match(r"^[^\x00-\x1f`]+$", name) is not None


def neo4j_key_index(field: str) -> str | None:
    """The index statement for a CI property used as an identification key, or None when the
    name cannot be written in Cypher safely (then lookups by it scan)."""
    if field in ("id", "type", "name"):
        return None  # declared above
    if not _plain(field):
        return None
    return (f"CREATE INDEX itss_ci_key_{_digest(field)} IF NOT EXISTS "
            f"FOR (n:CI) ON (n.{cypher_name(field)})")


def cypher_name(name: str) -> str:
    """A property name quoted for Cypher (only names :func:`neo4j_key_index` accepts)."""
    assert _plain(name), name
    return f"`{name}`"


def claim_label(source: str) -> str:
    """The Neo4j label marking CIs that ``source`` claims, or whose outgoing relationships it
    claims: the index of claims (properties holding lists cannot be indexed), so pruning reads
    what one source claims without scanning the graph. Hex digits only: no quoting needed.

    >>> claim_label("netbox")
    'ItssClaim_437785b04d83'
    """
    return f"ItssClaim_{_digest(source)}"


def _digest(text: str) -> str:
    import hashlib  # ~3 ms to import: only the Neo4j writer names claim labels

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
