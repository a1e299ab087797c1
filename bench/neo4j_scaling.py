"""Neo4j growth measurements for docs/scaling.md: load rate, store size, page cache needed and
the latency distribution of impact answers, on one estate size at a time.

Usage (from the repository root, after `make install` and `make neo4j-test-server`):

    .venv/bin/python bench/neo4j_scaling.py ESTATE_DIR --uri bolt://127.0.0.1:7687 --store-dir DIR
    .venv/bin/python bench/neo4j_scaling.py ESTATE_DIR --start --heap 4g --pagecache 2g

``ESTATE_DIR`` holds ``cis.csv`` and ``relations.csv`` (bench/run.py or bench/estates.py make
them); ``SHAPE-SIZE`` instead (``foreign-3m``, ``demo-1m``) generates the estate into bench/data/
first (bench/estates.py, cached). With ``--start`` a test server (tools/neo4j-test-server, procedures installed) is started
on a fresh data directory and the estate loaded with `itss load` (wall time, rows/s); with
``--uri`` an already loaded server is measured (``--store-dir``: its data directory, for sizes).

Measured, and printed as JSON (also saved with ``--out``):

* ``load``: `itss load` wall time and rows/s (only with ``--start``);
* ``store``: bytes of the database's store files by kind (nodes, relationships, properties,
  strings, indexes): the page cache that holds the whole graph is their sum;
* ``impact_probes``: the estate's named probes (``probes.json``), warm, medians of 3;
* ``client_index_read``: the client's closure index (itss_graph/stores/neo4j_index.py) read
  from scratch as `itss load` reads it after a load: wall, CPU, peak memory, size on disk;
* ``impact``: per CI of a deterministic sample (every k-th id of cis.csv, ``--sample`` of them),
  the time of one ``itss_graph.impact`` in a warm process (driver connected: the server walk,
  the transfer and the answer's assembly), with the procedures walking
  (``impact_with_procedures``), from the client's index (``impact_client_index``) and with
  plain Cypher (procedures off: the client's index too, or levels for a small question); p50, p95, max
  and the CIs reached; plus the cold-process constant (``itss --version`` → store open), so a cold
  CLI answer is about constant + warm time;
* ``embedded`` (with ``--embedded``): the same estate loaded into a new embedded store (wall,
  rows/s, the store's file and closure index on disk) and the same sample's warm impacts, so the
  growth of both stores is read from one run;
* CPU time (user + sys) of every `itss load` child, and of the Neo4j server over the run;
* the machine's load average at start and end (on a shared machine, read times with it).

Nothing here asserts a time: benchmarks report, they do not pass or fail.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

ITSS = str(Path(sys.executable).with_name("itss"))


def store_sizes(data_dir: Path) -> dict:
    """Bytes of the default database's store files, grouped as the page cache sees them."""
    groups = {"nodes": ("neostore.nodestore",), "relationships": ("neostore.relationshipstore",
                                                                   "neostore.relationshipgroupstore"),
              "properties": ("neostore.propertystore.db",), "strings_arrays": ("neostore.propertystore.db.strings",
                                                                                "neostore.propertystore.db.arrays"),
              "indexes": ("schema",)}
    sizes = {name: 0 for name in groups}
    databases = [p for p in data_dir.rglob("databases/neo4j") if p.is_dir()]
    if not databases:
        return {}
    for path in databases[0].rglob("*"):
        if not path.is_file():
            continue
        rel = str(path.relative_to(databases[0]))
        for name, prefixes in groups.items():
            if any(rel.startswith(p) for p in prefixes):
                if name == "properties" and (".strings" in rel or ".arrays" in rel or ".index" in rel):
                    continue
                sizes[name] += path.stat().st_size
                break
    total = sum(p.stat().st_size for p in databases[0].rglob("*") if p.is_file())
    return {**{k: round(v / 2**20, 1) for k, v in sizes.items()},
            "page_cache_for_graph_mb": round(sum(sizes.values()) / 2**20, 1),
            "database_dir_mb": round(total / 2**20, 1)}


def sample_ids(estate: Path, count: int) -> list[str]:
    with (estate / "cis.csv").open(encoding="utf-8") as fh:
        rows = [row[0] for row in csv.reader(fh)][1:]
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


