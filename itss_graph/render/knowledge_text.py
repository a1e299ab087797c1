"""The text and CSV forms of the ITSS knowledge answers (``itss standards``, ``itss gap``), in the
answer's language: standards by number and full title, reasons as sentences with the white
paper's lines (the chains of facts with ``verbose``), gap items split by whom the text places them
on. The Word and workbook forms are :mod:`itss_graph.render.report_knowledge` reports.

Example:
    >>> import itss_graph as itss
    >>> answer = itss.applicability_answer(itss.KnowledgeBase.load(), code="040204", lang="zh")
    >>> print(standards_text(answer, brief=True).splitlines()[3])
    1     —             信息技术服务 运行维护 第5部分：桌面及外围设备规范  送审
    >>> standards_csv(answer)[0][:3]
    ['序号', '标准编号', '标准名称']
"""

from __future__ import annotations

STANDARDS_CSV_HEADERS = {
    "en": ["rank", "number", "title", "status", "available", "facet", "strength", "reason", "sources"],
    "zh": ["序号", "标准编号", "标准名称", "状态", "已有文本", "维度", "匹配", "适用原因", "白皮书出处"],
}
GAP_CSV_HEADERS = {
    "en": ["relation", "element", "item", "status", "standards", "why", "white_paper_says", "sources"],
    "zh": ["归属", "要素", "要求项", "状态", "标准", "说明", "白皮书原文", "白皮书出处"],
}
CHAIN_HEADER = {"en": "chain", "zh": "事实链"}
GAP_CHAIN_HEADER = {"en": "chains", "zh": "事实链"}


def standards_csv(answer, *, verbose: bool = False) -> tuple[list[str], list[list]]:
    """One row per reason of each applicable, planned or narrower standard, in the answer's language."""
    from itss_graph.knowledge.wording import chain_cites

    lang = answer.lang if answer.lang in STANDARDS_CSV_HEADERS else "en"
    headers = list(STANDARDS_CSV_HEADERS[lang]) + ([CHAIN_HEADER[lang]] if verbose else [])
    rows = []
    for group in (answer.applicable, answer.planned, answer.narrower):
        for r in group:
            for reason in r.reasons:
                row = [r.rank if r.available and group is not answer.narrower else "", r.identifier or "", r.title,
                       r.status.label if r.status else "", r.available, reason.facet, reason.strength,
                       reason.sentence, "; ".join(chain_cites(reason.steps, answer.lang))]
                rows.append(row + ([reason.text] if verbose else []))
    return headers, rows


def standards_text(answer, *, brief: bool = False, verbose: bool = False) -> str:
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
                                       r.title, r.status.label if r.status else "-"]
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
            out.append(f"  {e.node.label} — {e.why}")
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


def _sections(report, show_met: bool):
    """(relation key, status key, items) in the order the answer lists them."""
    out = [("own", "gap", report.gaps)]
    if show_met:
        out.append(("own", "met", report.met))
    out += [("provider", "", report.provider), ("customer", "", report.customer), ("verify", "", report.verify)]
    return out


def gap_csv(report, *, show_met: bool = False, verbose: bool = False) -> tuple[list[str], list[list]]:
    """One row per item: whose it is, element, item, status, the standards by number and title, why,
    the white paper's sentence and where it is written."""
    from itss_graph.knowledge.wording import chain_cites, cite, t

    lang = report.lang if report.lang in GAP_CSV_HEADERS else "en"
    headers = list(GAP_CSV_HEADERS[lang]) + ([GAP_CHAIN_HEADER[lang]] if verbose else [])
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


def gap_text(report, *, show_met: bool = False, verbose: bool = False) -> str:
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
