"""``itss demo``: the bank estate of the white paper's appendix, end to end."""

from __future__ import annotations

import time
from pathlib import Path

import click

DEFAULT_FAILURE = "storage-array:dc1-san1"


@click.command()
@click.option("--dir", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"),
              show_default=True, help="Where to write the estate, the store and the view.")
@click.option("--fail", "failed", multiple=True, default=[DEFAULT_FAILURE], show_default=True,
              help="CI to fail (repeat for several).")
@click.option("--scale", type=click.FloatRange(min=0.01, max=10), default=1.0, show_default=True,
              help="Size of the estate relative to the bank case (~15k CIs at 1).")
def demo(out_dir: Path, failed: tuple[str, ...], scale: float) -> None:
    """Generate the demo estate, load it into an embedded store, ask what breaks when a core
    component fails, and write an HTML view of the answer.

    The estate is shaped after the bank case in the white paper's appendix 4: a main data
    centre and a same-city disaster-recovery centre, 1000+ hosts, 4800+ network devices,
    230 business systems (23 critical, 53 important), virtualised servers, databases and
    middleware. It is generated deterministically.

    \b
    Examples:
      itss demo
      itss demo --fail switch:dc1-core-1 --fail switch:dc1-core-2
    """
    import itss_graph as itss
    from itss_graph.render.obligations import level_text
    from itss_graph.render.table import render_table

    started = time.perf_counter()
    estate_dir = out_dir / "estate"
    n_cis, n_rels = itss.write_demo_estate(estate_dir, scale=scale)
    click.echo(f"1. Generated the bank estate: {n_cis} CIs, {n_rels} relations in {estate_dir}/")

    store_path = out_dir / "itss.db"
    with itss.open_store(str(store_path)) as store:
        report = itss.load([estate_dir], store)
        totals = report.totals()
        click.echo(f"2. Loaded into {store_path}: {totals['cis']['created']} CIs created, "
                   f"{totals['cis']['updated']} updated, {totals['cis']['unchanged']} unchanged; "
                   f"{totals['relations']['created']} relations created")

        result = itss.impact(store, list(failed))
        obligations = itss.obligations(store, result)
    summary = result.summary()
    names = ", ".join(f"{s.id} ({s.name})" for s in result.sources)
    click.echo(f"3. If {names} fails: {summary['total']} CIs impacted, "
               f"{summary['by_effect']['down']} down and {summary['by_effect']['degraded']} degraded.")
    if result.services:
        rows = [[s.id, s.name, result.props[s.id].get("tier", ""), s.effect, s.depth]
                for s in sorted(result.services,
                                key=lambda s: (s.effect != "down",
                                               ["关键", "重要", "一般"].index(result.props[s.id].get("tier", "一般")),
                                               s.id))]
        click.echo(f"   Business services impacted ({len(rows)}):")
        click.echo("   " + render_table(["id", "name", "tier", "effect", "depth"], rows[:25]).replace("\n", "\n   "))
        if len(rows) > 25:
            click.echo(f"   ... and {len(rows) - 25} more")
    click.echo("   Impacted CIs by type: "
               + ", ".join(f"{t} {n}" for t, n in summary["by_type"].items()))
    click.echo(f"4. What ITSS obliges the team to do — event level: {level_text(obligations)}")
    for section in obligations["sections"]:
        items = section["items"].get("processes") or section["items"].get("emergency_tasks") or []
        labels = [item["label"]["zh"] or item["label"]["en"] for item in items]
        click.echo(f"   ■ {section['title']['en']}" + (f": {', '.join(labels)}" if labels else ""))
    click.echo(f"   (each with its white-paper source: itss impact {failed[0]} --store {store_path})")
    html = itss.write_html(itss.impact_view(result, obligations=obligations), out_dir / "impact.html")
    click.echo(f"5. Interactive view, with the obligations panel: {html}")
    click.echo(f"Done in {time.perf_counter() - started:.1f} s. Try: itss impact {failed[0]} "
               f"--store {store_path} --format json")
