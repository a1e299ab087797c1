"""``itss stats`` and ``itss export``: look at what the store holds."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, lang_option, open_configured_store, store_options


@click.command()
@store_options
@format_option
@lang_option
def stats(store_settings, output_format: str, lang: str) -> None:
    """Count CIs per type and relations per type.

    \b
    Example:
      itss stats --store netbox.db
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
        from itss_graph.i18n import _, ngettext
        from itss_graph.render.labels import relation_label, type_label

        n_cis, n_rels = sum(counts["cis"].values()), sum(counts["relations"].values())
        click.echo(f"{store_settings.describe()}: " + ngettext("{n} CI", "{n} CIs", n_cis).format(n=n_cis)
                   + ", " + ngettext("{n} relation", "{n} relations", n_rels).format(n=n_rels))
        kinds = {"ci": _("CI"), "relation": _("relation")}
        click.echo(render_table([_("kind"), _("type"), _("count")],
                                [[kinds[k], type_label(t) if k == "ci" else relation_label(t), n] for k, t, n in rows]))


@click.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--as", "fmt", type=click.Choice(["csv", "json", "yaml", "graphml", "gexf"]), default=None,
              help="Format (default: from TARGET's suffix: .json, .yaml, .graphml, .gexf; else a CSV "
                   "directory). graphml/gexf: a graph for Gephi, yEd or Cytoscape.")
@click.option("--around", "around", multiple=True, metavar="ID",
              help="graphml/gexf: only the CIs within --depth relations of ID (repeatable).")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="With --around: how many relations away, either way.")
@store_options
def export(target: Path, fmt: str | None, around: tuple[str, ...], depth: int, store_settings) -> None:
    """Write the whole store to TARGET in the canonical inventory format (loads back with
    `itss load`), or a graph of the CMDB (or of the CIs around some) as GraphML/GEXF.

    \b
    Examples:
      itss export backup/            # backup/cis.csv and backup/relations.csv
      itss export estate.json
      itss export estate.graphml     # open in Gephi or yEd
      itss export core.gexf --around switch:dc1-core-1 --depth 2
    """
    import itss_graph as itss

    if fmt is None:
        suffix = target.suffix.lower()
        fmt = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".graphml": "graphml",
               ".gexf": "gexf"}.get(suffix, "csv")
    if around and fmt not in ("graphml", "gexf"):
        raise click.UsageError("--around exports a subgraph: use it with a .graphml or .gexf TARGET")
    from itss_graph.errors import ItssError

    with open_configured_store(store_settings) as store:
        try:
            if fmt in ("graphml", "gexf"):
                if around:
                    cis, relations = itss.neighbourhood(store, list(around), depth=depth)
                else:
                    cis = (ci for batch in store.iter_cis() for ci in batch)
                    relations = (r for batch in store.iter_relations() for r in batch)
                nodes, edges = itss.write_graph(cis, relations, target, fmt)
                click.echo(f"wrote {target} ({nodes} CIs, {edges} relations)")
                return
            files = itss.export_inventory(store.iter_cis(), store.iter_relations(), target, fmt)
        except OSError as exc:  # a target that is a file, a directory, not writable ...
            raise ItssError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from None
    for path in files:
        click.echo(f"wrote {path}")
