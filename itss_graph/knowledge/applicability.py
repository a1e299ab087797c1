"""Which ITSS standards apply to a subject, why, and in what order.

A *subject* — a CI, a CI type, a GB/T 29264 code or an organisation profile — is first turned
into *declared facet values* (:class:`Declared`): GB/T 29264 categories, service objects,
activities, lifecycle stages, business types, parties and organisation types, each with the chain
that led to it (e.g. CI → CI class → ``itss:category``). Standards state the same facets with
``itss:appliesTo*`` (docs/kb-conventions.md §4). The rule, in full:

1. **Candidates** are the instances of ``itss:Standard`` that are not series (a series lends its
   facts to its parts through ``dcterms:isPartOf``) and of ``itss:ListedStandard``.
2. **Anchors** — a standard applies only if at least one of its *category*, *service object*,
   *activity* or *stage* values matches a declared one. Categories and service objects match up
   the ``skos:broader`` hierarchy (a declared 040301 matches a standard for 0403 or 04, never the
   reverse); activities also match one ``skos:closeMatch`` hop (a weaker, "related" match).
3. **Gates** — a standard is excluded when it states a *business type* or a *category* and the
   subject declares that facet too but nothing matches (a desktop standard, 040204, is not for a
   subject that declares only 04 or 040301). Business types are ``itss:appliesToBusinessType``,
   else the standard's own ``itss:businessType``.
4. **Uninformative facets** — a facet whose values cover every top value of its scheme (all nine
   top-level GB/T 29264 codes; all business types) excludes nothing and is no evidence: it is
   neither gate nor anchor.
5. **Who** — parties and organisation types never exclude: a match adds to the rank and to the
   reasons; a mismatch is reported as a note ("its scope names 供方, 第三方, not 行业主管部门"). The
   scopes list who the text addresses, and the white paper itself applies standards beyond the
   parties their scope names.
6. **Available or planned** — a standard whose status is 未启动 (``itss:NotStarted``), or that is
   only listed in a framework (``itss:ListedStandard``), has no text to apply yet: it is reported
   under ``planned``, not among the applicable standards.
7. **Ranking** (best first): more distinct facets matched (category, service object, activity,
   stage, business type, who); then more matched values (an exact or inherited match counts 2, a
   related match 1); then the more specific scope (the depth of the deepest matched category or
   service object of the standard: 04 → 1, 0403 → 2, 040301 → 3); then status (published before
   approval, review, comment, draft); then the standard's IRI.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> answer = evaluate(kb, [Declared("category", kb.expand("kb:cat-040301"))], Query("code", "040301"))
    >>> [r.node.id for r in answer.applicable][:3]
    ['kb:std-运维-1', 'kb:std-运维-2', 'kb:std-运维-3']
    >>> print(answer.applicable[0].reasons[0].text)  # doctest: +ELLIPSIS
    040301 Basic software O&M services --skos:broader--> 0403 Software O&M services ... <--itss:appliesToCategory-- GB/T 28827.1 ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from itss_graph.knowledge.display import identifier, title
from itss_graph.knowledge.kb import DCTERMS, ITSS, SKOS, is_literal
from itss_graph.knowledge.reasons import Node, Step, chain_sources, chain_text, kb_step

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase


@dataclass(frozen=True)
class Facet:
    """One applicability facet: the standard's property, the class of its values and its role."""

    name: str
    prop: str
    cls: str
    group: str
    gate: bool = False
    anchor: bool = False
    hierarchy: str | None = None
    related: str | None = None
    fallback: str | None = None


FACETS: tuple[Facet, ...] = (
    Facet("category", ITSS + "appliesToCategory", ITSS + "ServiceCategory", "category",
          gate=True, anchor=True, hierarchy=SKOS + "broader"),
    Facet("service_object", ITSS + "appliesToServiceObject", ITSS + "ServiceObject", "service_object",
          anchor=True, hierarchy=SKOS + "broader"),
    Facet("activity", ITSS + "appliesToActivity", ITSS + "Activity", "activity",
          anchor=True, related=SKOS + "closeMatch"),
    Facet("stage", ITSS + "appliesToStage", ITSS + "LifecycleStage", "stage", anchor=True),
    Facet("business_type", ITSS + "appliesToBusinessType", ITSS + "BusinessType", "business_type",
          gate=True, fallback=ITSS + "businessType"),
    Facet("party", ITSS + "appliesToParty", ITSS + "Party", "who"),
    Facet("organization_type", ITSS + "appliesToOrganizationType", ITSS + "OrganizationType", "who"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}

STANDARD = ITSS + "Standard"
SERIES = ITSS + "StandardSeries"
LISTED = ITSS + "ListedStandard"
NOT_STARTED = ITSS + "NotStarted"
IS_PART_OF = DCTERMS + "isPartOf"
HAS_PART = DCTERMS + "hasPart"


@dataclass(frozen=True)
class Declared:
    """A facet value the subject declares, and how the subject reaches it (``origin``)."""

    facet: str
    value: str
    origin: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Query:
    """What was asked: ``kind`` (ci, ci-type, code, profile) and the value given."""

    kind: str
    value: str
    label: str = ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "label": self.label or self.value}


