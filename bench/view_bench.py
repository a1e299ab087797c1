"""How long the HTML views and reports take to generate, on demo estates of 500 / 5k / 50k CIs.

For each size the bank demo estate (itss_graph.synth) is generated at the matching scale and
loaded into a temporary embedded store; then, from engine answers computed once (their time is
printed apart), each view is generated — view model, HTML (pyvis + Jinja, vis-network inlined)
and the file written — and timed:

* impact of the main site (most of the estate): as the CLI draws it (groups above 1500 CIs),
  and with every CI drawn (``--max-nodes`` above the answer: the "N-node view");
* the impact report (HTML);
* the service map of service:0001 (critical, the largest stack), the dependency map (both directions) of a core switch;
* the standards map (does not depend on the estate; printed once).

Figures are printed, never asserted (DESIGN.md §7). The first render of a process also pays
for importing pyvis and Jinja; that one-time cost is printed separately.

Usage:
    .venv/bin/python bench/view_bench.py                 # 500, 5k, 50k
    .venv/bin/python bench/view_bench.py --sizes 500,5k --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CIS_PER_SCALE = 14_870  # the demo estate has about this many CIs at scale 1


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = 1_000 if text.endswith("k") else 1_000_000 if text.endswith("m") else 1
    return int(float(text.rstrip("km")) * factor)


def scale_for(size: int) -> float:
    """The demo estate's scale that gives about ``size`` CIs (small estates keep minimum counts,
    so the first guess is corrected once by counting)."""
    from itss_graph.synth import generate_estate

    scale = size / CIS_PER_SCALE
    cis, _ = generate_estate(scale)
    return scale * size / sum(1 for _ in cis)


def timed(repeat: int, func):
    """Best and median wall time of ``func()`` over ``repeat`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,5k,50k", help="estate sizes in CIs (default 500,5k,50k)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best and median shown)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import jinja2  # noqa: F401
    import pyvis.network  # noqa: F401
    from itss_graph.render.page import vis_assets

    vis_assets()
    print(f"one-time cost per process: importing pyvis + Jinja and reading vis-network: "
          f"{time.perf_counter() - start:.3f} s\n")

    from itss_graph.engine.blast import blast_radius
    from itss_graph.engine.impact import impact
    from itss_graph.answers.obligations import assess, situation_of
    from itss_graph.engine.reach import downstream
    from itss_graph.engine.spof import spof
    from itss_graph.engine.upstream import upstream_subgraph
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.loading.load import load_inventory
    from itss_graph.render.depmap import dependency_view, service_view
    from itss_graph.render.graphview import write_html
    from itss_graph.render.impact_map import impact_view
    from itss_graph.render.report import write_report_html
    from itss_graph.render.report_impact import impact_report
    from itss_graph.render.standards_map import standards_view
    from itss_graph.schema import load_schema
    from itss_graph.stores.sqlite import SQLiteStore
    from itss_graph.synth import write_estate

    schema = load_schema()
    rows = []
    with tempfile.TemporaryDirectory(prefix="itss-view-bench-") as tmp:
        out = Path(tmp)

        def measure(label: str, size: str, build, write) -> None:
            best, median, path = timed(args.repeat, lambda: write(build()))
            view = build()
            nodes = len(view.nodes) if hasattr(view, "nodes") else len(view.graph.nodes)
            rows.append((size, label, nodes, best, median, Path(path).stat().st_size / 1e6))

        kb = KnowledgeBase.load()
        measure("standards map (all standards)", "-", lambda: standards_view(kb), lambda v: write_html(v, out / "s.html"))
        for text in args.sizes.split(","):
            size = parse_size(text)
            estate = out / f"estate-{size}"
            n_cis, n_rels = write_estate(estate, scale=scale_for(size))
            with SQLiteStore(out / f"{size}.db") as store:
                t0 = time.perf_counter()
                load_inventory([estate], store)
                t1 = time.perf_counter()
                result = impact(store, ["site:dc1"], with_props=True)
                t2 = time.perf_counter()
                obligations = assess(situation_of(store, result, schema)).as_dict()
                blast = blast_radius(store, ["site:dc1"], schema=schema)
                blast.impact = result
                service = "service:0001"  # a critical service, half of it in the DR centre: the largest stack
                sub = upstream_subgraph(store, [service], schema=schema)
                spofs = {p.id for p in spof(store, service, schema=schema).points}
                cis = store.get_cis(sub.ids)
                core = "switch:dc1-core-1"
                core_up = upstream_subgraph(store, [core], schema=schema)
                core_down = impact(store, [core], schema=schema, with_props=True)
                core_total = len(downstream(store, [core], schema=schema))
                t3 = time.perf_counter()
            label = f"{n_cis // 1000}k" if n_cis >= 10_000 else str(n_cis)
            print(f"estate {label} CIs / {n_rels} relations: load {t1 - t0:.2f} s, impact of site:dc1 "
                  f"{t2 - t1:.3f} s ({len(result.impacted)} CIs), other engine answers {t3 - t2:.2f} s")
            n = len(result.impacted)
            measure(f"impact view, site:dc1 ({n} CIs, as the CLI draws it)", label, lambda: impact_view(result, obligations=obligations),
                    lambda v: write_html(v, out / "i.html"))
            measure(f"impact view, site:dc1 ({n} CIs, every CI drawn)", label,
                    lambda: impact_view(result, obligations=obligations, max_nodes=n + 1),
                    lambda v: write_html(v, out / "i-all.html"))
            measure("impact report (HTML)", label,
                    lambda: impact_report(blast, obligations, limit=200),
                    lambda r: write_report_html(r, out / "r.html"))
            measure(f"service map, {service} ({len(sub.ids)} CIs)", label,
                    lambda: service_view(service, schema, sub, spof_ids=spofs, cis=cis),
                    lambda v: write_html(v, out / "svc.html"))
            measure(f"deps map (both), {core}", label,
                    lambda: dependency_view(core, schema, upstream=core_up, downstream=core_down,
                                            rests_on_total=core_total),
                    lambda v: write_html(v, out / "d.html"))
    print()
    print(f"{'estate':>7}  {'view':<60} {'drawn':>6}  {'best s':>7}  {'median s':>8}  {'page MB':>7}")
    for size, label, nodes, best, median, mb in rows:
        print(f"{size:>7}  {label:<60} {nodes:>6}  {best:>7.3f}  {median:>8.3f}  {mb:>7.2f}")


if __name__ == "__main__":
    main()
