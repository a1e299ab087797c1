"""Benchmark of ``itss serve``: how fast a warm server answers, beside the physical limit.

Usage (from the repository root, after `make install` and `pip install -e ".[bench]"` (scipy)):

    .venv/bin/python bench/serve_bench.py                  # the 1M estate (generated and loaded once)
    .venv/bin/python bench/serve_bench.py --size 100k      # a quicker run

What is measured, on a real ``itss serve`` process (loopback) holding the closure index and the
knowledge base in memory:

* **typical impact** — ``/api/impact?ci=VM`` for distinct VMs (none answered from the cache):
  the server's own time (``Server-Timing: answer``: the answer and its JSON, excluding the
  HTTP exchange) and the time a client waits. Target ≤ 20 ms server-side.
* **120k-CI closure** — the what-if question for the carrier everything external rests on
  (≥100k CIs at 1M), each time with another VM failing beside it (a new question, the same
  closure), beside an in-memory CSR breadth-first search of the same closure (scipy, graph
  already in memory, measured in this run: the physical limit; it follows every relation
  failure crosses, redundancy ignored, so it visits a superset of the closure). Target ≤ 10×.
  Measured: **the closure served** — ``/api/impacted``'s first page of 100 CIs as the first
  question of a failure (the closure walked with its failure semantics, every impacted CI in
  the contract's order, the page's rows): the target's measure; the what-if **as the screen
  asks it** — ``/api/blast-radius`` with the first 50 services ranked (the closure, every
  service down and at risk counted and ranked, the redundancy lost, the next failures, the ITSS
  obligations), then ``/api/impacted``'s first page of the same failure (the server keeps its
  closure: ``serve/recent.py``); the full blast-radius answer (all ~1,500 services
  with their chains, 1.5 MB: the download); the closure walk alone in this process with the
  compiled kernel the server uses (numba, ``engine/indexed_jit``) and the numpy kernel the CLI
  uses (``engine/indexed.propagate``), on the same memory-mapped index; the closure walked inside
  the server, for the closure served (``Server-Timing: closure``: the walk and the impact
  answer's columns, without the page's order, rows and JSON); and the same closure as
  ``/api/impact``'s full JSON (every impacted CI, ~20 MB: the download; depth limits beyond
  the estate's depth make each a new question). The server's closure kernel is compiled in the
  background at start; the benchmark waits until ``/api/status`` says it is in use.
* **node expansion** — ``/api/neighbours?ci=X&limit=50`` (the graph's "expand") for distinct
  servers, VMs, racks, switches. Target ≤ 50 ms server-side. A site's expansion (≈100k CIs
  located in it, 50 returned) is reported beside.
* **first paint** — the start page of the demo estate in headless Chromium, a fresh browser
  context each time: first contentful paint and the moment the page says it is drawn (store
  counts shown), from navigation start. Target ≤ 1 s.

The machine's load average is printed with the figures (the machine is shared). Nothing here
asserts: results print as a table and are saved to bench/results/serve-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench.estates import DATA, prepare  # noqa: E402
from bench.flowgraph import FlowGraph  # noqa: E402

ITSS = str(Path(sys.executable).with_name("itss"))
RESULTS = REPO / "bench" / "results"
CARRIER = "provider:ct"  # the demo estate's carrier everything external rests on (>=100k CIs at 1M)

SERVICES_PAGE = 50  # what the what-if screen lists at first (static/screens.js SERVICES_PAGE)
IMPACTED_PAGE = 100  # and its first page of impacted CIs (IMPACTED_PAGE)
TARGETS = {"typical impact": 20.0, "closure ratio": 10.0, "node expansion": 50.0, "first paint": 1000.0}


def _server_timing(header: str, wanted: str = "answer") -> float | None:
    """The ``wanted`` part of a Server-Timing header, ms (None: the answer did not measure it)."""
    for part in header.split(","):
        name, *fields = [f.strip() for f in part.split(";")]
        if name == wanted:
            return float(next(f for f in fields if f.startswith("dur="))[4:])
    if wanted == "answer":
        raise ValueError(f"no answer timing in {header!r}")
    return None


@contextmanager
def server(db: Path):
    """``itss serve`` on ``db`` (any free loopback port), warm; stopped afterwards."""
    import httpx2 as httpx

    started = time.perf_counter()
    process = subprocess.Popen([ITSS, "serve", "--store", str(db), "--port", "0", "--query-timeout", "600"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
    try:
        url = None
        while url is None:
            line = lines.get(timeout=900)
            if " at http://" in line:
                url = line.split(" at ", 1)[1].strip().rstrip("/")
        while True:
            try:
                httpx.get(url + "/api/status", timeout=900).raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError("itss serve stopped")
                time.sleep(0.2)
        yield url, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=60)


def ask(client, url: str, path: str, params, closure_ms: list | None = None) -> tuple[float, float, dict | None]:
    """(server ms, client ms, JSON) of one question; ``closure_ms`` gets the time the server
    took to walk the question's closure (``Server-Timing: closure``), when it walked one."""
    t = time.perf_counter()
    response = client.get(url + path, params=params, timeout=900)
    wall = (time.perf_counter() - t) * 1000
    response.raise_for_status()
    if "cached" in response.headers.get("server-timing", ""):
        raise RuntimeError(f"{path} {params} came from the cache: the benchmark must ask new questions")
    if closure_ms is not None:
        walked = _server_timing(response.headers["server-timing"], "closure")
        if walked is None:
            raise RuntimeError(f"{path} {params} walked no closure: the benchmark must ask new failures")
        closure_ms.append(walked)
    return _server_timing(response.headers["server-timing"]), wall, response.json()


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(values), "median": round(statistics.median(values), 1),
            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
            "min": round(ordered[0], 1), "max": round(ordered[-1], 1)}


