"""``itss gap``: what an organisation lacks against the ITSS standards that apply to it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itss_graph.cli.options import format_option, lang_option

CSV_HEADERS = ["element", "item", "id", "status", "standards", "required_by", "sources"]


@click.command()
@click.option("--profile", "profile_path", metavar="FILE", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The organisation profile (YAML).")
@click.option("--met", "show_met", is_flag=True, help="Also list the requirements the profile meets.")
@click.option("--fail-on-gap", is_flag=True, help="Exit with status 1 when there is any gap.")
@format_option
@lang_option
def gap(profile_path: Path, show_met: bool, fail_on_gap: bool, output_format: str, lang: str) -> None:
    """The requirements of the standards that apply to a profile (roles, capabilities, processes,
    technologies, resources, indicators; the GB/T 28827.1 capability model; the cells of the
    stage tables for the profile's lifecycle stage and business types) that the profile does not
    declare under `has` — grouped by element, most-required first, each with who requires it and
    where the white paper says so.

    Names under `has` may be Chinese or English labels or aliases; names the knowledge base does
    not know are reported (stderr) and ignored. Exit status: 0, or 1 with --fail-on-gap when gaps
    remain; 2 for an invalid profile.

    \b
    Examples:
      itss gap --profile examples/profiles/scenario-2.yaml
      itss gap --profile examples/profiles/scenario-1.yaml --lang zh --format json
    """
    from itss_graph.knowledge.gap import gap_for_profile
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.knowledge.profile import load_profile
    from itss_graph.render.formats import to_csv, to_json

    kb = KnowledgeBase.load()
    profile = load_profile(profile_path, kb)
    for d in profile.unknown:
        click.echo(f"itss: warning: {profile.path}:{d.line}: {d.field}: {d.name!r} is not in the knowledge "
                   "base; ignored", err=True)
    report = gap_for_profile(kb, profile, lang)
    if output_format == "json":
        click.echo(to_json(report.as_dict()), nl=False)
    elif output_format == "csv":
        rows = []
        for status, items in (("gap", report.gaps), ("met", report.met if show_met else [])):
            for g in items:
                rows.append([g.element.label, g.item.label, g.item.id, status, " ".join(g.standards),
                             " | ".join(f"{r.by.label}: {r.steps[-1].predicate}" for r in g.required_by),
                             " | ".join(dict.fromkeys(src.describe(lang) for r in g.required_by
                                                      for s in r.steps for src in s.sources))])
        click.echo(to_csv(CSV_HEADERS, rows), nl=False)
    else:
        click.echo(render_report(report, show_met=show_met))
    if fail_on_gap and report.gaps:
        sys.exit(1)


def render_report(report, *, show_met: bool = False) -> str:
    """The text form of a gap report: the gaps by element, then a summary."""
    from itss_graph.render.table import render_table

    zh = report.lang == "zh"
    out = [("差距分析：" if zh else "Gaps of ") + f"{report.profile.name} ({report.profile.path})"]
    out.append(("适用标准：" if zh else "Applicable standards: ")
               + (", ".join(f"{r.rank}. {r.node.id}" for r in report.standards.applicable) or "-"))
    if report.stages:
        out.append(("生命周期阶段：" if zh else "Lifecycle stage: ") + ", ".join(s.label for s in report.stages))
    headers = (["要素", "缺少", "要求它的标准", "来源"] if zh
               else ["element", "missing", "required by", "where the white paper says so"])

    def rows(items):
        out_rows = []
        for g in items:
            by = ", ".join(g.standards) or ", ".join(dict.fromkeys(r.by.label for r in g.required_by))
            sources = "; ".join(dict.fromkeys(src.describe(report.lang) for r in g.required_by
                                              for s in r.steps[-1:] for src in s.sources))
            out_rows.append([g.element.label, g.item.label, by, sources])
        return out_rows

    out.append(render_table(headers, rows(report.gaps)) if report.gaps
               else ("（没有差距）" if zh else "(no gap)"))
    if show_met and report.met:
        out.append("")
        out.append("已满足：" if zh else "Met:")
        out.append(render_table(headers, rows(report.met)))
    summary = report.as_dict()["summary"]
    out.append("")
    out.append((f"要求 {summary['required']} 项，已满足 {summary['met']} 项，差距 {summary['gaps']} 项"
                if zh else f"{summary['required']} requirements, {summary['met']} met, {summary['gaps']} gaps")
               + " (" + ", ".join(f"{k} {v}" for k, v in summary["by_element"].items()) + ")")
    if report.profile.unknown:
        out.append(("未识别：" if zh else "Not recognised: ")
                   + ", ".join(f"{d.field}: {d.name}" for d in report.profile.unknown))
    return "\n".join(out)
