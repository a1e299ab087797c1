"""Timings of the knowledge-base answers: compiling, loading, and whole cold CLI processes.

Prints, for this machine:

* the cost of compiling the Turtle files (rdflib parse + compile; once per ontology change);
* the in-process cost of loading the compiled cache, and of one answer;
* the wall time of whole ``itss`` processes (Python start-up, imports, cache load, answer),
  each run ``--runs`` times after one warm-up run that builds the cache: min / median / max.

The target (issue 3) is a cold ``itss standards …`` in at most 0.3 s wall. Benchmarks print
figures; they never fail on timings (DESIGN.md §7).

    .venv/bin/python bench/kb_timing.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ITSS = str(Path(sys.executable).with_name("itss"))
PROFILE = str(REPO / "examples" / "profiles" / "scenario-1.yaml")

COMMANDS = [
    ("itss --help (baseline)", ["--help"]),
    ("standards --ci-type database", ["standards", "--ci-type", "database", "--format", "json"]),
    ("standards --code 040301", ["standards", "--code", "040301", "--lang", "zh"]),
    ("standards --profile scenario-1", ["standards", "--profile", PROFILE, "--format", "json"]),
    ("gap --profile scenario-1", ["gap", "--profile", PROFILE, "--format", "json"]),
    ("kb search 事件管理", ["kb", "search", "事件管理"]),
    ("kb show kb:std-运维-1", ["kb", "show", "kb:std-运维-1"]),
    ("kb sparql (rdflib)", ["kb", "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]),
]


COMPILE = r"""
import time
t0 = time.perf_counter()
import rdflib
from itss_graph.knowledge.compiled import compile_kb
t1 = time.perf_counter()
data = compile_kb()
t2 = time.perf_counter()
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.schema import load_schema
KnowledgeBase.load(); load_schema()        # fill the caches (as the warm-up run does)
print(f"{t1-t0:.4f} {t2-t1:.4f}")
"""

ANSWER = r"""
import sys, time
t0 = time.perf_counter()
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.applicability import evaluate
from itss_graph.knowledge.subjects import query_for_ci_type
t1 = time.perf_counter()
kb = KnowledgeBase.load()                  # read from the cache, as a new process does
t2 = time.perf_counter()
q, d = query_for_ci_type(kb, "database")
answer = evaluate(kb, d, q)
t3 = time.perf_counter()
print(f"{t1-t0:.4f} {t2-t1:.4f} {t3-t2:.4f} {len(kb)} {'rdflib' in sys.modules}")
"""


def in_process(env: dict) -> list[tuple[str, float]]:
    def run(code: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout.split()

    imp, comp = run(COMPILE)
    imports, load, answer, triples, rdflib_loaded = run(ANSWER)
    return [("import rdflib (+ sources)", float(imp)),
            (f"compile {triples} triples (rdflib parse + compile)", float(comp)),
            ("import the knowledge modules (no rdflib: " + ("NO" if rdflib_loaded == "True" else "yes") + ")",
             float(imports)),
            ("load the compiled cache (hash files + unpickle)", float(load)),
            ("answer --ci-type database", float(answer))]


def cold(args: list[str], runs: int, env: dict) -> list[float]:
    subprocess.run([ITSS, *args], env=env, capture_output=True, check=False)  # warm-up: builds caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([ITSS, *args], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"itss {' '.join(args)} failed: {done.stderr.decode()[:300]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="cold runs per command (after one warm-up)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ITSS_CACHE_DIR": cache}
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, cache in a fresh directory\n")
        print("In process")
        for label, seconds in in_process(env):
            print(f"  {label:<48} {seconds * 1000:8.1f} ms")
        print(f"\nWhole cold processes, {args.runs} runs each after a warm-up (min / median / max)")
        for label, cmd in COMMANDS:
            times = cold(cmd, args.runs, env)
            print(f"  {label:<36} {min(times) * 1000:7.0f} / {statistics.median(times) * 1000:5.0f} / "
                  f"{max(times) * 1000:5.0f} ms")
        size = sum(p.stat().st_size for p in Path(cache).glob("kb-compiled-*.pickle"))
        print(f"\ncompiled cache: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
