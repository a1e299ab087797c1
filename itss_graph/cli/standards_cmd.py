"""``itss standards``: which ITSS standards apply to a CI, a CI type, a GB/T 29264 code or an
organisation profile — ranked, each with the chain of knowledge-base facts that makes it apply."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.options import format_option, lang_option, store_options

CSV_HEADERS = ["rank", "id", "identifier", "title", "status", "available", "facet", "strength",
               "declared", "matched", "chain", "sources"]


@click.command()
@click.option("--ci", "ci_id", metavar="ID", default=None,
              help="A CI of the store (its type and the services it supports).")
@click.option("--ci-type", metavar="TYPE", default=None, help="A CI type (`itss types`), e.g. database.")
@click.option("--code", metavar="CODE", default=None, help="A GB/T 29264 code or category name, e.g. 040301.")
@click.option("--profile", "profile_path", metavar="FILE", default=None,
              type=click.Path(dir_okay=False, path_type=Path), help="An organisation profile (YAML).")
@click.option("--brief", is_flag=True, help="Only the ranked table, without the reasons.")
@store_options
@format_option
@lang_option
def standards(ci_id: str | None, ci_type: str | None, code: str | None, profile_path: Path | None,
              brief: bool, store_settings, output_format: str, lang: str) -> None:
    """The ITSS standards that apply, ranked, each with its reasons: the chain of facts in the
    knowledge base that makes it apply, every link with its source in the white paper.

    Give exactly one of --ci, --ci-type, --code or --profile. Narrower GB/T 29264 codes inherit
    the standards of broader ones. Standards not started yet (or only named in a framework) are
    listed apart as planned. The ranking rule and the JSON contract are in the README
    ("itss standards").

    \b
    Examples:
      itss standards --ci-type database
      itss standards --code 040301 --lang zh
      itss standards --ci database:0030p --format json
      itss standards --profile examples/profiles/scenario-1.yaml
    """
    given = [name for name, value in (("--ci", ci_id), ("--ci-type", ci_type), ("--code", code),
                                      ("--profile", profile_path)) if value]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --ci, --ci-type, --code or --profile"
                               + (f" (got {', '.join(given)})" if given else ""))
    from itss_graph.knowledge.applicability import evaluate
    from itss_graph.knowledge.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    extra: dict = {}
    if code:
        from itss_graph.knowledge.subjects import declared_for_code

        query, declared = declared_for_code(kb, code, lang)
    elif ci_type:
        from itss_graph.knowledge.subjects import query_for_ci_type

        query, declared = query_for_ci_type(kb, ci_type, lang)
    elif ci_id:
        from itss_graph.cli.options import open_configured_store
        from itss_graph.knowledge.subjects import declared_for_ci

        with open_configured_store(store_settings) as store:
            query, declared, extra = declared_for_ci(kb, store, ci_id, lang)
    else:
        from itss_graph.knowledge.applicability import Query
        from itss_graph.knowledge.profile import load_profile

        profile = load_profile(profile_path, kb)
        query, declared = Query("profile", str(profile_path), profile.name), profile.declared
        extra = {"profile": profile.as_dict()}
    answer = evaluate(kb, declared, query, lang)
    answer.extra.update(extra)
    _print(answer, output_format, brief)


def _print(answer, output_format: str, brief: bool) -> None:
    from itss_graph.knowledge.reasons import chain_sources
    from itss_graph.render.formats import to_csv, to_json

    if output_format == "json":
        click.echo(to_json(answer.as_dict()), nl=False)
        return
    if output_format == "csv":
        rows = []
        for group in (answer.applicable, answer.planned):
            for r in group:
                for reason in r.reasons:
                    sources = "; ".join(chain_sources(reason.steps, answer.lang))
                    rows.append([r.rank if r.available else "", r.node.id, r.identifier, r.title,
                                 r.status.label if r.status else "", r.available, reason.facet,
                                 reason.strength, reason.declared.label, reason.matched.label,
                                 reason.text, sources])
        click.echo(to_csv(CSV_HEADERS, rows), nl=False)
        return
    click.echo(render_answer(answer, brief=brief))


def render_answer(answer, *, brief: bool = False) -> str:
    """The text form of a standards answer: a ranked table, then the reasons of each standard."""
    from itss_graph.knowledge.reasons import chain_sources
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
    headers = ["#", "标准" if zh else "standard", "状态" if zh else "status",
               "匹配维度" if zh else "facets matched"]

    def table(results):
        return render_table(headers, [[r.rank, _short(r.node.label), r.status.label if r.status else "-",
                                       ", ".join(dict.fromkeys(x.facet for x in r.reasons))] for r in results])

    if answer.applicable:
        out.append(table(answer.applicable))
    else:
        out.append("（没有适用的标准）" if zh else "(no applicable standard)")
    if answer.planned:
        out.append("")
        out.append("规划中（尚无文本）：" if zh else "Planned (no text yet: not started, or only named in a framework):")
        out.append(table(answer.planned))
    if answer.excluded:
        out.append("")
        out.append("因范围不符而排除：" if zh else "Not applicable (a gate excludes them):")
        for e in answer.excluded:
            out.append(f"  {e.node.id}  {_short(e.node.label)} — {e.why}")
    if brief:
        return "\n".join(out)
    for r in [*answer.applicable, *answer.planned]:
        out.append("")
        out.append(f"{r.rank if r.available else '-'}. {r.node.label}  [{r.node.id}]"
                   + (f"  {r.status.label}" if r.status else ""))
        for reason in r.reasons:
            out.append(f"   {reason.facet}: {reason.text}")
            for src in chain_sources(reason.steps, answer.lang):
                out.append(f"      ↳ {src}")
        for note in r.notes:
            out.append(f"   note: {note}")
        if r.comes_with:
            out.append("   " + ("附带：" if zh else "comes with:"))
            for key, nodes in r.comes_with.items():
                name = answer.kb.label("itss:" + key, answer.lang) if answer.kb else key
                out.append(f"     {name}: " + ", ".join(n.label for n in nodes))
    return "\n".join(out)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
