"""Query speed from a cold process, side by side in one run (issue 14, items 1–2).

For each estate and probe CI, in the same run and on the same SQLite file:

* itss   — ``itss impact PROBE`` (table format) as a fresh process: wall time and peak RSS
           (from ``os.wait4``), the way a person runs it;
* naive  — a fresh Python process that runs one recursive CTE over the failure-flow edges and
           prints bare ids (standard library only: it starts as fast as Python does). Same
           edges as bench/flowgraph.py on the bench branch: each relation in the direction
           failure crosses it with an effect that can lose the far end (``down``/``redundant``),
           redundancy ignored, degrading edges left out;
* limit  — the same closure as an in-memory breadth-first search over a CSR snapshot of those
           edges (numpy, graph already in memory): what the closure itself costs.

Then the CLI's fixed costs: ``python -c pass``, ``python -c "import click"``, ``itss --help``
and ``itss standards --ci-type database`` (the compiled knowledge base warm), and which heavy
modules (numpy, rdflib) the small impact imports. The runs of the commands compared are taken
in turns (itss, naive, baseline, itss, …), so a change of the machine's load weighs on all alike.

With ``--first-after-load`` an estate's CSV pair is loaded into a fresh store by ``itss load``
first and the first query after it is timed as well (peak RSS of both): the closure index cliff.

Usage (repository root, after ``make install``)::

    .venv/bin/python bench/query_paths.py --estate bench/data/demo-200k --estate bench/data/foreign-200k
    .venv/bin/python bench/query_paths.py --estate bench/data/demo-1m --first-after-load --repeat 1

An estate directory holds ``cis.csv`` and ``relations.csv`` (bench/estates.py or
``itss_graph.synth.write_estate`` write them) and its store ``itss.db`` (loaded on first use);
``probes.json`` (label -> {"id": ...}) names the probes, else ``--probe LABEL=ID``. Figures are
medians of ``--repeat`` cold runs; the load average is recorded before and after. Results print
as Markdown and are saved to bench/results/query-paths-<time>.json. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
PYTHON = sys.executable
LOSS_EFFECTS = ("down", "redundant")

# The naive peer: what a person writes first against the store. Standard library only.
NAIVE_CTE = r"""
import sqlite3, sys
db, probe, to_source, to_target = sys.argv[1:5]
to_source, to_target = to_source.split(","), to_target.split(",")
marks = lambda values: ", ".join("?" for _ in values)
sql = f'''WITH RECURSIVE reach(n) AS (
    SELECT n FROM ci WHERE id = ?
    UNION SELECT r.src FROM rel r JOIN reach ON r.dst = reach.n WHERE r.type IN ({marks(to_source)})
    UNION SELECT r.dst FROM rel r JOIN reach ON r.src = reach.n WHERE r.type IN ({marks(to_target)}))
SELECT ci.id FROM reach JOIN ci ON ci.n = reach.n'''
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
ids = [row[0] for row in con.execute(sql, [probe, *to_source, *to_target])]
sys.stdout.write("\n".join(ids) + "\n")
"""


def flow_types() -> tuple[list[str], list[str]]:
    """(types failure crosses from target to source, types it crosses from source to target)."""
    sys.path.insert(0, str(REPO))
    from itss_graph.schema import load_schema

    rels = load_schema().relation_types.values()
    return (sorted(r.name for r in rels if r.on_target_failure in LOSS_EFFECTS),
            sorted(r.name for r in rels if r.on_source_failure in LOSS_EFFECTS))


# A fresh, small wrapper process runs each command: its RUSAGE_CHILDREN peak is exactly the
# command's own (a child forked straight from this process would inherit this process's peak,
# the CSR arrays of the limit included, in its ru_maxrss).
WRAPPER = r"""
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    done = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
                  "rc": done.returncode}))
