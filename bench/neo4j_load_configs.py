"""The Neo4j writer's own configurations, measured through the real load path: `load_inventory`
(staging, validation, the writer thread) into a fresh test server per configuration.

Usage (from the repository root):

    .venv/bin/python bench/neo4j_load_configs.py ESTATE_DIR --configs byid:10000,byid:2000,index:10000,index:2000

``byid`` creates relationships between nodes found by internal id (what the writer does into
an empty database), ``index`` matches both ends by ``id`` through the unique index (the writer
before; and beyond ``neo4j_write.KEYS_MAX`` CIs); the number is the rows per transaction
(``neo4j_write.WRITE_BATCH``). Each configuration runs on its own fresh server (same heap and
page cache), one after the other, with the machine's load average, wall time, rows/s, and the
CPU of this process (staging, validation, driver) and of the server. ``--repeat`` runs the
whole list again (interleaved). Output: JSON lines, and all of it with ``--out``. Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def run(estate: Path, shape: str, batch: int, heap: str, pagecache: str) -> dict:
    from bench.neo4j_side_by_side import process_cpu
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores import neo4j_write
    from itss_graph.stores.neo4j import Neo4jStore
    from tests.support.neo4j_server import start_server

    rows = sum(1 for name in ("cis.csv", "relations.csv") for _ in (estate / name).open(encoding="utf-8")) - 2
    saved = neo4j_write.KEYS_MAX, neo4j_write.WRITE_BATCH
    neo4j_write.KEYS_MAX = saved[0] if shape == "byid" else -1
    neo4j_write.WRITE_BATCH = batch
    try:
        with tempfile.TemporaryDirectory(prefix="itss-load-configs-") as scratch, \
                start_server(heap=heap, pagecache=pagecache, data_dir=Path(scratch) / "neo4j") as server:
            with Neo4jStore(server.uri) as store:
                load_average = os.getloadavg()
                me = resource.getrusage(resource.RUSAGE_SELF)
                server_cpu, start = process_cpu(server.pid), time.perf_counter()
                load_inventory([estate], store)
                wall = time.perf_counter() - start
                server_cpu = process_cpu(server.pid) - server_cpu
                after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        neo4j_write.KEYS_MAX, neo4j_write.WRITE_BATCH = saved
    client = (after.ru_utime - me.ru_utime) + (after.ru_stime - me.ru_stime)
    return {"shape": shape, "batch": batch, "rows": rows, "wall_s": round(wall, 1),
            "rows_per_s": round(rows / wall), "client_cpu_s": round(client, 1),
            "server_cpu_s": round(server_cpu, 1), "server_us_per_row": round(server_cpu / rows * 1e6, 1),
            "load_average_start": [round(x, 1) for x in load_average],
            "load_average_end": [round(x, 1) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("estate", type=Path, help="a directory with cis.csv and relations.csv")
    parser.add_argument("--configs", default="byid:10000,index:2000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = []
    for _ in range(args.repeat):
        for config in args.configs.split(","):
            shape, batch = config.split(":")
            result = run(args.estate, shape, int(batch), args.heap, args.pagecache)
            results.append(result)
            print(json.dumps(result), flush=True)
    if args.out:
        args.out.write_text(json.dumps({"estate": str(args.estate), "runs": results}, indent=1))


if __name__ == "__main__":
    main()
