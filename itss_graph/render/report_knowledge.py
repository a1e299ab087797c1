"""Reports on the ITSS knowledge side: which standards apply to a subject and why, and what an
organisation lacks against them (its gaps).

Both are built from the knowledge engineer's answers — :func:`itss_graph.knowledge.applicability.evaluate`
(the answer behind ``itss standards``) and :func:`itss_graph.knowledge.gap.gap_for_profile` (behind
``itss gap``) — so a report says exactly what the commands say, with every reason's chain and
the white-paper lines it rests on.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.applicability import evaluate
    >>> from itss_graph.knowledge.subjects import declared_for_code
    >>> kb = KnowledgeBase.load()
    >>> query, declared = declared_for_code(kb, "040301")
    >>> doc = standards_report(evaluate(kb, declared, query), kb)
    >>> doc.sections[0].tables[0].rows[0][:2]
    [1, 'GB/T 28827.1']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.render.report import ItemList, Report, Section, Table
from itss_graph.render.standards_map import gap_view, standards_view

if TYPE_CHECKING:
    from itss_graph.knowledge.applicability import Answer, StandardResult
    from itss_graph.knowledge.gap import GapReport
    from itss_graph.knowledge.kb import KnowledgeBase

_T = {
    "en": {"std_title": "Applicable ITSS standards: {kind} {subject}", "subject": "Subject",
           "declared": "Declared facets", "applicable": "Applicable standards", "planned": "Planned",
           "excluded": "Excluded by a gate", "ranked": "Applicable standards, best first",
           "ranked_p": "Ranked by facets matched, then matches, then how specific the standard's scope is, "
           "then status (published first).", "why": "Why each standard applies",
           "why_p": "Each reason is a chain of facts of the knowledge base, each fact with its source in the "
           "white paper.", "planned_h": "Planned (no text yet)", "excluded_h": "Not applicable (a gate excludes them)",
           "map": "Map", "map_p": "The standards with the GB/T 29264 categories they apply to, the processes and "
           "roles they define; the subject's categories outlined in blue. Click an edge for its source.",
           "gap_title": "ITSS gap analysis: {name}", "profile": "Profile", "required": "Requirements",
           "required_v": "{required} ({met} met, {gaps} gaps)", "stage": "Lifecycle stage",
           "gaps": "Gaps", "gaps_p": "What the applicable standards (and the stage tables) require and the "
           "profile does not declare under `has`, by element, most-required first.", "met": "Met",
           "unknown": "Names not recognised (ignored)", "std_h": "Standards that apply",
           "gap_map_p": "The profile, the standards that apply, what requires each item, and the items: red "
           "when missing, green when met.", "cited": "White paper: ", "none": "(none)"},
    "zh": {"std_title": "适用的 ITSS 标准：{kind} {subject}", "subject": "对象", "declared": "声明的维度",
           "applicable": "适用的标准", "planned": "规划中", "excluded": "因范围排除", "ranked": "适用的标准（按相关程度排序）",
           "ranked_p": "排序：匹配的维度数，其次匹配数，其次标准范围的具体程度，其次状态（已发布在前）。",
           "why": "各标准适用的原因", "why_p": "每条原因都是知识库中的一串事实，每个事实注明白皮书出处。",
           "planned_h": "规划中（尚无文本）", "excluded_h": "不适用（被范围条件排除）", "map": "标准地图",
           "map_p": "标准及其适用的 GB/T 29264 服务类别、规定的过程和角色；对象的类别以蓝边标出。点击连线可看出处。",
           "gap_title": "ITSS 差距分析：{name}", "profile": "组织画像", "required": "要求",
           "required_v": "{required} 项（已满足 {met}，差距 {gaps}）", "stage": "生命周期阶段", "gaps": "差距",
           "gaps_p": "适用标准（及阶段要求表）要求、而画像在 has 中未声明的各项，按要素分组，被要求最多的在前。",
           "met": "已满足", "unknown": "未识别的名称（已忽略）", "std_h": "适用的标准",
           "gap_map_p": "画像、适用的标准、提出要求者及各要求项：红色为缺少，绿色为已具备。", "cited": "白皮书：",
           "none": "（无）"},
}


def _sources(steps, lang: str) -> str:
    return "; ".join(dict.fromkeys(src.describe(lang) for step in steps for src in step.sources))


def _row(r: "StandardResult") -> list:
    return [r.rank if r.available else "", r.identifier or "", r.title, r.status.label if r.status else "",
            ", ".join(dict.fromkeys(x.facet for x in r.reasons)), r.node.id]


def _cited(groups, lang: str) -> list[str]:
    t = _T.get(lang, _T["en"])
    seen: dict[str, None] = {}
    for steps in groups:
        for step in steps:
            for src in step.sources:
                if not src.is_tbox:
                    seen.setdefault(src.describe(lang), None)
    return [t["cited"] + s for s in seen]


def standards_report(answer: "Answer", kb: "KnowledgeBase", *, provenance: list[str] | None = None) -> Report:
    """The report of an applicability answer: ranked table, reasons with their sources, planned
    and excluded standards, the standards map."""
    lang = answer.lang
    t = _T.get(lang, _T["en"])
    q = answer.query
    headers = ["#", "number", "title", "status", "facets matched", "id"]
    declared = ", ".join(f"{d.facet}: {kb.label(d.value, lang)}" for d in answer.declared) or t["none"]
    facts: list[tuple[str, object]] = [
        (t["subject"], f"{q.kind} {q.value}" + (f" ({q.label})" if q.label and q.label != q.value else "")),
        (t["declared"], declared),
        (t["applicable"], len(answer.applicable)), (t["planned"], len(answer.planned)),
        (t["excluded"], len(answer.excluded)),
    ]
    why = [ItemList(f"{'#' + str(r.rank) if r.available else '—'} {r.node.label}",
                    [(f"{reason.facet} ({reason.strength}): {reason.text}", _sources(reason.steps, lang))
                     for reason in r.reasons] + [(f"note: {n}", "") for n in r.notes])
           for r in [*answer.applicable, *answer.planned]]
    sections = [
        Section(t["ranked"], paragraphs=[t["ranked_p"]],
                tables=[Table(headers, [_row(r) for r in answer.applicable])]),
        Section(t["why"], paragraphs=[t["why_p"]], lists=why),
        Section(t["map"], paragraphs=[t["map_p"]], graph=True),
    ]
    if answer.planned:
        sections.insert(1, Section(t["planned_h"], tables=[Table(headers, [_row(r) for r in answer.planned])]))
    if answer.excluded:
        sections.insert(2, Section(t["excluded_h"], tables=[Table(
            ["id", "standard", "gate", "why"], [[e.node.id, e.node.label, e.facet, e.why] for e in answer.excluded])]))
    view = standards_view(kb, answer=answer, lang=lang)
    cited = _cited([reason.steps for r in [*answer.applicable, *answer.planned] for reason in r.reasons], lang)
    return Report(t["std_title"].format(kind=q.kind, subject=q.label or q.value), subtitle=view.subtitle,
                  summary=facts, sections=sections, graph=view, lang=lang, kind="standards",
                  provenance=list(provenance or []) + cited)


def gap_report(report: "GapReport", *, provenance: list[str] | None = None) -> Report:
    """The report of a gap analysis: the standards that apply, the gaps by element with who
    requires each item and where the white paper says so, what is met, the gap map."""
    lang = report.lang
    t = _T.get(lang, _T["en"])
    summary = report.as_dict()["summary"]
    facts: list[tuple[str, object]] = [
        (t["profile"], f"{report.profile.name} ({report.profile.path})"),
        (t["std_h"], ", ".join(f"{r.rank}. {r.identifier or r.node.id}" for r in report.standards.applicable)
         or t["none"]),
        (t["required"], t["required_v"].format(**summary)),
    ]
    if report.stages:
        facts.append((t["stage"], ", ".join(s.label for s in report.stages)))
    headers = ["element", "item", "required by", "source", "id"]

    def rows(items):
        out = []
        for g in items:
            by = ", ".join(g.standards) or ", ".join(dict.fromkeys(r.by.label for r in g.required_by))
            out.append([g.element.label, g.item.label, by,
                        "; ".join(dict.fromkeys(src.describe(lang) for r in g.required_by
                                                for s in r.steps[-1:] for src in s.sources)), g.item.id])
        return out

    sections = [
        Section(t["std_h"], tables=[Table(["#", "number", "title", "status", "facets matched", "id"],
                                          [_row(r) for r in report.standards.applicable])]),
        Section(t["gaps"], paragraphs=[t["gaps_p"]], tables=[Table(headers, rows(report.gaps))]),
        Section(t["met"], tables=[Table(headers + ["met by"],
                                        [row + [", ".join(g.met_by)] for row, g in zip(rows(report.met), report.met)])]),
        Section(t["map"], paragraphs=[t["gap_map_p"]], graph=True),
    ]
    if report.profile.unknown:
        sections.append(Section(t["unknown"], tables=[Table(
            ["line", "field", "name"], [[d.line, d.field, d.name] for d in report.profile.unknown])]))
    view = gap_view(report)
    cited = _cited([r.steps for g in [*report.gaps, *report.met] for r in g.required_by], lang)
    return Report(t["gap_title"].format(name=report.profile.name or report.profile.path), subtitle=view.subtitle,
                  summary=facts, sections=sections, graph=view, lang=lang, kind="gap",
                  provenance=list(provenance or []) + cited)