"""


def timed(args: list[str]) -> tuple[float, float, str, int, float]:
    """Wall seconds, peak RSS (MB), stdout, exit status and CPU seconds (user + system: less
    stretched than wall time by a shared machine's queue) of a fresh process running ``args``."""
    out_path = RESULTS / f".out-{os.getpid()}"
    done = subprocess.run([PYTHON, "-c", WRAPPER, str(out_path), *args], capture_output=True, text=True)
    measure = json.loads(done.stdout)
    text = out_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    if measure["rc"] != 0:
        sys.stderr.write(f"{' '.join(args)}: exit {measure['rc']}\n")
    return measure["wall"], measure["peak_kb"] / 1024, text, measure["rc"], measure["cpu"]


def median_of(args: list[str], repeat: int) -> dict:
    return _summary([timed(args) for _ in range(repeat)])


def medians_interleaved(commands: dict[str, list[str]], repeat: int) -> dict[str, dict]:
    """:func:`median_of` of each command, the runs taken in turns (a, b, c, a, b, c, …): on a
    machine shared with others a change of load then weighs on every command alike, so the
    ratios of one run compare like with like."""
    runs: dict[str, list] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, args in commands.items():
            runs[label].append(timed(args))
    return {label: _summary(measured) for label, measured in runs.items()}


def _summary(runs: list) -> dict:
    return {"wall_s": round(statistics.median(r[0] for r in runs), 4),
            "cpu_s": round(statistics.median(r[4] for r in runs), 4),
            "walls_s": [round(r[0], 4) for r in runs],
            "peak_mb": round(max(r[1] for r in runs), 1), "rc": runs[-1][3], "stdout": runs[-1][2]}


class FlowCSR:
    """The failure-flow edges of a store as CSR arrays on ``ci.n`` (numpy), loaded once."""

    def __init__(self, db: Path, to_source: list[str], to_target: list[str]):
        import numpy as np

        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.size = con.execute("SELECT coalesce(max(n), 0) + 1 FROM ci").fetchone()[0]
        self.keys = dict(con.execute("SELECT id, n FROM ci"))
        marks = lambda values: ", ".join("?" for _ in values)  # noqa: E731
        pairs = np.array(con.execute(
            f"SELECT dst, src FROM rel WHERE type IN ({marks(to_source)}) "
            f"UNION ALL SELECT src, dst FROM rel WHERE type IN ({marks(to_target)})",
            [*to_source, *to_target]).fetchall(), dtype=np.int64).reshape(-1, 2)
        con.close()
        order = np.argsort(pairs[:, 0], kind="stable")
        self.dst = pairs[order, 1].copy()
        self.ptr = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs[:, 0], minlength=self.size), out=self.ptr[1:])

    def bfs(self, ci_id: str) -> int:
        """How many CIs the closure of ``ci_id`` reaches (itself excluded)."""
        import numpy as np

        seen = np.zeros(self.size, dtype=bool)
        frontier = np.array([self.keys[ci_id]], dtype=np.int64)
        seen[frontier] = True
        reached = 0
        while len(frontier):
            starts, ends = self.ptr[frontier], self.ptr[frontier + 1]
            counts = ends - starts
            total = int(counts.sum())
            if not total:
                break
            idx = np.arange(total, dtype=np.int64) + np.repeat(starts - np.cumsum(counts) + counts, counts)
            nxt = np.unique(self.dst[idx])
            nxt = nxt[~seen[nxt]]
            seen[nxt] = True
            reached += len(nxt)
            frontier = nxt
        return reached

    def limit_s(self, ci_id: str, times: int = 5) -> tuple[float, int]:
        walls, reached = [], 0
        for _ in range(times):
            start = time.perf_counter()
            reached = self.bfs(ci_id)
            walls.append(time.perf_counter() - start)
        return statistics.median(walls), reached


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def heavy_imports(itss: str, store: Path, probe: str) -> list[str]:
    """Heavy packages a cold ``itss impact PROBE`` imports (from ``-X importtime``)."""
    proc = subprocess.run([PYTHON, "-X", "importtime", itss, "impact", probe, "--store", str(store)],
                          capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    return sorted(names & {"numpy", "rdflib", "scipy", "neo4j", "pyvis", "networkx", "openpyxl",
                           "pandas", "yaml", "jinja2"})


def ensure_store(estate: Path, itss: str, name: str = "itss.db") -> tuple[Path, dict | None]:
    store = estate / name
    if store.exists():
        return store, None
    wall, peak, _, rc, _ = timed([itss, "load", str(estate), "--store", str(store)])
    if rc != 0:
        raise SystemExit(f"itss load {estate} failed (exit {rc})")
    return store, {"wall_s": round(wall, 2), "peak_mb": round(peak, 1)}


def probes_of(estate: Path, extra: list[str]) -> dict[str, str]:
    probes: dict[str, str] = {}
    path = estate / "probes.json"
    if path.exists():
        probes = {label: p["id"] for label, p in json.loads(path.read_text()).items()}
    for item in extra:
        label, _, ci_id = item.partition("=")
        probes[label] = ci_id
    return probes


def first_after_load(estate: Path, itss: str, probe: str | None) -> dict:
    """Load the estate into a fresh store, then time the first impact query after it (by
    default the probe that reaches most: the one that needs the closure index)."""
    if probe is None:
        described = json.loads((estate / "probes.json").read_text())
        probe = max(described.values(), key=lambda p: p.get("itss_reached", 0))["id"]
    fresh = estate / "fresh.db"
    for path in estate.glob("fresh.db*"):
        if path.is_dir():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink()
    load_wall, load_peak, _, rc, _ = timed([itss, "load", str(estate), "--store", str(fresh)])
    first = timed([itss, "impact", probe, "--store", str(fresh)])
    second = timed([itss, "impact", probe, "--store", str(fresh)])
    return {"probe": probe, "load_s": round(load_wall, 2), "load_peak_mb": round(load_peak, 1), "load_rc": rc,
            "first_query_s": round(first[0], 3), "first_query_cpu_s": round(first[4], 3),
            "first_query_peak_mb": round(first[1], 1),
            "second_query_s": round(second[0], 3), "second_query_cpu_s": round(second[4], 3),
            "second_query_peak_mb": round(second[1], 1),
            "loadavg": loadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estate", action="append", type=Path, required=True)
    parser.add_argument("--probe", action="append", default=[], metavar="LABEL=ID")
    parser.add_argument("--only", action="append", default=[], metavar="LABEL",
                        help="only these probes (repeat for several)")
    parser.add_argument("--no-fixed", action="store_true", help="skip --help, standards and python")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--itss", default=str(Path(PYTHON).with_name("itss")))
    parser.add_argument("--first-after-load", action="store_true",
                        help="load each estate into a fresh store first and time the first query")
    parser.add_argument("--first-probe", default=None, metavar="ID",
                        help="the first query after the load (default: the largest probe)")
    parser.add_argument("--store-name", default="itss.db", metavar="FILE",
                        help="the estate's store file (e.g. fresh.db: the one --first-after-load left)")
    parser.add_argument("--label", default="", help="a name for this run (e.g. before, after)")
    parser.add_argument("--baseline", default=None, metavar="ITSS",
                        help="another itss executable (e.g. main's) measured beside, in the same run")
    opts = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    # bytecode compiled, as an installed package has it (PYTHONDONTWRITEBYTECODE would otherwise
    # make every cold process compile the modules edited since the last write)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "itss_graph")], check=True)
    to_source, to_target = flow_types()
    result: dict = {"label": opts.label, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "commit": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                             capture_output=True, text=True).stdout.strip(),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "loadavg_start": loadavg(), "fixed": {}, "estates": {}}
    lines = [f"# query paths {opts.label} ({result['started']}, commit {result['commit']}, "
             f"load average {result['loadavg_start']})", ""]

    fixed = {"python -c pass": [PYTHON, "-c", "pass"],
             "python -c 'import click'": [PYTHON, "-c", "import click"],
             # the floor of any answer from the closure index: a cold process that imports numpy
             "python -c 'import click, numpy'": [PYTHON, "-c", "import click, numpy"],
             "itss --help": [opts.itss, "--help"],
             "itss standards --ci-type database": [opts.itss, "standards", "--ci-type", "database"]}
    if opts.baseline:
        fixed["baseline: itss --help"] = [opts.baseline, "--help"]
        fixed["baseline: itss standards --ci-type database"] = [opts.baseline, "standards", "--ci-type",
                                                                "database"]
        timed(fixed["baseline: itss standards --ci-type database"])
    timed(fixed["itss standards --ci-type database"])  # the compiled knowledge base is warm
    timed(fixed["itss --help"])  # and the help click rendered last (the cache the plain entry reads)
    lines += ["| command | wall s (median) | cpu s | peak MB |", "|---|---|---|---|"]
    measured = {} if opts.no_fixed else medians_interleaved(fixed, max(opts.repeat, 5))
    for label, m in measured.items():
        result["fixed"][label] = {k: v for k, v in m.items() if k != "stdout"}
        lines.append(f"| `{label}` | {m['wall_s']:.3f} | {m['cpu_s']:.3f} | {m['peak_mb']:.0f} |")
    lines.append("")

    for estate in opts.estate:
        probes = probes_of(estate, opts.probe)
        if opts.only:
            probes = {label: ci_id for label, ci_id in probes.items() if label in opts.only}
        entry: dict = {"probes": {}, "loadavg_start": loadavg()}
        if opts.first_after_load:  # the fresh store then serves the probes too
            entry["first_after_load"] = first_after_load(estate, opts.itss, opts.first_probe)
            store, loaded = estate / "fresh.db", None
        else:
            store, loaded = ensure_store(estate, opts.itss, opts.store_name)
        entry.update(store=str(store), loaded=loaded)
        # the closure index built (as `itss load` leaves it for a large store): no probe pays for it
        timed([PYTHON, "-m", "itss_graph.stores.index_at_load", str(store)])
        csr = FlowCSR(store, to_source, to_target)
        lines += [f"## {estate.name}", "",
                  "| probe | id | itss reached | itss s (cpu) | itss MB | naive reached | naive s (cpu) | "
                  "itss/naive wall (cpu) | limit ms | heavy imports |"
                  + (" baseline s (cpu), MB, ÷ naive |" if opts.baseline else ""),
                  "|---|---|---|---|---|---|---|---|---|---|" + ("---|" if opts.baseline else "")]
        for label, ci_id in probes.items():
            commands = {"itss": [opts.itss, "impact", ci_id, "--store", str(store)],
                        "naive": [PYTHON, "-c", NAIVE_CTE, str(store), ci_id, ",".join(to_source),
                                  ",".join(to_target)]}
            if opts.baseline:
                commands["baseline"] = [opts.baseline, "impact", ci_id, "--store", str(store)]
            runs = medians_interleaved(commands, opts.repeat)
            itss_run, naive, base = runs["itss"], runs["naive"], runs.get("baseline")
            limit_s, limit_reached = csr.limit_s(ci_id)
            reached = _reached(itss_run["stdout"])
            heavy = heavy_imports(opts.itss, store, ci_id)
            ratio = itss_run["wall_s"] / naive["wall_s"] if naive["wall_s"] else float("nan")
            cpu_ratio = itss_run["cpu_s"] / naive["cpu_s"] if naive["cpu_s"] else float("nan")
            entry["probes"][label] = {
                "id": ci_id, "itss_reached": reached, "itss": _strip(itss_run),
                "naive_reached": len(naive["stdout"].split()) - 1, "naive": _strip(naive),
                "itss_over_naive": round(ratio, 2), "itss_over_naive_cpu": round(cpu_ratio, 2),
                "limit_s": round(limit_s, 5),
                "limit_reached": limit_reached, "heavy_imports": heavy}
            if base is not None:
                entry["probes"][label]["baseline"] = _strip(base)
                entry["probes"][label]["baseline_over_naive"] = round(base["wall_s"] / naive["wall_s"], 2)
                entry["probes"][label]["baseline_over_naive_cpu"] = round(base["cpu_s"] / naive["cpu_s"], 2)
            lines.append(f"| {label} | `{ci_id}` | {reached} | {itss_run['wall_s']:.3f} "
                         f"({itss_run['cpu_s']:.3f}) | {itss_run['peak_mb']:.0f} | "
                         f"{len(naive['stdout'].split()) - 1} | {naive['wall_s']:.3f} ({naive['cpu_s']:.3f}) | "
                         f"{ratio:.1f}× ({cpu_ratio:.1f}×) | {limit_s * 1000:.1f} | "
                         f"{', '.join(heavy) or '—'} |"
                         + (f" baseline {base['wall_s']:.3f} ({base['cpu_s']:.3f}), {base['peak_mb']:.0f} MB, "
                            f"{base['wall_s'] / naive['wall_s']:.1f}× ({base['cpu_s'] / naive['cpu_s']:.1f}×) |"
                            if base is not None else ""))
        entry["loadavg_end"] = loadavg()
        if "first_after_load" in entry:
            f = entry["first_after_load"]
            lines += ["", f"Fresh load: {f['load_s']} s, peak {f['load_peak_mb']} MB; first query after "
                          f"it (`itss impact {f['probe']}`) {f['first_query_s']} s, peak {f['first_query_peak_mb']} MB; second "
                          f"{f['second_query_s']} s, peak {f['second_query_peak_mb']} MB "
                          f"(load average {f['loadavg']})."]
        lines += ["", f"load average start {entry['loadavg_start']}, end {entry['loadavg_end']}", ""]
        result["estates"][estate.name] = entry
    result["loadavg_end"] = loadavg()
    path = RESULTS / f"query-paths-{time.strftime('%Y%m%d-%H%M%S')}{'-' + opts.label if opts.label else ''}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print("\n".join(lines))
    print(f"saved {path.relative_to(REPO)}")


def _reached(table: str) -> int | None:
    """The count of CIs impacted from the table's headline ("N CIs impacted")."""
    for line in table.splitlines():
        words = line.split()
        if len(words) > 2 and words[1] == "CIs" and words[2] == "impacted":
            return int(words[0])
    return None


def _strip(measure: dict) -> dict:
    return {k: v for k, v in measure.items() if k != "stdout"}


if __name__ == "__main__":
    main()
