"""Cold `itss impact` on the embedded store and on Neo4j, side by side, in one run: the table
of issue 17 (embedded, Neo4j with ITSS Graph's procedures, Neo4j with plain Cypher).

Usage (stores already loaded with the same estate; a server from tools/neo4j-test-server):

    .venv/bin/python bench/neo4j_side_by_side.py --sqlite ESTATE.db --neo4j-uri bolt://127.0.0.1:7687 \\
        --probe typical=vm-0014284 --probe "core switch=BJ1-CORE-01" --probe "fan-in service=svc-dns-bj1"

Each probe runs ``--repeat`` times per configuration, interleaved (embedded, procedures, plain,
embedded, ...) so a change of the machine's load touches all three alike. Per configuration:
median wall, median CPU of the process (user + sys: what the client itself spent, steady on a
loaded machine where walls are not; with ``--server-pid`` plus the Neo4j server's CPU during
the run), and the ratios of walls and of CPU to the embedded store. ``--itss``
adds another client (e.g. ``before=/path/to/other/.venv/bin/itss``) measured the same way
against the same stores: before/after comparisons in one run. The machine's load average is
recorded at start and end. Output: a Markdown table on stdout, JSON with ``--out``.

Nothing here asserts a time: benchmarks report, they do not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ITSS = str(Path(sys.executable).with_name("itss"))
SCRUBBED = ("ITSS_STORE", "ITSS_NEO4J_PROCEDURES", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD",
            "NEO4J_DATABASE")


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + sys) a running process has used so far; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cold(args: list[str], env: dict, server_pid: int | None = None) -> tuple[float, float, float, str]:
    """Wall and CPU (user + sys) of one fresh process, the server's CPU meanwhile, and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = process_cpu(server_pid)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = process_cpu(server_pid) - server_before
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, server, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", required=True, type=Path)
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--probe", action="append", required=True, metavar="LABEL=ID")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--itss", action="append", default=[], metavar="NAME=PATH",
                        help="another client to measure the same way (before/after)")
    parser.add_argument("--format", default="table", choices=["table", "json"],
                        help="the impact output format (table: as people run it)")
    parser.add_argument("--server-pid", type=int,
                        help="the Neo4j server's process (a local test server): its CPU per run is "
                             "recorded too, so client + server CPU compares with the embedded "
                             "store's CPU on a loaded machine")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    clients = {"now": ITSS, **dict(c.split("=", 1) for c in args.itss)}
    configs = {"embedded": ([], {}),
               "neo4j+procedures": (["--neo4j-uri", args.neo4j_uri], {}),
               "neo4j plain Cypher": (["--neo4j-uri", args.neo4j_uri], {"ITSS_NEO4J_PROCEDURES": "off"})}
    result: dict = {"load_average_start": os.getloadavg(), "repeat": args.repeat, "probes": {}}
    for probe in args.probe:
        label, ci = probe.split("=", 1)
        runs: dict = {}
        reached = None
        for _ in range(args.repeat):
            for client, itss in clients.items():
                for name, (store_args, extra) in configs.items():
                    if name == "embedded":
                        store_args = ["--store", str(args.sqlite)]
                    wall, cpu, server, out = cold([itss, "impact", ci, "--format", args.format, *store_args],
                                                  {**base, **extra},
                                                  None if name == "embedded" else args.server_pid)
                    runs.setdefault(f"{client}: {name}", []).append((wall, cpu, server))
                    if args.format == "json" and reached is None:
                        reached = json.loads(out)["summary"]["total"]
        entry = {"id": ci, "reached": reached}
        for key, values in runs.items():
            entry[key] = {"wall_s": round(statistics.median(w for w, _, _ in values), 3),
                          "cpu_s": round(statistics.median(c for _, c, _ in values), 3),
                          "server_cpu_s": round(statistics.median(s for _, _, s in values), 3)}
        result["probes"][label] = entry
    result["load_average_end"] = os.getloadavg()
    print(f"load average at start {result['load_average_start']}, at end {result['load_average_end']}; "
          f"medians of {args.repeat}, cold CLI")
    keys = [k for k in next(iter(result["probes"].values())) if k not in ("id", "reached")]
    print("| probe | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for label, entry in result["probes"].items():
        cells = []
        for key in keys:
            embedded = entry[f"{key.split(':')[0]}: embedded"]["wall_s"]
            ratio = entry[key]["wall_s"] / embedded if embedded else float("nan")
            work = entry[key]["cpu_s"] + entry[key]["server_cpu_s"]
            embedded_cpu = entry[f"{key.split(':')[0]}: embedded"]["cpu_s"]
            cells.append(f"{entry[key]['wall_s']:.2f} s ({ratio:.1f}×); cpu {work:.2f} s "
                         f"({work / embedded_cpu:.1f}×)")
        name = f"{label} ({entry['reached']} reached)" if entry["reached"] is not None else label
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
