"""Cold `itss impact` on the embedded store and on Neo4j, side by side, in one run: the table
of issue 17 (embedded, Neo4j with ITSS Graph's procedures, Neo4j with plain Cypher).

Usage, stores already loaded with the same estate (a server from tools/neo4j-test-server):

    .venv/bin/python bench/neo4j_side_by_side.py --sqlite ESTATE.db --neo4j-uri bolt://127.0.0.1:7687 \\
        --probe typical=vm-0014284 --probe "core switch=BJ1-CORE-01" --probe "fan-in service=svc-dns-bj1"

or from an estate's CSV pair (``cis.csv``, ``relations.csv``), everything in one run: a test
server is started on a fresh data directory (``--heap``, ``--pagecache``; procedures installed),
the estate is loaded with `itss load` into a new embedded store and into the empty Neo4j
database, one after the other (wall, rows/s, CPU and the load average of each: the two load
rates side by side), the probes run, the server stops and the Neo4j store's size is read (a
clean stop checkpoints; Community has no db.checkpoint()):

    .venv/bin/python bench/neo4j_side_by_side.py --estate ESTATE_DIR --heap 4g --pagecache 1g \\
        --probe typical=rack:dc1-2-851 --probe "core switch=switch:dc1-core-1" --out result.json

Before the timed runs, each probe runs ``--warmup`` times per configuration, untimed: a server
that has been up for a while has compiled its query plans and the procedures' code (a fresh
server's JIT compiles them during the first calls, on the server's CPU), and every store's
files are in the page cache. Then each probe runs ``--repeat`` times per configuration,
interleaved (embedded, default, procedures, plain, embedded, ...) so a change of the machine's
load touches them all alike. Per configuration:
median wall, median CPU of the process (user + sys: what the client itself spent, steady on a
loaded machine where walls are not; with ``--server-pid`` plus the Neo4j server's CPU during
the run), and the ratios of walls and of CPU to the embedded store. ``--itss``
adds another client (e.g. ``before=/path/to/other/.venv/bin/itss``) measured the same way
against the same stores: before/after comparisons in one run. The machine's load average is
recorded at start and end. Output: a Markdown table on stdout, JSON with ``--out``.

The Neo4j configurations: ``neo4j default`` (the client chooses who walks,
``ITSS_NEO4J_INDEX=auto``: its own closure index up to 2M CIs, itss_graph/stores/neo4j_state.py),
``neo4j+procedures`` (``ITSS_NEO4J_INDEX=server``: the server's procedures walk) and ``neo4j plain
Cypher`` (``ITSS_NEO4J_PROCEDURES=off``, as on a managed server without plugins). They run with
``ITSS_BROKER=0`` (in-process); ``--broker`` adds each of them answered through a warm broker of
its own (``itss_graph/cli/broker``: the cold process forwards the command to a resident process
that has the driver imported and connected; started by the untimed warm-up, stopped at the
end); a brokered run's CPU is the client's plus the broker's. ``--no-plain`` leaves out plain
Cypher. Issue 17's table, one run on the foreign 200k estate:

    .venv/bin/python bench/neo4j_side_by_side.py --estate bench/data/foreign-200k --broker \
        --probe typical=vm-0014284 --probe "fan-in service=svc-dns-bj1" \
        --probe "core switch=BJ1-CORE-01" --warmup 2 --repeat 5 --out result.json

Nothing here asserts a time: benchmarks report, they do not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ITSS = str(Path(sys.executable).with_name("itss"))
SCRUBBED = ("ITSS_STORE", "ITSS_NEO4J_PROCEDURES", "ITSS_NEO4J_INDEX", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD",
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


def timed_load(estate: Path, store_args: list[str], env: dict, server_pid: int | None = None) -> dict:
    """`itss load` of the estate (validation included) into one store: wall, rows/s, load
    average, and CPU (user + sys) of the loader's processes and of the server meanwhile — on a
    loaded machine the CPU per row is the figure that compares with a quiet machine's."""
    rows = sum(1 for name in ("cis.csv", "relations.csv") for _ in (estate / name).open(encoding="utf-8")) - 2
    load_average = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = process_cpu(server_pid)
    start = time.perf_counter()
    done = subprocess.run([ITSS, "load", str(estate), *store_args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"itss load {' '.join(store_args)} failed:\n{done.stderr[-2000:]}")
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"rows": rows, "wall_s": round(wall, 1), "rows_per_s": round(rows / wall),
            "client_cpu_s": round(client, 1), "server_cpu_s": round(process_cpu(server_pid) - server_before, 1),
            "load_average_start": load_average, "load_average_end": os.getloadavg()}


