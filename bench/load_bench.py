"""Load benchmark: `itss load` against a naive row-by-row loader, on the same estate, in one run.

Usage (from the repository root):

    .venv/bin/python bench/load_bench.py --size 1m --stores sqlite,neo4j
    .venv/bin/python bench/load_bench.py --estate foreign --size 200k --stores neo4j --naive-rows 20000

For each store it reports, measured on fresh processes the way people run the CLI:

* ``itss load``: wall time, rows per second, peak RSS of the whole process tree (the loader
  and its worker processes, summed, sampled every 20 ms) and CPU seconds;
* the same load again (everything unchanged: the reconciliation cost);
* a naive loader written the way people write one first — one statement per row: SQLite
  ``INSERT … ON CONFLICT`` per CI and a lookup plus insert per relation in one transaction;
  Neo4j a ``MERGE`` per row, each in its own transaction, run on the first ``--naive-rows``
  rows (it takes hours on a million) and reported as rows per second; the ratio is
  itss rows/s ÷ naive rows/s.

Estates come from bench/estates.py (``--estate demo`` or ``foreign``, cached in bench/data/).
Results print as JSON and are saved to bench/results/load-<time>.json. Nothing here asserts a
time. (bench/run.py compares `itss load` with a raw ``executemany`` loader on every run; this
script keeps the row-by-row naive loaders and the Neo4j cold/warm/reload split.)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.estates import prepare  # noqa: E402

ITSS = str(Path(sys.executable).with_name("itss"))
RESULTS = REPO / "bench" / "results"


def measure(args: list[str], env: dict | None = None) -> dict:
    """Wall time, peak RSS of the process tree, CPU seconds and stdout of a command."""
    import psutil

    start = time.perf_counter()
    # output to files, not pipes: a full pipe nobody reads would stall the command
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(args, stdout=out_file, stderr=err_file, text=True,
                            env={**os.environ, **(env or {})})
    root = psutil.Process(proc.pid)
    peak = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        total = 0
        try:
            for p in [root] + root.children(recursive=True):
                try:
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.02)
    proc.wait()
    wall = time.perf_counter() - start
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err[-3000:]}")
    return {"wall_s": round(wall, 2), "peak_rss_mb": peak // 2**20,
            "cpu_s_sampled": round(sum(cpu.values()), 1), "stdout": out}


def _rows(directory: Path):
    with (directory / "cis.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for row in reader:
            yield "ci", dict(zip(header, row))
    with (directory / "relations.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:  # further columns (relation properties) are left out
            yield "rel", tuple(row[:3])


def naive_sqlite(directory: Path, db: Path) -> dict:
    """One statement per row, one transaction, no checks: the loader people write first."""
    import sqlite3

    from itss_graph.model import canonical_json
    from itss_graph.stores.sqlite import SQLiteStore

    SQLiteStore(db).close()  # the same schema as the real store
    con = sqlite3.connect(db, isolation_level=None)
    start = time.perf_counter()
    con.execute("BEGIN")
    rows = 0
    for kind, row in _rows(directory):
        if kind == "ci":
            props = canonical_json({k: v for k, v in row.items() if k not in ("id", "name", "type") and v})
            con.execute("""INSERT INTO ci (id, type, name, props) VALUES (?, ?, ?, ?)
                           ON CONFLICT(id) DO UPDATE SET type = excluded.type, name = excluded.name,
                           props = excluded.props""", (row["id"], row["type"], row["name"] or row["id"], props))
        else:
            source, rel_type, target = row
            a = con.execute("SELECT n FROM ci WHERE id = ?", (source,)).fetchone()[0]
            b = con.execute("SELECT n FROM ci WHERE id = ?", (target,)).fetchone()[0]
            con.execute("INSERT OR REPLACE INTO rel (src, type, dst, props) VALUES (?, ?, ?, '{}')",
                        (a, rel_type, b))
        rows += 1
    con.execute("COMMIT")
    wall = time.perf_counter() - start
    con.close()
    return {"rows": rows, "wall_s": round(wall, 2), "rows_per_s": round(rows / wall)}


def naive_neo4j(directory: Path, uri: str, limit: int) -> dict:
    """A MERGE per row, each in its own transaction (auto-commit), on the first ``limit`` rows."""
    import neo4j

    from itss_graph.schema import load_schema

    schema = load_schema()  # relationship types are never parameters: take them from the ontology
    driver = neo4j.GraphDatabase.driver(uri)
    driver.execute_query("CREATE CONSTRAINT naive_id IF NOT EXISTS FOR (n:Naive) REQUIRE n.id IS UNIQUE")
    rows = 0
    start = time.perf_counter()
    with driver.session() as session:
        for kind, row in _rows(directory):
            if rows >= limit:
                break
            if kind == "ci":
                session.run("MERGE (n:Naive {id: $id}) SET n.type = $type, n.name = $name",
                            id=row["id"], type=row["type"], name=row["name"]).consume()
            else:
                source, rel_type, target = row
                rel_type = schema.relation_types[schema.resolve_relation_type(rel_type)].name
                session.run(f"MATCH (a:Naive {{id: $a}}) MATCH (b:Naive {{id: $b}}) "
                            f"MERGE (a)-[:`{rel_type}`]->(b)", a=source, b=target).consume()
            rows += 1
        wall = time.perf_counter() - start
        session.run("MATCH (n:Naive) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    driver.execute_query("DROP CONSTRAINT naive_id IF EXISTS")
    driver.close()
    return {"rows": rows, "wall_s": round(wall, 2), "rows_per_s": round(rows / wall)}


def bench_sqlite(directory: Path, rows: int) -> dict:
    with tempfile.TemporaryDirectory(dir=REPO / "bench" / "data") as tmp:
        db = Path(tmp) / "itss.db"
        first = measure([ITSS, "load", str(directory), "--store", str(db), "--format", "json"])
        again = measure([ITSS, "load", str(directory), "--store", str(db), "--format", "json"])
        totals = json.loads(again["stdout"])["totals"]
        assert totals["cis"]["created"] == totals["relations"]["created"] == 0
        naive = naive_sqlite(directory, Path(tmp) / "naive.db")
    result = {"load": _strip(first, rows), "reload_unchanged": _strip(again, rows), "naive_row_by_row": naive}
    result["ratio_vs_naive"] = round(result["load"]["rows_per_s"] / naive["rows_per_s"], 2)
    return result


def bench_neo4j(directory: Path, rows: int, size: str, naive_rows: int) -> dict:
    """The first load into a just-started server pays for the JVM's warm-up (Cypher planning
    and JIT); it is reported, then the database is emptied and the load measured again warm
    ("load": what a running server sustains), then reloaded unchanged."""
    import neo4j

    from tests.support.neo4j_server import start_server

    heap, pagecache = ("4g", "2g") if size == "1m" else ("1g", "512m")
    with start_server(heap=heap, pagecache=pagecache) as server:
        env = {"NEO4J_URI": server.uri}
        cold = measure([ITSS, "load", str(directory), "--format", "json"], env)
        driver = neo4j.GraphDatabase.driver(server.uri)
        with driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        driver.close()
        first = measure([ITSS, "load", str(directory), "--format", "json"], env)
        again = measure([ITSS, "load", str(directory), "--format", "json"], env)
        naive = naive_neo4j(directory, server.uri, naive_rows)
    result = {"load_cold_server": _strip(cold, rows), "load": _strip(first, rows),
              "reload_unchanged": _strip(again, rows), "naive_merge_per_row": naive}
    result["ratio_vs_naive"] = round(result["load"]["rows_per_s"] / naive["rows_per_s"], 1)
    return result


def _strip(run: dict, rows: int) -> dict:
    out = {k: v for k, v in run.items() if k != "stdout"}
    out["rows_per_s"] = round(rows / run["wall_s"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--estate", default="demo", choices=["demo", "foreign"])
    parser.add_argument("--size", default="100k", help="e.g. 100k, 200k, 1m")
    parser.add_argument("--stores", default="sqlite")
    parser.add_argument("--naive-rows", type=int, default=20_000)
    args = parser.parse_args()
    estate = prepare(args.estate, args.size)
    directory, n_cis, n_rels = estate.directory, estate.cis, estate.relations
    rows = n_cis + n_rels
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                                 "load_average_at_start": list(os.getloadavg())},
                     "estate": args.estate, "size": args.size, "cis": n_cis, "relations": n_rels}
    print(f"== {args.size}: {n_cis} CIs, {n_rels} relations", flush=True)
    for store in args.stores.split(","):
        results[store] = (bench_sqlite(directory, rows) if store == "sqlite"
                          else bench_neo4j(directory, rows, args.size, args.naive_rows))
        print(json.dumps({store: results[store]}, indent=1), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / time.strftime("load-%Y%m%d-%H%M%S.json")
    out.write_text(json.dumps(results, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
