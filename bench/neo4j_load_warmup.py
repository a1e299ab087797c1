"""Where a Neo4j load's server CPU goes, per write statement, on a fresh server and again on
the same server once its JIT has compiled the write path.

Usage (from the repository root):

    .venv/bin/python bench/neo4j_load_warmup.py ESTATE_DIR --loads 3 --out result.json

One fresh test server (``--heap``, ``--pagecache``, procedures installed); the estate is loaded
``--loads`` times through the real load path (`load_inventory`: staging, validation, the
writer thread), the database emptied between loads (every node deleted; constraints and
indexes kept). For every write statement the server's CPU (user + sys of its process, read
from /proc before and after the statement: the writer sends one statement at a time) and
wall are summed per statement shape, so each load reports the server's CPU per CI row (the
``CREATE (n:CI)`` batches) and per relation row (the relationship batches), beside the load's
wall, rows/s, the CPU of this process and the machine's load average.

The first load runs on a JVM that has not compiled Neo4j's write path yet and into store files
that grow as it writes; later loads run compiled code into files already sized (the deleted
records' space is reused). So the first load is what `bench/neo4j_side_by_side.py --estate`
times (a fresh server), and the later ones bound what a long-running server does with the
same statements. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def shape_of(query: str) -> str:
    text = " ".join(query.split())
    if "CREATE (n:CI)" in text or "MERGE (n:CI {id: row.id})" in text:
        return "ci rows"
    if "UNWIND $rows" in text and "]->(b)" in text:
        return "relation rows"
    if text.startswith("UNWIND $ids") and "SET n:" in text:
        return "padded labels"
    if "ItssChange" in text:
        return "history"
    return "other"


def relation_type(query: str) -> str | None:
    """The relationship type a relationship batch creates (``None`` for other statements)."""
    import re

    found = re.search(r"CREATE \(a\)-\[r?:`([A-Z0-9_]+)`\]", query)
    return found.group(1) if found else None


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + sys) of a process's threads so far, summed by thread kind (the
    thread's name without its number: ``C2 CompilerThre``, ``GC Thread``, ``neo4j.BoltWorker``…)."""
    import re

    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = defaultdict(float)
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        kind = re.sub(r"[-#]?\d+$", "", name).rstrip("-#") or name
        out[kind] += (int(fields[11]) + int(fields[12])) / ticks
    return out


def thread_delta(before: dict[str, float], after: dict[str, float], floor: float = 0.05) -> dict[str, float]:
    """CPU seconds per thread kind between two :func:`thread_cpu` readings, largest first."""
    kinds = set(before) | set(after)
    delta = {k: round(after.get(k, 0.0) - before.get(k, 0.0), 2) for k in kinds}
    return dict(sorted(((k, v) for k, v in delta.items() if v >= floor), key=lambda kv: -kv[1]))


def one_load(store, estate: Path, server_pid: int) -> dict:
    from bench.neo4j_side_by_side import process_cpu
    from itss_graph.loading.load import load_inventory

    per_shape: dict = defaultdict(lambda: {"statements": 0, "rows": 0, "wall_s": 0.0, "server_cpu_s": 0.0})
    original = store._write

    def timed(query: str, **params):
        before, start = process_cpu(server_pid), time.perf_counter()
        try:
            return original(query, **params)
        finally:
            shape = shape_of(query)
            if shape == "relation rows" and relation_type(query):
                typed = per_shape[f"relation rows {relation_type(query)}"]
                typed["statements"] += 1
                typed["rows"] += len(params.get("rows") or ())
                typed["server_cpu_s"] += process_cpu(server_pid) - before
            entry = per_shape[shape]
            entry["statements"] += 1
            entry["rows"] += len(params.get("rows") or ())
            entry["wall_s"] += time.perf_counter() - start
            entry["server_cpu_s"] += process_cpu(server_pid) - before

    store._write = timed
    rows = sum(1 for name in ("cis.csv", "relations.csv") for _ in (estate / name).open(encoding="utf-8")) - 2
    load_average = os.getloadavg()
    me = resource.getrusage(resource.RUSAGE_SELF)
    threads = thread_cpu(server_pid)
    server_cpu, start = process_cpu(server_pid), time.perf_counter()
    try:
        load_inventory([estate], store)
    finally:
        store._write = original
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    out = {"rows": rows, "wall_s": round(wall, 1), "rows_per_s": round(rows / wall),
           "client_cpu_s": round((after.ru_utime - me.ru_utime) + (after.ru_stime - me.ru_stime), 1),
           "server_cpu_s": round(process_cpu(server_pid) - server_cpu, 1),
           "server_threads_cpu_s": thread_delta(threads, thread_cpu(server_pid)),
           "load_average_start": load_average, "load_average_end": os.getloadavg()}
    for shape, entry in sorted(per_shape.items()):
        entry["wall_s"] = round(entry["wall_s"], 2)
        entry["server_cpu_s"] = round(entry["server_cpu_s"], 2)
        if entry["rows"]:
            entry["server_us_per_row"] = round(entry["server_cpu_s"] / entry["rows"] * 1e6, 1)
        out[shape] = entry
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("estate", type=Path, help="a directory with cis.csv and relations.csv")
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from itss_graph.stores.neo4j import Neo4jStore
    from tests.support.neo4j_server import start_server

    results = []
    with tempfile.TemporaryDirectory(prefix="itss-load-warmup-") as scratch, \
            start_server(heap=args.heap, pagecache=args.pagecache, data_dir=Path(scratch) / "neo4j") as server:
        for number in range(1, args.loads + 1):
            with Neo4jStore(server.uri) as store:
                if number > 1:
                    store.clear()
                    store._write("MATCH (n) DETACH DELETE n")  # the load's history and meta nodes too
                result = {"load": number, **one_load(store, args.estate, server.pid)}
            print(json.dumps(result), flush=True)
            results.append(result)
    if args.out:
        args.out.write_text(json.dumps({"estate": str(args.estate), "heap": args.heap,
                                        "pagecache": args.pagecache, "loads": results}, indent=1) + "\n",
                            encoding="utf-8")


if __name__ == "__main__":
    main()