def load_estate(args, env: dict, result: dict):
    """Start a test server, load the estate into both stores (timed); return the server."""
    import tempfile

    for path in (REPO, REPO / "bench"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from tests.support.neo4j_server import start_server

    scratch = args.scratch = Path(tempfile.mkdtemp(prefix="itss-side-by-side-"))
    server = start_server(heap=args.heap, pagecache=args.pagecache, data_dir=scratch / "neo4j")
    args.neo4j_uri, args.server_pid, args.sqlite = server.uri, server.pid, scratch / "estate.db"
    result["server"] = {"heap": args.heap, "pagecache": args.pagecache}
    result["load"] = {"embedded": timed_load(args.estate, ["--store", str(args.sqlite)], env),
                      "neo4j": timed_load(args.estate, ["--neo4j-uri", args.neo4j_uri], env, server.pid)}
    for name, load in result["load"].items():
        print(f"load into {name}: {load['rows']} rows in {load['wall_s']} s = {load['rows_per_s']} rows/s; "
              f"CPU {load['client_cpu_s']} s loader + {load['server_cpu_s']} s server "
              f"(load average {load['load_average_start'][0]:.1f} → {load['load_average_end'][0]:.1f})")
    result["load"]["client_index_ready_s"] = wait_for_index_reader(args.neo4j_uri)
    print(f"the client's index, read after the load by its own process: ready "
          f"{result['load']['client_index_ready_s']} s after the load returned")
    return server


def wait_for_index_reader(uri: str, limit_s: float = 600.0) -> float:
    """Seconds until the process `itss load` started to read the client's closure index is done
    (the probes measure questions asked once it is, the steady state; the questions asked
    meanwhile are walked by the procedures, or wait for it)."""
    from itss_graph.schema import load_schema
    from itss_graph.stores.neo4j import Neo4jStore
    from itss_graph.stores.neo4j_state import index_is_ready

    start = time.perf_counter()
    store = Neo4jStore(uri)
    try:
        while not index_is_ready(store, load_schema()) and time.perf_counter() - start < limit_s:
            time.sleep(0.2)
    finally:
        store.close()
    return round(time.perf_counter() - start, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=Path, help="a loaded embedded store")
    parser.add_argument("--neo4j-uri", help="a loaded Neo4j (the same estate)")
    parser.add_argument("--estate", type=Path,
                        help="instead of --sqlite/--neo4j-uri: a CSV pair to load into both stores first")
    parser.add_argument("--heap", default="4g", help="with --estate: the test server's heap")
    parser.add_argument("--pagecache", default="1g", help="with --estate: the test server's page cache")
    parser.add_argument("--keep", action="store_true",
                        help="with --estate: keep both stores (the server's data directory) afterwards")
    parser.add_argument("--probe", action="append", required=True, metavar="LABEL=ID")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=0,
                        help="untimed runs of each probe per configuration first (a warm server)")
    parser.add_argument("--itss", action="append", default=[], metavar="NAME=PATH",
                        help="another client to measure the same way (before/after)")
    parser.add_argument("--format", default="table", choices=["table", "json"],
                        help="the impact output format (table: as people run it)")
    parser.add_argument("--server-pid", type=int,
                        help="the Neo4j server's process (a local test server): its CPU per run is "
                             "recorded too, so client + server CPU compares with the embedded "
                             "store's CPU on a loaded machine")
    parser.add_argument("--broker", action="store_true",
                        help="also each Neo4j configuration through a warm broker (itss_graph/cli/broker), beside "
                             "the same in-process; its CPU counts the broker's")
    parser.add_argument("--no-plain", action="store_true", help="leave out Neo4j with plain Cypher")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.estate is None and (args.sqlite is None or args.neo4j_uri is None):
        parser.error("give --estate, or both --sqlite and --neo4j-uri")
    base = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    base["ITSS_BROKER"] = "0"  # in-process unless a configuration says otherwise (--broker)
    clients = {"now": ITSS, **dict(c.split("=", 1) for c in args.itss)}
    # an installed package has its bytecode; with PYTHONDONTWRITEBYTECODE set (as on the team's
    # machine) an editable one whose sources changed would compile ~30 modules in every cold run
    # (~50 ms, measured) — for every configuration alike, which would flatten the ratios.
    # Clients given with --itss are the caller's to compile.
    import compileall

    compileall.compile_dir(str(REPO / "itss_graph"), quiet=1)
    result: dict = {"load_average_start": os.getloadavg(), "repeat": args.repeat, "warmup": args.warmup,
                    "probes": {}}
    server = load_estate(args, base, result) if args.estate is not None else None
    try:
        probe_all(args, clients, base, result)
    finally:
        if server is not None:
            server.stop()  # a clean stop checkpoints: the store files then hold the whole graph
            from neo4j_scaling import store_sizes

            result["neo4j_store_mb"] = store_sizes(args.scratch / "neo4j")
            if args.keep:
                print(f"stores kept in {args.scratch} (estate.db, neo4j/)")
            else:
                shutil.rmtree(args.scratch, ignore_errors=True)
    report(args, result)


