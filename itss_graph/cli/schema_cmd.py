"""``itss types``: the CI types and relation types the ontology defines."""

from __future__ import annotations

import click

from itss_graph.cli.options import format_option, lang_option


@click.command()
@format_option
@lang_option
def types(output_format: str, lang: str) -> None:
    """List CI types (with aliases) and relation types (with failure semantics).

    Both lists come from the ontology (ontology/cmdb.ttl and user ontology files): add an
    alias there and inventories may use it, no code change needed.

    \b
    Example:
      itss types --lang zh
    """
    import itss_graph as itss
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    schema = itss.load_schema()
    label = (lambda t: t.label_zh) if lang == "zh" else (lambda t: t.label_en)
    ci_rows = [[t.name, label(t), t.layer, ", ".join(t.aliases)] for t in schema.ci_types.values()]
    rel_rows = [[r.name, label(r), r.on_target_failure, r.on_source_failure, ", ".join(r.aliases)]
                for r in schema.relation_types.values()]
    if output_format == "json":
        click.echo(to_json({
            "ci_types": [{"name": t.name, "label": label(t), "layer": t.layer, "service": t.is_service,
                          "group": t.is_group, "aliases": list(t.aliases), "iri": t.iri}
                         for t in schema.ci_types.values()],
            "relation_types": [{"name": r.name, "label": label(r),
                                "on_target_failure": r.on_target_failure,
                                "on_source_failure": r.on_source_failure,
                                "aliases": list(r.aliases), "iri": r.iri}
                               for r in schema.relation_types.values()],
        }), nl=False)
    elif output_format == "csv":
        click.echo(to_csv(["kind", "name", "label", "details"],
                          [["ci", r[0], r[1], r[3]] for r in ci_rows]
                          + [["relation", r[0], r[1], f"target fails: {r[2]}; source fails: {r[3]}"]
                             for r in rel_rows]), nl=False)
    else:
        from itss_graph.i18n import _
        from itss_graph.render.labels import word

        click.echo(_("CI types"))
        click.echo(render_table([_("type"), _("label"), _("layer"), _("aliases")], ci_rows))
        click.echo("\n" + _("Relation types (SOURCE -[TYPE]-> TARGET)"))
        click.echo(render_table([_("type"), _("label"), _("if target fails, source is"),
                                 _("if source fails, target is"), _("aliases")],
                                [[r[0], r[1], word(r[2]), word(r[3]), r[4]] for r in rel_rows]))
