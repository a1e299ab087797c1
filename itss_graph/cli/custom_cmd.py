"""``itss query NAME``: run a catalogue query that carries its own Cypher/SQL (user files)."""

from __future__ import annotations

import click

from itss_graph.cli.options import format_option, open_configured_store, parse_pairs, store_options


@click.command()
@click.argument("name")
@click.option("--param", "pairs", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query (repeatable; a list parameter takes a,b,c).")
@click.option("--show-query", is_flag=True, help="Print the statement run on this store first.")
@store_options
@format_option
def query(name: str, pairs: tuple[str, ...], show_query: bool, store_settings, output_format: str) -> None:
    """Run the catalogue query NAME with its own statement: `cypher:` on Neo4j, `sql:` on the
    embedded store, read-only, every value bound as a parameter. Add your own query files to
    ~/.config/itss-graph/queries/ (format: queries/README.md).

    \b
    Examples:
      itss query cis-of-type --param type=服务器
      itss query cis-of-type --param type=vm --param limit=20 --format csv
    """
    import itss_graph as itss
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    canned = itss.canned_query(name)
    values = parse_pairs(pairs, "--param", "KEY=VALUE")
    with open_configured_store(store_settings) as store:
        if show_query:
            click.echo(f"-- {canned.name} ({canned.path})", err=True)
            click.echo(itss.query_statement(canned, store.query_language).rstrip(), err=True)
        answer = itss.run_custom_query(store, canned, values)
    if output_format == "json":
        click.echo(to_json({"query": canned.name, **answer.as_dict()}), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(answer.columns, answer.rows), nl=False)
    elif answer.rows:
        click.echo(render_table(answer.columns, [["" if v is None else v for v in row] for row in answer.rows]))
    else:
        click.echo("No rows.")
