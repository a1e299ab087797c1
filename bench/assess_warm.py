"""Warm service assessment (``itss.assess_impact``, as ``itss impact`` asks it after the closure)
and the 1M what-if's blast radius (as ``/api/blast-radius`` with the screen's first page of
services), in one process: CPU and wall medians. Run it once per code version to compare them
side by side (e.g. a ``git archive`` of the base on ``PYTHONPATH`` with ``python -P``).

Usage (repository root)::

    .venv/bin/python bench/assess_warm.py --estate bench/data/foreign-200k --estate bench/data/demo-200k \\
        --what-if bench/data/demo-1m/serve.db [--compiled]

``--compiled``: the what-if also with the compiled kernel, as ``itss serve`` runs it (numba);
each what-if is measured whole (``/api/blast-radius``'s answer with its first 50 services) and
its service assessment alone (``assess`` of one impact answer, as above).

Each estate directory holds ``itss.db`` and ``probes.json`` (label -> {"id": ...}). Prints JSON
with the load average before and after. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
from pathlib import Path


def measure(ask, repeat: int) -> dict:
    ask()
    ask()
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        ask()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"wall_ms": round(statistics.median(wall) * 1000, 1), "cpu_ms": round(statistics.median(cpu) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estate", action="append", type=Path, default=[])
    parser.add_argument("--what-if", type=Path, default=None, help="the 1M demo store (provider:ct and a VM fail)")
    parser.add_argument("--compiled", action="store_true", help="also the what-if with the compiled kernel")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import itss_graph as itss
    from itss_graph.stores.sqlite import SQLiteStore

    out: dict = {"code": itss.__file__, "load_before": os.getloadavg()}
    gc.disable()  # as `itss impact` runs
    for estate in args.estate:
        store = SQLiteStore(str(estate / "itss.db"))
        for probe in json.loads((estate / "probes.json").read_text()).values():
            result = itss.impact(store, [probe["id"]], with_props=False)
            out[f"{estate.name} {probe['id']} assess"] = measure(lambda: itss.assess_impact(store, result), args.repeat)
            # the whole answer as a document: every service with its chain, as `itss impact --format json`
            out[f"{estate.name} {probe['id']} assess, as a document (every chain)"] = measure(
                lambda: itss.assess_impact(store, result).as_dict(), args.repeat)
    if args.what_if:
        from itss_graph.serve import verbs

        store = SQLiteStore(str(args.what_if))
        failed = ["provider:ct", "vm:0001-web1"]
        for kernel in ("numpy", "compiled") if args.compiled else ("numpy",):
            if kernel == "compiled":
                itss.use_compiled_kernel()
            out[f"1m what-if blast-radius, 50 services ({kernel} kernel)"] = measure(
                lambda: verbs.blast_radius(store, failed, services_limit=50).json_text(), args.repeat)
            result = itss.impact(store, failed, with_props=False)
            out[f"1m what-if assess ({kernel} kernel)"] = measure(lambda: itss.assess_impact(store, result), args.repeat)
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
