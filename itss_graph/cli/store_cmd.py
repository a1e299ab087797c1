"""``itss stats`` and ``itss export``: look at what the store holds."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, open_configured_store, store_options


@click.command()
@store_options
@format_option
def stats(store_settings, output_format: str) -> None:
    """Count CIs per type and relations per type.

    \b
    Example:
      itss stats --store cmdb.db
    """
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    with open_configured_store(store_settings) as store:
        counts = store.stats()
    rows = [[kind, t, n] for kind, key in (("ci", "cis"), ("relation", "relations"))
            for t, n in counts[key].items()]
    if output_format == "json":
        click.echo(to_json({"store": store_settings.describe(), **counts}), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(["kind", "type", "count"], rows), nl=False)
    else:
        click.echo(f"{store_settings.describe()}: {sum(counts['cis'].values())} CIs, "
                   f"{sum(counts['relations'].values())} relations")
        click.echo(render_table(["kind", "type", "count"], rows))


@click.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--as", "fmt", type=click.Choice(["csv", "json", "yaml"]), default=None,
              help="Format (default: from TARGET: a .json/.yaml file, else a CSV directory).")
@store_options
def export(target: Path, fmt: str | None, store_settings) -> None:
    """Write the whole store to TARGET in the canonical inventory format.

    \b
    Examples:
      itss export backup/            # backup/cis.csv and backup/relations.csv
      itss export estate.json
    """
    from itss_graph.render.inventory import write_inventory

    if fmt is None:
        suffix = target.suffix.lower()
        fmt = "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else "csv"
    from itss_graph.errors import ItssError

    with open_configured_store(store_settings) as store:
        try:
            files = write_inventory(store.iter_cis(), store.iter_relations(), target, fmt)
        except OSError as exc:
            raise ItssError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from None
    for path in files:
        click.echo(f"wrote {path}")