#: who walks in each measured mode (itss_graph/stores/neo4j_state.py)
MODES = {"server": {"ITSS_NEO4J_INDEX": "server", "ITSS_NEO4J_PROCEDURES": "on"},
         "client": {"ITSS_NEO4J_INDEX": "client", "ITSS_NEO4J_PROCEDURES": "on"},
         "plain": {"ITSS_NEO4J_INDEX": "auto", "ITSS_NEO4J_PROCEDURES": "off"}}


def warm_impacts(uri: str, ids: list[str], mode: str = "plain") -> dict:
    """One impact per id in this process (store open, schema loaded), timed one by one;
    ``mode``: who walks (:data:`MODES`; the embedded store ignores it)."""
    os.environ.update(MODES[mode])
    import itss_graph as itss
    from itss_graph.schema import load_schema
    from itss_graph.stores import open_store

    schema = load_schema()
    store = open_store(uri)
    times, reached = [], []
    try:
        itss.impact(store, ids[:1], schema=schema, with_props=False)  # the server's plan caches
        for ci in ids:
            start = time.perf_counter()
            answer = itss.impact(store, [ci], schema=schema, with_props=False)
            times.append(time.perf_counter() - start)
            reached.append(len(answer.columns.ids))
    finally:
        store.close()
    return {"n": len(times), "p50_s": round(percentile(times, 0.5), 4),
            "p95_s": round(percentile(times, 0.95), 4), "max_s": round(max(times), 4),
            "reached_p50": percentile(reached, 0.5), "reached_max": max(reached)}


def client_index_read(uri: str) -> dict:
    """The client's closure index read from scratch (a fresh cache directory) by the process
    `itss load` starts after a load: wall, its CPU, peak memory and size on disk."""
    import resource
    import tempfile

    with tempfile.TemporaryDirectory(prefix="itss-client-index-") as cache:
        env = {**os.environ, "NEO4J_URI": uri, "ITSS_CACHE_DIR": cache, "ITSS_NEO4J_INDEX": "client"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "itss_graph.stores.index_at_load", "--neo4j"], check=True, env=env)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"wall_s": round(wall, 2), "cpu_s": round(after.ru_utime + after.ru_stime
                                                          - before.ru_utime - before.ru_stime, 2),
                "peak_rss_mb": round(after.ru_maxrss / 1024), "disk_mb": dir_mb(Path(cache) / "neo4j-index")}


def probe_impacts(uri: str, estate: Path, repeat: int = 3) -> dict:
    """The estate's named probes (``probes.json``: typical, fan-in service, core switch), each
    timed ``repeat`` times in a warm process with the procedures (the median, and the CIs
    reached); empty when the estate has no probes."""
    path = estate / "probes.json"
    if not path.is_file():
        return {}
    os.environ.update(MODES["server"])
    import itss_graph as itss
    from itss_graph.schema import load_schema
    from itss_graph.stores import open_store

    schema = load_schema()
    store = open_store(uri)
    out = {}
    try:
        for label, probe in json.loads(path.read_text(encoding="utf-8")).items():
            itss.impact(store, [probe["id"]], schema=schema, with_props=False)  # untimed, warm
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                answer = itss.impact(store, [probe["id"]], schema=schema, with_props=False)
                times.append(time.perf_counter() - start)
            out[label] = {"id": probe["id"], "reached": len(answer.columns.ids),
                          "median_s": round(statistics.median(times), 4)}
    finally:
        store.close()
    return out


