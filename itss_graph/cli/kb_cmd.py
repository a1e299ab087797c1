"""``itss kb``: explore the ITSS knowledge base — counts, search, one entity, export, SPARQL."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, lang_option, parse_pairs


@click.group()
def kb() -> None:
    """Explore the ITSS knowledge base (ontology/kb: the white paper, one file per source unit).

    \b
    Examples:
      itss kb stats
      itss kb search 事件管理
      itss kb show "GB/T 28827.1" --lang zh
      itss kb export --format trig > kb.trig
      itss kb sparql 'SELECT ?s ?id WHERE { ?s dcterms:identifier ?id }'
    """


def _load():
    from itss_graph import KnowledgeBase

    return KnowledgeBase.load()


def _emit_json(document) -> None:
    from itss_graph.render.formats import to_json

    click.echo(to_json(document), nl=False)


@kb.command()
@format_option
@lang_option
def stats(output_format: str, lang: str) -> None:
    """Triples, instances per class and triples per source unit of the white paper.

    \b
    Example:
      itss kb stats --format json
    """
    from itss_graph import kb_stats
    from itss_graph.render.formats import to_csv
    from itss_graph.render.table import render_table

    s = kb_stats(_load())
    if output_format == "json":
        _emit_json(s)
        return
    label = "label_zh" if lang == "zh" else "label_en"
    if output_format == "csv":
        rows = [["total", "triples", s["triples"]], ["total", "subjects", s["subjects"]]]
        rows += [["class", c, n] for c, n in s["classes"].items()]
        rows += [["unit", u["unit"], u["triples"]] for u in s["units"]]
        click.echo(to_csv(["kind", "name", "count"], rows), nl=False)
        return
    click.echo(f"{s['triples']} triples, {s['subjects']} subjects, {s['source_units']} source units")
    click.echo("\nInstances by class")
    click.echo(render_table(["class", "instances"], list(s["classes"].items())))
    click.echo("\nTriples by source unit")
    click.echo(render_table(["unit", "section", "lines", "triples", "label"],
                            [[u["unit"], u["section"], f"{u['start_line']}-{u['end_line']}", u["triples"],
                              u[label]] for u in s["units"]]))


@kb.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most N entities, best matches first.")
@format_option
@lang_option
def search(text: str, limit: int, output_format: str, lang: str) -> None:
    """Entities whose names or definitions contain TEXT (Chinese or English).

    \b
    Examples:
      itss kb search 事件管理
      itss kb search "incident management" --limit 5 --format csv
    """
    from itss_graph import kb_search
    from itss_graph.render.formats import to_csv
    from itss_graph.render.table import render_table

    hits = kb_search(_load(), text, lang=lang, limit=limit)
    if output_format == "json":
        _emit_json({"query": text, "lang": lang, "hits": [h.as_dict(lang) for h in hits]})
        return
    rows = [[h.node.id, h.node.label, ", ".join(h.types), h.prop, _clip(h.text),
             "; ".join(s.describe(lang) for s in h.sources[:2])] for h in hits]
    headers = ["id", "label", "types", "matched", "text", "source"]
    if output_format == "csv":
        click.echo(to_csv(headers, rows), nl=False)
    elif rows:
        click.echo(render_table(headers, rows))
    else:
        click.echo(f"no entity matches {text!r}")


@kb.command()
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N triples each way.")
@format_option
@lang_option
def show(name: str, limit: int | None, output_format: str, lang: str) -> None:
    """One entity (IRI, qname such as kb:std-运维-1, or a Chinese/English name) with what it
    states, what points at it, and where each fact comes from.

    \b
    Examples:
      itss kb show kb:std-运维-1
      itss kb show "GB/T 28827.1" --lang zh --limit 10
    """
    from itss_graph import kb_show
    from itss_graph.render.formats import to_csv
    from itss_graph.render.table import fit_lines, render_table

    view = kb_show(_load(), name, lang, limit=limit)
    if output_format == "json":
        _emit_json(view.as_dict())
        return
    out_rows = [["out", e.predicate, e.other.id if e.other else "",
                 e.other.label if e.other else _clip(e.value or ""),
                 "; ".join(s.describe(lang) for s in e.sources)] for e in view.outgoing]
    in_rows = [["in", e.predicate, e.other.id if e.other else "", e.other.label if e.other else "",
                "; ".join(s.describe(lang) for s in e.sources)] for e in view.incoming]
    if output_format == "csv":
        click.echo(to_csv(["direction", "predicate", "id", "label_or_value", "sources"], out_rows + in_rows),
                   nl=False)
        return
    click.echo(fit_lines(f"{view.node.label}  [{view.node.id}]"))
    click.echo(fit_lines("  " + ", ".join(t.id for t in view.types)))
    click.echo(fit_lines("  " + "; ".join(s.describe(lang) for s in view.sources)))
    if view.also:
        click.echo("  also named so: " + ", ".join(n.id for n in view.also))
    click.echo("\nStates")
    click.echo(render_table(["predicate", "object", "value", "source"], [r[1:] for r in out_rows]))
    if in_rows:
        click.echo("\nPointed at by")
        click.echo(render_table(["predicate", "subject", "label", "source"], [r[1:] for r in in_rows]))


@kb.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "json-ld", "nt", "nquads"]),
              default="turtle", show_default=True,
              help="turtle/nt: one graph (provenance in dcterms:source); trig/json-ld/nquads: a named "
                   "graph per source unit.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
def export(fmt: str, output: Path | None) -> None:
    """The whole knowledge base (vocabulary and facts) as RDF.

    \b
    Examples:
      itss kb export --format trig > kb.trig
      itss kb export --format turtle -o kb.ttl
    """
    from itss_graph import kb_export

    text = kb_export(_load(), fmt)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Knowledge base written to {output} ({fmt})", err=True)


@kb.command()
@click.argument("query")
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind ?VAR to VALUE (an IRI, a qname such as kb:std-运维-1, or a literal); repeatable.")
@click.option("--full-iris", is_flag=True, help="Print full IRIs instead of qnames.")
@format_option
def sparql(query: str, binds: tuple[str, ...], full_iris: bool, output_format: str) -> None:
    """Run a read-only SPARQL query (text, or @FILE) on the knowledge base.

    The default graph is the union of all graphs (GRAPH ?unit reaches the source units). The
    prefixes itss:, kb:, src:, cmdb:, rdf:, rdfs:, owl:, skos:, xsd:, dcterms:, org:, prov:, dqv:
    are predeclared. Values given with --bind are passed as bindings, never pasted into the text.

    \b
    Examples:
      itss kb sparql 'SELECT ?code ?name WHERE { ?c skos:notation ?code ; skos:prefLabel ?name }'
                      FILTER(lang(?name) = "zh") } ORDER BY ?code'
      itss kb sparql @queries/kb-standards.rq --bind std=kb:std-运维-1 --format json
    """
    from itss_graph.errors import ItssError
    from itss_graph import kb_sparql as run
    from itss_graph.render.formats import to_csv
    from itss_graph.render.table import render_table

    if query.startswith("@"):
        path = Path(query[1:])
        try:
            query = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ItssError(f"cannot read the query file {path}: {exc.strerror or exc}") from None
    bindings = parse_pairs(binds, "--bind", "VAR=VALUE")
    result = run(_load(), query, bindings, qnames=not full_iris)
    if output_format == "json":
        _emit_json(result.as_dict())
    elif result.kind == "ask":
        click.echo("true" if result.boolean else "false")
    elif output_format == "csv":
        click.echo(to_csv(result.columns, result.rows), nl=False)
    else:
        click.echo(render_table(result.columns, result.rows))
        click.echo(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", err=True)


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@kb.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--shapes", "shape_files", multiple=True, metavar="FILE",
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="More SHACL shapes (Turtle) to validate against; repeatable.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table: at most N violations (0: all).")
@format_option
def validate(files: tuple[Path, ...], shape_files: tuple[Path, ...], limit: int, output_format: str) -> None:
    """Validate the knowledge base, and your own ontology FILES (Turtle), against the SHACL
    shapes of ontology/shapes (plus --shapes). Exit status 0: conforms; 1: violations found;
    2: a file is not valid Turtle.

    \b
    Examples:
      itss kb validate
      itss kb validate my-standards.ttl --format json   # template: your own file
    """
    import itss_graph as itss
    from itss_graph.render.formats import to_csv
    from itss_graph.render.table import render_table

    report = itss.validate_knowledge_base(files, shape_files)
    headers = ["focus", "path", "message", "severity"]
    rows = [[v.focus, v.path, v.message, v.severity] for v in report.violations]
    if output_format == "json":
        _emit_json(report.as_dict())
    elif output_format == "csv":
        click.echo(to_csv(headers, rows), nl=False)
    else:
        verdict = "conforms" if report.conforms else f"{len(rows)} violation{'s' if len(rows) != 1 else ''}"
        click.echo(f"{len(report.data_files)} files, {report.triples} triples, "
                   f"{len(report.shape_files)} shapes file{'s' if len(report.shape_files) != 1 else ''}: {verdict}")
        if rows:
            shown = rows[:limit] if limit else rows
            click.echo(render_table(headers, shown))
            if len(shown) < len(rows):
                click.echo(f"... and {len(rows) - len(shown)} more (--limit 0 shows all)")
    if not report.conforms:
        raise SystemExit(1)
