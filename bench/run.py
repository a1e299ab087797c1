"""Benchmarks: load time, peak memory and impact-query times on 10k / 100k / 1M-CI estates.

Usage (from the repository root, after `make install`):

    .venv/bin/python bench/run.py                       # 10k and 100k, embedded store
    .venv/bin/python bench/run.py --sizes 1m --stores sqlite,neo4j

Estates come from the same deterministic generator as `itss demo` (itss_graph.synth), scaled
to the size asked, and are cached in bench/data/. Every figure is measured on a fresh
process, the way people run the CLI: `itss load` and `itss impact` as subprocesses, wall
time and peak RSS (from wait4's rusage). Side by side, in the same run:

* limit   — an in-memory CSR breadth-first search (scipy) of the same closure, graph already
            in memory: what the closure itself costs with no I/O or process start;
* naive   — (Neo4j) a variable-length Cypher pattern, the query people write first, capped by
            --naive-timeout. With ``count(DISTINCT x)`` Neo4j 5 plans it as a pruning
            variable-length expand (no path enumeration), so it is fast — but it is plain
            reachability over incoming relations: no failure semantics, no redundancy, no
            depth or explanation, and a different set of CIs than the impact answer.

Results print as a table and are saved to bench/results/<time>.json. Nothing here asserts a
time: benchmarks report, they do not pass or fail.
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
sys.path.insert(0, str(REPO))

from itss_graph.synth import write_estate  # noqa: E402

DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
ITSS = str(Path(sys.executable).with_name("itss"))
BASE_CIS = 14793  # CIs of the estate at scale 1
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# impact probes: a carrier everything external rests on (≥100k CIs at 1M), a whole data
# centre, one VM, and a redundant core switch (little goes down, much is at risk)
PROBES = {"high fan-in": "provider:ct", "whole site": "site:dc1", "typical": "vm:0001-web1",
          "core switch": "switch:dc1-core-1"}
SPOF_TARGET_SIZE = 5000  # "spof and root-cause on a service of ~5k CIs"


def estate(size: str) -> tuple[Path, int, int]:
    directory = DATA / size
    marker = directory / "counts.json"
    if not marker.exists():
        scale = SIZES[size] / BASE_CIS
        t = time.perf_counter()
        n_cis, n_rels = write_estate(directory, scale=scale)
        marker.write_text(json.dumps({"cis": n_cis, "relations": n_rels,
                                      "generated_s": round(time.perf_counter() - t, 1)}))
    counts = json.loads(marker.read_text())
    return directory, counts["cis"], counts["relations"]


def _rss_of(args: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall time, peak RSS (MB) and stdout of a command, measured by a wrapper process
    (RUSAGE_CHILDREN of a fresh wrapper is exactly the command's own peak)."""
    import tempfile

    code = (
        "import json,resource,subprocess,sys,time\n"
        "out=open(sys.argv[1],'w')\n"
        "t=time.perf_counter()\n"
        "p=subprocess.run(sys.argv[2:],stdout=out,stderr=subprocess.PIPE,text=True)\n"
        "w=time.perf_counter()-t\n"
        "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'wall':w,'rss_kb':r,'rc':p.returncode,'err':p.stderr[-3000:]}))\n"
    )
    with tempfile.NamedTemporaryFile("r", suffix=".out") as out:
        done = subprocess.run([sys.executable, "-c", code, out.name, *args], capture_output=True,
                              text=True, env={**os.environ, **(env or {})})
        result = json.loads(done.stdout)
        if result["rc"] != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result['err']}")
        return result["wall"], result["rss_kb"] // 1024, out.read()


def median_wall(args: list[str], repeat: int, env: dict | None = None) -> tuple[float, str]:
    walls, out = [], ""
    for _ in range(repeat):
        wall, _, out = _rss_of(args, env)
        walls.append(wall)
    return statistics.median(walls), out