def dir_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def timed_load(estate: Path, target: list[str]) -> dict:
    """`itss load` of the estate into ``target`` (CLI store options): wall, rows/s, CPU."""
    rows = sum(1 for p in ("cis.csv", "relations.csv") for _ in (estate / p).open()) - 2
    before = os.times()
    load_avg = os.getloadavg()
    start = time.perf_counter()
    # the server's snapshot is warmed after the load, not the client's index (read on its own
    # below, timed: itss load would start its reader in the background)
    subprocess.run([ITSS, "load", str(estate), *target, "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "ITSS_NEO4J_INDEX": "server"})
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"rows": rows, "wall_s": round(wall, 1), "rows_per_s": round(rows / wall),
            "loader_cpu_s": round(cpu, 1), "load_average": [load_avg, os.getloadavg()]}


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resolve_estate(text: str) -> Path:
    """A directory, or ``SHAPE-SIZE`` generated (once) by bench/estates.py."""
    path = Path(text)
    if path.is_dir():
        return path
    from bench.estates import prepare

    shape, _, size = text.partition("-")
    start = time.perf_counter()
    estate = prepare(shape, size)
    print(f"estate {estate.name}: {estate.cis:,} CIs, {estate.relations:,} relations "
          f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return estate.directory


def cold_constant(uri: str, repeat: int = 3) -> float:
    """Median wall of a fresh process that imports itss and opens the store (no query)."""
    code = ("import itss_graph\nfrom itss_graph.stores import open_store\n"
            f"open_store({uri!r}).close()\n")
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        walls.append(time.perf_counter() - start)
    return round(statistics.median(walls), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("estate", help="a directory with cis.csv and relations.csv, or SHAPE-SIZE")
    parser.add_argument("--uri")
    parser.add_argument("--store-dir", type=Path, help="the server's data directory (for sizes)")
    parser.add_argument("--start", action="store_true", help="start a test server and load the estate")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--embedded", action="store_true",
                        help="also load the estate into a new embedded store and measure it alike")
    parser.add_argument("--skip-plain", action="store_true", help="no plain-Cypher sample")
    args = parser.parse_args()
    args.estate = resolve_estate(args.estate)
    result: dict = {"estate": str(args.estate), "load_average_start": os.getloadavg()}
    server = None
    if args.start:
        import tempfile

        from tests.support.neo4j_server import start_server

        args.store_dir = Path(tempfile.mkdtemp(prefix="itss-neo4j-scaling-"))
        server = start_server(heap=args.heap, pagecache=args.pagecache, data_dir=args.store_dir)
        args.uri = server.uri
    server_cpu_start = process_cpu_s(server.pid) if server is not None else None
    try:
        if server is not None:
            result["load"] = timed_load(args.estate, ["--neo4j-uri", args.uri])
            result["load"]["server_cpu_s"] = round(process_cpu_s(server.pid) - server_cpu_start, 1)
            print(f"neo4j load: {result['load']}", file=sys.stderr)
        if args.store_dir and server is None:  # (a running server's files lag its page cache)
            result["store"] = store_sizes(args.store_dir)
        ids = sample_ids(args.estate, args.sample)
        result["impact_with_procedures"] = warm_impacts(args.uri, ids, "server")
        print(f"with procedures: {result['impact_with_procedures']}", file=sys.stderr)
        result["impact_probes"] = probe_impacts(args.uri, args.estate)
        print(f"probes: {result['impact_probes']}", file=sys.stderr)
        result["client_index_read"] = client_index_read(args.uri)
        print(f"client index read: {result['client_index_read']}", file=sys.stderr)
        result["impact_client_index"] = warm_impacts(args.uri, ids, "client")
        print(f"client index: {result['impact_client_index']}", file=sys.stderr)
        if not args.skip_plain:
            result["impact_plain_cypher"] = warm_impacts(args.uri, ids, "plain")
            print(f"plain Cypher: {result['impact_plain_cypher']}", file=sys.stderr)
        result["cold_process_constant_s"] = cold_constant(args.uri)
        if server is not None:
            result["server_cpu_s_whole_run"] = round(process_cpu_s(server.pid) - server_cpu_start, 1)
    finally:
        if server is not None:
            server.stop()  # a clean stop checkpoints: the store files then hold the whole graph
            result["store"] = store_sizes(args.store_dir)
            import shutil

            shutil.rmtree(args.store_dir, ignore_errors=True)
    if args.embedded:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="itss-embedded-scaling-") as scratch:
            db = Path(scratch) / "itss.db"
            embedded = timed_load(args.estate, ["--store", str(db)])
            embedded["store_file_mb"] = dir_mb(db)
            index = db.with_name(db.name + ".index")
            embedded["impact"] = warm_impacts(str(db), ids)
            embedded["closure_index_mb"] = dir_mb(index) if index.exists() else 0.0
            result["embedded"] = embedded
            print(f"embedded: {embedded}", file=sys.stderr)
    result["load_average_end"] = os.getloadavg()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
