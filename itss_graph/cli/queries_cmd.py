"""The canned queries as commands: queries, blast-radius, root-cause, spof, depends, path,
orphans, hotspots, change-impact. Each takes --format table|json|csv, --lang and --show-query."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

from itss_graph.cli.deliverables import deliverable_options
from itss_graph.cli.options import (format_option, lang_option, open_configured_store, resolve_ci_types,
                                    store_options)
from itss_graph.cli.query_option import print_query, show_query_option


def _html_option(what: str) -> Callable:
    return click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
                        default=None, help=f"Also write an interactive view of {what} to this file.")


def _write_view(html_path: Path | None, build: Callable) -> None:
    """Write the view ``build()`` returns, when --html asked for one."""
    if html_path is None:
        return
    from itss_graph.render.graphview import write_html

    write_html(build(), html_path)
    from itss_graph.i18n import _

    click.echo(_("View written to {path}").format(path=html_path), err=True)


def _emit(output_format: str, document: dict, headers: list[str], rows: list[list], text: str, *,
          output: Path | None = None, excel: bool = False, encoding: str | None = None,
          sheets: Callable[[], list] | None = None, default: str = "answer.xlsx") -> None:
    """Print (or write to ``output``) the answer in the chosen format; ``sheets`` builds the
    workbook's tables for ``--format xlsx`` (commands with :func:`deliverable_options`).
    ``document`` and ``headers``/``rows`` come from :mod:`itss_graph.render.documents` (the JSON
    and CSV ``itss serve`` answers too)."""
    from itss_graph.cli.deliverables import emit_csv, emit_text, emit_xlsx
    from itss_graph.render.formats import to_json

    if output_format == "json":
        emit_text(to_json(document), output)
    elif output_format == "csv":
        emit_csv(headers, rows, output=output, excel=excel, encoding=encoding)
    elif output_format == "xlsx":
        emit_xlsx(sheets(), output, default=default)
    else:
        emit_text(text, output, fit=True)


def _table(headers: list[str], rows: list[list], limit: int = 0) -> str:
    """The text table of an answer: headers in the language in use, codes (effects, statuses,
    CI and relation types) as words; at most ``limit`` rows."""
    from itss_graph.i18n import _
    from itss_graph.render.labels import relation_label, type_label, word
    from itss_graph.render.table import render_table

    shown = rows[:limit] if limit else rows
    show = {"type": type_label, "via": relation_label, "status": word, "criticality": word, "spof": word}
    cells = [[show[h](v) if h in show and isinstance(v, str) else v for h, v in zip(headers, row)] for row in shown]
    out = render_table([_(h) for h in headers], cells)
    if len(shown) < len(rows):
        out += "\n" + _("... and {n} more (--limit 0 shows all)").format(n=len(rows) - len(shown))
    return out


def _n(singular: str, plural: str, n: int, **values) -> str:
    from itss_graph.i18n import ngettext

    return ngettext(singular, plural, n).format(n=n, **values)


# -- queries -------------------------------------------------------------------------------------

@click.command()
@click.argument("search", required=False, default="")
@click.option("--category", default=None, help="impact, resilience, dependency, hygiene, change, inventory.")
@click.option("--show", "show_name", default=None, metavar="NAME", help="Everything about one query.")
@format_option
@lang_option
def queries(search: str, category: str | None, show_name: str | None, output_format: str, lang: str) -> None:
    """List the canned queries, optionally filtered by words (Chinese or English) or category.

    \b
    Examples:
      itss queries
      itss queries 单点故障
      itss queries --category resilience --format json
      itss queries --show spof
    """
    import itss_graph as itss

    from itss_graph.render.documents import queries_csv, queries_document, query_entry_document

    if show_name:
        query = itss.canned_query(show_name)
        if output_format == "json":
            from itss_graph.render.formats import to_json

            click.echo(to_json(query_entry_document(query, itss.reference_cypher(query), lang)), nl=False)
            return
        print_query(query.name, None, lang)
        return
    found = itss.search_queries(search, category, lang)
    from itss_graph.i18n import _

    headers, rows = queries_csv(found, lang)
    _emit(output_format, queries_document(found, lang), headers, rows,
          _table(headers, rows) if rows else _("No canned query matches."))


# -- impact family -------------------------------------------------------------------------------

@click.command("blast-radius")
@click.argument("ci_ids", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table: at most N services (0: all).")
@click.option("--services-offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="JSON and CSV: list the ranked services from the Nth (0: the first).")
@click.option("--services-limit", type=click.IntRange(min=1), default=None,
              help="JSON and CSV: list at most N services (the summary counts all) [default: all].")
@_html_option("the impacted subgraph, with the ITSS obligations")
@store_options
@deliverable_options
@lang_option
@show_query_option("blast-radius")
def blast_radius(ci_ids, limit, services_offset, services_limit, html_path, store_settings, output_format,
                 output, excel, encoding, lang) -> None:
    """Business services that CI_IDS' failure takes down (a failed service is down) or leaves
    at risk (still up, without redundancy of its own or below it), most important first
    (criticality, SLA, users), each with why — the chain from the failed CI, or the redundancy
    lost and the CIs whose next failure would take it down — and the ITSS obligations.

    \b
    Examples:
      itss blast-radius storage-array:dc1-san1
      itss blast-radius switch:dc1-core-1 switch:dc1-core-2 --format json
      itss blast-radius switch:dc1-core-1 --format xlsx -o core1-services.xlsx
      itss blast-radius switch:dc1-core-1 --format json --services-limit 50 --services-offset 50
    """
    import itss_graph as itss
    from itss_graph.cli.deliverables import reject_csv_options, slug
    from itss_graph.render.documents import blast_csv, blast_document
    from itss_graph.render.impact import headline, losses_text, services_text
    from itss_graph.render.obligations import obligations_text

    with open_configured_store(store_settings) as store:
        answer = itss.blast_radius(store, list(ci_ids), with_props=html_path is not None)
        obligations = itss.obligations(store, answer.impact, radius=answer)
        links = itss.failure_links(store, answer.impact) if html_path is not None else None
    reject_csv_options(output_format, excel, encoding)
    page = dict(services_offset=services_offset, services_limit=services_limit)
    headers, rows = blast_csv(answer, **page)
    summary = answer.summary()
    text = "\n\n".join(part for part in (
        headline(answer, obligations, lang) + "; "
        + _n("{n} CI impacted", "{n} CIs impacted", summary["impacted_cis"]),
        services_text(answer, limit), losses_text(answer, limit),
        obligations_text(obligations, lang)) if part)
    from itss_graph.render.impact_sheets import radius_sheets

    _emit(output_format, blast_document(answer, obligations, **page), headers, rows, text,
          output=output, excel=excel, encoding=encoding, sheets=lambda: radius_sheets(answer),
          default=f"blast-radius-{slug(ci_ids[0])}.xlsx")

    def view():
        return itss.impact_view(answer.impact, lang=lang, obligations=obligations, radius=answer,
                                links=links, at_risk=[s for s in answer.services if s.status == "at-risk"])

    _write_view(html_path, view)


@click.command("root-cause")
@click.argument("symptoms", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most N candidates, best first.")
@store_options
@format_option
@lang_option
@show_query_option("root-cause")
def root_cause(symptoms, limit, store_settings, output_format, lang) -> None:
    """Rank the upstream CIs whose single failure explains the most of SYMPTOMS (CIs or
    services seen failing), redundancy taken into account.

    \b
    Examples:
      itss root-cause service:0024 service:0028 service:0032
      itss root-cause vm:0030-web1 vm:0031-web1 --format json
    """
    import itss_graph as itss

    from itss_graph.render.documents import root_cause_csv

    with open_configured_store(store_settings) as store:
        answer = itss.root_cause(store, list(symptoms), limit=limit)
    headers, rows = root_cause_csv(answer)
    doc = answer.as_dict()
    note = doc["summary"]["not_explained_by_top"]
    from itss_graph.i18n import _

    text = _table(headers, rows) if rows else _("No upstream candidate explains these symptoms.")
    if note:
        text += "\n" + _("Not explained by the top candidate (several failures?): {ids}").format(ids=" ".join(note))
    _emit(output_format, doc, headers, rows, text)


@click.command()
@click.argument("target", required=False)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table: at most N rows (0: all; json and csv list every one).")
@_html_option("what TARGET rests on, single points of failure in red")
@store_options
@deliverable_options
@lang_option
@show_query_option("spof")
def spof(target, limit, html_path, store_settings, output_format, output, excel, encoding, lang) -> None:
    """Single points of failure of TARGET (a service or CI): the CIs whose failure alone takes
    it down. Without TARGET: every CI that is a single point of failure of some business
    service, with the services it would take down.

    \b
    Examples:
      itss spof service:0030
      itss spof --format json
      itss spof service:0030 --format xlsx -o spof-0030.xlsx
    """
    import itss_graph as itss
    from itss_graph.cli.deliverables import reject_csv_options, slug
    from itss_graph.render.documents import estate_spof_csv, spof_csv
    from itss_graph.render.impact_sheets import spof_sheets

    reject_csv_options(output_format, excel, encoding)
    options = dict(output=output, excel=excel, encoding=encoding,
                   default=f"spof-{slug(target or 'estate')}.xlsx")

    with open_configured_store(store_settings) as store:
        if target:
            answer = itss.spof(store, target)
            headers, rows = spof_csv(answer)
            text = (_n("{target}: {n} single point of failure among {m} CIs it rests on",
                       "{target}: {n} single points of failure among {m} CIs it rests on", len(rows),
                       target=target, m=answer.upstream) + "\n" + _table(headers, rows, limit))
            _emit(output_format, answer.as_dict(), headers, rows, text,
                  sheets=lambda: spof_sheets(headers, rows, target), **options)

            def view():
                return itss.dependency_view(target, itss.load_schema(), upstream=answer.subgraph,
                                            spof_ids={p.id for p in answer.points}, lang=lang)

            _write_view(html_path, view)
            return
        if html_path is not None:
            from itss_graph.i18n import _

            raise click.UsageError(_("--html needs a TARGET (a view of the whole estate would be a hairball)"))
        answer = itss.estate_spof(store, progress=_progress("services"))
    headers, rows = estate_spof_csv(answer)
    text = (_n("{n} CI is a single point of failure of at least one of {m} services",
               "{n} CIs are single points of failure of at least one of {m} services", len(rows),
               m=answer.services_examined) + "\n" + _table(headers, rows, limit))
    _emit(output_format, answer.as_dict(), headers, rows, text,
          sheets=lambda: spof_sheets([*headers, "services"],
                                     [[*row, " ".join(e.services)] for row, e in zip(rows, answer.entries)]),
          **options)


def _progress(what: str):
    """A progress line on stderr for long estate-wide questions (only on a terminal)."""
    import sys

    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        click.echo(f"\r{what}: {done}/{total}", err=True, nl=done == total)

    return report


@click.command()
@click.argument("target")
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="Follow dependencies at most N relations away (default: no limit).")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Table: at most N rows (0: all; json and csv list every one).")
@_html_option("the tree of what TARGET rests on")
@store_options
@format_option
@lang_option
@show_query_option("depends")
def depends(target, depth, limit, html_path, store_settings, output_format, lang) -> None:
    """Everything TARGET rests on, nearest first; single points of failure are marked.

    \b
    Examples:
      itss depends service:0030
      itss depends vm:361 --depth 2 --format csv --store netbox.db
    """
    import itss_graph as itss

    from itss_graph.render.documents import depends_csv

    with open_configured_store(store_settings) as store:
        answer = itss.depends(store, target, max_depth=depth)
    headers, rows = depends_csv(answer)
    summary = answer.as_dict()["summary"]
    text = (_n("{target} rests on {n} CI", "{target} rests on {n} CIs", summary["total"], target=target) + " ("
            + _n("{n} single point of failure", "{n} single points of failure", summary["spof"]) + ")\n"
            + _table(headers, rows, limit))
    _emit(output_format, answer.as_dict(), headers, rows, text)

    def view():
        return itss.depends_view(answer, itss.load_schema(), lang=lang)

    _write_view(html_path, view)


@click.command()
@click.argument("dependant")
@click.argument("provider")
@click.option("--max-length", type=click.IntRange(min=1, max=50), default=8, show_default=True,
              help="Longest chain listed, in relations.")
@click.option("--max-paths", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
              help="At most N chains, shortest first.")
@_html_option("the chains")
@store_options
@format_option
@lang_option
@show_query_option("path")
def path(dependant, provider, max_length, max_paths, html_path, store_settings, output_format, lang) -> None:
    """How DEPENDANT depends on PROVIDER: the shortest chain of relations along which the
    provider's failure reaches it, and all simple chains up to --max-length.

    \b
    Examples:
      itss path service:0030 storage-array:dc1-san1
      itss path vm:361 site:21 --format json --store netbox.db
    """
    import itss_graph as itss

    from itss_graph.render.documents import path_csv

    with open_configured_store(store_settings) as store:
        answer = itss.paths(store, dependant, provider, max_length=max_length, max_paths=max_paths)
    doc = answer.as_dict()
    headers, rows = path_csv(answer)
    from itss_graph.i18n import _

    if not answer.shortest:
        text = _("{dependant} does not depend on {provider}.").format(dependant=dependant, provider=provider)
    else:
        text = (_("Shortest: {chain}").format(chain=_chain_text(answer.shortest)) + "\n\n"
                + _n("{n} chain", "{n} chains", len(answer.paths))
                + (_(" (bounded; more exist)") if answer.truncated else "") + _(":") + "\n"
                + _table(headers, [[*row[:-1], _chain_text(p)] for row, p in zip(rows, answer.paths)]))
    _emit(output_format, doc, headers, rows, text)

    def view():
        return itss.paths_view(answer, lang=lang)

    _write_view(html_path, view)


def _chain_text(steps: list[dict]) -> str:
    from itss_graph.render.labels import relation_label

    parts = []
    for step in steps:
        parts.append(step["id"])
        if "relation" in step:
            relation = relation_label(step["relation"])
            parts.append(f" <-{relation}- " if step["direction"] == "<-" else f" -{relation}-> ")
    return "".join(parts)


@click.command()
@click.option("--type", "types", multiple=True, metavar="TYPE", callback=resolve_ci_types,
              help="Only CIs of this type (a name or alias from `itss types`); repeatable.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Table: at most N rows (0: all; json and csv list every one).")
@store_options
@format_option
@lang_option
@show_query_option("orphans")
def orphans(types, limit, store_settings, output_format, lang) -> None:
    """CIs that support no business service.

    \b
    Examples:
      itss orphans
      itss orphans --type server --type vm --format csv
    """
    import itss_graph as itss

    from itss_graph.render.documents import orphans_csv

    with open_configured_store(store_settings) as store:
        answer = itss.orphans(store, types=set(types) or None)
    doc = answer.as_dict()
    headers, rows = orphans_csv(answer)
    from itss_graph.render.labels import type_label

    by_type = ", ".join(f"{type_label(t)} {n}" for t, n in doc["summary"]["by_type"].items())
    text = (_n("{n} CI supports none of {m} services", "{n} CIs support none of {m} services", len(rows),
               m=answer.services)
            + (f": {by_type}" if by_type else "") + "\n" + (_table(headers, rows, limit) if rows else ""))
    _emit(output_format, doc, headers, rows, text)


@click.command()
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="The N CIs whose failure takes down the most services.")
@store_options
@format_option
@lang_option
@show_query_option("hotspots")
def hotspots(top, store_settings, output_format, lang) -> None:
    """The CIs whose single failure takes down the most business services (and how many CIs
    with them).

    \b
    Example:
      itss hotspots --top 10
    """
    import itss_graph as itss

    from itss_graph.render.documents import hotspots_csv

    with open_configured_store(store_settings) as store:
        answer = itss.hotspots(store, top=top, progress=_progress("services"))
    headers, rows = hotspots_csv(answer)
    _emit(output_format, answer, headers, rows, _table(headers, rows))


@click.command("change-impact")
@click.argument("ci_ids", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table: at most N services (0: all).")
@store_options
@format_option
@lang_option
@show_query_option("change-impact")
def change_impact(ci_ids, limit, store_settings, output_format, lang) -> None:
    """What a planned change taking CI_IDS down touches: the services down (a changed service
    is down) or left without redundancy (at risk), most important first, each with why; the
    ITSS change and release process and roles that apply; a suggested window (the policy's,
    for the most critical service down, or for services at risk).

    \b
    Examples:
      itss change-impact server:dc1-db0030p
      itss change-impact switch:dc1-core-1 --format json --lang zh
    """
    import itss_graph as itss
    from itss_graph.i18n import _
    from itss_graph.render.documents import change_impact_csv
    from itss_graph.render.impact import SERVICE_HEADERS, shown_service_rows, why_line
    from itss_graph.render.labels import word
    from itss_graph.render.obligations import KIND_TITLES
    from itss_graph.render.table import render_table

    with open_configured_store(store_settings) as store:
        answer = itss.change_impact(store, list(ci_ids))
    services = answer["services"]
    headers, rows = change_impact_csv(answer)
    summary = answer["summary"]
    window = answer["window"]
    down = _n("{n} service down, {at_risk} at risk", "{n} services down, {at_risk} at risk",
              summary["services_down"], at_risk=summary["services_at_risk"])
    criticality = word(window["criticality"])
    lines = [_("Change taking down {ids}: {headline}").format(ids=", ".join(ci_ids), headline=down),
             (_("Suggested window ({criticality}, decided by {service}): {text}").format(
                 criticality=criticality, service=window["driven_by"], text="{text}") if window["driven_by"]
              else _("Suggested window ({criticality}): {text}").format(criticality=criticality, text="{text}")
              ).replace("{text}", window["text"].get(lang) or window["text"].get("en", ""))]
    if rows:
        shown = rows[:limit] if limit else rows
        lines += ["", _("Business services ({n}), most critical first:").format(n=len(rows)),
                  render_table([_(h) for h in SERVICE_HEADERS],
                               shown_service_rows([[s[h] for h in SERVICE_HEADERS] for s in services[:len(shown)]]))]
        if len(shown) < len(rows):
            lines.append(_("... and {n} more (--limit 0 shows all)").format(n=len(rows) - len(shown)))
        lines += ["", _("Why:")]
        lines += ["  " + why_line(s, _("changed itself")) for s in services[:len(shown)]]
    lines.append("")
    for kind in ("processes", "roles"):
        lines.append(_("{title}:").format(title=_(KIND_TITLES[kind])))
        for item in answer["knowledge"][kind]:
            lines.append(f"  - {item['label'].get(lang) or item['label']['en']} ({item['iri']})")
    _emit(output_format, answer, headers, rows, "\n".join(lines))

