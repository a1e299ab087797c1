"""``itss impact``: what is lost or degraded when CIs fail."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, lang_option, open_configured_store, store_options
from itss_graph.cli.queries_cmd import _show_query_option


@click.command()
@click.argument("ci_ids", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="Follow failure at most N relations away (default: no limit).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write an interactive view of the impacted subgraph to this file.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table format: at most N rows per CI type (0: all).")
@click.option("--no-obligations", is_flag=True, help="Leave out the ITSS obligations.")
@store_options
@format_option
@lang_option
@_show_query_option("impact")
def impact(ci_ids: tuple[str, ...], depth: int | None, html_path: Path | None, limit: int,
           no_obligations: bool, store_settings, output_format: str, lang: str) -> None:
    """Every CI impacted when CI_IDS fail (together), following each relation type's
    failure semantics from the ontology: `down` (lost) or `degraded` (less redundancy).

    Business services are listed first, then CIs grouped by type, then the ITSS obligations
    (event level, GB/T 28827.3 steps, processes, roles, reports, quality characteristics, each
    with its white-paper source). An unknown id is an error (exit 2). The JSON output is a
    stable contract (README, "impact JSON").

    \b
    Examples:
      itss impact storage-array:dc1-san1
      itss impact site:dc1 --depth 2 --format json
      itss impact switch:dc1-core-1 --html core1.html
      itss impact cluster:1 --store netbox.db
    """
    import itss_graph as itss
    from itss_graph.render.formats import to_csv
    from itss_graph.render.impact import CSV_HEADERS, impact_json, impact_rows, impact_table

    with open_configured_store(store_settings) as store:
        result = itss.impact(store, list(ci_ids), max_depth=depth, with_props=html_path is not None)
        obligations = None if no_obligations else itss.obligations(store, result)
    if output_format == "json":
        click.echo(impact_json(result, {"obligations": obligations} if obligations else None), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(CSV_HEADERS, impact_rows(result)), nl=False)
    else:
        from itss_graph.render.obligations import obligations_text

        click.echo(impact_table(result, limit))
        if obligations:
            click.echo("\n" + obligations_text(obligations, lang))
    if html_path is not None:
        itss.write_html(itss.impact_view(result, lang=lang, obligations=obligations), html_path)
        click.echo(f"View written to {html_path}", err=True)
