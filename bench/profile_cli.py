"""Where a cold `itss impact` spends its time: import times and a sampling profile.

For an estate of bench/run.py (generated and loaded as there), writes into ``--out``:

* ``importtime-<probe>.txt`` — ``python -X importtime`` of a cold `itss impact PROBE`, the
  slowest imports first (cumulative and self microseconds, as CPython reports them);
* ``impact-<probe>.txt`` — a pyinstrument profile of the same cold process (wall clock: on a
  busy machine waiting for a core is spread over it); ``cprofile-<probe>.txt`` — cProfile
  with a CPU-time clock (robust to the machine's load; calls cost a little more);
* ``first-query.txt`` — pyinstrument of the first `itss impact` after a fresh `itss load`
  (today it builds the closure index); ``memory-first-query.txt`` — its RSS over time, with
  the code running at each step (bench/memtrace.py);
* ``load.txt`` — pyinstrument of the `itss load` itself (the main process; worker processes,
  when the loader starts any, are not in it).

    .venv/bin/python bench/profile_cli.py --estate foreign --size 200k
    .venv/bin/python bench/profile_cli.py --estate demo --size 1m --probes typical,core switch

Profiles show where time goes; they are not benchmarks (the profiler adds its own cost).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.estates import prepare, probes  # noqa: E402
from bench.run import ITSS, child_env, remove_store  # noqa: E402


def importtime(cmd: list[str], top: int = 40) -> str:
    done = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True,
                          env=child_env())
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), int(match.group(1)), (len(match.group(3)) - 1) // 2, match.group(4)))
    total = sum(self_us for _, self_us, _, _ in rows)
    lines = [f"python -X importtime {' '.join(cmd)}",
             f"{len(rows)} modules imported, {total / 1000:.0f} ms of import time in all (self times summed)", "",
             f"{'cumulative ms':>14} {'self ms':>8}  module (nesting depth)"]
    for cumulative, self_us, depth, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"{cumulative / 1000:14.1f} {self_us / 1000:8.1f}  {name} ({depth})")
    return "\n".join(lines) + "\n"


def pyinstrument(cmd: list[str], out: Path) -> None:
    subprocess.run([sys.executable, "-m", "pyinstrument", "--renderer", "text", "--outfile", str(out), *cmd],
                   check=True, stdout=subprocess.DEVNULL, env=child_env())


CPROFILE = r"""
import cProfile, io, pstats, runpy, sys, time
out, program, args = sys.argv[1], sys.argv[2], sys.argv[3:]
profile = cProfile.Profile(time.process_time)  # CPU time: robust to a busy machine
sys.argv = [program, *args]
profile.enable()
try:
    runpy.run_path(program, run_name="__main__")
except SystemExit:
    pass
profile.disable()
text = io.StringIO()
text.write(" ".join(sys.argv) + "\n(cProfile, CPU time; cumulative order)\n")
pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(60)
open(out, "w").write(text.getvalue())
"""


def cprofile(cmd: list[str], out: Path) -> None:
    subprocess.run([sys.executable, "-c", CPROFILE, str(out), *cmd], check=True, stdout=subprocess.DEVNULL,
                   env=child_env())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estate", default="foreign")
    parser.add_argument("--size", default="200k")
    parser.add_argument("--probes", default="typical", help="which picked probes (comma-separated)")
    parser.add_argument("--out", type=Path, default=None, help="default bench/reported/profiles/ESTATE-SIZE")
    args = parser.parse_args()
    estate = prepare(args.estate, args.size)
    picks = probes(estate, ITSS)
    out = args.out or REPO / "bench" / "reported" / "profiles" / estate.name
    out.mkdir(parents=True, exist_ok=True)
    work = estate.directory / "profile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    db = work / "itss.db"
    try:
        remove_store(db)
        pyinstrument([ITSS, "load", str(estate.directory), "--store", str(db)], out / "load.txt")
        first = picks["typical"]["id"]
        pyinstrument([ITSS, "impact", first, "--store", str(db)], out / "first-query.txt")
        shutil.rmtree(f"{db}.index")  # built again, this time with its memory traced
        subprocess.run([sys.executable, str(REPO / "bench" / "memtrace.py"), str(out / "memory-first-query.txt"),
                        ITSS, "impact", first, "--store", str(db)], check=True, stdout=subprocess.DEVNULL,
                       env=child_env())
        for label in args.probes.split(","):
            probe = picks[label]["id"]
            slug = re.sub(r"[^A-Za-z0-9]+", "-", label)
            cmd = [ITSS, "impact", probe, "--store", str(db)]
            (out / f"importtime-{slug}.txt").write_text(importtime(cmd))
            pyinstrument(cmd, out / f"impact-{slug}.txt")
            cprofile(cmd, out / f"cprofile-{slug}.txt")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"profiles in {out}")


if __name__ == "__main__":
    main()
