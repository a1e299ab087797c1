"""The raw peer of ``itss load``: the same rows into SQLite with ``executemany``, no checks.

Reads the canonical CSV pair with the ``csv`` module and writes the tables of the embedded
store's shape (integer keys, relations on them, the reverse index built after the insert, WAL),
property columns as JSON; one transaction. No validation, no staging, no history, no claims:
the floor for a loader in Python. Standard library only.

    python bench/peers/raw_sqlite_load.py ESTATE_DIR NEW.db
"""

import csv
import json
import sqlite3
import sys
from pathlib import Path

DDL = """
CREATE TABLE ci (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                 name TEXT NOT NULL, props TEXT NOT NULL DEFAULT '{}');
CREATE TABLE rel (src INTEGER NOT NULL, type TEXT NOT NULL, dst INTEGER NOT NULL,
                  props TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (src, type, dst)) WITHOUT ROWID;
"""


def _props(header: list[str], row: list[str], skip: int) -> str:
    extra = {k: v for k, v in zip(header[skip:], row[skip:]) if v}
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if extra else "{}"


def load(directory: Path, db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(DDL)
    keys: dict[str, int] = {}
    con.execute("BEGIN")
    with (directory / "cis.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        col = {c: i for i, c in enumerate(header)}
        i_id, i_type, i_name = col["id"], col["type"], col["name"]
        others = [c for c in header if c not in ("id", "type", "name")]
        order = [col[c] for c in others]

        def cis():
            for n, row in enumerate(reader, start=1):
                keys[row[i_id]] = n
                extra = {c: row[i] for c, i in zip(others, order) if row[i]}
                props = json.dumps(extra, ensure_ascii=False, sort_keys=True,
                                   separators=(",", ":")) if extra else "{}"
                yield n, row[i_id], row[i_type], row[i_name] or row[i_id], props

        con.executemany("INSERT INTO ci VALUES (?, ?, ?, ?, ?)", cis())
    with (directory / "relations.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)

        def rels():
            for row in reader:
                yield keys[row[0]], row[1], keys[row[2]], _props(header, row, 3)

        con.executemany("INSERT INTO rel VALUES (?, ?, ?, ?)", rels())
    con.execute("CREATE INDEX rel_reverse ON rel(dst, type, src)")
    con.execute("COMMIT")
    counts = (con.execute("SELECT count(*) FROM ci").fetchone()[0],
              con.execute("SELECT count(*) FROM rel").fetchone()[0])
    con.close()
    return counts


if __name__ == "__main__":
    print(*load(Path(sys.argv[1]), Path(sys.argv[2])))
