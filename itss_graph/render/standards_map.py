"""Knowledge maps: ITSS standards with the GB/T 29264 service categories they apply to, the
processes and roles they define, and their status — and, for a gap analysis, what the
applicable standards require of an organisation and what it lacks.

The standards map is read from the knowledge base (:class:`~itss_graph.knowledge.kb.KnowledgeBase`,
the compiled ITSS white paper — not the CMDB store): ``itss:Standard`` / ``itss:ListedStandard``
with ``itss:status``, ``dcterms:isPartOf`` (series), ``itss:appliesToCategory``,
``itss:definesProcess``, ``itss:definesRole`` and ``itss:targetAudience``, categories up their
``skos:broader`` chain, and roles that apply to a drawn category. Every edge is one triple of
the knowledge base and shows, on click, where the white paper states it. Which standards are
drawn is the caller's choice: all of them, or those an applicability answer
(:func:`itss_graph.knowledge.applicability.evaluate`) names, with the reasons in a side panel.

Layout: left to right — categories (broadest first), series, standards, processes, roles.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> v = standards_view(kb, standards=[kb.expand("kb:std-运维-1")])
    >>> sorted({n.kind for n in v.nodes})
    ['category', 'process', 'role', 'series', 'standard']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from itss_graph.i18n import N_, translation
from itss_graph.knowledge.wording import t
from itss_graph.render.graphview import GraphView, Panel, ViewEdge, ViewNode
from itss_graph.render.palette import (GAP_COLOUR, KIND_COLOURS, MET_COLOUR, STATUS_COLOURS, TARGET_COLOUR,
                                       status_colour)

OTHERS_COLOUR = "#9ecae1"  # an item the text places on another party: neither a gap nor met

if TYPE_CHECKING:
    from itss_graph.knowledge.applicability import Answer
    from itss_graph.knowledge.gap import GapReport
    from itss_graph.knowledge.kb import KnowledgeBase

ITSS = "https://w3id.org/itss-graph/ontology#"
P_CATEGORY = ITSS + "appliesToCategory"
P_PROCESS = ITSS + "definesProcess"
P_ROLE = ITSS + "definesRole"
P_AUDIENCE = ITSS + "targetAudience"
P_STATUS = ITSS + "status"
P_PART_OF = "http://purl.org/dc/terms/isPartOf"
P_HAS_PART = "http://purl.org/dc/terms/hasPart"
P_BROADER = "http://www.w3.org/2004/02/skos/core#broader"

_LEVEL = {"series": 3, "standard": 4, "process": 5, "role": 6}
_KIND_NAMES = {"series": N_("standard series"), "category": N_("GB/T 29264 service category"),
               "process": N_("process"), "role": N_("role"), "declared": N_("declared by the subject")}


class _Builder:
    """Nodes and edges of a knowledge map, each edge a knowledge-base triple."""

    def __init__(self, kb: "KnowledgeBase", lang: str):
        self.kb, self.lang = kb, lang
        self.nodes: dict[str, ViewNode] = {}
        self.edges: dict[tuple[str, str, str], ViewEdge] = {}

    def sources(self, s: str, p: str | None = None, o: str | None = None) -> str:
        return "; ".join(r.describe(self.lang) for r in self.kb.provenance(s, p, o)[:3])

    def node(self, iri: str, kind: str, level: int, color: str, *, extra: dict | None = None) -> ViewNode:
        kb = self.kb
        if iri in self.nodes:
            return self.nodes[iri]
        label = kb.label(iri, self.lang)
        code = kb.notation(iri)
        if kind == "category" and code:
            label = f"{code} {label}"
        elif kind in ("standard", "series"):
            number = kb.value(iri, "dcterms:identifier")
            if number is not None:
                label = f"{number}\n{label}"
        other = "zh" if self.lang == "en" else "en"
        details = {"id": kb.qname(iri), "kind": translation(self.lang).gettext(_KIND_NAMES[kind]) if kind in _KIND_NAMES else kind,
                   "label": kb.label(iri, self.lang), f"label ({other})": kb.label(iri, other),
                   **(extra or {}), "source": self.sources(iri)}
        node = ViewNode(kb.qname(iri), label, color=color, shape="box", size=18, level=level,
                        tooltip="\n".join(f"{k}: {v}" for k, v in details.items() if v),
                        details=details, search=f"{kb.qname(iri)} {kb.label(iri, 'zh')} {kb.label(iri, 'en')} {code or ''}",
                        kind=kind)
        self.nodes[iri] = node
        return node

    def edge(self, s: str, p: str, o: str, *, dashes: bool = False, color: str = "#888") -> None:
        kb = self.kb
        key = (s, p, o)
        if key in self.edges or s not in self.nodes or o not in self.nodes:
            return
        pred = kb.qname(p)
        self.edges[key] = ViewEdge(
            kb.qname(s), kb.qname(o), label=pred.split(":", 1)[-1], color=color, dashes=dashes,
            tooltip=f"{kb.label(s, self.lang)} --{pred}--> {kb.label(o, self.lang)}",
            details={"triple": f"{kb.qname(s)} {pred} {kb.qname(o)}", "source": self.sources(s, p, o)})

    def category(self, cat: str) -> None:
        """A category and its broader chain (broadest at level 0)."""
        chain = list(self.kb.ancestors(cat, P_BROADER))
        for node in chain:
            d = len(self.kb.ancestors(node, P_BROADER)) - 1
            self.node(node, "category", d, KIND_COLOURS["category"])
        for node in chain:
            for up in self.kb.objects(node, P_BROADER):
                if isinstance(up, str):
                    self.edge(node, P_BROADER, up, color="#6baed6")


def _status(kb: "KnowledgeBase", std: str) -> str | None:
    status = kb.value(std, P_STATUS)
    return kb.qname(status) if isinstance(status, str) else None


def _objects(kb: "KnowledgeBase", s: str, p: str) -> list[str]:
    return [o for o in kb.objects(s, p) if isinstance(o, str)]


def _series_of(kb: "KnowledgeBase", std: str) -> list[str]:
    parents = _objects(kb, std, P_PART_OF)
    return parents + [p for p in kb.subjects(P_HAS_PART, std) if p not in parents]


def _add_standard(b: _Builder, std: str, series_iris: set[str]) -> None:
    kb = b.kb
    status = _status(kb, std)
    kind = "series" if std in series_iris else "standard"
    extra = {"identifier": str(kb.value(std, "dcterms:identifier") or ""),
             "status": kb.label(status, b.lang) if status else ("—" if kind == "series" else "listed only")}
    colour = KIND_COLOURS["series"] if kind == "series" else status_colour(status)
    b.node(kb.expand(std), kind, _LEVEL[kind], colour, extra=extra)


def _draw_standards(b: _Builder, standards: Iterable[str]) -> None:
    kb = b.kb
    series_iris = set(kb.instances(ITSS + "StandardSeries"))
    holders: list[str] = []
    for std in standards:
        _add_standard(b, std, series_iris)
        holders.append(std)
        for parent in _series_of(kb, std):
            _add_standard(b, parent, series_iris | {parent})
            holders.append(parent)
            if kb.has(std, P_PART_OF, parent):
                b.edge(std, P_PART_OF, parent, color="#999")
            else:
                b.edge(parent, P_HAS_PART, std, color="#999")
    for holder in dict.fromkeys(holders):
        for cat in _objects(kb, holder, P_CATEGORY):
            b.category(cat)
            b.edge(holder, P_CATEGORY, cat, color="#2171b5")
        for proc in _objects(kb, holder, P_PROCESS):
            b.node(proc, "process", _LEVEL["process"], KIND_COLOURS["process"])
            b.edge(holder, P_PROCESS, proc, color="#e6550d")
        for prop, dashes in ((P_ROLE, False), (P_AUDIENCE, True)):
            for role in _objects(kb, holder, prop):
                if kb.is_a(role, ITSS + "Role"):
                    b.node(role, "role", _LEVEL["role"], KIND_COLOURS["role"])
                    b.edge(holder, prop, role, dashes=dashes, color="#756bb1")
    drawn_categories = [iri for iri, n in b.nodes.items() if n.kind == "category"]
    for cat in drawn_categories:
        for role in kb.subjects(P_CATEGORY, cat):
            if kb.is_a(role, ITSS + "Role"):
                b.node(role, "role", _LEVEL["role"], KIND_COLOURS["role"])
                b.edge(role, P_CATEGORY, cat, dashes=True, color="#756bb1")


def _legend(b: _Builder) -> list[tuple[str, str]]:
    kb, lang = b.kb, b.lang
    _ = translation(lang).gettext
    statuses = sorted({n.details.get("status", "") for n in b.nodes.values() if n.kind == "standard"})
    legend = []
    for status_iri in kb.instances(ITSS + "StandardStatus"):
        label = kb.label(status_iri, lang)
        if label in statuses:
            legend.append((_("standard: {status}").format(status=label),
                           STATUS_COLOURS.get(kb.qname(status_iri).split(":", 1)[-1], "#ccc")))
    if "listed only" in statuses:
        legend.append((_("standard: listed in a framework only"), "#ffffff"))
    kinds = {n.kind for n in b.nodes.values()}
    legend += [(_(_KIND_NAMES[k]), KIND_COLOURS[k]) for k in ("series", "category", "process", "role") if k in kinds]
    return legend


def standards_view(kb: "KnowledgeBase", *, standards: list[str] | None = None, answer: "Answer | None" = None,
                   lang: str = "en") -> GraphView:
    """The standards map: all standards, the given ones, or those an applicability ``answer``
    names (applicable and planned), with the subject's declared categories outlined and the
    reasons of each standard in a side panel."""
    from itss_graph.knowledge.applicability import candidates
    from itss_graph.knowledge.wording import chain_cites

    b = _Builder(kb, lang)
    _ = translation(lang).gettext
    if answer is not None:
        chosen = [r.node.iri for r in [*answer.applicable, *answer.planned] if r.node.iri]
    elif standards is not None:
        chosen = [kb.expand(s) for s in standards]
    else:
        chosen = candidates(kb)
    _draw_standards(b, chosen)
    panels: list[Panel] = []
    notes: list[str] = []
    title = _("ITSS standards map")
    subtitle = ""
    if answer is not None:
        declared = [d.value for d in answer.declared if d.facet == "category"]
        for cat in declared:
            b.category(cat)
            node = b.nodes[cat]
            node.border, node.kind = TARGET_COLOUR, "declared"
            node.details["declared"] = "yes"
        for r in answer.applicable:
            node = b.nodes.get(r.node.iri or "")
            if node is not None:
                node.label = f"#{r.rank} {node.label}"
                node.details["rank"] = r.rank
        q = answer.query
        title = _("{title}: {subject}").format(title=title, subject=f"{q.kind} {q.label or q.value}")
        subtitle = _("{applicable} applicable, {planned} planned, {excluded} excluded by a gate").format(
            applicable=len(answer.applicable), planned=len(answer.planned), excluded=len(answer.excluded))
        groups = []
        for r in [*answer.applicable, *answer.planned]:
            items = [(reason.sentence or reason.text, "; ".join(chain_cites(reason.steps, lang)))
                     for reason in r.reasons]
            groups.append((f"{'#' + str(r.rank) if r.available else '—'} {r.node.label}", items))
        panels.append(Panel(_("Why they apply"), groups=groups))
        if not chosen:
            notes.append(_("No standard applies."))
    else:
        subtitle = _("{n} standards").format(n=sum(1 for n in b.nodes.values() if n.kind == "standard"))
    counts = {k: sum(1 for n in b.nodes.values() if n.kind == k) for k in ("category", "process", "role")}
    subtitle += _("; {categories} categories, {processes} processes, {roles} roles").format(
        categories=counts["category"], processes=counts["process"], roles=counts["role"])
    notes.append(_("Left to right: GB/T 29264 service categories, series, standards, processes, roles. "
                   "Click an edge to see where the white paper states it."))
    legend = _legend(b)
    if answer is not None:
        legend.append((_("{kind} (blue outline)").format(kind=_(_KIND_NAMES["declared"])), TARGET_COLOUR))
    return GraphView(title, list(b.nodes.values()), list(b.edges.values()), subtitle=subtitle, legend=legend,
                     notes=notes, panels=panels, hierarchical=True, direction="LR", lang=lang,
                     kind="standards", level_separation=250, node_spacing=48,
                     represents=len(b.nodes), layout="computed",
                     row_keys={n.id: n.kind for n in b.nodes.values()},
                     serve=("/standards", _serve_question(answer.query) if answer is not None else {}))


def _serve_question(query) -> dict:
    """The parameters of ``itss serve``'s standards screen asking the same question (a profile
    by its file name: the server offers the profiles of its --profiles directory by name).

    >>> from itss_graph.knowledge.applicability import Query
    >>> _serve_question(Query("profile", "examples/profiles/scenario-1.yaml")), _serve_question(Query("ci-type", "vm"))
    ({'profile': 'scenario-1.yaml'}, {'ci_type': 'vm'})
    """
    from pathlib import PurePath

    if query.kind == "profile":
        return {"profile": PurePath(query.value).name}
    return {query.kind.replace("-", "_"): query.value}


def gap_view(report: "GapReport") -> GraphView:
    """A gap analysis as a map: the profile, the standards that apply to it, and every item they
    (or the stage tables) require — red when the profile lacks it, green when it has it, light
    blue when the text places it on another party (to require of the provider, or to verify)."""
    lang = report.lang
    _ = translation(lang).gettext
    nodes: dict[str, ViewNode] = {}
    edges: dict[tuple[str, str, str], ViewEdge] = {}
    profile_id = f"profile:{report.profile.path}"
    nodes[profile_id] = ViewNode(profile_id, report.profile.name or report.profile.path, color=TARGET_COLOUR,
                                 shape="star", size=30, level=0, font_color="#000",
                                 details={"profile": report.profile.name, "file": report.profile.path},
                                 search=report.profile.name or "", kind="profile")
    kb = report.standards.kb
    for r in report.standards.applicable:
        status = r.status.label if r.status else ""
        short = kb.label(r.node.iri, lang) if kb is not None and r.node.iri else _short(r.title)
        nodes[r.node.id] = ViewNode(
            r.node.id, f"#{r.rank} {r.identifier or ''}\n{short}".replace(" \n", "\n"),
            color=status_colour(r.status.id if r.status else None), shape="box", level=1,
            details={"id": r.node.id, "title": r.title, "rank": r.rank, "status": status},
            tooltip=f"{r.node.label}\n{status}", search=f"{r.node.id} {r.node.label}", kind="standard")
        edges[(profile_id, "applies", r.node.id)] = ViewEdge(profile_id, r.node.id, label=_("applies"),
                                                            color="#2171b5")
    elements: list[str] = []
    groups = (("gap", report.gaps), ("met", report.met), ("others", [*report.provider, *report.customer,
                                                                      *report.verify]))
    for status, items in groups:
        for g in items:
            if g.element.label not in elements:
                elements.append(g.element.label)
    status_text = {"gap": _("missing"), "met": _("met")}
    colours = {"gap": GAP_COLOUR, "met": MET_COLOUR, "others": OTHERS_COLOUR}
    for status, items in groups:
        for g in items:
            level = 3 + elements.index(g.element.label)
            sources = "; ".join(dict.fromkeys(src.describe(lang) for req in g.required_by
                                              for step in req.steps for src in step.sources))
            shown = status_text.get(status) or t(f"rel.{g.relation}", lang)
            nodes[g.item.id] = ViewNode(
                g.item.id, g.item.label, color=colours[status], shape="box",
                level=level, kind=status,
                details={"id": g.item.id, "element": g.element.label, "status": shown, "why": g.why,
                         "required by": ", ".join(g.standard_names) or ", ".join(r.by.label for r in g.required_by),
                         "met by": ", ".join(g.met_by), "source": sources},
                tooltip=f"{g.item.label}\n{g.element.label}\n{shown}", search=f"{g.item.id} {g.item.label}")
            for req in g.required_by:
                if req.by.id not in nodes:
                    nodes[req.by.id] = ViewNode(req.by.id, _short(req.by.label), color=KIND_COLOURS["series"],
                                                shape="box", level=2, kind="requirer",
                                                details={"id": req.by.id, "label": req.by.label, "kind": req.kind},
                                                search=f"{req.by.id} {req.by.label}")
                predicate = req.steps[-1].predicate if req.steps else ""
                key = (req.by.id, predicate, g.item.id)
                if key not in edges:
                    edges[key] = ViewEdge(req.by.id, g.item.id, label=predicate.split(":", 1)[-1],
                                          color={"met": "#bbbbbb", "gap": "#e6550d"}.get(status, "#6baed6"),
                                          tooltip=" ".join(s.text() for s in req.steps),
                                          details={"chain": " ".join([req.steps[0].source.label,
                                                                      *(s.text() for s in req.steps)]) if req.steps else "",
                                                   "source": "; ".join(dict.fromkeys(
                                                       src.describe(lang) for s in req.steps for src in s.sources))})
    summary = report.summary()
    subtitle = translation(lang).ngettext(
        "{n} requirement of your own: {met} met, {gaps} gaps", "{n} requirements of your own: {met} met, {gaps} gaps",
        summary["required"]).format(n=summary["required"], met=summary["met"], gaps=summary["gaps"])
    others = len(report.provider) + len(report.customer) + len(report.verify)
    if others:
        subtitle += _("; {n} placed on another party").format(n=others)
    return GraphView(
        _("Gap analysis: {profile}").format(profile=report.profile.name or report.profile.path),
        list(nodes.values()), list(edges.values()), subtitle=subtitle,
        legend=[(_("the profile"), TARGET_COLOUR), (_("missing (gap)"), GAP_COLOUR), (_("met"), MET_COLOUR),
                (_("placed on another party (require or verify)"), OTHERS_COLOUR)]
        + [(_("standard: {status}").format(status=label), STATUS_COLOURS.get(key, "#ccc"))
           for key, label in _statuses(report)],
        notes=[_("Left to right: the profile, the standards that apply, what requires each item, the items by "
                 "element: ") + _(", ").join(elements)],
        hierarchical=True, direction="LR", lang=lang, kind="gap", level_separation=240, node_spacing=48,
        represents=len(nodes), layout="computed", row_keys={n.id: n.kind for n in nodes.values()},
        serve=("/standards", _serve_question(report.standards.query)))


def _statuses(report: "GapReport") -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for r in report.standards.applicable:
        if r.status:
            seen.setdefault(r.status.id.split(":", 1)[-1], r.status.label)
    return list(seen.items())


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
