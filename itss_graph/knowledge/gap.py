"""What an organisation lacks against the standards that apply to it — and, for what the text
places on someone else, what to require of its provider or verify.

Requirements come from three places of the knowledge base:

1. what each applicable standard defines — ``itss:definesRole``, ``definesCapability``,
   ``definesProcess``, ``definesTechnology``, ``definesResource``, ``definesIndicator``;
2. the models a standard proposes (``itss:definesModel``): every component of the model
   (``itss:partOf``, transitively) that ``itss:requires`` an item — e.g. the clauses 6.2–9.9 of the
   GB/T 28827.1 capability model (图3-13), each with its clause number;
3. the stage tables of chapter 2 (表2-3 … 表2-7): the cells (``itss:StageRequirement``) whose
   ``itss:stage`` is the profile's lifecycle stage and whose ``itss:businessType`` is one of its
   business types.

**Whose requirement.** The text says on whom each standard's requirements fall
(``itss:Obligation``: GB/T 28827.1 是针对供方运行维护服务能力的基础要求; the stage tables: 供需双方).
Against the profile's parties (``party``, and the parties its organisation types act as), an item
is one of:

* ``own`` — placed on one of the profile's parties, or on no party the text names: what the
  organisation must have; *met* when the profile declares it under ``has`` (the item itself, a
  narrower one by ``skos:broader``, or a ``skos:closeMatch``), else a *gap*;
* ``provider`` — the profile is the customer (需方) and the text places the item on the provider:
  what to require of the provider (and check), not a gap of the customer's own;
* ``customer`` — the profile is the provider and the text places the item on the customer;
* ``verify`` — for a third party or an authority: the provider's (or customer's) requirement, to
  verify.

A profile that names no party gets every item as its own. Items of the other relations are
marked ``met_by`` too when the profile declares them (it has them in-house), but are never gaps.
Each item carries the sentences that
place it (with their lines). Items are grouped by element — the item's ``itss:element``, else the
element the defining property names (``itss:itemElement``, ontology/itss.ttl), else the cell's or
model component's element; indicators form their own group — and ordered by element (人员, 过程,
技术, 资源, then indicators), then by how many applicable standards require the item (most first),
then by name.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.knowledge.profile import load_profile
    >>> kb = KnowledgeBase.load()
    >>> report = gap_for_profile(kb, load_profile("examples/profiles/scenario-2.yaml", kb), "zh")
    >>> "服务台" in [g.item.label for g in report.met]
    True
    >>> report.gaps[0].element.label, report.provider
    ('人员', [])
    >>> buyer = gap_for_profile(kb, load_profile("examples/profiles/case-4.yaml", kb), "zh")
    >>> item = next(g for g in buyer.provider if g.item.label == "事件管理")
    >>> print(item.why)
    GB/T 28827.1 将此要求置于供方；作为需方，您应要求供方具备并核实
    >>> item.obligations[0].text, item.obligations[0].source.line
    ('是针对供方运行维护服务能力的基础要求', 3443)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itss_graph.knowledge.applicability import Answer, Query, evaluate
from itss_graph.knowledge.kb import ITSS, KB, SKOS, SourceRef
from itss_graph.knowledge.reasons import Node, Step, chain_sources, chain_text, kb_step
from itss_graph.knowledge.wording import short_name, t

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.knowledge.profile import Profile

#: the defines-properties whose items an organisation can have
REQUIREMENT_PROPERTIES = tuple(ITSS + p for p in (
    "definesRole", "definesCapability", "definesProcess", "definesTechnology", "definesResource",
    "definesIndicator"))
INDICATOR = ITSS + "QualityIndicator"
INDICATOR_GROUP = "indicator"


RELATIONS = ("own", "provider", "customer", "verify")
DEMAND = KB + "party-需方"
SUPPLY = KB + "party-供方"


@dataclass(frozen=True)
class Obliged:
    """On whom the text places a requirement: the party, the standard (None for a stage table), the
    sentence that says so and where it is written (``source.line``)."""

    party: Node
    standard: Node | None
    text: str
    source: SourceRef | None

    def as_dict(self, lang: str) -> dict:
        return {"party": self.party.as_dict(), "standard": self.standard.as_dict() if self.standard else None,
                "text": self.text, "source": self.source.as_dict(lang) if self.source else None}


@dataclass(frozen=True)
class Requirement:
    """Why an item is required: by a standard (directly or through a model clause) or by a
    stage-table cell; ``steps`` is the chain from the requirer to the item, ``obliged`` on whom
    the text places it."""

    by: Node
    kind: str  # standard | model | stage-table
    steps: tuple[Step, ...]
    obliged: tuple[Obliged, ...] = ()
    sentence: str = ""

    def as_dict(self, lang: str) -> dict:
        return {"by": self.by.as_dict(), "kind": self.kind, "sentence": self.sentence,
                "text": chain_text(self.steps), "chain": [s.as_dict(lang) for s in self.steps],
                "sources": chain_sources(self.steps, lang),
                "obliged": [o.as_dict(lang) for o in self.obliged]}


@dataclass
class GapItem:
    """A required item, its element, who requires it, on whom it falls for this profile
    (``relation``, see the module docstring) and whether the profile has it."""

    item: Node
    element: Node
    required_by: list[Requirement]
    standards: list[str]
    met_by: list[str] = field(default_factory=list)
    relation: str = "own"
    why: str = ""
    standard_names: list[str] = field(default_factory=list)
    standard_short: list[str] = field(default_factory=list)

    @property
    def obligations(self) -> list[Obliged]:
        """The sentences that place the item, once each."""
        seen: dict[tuple, Obliged] = {}
        for r in self.required_by:
            for o in r.obliged:
                seen.setdefault((o.party.iri, o.standard.iri if o.standard else None, o.text), o)
        return list(seen.values())

    def as_dict(self, lang: str) -> dict:
        return {"item": self.item.as_dict(), "element": self.element.as_dict(),
                "relation": self.relation, "why": self.why,
                "standards": self.standards, "standard_names": self.standard_names,
                "standard_short": self.standard_short,
                "count": len(self.standards), "met_by": self.met_by,
                "obligations": [o.as_dict(lang) for o in self.obligations],
                "required_by": [r.as_dict(lang) for r in self.required_by]}


@dataclass
class GapReport:
    """The answer of :func:`gap_for_profile` (JSON documented in the README): the profile's own
    ``gaps`` and ``met`` items, and the items to require of its ``provider``, its ``customer``'s,
    and those to ``verify``."""

    profile: "Profile"
    standards: Answer
    gaps: list[GapItem]
    met: list[GapItem]
    stages: list[Node]
    lang: str
    provider: list[GapItem] = field(default_factory=list)
    customer: list[GapItem] = field(default_factory=list)
    verify: list[GapItem] = field(default_factory=list)
    parties: list[Node] = field(default_factory=list)

    def summary(self) -> dict:
        return {"required": len(self.gaps) + len(self.met), "met": len(self.met), "gaps": len(self.gaps),
                "by_element": _by_element(self.gaps), "require_of_provider": len(self.provider),
                "customer": len(self.customer), "verify": len(self.verify)}

    def as_dict(self) -> dict:
        return {
            "profile": self.profile.as_dict(),
            "lang": self.lang,
            "parties": [p.as_dict() for p in self.parties],
            "standards": [{"rank": r.rank, "id": r.node.id, "identifier": r.identifier, "title": r.title,
                           "label": r.node.label, "status": r.status.label if r.status else None}
                          for r in self.standards.applicable],
            "stages": [s.as_dict() for s in self.stages],
            "summary": self.summary(),
            "gaps": [g.as_dict(self.lang) for g in self.gaps],
            "met": [g.as_dict(self.lang) for g in self.met],
            "require_of_provider": [g.as_dict(self.lang) for g in self.provider],
            "customer": [g.as_dict(self.lang) for g in self.customer],
            "verify": [g.as_dict(self.lang) for g in self.verify],
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


def obligations(kb: "KnowledgeBase", lang: str = "en") -> dict[object, tuple[Obliged, ...]]:
    """On whom the text places requirements, from the ``itss:Obligation`` facts:
    ``{standard IRI: (Obliged, ...)}`` and, for a kind of requirement (the stage-table cells),
    ``{(class IRI, stage IRI or None): (Obliged, ...)}``.

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> placed = obligations(kb, "zh")
    >>> [o.party.label for o in placed[kb.expand("kb:std-运维-2")]]
    ['供方', '需方']
    >>> [o.party.label for o in placed[(kb.expand("itss:StageRequirement"), kb.expand("kb:stage-监督管理"))]]
    ['第三方', '需方']
    """
    out: dict[object, list[Obliged]] = {}
    for node in kb.instances(ITSS + "Obligation"):
        target: object = kb.value(node, ITSS + "obligationOf")
        kind = kb.value(node, ITSS + "obligationOfKind")
        if target is None and isinstance(kind, str):
            stage = kb.value(node, ITSS + "stage")
            target = (kind, stage if isinstance(stage, str) else None)
        party = kb.value(node, ITSS + "obligedParty")
        text = kb.value(node, ITSS + "text", lang="zh")
        if target is None or not isinstance(party, str):
            continue
        refs = kb.provenance(node)
        source = refs[0] if refs else None
        std = Node.of(kb, target, lang) if isinstance(target, str) and kb.is_a(target, "dcterms:Standard") else None
        out.setdefault(target, []).append(Obliged(Node.of(kb, party, lang), std, str(text or ""), source))
    for key in out:
        out[key].sort(key=lambda o: ((o.source.line or 0) if o.source else 0, o.party.id))
    return {k: tuple(v) for k, v in out.items()}


def requirements(kb: "KnowledgeBase", standards: list[str], stages: list[str], business_types: list[str],
                 lang: str = "en") -> dict[str, tuple[str | None, list[Requirement], list[str]]]:
    """``{item: (element, [Requirement], [standard, ...])}`` for the given standards, stages and
    business types (see the module docstring)."""
    out: dict[str, tuple[str | None, list[Requirement], list[str]]] = {}
    placed = obligations(kb, lang)

    def add(item: str, element: str | None, req: Requirement, std: str | None) -> None:
        el, reqs, stds = out.setdefault(item, (element, [], []))
        if el is None and element is not None:
            out[item] = (element, reqs, stds)
        if all(r.steps != req.steps for r in reqs):
            reqs.append(req)
        if std and std not in stds:
            stds.append(std)

    def sentence(key: str, **values: str) -> str:
        return t(key, lang, **values)

    for std in standards:
        std_node = Node.of(kb, std, lang)
        by = short_name(kb, std_node, lang)
        obliged = placed.get(std, ())
        for prop in REQUIREMENT_PROPERTIES:
            fallback = kb.value(prop, ITSS + "itemElement")
            for item in kb.objects(std, prop):
                if isinstance(item, str):
                    step = kb_step(kb, std, prop, item, lang)
                    add(item, _element_of(kb, item, fallback if isinstance(fallback, str) else None),
                        Requirement(std_node, "standard", (step,), obliged,
                                    sentence("requires", by=by, item=kb.label(item, lang))), std)
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
                    clause = kb.notation(comp) or kb.label(comp, lang)
                    add(item, _element_of(kb, item, comp_el if isinstance(comp_el, str) else None),
                        Requirement(std_node, "model", steps, obliged,
                                    sentence("requires.model", by=by, model=kb.label(model, lang), clause=clause,
                                             item=kb.label(item, lang))), std)
    if stages and business_types:
        kind = ITSS + "StageRequirement"
        for cell in kb.instances(kind):
            stage = kb.value(cell, ITSS + "stage")
            biz = kb.value(cell, ITSS + "businessType")
            if stage not in stages or biz not in business_types:
                continue
            obliged = placed.get((kind, stage)) or placed.get((kind, None), ())
            cell_el = kb.value(cell, ITSS + "element")
            cell_node = Node.of(kb, cell, lang)
            for item in kb.objects(cell, ITSS + "requires"):
                if isinstance(item, str):
                    steps = (kb_step(kb, cell, ITSS + "stage", stage, lang, inverse=True),
                             kb_step(kb, cell, ITSS + "requires", item, lang))
                    add(item, _element_of(kb, item, cell_el if isinstance(cell_el, str) else None),
                        Requirement(cell_node, "stage-table", steps, obliged,
                                    sentence("requires.cell", cell=cell_node.label, item=kb.label(item, lang))), None)
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


def profile_parties(kb: "KnowledgeBase", profile: "Profile") -> set[str]:
    """The parties a profile is: those it declares and their broader parties (a 政府部门信息中心 of
    §1.3 is a 需方)."""
    mine: set[str] = set()
    for party in profile.values("party"):
        mine |= set(kb.ancestors(party, SKOS + "broader"))
    return mine


def relation(reqs: list[Requirement], mine: set[str]) -> tuple[str, list[Requirement]]:
    """On whom an item falls for a profile that is ``mine`` (party IRIs): the relation (see the module
    docstring) and the requirements that make it so."""
    if not mine:
        return "own", reqs
    own = [r for r in reqs if not r.obliged or any(o.party.iri in mine for o in r.obliged)]
    if own:
        return "own", own
    obliged = {o.party.iri for r in reqs for o in r.obliged}
    if DEMAND in mine and SUPPLY in obliged:
        return "provider", [r for r in reqs if any(o.party.iri == SUPPLY for o in r.obliged)]
    if SUPPLY in mine and DEMAND in obliged:
        return "customer", [r for r in reqs if any(o.party.iri == DEMAND for o in r.obliged)]
    return "verify", reqs


def _why(kb: "KnowledgeBase", rel: str, reqs: list[Requirement], mine: set[str], lang: str) -> str:
    placing = next(((r, o) for r in reqs for o in r.obliged), None)
    if placing is None:
        return ""
    requirement, first = placing
    standard = short_name(kb, first.standard, lang) if first.standard else requirement.by.label
    mine_label = ("、" if lang == "zh" else ", ").join(
        sorted(kb.label(p, lang) for p in mine if not kb.objects(p, SKOS + "broader"))) or "?"
    party = first.party.label if rel != "own" else next(
        (o.party.label for r in reqs for o in r.obliged if o.party.iri in mine), first.party.label)
    return t(f"rel.{rel}.why", lang, standard=standard, party=party, mine=mine_label)


def gap_for_profile(kb: "KnowledgeBase", profile: "Profile", lang: str = "en",
                    answer: Answer | None = None) -> GapReport:
    """The gap report of a profile: requirements of its applicable standards (and stage-table
    cells), split by whom the text places them on (see the module docstring); the profile's own
    ones it does not declare under ``has`` are its gaps."""
    answer = answer or evaluate(kb, profile.declared, Query("profile", profile.path, profile.name), lang)
    standards = [r.node.iri for r in answer.applicable if r.node.iri]
    stages = profile.values("stage")
    reqs = requirements(kb, standards, stages, profile.values("business_type"), lang)
    satisfied = _satisfiers(kb, profile.has_iris())
    mine = profile_parties(kb, profile)
    element_order = {e: i for i, e in enumerate(
        sorted(kb.instances(ITSS + "Element"),
               key=lambda e: int(str(kb.value(e, ITSS + "order", 99))) if kb.value(e, ITSS + "order") else 99))}
    indicator_node = Node(INDICATOR_GROUP, kb.label(INDICATOR, lang), INDICATOR)
    unknown_node = Node("unknown", "?" if lang == "zh" else "other")
    lists: dict[str, list[GapItem]] = {"gaps": [], "met": [], "provider": [], "customer": [], "verify": []}
    for item, (element, req_list, stds) in reqs.items():
        if element == INDICATOR_GROUP:
            el_node = indicator_node
        elif element:
            el_node = Node.of(kb, element, lang)
        else:
            el_node = unknown_node
        rel, because = relation(req_list, mine)
        by_std = [s for s in stds if any(r.by.iri == s for r in because)] if rel != "own" or mine else stds
        entry = GapItem(Node.of(kb, item, lang), el_node, because, [kb.qname(s) for s in by_std],
                        relation=rel, why=_why(kb, rel, because, mine, lang),
                        standard_names=[Node.of(kb, s, lang).label for s in by_std],
                        standard_short=[short_name(kb, Node.of(kb, s, lang), lang) for s in by_std])
        if item in satisfied:  # for others' items too: the organisation has it in-house
            entry.met_by = [kb.qname(satisfied[item])]
        if rel != "own":
            lists[rel].append(entry)
        else:
            lists["met" if entry.met_by else "gaps"].append(entry)

    def key(g: GapItem):
        el = g.element.iri
        rank = element_order.get(el, len(element_order) + (0 if el == INDICATOR else 1))
        return (rank, -len(g.standards), -len(g.required_by), g.item.label, g.item.id)

    for items in lists.values():
        items.sort(key=key)
    parties = [Node.of(kb, p, lang) for p in profile.values("party")]
    return GapReport(profile, answer, lists["gaps"], lists["met"], [Node.of(kb, s, lang) for s in stages], lang,
                     provider=lists["provider"], customer=lists["customer"], verify=lists["verify"],
                     parties=parties)
