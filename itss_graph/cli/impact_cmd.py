"""``itss impact``: what is lost or degraded when CIs fail."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.deliverables import deliverable_options
from itss_graph.cli.options import lang_option, open_configured_store, store_options
from itss_graph.cli.query_option import show_query_option


@click.command()
@click.argument("ci_ids", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="Follow failure at most N relations away (default: no limit).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write an interactive view of the impacted subgraph to this file.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table format: at most N rows per CI type (0: all).")
@click.option("--no-obligations", is_flag=True, help="Leave out the ITSS obligations.")
@click.option("--explain", "explain_id", default=None, metavar="ID",
              help="Only explain one CI: how the failure reaches it, the redundancy it lost and, "
                   "for a service at risk, what its next failure would be.")
@store_options
@deliverable_options
@lang_option
@show_query_option("impact")
def impact(ci_ids: tuple[str, ...], depth: int | None, html_path: Path | None, limit: int,
           no_obligations: bool, explain_id: str | None, store_settings, output_format: str,
           output: Path | None, excel: bool, encoding: str | None, lang: str) -> None:
    """Every CI impacted when CI_IDS fail (together), following each relation type's
    failure semantics from the ontology: `down` (lost) or `degraded` (it keeps working with
    less: a redundancy group lost members, or a cable lost its other end).

    First the headline: business services down (a failed service is down) and at risk (still
    up, but without redundancy of their own or below them), and the ITSS event level. Then the
    services, most critical first (criticality, SLA, users), each with why: the chain from the
    failed CI, or the redundancy lost and the CIs whose next failure would take it down; the
    redundancy groups that lost members; the CIs by type; the ITSS obligations (GB/T 28827.3
    steps, processes, roles, reports, quality characteristics, each with its white-paper
    source). --depth N lists only CIs at most N relations from a failed CI; what fails, the
    service classes and the event level are those of the whole failure. An unknown id is an
    error (exit 2). The JSON output is a stable contract (README, "impact JSON").

    \b
    Examples:
      itss impact storage-array:dc1-san1
      itss impact site:dc1 --depth 2 --format json
      itss impact switch:dc1-core-1 --explain service:0030
      itss impact switch:dc1-core-1 --html core1.html
      itss impact switch:dc1-core-1 --format xlsx -o core1.xlsx
      itss impact cluster:1 --store netbox.db
    """
    from itss_graph.cli.deliverables import reject_csv_options

    reject_csv_options(output_format, excel, encoding)
    from itss_graph.cli.impact_run import run_impact

    run_impact(ci_ids, depth, html_path, limit, no_obligations, explain_id, store_settings, output_format,
               output, excel, encoding, lang)
