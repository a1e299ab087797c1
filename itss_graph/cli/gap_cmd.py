"""``itss gap``: what an organisation lacks against the ITSS standards that apply to it — and what
the white paper places on its provider (to require) or on others (to verify)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itss_graph.cli.deliverables import deliverable_options, emit_csv, emit_xlsx, reject_csv_options, slug
from itss_graph.cli.options import lang_option

CSV_HEADERS = {
    "en": ["relation", "element", "item", "status", "standards", "why", "white_paper_says", "sources"],
    "zh": ["归属", "要素", "要求项", "状态", "标准", "说明", "白皮书原文", "白皮书出处"],
}
CHAIN_HEADER = {"en": "chains", "zh": "事实链"}


@click.command()
@click.option("--profile", "profile_path", metavar="FILE", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The organisation profile (YAML).")
@click.option("--met", "show_met", is_flag=True, help="Also list the requirements the profile meets.")
@click.option("--fail-on-gap", is_flag=True, help="Exit with status 1 when there is any gap.")
@click.option("-v", "--verbose", is_flag=True, help="Also the chain of facts behind each requirement.")
@deliverable_options
@lang_option
def gap(profile_path: Path, show_met: bool, fail_on_gap: bool, verbose: bool, output_format: str,
        output: Path | None, excel: bool, encoding: str | None, lang: str) -> None:
    """The requirements of the standards that apply to a profile (roles, capabilities, processes,
    technologies, resources, indicators; the GB/T 28827.1 capability model; the cells of the
    stage tables for the profile's lifecycle stage and business types), split by whom the white
    paper places them on, against the profile's party:

    \b
      what you must have   — placed on you: a gap unless the profile declares it under `has`;
      require of provider  — for a customer (需方), what the text places on the provider;
      the customer's own   — for a provider (供方), what the text places on the customer;
      verify               — for a third party or an authority.

    Each with the sentence of the white paper that says so. Names under `has` may be Chinese or
    English labels or aliases; names the knowledge base does not know are reported (stderr) and
    ignored. Exit status: 0, or 1 with --fail-on-gap when gaps remain; 2 for an invalid profile.

    \b
    Examples:
      itss gap --profile examples/profiles/scenario-2.yaml
      itss gap --profile org.yaml --lang zh --format json
      itss gap --profile org.yaml --lang zh --format xlsx -o gap.xlsx
      itss gap --profile org.yaml --format csv --encoding gbk > gap.csv
    """
    reject_csv_options(output_format, excel, encoding)
    from itss_graph.knowledge.gap import gap_for_profile
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.knowledge.profile import load_profile

    kb = KnowledgeBase.load()
    profile = load_profile(profile_path, kb, lang)
    for d in profile.unknown:
        click.echo(f"itss: warning: {profile.path}:{d.line}: {d.field}: {d.name!r} is not in the knowledge "
                   "base; ignored", err=True)
    report = gap_for_profile(kb, profile, lang)
    if output_format == "json":
        from itss_graph.render.formats import to_json

        text = to_json(report.as_dict())
        if output is not None:
            from itss_graph.render.page import write_text_atomic

            write_text_atomic(output, text)
        else:
            click.echo(text, nl=False)
    elif output_format == "csv":
        headers, rows = csv_table(report, show_met=show_met, verbose=verbose)
        emit_csv(headers, rows, output=output, excel=excel, encoding=encoding)
    elif output_format == "xlsx":
        from itss_graph.cli.report_cmd import kb_provenance, tool_provenance
        from itss_graph.render.report_knowledge import gap_report
        from itss_graph.render.spreadsheet import report_tables

        doc = gap_report(report, provenance=[tool_provenance(lang), kb_provenance(lang)])
        emit_xlsx(report_tables(doc), output, default=f"gap-{slug(str(profile_path))}.xlsx", title=doc.title)
    else:
        text = render_report(report, show_met=show_met, verbose=verbose)
        if output is not None:
            from itss_graph.render.page import write_text_atomic

            write_text_atomic(output, text + "\n")
        else:
            click.echo(text)
    if fail_on_gap and report.gaps:
        sys.exit(1)


def _sections(report, show_met: bool):
    """(relation key, status key, items) in the order the answer lists them."""
    out = [("own", "gap", report.gaps)]
    if show_met:
        out.append(("own", "met", report.met))
    out += [("provider", "", report.provider), ("customer", "", report.customer), ("verify", "", report.verify)]
    return out


def csv_table(report, *, show_met: bool = False, verbose: bool = False) -> tuple[list[str], list[list]]:
    """One row per item: whose it is, element, item, status, the standards by number and title, why,
    the white paper's sentence and where it is written."""
    from itss_graph.knowledge.wording import chain_cites, cite, t

    lang = report.lang if report.lang in CSV_HEADERS else "en"
    headers = list(CSV_HEADERS[lang]) + ([CHAIN_HEADER[lang]] if verbose else [])
    status_text = {"gap": "缺少" if lang == "zh" else "gap", "met": "已具备" if lang == "zh" else "met"}
    rows = []
    for rel, status, items in _sections(report, show_met):
        for g in items:
            shown = status_text.get(status) or (status_text["met"] if g.met_by else "")
            quotes = " | ".join(dict.fromkeys(
                t("quote", report.lang, text=o.text, cite=cite(o.source, report.lang) if o.source else "")
                for o in g.obligations))
            row = [t(f"rel.{rel}", report.lang), g.element.label, g.item.label, shown,
                   " | ".join(g.standard_names) or " | ".join(dict.fromkeys(r.by.label for r in g.required_by)),
                   g.why or " | ".join(dict.fromkeys(r.sentence for r in g.required_by if r.sentence)), quotes,
                   "; ".join(dict.fromkeys(c for r in g.required_by for c in chain_cites(r.steps[-1:], report.lang)))]
            rows.append(row + ([" | ".join(r.steps[0].source.label + " " + " ".join(s.text() for s in r.steps)
                                           for r in g.required_by if r.steps)] if verbose else []))
    return headers, rows


def render_report(report, *, show_met: bool = False, verbose: bool = False) -> str:
    """The text form of a gap report: what the organisation must have (gaps, and met with --met),
    then what to require of its provider / what is its customer's / what to verify, each item
    with the standards that require it and the white paper's sentence; then a summary."""
    from itss_graph.knowledge.wording import chain_cites, cite, t
    from itss_graph.render.table import render_table

    lang = report.lang
    zh = lang == "zh"
    out = [("差距分析：" if zh else "Gaps of ") + f"{report.profile.name} ({report.profile.path})"]
    if report.parties:
        out.append(("相关方：" if zh else "Party: ") + ", ".join(p.label for p in report.parties))
    out.append("适用标准：" if zh else "Standards that apply:")
    for r in report.standards.applicable:
        out.append(f"  {r.rank}. {r.node.label}")
    if not report.standards.applicable:
        out.append("  -")
    if report.stages:
        out.append(("生命周期阶段：" if zh else "Lifecycle stage: ") + ", ".join(s.label for s in report.stages))

    def by(g) -> str:
        return ", ".join(g.standard_short) or ", ".join(dict.fromkeys(r.by.label for r in g.required_by))

    def sources(g) -> str:
        return "; ".join(dict.fromkeys(c for r in g.required_by for c in chain_cites(r.steps[-1:], lang)))

    own_headers = (["要素", "要求项", "要求它的标准", "白皮书出处"] if zh
                   else ["element", "requirement", "required by", "where the white paper says so"])
    out.append("")
    out.append(t("rel.own", lang) + ("：" if zh else ":"))
    if report.gaps:
        out.append(("缺少：" if zh else "missing:"))
        out.append(render_table(own_headers, [[g.element.label, g.item.label, by(g), sources(g)] for g in report.gaps]))
    else:
        out.append("（没有差距）" if zh else "(no gap)")
    if show_met and report.met:
        out.append(("已具备：" if zh else "met:"))
        out.append(render_table(own_headers, [[g.element.label, g.item.label, by(g), sources(g)] for g in report.met]))
    rel_headers = (["要素", "要求项", "标准", "您已自有"] if zh else ["element", "requirement", "standards", "you have it"])
    for rel, items in (("provider", report.provider), ("customer", report.customer), ("verify", report.verify)):
        if not items:
            continue
        out.append("")
        out.append(t(f"rel.{rel}", lang) + ("：" if zh else ":"))
        out.append(render_table(rel_headers, [[g.element.label, g.item.label, by(g), "✓" if g.met_by else ""]
                                              for g in items]))
        out.append("依据：" if zh else "Because:")
        for o in dict.fromkeys(o for g in items for o in g.obligations):
            std = o.standard.label if o.standard else ("阶段核心要素表" if zh else "the stage tables")
            out.append(f"  {std}: " + t("quote", lang, text=o.text, cite=cite(o.source, lang) if o.source else ""))
    if verbose:
        out.append("")
        out.append("事实链：" if zh else "Chains:")
        for g in [*report.gaps, *(report.met if show_met else []), *report.provider, *report.customer, *report.verify]:
            for r in g.required_by:
                if r.steps:
                    out.append(f"  {g.item.label}: {r.steps[0].source.label} " + " ".join(s.text() for s in r.steps))
    summary = report.summary()
    out.append("")
    line = (f"须具备 {summary['required']} 项，已具备 {summary['met']} 项，差距 {summary['gaps']} 项" if zh
            else f"{summary['required']} requirements of your own, {summary['met']} met, {summary['gaps']} gaps")
    if summary["by_element"]:
        line += " (" + ", ".join(f"{k} {v}" for k, v in summary["by_element"].items()) + ")"
    others = [(t(f"rel.{k}", lang), n) for k, n in (("provider", summary["require_of_provider"]),
                                                    ("customer", summary["customer"]), ("verify", summary["verify"]))
              if n]
    if others:
        line += ("；" if zh else "; ") + ("，" if zh else ", ").join(f"{name} {n}" for name, n in others)
    out.append(line)
    if report.profile.unknown:
        out.append(("未识别：" if zh else "Not recognised: ")
                   + ", ".join(f"{d.field}: {d.name}" for d in report.profile.unknown))
    return "\n".join(out)
