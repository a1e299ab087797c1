"""Reports on the ITSS knowledge side, in the client's language: which standards apply to a
subject and why, and what an organisation lacks against them (its gaps) — and what it should
require of its provider or verify.

Both are built from the knowledge engineer's answers — :func:`itss_graph.knowledge.applicability.evaluate`
(the answer behind ``itss standards``) and :func:`itss_graph.knowledge.gap.gap_for_profile` (behind
``itss gap``) — so a report says exactly what the commands say. Standards are named by number and
full title (identifiers of the knowledge base stay in the JSON answers), reasons are sentences
(:mod:`itss_graph.knowledge.wording`), each with the white-paper lines it rests on. The same
:class:`~itss_graph.render.report.Report` is written as HTML, Markdown, Word
(:mod:`itss_graph.render.word`) or a workbook (:func:`itss_graph.render.spreadsheet.report_tables`).

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.questions import applicability_answer
    >>> kb = KnowledgeBase.load()
    >>> doc = standards_report(applicability_answer(kb, code="040301", lang="zh"), kb)
    >>> doc.sections[0].tables[0].rows[0][:3]
    [1, 'GB/T 28827.1', '信息技术服务 运行维护 第1部分：通用要求']
    >>> doc.sections[0].tables[0].rows[0][4]
    '040301 基础软件运维服务 属于 04 运行维护服务；GB/T 28827.1 适用于 04'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.knowledge.display import title
from itss_graph.knowledge.wording import chain_cites, cite, t
from itss_graph.render.report import ItemList, Report, Section, Table
from itss_graph.render.standards_map import gap_view, standards_view

if TYPE_CHECKING:
    from itss_graph.knowledge.applicability import Answer, StandardResult
    from itss_graph.knowledge.gap import GapItem, GapReport
    from itss_graph.knowledge.kb import KnowledgeBase

_T = {
    "en": {"std_title": "ITSS standards that apply: {subject}", "subject": "Subject",
           "declared": "What the subject declares", "applicable": "Applicable standards", "planned": "Planned",
           "excluded": "Not applicable", "narrower": "For a part only",
           "ranked": "Applicable standards, best first",
           "ranked_p": "Ranked by how many facets match (category, service object, use, stage, business type, who), "
           "then how many values, then how specific the standard's scope is, then status (published first).",
           "why": "Why each standard applies, and where the white paper says so",
           "planned_h": "Planned standards (no text yet)",
           "narrower_h": "Standards for a part of what was declared",
           "narrower_p": "They apply to a narrower category than the one declared; declare that category to get them.",
           "excluded_h": "Standards that do not apply, and why",
           "map": "Map", "map_p": "The standards with the GB/T 29264 categories they apply to, the processes and "
           "roles they define; the subject's categories outlined in blue. Click an edge for its source.",
           "h_std": ["#", "Number", "Title", "Status", "Why it applies", "White paper"],
           "h_other": ["Number", "Title", "Status", "Why"],
           "gap_title": "ITSS gap analysis: {name}", "profile": "Profile", "parties": "Party",
           "own": "What you must have", "own_v": "{required} requirements: {met} met, {gaps} gaps",
           "stage": "Lifecycle stage", "std_h": "Standards that apply",
           "h_own": ["Element", "Requirement", "Status", "Required by", "Why", "White paper"],
           "h_rel": ["Element", "Requirement", "Standards", "Why", "What the white paper says", "You have it"],
           "gap": "gap", "met": "met", "own_p": "What the applicable standards (and the stage tables) place on "
           "you, by element, most-required first; a gap unless the profile declares it under `has`.",
           "provider_h": "What to require of your provider",
           "provider_p": "The white paper places these on the provider: not your gaps, but what to require of "
           "your provider (and check), each with the sentence that says so.",
           "customer_h": "What the customer must have",
           "customer_p": "The white paper places these on the customer (需方).",
           "verify_h": "What to verify as a third party",
           "verify_p": "The white paper places these on the provider or the customer: what to verify.",
           "gap_map_p": "The profile, the standards that apply, what requires each item, and the items: red "
           "when missing, green when met, light blue when placed on another party.",
           "unknown": "Names not recognised (ignored)", "h_unknown": ["Line", "Field", "Name"],
           "none": "(none)", "yes": "yes"},
    "zh": {"std_title": "适用的 ITSS 标准：{subject}", "subject": "对象", "declared": "对象声明的维度",
           "applicable": "适用的标准", "planned": "规划中", "excluded": "不适用", "narrower": "仅适用于其中一部分",
           "ranked": "适用的标准（按相关程度排序）",
           "ranked_p": "排序：匹配的维度数（服务类别、服务对象、用途、阶段、业务类型、适用对象），其次匹配值数，其次标准范围的具体程度，"
           "其次状态（已发布在前）。",
           "why": "各标准适用的原因及白皮书出处",
           "planned_h": "规划中的标准（尚无文本）", "narrower_h": "仅适用于所声明类别中一部分的标准",
           "narrower_p": "它们适用于比所声明类别更窄的类别；声明该类别即可得到。",
           "excluded_h": "不适用的标准及原因",
           "map": "标准地图",
           "map_p": "标准及其适用的 GB/T 29264 服务类别、规定的过程和角色；对象的类别以蓝边标出。点击连线可看出处。",
           "h_std": ["序号", "标准编号", "标准名称", "状态", "适用原因", "白皮书出处"],
           "h_other": ["标准编号", "标准名称", "状态", "原因"],
           "gap_title": "ITSS 差距分析：{name}", "profile": "组织画像", "parties": "相关方",
           "own": "您须具备", "own_v": "{required} 项：已具备 {met} 项，差距 {gaps} 项", "stage": "生命周期阶段",
           "std_h": "适用的标准",
           "h_own": ["要素", "要求项", "状态", "要求它的标准", "说明", "白皮书出处"],
           "h_rel": ["要素", "要求项", "标准", "说明", "白皮书原文", "您已自有"],
           "gap": "缺少", "met": "已具备",
           "own_p": "适用标准（及阶段核心要素表）置于您的要求，按要素分组，被要求最多的在前；画像 has 中未声明即为差距。",
           "provider_h": "向供方提出的要求",
           "provider_p": "白皮书将下列要求置于供方：它们不是您的差距，而是您应要求供方具备并核实的内容，每项附原文依据。",
           "customer_h": "需方须具备的内容", "customer_p": "白皮书将下列要求置于需方。",
           "verify_h": "作为第三方核查的内容", "verify_p": "白皮书将下列要求置于供方或需方：供您核查。",
           "gap_map_p": "画像、适用的标准、提出要求者及各要求项：红色为缺少，绿色为已具备，浅蓝为由他方承担。",
           "unknown": "未识别的名称（已忽略）", "h_unknown": ["行", "字段", "名称"], "none": "（无）", "yes": "是"},
}


def _t(lang: str) -> dict:
    return _T.get(lang, _T["en"])


def _number(r: "StandardResult") -> str:
    return r.identifier or "—"


def _sentences(r: "StandardResult") -> str:
    return "\n".join(dict.fromkeys(reason.sentence or reason.text for reason in r.reasons))


def _cites(r: "StandardResult", lang: str) -> str:
    return "\n".join(dict.fromkeys(c for reason in r.reasons for c in chain_cites(reason.steps, lang)))


def standard_rows(results: list["StandardResult"], lang: str) -> list[list]:
    """The rows of a table of standards: rank, number, full title, status, the reasons as sentences,
    the white-paper places they rest on."""
    return [[r.rank if r.available else "", _number(r), r.title, r.status.label if r.status else "",
             _sentences(r), _cites(r, lang)] for r in results]


def standards_report(answer: "Answer", kb: "KnowledgeBase", *, provenance: list[str] | None = None) -> Report:
    """The report of an applicability answer: the ranked standards with their reasons as sentences
    and sources, the planned ones, those for a part of what was declared, those that do not apply
    and why, and the standards map."""
    lang = answer.lang
    tt = _t(lang)
    q = answer.query
    subject = q.label or q.value
    sep = "、" if lang == "zh" else ", "
    by_facet: dict[str, list[str]] = {}
    for d in answer.declared:
        by_facet.setdefault(t(f"facet.{d.facet}", lang), []).append(kb.label(d.value, lang)
                                                                    if not kb.notation(d.value)
                                                                    else f"{kb.notation(d.value)} {kb.label(d.value, lang)}")
    facts: list[tuple[str, object]] = [(tt["subject"], f"{q.kind} {q.value}" + (f" ({q.label})" if q.label and q.label != q.value else ""))]
    facts += [(f"{tt['declared']}: {facet}", sep.join(dict.fromkeys(values))) for facet, values in by_facet.items()]
    facts += [(tt["applicable"], len(answer.applicable)), (tt["planned"], len(answer.planned)),
              (tt["narrower"], len(answer.narrower)), (tt["excluded"], len(answer.excluded))]
    why = [ItemList(f"{'#' + str(r.rank) if r.available else '—'} {r.node.label}",
                    [(reason.sentence or reason.text, "; ".join(chain_cites(reason.steps, lang)))
                     for reason in r.reasons] + [(n, "") for n in r.notes])
           for r in [*answer.applicable, *answer.planned]]
    sections = [Section(tt["ranked"], paragraphs=[tt["ranked_p"]],
                        tables=[Table(tt["h_std"], standard_rows(answer.applicable, lang))])]
    if answer.planned:
        sections.append(Section(tt["planned_h"], tables=[Table(tt["h_std"], standard_rows(answer.planned, lang))]))
    if answer.narrower:
        sections.append(Section(tt["narrower_h"], paragraphs=[tt["narrower_p"]],
                                tables=[Table(tt["h_std"], standard_rows(answer.narrower, lang))]))
    if answer.excluded:
        rows = []
        for e in answer.excluded:
            number = kb.value(e.node.iri, "dcterms:identifier") if e.node.iri else None
            rows.append([str(number) if number else "—", title(kb, e.node.iri, lang) if e.node.iri else e.node.label,
                         kb.label(kb.value(e.node.iri, "itss:status"), lang) if kb.value(e.node.iri, "itss:status")
                         else "", e.why])
        sections.append(Section(tt["excluded_h"], tables=[Table(tt["h_other"], rows)]))
    sections.append(Section(tt["why"], lists=why))
    sections.append(Section(tt["map"], paragraphs=[tt["map_p"]], graph=True))
    view = standards_view(kb, answer=answer, lang=lang)
    cited = list(dict.fromkeys(c for r in [*answer.applicable, *answer.planned] for reason in r.reasons
                               for c in chain_cites(reason.steps, lang)))
    return Report(tt["std_title"].format(subject=subject), subtitle=view.subtitle, summary=facts,
                  sections=sections, graph=view, lang=lang, kind="standards",
                  provenance=list(provenance or []) + cited)


def _quotes(g: "GapItem", lang: str) -> str:
    return "\n".join(dict.fromkeys(
        t("quote", lang, text=o.text, cite=cite(o.source, lang) if o.source else "") for o in g.obligations))


def _own_rows(items: list["GapItem"], status: str, lang: str) -> list[list]:
    return [[g.element.label, g.item.label, status, "\n".join(g.standard_names) or
             "\n".join(dict.fromkeys(r.by.label for r in g.required_by)),
             "\n".join(dict.fromkeys(r.sentence for r in g.required_by if r.sentence)),
             "\n".join(dict.fromkeys(c for r in g.required_by for c in chain_cites(r.steps[-1:], lang)))]
            for g in items]


def _relation_rows(items: list["GapItem"], lang: str) -> list[list]:
    tt = _t(lang)
    return [[g.element.label, g.item.label, "\n".join(g.standard_names) or
             "\n".join(dict.fromkeys(r.by.label for r in g.required_by)), g.why, _quotes(g, lang),
             tt["yes"] if g.met_by else ""] for g in items]


def gap_report(report: "GapReport", *, provenance: list[str] | None = None) -> Report:
    """The report of a gap analysis: the standards that apply; what the organisation must have
    (gaps, then what it has); what to require of its provider, what is the customer's, what to
    verify — each with the sentence of the white paper that places it; the gap map."""
    lang = report.lang
    tt = _t(lang)
    summary = report.summary()
    sep = "、" if lang == "zh" else ", "
    facts: list[tuple[str, object]] = [(tt["profile"], f"{report.profile.name} ({report.profile.path})")]
    if report.parties:
        facts.append((tt["parties"], sep.join(p.label for p in report.parties)))
    facts.append((tt["std_h"], sep.join(f"{r.identifier or r.title}" for r in report.standards.applicable)
                  or tt["none"]))
    facts.append((tt["own"], tt["own_v"].format(**summary)))
    for key, items in (("provider_h", report.provider), ("customer_h", report.customer), ("verify_h", report.verify)):
        if items:
            facts.append((tt[key], len(items)))
    if report.stages:
        facts.append((tt["stage"], sep.join(s.label for s in report.stages)))
    std_rows = [[r.rank, _number(r), r.title, r.status.label if r.status else "", _sentences(r), _cites(r, lang)]
                for r in report.standards.applicable]
    sections = [
        Section(tt["std_h"], tables=[Table(tt["h_std"], std_rows)]),
        Section(tt["own"], paragraphs=[tt["own_p"]],
                tables=[Table(tt["h_own"], _own_rows(report.gaps, tt["gap"], lang)
                              + _own_rows(report.met, tt["met"], lang))]),
    ]
    for key, items in (("provider", report.provider), ("customer", report.customer), ("verify", report.verify)):
        if items:
            sections.append(Section(tt[f"{key}_h"], paragraphs=[tt[f"{key}_p"]],
                                    tables=[Table(tt["h_rel"], _relation_rows(items, lang))]))
    sections.append(Section(tt["map"], paragraphs=[tt["gap_map_p"]], graph=True))
    if report.profile.unknown:
        sections.append(Section(tt["unknown"], tables=[Table(
            tt["h_unknown"], [[d.line, d.field, d.name] for d in report.profile.unknown])]))
    view = gap_view(report)
    everything = [*report.gaps, *report.met, *report.provider, *report.customer, *report.verify]
    cited = list(dict.fromkeys(c for g in everything for r in g.required_by for c in chain_cites(r.steps, lang)))
    return Report(tt["gap_title"].format(name=report.profile.name or report.profile.path), subtitle=view.subtitle,
                  summary=facts, sections=sections, graph=view, lang=lang, kind="gap",
                  provenance=list(provenance or []) + cited)
