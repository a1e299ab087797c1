"""``itss load``: validate inventories, then merge them into the store."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, open_configured_store, store_options


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing.")
@store_options
@format_option
def load(inputs: tuple[Path, ...], dry_run: bool, store_settings, output_format: str) -> None:
    """Validate INPUTS (files or directories) and load them into the store.

    Inputs are the canonical inventory: cis.csv (id,name,type,...) and relations.csv
    (source,type,target,...), or one JSON/YAML document {"cis": [...], "relations": [...]}.
    A directory stands for its cis.*, relations.* and inventory.* files.

    Every row is checked before anything is written; on any problem the store is left
    exactly as it was and each problem is printed as FILE:LINE: FIELD: MESSAGE (exit 2).
    Loading the same input again changes nothing.

    \b
    Examples:
      itss load ../shared/data/netbox-demo/
      itss load cis.csv relations.csv --store cmdb.db
      itss load estate.yaml --neo4j-uri bolt://localhost:7687 --format json
    """
    from itss_graph.loading.load import load_inventory
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    with open_configured_store(store_settings, create=True) as store:
        report = load_inventory(list(inputs), store, dry_run=dry_run)
    rows = [[kind, type_name, c["created"], c["updated"], c["unchanged"]]
            for kind, table in (("ci", report.cis), ("relation", report.relations))
            for type_name, c in sorted(table.items())]
    headers = ["kind", "type", "created", "updated", "unchanged"]
    if output_format == "json":
        click.echo(to_json({"store": store_settings.describe(), **report.as_dict()}), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(headers, rows), nl=False)
    else:
        totals = report.totals()
        rows.append(["total ci", "", *totals["cis"].values()])
        rows.append(["total relation", "", *totals["relations"].values()])
        verb = "Would load (dry run) into" if dry_run else "Loaded into"
        click.echo(f"{verb} {store_settings.describe()}:")
        click.echo(render_table(headers, rows))
