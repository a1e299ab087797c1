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
    from itss_graph.i18n import _

    click.echo(_("1. Generated the bank estate: {cis} CIs, {relations} relations in {path}/").format(
        cis=n_cis, relations=n_rels, path=estate_dir))

    store_path = out_dir / "itss.db"
    with itss.open_store(str(store_path)) as store:
        report = itss.load([estate_dir], store)
        totals = report.totals()
        click.echo(_("2. Loaded into {path}: {created} CIs created, {updated} updated, {unchanged} unchanged; "
                     "{relations} relations created").format(
            path=store_path, created=totals["cis"]["created"], updated=totals["cis"]["updated"],
            unchanged=totals["cis"]["unchanged"], relations=totals["relations"]["created"]))

        result = itss.impact(store, list(failed))
        radius = itss.assess_impact(store, result)  # services down and at risk, as `itss impact`
        obligations = itss.obligations(store, result, radius=radius)
    summary = result.summary()
    names = ", ".join(f"{s.id} ({s.name})" for s in result.sources)
    click.echo(_("3. If {names} fails: {total} CIs impacted, {down} down and {degraded} degraded.").format(
        names=names, total=summary["total"], down=summary["by_effect"]["down"],
        degraded=summary["by_effect"]["degraded"]))
    if radius.services:  # ranked by the answers' rule: down first, criticality policy, SLA, users
        from itss_graph.render.labels import word

        rows = [[s.id, s.name, word(s.criticality), word(s.status), s.depth] for s in radius.services]
        click.echo("   " + _("Business services impacted ({n}: {down} down, {at_risk} at risk):").format(
            n=len(rows), down=len(radius.down), at_risk=len(radius.at_risk)))
        click.echo("   " + render_table([_("id"), _("name"), _("criticality"), _("status"), _("depth")],
                                        rows[:25]).replace("\n", "\n   "))
        if len(rows) > 25:
            click.echo("   " + _("... and {n} more").format(n=len(rows) - 25))
    from itss_graph.i18n import language, pick
    from itss_graph.render.labels import type_label

    click.echo("   " + _("Impacted CIs by type: {types}").format(
        types=_(", ").join(f"{type_label(t)} {n}" for t, n in summary["by_type"].items())))
    click.echo(_("4. What ITSS obliges the team to do — event level: {level}").format(
        level=level_text(obligations, language())))
    for section in obligations["sections"]:
        items = section["items"].get("processes") or section["items"].get("emergency_tasks") or []
        labels = [item["label"]["zh"] or item["label"]["en"] for item in items]
        click.echo(f"   ■ {pick(section['title'])}" + (_(": {items}").format(items=_(", ").join(labels)) if labels else ""))
    click.echo("   " + _("(each with its white-paper source: {command})").format(
        command=f"itss impact {failed[0]} --store {store_path}"))
    html = itss.write_html(itss.impact_view(result, obligations=obligations, radius=radius), out_dir / "impact.html")
    click.echo(_("5. Interactive view, with the obligations panel: {path}").format(path=html))
    click.echo(_("Done in {seconds:.1f} s. Try: {command}").format(
        seconds=time.perf_counter() - started, command=f"itss impact {failed[0]} --store {store_path} --format json"))