def broker_pid(directory: Path) -> int | None:
    """The pid of the broker serving from ``directory`` (from its log), None if none started."""
    for log in directory.glob("*.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            if line.startswith("broker ") and " listening at " in line:
                return int(line.split()[1])
    return None


def probe_all(args, clients: dict, base: dict, result: dict) -> None:
    """Every probe, ``--repeat`` times, the configurations interleaved: the embedded store;
    Neo4j as the client chooses (``ITSS_NEO4J_INDEX=auto``: its own closure index up to 2M
    CIs); Neo4j walked by the server's procedures (``server``); plain Cypher (procedures off:
    the client's index, as on a managed server) — each in-process and, with ``--broker``,
    through a broker of its own (the environment is not part of a broker's key)."""
    import tempfile

    uri = ["--neo4j-uri", args.neo4j_uri]
    neo4j = {"neo4j default": {}, "neo4j+procedures": {"ITSS_NEO4J_INDEX": "server"}}
    if not args.no_plain:
        neo4j["neo4j plain Cypher"] = {"ITSS_NEO4J_PROCEDURES": "off"}
    configs = {"embedded": ([], {})}
    args.broker_dirs = []
    for name, env in neo4j.items():
        configs[name] = (uri, env)
        if args.broker:
            directory = tempfile.mkdtemp(prefix="itss-broker-")
            args.broker_dirs.append(directory)
            configs[f"{name} brokered"] = (uri, {**env, "ITSS_BROKER": "1", "ITSS_BROKER_DIR": directory})
    try:
        _probe_all(args, clients, base, result, configs)
    finally:
        for directory in args.broker_dirs:
            for itss in clients.values():
                subprocess.run([itss, "broker", "stop", "--all"], capture_output=True,
                               env={**base, "ITSS_BROKER_DIR": directory})
            shutil.rmtree(directory, ignore_errors=True)


def _probe_all(args, clients: dict, base: dict, result: dict, configs: dict) -> None:
    for probe in args.probe:
        label, ci = probe.split("=", 1)
        runs: dict = {}
        reached = None
        # a brokered configuration is measured warm: its broker is started (and has answered) first
        for _ in range(max(args.warmup, 1 if args.broker else 0)):
            for itss in clients.values():
                for name, (store_args, extra) in configs.items():
                    if name == "embedded":
                        store_args = ["--store", str(args.sqlite)]
                    cold([itss, "impact", ci, "--format", args.format, *store_args], {**base, **extra})
        result.setdefault("load_average_after_warmup", {})[label] = os.getloadavg()
        for _ in range(args.repeat):
            for client, itss in clients.items():
                for name, (store_args, extra) in configs.items():
                    if name == "embedded":
                        store_args = ["--store", str(args.sqlite)]
                    brokered = "ITSS_BROKER_DIR" in extra
                    broker = broker_pid(Path(extra["ITSS_BROKER_DIR"])) if brokered else None
                    broker_before = process_cpu(broker)
                    wall, cpu, server, out = cold([itss, "impact", ci, "--format", args.format, *store_args],
                                                  {**base, **extra},
                                                  None if name == "embedded" else args.server_pid)
                    cpu += process_cpu(broker) - broker_before  # the broker's work is the answer's
                    runs.setdefault(f"{client}: {name}", []).append((wall, cpu, server))
                    if args.format == "json" and reached is None:
                        reached = json.loads(out)["summary"]["total"]
        if reached is None:  # the answer's size, from the embedded store (not timed)
            out = cold([ITSS, "impact", ci, "--format", "json", "--store", str(args.sqlite)], base)[3]
            reached = json.loads(out)["summary"]["total"]
        entry = {"id": ci, "reached": reached}
        for key, values in runs.items():
            entry[key] = {"wall_s": round(statistics.median(w for w, _, _ in values), 3),
                          "cpu_s": round(statistics.median(c for _, c, _ in values), 3),
                          "server_cpu_s": round(statistics.median(s for _, _, s in values), 3)}
        result["probes"][label] = entry
    result["load_average_end"] = os.getloadavg()


def report(args, result: dict) -> None:
    print(f"load average at start {result['load_average_start']}, at end {result['load_average_end']}; "
          f"medians of {args.repeat}, cold CLI, after {args.warmup} untimed runs of each")
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
