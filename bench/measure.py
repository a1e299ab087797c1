"""Measuring commands the way people run them: fresh processes, wall time, peak memory.

* every command is started by a small wrapper (bench/spawn.py) that times it from spawn to
  exit and reads its ``ru_maxrss`` from ``wait4`` (the command's own peak, including the largest
  of the children it waited for; exact, no sampling). Linux keeps a process's peak RSS across
  ``exec``, so a command spawned straight from this (large) harness would report the harness's
  size: hence the wrapper;
* CPU time (user + system, from the same ``wait4``) is reported beside wall time: on a busy
  machine wall time stretches with the queue for the cores, CPU time much less;
* with ``tree=True`` the RSS of the whole process tree is also summed every 20 ms (a loader's
  worker processes run at the same time); the larger of the two peaks is reported;
* stdout goes to a file (never a pipe nobody reads), stderr to a temporary file shown on failure.

The machine is shared (2 cores, other engineers): every measurement group records the load
average at its start and end (:class:`Group`), so a figure can be read against the machine's
state at the time. Nothing here asserts a time.

Example:
    >>> import sys
    >>> m = run([sys.executable, "-c", "print(42)"])
    >>> m.rc, m.wall_s > 0, m.peak_rss_mb > 0
    (0, True, True)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_INTERVAL_S = 0.02
SPAWN = Path(__file__).resolve().with_name("spawn.py")


class CommandFailed(RuntimeError):
    pass


@dataclass
class Measured:
    """One run of a command."""

    cmd: list[str]
    wall_s: float
    peak_rss_mb: float
    rc: int
    stdout: Path | None = None
    cpu_s: float = 0.0  # user + system of the command and the children it waited for


def run(cmd: list[str], *, env: dict | None = None, stdout: Path | None = None, tree: bool = False,
        ok: tuple[int, ...] = (0,), cwd: Path | None = None) -> Measured:
    """Run ``cmd`` once in a fresh process (through bench/spawn.py, which times it and reads
    its peak RSS); raise :class:`CommandFailed` on an exit status not in ``ok``."""
    with tempfile.TemporaryDirectory(prefix="itss-bench-") as tmp:
        result = Path(tmp) / "result.json"
        target = stdout or Path(tmp) / "stdout"
        err = tempfile.TemporaryFile()
        wrapper = subprocess.Popen([sys.executable, "-S", str(SPAWN), str(result), str(target), *map(str, cmd)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        try:
            tree_peak = _sample_tree(wrapper) if tree else 0
            wrapper.wait()
        except BaseException:  # interrupted: leave no command running behind
            _kill_tree(wrapper)
            raise
        if wrapper.returncode != 0 or not result.exists():
            raise CommandFailed(f"{SPAWN.name} failed for {' '.join(map(str, cmd))}:\n{_tail(err)}")
        measured = json.loads(result.read_text())
    if measured["rc"] not in ok:
        raise CommandFailed(f"{' '.join(map(str, cmd))} exited {measured['rc']}:\n{_tail(err)}")
    err.close()
    peak = max(measured["maxrss_kb"] * 1024, tree_peak)
    return Measured([str(c) for c in cmd], measured["wall_s"], round(peak / 2**20, 1), measured["rc"], stdout,
                    measured["cpu_s"])


def _kill_tree(wrapper: subprocess.Popen) -> None:
    try:
        import psutil

        for child in psutil.Process(wrapper.pid).children(recursive=True):
            child.kill()
    except Exception:  # psutil missing or the tree already gone: the wrapper at least
        pass
    wrapper.kill()
    wrapper.wait()


def _tail(err) -> str:
    err.seek(0)
    return err.read().decode(errors="replace")[-3000:]


def _sample_tree(wrapper: subprocess.Popen) -> int:
    """Largest summed RSS (bytes) of the wrapper's descendants (the command and its children)
    while the wrapper runs, sampled every 20 ms."""
    import psutil

    try:
        root = psutil.Process(wrapper.pid)
    except psutil.Error:
        return 0
    peak = 0
    while wrapper.poll() is None:
        total = 0
        try:
            for p in root.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(SAMPLE_INTERVAL_S)
    return peak


def repeat(cmd: list[str], times: int, **kwargs) -> dict:
    """``times`` fresh runs: median wall, all walls, the largest peak RSS."""
    runs = [run(cmd, **kwargs) for _ in range(times)]
    return summarise(runs)


def summarise(runs: list[Measured]) -> dict:
    walls = [r.wall_s for r in runs]
    return {"wall_s": round(statistics.median(walls), 4), "walls_s": [round(w, 4) for w in walls],
            "cpu_s": round(statistics.median(r.cpu_s for r in runs), 4),
            "peak_rss_mb": max(r.peak_rss_mb for r in runs)}


@dataclass
class Group:
    """A measurement group: its load average at start and end, and how long it took.

    >>> with Group("demo") as g:
    ...     pass
    >>> sorted(g.record())
    ['elapsed_s', 'loadavg_end', 'loadavg_start', 'name']
    """

    name: str
    loadavg_start: list[float] = field(default_factory=list)
    loadavg_end: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    def __enter__(self) -> "Group":
        self.loadavg_start = [round(x, 2) for x in os.getloadavg()]
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed_s = round(time.perf_counter() - self._t, 1)
        self.loadavg_end = [round(x, 2) for x in os.getloadavg()]

    def record(self) -> dict:
        return {"name": self.name, "loadavg_start": self.loadavg_start, "loadavg_end": self.loadavg_end,
                "elapsed_s": self.elapsed_s}