@dataclass(frozen=True)
class Reason:
    """One matched facet: the declared value, the standard's value it matched, and the chain."""

    facet: str
    declared: Node
    matched: Node
    strength: str  # exact | inherited | related
    steps: tuple[Step, ...]

    @property
    def text(self) -> str:
        return chain_text(self.steps)

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "facet": self.facet,
            "declared": self.declared.as_dict(),
            "matched": self.matched.as_dict(),
            "strength": self.strength,
            "text": self.text,
            "chain": [s.as_dict(lang) for s in self.steps],
            "sources": chain_sources(self.steps, lang),
        }


@dataclass
class StandardResult:
    """A standard in an answer, with its reasons, status, rank and what comes with it."""

    node: Node
    identifier: str | None
    title: str
    status: Node | None
    available: bool
    reasons: list[Reason]
    notes: list[str]
    score: dict
    comes_with: dict[str, list[Node]] = field(default_factory=dict)
    rank: int = 0

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "rank": self.rank,
            "id": self.node.id,
            "iri": self.node.iri,
            "identifier": self.identifier,
            "title": self.title,
            "label": self.node.label,
            "status": self.status.as_dict() if self.status else None,
            "available": self.available,
            "score": self.score,
            "reasons": [r.as_dict(lang) for r in self.reasons],
            "notes": self.notes,
            "comes_with": {k: [n.as_dict() for n in v] for k, v in self.comes_with.items()},
        }


@dataclass(frozen=True)
class Exclusion:
    """A standard that matched an anchor but failed a gate."""

    node: Node
    facet: str
    stated: tuple[Node, ...]
    declared: tuple[Node, ...]

    @property
    def why(self) -> str:
        return (f"{self.facet}: the standard is for {', '.join(n.label for n in self.stated)}; "
                f"declared: {', '.join(n.label for n in self.declared)}")

    def as_dict(self) -> dict:
        return {"id": self.node.id, "iri": self.node.iri, "label": self.node.label,
                "gate": self.facet, "why": self.why,
                "stated": [n.as_dict() for n in self.stated],
                "declared": [n.as_dict() for n in self.declared]}


@dataclass
class Answer:
    """The answer of :func:`evaluate` (its JSON form is documented in the README)."""

    query: Query
    declared: list[Declared]
    applicable: list[StandardResult]
    planned: list[StandardResult]
    excluded: list[Exclusion]
    lang: str = "en"
    kb: "KnowledgeBase | None" = field(default=None, repr=False)
    extra: dict = field(default_factory=dict)

    def ids(self) -> list[str]:
        """The qnames of the applicable standards, in rank order."""
        return [r.node.id for r in self.applicable]

    def as_dict(self) -> dict:
        declared = []
        for d in self.declared:
            entry = {"facet": d.facet,
                     "value": Node.of(self.kb, d.value, self.lang).as_dict() if self.kb else {"iri": d.value},
                     "origin": [s.as_dict(self.lang) for s in d.origin]}
            declared.append(entry)
        out = {
            "query": self.query.as_dict(),
            "lang": self.lang,
            "declared": declared,
            "standards": [r.as_dict(self.lang) for r in self.applicable],
            "planned": [r.as_dict(self.lang) for r in self.planned],
            "excluded": [e.as_dict() for e in self.excluded],
        }
        out.update(self.extra)
        return out


# ---------------------------------------------------------------------------------------------
# facts of standards
# ---------------------------------------------------------------------------------------------

