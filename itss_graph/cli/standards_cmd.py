"""``itss standards``: which ITSS standards apply to a CI, a CI type, a GB/T 29264 code or an
organisation profile — ranked, each with its reasons as sentences and the white-paper lines they
rest on (the chains of knowledge-base facts with --verbose and in JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.deliverables import deliverable_options, emit_csv, emit_xlsx, reject_csv_options, slug
from itss_graph.cli.options import lang_option, store_options

CSV_HEADERS = {
    "en": ["rank", "number", "title", "status", "available", "facet", "strength", "reason", "sources"],
    "zh": ["序号", "标准编号", "标准名称", "状态", "已有文本", "维度", "匹配", "适用原因", "白皮书出处"],
}
CHAIN_HEADER = {"en": "chain", "zh": "事实链"}


@click.command()
@click.option("--ci", "ci_id", metavar="ID", default=None,
              help="A CI of the store (its type and the services it supports).")
@click.option("--ci-type", metavar="TYPE", default=None, help="A CI type (`itss types`), e.g. database.")
@click.option("--code", metavar="CODE", default=None, help="A GB/T 29264 code or category name, e.g. 040301.")
@click.option("--profile", "profile_path", metavar="FILE", default=None,
              type=click.Path(dir_okay=False, path_type=Path), help="An organisation profile (YAML).")
@click.option("--brief", is_flag=True, help="Only the ranked table, without the reasons.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also the chain of knowledge-base facts behind each reason, each with its source.")
@store_options
@deliverable_options
@lang_option
def standards(ci_id: str | None, ci_type: str | None, code: str | None, profile_path: Path | None,
              brief: bool, verbose: bool, store_settings, output_format: str, output: Path | None, excel: bool,
              encoding: str | None, lang: str) -> None:
    """The ITSS standards that apply, ranked, each named by number and full title with its reasons:
    one sentence per reason (the facts of the knowledge base that make it apply), with the lines
    of the white paper they rest on.

    Give exactly one of --ci, --ci-type, --code or --profile. Narrower GB/T 29264 codes inherit
    the standards of broader ones; standards for a part of a declared code are listed apart.
    Standards not started yet (or only named in a framework) are listed apart as planned. The
    ranking rule and the JSON contract are in the README ("itss standards").

    \b
    Examples:
      itss standards --ci-type database
      itss standards --code 040301 --lang zh --verbose
      itss standards --ci db:orders --store cmdb.db --format json
      itss standards --profile examples/profiles/scenario-1.yaml --format xlsx -o scenario-1.xlsx
      itss standards --code 04 --format csv --excel > 04.csv
    """
    given = [name for name, value in (("--ci", ci_id), ("--ci-type", ci_type), ("--code", code),
                                      ("--profile", profile_path)) if value]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --ci, --ci-type, --code or --profile"
                               + (f" (got {', '.join(given)})" if given else ""))
    reject_csv_options(output_format, excel, encoding)
    from itss_graph.knowledge.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    if ci_id:
        from itss_graph.answers.ci_standards import standards_for_ci
        from itss_graph.cli.options import open_configured_store

        with open_configured_store(store_settings) as store:
            answer = standards_for_ci(kb, store, ci_id, lang)
    else:
        from itss_graph.knowledge.questions import applicability_answer

        answer = applicability_answer(kb, code=code, ci_type=ci_type, profile=profile_path, lang=lang)
    subject = ci_id or ci_type or code or str(profile_path)
    if output_format == "json":
        from itss_graph.render.formats import to_json

        text = to_json(answer.as_dict())
        if output is not None:
            from itss_graph.render.page import write_text_atomic

            write_text_atomic(output, text)
        else:
            click.echo(text, nl=False)
    elif output_format == "csv":
        headers, rows = csv_table(answer, verbose=verbose)
        emit_csv(headers, rows, output=output, excel=excel, encoding=encoding)
    elif output_format == "xlsx":
        from itss_graph.cli.report_cmd import kb_provenance, tool_provenance
        from itss_graph.render.report_knowledge import standards_report
        from itss_graph.render.spreadsheet import report_tables

        doc = standards_report(answer, kb, provenance=[tool_provenance(lang), kb_provenance(lang)])
        emit_xlsx(report_tables(doc), output, default=f"standards-{slug(subject)}.xlsx", title=doc.title)
    else:
        text = render_answer(answer, brief=brief, verbose=verbose)
        if output is not None:
            from itss_graph.render.page import write_text_atomic

            write_text_atomic(output, text + "\n")
        else:
            click.echo(text)


def csv_table(answer, *, verbose: bool = False) -> tuple[list[str], list[list]]:
    """One row per reason of each applicable, planned or narrower standard, in the answer's language."""
    from itss_graph.knowledge.wording import chain_cites

    lang = answer.lang if answer.lang in CSV_HEADERS else "en"
    headers = list(CSV_HEADERS[lang]) + ([CHAIN_HEADER[lang]] if verbose else [])
    rows = []
    for group in (answer.applicable, answer.planned, answer.narrower):
        for r in group:
            for reason in r.reasons:
                row = [r.rank if r.available and group is not answer.narrower else "", r.identifier or "", r.title,
                       r.status.label if r.status else "", r.available, reason.facet, reason.strength,
                       reason.sentence, "; ".join(chain_cites(reason.steps, answer.lang))]
                rows.append(row + ([reason.text] if verbose else []))
    return headers, rows