def csr_limit(directory: Path, probe: str) -> tuple[float, int]:
    """Closure over the propagation edges by an in-memory CSR BFS (scipy), graph preloaded."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    from itss_graph.schema import load_schema

    rules = load_schema().relation_types
    ids: dict[str, int] = {}
    with (directory / "cis.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if row[0] != "id":
                ids[row[0]] = len(ids)
    src, dst = [], []
    with (directory / "relations.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for s, r, t in reader:
            # failure flows from the provider to the dependant
            if rules[r].on_target_failure != "none":
                src.append(ids[t]); dst.append(ids[s])
            if rules[r].on_source_failure != "none":
                src.append(ids[s]); dst.append(ids[t])
    n = len(ids)
    graph = csr_matrix((np.ones(len(src), dtype=np.int8), (np.array(src), np.array(dst))), shape=(n, n))
    start = time.perf_counter()
    order = breadth_first_order(graph, ids[probe], directed=True, return_predecessors=False)
    return time.perf_counter() - start, len(order) - 1


def pick_services(db: Path, wanted: int = SPOF_TARGET_SIZE, sample: int = 400) -> dict:
    """Services whose upstream closure is nearest ``wanted`` CIs (from a sample of the
    estate's services): one for spof, three for root-cause."""
    from itss_graph.engine.reach import upstream
    from itss_graph.engine.spof import business_services
    from itss_graph.schema import load_schema
    from itss_graph.stores.sqlite import SQLiteStore

    store = SQLiteStore(db, create=False)
    try:
        services = business_services(store, load_schema())
        step = max(1, len(services) // sample)
        sizes = {s: len(upstream(store, [s])) for s in services[::step]}
    finally:
        store.close()
    nearest = sorted(sizes, key=lambda s: (abs(sizes[s] - wanted), s))
    return {"spof": nearest[0], "spof_upstream": sizes[nearest[0]],
            "root_cause": nearest[:3], "root_cause_upstream": [sizes[s] for s in nearest[:3]],
            "largest": max(sizes, key=sizes.get), "largest_upstream": max(sizes.values())}


def bench_questions(picks: dict, store_args: list[str], repeat: int, env: dict | None = None,
                    largest: bool = True) -> dict:
    """Cold-CLI spof and root-cause on the picked services (and, for scale, spof of the
    largest sampled service)."""
    out: dict = {}
    wall, text = median_wall([ITSS, "spof", picks["spof"], "--format", "json", *store_args], repeat, env)
    out["spof ~5k"] = {"target": picks["spof"], "upstream": picks["spof_upstream"],
                       "spof_found": json.loads(text)["summary"]["total"], "cold_cli_s": round(wall, 3)}
    wall, text = median_wall([ITSS, "root-cause", *picks["root_cause"], "--format", "json", *store_args],
                             repeat, env)
    out["root-cause 3 services"] = {"symptoms": picks["root_cause"], "upstream": picks["root_cause_upstream"],
                                    "candidates": json.loads(text)["summary"]["candidates"],
                                    "cold_cli_s": round(wall, 3)}
    if not largest:
        return out
    wall, text = median_wall([ITSS, "spof", picks["largest"], "--format", "json", *store_args], 1, env)
    out["spof largest sampled"] = {"target": picks["largest"], "upstream": picks["largest_upstream"],
                                   "cold_cli_s": round(wall, 3)}
    return out


def bench_sqlite(size: str, directory: Path, repeat: int) -> dict:
    db = DATA / f"{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    load_wall, load_rss, _ = _rss_of([ITSS, "load", str(directory), "--store", str(db), "--format", "json"])
    again_wall, _, _ = _rss_of([ITSS, "load", str(directory), "--store", str(db), "--format", "json"])
    # the first query after a load builds the closure index (memory-mapped, kept per generation)
    first_wall, first_rss, _ = _rss_of([ITSS, "impact", PROBES["typical"], "--store", str(db), "--format", "json"])
    result = {"load_s": round(load_wall, 2), "load_peak_rss_mb": load_rss,
              "reload_unchanged_s": round(again_wall, 2), "db_mb": round(db.stat().st_size / 2**20, 1),
              "first_query_after_load_s": round(first_wall, 2), "first_query_peak_rss_mb": first_rss,
              "impact": {}}
    for label, probe in PROBES.items():
        wall, out = median_wall([ITSS, "impact", probe, "--store", str(db), "--format", "json"], repeat)
        table, _ = median_wall([ITSS, "impact", probe, "--store", str(db)], repeat)  # the default output
        reached = json.loads(out)["summary"]["total"]
        limit_s, limit_reached = csr_limit(directory, probe)
        result["impact"][label] = {"probe": probe, "reached": reached, "cold_cli_s": round(wall, 3),
                                   "cold_cli_table_s": round(table, 3),
                                   "limit_csr_bfs_s": round(limit_s, 4),
                                   "limit_reached_superset": limit_reached}
    result["picks"] = pick_services(db)
    result["questions"] = bench_questions(result["picks"], ["--store", str(db)], repeat)
    return result


def bench_neo4j(size: str, directory: Path, repeat: int, naive_timeout: float,
                picks: dict | None) -> dict:
    from tests.support.neo4j_server import start_server

    import neo4j

    heap = "4g" if size == "1m" else "1g"
    with start_server(heap=heap, pagecache="2g" if size == "1m" else "512m") as server:
        env = {"NEO4J_URI": server.uri}
        load_wall, load_rss, out = _rss_of([ITSS, "load", str(directory), "--format", "json"], env)
        _rss_of([ITSS, "impact", PROBES["typical"], "--format", "json"], env)  # warm the JIT once
        totals = json.loads(out)["totals"]
        rows = totals["cis"]["created"] + totals["relations"]["created"]
        result = {"load_s": round(load_wall, 2), "load_peak_rss_mb": load_rss,
                  "rows_per_s": round(rows / load_wall), "impact": {}}
        driver = neo4j.GraphDatabase.driver(server.uri)
        for label, probe in PROBES.items():
            wall, out = median_wall([ITSS, "impact", probe, "--format", "json"], repeat, env)
            # the same answer without the server-side procedures (tools/neo4j-plugin)
            plain, plain_out = median_wall([ITSS, "impact", probe, "--format", "json"], repeat,
                                           {**env, "ITSS_NEO4J_PROCEDURES": "off"})
            assert plain_out == out, f"{probe}: the procedure and plain Cypher disagree"
            entry = {"probe": probe, "reached": json.loads(out)["summary"]["total"],
                     "cold_cli_s": round(wall, 3), "cold_cli_plain_cypher_s": round(plain, 3)}
            entry["naive_varlength_cypher"] = naive_cypher(driver, probe, naive_timeout)
            result["impact"][label] = entry
        driver.close()
        if picks:
            result["questions"] = bench_questions(picks, [], repeat, env, largest=False)
    return result


def naive_cypher(driver, probe: str, timeout: float) -> str:
    """The query people write first: every path into the probe, de-duplicated at the end."""
    import neo4j

    query = neo4j.Query("MATCH (s:CI {id: $id})<-[*1..]-(x:CI) RETURN count(DISTINCT x)", timeout=timeout)
    start = time.perf_counter()
    try:
        with driver.session() as session:
            count = session.run(query, id=probe).single()[0]
        return f"{time.perf_counter() - start:.2f} s ({count} reached)"
    except neo4j.exceptions.ClientError as exc:
        if "Timeout" in exc.code or "terminated" in str(exc).lower():
            return f"> {timeout:.0f} s (timed out)"
        raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--stores", default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-timeout", type=float, default=60.0)
    args = parser.parse_args()
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": {}}
    for size in args.sizes.split(","):
        directory, n_cis, n_rels = estate(size)
        entry: dict = {"cis": n_cis, "relations": n_rels}
        print(f"== {size}: {n_cis} CIs, {n_rels} relations", flush=True)
        for store in args.stores.split(","):
            entry[store] = (bench_sqlite(size, directory, args.repeat) if store == "sqlite"
                            else bench_neo4j(size, directory, args.repeat, args.naive_timeout,
                                             entry.get("sqlite", {}).get("picks")))
            print(json.dumps({store: entry[store]}, ensure_ascii=False, indent=1), flush=True)
        results["sizes"][size] = entry
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
