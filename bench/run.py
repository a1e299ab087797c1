"""Benchmarks: itss side by side with naive peers and the physical limit, from fresh processes.

Usage (from the repository root, after `make install` and `pip install -e '.[bench]'`, which
`make bench` does):

    .venv/bin/python bench/run.py                                   # demo + foreign, 200k, sqlite
    .venv/bin/python bench/run.py --estates demo,foreign --sizes 200k,1m --stores sqlite,neo4j
    .venv/bin/python bench/run.py --groups cli,formats              # only the estate-free groups
    .venv/bin/python bench/run.py --sizes 20k --repeat 1 --out /tmp # a quick look

Estates (bench/estates.py, cached in bench/data/): ``demo`` is the bank-shaped estate of `itss
demo` (itss_graph/synth.py) scaled; ``foreign`` is a multi-region cloud platform
(bench/foreign_estate.py: leaf–spine network, k-of-n VM clusters, DNS/AD-like services with
~16k direct dependants at 200k). Probes are picked per estate (bench/probes.py): a typical CI,
the core/spine switch that reaches most, the service with the most direct dependants.

Measurement groups, each recording the machine's load average at its start and end:

* ``cli``     — `itss --help`, `itss standards --ci-type database`, beside `python -c pass` and
                `import numpy` (the floors);
* ``formats`` — a 30k-row XLSX register with merged cells (openpyxl read-only iteration vs the
                itss table reader vs `itss load --profile cn-asset-register`), a 20k-record
                YAML document (yaml.CSafeLoader vs itss's reader vs `itss load`), the same as
                JSON (json.loads vs …);
* ``load``    — per estate: `itss load` into a fresh store (wall, peak RSS of the process
                tree), the same load in one process (``--workers 1``: no parallel staging
                workers), the FIRST query after it (`itss impact` of the typical probe: today
                it builds the closure index), and a raw `executemany` loader of the same rows
                (bench/peers/raw_sqlite_load.py); ``--load-repeat`` times, interleaved;
* ``impact``  — per probe, ``--repeat`` times interleaved: cold `itss impact PROBE` (table
                output, as people run it) and the naive peer, a fresh Python process running
                one recursive CTE over the failure-flow edges of the same SQLite file
                (bench/peers/naive_cte.py, bare ids); then the limit: a CSR breadth-first search
                with the graph in memory (bench/flowgraph.py);
* ``neo4j``   — per estate (``--stores neo4j``): Neo4j 5.26 from tools/neo4j-test-server
                (heap ``--neo4j-heap``, page cache ``--neo4j-pagecache``, procedures of
                tools/neo4j-plugin installed): `itss load` rows/s, then per probe cold `itss
                impact` on the embedded store, on Neo4j with the procedures and on Neo4j with
                plain Cypher (ITSS_NEO4J_PROCEDURES=off), and a naive variable-length Cypher
                count (capped by ``--naive-timeout``);
* ``questions`` (opt-in) — spof and root-cause on services of ~5k upstream CIs.

Wall and CPU times (user + system of the process and the children it waited for) are medians;
peak RSS is the largest of the runs (bench/measure.py). On a busy machine read the CPU
figures beside the wall ones: wall time stretches with the queue for the cores. Results print
as tables with ratios and are saved as JSON and Markdown in ``--out`` (default bench/reported/)
with the git commit, the machine, the estates' parameters and the probes. Nothing here asserts
a time: benchmarks report, they do not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import report  # noqa: E402
from bench.estates import DATA, Estate, prepare, probes  # noqa: E402
from bench.measure import Group, Measured, run, summarise  # noqa: E402

PY = sys.executable
ITSS = str(Path(sys.executable).with_name("itss"))
PEERS = REPO / "bench" / "peers"
FORMATS = DATA / "formats"
DEFAULT_GROUPS = "cli,formats,load,impact,neo4j"
# settings a user's shell may carry that would point a child at another store
SCRUBBED_ENV = ("ITSS_STORE", "ITSS_NEO4J_PROCEDURES", "ITSS_NEO4J_INDEX", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD",
                "NEO4J_DATABASE")


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    # cold CLI figures are in-process ones: no resident broker answers for the Neo4j runs
    # (bench/neo4j_side_by_side.py --broker measures the broker beside them)
    return {**env, "ITSS_BROKER": "0", **extra}


def remove_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.index", ignore_errors=True)


def reached_of_table(path: Path) -> int:
    """The count in the head of `itss impact`'s table ("15 CIs impacted (2 down, …)."; before
    the impact answers were reworded: "… impacts 15 CIs …"); -1 when neither is there."""
    head = "\n".join(path.read_text(encoding="utf-8").split("\n", 4)[:4])
    match = re.search(r"^([\d,]+) CIs? impacted", head, re.M) or re.search(r"impacts ([\d,]+) CI", head)
    return int(match.group(1).replace(",", "")) if match else -1


def lines_of(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line)


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


# -- groups without an estate ---------------------------------------------------------------

def cli_group(times: int) -> dict:
    env = child_env()
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import numpy'": [PY, "-c", "import numpy"],
        "itss --help": [ITSS, "--help"],
        "itss standards --ci-type database": [ITSS, "standards", "--ci-type", "database"],
    }
    for cmd in commands.values():  # warm-up: the first command after an install fills caches
        run(cmd, env=env)
    runs: dict[str, list[Measured]] = {label: [] for label in commands}
    for _ in range(times):  # interleaved, so a busy moment hits every command alike
        for label, cmd in commands.items():
            runs[label].append(run(cmd, env=env))
    return {label: summarise(r) for label, r in runs.items()}


def formats_group(times: int, work: Path) -> dict:
    from bench.fixtures import asset_register_xlsx, estate_document

    FORMATS.mkdir(parents=True, exist_ok=True)
    files = {"xlsx": FORMATS / "asset-register-30k.xlsx", "yaml": FORMATS / "estate-20k.yaml",
             "json": FORMATS / "estate-20k.json"}
    counts_file = FORMATS / "counts.json"
    counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    for kind, path in files.items():
        if not path.exists() or kind not in counts:
            start = time.perf_counter()
            counts[kind] = (asset_register_xlsx(path) if kind == "xlsx" else estate_document(path))
            counts[f"{kind}_generated_s"] = round(time.perf_counter() - start, 1)
            counts_file.write_text(json.dumps(counts))
    env = child_env()
    plans = {
        "xlsx": {"peer": ("openpyxl read-only iteration", [PY, str(PEERS / "readers.py"), "openpyxl-readonly"]),
                 "reader": ("itss table reader (cn-asset-register)", [PY, str(PEERS / "readers.py"), "itss-table"]),
                 "load": ("itss load --profile cn-asset-register", ["--profile", "cn-asset-register"])},
        "yaml": {"peer": ("yaml.load(CSafeLoader)", [PY, str(PEERS / "readers.py"), "yaml-csafe"]),
                 "reader": ("itss document reader", [PY, str(PEERS / "readers.py"), "itss-document"]),
                 "load": ("itss load", [])},
        "json": {"peer": ("json.loads", [PY, str(PEERS / "readers.py"), "json-loads"]),
                 "reader": ("itss document reader", [PY, str(PEERS / "readers.py"), "itss-document"]),
                 "load": ("itss load", [])},
    }
    out: dict = {"files": {k: {"path": str(p.relative_to(REPO)), "records": counts[k],
                               "mb": round(p.stat().st_size / 2**20, 2)} for k, p in files.items()}}
    db = work / "formats.db"
    for kind, plan in plans.items():
        path = str(files[kind])
        runs: dict[str, list[Measured]] = {"peer": [], "reader": [], "load": []}
        for _ in range(times):
            runs["peer"].append(run([*plan["peer"][1], path], env=env))
            runs["reader"].append(run([*plan["reader"][1], path], env=env))
            remove_store(db)
            runs["load"].append(run([ITSS, "load", *plan["load"][1], path, "--store", str(db)], env=env, tree=True))
        entry = {part: {"what": plan[part][0], **summarise(r)} for part, r in runs.items()}
        entry["reader_vs_peer"] = ratio(entry["reader"]["wall_s"], entry["peer"]["wall_s"])
        entry["load_vs_peer"] = ratio(entry["load"]["wall_s"], entry["peer"]["wall_s"])
        entry["reader_vs_peer_cpu"] = ratio(entry["reader"]["cpu_s"], entry["peer"]["cpu_s"])
        entry["load_vs_peer_cpu"] = ratio(entry["load"]["cpu_s"], entry["peer"]["cpu_s"])
        out[kind] = entry
    remove_store(db)
    return out


# -- per estate: the embedded store ---------------------------------------------------------

def load_group(estate: Estate, picks: dict, work: Path, times: int) -> tuple[dict, Path]:
    env = child_env()
    db, raw_db = work / "itss.db", work / "raw.db"
    typical = picks["typical"]["id"]
    runs: dict[str, list[Measured]] = {"itss_load": [], "first_query": [], "raw_executemany": [],
                                       "itss_load_serial": []}
    for _ in range(times):
        # the same load in one process (--workers 1): do parallel staging workers pay here?
        remove_store(db)
        runs["itss_load_serial"].append(run([ITSS, "load", str(estate.directory), "--store", str(db),
                                             "--workers", "1"], env=env, tree=True))
        remove_store(db)
        runs["itss_load"].append(run([ITSS, "load", str(estate.directory), "--store", str(db), "--format", "json"],
                                     env=env, tree=True, stdout=work / "load.json"))
        runs["first_query"].append(run([ITSS, "impact", typical, "--store", str(db)], env=env, tree=True,
                                       stdout=work / "first.txt"))
        remove_store(raw_db)
        runs["raw_executemany"].append(run([PY, str(PEERS / "raw_sqlite_load.py"), str(estate.directory),
                                            str(raw_db)], env=env, tree=True))
    totals = json.loads((work / "load.json").read_text())["totals"]
    rows = estate.cis + estate.relations
    out = {part: summarise(r) for part, r in runs.items()}
    out["itss_load"]["rows_per_s"] = round(rows / out["itss_load"]["wall_s"])
    out["raw_executemany"]["rows_per_s"] = round(rows / out["raw_executemany"]["wall_s"])
    out["load_vs_raw"] = ratio(out["itss_load"]["wall_s"], out["raw_executemany"]["wall_s"])
    out["load_vs_raw_cpu"] = ratio(out["itss_load"]["cpu_s"], out["raw_executemany"]["cpu_s"])
    out["itss_load_serial"]["rows_per_s"] = round(rows / out["itss_load_serial"]["wall_s"])
    out["serial_vs_raw"] = ratio(out["itss_load_serial"]["wall_s"], out["raw_executemany"]["wall_s"])
    out["serial_vs_raw_cpu"] = ratio(out["itss_load_serial"]["cpu_s"], out["raw_executemany"]["cpu_s"])
    out["workers"] = os.cpu_count()
    out["first_query"]["probe"] = typical
    out["loaded"] = {"cis": totals["cis"]["created"], "relations": totals["relations"]["created"]}
    out["db_mb"] = round(db.stat().st_size / 2**20, 1)
    out["raw_db_mb"] = round(raw_db.stat().st_size / 2**20, 1)
    out["index_mb"] = round(sum(p.stat().st_size for p in Path(f"{db}.index").rglob("*") if p.is_file()) / 2**20, 1)
    remove_store(raw_db)
    return out, db


def impact_group(db: Path, picks: dict, work: Path, times: int) -> dict:
    from bench.flowgraph import FlowGraph, flow_types

    env = child_env()
    to_source, to_target = flow_types()
    out: dict = {}
    for label, probe in picks.items():
        ci = probe["id"]
        itss_cmd = [ITSS, "impact", ci, "--store", str(db)]
        naive_cmd = [PY, str(PEERS / "naive_cte.py"), str(db), ci, ",".join(to_source), ",".join(to_target)]
        itss_runs, naive_runs = [], []
        for _ in range(times):
            itss_runs.append(run(itss_cmd, env=env, stdout=work / "impact.txt"))
            naive_runs.append(run(naive_cmd, env=env, stdout=work / "naive.txt"))
        out[label] = {"probe": ci, "type": probe["type"],
                      "itss": {**summarise(itss_runs), "reached": reached_of_table(work / "impact.txt"),
                               "output_kb": round((work / "impact.txt").stat().st_size / 1024, 1)},
                      "naive_cte": {**summarise(naive_runs), "reached": lines_of(work / "naive.txt") - 1}}
    graph = FlowGraph(db)
    for label, entry in out.items():
        seconds, reached = graph.bfs_s(entry["probe"])
        entry["limit_csr_bfs"] = {"wall_s": round(seconds, 5), "reached": reached}
        entry["itss_vs_naive"] = ratio(entry["itss"]["wall_s"], entry["naive_cte"]["wall_s"])
        entry["itss_vs_naive_cpu"] = ratio(entry["itss"]["cpu_s"], entry["naive_cte"]["cpu_s"])
        entry["itss_vs_limit"] = ratio(entry["itss"]["wall_s"], seconds)
        entry["naive_vs_limit"] = ratio(entry["naive_cte"]["wall_s"], seconds)
    out["_limit_graph"] = {"edges": graph.edges, "build_s": round(graph.build_s, 2),
                           "note": "CSR of the failure-flow edges, built once from the store; the "
                                   "limit times only the search"}
    return out


# -- per estate: Neo4j -----------------------------------------------------------------------

def neo4j_group(estate: Estate, picks: dict, db: Path, work: Path, times: int, heap: str, pagecache: str,
                naive_timeout: float) -> dict:
    import psutil

    from tests.support.neo4j_server import start_server

    out: dict = {"heap": heap, "pagecache": pagecache}
    env = child_env()
    with start_server(heap=heap, pagecache=pagecache) as server:
        uri = ["--neo4j-uri", server.uri]
        load = run([ITSS, "load", str(estate.directory), *uri, "--format", "json"], env=env, tree=True,
                   stdout=work / "neo4j-load.json")
        rows = estate.cis + estate.relations
        out["load"] = {"wall_s": round(load.wall_s, 2), "client_peak_rss_mb": load.peak_rss_mb,
                       "rows_per_s": round(rows / load.wall_s),
                       "server_rss_mb_after": round(psutil.Process(server.pid).memory_info().rss / 2**20)}
        # default: the client chooses who walks (its own closure index up to 2M CIs); procedures:
        # the server's walk; plain Cypher: no procedures, as on a managed server
        plain_env = child_env(ITSS_NEO4J_PROCEDURES="off")
        commands = {"embedded": ([ITSS, "impact", "PROBE", "--store", str(db)], env),
                    "neo4j_default": ([ITSS, "impact", "PROBE", *uri], env),
                    "neo4j_procedures": ([ITSS, "impact", "PROBE", *uri], child_env(ITSS_NEO4J_INDEX="server")),
                    "neo4j_plain_cypher": ([ITSS, "impact", "PROBE", *uri], plain_env)}
        out["impact"] = {}
        for label, probe in picks.items():
            ci = probe["id"]
            first = {}
            for mode, (cmd, cmd_env) in commands.items():  # the first answer after the load, once
                if mode != "embedded":
                    first[mode] = round(run([c if c != "PROBE" else ci for c in cmd], env=cmd_env).wall_s, 3)
            runs: dict[str, list[Measured]] = {mode: [] for mode in commands}
            texts: dict[str, str] = {}
            for _ in range(times):
                for mode, (cmd, cmd_env) in commands.items():
                    target = work / f"neo4j-{mode}.txt"
                    runs[mode].append(run([c if c != "PROBE" else ci for c in cmd], env=cmd_env, stdout=target))
                    texts[mode] = target.read_text(encoding="utf-8")
            entry = {"probe": ci, **{mode: summarise(r) for mode, r in runs.items()},
                     "first_after_load_s": first,
                     "same_answer": {mode: texts[mode] == texts["embedded"] for mode in commands if mode != "embedded"}}
            entry["default_vs_embedded"] = ratio(entry["neo4j_default"]["wall_s"], entry["embedded"]["wall_s"])
            entry["procedures_vs_embedded"] = ratio(entry["neo4j_procedures"]["wall_s"], entry["embedded"]["wall_s"])
            entry["plain_vs_embedded"] = ratio(entry["neo4j_plain_cypher"]["wall_s"], entry["embedded"]["wall_s"])
            entry["naive_varlength_cypher"] = naive_cypher(server.uri, ci, naive_timeout)
            out["impact"][label] = entry
        out["server_rss_mb_end"] = round(psutil.Process(server.pid).memory_info().rss / 2**20)
    return out


def naive_cypher(uri: str, probe: str, timeout: float) -> dict:
    """The query people write first on Neo4j: every CI with a path into the probe, counted once
    (incoming relations of any type: no failure semantics at all)."""
    import neo4j

    query = neo4j.Query("MATCH (s:CI {id: $id})<-[*1..]-(x:CI) RETURN count(DISTINCT x)", timeout=timeout)
    driver = neo4j.GraphDatabase.driver(uri)
    start = time.perf_counter()
    try:
        with driver.session() as session:
            count = session.run(query, id=probe).single()[0]
        return {"wall_s": round(time.perf_counter() - start, 3), "reached": count}
    except neo4j.exceptions.Neo4jError as exc:
        return {"wall_s": None, "timed_out_after_s": timeout, "error": (exc.code or str(exc))[:120]}
    finally:
        driver.close()


def ensure_embedded_store(estate: Estate, work: Path) -> Path:
    """A loaded embedded store (index built) when the sqlite groups did not run."""
    db = work / "itss.db"
    if not db.exists():
        subprocess.run([ITSS, "load", str(estate.directory), "--store", str(db)], check=True,
                       stdout=subprocess.DEVNULL, env=child_env())
    return db


# -- the run -----------------------------------------------------------------------------------

def run_meta(args: argparse.Namespace) -> dict:
    def git(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], cwd=REPO, capture_output=True, text=True).stdout.strip()

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "git_commit": git("rev-parse", "HEAD"),
            "git_branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "label": args.label, "argv": sys.argv[1:],
            "machine": {"cpus": os.cpu_count(), "memory_gb": round(mem / 2**30, 1),
                        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                        "platform": platform.platform()},
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--estates", default="demo,foreign", help="demo, foreign (comma-separated)")
    parser.add_argument("--sizes", default="200k", help="estate sizes, e.g. 200k,1m (any NNNk / Nm)")
    parser.add_argument("--stores", default="sqlite", help="sqlite, neo4j (comma-separated)")
    parser.add_argument("--groups", default=DEFAULT_GROUPS,
                        help=f"measurement groups (default {DEFAULT_GROUPS}; also: questions)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per query measurement (median)")
    parser.add_argument("--load-repeat", type=int, default=3, help="loads (and first queries) per estate")
    parser.add_argument("--neo4j-heap", default="4g")
    parser.add_argument("--neo4j-pagecache", default="1g")
    parser.add_argument("--naive-timeout", type=float, default=60.0, help="cap of the naive Cypher query (s)")
    parser.add_argument("--label", default="", help="a word for the result file, e.g. before / after")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "reported")
    args = parser.parse_args(argv)
    groups = set(args.groups.split(","))
    stores = set(args.stores.split(","))

    results: dict = {"run": run_meta(args), "groups": [], "estates": {}}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = "-".join(filter(None, ["bench", args.label, stamp]))
    args.out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = args.out / f"{name}.json", args.out / f"{name}.md"

    def save() -> None:
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        md_path.write_text(report.markdown(results), encoding="utf-8")

    def group(label: str, func, *func_args):
        print(f"-- {label}", flush=True)
        with Group(label) as g:
            value = func(*func_args)
        results["groups"].append(g.record())
        first = value[0] if isinstance(value, tuple) else value
        if isinstance(first, dict):
            first["_group"] = g.record()
        return value

    scratch = DATA / "work"
    scratch.mkdir(parents=True, exist_ok=True)
    if "cli" in groups:
        results["cli"] = group("cli", cli_group, max(5, args.repeat))
        save()
    if "formats" in groups:
        results["formats"] = group("formats", formats_group, args.repeat, scratch)
        save()
    needs_estate = groups & {"load", "impact", "neo4j", "questions"}
    for shape in filter(None, args.estates.split(",")) if needs_estate else []:
        for size in filter(None, args.sizes.split(",")):
            print(f"== {shape} {size}", flush=True)
            estate = prepare(shape, size)
            picks = probes(estate, ITSS)
            entry: dict = {"params": estate.info, "probes": picks}
            results["estates"][estate.name] = entry
            work = estate.directory / "work"
            work.mkdir(exist_ok=True)
            db = work / "itss.db"
            if "sqlite" in stores and "load" in groups:
                entry["load"], db = group(f"{estate.name} load", load_group, estate, picks, work, args.load_repeat)
                save()
            if "sqlite" in stores and "impact" in groups:
                db = ensure_embedded_store(estate, work)
                entry["impact"] = group(f"{estate.name} impact", impact_group, db, picks, work, args.repeat)
                save()
            if "sqlite" in stores and "questions" in groups:
                from bench.questions import questions_group

                db = ensure_embedded_store(estate, work)
                entry["questions"] = group(f"{estate.name} questions", questions_group, db, ITSS, args.repeat,
                                           child_env())
                save()
            if "neo4j" in stores and "neo4j" in groups:
                db = ensure_embedded_store(estate, work)
                entry["neo4j"] = group(f"{estate.name} neo4j", neo4j_group, estate, picks, db, work, args.repeat,
                                       args.neo4j_heap, args.neo4j_pagecache, args.naive_timeout)
                save()
            print(report.estate_text(estate.name, entry), flush=True)
    results["run"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["run"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    save()
    print(report.markdown(results))
    print(f"saved {json_path.relative_to(REPO) if json_path.is_relative_to(REPO) else json_path} (+ .md)")


if __name__ == "__main__":
    main()