def candidates(kb: "KnowledgeBase") -> list[str]:
    """Standards an answer may name: itss:Standard but not series, and itss:ListedStandard."""
    series = set(kb.instances(SERIES))
    out = [s for s in kb.instances(STANDARD) if s not in series]
    out += [s for s in kb.instances(LISTED) if s not in out]
    return out


def _parents(kb: "KnowledgeBase", std: str) -> list[str]:
    parents = [p for p in kb.objects(std, IS_PART_OF) if isinstance(p, str)]
    parents += [p for p in kb.subjects(HAS_PART, std) if p not in parents]
    return parents


def standard_values(kb: "KnowledgeBase", std: str, facet: Facet,
                    _seen: frozenset = frozenset()) -> tuple[list[str], tuple[str, ...]]:
    """The standard's values for a facet and, when inherited, the chain of parents they come
    from (``(std, parent, ...)``); own values have the chain ``(std,)``."""
    for prop in (facet.prop, facet.fallback):
        if prop:
            values = [v for v in kb.objects(std, prop) if isinstance(v, str)]
            if values:
                return values, (std,)
    for parent in _parents(kb, std):
        if parent in _seen:
            continue
        values, chain = standard_values(kb, parent, facet, _seen | {std})
        if values:
            return values, (std, *chain)
    return [], ()


def _source_prop(kb: "KnowledgeBase", holder: str, facet: Facet, value: str) -> str:
    if kb.has(holder, facet.prop, value):
        return facet.prop
    return facet.fallback or facet.prop


def _roots(kb: "KnowledgeBase", facet: Facet, cache: dict) -> frozenset[str]:
    if facet.name not in cache:
        members = kb.instances(facet.cls)
        if facet.hierarchy:
            member_set = set(members)
            roots = [m for m in members
                     if not any(b in member_set for b in kb.objects(m, facet.hierarchy))]
        else:
            roots = members
        cache[facet.name] = frozenset(roots)
    return cache[facet.name]


def is_uninformative(kb: "KnowledgeBase", facet: Facet, values: Iterable[str], cache: dict) -> bool:
    """Whether a standard's values cover every top value of the facet's scheme (rule 4)."""
    roots = _roots(kb, facet, cache)
    covered: set[str] = set()
    for v in values:
        covered |= set(kb.ancestors(v, facet.hierarchy)) if facet.hierarchy else {v}
    return len(roots) > 1 and roots <= covered


def _depth(kb: "KnowledgeBase", value: str, facet: Facet) -> int:
    return len(kb.ancestors(value, facet.hierarchy)) if facet.hierarchy else 0


def _status_order(kb: "KnowledgeBase", status: str | None) -> int:
    if status is None:
        return 9
    order = kb.value(status, ITSS + "order")
    return int(order.value) if order is not None and is_literal(order) else 9


# ---------------------------------------------------------------------------------------------
# matching
# ---------------------------------------------------------------------------------------------

def _match(kb: "KnowledgeBase", d: Declared, values: list[str], facet: Facet, holders: tuple[str, ...],
           lang: str) -> list[tuple[str, str, list[Step]]]:
    """Matches of one declared value against the standard's values: (value, strength, steps)."""
    out = []
    reach: dict[str, tuple[str, list[str]]] = {}
    if facet.hierarchy:
        for node, path in kb.ancestors(d.value, facet.hierarchy).items():
            reach[node] = ("exact" if node == d.value else "inherited", path)
    else:
        reach[d.value] = ("exact", [d.value])
    if facet.related:
        for other in kb.objects(d.value, facet.related):
            if isinstance(other, str) and other not in reach:
                reach[other] = ("related", [d.value, other])
        for other in kb.subjects(facet.related, d.value):
            if other not in reach:
                reach[other] = ("related", [d.value, other, "~inverse"])
    holder = holders[-1]
    for v in values:
        if v not in reach:
            continue
        strength, path = reach[v]
        steps = list(d.origin)
        if path and path[-1] == "~inverse":
            steps.append(kb_step(kb, path[1], facet.related, path[0], lang, inverse=True))
        else:
            for a, b in zip(path, path[1:]):
                steps.append(kb_step(kb, a, facet.hierarchy or facet.related, b, lang))
        steps.append(kb_step(kb, holder, _source_prop(kb, holder, facet, v), v, lang, inverse=True))
        for child, parent in reversed(list(zip(holders, holders[1:]))):
            if kb.has(child, IS_PART_OF, parent):
                steps.append(kb_step(kb, child, IS_PART_OF, parent, lang, inverse=True))
            else:
                steps.append(kb_step(kb, parent, HAS_PART, child, lang))
        out.append((v, strength, steps))
    return out


