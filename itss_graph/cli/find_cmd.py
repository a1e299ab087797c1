"""``itss find`` and ``itss show``: find a CI by what you know of it, then see all about it."""

from __future__ import annotations

import click

from itss_graph.cli.options import (check_ci_type, format_option, lang_option, open_configured_store,
                                    parse_pairs, store_options)


@click.command()
@click.argument("text", required=False, default="")
@click.option("--type", "types", multiple=True, metavar="TYPE", callback=check_ci_type,
              help="Only CIs of this type (a name or alias from `itss types`, e.g. server or 服务器); repeatable.")
@click.option("--where", "where", multiple=True, metavar="KEY=VALUE",
              help="Only CIs whose id, type, name or property KEY equals VALUE "
                   "(case and width ignored), e.g. site=DC1; repeatable.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most N CIs.")
@store_options
@format_option
@lang_option
def find(text: str, types: tuple[str, ...], where: tuple[str, ...], limit: int, store_settings,
         output_format: str, lang: str) -> None:
    """Find CIs by TEXT: their id, name or any property value, Chinese or English, in any case
    or width. Exact matches come first, then those starting with TEXT, then those containing
    it, then ids and names spelt alike (a missing hyphen, leading zeros, a typo).

    \b
    Examples:
      itss find dc1-core-sw-1
      itss find 核心账务 --type business-service
      itss find "" --type server --where site=DC1 --format csv
      itss find switch:dc1-core1 --format json
    """
    import itss_graph as itss
    from itss_graph.render.ci import FIND_HEADERS, find_rows, find_text
    from itss_graph.render.table import fit_lines
    from itss_graph.render.formats import to_csv, to_json

    if not text and not types and not where:
        raise click.UsageError("give a TEXT to look for, or --type / --where to list CIs")
    filters = parse_pairs(where, "--where", "KEY=VALUE")
    with open_configured_store(store_settings) as store:
        answer = itss.find(store, text, types=types or None, where=filters, limit=limit)
    if output_format == "json":
        click.echo(to_json(answer.as_dict()), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(FIND_HEADERS, find_rows(answer)), nl=False)
    else:
        click.echo(fit_lines(find_text(answer)))


@click.command()
@click.argument("ci_id")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="At most N relations in each direction (0: none).")
@click.option("--history", "history", type=click.IntRange(min=0), default=5, show_default=True,
              help="The N most recent loads that changed the CI (0: none).")
@click.option("--services", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most N business services it supports (0: skip the impact walk).")
@click.option("--standards", type=click.IntRange(min=0), default=5, show_default=True,
              help="The N ITSS standards that apply first (0: skip the knowledge base).")
@store_options
@format_option
@lang_option
def show(ci_id: str, limit: int, history: int, services: int, standards: int, store_settings,
         output_format: str, lang: str) -> None:
    """Everything about one CI: its properties, its relations in and out with what failure does
    across each (from the ontology), the business services it supports, the ITSS standards
    that apply to it first, and its recent history.

    \b
    Examples:
      itss show switch:dc1-core-1
      itss show server:dc1-db0030p --standards 0 --format json
      itss show service:0001 --lang zh
    """
    import itss_graph as itss
    from itss_graph.render.ci import SHOW_CSV_HEADERS, show_rows, show_text
    from itss_graph.render.table import fit_lines
    from itss_graph.render.formats import to_csv, to_json

    with open_configured_store(store_settings) as store:
        answer = itss.show(store, ci_id, relations=limit, history=history, services=services,
                           standards=standards, lang=lang)
    if output_format == "json":
        click.echo(to_json(answer.as_dict()), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(SHOW_CSV_HEADERS, show_rows(answer)), nl=False)
    else:
        click.echo(fit_lines(show_text(answer)))
