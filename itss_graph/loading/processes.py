"""Worker processes of the bulk CSV path, seen from the loader: start one
``python -m itss_graph.loading.worker`` per job, hand it its job (JSON on stdin), follow its
progress lines ``P <bytes>`` and collect its last line ``R <json result>``.

A fresh interpreter per worker (rather than multiprocessing's spawn, which re-imports the
caller's main module) keeps ``load_inventory`` safe to call from any script. The worker side is
:mod:`itss_graph.loading.worker`.

Example:
    >>> run_workers([], None)
    []
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Callable

WORKER_MODULE = "itss_graph.loading.worker"


def run_workers(jobs: list[dict], progress: Callable[[int], None] | None) -> list[dict] | None:
    """Run one worker per job at once; their results in job order. RuntimeError (with the
    worker's stderr) when one died."""
    procs = [subprocess.Popen([sys.executable, "-m", WORKER_MODULE],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in jobs]
    done = [0] * len(jobs)
    results: list[dict | None] = [None] * len(jobs)
    errors: list[str] = [""] * len(jobs)

    def follow(i: int, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            if line.startswith("P "):
                done[i] = int(line[2:])
                if progress is not None:
                    progress(sum(done))
            elif line.startswith("R "):
                results[i] = json.loads(line[2:])
        errors[i] = proc.stderr.read()

    threads = []
    try:
        for i, (job, proc) in enumerate(zip(jobs, procs)):
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(job))
            proc.stdin.close()
            thread = threading.Thread(target=follow, args=(i, proc), daemon=True)
            thread.start()
            threads.append(thread)
        for thread, proc in zip(threads, procs):
            thread.join()
            proc.wait()
    finally:  # interrupted (Ctrl-C, SIGTERM) or failed: our workers do not outlive the load
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if any(r is None for r in results):
        failed = next(e for r, e in zip(results, errors) if r is None)
        raise RuntimeError(f"a loader worker process failed:\n{failed[-2000:]}")
    return results  # type: ignore[return-value]
