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

from itss_graph.render.graphview import GraphView, Panel, ViewEdge, ViewNode
from itss_graph.knowledge.wording import t
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
_KIND_NAMES = {
    "en": {"series": "standard series", "category": "GB/T 29264 service category", "process": "process",
           "role": "role", "declared": "declared by the subject"},
    "zh": {"series": "标准系列", "category": "GB/T 29264 服务类别", "process": "过程", "role": "角色",
           "declared": "被查询对象声明的"},
}


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
        details = {"id": kb.qname(iri), "kind": _KIND_NAMES[self.lang].get(kind, kind),
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
    statuses = sorted({n.details.get("status", "") for n in b.nodes.values() if n.kind == "standard"})
    legend = []
    for status_iri in kb.instances(ITSS + "StandardStatus"):
        label = kb.label(status_iri, lang)
        if label in statuses:
            legend.append(((f"标准：{label}" if lang == "zh" else f"standard: {label}"),
                           STATUS_COLOURS.get(kb.qname(status_iri).split(":", 1)[-1], "#ccc")))
    if "listed only" in statuses:
        legend.append(("标准：仅列入框架" if lang == "zh" else "standard: listed in a framework only", "#ffffff"))
    kinds = {n.kind for n in b.nodes.values()}
    names = _KIND_NAMES[lang]
    legend += [(names[k], KIND_COLOURS[k]) for k in ("series", "category", "process", "role") if k in kinds]
    return legend


def standards_view(kb: "KnowledgeBase", *, standards: list[str] | None = None, answer: "Answer | None" = None,
                   lang: str = "en") -> GraphView:
    """The standards map: all standards, the given ones, or those an applicability ``answer``
    names (applicable and planned), with the subject's declared categories outlined and the
    reasons of each standard in a side panel."""
    from itss_graph.knowledge.applicability import candidates
    from itss_graph.knowledge.wording import chain_cites

    b = _Builder(kb, lang)
    zh = lang == "zh"
    if answer is not None:
        chosen = [r.node.iri for r in [*answer.applicable, *answer.planned] if r.node.iri]
    elif standards is not None:
        chosen = [kb.expand(s) for s in standards]
    else:
        chosen = candidates(kb)
    _draw_standards(b, chosen)
    panels: list[Panel] = []
    notes: list[str] = []
    title = "ITSS 标准地图" if zh else "ITSS standards map"
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
        title += f"：{q.kind} {q.label or q.value}" if zh else f": {q.kind} {q.label or q.value}"
        subtitle = (f"适用 {len(answer.applicable)} 项，规划中 {len(answer.planned)} 项，排除 {len(answer.excluded)} 项"
                    if zh else f"{len(answer.applicable)} applicable, {len(answer.planned)} planned, "
                    f"{len(answer.excluded)} excluded by a gate")
        groups = []
        for r in [*answer.applicable, *answer.planned]:
            items = [(reason.sentence or reason.text, "; ".join(chain_cites(reason.steps, lang)))
                     for reason in r.reasons]
            groups.append((f"{'#' + str(r.rank) if r.available else '—'} {r.node.label}", items))
        panels.append(Panel("为何适用" if zh else "Why they apply", groups=groups))
        if not chosen:
            notes.append("没有适用的标准。" if zh else "No standard applies.")
    else:
        subtitle = (f"{sum(1 for n in b.nodes.values() if n.kind == 'standard')} 项标准" if zh else
                    f"{sum(1 for n in b.nodes.values() if n.kind == 'standard')} standards")
    counts = {k: sum(1 for n in b.nodes.values() if n.kind == k) for k in ("category", "process", "role")}
    subtitle += (f"；类别 {counts['category']}，过程 {counts['process']}，角色 {counts['role']}" if zh else
                 f"; {counts['category']} categories, {counts['process']} processes, {counts['role']} roles")
    notes.append("从左到右：服务类别（GB/T 29264）、标准系列、标准、过程、角色。点击连线可看白皮书出处。" if zh else
                 "Left to right: GB/T 29264 service categories, series, standards, processes, roles. "
                 "Click an edge to see where the white paper states it.")
    legend = _legend(b)
    if answer is not None:
        legend.append((_KIND_NAMES[lang]["declared"] + ("（蓝边）" if zh else " (blue outline)"), TARGET_COLOUR))
    return GraphView(title, list(b.nodes.values()), list(b.edges.values()), subtitle=subtitle, legend=legend,
                     notes=notes, panels=panels, hierarchical=True, direction="LR", lang=lang,
                     kind="standards", level_separation=250, node_spacing=48,
                     represents=len(b.nodes), layout="computed",
                     row_keys={n.id: n.kind for n in b.nodes.values()})


def gap_view(report: "GapReport") -> GraphView:
    """A gap analysis as a map: the profile, the standards that apply to it, and every item they
    (or the stage tables) require — red when the profile lacks it, green when it has it, light
    blue when the text places it on another party (to require of the provider, or to verify)."""
    lang = report.lang
    zh = lang == "zh"
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
        edges[(profile_id, "applies", r.node.id)] = ViewEdge(profile_id, r.node.id, label="applies" if not zh else "适用",
                                                            color="#2171b5")
    elements: list[str] = []
    groups = (("gap", report.gaps), ("met", report.met), ("others", [*report.provider, *report.customer,
                                                                      *report.verify]))
    for status, items in groups:
        for g in items:
            if g.element.label not in elements:
                elements.append(g.element.label)
    status_text = {"gap": "缺少" if zh else "missing", "met": "已具备" if zh else "met"}
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
    subtitle = (f"须具备 {summary['required']} 项：已满足 {summary['met']}，差距 {summary['gaps']}" if zh else
                f"{summary['required']} requirements of your own: {summary['met']} met, {summary['gaps']} gaps")
    others = len(report.provider) + len(report.customer) + len(report.verify)
    if others:
        subtitle += (f"；另有 {others} 项由他方承担" if zh else f"; {others} placed on another party")
    return GraphView(
        ("差距分析：" if zh else "Gap analysis: ") + (report.profile.name or report.profile.path),
        list(nodes.values()), list(edges.values()), subtitle=subtitle,
        legend=[("组织画像" if zh else "the profile", TARGET_COLOUR), ("缺少" if zh else "missing (gap)", GAP_COLOUR),
                ("已具备" if zh else "met", MET_COLOUR),
                ("由他方承担（向供方要求或核查）" if zh else "placed on another party (require or verify)",
                 OTHERS_COLOUR)]
        + [((f"标准：{label}" if zh else f"standard: {label}"), STATUS_COLOURS.get(key, "#ccc"))
           for key, label in _statuses(report)],
        notes=[("从左到右：画像、适用标准、要求来源、按要素分列的要求项。" if zh else
                "Left to right: the profile, the standards that apply, what requires each item, the items by element: ")
               + ", ".join(elements)],
        hierarchical=True, direction="LR", lang=lang, kind="gap", level_separation=240, node_spacing=48,
        represents=len(nodes), layout="computed", row_keys={n.id: n.kind for n in nodes.values()})


def _statuses(report: "GapReport") -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for r in report.standards.applicable:
        if r.status:
            seen.setdefault(r.status.id.split(":", 1)[-1], r.status.label)
    return list(seen.items())


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
