"""The naive peer of ``itss impact``: one recursive CTE over the failure-flow edges, bare ids out.

What a person writes first against the same SQLite file ``itss load`` built: start at the
probe, follow every relation whose type can lose the far end in the direction failure crosses
it (the two type lists come from the ontology, see bench/flowgraph.py), print the ids reached.
No redundancy, no degraded CIs, no names or explanations. Imports only the standard library,
so its process starts as fast as Python does.

    python bench/peers/naive_cte.py STORE.db PROBE TYPES_TO_SOURCE TYPES_TO_TARGET

(type lists comma-separated). Prints one id per line, the probe first.
"""

import sqlite3
import sys


def closure(db: str, probe: str, to_source: list[str], to_target: list[str]) -> list[str]:
    marks_s = ", ".join("?" for _ in to_source)
    marks_t = ", ".join("?" for _ in to_target)
    sql = f"""
WITH RECURSIVE reach(n) AS (
    SELECT n FROM ci WHERE id = ?
    UNION
    SELECT r.src FROM rel r JOIN reach ON r.dst = reach.n WHERE r.type IN ({marks_s})
    UNION
    SELECT r.dst FROM rel r JOIN reach ON r.src = reach.n WHERE r.type IN ({marks_t})
)
SELECT ci.id FROM reach JOIN ci ON ci.n = reach.n"""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in con.execute(sql, [probe, *to_source, *to_target])]
    finally:
        con.close()


if __name__ == "__main__":
    db, probe, to_source, to_target = sys.argv[1:5]
    ids = closure(db, probe, to_source.split(","), to_target.split(","))
    sys.stdout.write("\n".join(ids) + "\n")
