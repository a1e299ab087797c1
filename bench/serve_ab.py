"""A/B of ``itss serve``'s served closure: two servers on the same store at the same time,
asked in turn, so both see the same machine load (the machine is shared).

Usage (after bench/serve_bench.py generated and loaded bench/data/demo-1m):

    .venv/bin/python bench/serve_ab.py --repeat 24 "base:;itss=/path/to/other/itss" "new:"
    .venv/bin/python bench/serve_ab.py "glibc-defaults:GLIBC_TUNABLES=" "tuned:MALLOC_TRIM_THRESHOLD_=134217728"

Each argument is ``NAME:VAR=VALUE,...``: a server started with those environment variables,
and with ``;itss=PATH`` the ``itss`` of another checkout (e.g. a script running ``python -P``
with ``PYTHONPATH`` at an exported commit). Asked: ``/api/impacted``'s first page of 100 CIs
of ``provider:ct`` and one VM, the failure's first question (a new VM each time, for each
server), as bench/serve_bench.py's "closure served"; printed: the servers' own times
(Server-Timing: answer, closure) beside a CSR breadth-first search of the same closure (median
of 5 in a row, as bench/serve_bench.py measures it, before and after the rounds; ratios to
their mean). ``--with-screen``: each question follows the what-if screen's blast radius of
another failure (more allocated and freed between the closures measured). Nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench import serve_bench  # noqa: E402
from bench.flowgraph import FlowGraph  # noqa: E402


def parse(spec: str) -> tuple[str, dict, str]:
    name, _, rest = spec.partition(":")
    rest, _, itss_path = rest.partition(";itss=")
    env = dict(item.split("=", 1) for item in rest.split(",") if item)
    return name, env, itss_path or serve_bench.ITSS


def main() -> None:
    import httpx2 as httpx

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--repeat", type=int, default=24)
    parser.add_argument("--with-screen", action="store_true",
                        help="before each question, the what-if screen's blast radius (50 services) of another "
                             "failure: answers that allocate and free more between the closures measured")
    args = parser.parse_args()
    _, db, *_ = serve_bench.loaded_store("1m")
    specs = [parse(s) for s in args.servers]
    carrier = serve_bench.CARRIER
    with httpx.Client() as client:
        urls = {}
        contexts = []
        for name, env, itss_path in specs:
            saved = dict(os.environ)
            os.environ.update(env)
            serve_bench.ITSS, before = itss_path, serve_bench.ITSS
            try:
                context = serve_bench.server(db)
                url, _ = context.__enter__()
            finally:
                os.environ.clear()
                os.environ.update(saved)
                serve_bench.ITSS = before
            contexts.append(context)
            serve_bench.wait_for_compiled_kernel(client, url)
            urls[name] = url
        try:
            first = next(iter(urls.values()))
            vms = [m["id"] for m in client.get(first + "/api/find", params={"q": "web1", "type": "vm",
                                                                            "limit": 2 * len(urls) * args.repeat + 2},
                                               timeout=900).json()["matches"]]
            for name, url in urls.items():  # the first impact reads the obligations policy
                serve_bench.ask(client, url, "/api/impacted", {"ci": [carrier, vms[-1 - list(urls).index(name)]]})
            flow = FlowGraph(db)
            served = {name: [] for name in urls}
            walked = {name: [] for name in urls}
            bfs = [flow.bfs_s(carrier)[0] * 1000]
            loads = [os.getloadavg()[0]]
            for k in range(args.repeat):
                order = list(urls.items()) if k % 2 == 0 else list(urls.items())[::-1]
                for j, (name, url) in enumerate(order):
                    vm = vms[k * len(urls) + j]
                    if args.with_screen:
                        other = vms[(args.repeat + k) * len(urls) + j]
                        serve_bench.ask(client, url, "/api/blast-radius", {"ci": [carrier, other], "services_limit": 50})
                    s, _, _ = serve_bench.ask(client, url, "/api/impacted",
                                              {"ci": [carrier, vm], "offset": 0, "limit": serve_bench.IMPACTED_PAGE},
                                              closure_ms=walked[name])
                    served[name].append(s)
            loads.append(os.getloadavg()[0])
            bfs.append(flow.bfs_s(carrier)[0] * 1000)
        finally:
            for context in contexts:
                context.__exit__(None, None, None)
    bfs_ms = statistics.mean(bfs)
    print(f"load average {loads[0]:.2f} -> {loads[1]:.2f}; CSR BFS {bfs[0]:.2f} ms before, {bfs[1]:.2f} ms after "
          f"the rounds (ratios to their mean); {args.repeat} rounds, servers asked in turn")
    for name, _, _ in specs:
        s, w = serve_bench.summary(served[name]), serve_bench.summary(walked[name])
        print(f"{name:>4}: served median {s['median']:5.1f} ms (min {s['min']:.1f}, p95 {s['p95']:.1f}) = "
              f"{s['median'] / bfs_ms:4.1f}x BFS; closure walked median {w['median']:5.1f} ms (min {w['min']:.1f})")


if __name__ == "__main__":
    main()
