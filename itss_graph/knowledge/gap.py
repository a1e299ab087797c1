"""What an organisation lacks against the standards that apply to it.

Requirements come from three places of the knowledge base:

1. what each applicable standard defines — ``itss:definesRole``, ``definesCapability``,
   ``definesProcess``, ``definesTechnology``, ``definesResource``, ``definesIndicator``;
2. the models a standard proposes (``itss:definesModel``): every component of the model
   (``itss:partOf``, transitively) that ``itss:requires`` an item — e.g. the clauses 6.2–9.9 of the
   GB/T 28827.1 capability model (图3-13), each with its clause number;
3. the stage tables of chapter 2 (表2-3 … 表2-7): the cells (``itss:StageRequirement``) whose
   ``itss:stage`` is the profile's lifecycle stage and whose ``itss:businessType`` is one of its
   business types.

A requirement is *met* when the profile declares (under ``has``) the item itself or a narrower one
(``skos:broader``) or a ``skos:closeMatch`` of it. Items are grouped by element — the item's
``itss:element``, else the element the defining property names (``itss:itemElement``, ontology/
itss.ttl), else the cell's or model component's element; indicators form their own group — and
the gaps are ordered by element (人员, 过程, 技术, 资源, then indicators), then by how many
applicable standards require the item (most first), then by name.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.profile import load_profile
    >>> kb = KnowledgeBase.load()
    >>> report = gap_for_profile(kb, load_profile("examples/profiles/scenario-2.yaml", kb), "zh")
    >>> "服务台" in [g.item.label for g in report.met]
    True
    >>> report.gaps[0].element.label
    '人员'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itss_graph.knowledge.applicability import Answer, Query, evaluate
from itss_graph.knowledge.kb import ITSS, SKOS
from itss_graph.knowledge.reasons import Node, Step, chain_sources, chain_text, kb_step

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.knowledge.profile import Profile

#: the defines-properties whose items an organisation can have
REQUIREMENT_PROPERTIES = tuple(ITSS + p for p in (
    "definesRole", "definesCapability", "definesProcess", "definesTechnology", "definesResource",
    "definesIndicator"))
INDICATOR = ITSS + "QualityIndicator"
INDICATOR_GROUP = "indicator"


@dataclass(frozen=True)
class Requirement:
    """Why an item is required: by a standard (directly or through a model clause) or by a
    stage-table cell; ``steps`` is the chain from the requirer to the item."""

    by: Node
    kind: str  # standard | model | stage-table
    steps: tuple[Step, ...]

    def as_dict(self, lang: str) -> dict:
        return {"by": self.by.as_dict(), "kind": self.kind, "text": chain_text(self.steps),
                "chain": [s.as_dict(lang) for s in self.steps], "sources": chain_sources(self.steps, lang)}


@dataclass
class GapItem:
    """A required item, its element, who requires it and whether the profile has it."""

    item: Node
    element: Node
    required_by: list[Requirement]
    standards: list[str]
    met_by: list[str] = field(default_factory=list)

    def as_dict(self, lang: str) -> dict:
        return {"item": self.item.as_dict(), "element": self.element.as_dict(),
                "standards": self.standards, "count": len(self.standards),
                "met_by": self.met_by,
                "required_by": [r.as_dict(lang) for r in self.required_by]}


@dataclass
class GapReport:
    """The answer of :func:`gap_for_profile` (JSON documented in the README)."""

    profile: "Profile"
    standards: Answer
    gaps: list[GapItem]
    met: list[GapItem]
    stages: list[Node]
    lang: str

    def as_dict(self) -> dict:
        return {
            "profile": self.profile.as_dict(),
            "lang": self.lang,
            "standards": [{"rank": r.rank, "id": r.node.id, "label": r.node.label,
                           "status": r.status.label if r.status else None}
                          for r in self.standards.applicable],
            "stages": [s.as_dict() for s in self.stages],
            "summary": {"required": len(self.gaps) + len(self.met), "met": len(self.met),
                        "gaps": len(self.gaps),
                        "by_element": _by_element(self.gaps)},
            "gaps": [g.as_dict(self.lang) for g in self.gaps],
            "met": [g.as_dict(self.lang) for g in self.met],
            "unknown": [d.as_dict() for d in self.profile.unknown],
        }


def _by_element(items: list[GapItem]) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in items:
        out[g.element.label] = out.get(g.element.label, 0) + 1
    return out


def _element_of(kb: "KnowledgeBase", item: str, *fallbacks: str | None) -> str | None:
    if kb.is_a(item, INDICATOR):
        return INDICATOR_GROUP
    value = kb.value(item, ITSS + "element")
    if isinstance(value, str):
        return value
    for fb in fallbacks:
        if fb:
            return fb
    return None


def _model_components(kb: "KnowledgeBase", model: str) -> list[str]:
    """Components of a model: everything itss:partOf it, transitively."""
    seen: list[str] = []
    todo = [model]
    while todo:
        node = todo.pop()
        for part in kb.subjects(ITSS + "partOf", node):
            if part not in seen:
                seen.append(part)
                todo.append(part)
    return seen


def requirements(kb: "KnowledgeBase", standards: list[str], stages: list[str], business_types: list[str],
                 lang: str = "en") -> dict[str, tuple[str | None, list[Requirement], list[str]]]:
    """``{item: (element, [Requirement], [standard, ...])}`` for the given standards, stages and
    business types (see the module docstring)."""
    out: dict[str, tuple[str | None, list[Requirement], list[str]]] = {}

    def add(item: str, element: str | None, req: Requirement, std: str | None) -> None:
        el, reqs, stds = out.setdefault(item, (element, [], []))
        if el is None and element is not None:
            out[item] = (element, reqs, stds)
        if all(r.steps != req.steps for r in reqs):
            reqs.append(req)
        if std and std not in stds:
            stds.append(std)

    for std in standards:
        std_node = Node.of(kb, std, lang)
        for prop in REQUIREMENT_PROPERTIES:
            fallback = kb.value(prop, ITSS + "itemElement")
            for item in kb.objects(std, prop):
                if isinstance(item, str):
                    step = kb_step(kb, std, prop, item, lang)
                    add(item, _element_of(kb, item, fallback if isinstance(fallback, str) else None),
                        Requirement(std_node, "standard", (step,)), std)
        for model in kb.objects(std, ITSS + "definesModel"):
            if not isinstance(model, str):
                continue
            for comp in _model_components(kb, model):
                for item in kb.objects(comp, ITSS + "requires"):
                    if not isinstance(item, str) or not kb.is_a(item, ITSS + "ElementItem") \
                            and not kb.is_a(item, INDICATOR):
                        continue
                    comp_el = kb.value(comp, ITSS + "element")
                    steps = (kb_step(kb, std, ITSS + "definesModel", model, lang),
                             kb_step(kb, model, ITSS + "partOf", comp, lang, inverse=True),
                             kb_step(kb, comp, ITSS + "requires", item, lang))
                    add(item, _element_of(kb, item, comp_el if isinstance(comp_el, str) else None),
                        Requirement(std_node, "model", steps), std)
    if stages and business_types:
        for cell in kb.instances(ITSS + "StageRequirement"):
            stage = kb.value(cell, ITSS + "stage")
            biz = kb.value(cell, ITSS + "businessType")
            if stage not in stages or biz not in business_types:
                continue
            cell_el = kb.value(cell, ITSS + "element")
            cell_node = Node.of(kb, cell, lang)
            for item in kb.objects(cell, ITSS + "requires"):
                if isinstance(item, str):
                    steps = (kb_step(kb, cell, ITSS + "stage", stage, lang, inverse=True),
                             kb_step(kb, cell, ITSS + "requires", item, lang))
                    add(item, _element_of(kb, item, cell_el if isinstance(cell_el, str) else None),
                        Requirement(cell_node, "stage-table", steps), None)
    return out


def _satisfiers(kb: "KnowledgeBase", declared: set[str]) -> dict[str, str]:
    """Each item the declared items satisfy (themselves, broader, closeMatch) -> a declared item."""
    out: dict[str, str] = {}
    for d in sorted(declared):
        for node in kb.ancestors(d, SKOS + "broader"):
            out.setdefault(node, d)
        for prop in (SKOS + "closeMatch", SKOS + "exactMatch"):
            for other in kb.objects(d, prop):
                if isinstance(other, str):
                    out.setdefault(other, d)
            for other in kb.subjects(prop, d):
                out.setdefault(other, d)
    return out


def gap_for_profile(kb: "KnowledgeBase", profile: "Profile", lang: str = "en",
                    answer: Answer | None = None) -> GapReport:
    """The gap report of a profile: requirements of its applicable standards (and stage-table
    cells) that it does not declare under ``has``."""
    answer = answer or evaluate(kb, profile.declared, Query("profile", profile.path, profile.name), lang)
    standards = [r.node.iri for r in answer.applicable if r.node.iri]
    stages = profile.values("stage")
    reqs = requirements(kb, standards, stages, profile.values("business_type"), lang)
    satisfied = _satisfiers(kb, profile.has_iris())
    element_order = {e: i for i, e in enumerate(
        sorted(kb.instances(ITSS + "Element"),
               key=lambda e: int(str(kb.value(e, ITSS + "order", 99))) if kb.value(e, ITSS + "order") else 99))}
    indicator_node = Node(INDICATOR_GROUP, kb.label(INDICATOR, lang), INDICATOR)
    unknown_node = Node("unknown", "?" if lang == "zh" else "other")
    gaps: list[GapItem] = []
    met: list[GapItem] = []
    for item, (element, req_list, stds) in reqs.items():
        if element == INDICATOR_GROUP:
            el_node = indicator_node
        elif element:
            el_node = Node.of(kb, element, lang)
        else:
            el_node = unknown_node
        entry = GapItem(Node.of(kb, item, lang), el_node, req_list, [kb.qname(s) for s in stds])
        if item in satisfied:
            entry.met_by = [kb.qname(satisfied[item])]
            met.append(entry)
        else:
            gaps.append(entry)

    def key(g: GapItem):
        el = g.element.iri
        rank = element_order.get(el, len(element_order) + (0 if el == INDICATOR else 1))
        return (rank, -len(g.standards), -len(g.required_by), g.item.label, g.item.id)

    gaps.sort(key=key)
    met.sort(key=key)
    return GapReport(profile, answer, gaps, met, [Node.of(kb, s, lang) for s in stages], lang)
