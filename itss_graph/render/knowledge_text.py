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

from itss_graph.i18n import C_, translation

# column names of the CSV forms: English codes, translated for a Chinese answer (context "csv":
# the same English words elsewhere are other messages)
STANDARDS_CSV_HEADERS = [C_("csv", "rank"), C_("csv", "number"), C_("csv", "title"), C_("csv", "status"),
                         C_("csv", "available"), C_("csv", "facet"), C_("csv", "strength"), C_("csv", "reason"),
                         C_("csv", "sources")]
GAP_CSV_HEADERS = [C_("csv", "relation"), C_("csv", "element"), C_("csv", "item"), C_("csv", "status"),
                   C_("csv", "standards"), C_("csv", "why"), C_("csv", "white_paper_says"), C_("csv", "sources")]
CHAIN_HEADER = C_("csv", "chain")
GAP_CHAIN_HEADER = C_("csv", "chains")


#: how closely a declared value matches a standard's (the JSON keeps the code)
STRENGTHS = {"exact": C_("match", "exact"), "inherited": C_("match", "inherited"), "related": C_("match", "related"),
             "narrower": C_("match", "narrower")}


def _facet(facet: str, lang: str) -> str:
    from itss_graph.knowledge.wording import MESSAGES, t

    return t(f"facet.{facet}", lang) if f"facet.{facet}" in MESSAGES else facet


def _strength(strength: str, lang: str) -> str:
    return translation(lang).pgettext("match", STRENGTHS[strength]) if strength in STRENGTHS else strength


def _csv_headers(headers: list[str], lang: str) -> list[str]:
    catalogue = translation(lang)
    return [catalogue.pgettext("csv", h) for h in headers]