def _comes_with(kb: "KnowledgeBase", std: str, lang: str) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = {}
    for p, o in kb.outgoing(std):
        if p.startswith(ITSS + "defines") and isinstance(o, str):
            out.setdefault(kb.qname(p).split(":", 1)[1], []).append(Node.of(kb, o, lang))
    for key in out:
        out[key].sort(key=lambda n: n.id)
    return dict(sorted(out.items()))


def evaluate(kb: "KnowledgeBase", declared: list[Declared], query: Query, lang: str = "en") -> Answer:
    """Apply the rule of the module docstring to the declared facet values."""
    by_facet: dict[str, list[Declared]] = {}
    for d in declared:
        if d.facet not in FACET_BY_NAME:
            raise ValueError(f"unknown facet {d.facet!r}")
        if all(x.value != d.value for x in by_facet.get(d.facet, [])):
            by_facet.setdefault(d.facet, []).append(d)
    roots_cache: dict = {}
    applicable: list[StandardResult] = []
    planned: list[StandardResult] = []
    excluded: list[Exclusion] = []
    for std in candidates(kb):
        reasons: list[Reason] = []
        gate_failures: list[tuple[Facet, list[str]]] = []
        notes: list[str] = []
        depth = 0
        for facet in FACETS:
            values, holders = standard_values(kb, std, facet)
            asked = by_facet.get(facet.name)
            if not values or not asked:
                continue
            if facet.group != "who" and is_uninformative(kb, facet, values, roots_cache):
                continue
            found = []
            for d in asked:
                for v, strength, steps in _match(kb, d, values, facet, holders, lang):
                    found.append(Reason(facet.name, Node.of(kb, d.value, lang), Node.of(kb, v, lang),
                                        strength, tuple(steps)))
                    if facet.hierarchy:
                        depth = max(depth, _depth(kb, v, facet))
            if found:
                reasons.extend(found)
            elif facet.gate:
                gate_failures.append((facet, values))
            elif facet.group == "who":
                stated = ", ".join(sorted(kb.label(v, lang) for v in values))
                mine = ", ".join(kb.label(d.value, lang) for d in asked)
                notes.append(f"its scope names {stated}; not {mine} ({facet.name} is not a gate)")
        if not any(FACET_BY_NAME[r.facet].anchor for r in reasons):
            continue
        if gate_failures:
            facet, values = gate_failures[0]
            excluded.append(Exclusion(Node.of(kb, std, lang), facet.name,
                                      tuple(Node.of(kb, v, lang) for v in values),
                                      tuple(Node.of(kb, d.value, lang) for d in by_facet[facet.name])))
            continue
        # a "who" note is moot when another who facet matched (a party or an organisation type)
        if any(FACET_BY_NAME[r.facet].group == "who" for r in reasons):
            notes = []
        status = kb.value(std, ITSS + "status")
        status = status if isinstance(status, str) else None
        available = kb.is_a(std, STANDARD) and status != NOT_STARTED
        groups = {FACET_BY_NAME[r.facet].group for r in reasons}
        matched_values = {(r.facet, r.matched.iri): (1 if r.strength == "related" else 2) for r in reasons}
        for r in reasons:
            key = (r.facet, r.matched.iri)
            matched_values[key] = max(matched_values[key], 1 if r.strength == "related" else 2)
        score = {"facets": len(groups), "matches": sum(matched_values.values()), "depth": depth,
                 "status_order": _status_order(kb, status)}
        reasons.sort(key=lambda r: ([f.name for f in FACETS].index(r.facet), r.strength != "exact",
                                    r.matched.id, r.declared.id))
        result = StandardResult(Node.of(kb, std, lang), identifier(kb, std), title(kb, std, lang),
                                Node.of(kb, status, lang) if status else None, available, reasons, notes,
                                score, _comes_with(kb, std, lang))
        (applicable if available else planned).append(result)
    for results in (applicable, planned):
        results.sort(key=lambda r: (-r.score["facets"], -r.score["matches"], -r.score["depth"],
                                    r.score["status_order"], r.node.iri))
        for i, r in enumerate(results, 1):
            r.rank = i
    excluded.sort(key=lambda e: e.node.iri or "")
    return Answer(query, list(declared), applicable, planned, excluded, lang, kb)