def loaded_store(size: str) -> tuple[Path, Path, int, int, float | None]:
    demo = prepare("demo", size)
    directory, n_cis, n_rels = demo.directory, demo.cis, demo.relations
    db = directory / "serve.db"
    took = None
    if not db.exists():
        t = time.perf_counter()
        done = subprocess.run([ITSS, "load", str(directory), "--store", str(db)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        took = time.perf_counter() - t
    return directory, db, n_cis, n_rels, took


def kernel_ms(db: Path, failed: list[str], repeat: int) -> dict:
    """The closure walk alone (engine/indexed.propagate), warm, in this process: with the
    compiled kernel (the server's) and the numpy kernel (the CLI's), alternating."""
    import itss_graph as itss
    from itss_graph.engine import indexed

    store = itss.open_store(str(db))
    times: dict[str, list[float]] = {"compiled": [], "numpy": []}
    try:
        index = store.closure_index(itss.load_schema())
        positions = store.index_positions(index, failed)
        indexed.use_compiled_kernel()
        for k in range(2 * repeat + 2):
            kernel = ("compiled", "numpy")[k % 2]
            if kernel == "compiled":
                indexed.use_compiled_kernel()
            else:
                indexed._use_numpy_kernel()
            t = time.perf_counter()
            indexed.propagate(index, positions)
            if k >= 2:  # the first of each warms
                times[kernel].append((time.perf_counter() - t) * 1000)
    finally:
        indexed._use_numpy_kernel()
        store.close()
    return {kernel: summary(values) for kernel, values in times.items()}


def wait_for_compiled_kernel(client, url: str) -> float:
    """Seconds until the server says its compiled closure kernel is in use."""
    t = time.perf_counter()
    while client.get(url + "/api/status", timeout=900).json().get("closure_kernel") != "compiled":
        if time.perf_counter() - t > 600:
            raise RuntimeError("the server did not compile its closure kernel in 10 minutes")
        time.sleep(0.1)
    return time.perf_counter() - t


def bench_estate(size: str, repeat: int) -> dict:
    import httpx2 as httpx

    directory, db, n_cis, n_rels, load_s = loaded_store(size)
    out: dict = {"estate": {"size": size, "cis": n_cis, "relations": n_rels, "load_s": load_s}}
    carrier = CARRIER
    with server(db) as (url, start_s), httpx.Client() as client:
        out["server_start_s"] = round(start_s, 1)  # process start + warming (index, knowledge base)
        out["kernel_compiled_after_s"] = round(wait_for_compiled_kernel(client, url), 1)  # beyond the start
        vms = [m["id"] for m in client.get(url + "/api/find", params={"q": "web1", "type": "vm", "limit": 3 * repeat + 1},
                                           timeout=900).json()["matches"]]
        ask(client, url, "/api/impact", {"ci": vms[-1]})  # the first impact reads the obligations policy
        server_ms, client_ms = [], []
        for vm in vms[:repeat]:
            s, c, doc = ask(client, url, "/api/impact", {"ci": vm})
            server_ms.append(s)
            client_ms.append(c)
        out["typical impact"] = {"probe": f"{len(vms[:repeat])} VMs (e.g. {vms[0]})", "impacted": doc["summary"]["total"],
                                 "server_ms": summary(server_ms), "client_ms": summary(client_ms)}
        bfs_s, bfs_reached = FlowGraph(db).bfs_s(carrier)
        bfs_ms = bfs_s * 1000
        # the what-if screen: the blast radius with its first page of services, then the first
        # page of impacted CIs (each VM a new question)
        screen_ms, blast_ms, page_ms, more_ms, client_ms = [], [], [], [], []
        for vm in vms[:repeat]:
            s1, c1, doc = ask(client, url, "/api/blast-radius", {"ci": [carrier, vm], "services_limit": SERVICES_PAGE})
            s2, c2, page = ask(client, url, "/api/impacted", {"ci": [carrier, vm], "offset": 0, "limit": IMPACTED_PAGE})
            s3, _, _ = ask(client, url, "/api/blast-radius", {"ci": [carrier, vm], "services_offset": SERVICES_PAGE,
                                                              "services_limit": SERVICES_PAGE})  # "more"
            screen_ms.append(s1 + s2)
            blast_ms.append(s1)
            page_ms.append(s2)
            more_ms.append(s3)
            client_ms.append(c1 + c2)
        out["closure"] = {"probe": f"what-if of {carrier} (and one VM) as the screen asks it: blast-radius with "
                                   f"{SERVICES_PAGE} services, then {IMPACTED_PAGE} impacted CIs",
                          "impacted": doc["summary"]["impacted_cis"],
                          "services": {"down": doc["summary"]["down"], "at_risk": doc["summary"]["at_risk"]},
                          "server_ms": summary(screen_ms), "client_ms": summary(client_ms),
                          "blast_radius_page_ms": summary(blast_ms), "impacted_page_ms": summary(page_ms),
                          "more_services_ms": summary(more_ms),
                          "csr_bfs_ms": round(bfs_ms, 2), "csr_bfs_reached": bfs_reached,
                          "ratio": round(statistics.median(screen_ms) / bfs_ms, 1)}
        # the closure alone, served: the first page of impacted CIs as the first question of a
        # failure (each VM a new one, none walked before): the walk, the contract order, 100 rows
        server_ms, client_ms, walk_ms = [], [], []
        for vm in vms[2 * repeat:3 * repeat]:
            s, c, page = ask(client, url, "/api/impacted", {"ci": [carrier, vm], "offset": 0, "limit": IMPACTED_PAGE},
                             closure_ms=walk_ms)
            server_ms.append(s)
            client_ms.append(c)
        out["closure served"] = {"probe": f"/api/impacted of {carrier} (and one VM), {IMPACTED_PAGE} rows, "
                                          "the failure's first question",
                                 "impacted": page["total"], "server_ms": summary(server_ms),
                                 "client_ms": summary(client_ms), "csr_bfs_ms": round(bfs_ms, 2),
                                 "ratio": round(statistics.median(server_ms) / bfs_ms, 1),
                                 # of which the closure itself (the walk with its failure semantics
                                 # and explanations, the impact answer's columns), inside the server
                                 "closure_ms": summary(walk_ms),
                                 "closure_ratio": round(statistics.median(walk_ms) / bfs_ms, 1)}
        server_ms, client_ms = [], []
        for vm in vms[repeat:repeat + max(3, repeat // 4)]:
            s, c, doc = ask(client, url, "/api/blast-radius", {"ci": [carrier, vm]})
            server_ms.append(s)
            client_ms.append(c)
        out["full blast radius"] = {"probe": f"blast-radius of {carrier} (and one VM), every service listed",
                                    "services_listed": len(doc["services"]),
                                    "server_ms": summary(server_ms), "client_ms": summary(client_ms),
                                    "ratio": round(statistics.median(server_ms) / bfs_ms, 1)}
        kernels = kernel_ms(db, [carrier, vms[0]], repeat)
        out["closure"]["kernel_ms"] = kernels
        out["closure"]["kernel_ratio"] = {k: round(v["median"] / bfs_ms, 1) for k, v in kernels.items()}
        server_ms, client_ms = [], []
        for k in range(3):
            s, c, doc = ask(client, url, "/api/impact", {"ci": carrier, "depth": 1000 + k})
            server_ms.append(s)
            client_ms.append(c)
        out["closure as impact JSON"] = {"probe": f"impact of {carrier}, every CI in the JSON",
                                         "impacted": doc["summary"]["total"], "server_ms": summary(server_ms),
                                         "client_ms": summary(client_ms),
                                         "ratio": round(statistics.median(server_ms) / (bfs_s * 1000), 1)}
        nodes = []
        for ci_type in ("server", "vm", "rack", "switch"):
            found = client.get(url + "/api/find", params={"q": "", "type": ci_type, "limit": repeat // 4 + 1},
                               timeout=900).json()["matches"]
            nodes += [m["id"] for m in found]
        server_ms, client_ms = [], []
        for node in nodes:
            for direction in ("all", "providers"):
                s, c, _ = ask(client, url, "/api/neighbours", {"ci": node, "direction": direction, "limit": 50})
                server_ms.append(s)
                client_ms.append(c)
        out["node expansion"] = {"probe": f"{len(nodes)} servers, VMs, racks, switches; all and providers",
                                 "server_ms": summary(server_ms), "client_ms": summary(client_ms)}
        s, c, doc = ask(client, url, "/api/neighbours", {"ci": "site:dc1", "limit": 50})
        out["site expansion"] = {"probe": f"site:dc1 ({doc['total']} relations, 50 returned)",
                                 "server_ms": round(s, 1), "client_ms": round(c, 1)}
    return out


def bench_first_paint(repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_FLAGS, require_chromium

    demo = DATA / "demo-serve"
    db = demo / "itss.db"
    if not db.exists():
        subprocess.run([ITSS, "demo", "--dir", str(demo)], capture_output=True, text=True, check=True)
    fcp, drawn = [], []
    with server(db) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_FLAGS)
        try:
            for _ in range(repeat + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 900})  # nothing cached
                page = context.new_page()
                page.goto(url + "/")
                page.wait_for_selector("body[data-ready='true']", timeout=60000)
                marks = page.evaluate("""() => ({
                    fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
                    ready: performance.getEntriesByName('itss-ready')[0].startTime})""")
                fcp.append(marks["fcp"])
                drawn.append(marks["ready"])
                context.close()
        finally:
            browser.close()
    # the first visit also warms the server's answer cache for the counts: keep it apart
    return {"probe": "start page, demo estate (scale 1), fresh browser context each time",
            "first_visit_ms": {"fcp": round(fcp[0], 1), "drawn": round(drawn[0], 1)},
            "fcp_ms": summary(fcp[1:]), "drawn_ms": summary(drawn[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1m", choices=["10k", "100k", "1m"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    results = {"load_before": os.getloadavg(), "cpus": os.cpu_count()}
    results.update(bench_estate(args.size, args.repeat))
    results["first paint"] = bench_first_paint(max(3, args.repeat // 4))
    results["load_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"serve-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    e = results["estate"]
    print(f"estate {e['size']}: {e['cis']} CIs, {e['relations']} relations; load average "
          f"{results['load_before'][0]:.1f} -> {results['load_after'][0]:.1f} on {results['cpus']} cores")
    print(f"server start (process + warm index and knowledge base): {results['server_start_s']} s; "
          f"compiled closure kernel in use {results['kernel_compiled_after_s']} s later")
    rows = [
        ("typical impact", results["typical impact"]["server_ms"]["median"], results["typical impact"]["client_ms"]["median"],
         f"≤ {TARGETS['typical impact']:g} ms", results["typical impact"]["server_ms"]["median"] <= TARGETS["typical impact"]),
        (f"closure of {results['closure served']['impacted']} CIs, served",
         results["closure served"]["server_ms"]["median"], results["closure served"]["client_ms"]["median"],
         f"≤ {TARGETS['closure ratio']:g}× CSR BFS {results['closure served']['csr_bfs_ms']} ms = "
         f"{results['closure served']['ratio']}× (/api/impacted, {IMPACTED_PAGE} rows, first question)",
         results["closure served"]["ratio"] <= TARGETS["closure ratio"]),
        ("  of which the closure walked", results["closure served"]["closure_ms"]["median"], "",
         f"{results['closure served']['closure_ratio']}× CSR BFS (Server-Timing: closure; the rest: the page's "
         f"order, rows and JSON)", None),
        (f"what-if {results['closure']['impacted']} CIs (screen)", results["closure"]["server_ms"]["median"],
         results["closure"]["client_ms"]["median"],
         f"{results['closure']['ratio']}× CSR BFS: the closure, every service graded and ranked, obligations",
         None),
        (f"  blast-radius, {SERVICES_PAGE} services", results["closure"]["blast_radius_page_ms"]["median"], "",
         "the screen's first question", None),
        (f"  impacted page ({IMPACTED_PAGE} rows)", results["closure"]["impacted_page_ms"]["median"], "",
         "the screen's second question", None),
        (f"  \"more\": the next {SERVICES_PAGE} services", results["closure"]["more_services_ms"]["median"], "",
         "the same failure's blast radius, next page", None),
        ("  closure walk, compiled kernel", results["closure"]["kernel_ms"]["compiled"]["median"], "",
         f"{results['closure']['kernel_ratio']['compiled']}× CSR BFS (numba, the server's; in this process)", None),
        ("  closure walk, numpy kernel", results["closure"]["kernel_ms"]["numpy"]["median"], "",
         f"{results['closure']['kernel_ratio']['numpy']}× CSR BFS (the CLI's; in this process)", None),
        (f"  full blast-radius ({results['full blast radius']['services_listed']} services)",
         results["full blast radius"]["server_ms"]["median"], results["full blast radius"]["client_ms"]["median"],
         f"{results['full blast radius']['ratio']}× CSR BFS (the download, 1.5 MB)", None),
        (f"  full impact JSON, {results['closure as impact JSON']['impacted']} CIs",
         results["closure as impact JSON"]["server_ms"]["median"], results["closure as impact JSON"]["client_ms"]["median"],
         f"{results['closure as impact JSON']['ratio']}× CSR BFS (writing ~20 MB of JSON)", None),
        ("node expansion", results["node expansion"]["server_ms"]["median"], results["node expansion"]["client_ms"]["median"],
         f"≤ {TARGETS['node expansion']:g} ms (p95 {results['node expansion']['server_ms']['p95']})",
         results["node expansion"]["server_ms"]["p95"] <= TARGETS["node expansion"]),
        ("site expansion", results["site expansion"]["server_ms"], results["site expansion"]["client_ms"],
         results["site expansion"]["probe"], None),
        ("first paint (FCP / drawn)", results["first paint"]["fcp_ms"]["median"], results["first paint"]["drawn_ms"]["median"],
         f"≤ {TARGETS['first paint']:g} ms", results["first paint"]["drawn_ms"]["median"] <= TARGETS["first paint"]),
    ]
    print(f"{'measure':34} {'server/FCP ms':>14} {'client/drawn ms':>16}  target")
    for name, a, b, target, met in rows:
        mark = "" if met is None else ("  met" if met else "  NOT met")
        print(f"{name:34} {a:>14} {b:>16}  {target}{mark}")
    print(f"saved {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