def standards_csv(answer, *, verbose: bool = False) -> tuple[list[str], list[list]]:
    """One row per reason of each applicable, planned or narrower standard, in the answer's language."""
    from itss_graph.knowledge.wording import chain_cites

    headers = _csv_headers(STANDARDS_CSV_HEADERS + ([CHAIN_HEADER] if verbose else []), answer.lang)
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

    _ = translation(answer.lang).gettext
    out: list[str] = []
    q = answer.query
    # the kind is the option's name (ci, ci-type, code, profile): what was asked, as typed
    out.append(_("Standards that apply to {what}").format(what=f"{q.kind} {q.value}")
               + (f" ({q.label})" if q.label and q.label != q.value else ""))
    if not answer.declared:
        out.append("  " + _("(nothing in the knowledge base describes it: no category, service object or activity)"))
    services = answer.extra.get("services")
    if services:
        out.append(_("Services it supports: {services}").format(
            services=_(", ").join(f"{s['id']} ({s['category'] or '-'})" for s in services)))
    pgettext = translation(answer.lang).pgettext
    headers = [pgettext("standards", "#"), pgettext("standards", "number"), pgettext("standards", "title"),
               pgettext("standards", "status")]

    def table(results, ranked: bool = True):
        return render_table(headers, [[r.rank if ranked and r.available else "-", r.identifier or "—",
                                       r.title, r.status.label if r.status else "-"]
                                      for r in results])

    out.append(table(answer.applicable) if answer.applicable else _("(no applicable standard)"))
    if answer.planned:
        out += ["", _("Planned (no text yet: not started, or only named in a framework):"), table(answer.planned)]
    if answer.narrower:
        out += ["", _("For a part of what was declared only:"), table(answer.narrower, ranked=False)]
    if answer.excluded:
        out += ["", _("Not applicable:")]
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
                out.append("     ↳ " + _("; ").join(cites))
            if verbose:
                out.append(f"     {_facet(reason.facet, answer.lang)} ({_strength(reason.strength, answer.lang)}): "
                           f"{reason.text}")
                for src in chain_sources(reason.steps, answer.lang):
                    out.append(f"        ↳ {src}")
        for note in r.notes:
            out.append("   " + _("note: {note}").format(note=note))
        if r.comes_with:
            out.append("   " + _("comes with:"))
            for key, nodes in r.comes_with.items():
                name = answer.kb.label("itss:" + key, answer.lang) if answer.kb is not None else key
                out.append("     " + _("{name}: {items}").format(name=name, items=_(", ").join(n.label for n in nodes)))
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

    _ = translation(report.lang).gettext
    headers = _csv_headers(GAP_CSV_HEADERS + ([GAP_CHAIN_HEADER] if verbose else []), report.lang)
    status_text = {"gap": _("gap"), "met": _("met")}
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
    _ = translation(lang).gettext
    out = [_("Gaps of {profile}").format(profile=f"{report.profile.name} ({report.profile.path})")]
    if report.parties:
        out.append(_("Party: {parties}").format(parties=_(", ").join(p.label for p in report.parties)))
    out.append(_("Standards that apply:"))
    for r in report.standards.applicable:
        out.append(f"  {r.rank}. {r.node.label}")
    if not report.standards.applicable:
        out.append("  -")
    if report.stages:
        out.append(_("Lifecycle stage: {stages}").format(stages=_(", ").join(s.label for s in report.stages)))

    def by(g) -> str:
        return _(", ").join(g.standard_short) or _(", ").join(dict.fromkeys(r.by.label for r in g.required_by))

    def sources(g) -> str:
        return _("; ").join(dict.fromkeys(c for r in g.required_by for c in chain_cites(r.steps[-1:], lang)))

    own_headers = [_("element"), _("requirement"), _("required by"), _("where the white paper says so")]
    out.append("")
    out.append(_("{title}:").format(title=t("rel.own", lang)))
    if report.gaps:
        out.append(_("missing:"))
        out.append(render_table(own_headers, [[g.element.label, g.item.label, by(g), sources(g)] for g in report.gaps]))
    else:
        out.append(_("(no gap)"))
    if show_met and report.met:
        out.append(_("met:"))
        out.append(render_table(own_headers, [[g.element.label, g.item.label, by(g), sources(g)] for g in report.met]))
    rel_headers = [_("element"), _("requirement"), _("standards"), _("you have it")]
    for rel, items in (("provider", report.provider), ("customer", report.customer), ("verify", report.verify)):
        if not items:
            continue
        out.append("")
        out.append(_("{title}:").format(title=t(f"rel.{rel}", lang)))
        out.append(render_table(rel_headers, [[g.element.label, g.item.label, by(g), "✓" if g.met_by else ""]
                                              for g in items]))
        out.append(_("Because:"))
        for o in dict.fromkeys(o for g in items for o in g.obligations):
            std = o.standard.label if o.standard else _("the stage tables")
            out.append("  " + _("{name}: {items}").format(
                name=std, items=t("quote", lang, text=o.text, cite=cite(o.source, lang) if o.source else "")))
    if verbose:
        out.append("")
        out.append(_("Chains:"))
        for g in [*report.gaps, *(report.met if show_met else []), *report.provider, *report.customer, *report.verify]:
            for r in g.required_by:
                if r.steps:
                    out.append(f"  {g.item.label}: {r.steps[0].source.label} " + " ".join(s.text() for s in r.steps))
    summary = report.summary()
    out.append("")
    ngettext = translation(lang).ngettext
    line = ngettext("{n} requirement of your own, {met} met, {gaps} gaps",
                    "{n} requirements of your own, {met} met, {gaps} gaps", summary["required"]).format(
        n=summary["required"], met=summary["met"], gaps=summary["gaps"])
    if summary["by_element"]:
        line += " (" + _(", ").join(f"{k} {v}" for k, v in summary["by_element"].items()) + ")"
    others = [(t(f"rel.{k}", lang), n) for k, n in (("provider", summary["require_of_provider"]),
                                                    ("customer", summary["customer"]), ("verify", summary["verify"]))
              if n]
    if others:
        line += _("; ") + _(", ").join(f"{name} {n}" for name, n in others)
    out.append(line)
    if report.profile.unknown:
        out.append(_("Not recognised: {names}").format(
            names=_(", ").join(f"{d.field}: {d.name}" for d in report.profile.unknown)))
    return "\n".join(out)