def render_answer(answer, *, brief: bool = False, verbose: bool = False) -> str:
    """The text form of a standards answer: the ranked table (number, full title, status), then the
    reasons of each standard as sentences with their sources (and the chains with ``verbose``)."""
    from itss_graph.knowledge.reasons import chain_sources
    from itss_graph.knowledge.wording import chain_cites
    from itss_graph.render.table import render_table

    zh = answer.lang == "zh"
    out: list[str] = []
    q = answer.query
    out.append(("适用的标准：" if zh else "Standards that apply to ") + f"{q.kind} {q.value}"
               + (f" ({q.label})" if q.label and q.label != q.value else ""))
    if not answer.declared:
        out.append("  （知识库中没有关于它的类别、服务对象或活动）" if zh else
                   "  (nothing in the knowledge base describes it: no category, service object or activity)")
    services = answer.extra.get("services")
    if services:
        out.append(("支撑的业务服务：" if zh else "Services it supports: ")
                   + ", ".join(f"{s['id']} ({s['category'] or '-'})" for s in services))
    headers = (["序号", "标准编号", "标准名称", "状态"] if zh else ["#", "number", "title", "status"])

    def table(results, ranked: bool = True):
        return render_table(headers, [[r.rank if ranked and r.available else "-", r.identifier or "—",
                                       _short(r.title, 100), r.status.label if r.status else "-"]
                                      for r in results])

    out.append(table(answer.applicable) if answer.applicable else ("（没有适用的标准）" if zh else "(no applicable standard)"))
    if answer.planned:
        out += ["", "规划中（尚无文本）：" if zh else "Planned (no text yet: not started, or only named in a framework):",
                table(answer.planned)]
    if answer.narrower:
        out += ["", "仅适用于所声明类别的一部分：" if zh else "For a part of what was declared only:",
                table(answer.narrower, ranked=False)]
    if answer.excluded:
        out += ["", "不适用：" if zh else "Not applicable:"]
        for e in answer.excluded:
            out.append(f"  {_short(e.node.label)} — {e.why}")
    if brief:
        return "\n".join(out)
    for r in [*answer.applicable, *answer.planned, *answer.narrower]:
        out.append("")
        rank = r.rank if r.available and r not in answer.narrower else "-"
        out.append(f"{rank}. {r.node.label}" + (f"  [{r.status.label}]" if r.status else ""))
        for reason in r.reasons:
            out.append(f"   • {reason.sentence or reason.text}")
            cites = chain_cites(reason.steps, answer.lang)
            if cites:
                out.append("     ↳ " + ("；" if zh else "; ").join(cites))
            if verbose:
                out.append(f"     {reason.facet} ({reason.strength}): {reason.text}")
                for src in chain_sources(reason.steps, answer.lang):
                    out.append(f"        ↳ {src}")
        for note in r.notes:
            out.append(("   注：" if zh else "   note: ") + note)
        if r.comes_with:
            out.append("   " + ("附带：" if zh else "comes with:"))
            for key, nodes in r.comes_with.items():
                name = answer.kb.label("itss:" + key, answer.lang) if answer.kb else key
                out.append(f"     {name}: " + ", ".join(n.label for n in nodes))
    return "\n".join(out)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
