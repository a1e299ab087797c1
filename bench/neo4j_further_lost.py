"""How plain Cypher's further walks (``neo4j_further.further_in_cypher``, what one more failure
takes down) exclude the CIs already lost: resolved to internal ids once (an integer set sent
each level), or sent as ids and checked against each CI reached. One warm process against a
loaded server (no plugin needed): per probe the answer and its blast radius once, capturing the
further walks' arguments, then those walks ``--repeat`` times per way after one untimed round,
interleaved; wall, this process's CPU and the server's CPU; whether both ways answer alike.

Usage (a server loaded with the estate, e.g. by bench/neo4j_side_by_side.py --keep)::

    .venv/bin/python bench/neo4j_further_lost.py --neo4j-uri bolt://127.0.0.1:7687 --server-pid PID \\
        provider:cu switch:dc1-core-1

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.neo4j_scaling import process_cpu_s  # noqa: E402

WAYS = {"internal ids": 10**12, "ids": -1}  # LOST_KEYS_MAX forcing each way


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("probes", nargs="+")
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["ITSS_NEO4J_PROCEDURES"] = "off"
    import itss_graph.stores.neo4j_further as further
    from itss_graph.engine.blast import assess
    from itss_graph.engine.impact import impact
    from itss_graph.schema import load_schema
    from itss_graph.stores import open_store

    schema, store = load_schema(), open_store(args.neo4j_uri)
    walk, calls = further.further_in_cypher, []
    further.further_in_cypher = lambda *a, **k: calls.append((a[1:], k)) or walk(*a, **k)
    result: dict = {"load_average_start": os.getloadavg(), "probes": {}}
    for probe in args.probes:
        calls.clear()
        assess(store, impact(store, [probe], schema=schema, with_props=False), schema=schema)
        runs: dict = {way: [] for way in WAYS}
        answers: dict = {}
        for attempt in range(args.repeat + 1):
            for way, limit in WAYS.items():
                further.LOST_KEYS_MAX = limit
                server, cpu, start = process_cpu_s(args.server_pid), time.process_time(), time.perf_counter()
                answers[way] = [walk(store, *a, **k) for a, k in calls]
                wall, cpu = time.perf_counter() - start, time.process_time() - cpu
                server = process_cpu_s(args.server_pid) - server
                if attempt:
                    runs[way].append({"wall_s": round(wall, 3), "client_cpu_s": round(cpu, 3),
                                      "server_cpu_s": round(server, 3), "load": round(os.getloadavg()[0], 1)})
        result["probes"][probe] = {
            "walks": [{"lost": len(a[0]), "candidates": len(a[1]), "targets": len(a[2])} for a, _ in calls],
            "identical": len({json.dumps({c: sorted(t) for r in ans for c, t in r.items()}, sort_keys=True)
                              for ans in answers.values()}) == 1,
            **{way: {"median_wall_s": statistics.median(r["wall_s"] for r in rs),
                     "median_cpu_s": round(statistics.median(r["client_cpu_s"] + r["server_cpu_s"] for r in rs), 3),
                     "runs": rs} for way, rs in runs.items()}}
        print(probe, json.dumps({k: v for k, v in result["probes"][probe].items()}), file=sys.stderr)
    result["load_average_end"] = os.getloadavg()
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
