"""Which ITSS standards apply to a subject, why, and in what order.

A *subject* — a CI, a CI type, a GB/T 29264 code or an organisation profile — is first turned
into *declared facet values* (:class:`Declared`): GB/T 29264 categories, service objects,
activities, lifecycle stages, business types, parties and organisation types, each with the chain
that led to it (e.g. CI → CI class → ``itss:category``). Standards state the same facets with
``itss:appliesTo*`` (docs/kb-conventions.md §4). The rule, in full:

1. **Candidates** are the instances of ``itss:Standard`` that are not series (a series lends its
   facts to its parts through ``dcterms:isPartOf``) and of ``itss:ListedStandard``.
2. **Matching** — categories, service objects, parties and organisation types match up the
   ``skos:broader`` hierarchy (a declared 040301 matches a standard for 0403 or 04, never the
   reverse); activities also match one ``skos:closeMatch`` hop (a weaker, "related" match).
3. **Anchors** — a standard applies only if what it is *for* matches the subject: one of its
   *category*, *service object*, *activity* (a use its scope names) or *organisation type* values;
   or one of its *lifecycle stages* together with its business type (a stage alone says nothing of
   the business: 监督管理 of O&M is not 监督管理 of consulting), or for a standard that states no
   business type, the stage alone. A standard whose text says only *who* it is for (no category,
   service object, stage or organisation type) is anchored by a matching *party*.
4. **Gates** — a standard is excluded when it states a *business type* or a *category* and the
   subject declares that facet too but nothing matches (a desktop standard, 040204, is not for a
   subject that declares only 04 or 040301). Business types are ``itss:appliesToBusinessType``,
   else the standard's own ``itss:businessType``. An organisation type the scope names lifts the
   category gate: the text addresses that kind of organisation whatever services it runs (the
   contractor of a system whose supervision 信息系统工程监理总则 governs runs 03, not 0104).
5. **Uninformative values** — top-level values that cover their whole scheme (all nine top-level
   GB/T 29264 codes, all business types) are no evidence and exclude nothing; a deeper value stated
   beside them still counts (从业人员能力规范: all nine codes, and 0106 for training).
6. **Specialisation** — where a standard that ``itss:specialises`` another applies to a declared
   category or service object through a more specific value, the general one does not apply for
   that value (the desktop part takes the place of the data-centre part for 040204); left with no
   category match, the general standard is excluded and says by which.
7. **Who** — parties and organisation types never exclude: a match adds to the rank and to the
   reasons; a mismatch is reported as a note ("its scope names 供方, 第三方, not 行业主管部门"). The
   scopes list who the text addresses, and the white paper itself applies standards beyond the
   parties their scope names.
8. **Available or planned** — a standard whose status is 未启动 (``itss:NotStarted``), or that is
   only listed in a framework (``itss:ListedStandard``), has no text to apply yet: it is reported
   under ``planned``, not among the applicable standards.
9. **Narrower** — a standard for a part of a declared category (040204 when 04 is declared) does
   not apply to the whole, but is listed under ``narrower`` so that the answer says what exists
   for the parts.
10. **Ranking** (best first): more distinct facets matched (category, service object, activity,
   stage, business type, who); then more matched values (an exact or inherited match counts 2, a
   related match 1); then the more specific scope (the depth of the deepest matched category or
   service object of the standard: 04 → 1, 0403 → 2, 040301 → 3); then status (published before
   approval, review, comment, draft); then the standard's IRI.

Every reason is a chain of facts, each with its source in the white paper, and one readable
sentence (:mod:`itss_graph.knowledge.wording`).

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> answer = evaluate(kb, [Declared("category", kb.expand("kb:cat-040301"))], Query("code", "040301"))
    >>> [r.node.id for r in answer.applicable][:3]
    ['kb:std-运维-1', 'kb:std-运维-2', 'kb:std-运维-3']
    >>> print(answer.applicable[0].reasons[0].text)  # doctest: +ELLIPSIS
    040301 Basic software O&M services --skos:broader--> 0403 Software O&M services ... <--itss:appliesToCategory-- GB/T 28827.1 ...
    >>> print(answer.applicable[0].reasons[0].sentence)
    040301 Basic software O&M services is part of 04 Operation and maintenance services; GB/T 28827.1 applies to 04
"""

from __future__ import annotations

from itss_graph.frozen import Frozen, Record
from itss_graph.knowledge.display import identifier, title
from itss_graph.knowledge.kb import DCTERMS, ITSS, SKOS, is_literal
from itss_graph.knowledge.reasons import Node, Step, chain_sources, chain_text, kb_step
from itss_graph.knowledge.wording import chain_sentence, t

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable
    from itss_graph.knowledge.kb import KnowledgeBase


class Facet(Frozen):
    """One applicability facet: the standard's property, the class of its values and its role."""

    __slots__ = ("name", "prop", "cls", "group", "gate", "anchor", "hierarchy", "related", "fallback")

    def __init__(self, name: str, prop: str, cls: str, group: str, gate: bool = False, anchor: bool = False,
                 hierarchy: str | None = None, related: str | None = None, fallback: str | None = None):
        init = object.__setattr__
        init(self, "name", name)
        init(self, "prop", prop)
        init(self, "cls", cls)
        init(self, "group", group)
        init(self, "gate", gate)
        init(self, "anchor", anchor)
        init(self, "hierarchy", hierarchy)
        init(self, "related", related)
        init(self, "fallback", fallback)


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
    Facet("party", ITSS + "appliesToParty", ITSS + "Party", "who", hierarchy=SKOS + "broader"),
    Facet("organization_type", ITSS + "appliesToOrganizationType", ITSS + "OrganizationType", "who",
          anchor=True, hierarchy=SKOS + "broader"),
)
#: the facets whose values say what a standard is for; a standard with none of them (informative)
#: says only who it is for, and a party match anchors it (rule 3)
WHAT_FACETS = ("category", "service_object", "stage", "organization_type")
#: the facets whose stated values an assessment reads when the subject declares none of them
#: (:meth:`_Assessment.anchored`, :func:`_supersede`)
_STATED = frozenset((*WHAT_FACETS, "business_type"))
FACET_BY_NAME = {f.name: f for f in FACETS}

STANDARD = ITSS + "Standard"
SERIES = ITSS + "StandardSeries"
LISTED = ITSS + "ListedStandard"
NOT_STARTED = ITSS + "NotStarted"
IS_PART_OF = DCTERMS + "isPartOf"
HAS_PART = DCTERMS + "hasPart"
SPECIALISES = ITSS + "specialises"


class Declared(Frozen):
    """A facet value the subject declares, and how the subject reaches it (``origin``)."""

    __slots__ = ("facet", "value", "origin")

    def __init__(self, facet: str, value: str, origin: tuple[Step, ...] = ()):
        init = object.__setattr__
        init(self, "facet", facet)
        init(self, "value", value)
        init(self, "origin", origin)


class Query(Frozen):
    """What was asked: ``kind`` (ci, ci-type, code, profile) and the value given."""

    __slots__ = ("kind", "value", "label")

    def __init__(self, kind: str, value: str, label: str = ""):
        init = object.__setattr__
        init(self, "kind", kind)
        init(self, "value", value)
        init(self, "label", label)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "label": self.label or self.value}


class Reason(Frozen):
    """One matched facet: the declared value, the standard's value it matched, and the chain."""

    __slots__ = ("facet", "declared", "matched",
                 "strength",  # exact | inherited | related | narrower
                 "steps", "sentence")

    def __init__(self, facet: str, declared: Node, matched: Node, strength: str, steps: tuple[Step, ...],
                 sentence: str = ""):
        init = object.__setattr__
        init(self, "facet", facet)
        init(self, "declared", declared)
        init(self, "matched", matched)
        init(self, "strength", strength)
        init(self, "steps", steps)
        init(self, "sentence", sentence)

    @property
    def text(self) -> str:
        """The chain as one line of the knowledge graph (``a --p--> b <--q-- c``)."""
        return chain_text(self.steps)

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "facet": self.facet,
            "declared": self.declared.as_dict(),
            "matched": self.matched.as_dict(),
            "strength": self.strength,
            "sentence": self.sentence,
            "text": self.text,
            "chain": [s.as_dict(lang) for s in self.steps],
            "sources": chain_sources(self.steps, lang),
        }


class StandardResult(Record):
    """A standard in an answer, with its reasons, status, rank and what comes with it."""

    _fields_ = ("node", "identifier", "title", "status", "available", "reasons", "notes", "score", "comes_with",
                "rank")

    def __init__(self, node: Node, identifier: str | None, title: str, status: Node | None, available: bool,
                 reasons: list[Reason], notes: list[str], score: dict, comes_with: dict[str, list[Node]] | None = None,
                 rank: int = 0):
        self.node = node
        self.identifier = identifier
        self.title = title
        self.status = status
        self.available = available
        self.reasons = reasons
        self.notes = notes
        self.score = score
        self.comes_with = {} if comes_with is None else comes_with
        self.rank = rank

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


class Exclusion(Frozen):
    """A standard that matched an anchor but failed a gate (``facet`` is the gate: category or
    business_type), or whose category matches a specialisation took over (``by`` is that one)."""

    __slots__ = ("node", "facet", "stated", "declared", "why", "by")

    def __init__(self, node: Node, facet: str, stated: tuple[Node, ...], declared: tuple[Node, ...], why: str = "",
                 by: Node | None = None):
        init = object.__setattr__
        init(self, "node", node)
        init(self, "facet", facet)
        init(self, "stated", stated)
        init(self, "declared", declared)
        init(self, "why", why)
        init(self, "by", by)

    def as_dict(self) -> dict:
        return {"id": self.node.id, "iri": self.node.iri, "label": self.node.label,
                "gate": self.facet, "why": self.why, "by": self.by.as_dict() if self.by else None,
                "stated": [n.as_dict() for n in self.stated],
                "declared": [n.as_dict() for n in self.declared]}


class Answer(Record):
    """The answer of :func:`evaluate` (its JSON form is documented in the README)."""

    _fields_ = ("query", "declared", "applicable", "planned", "excluded", "lang", "narrower", "kb", "extra")
    _hidden = ("kb",)

    def __init__(self, query: Query, declared: list[Declared], applicable: list[StandardResult],
                 planned: list[StandardResult], excluded: list[Exclusion], lang: str = "en",
                 narrower: list[StandardResult] | None = None, kb: "KnowledgeBase | None" = None,
                 extra: dict | None = None):
        self.query = query
        self.declared = declared
        self.applicable = applicable
        self.planned = planned
        self.excluded = excluded
        self.lang = lang
        self.narrower = [] if narrower is None else narrower
        self.kb = kb
        self.extra = {} if extra is None else extra

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
            "narrower": [r.as_dict(self.lang) for r in self.narrower],
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
    """Whether a standard's values cover every top value of the facet's scheme (rule 5)."""
    roots = _roots(kb, facet, cache)
    covered: set[str] = set()
    for v in values:
        covered |= set(kb.ancestors(v, facet.hierarchy)) if facet.hierarchy else {v}
    return len(roots) > 1 and roots <= covered


def informative_values(kb: "KnowledgeBase", facet: Facet, values: list[str], cache: dict) -> list[str]:
    """The values that are evidence (rule 5): all of them, unless they cover the whole scheme; then
    only those deeper than its top values.

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> values, _ = standard_values(kb, kb.expand("kb:std-基础-3"), FACET_BY_NAME["category"])
    >>> [kb.qname(v) for v in informative_values(kb, FACET_BY_NAME["category"], values, {})]
    ['kb:cat-0106']
    """
    if facet.group == "who" or not is_uninformative(kb, facet, values, cache):
        return values
    roots = _roots(kb, facet, cache)
    return [v for v in values if v not in roots]


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


class _Assessment:
    """One standard against the declared values, before the answer is put together."""

    __slots__ = ("std", "reasons", "notes", "gate_failures", "narrower", "stated")

    def __init__(self, std: str):
        self.std = std
        self.reasons: list[Reason] = []
        self.notes: list[str] = []
        self.gate_failures: list[tuple[Facet, list[str]]] = []
        self.narrower: list[Reason] = []
        self.stated: dict[str, list[str]] = {}  # facet -> informative values

    def facets(self) -> set[str]:
        return {r.facet for r in self.reasons}

    def anchored(self) -> bool:
        """Rule 3."""
        facets = self.facets()
        if facets & {"category", "service_object", "activity", "organization_type"}:
            return True
        if "stage" in facets and ("business_type" in facets or not self.stated.get("business_type")):
            return True
        says_only_who = not any(self.stated.get(f) for f in WHAT_FACETS)
        return says_only_who and "party" in facets


def _reason(kb: "KnowledgeBase", facet: str, declared: str, matched: str, strength: str, steps: list[Step],
            lang: str) -> Reason:
    return Reason(facet, Node.of(kb, declared, lang), Node.of(kb, matched, lang), strength, tuple(steps),
                  chain_sentence(kb, steps, lang))


def _narrower(kb: "KnowledgeBase", d: Declared, values: list[str], facet: Facet, holders: tuple[str, ...],
              lang: str) -> list[Reason]:
    """A standard's values that are strictly narrower than a declared one (rule 9)."""
    out = []
    for v in values:
        path = kb.ancestors(v, facet.hierarchy).get(d.value) if facet.hierarchy else None
        if not path or v == d.value:
            continue
        holder = holders[-1]
        steps = [*d.origin, *(kb_step(kb, a, facet.hierarchy, b, lang) for a, b in zip(path, path[1:]))]
        steps.append(kb_step(kb, holder, _source_prop(kb, holder, facet, v), v, lang, inverse=True))
        out.append(_reason(kb, facet.name, d.value, v, "narrower", steps, lang))
    return out


def _assess(kb: "KnowledgeBase", std: str, by_facet: dict[str, list[Declared]], roots_cache: dict,
            lang: str) -> _Assessment:
    a = _Assessment(std)
    for facet in FACETS:
        asked = by_facet.get(facet.name)
        if not asked and facet.name not in _STATED:
            continue  # nothing to match, and its stated values are never read
        values, holders = standard_values(kb, std, facet)
        evidence = informative_values(kb, facet, values, roots_cache)
        a.stated[facet.name] = evidence
        if not values or not asked:
            continue
        matches = [(d, v, strength, steps) for d in asked
                   for v, strength, steps in _match(kb, d, values, facet, holders, lang)]
        found = [_reason(kb, facet.name, d.value, v, strength, steps, lang)
                 for d, v, strength, steps in matches if v in evidence]
        if found:
            a.reasons.extend(found)
            continue
        if matches or not evidence:
            continue  # matched a value that covers the whole scheme: no evidence, and no exclusion
        if facet.gate:
            a.gate_failures.append((facet, values))
            if facet.name == "category":
                a.narrower = [r for d in asked for r in _narrower(kb, d, values, facet, holders, lang)]
        elif facet.group == "who":
            a.notes.append(t("not_a_gate", lang, stated="、".join(sorted(kb.label(v, lang) for v in values))
                             if lang == "zh" else ", ".join(sorted(kb.label(v, lang) for v in values)),
                             declared=("、" if lang == "zh" else ", ").join(kb.label(d.value, lang) for d in asked)))
    if "organization_type" in a.facets():  # rule 4: the scope names this kind of organisation
        a.gate_failures = [(f, v) for f, v in a.gate_failures if f.name != "category"]
    if any(FACET_BY_NAME[r.facet].group == "who" for r in a.reasons):
        a.notes = []  # a who note is moot when another who facet matched
    return a


def _supersede(kb: "KnowledgeBase", assessed: dict[str, _Assessment], lang: str) -> dict[str, Exclusion]:
    """Rule 6: drop the reasons of a general standard that a matching specialisation covers more
    specifically; the general standards left without a category match are excluded."""
    excluded: dict[str, Exclusion] = {}
    for special, a in assessed.items():
        status = kb.value(special, ITSS + "status")
        if not kb.is_a(special, STANDARD) or status == NOT_STARTED:
            continue  # a specialisation with no text yet takes nothing over
        for general in kb.objects(special, SPECIALISES):
            g = assessed.get(general) if isinstance(general, str) else None
            if g is None:
                continue
            dropped = []
            for r in list(g.reasons):
                facet = FACET_BY_NAME[r.facet]
                if not facet.hierarchy or facet.group == "who":
                    continue
                deeper = [s for s in a.reasons if s.facet == r.facet and s.declared.iri == r.declared.iri
                          and _depth(kb, s.matched.iri, facet) > _depth(kb, r.matched.iri, facet)]
                if deeper:
                    g.reasons.remove(r)
                    dropped.append(r)
            if not dropped:
                continue
            lost_category = g.stated.get("category") and not any(r.facet == "category" for r in g.reasons) \
                and any(r.facet == "category" for r in dropped)
            if lost_category or not g.anchored():
                declared = tuple(dict.fromkeys(r.declared for r in dropped))
                by = Node.of(kb, special, lang)
                sep = "、" if lang == "zh" else ", "
                excluded[general] = Exclusion(
                    Node.of(kb, general, lang), "category" if lost_category else dropped[0].facet,
                    tuple(Node.of(kb, v, lang) for v in g.stated.get("category") or []), declared,
                    t("specialised", lang, by=by.label, declared=sep.join(n.label for n in declared)), by)
    return excluded


def _result(kb: "KnowledgeBase", a: _Assessment, lang: str) -> StandardResult:
    std = a.std
    status = kb.value(std, ITSS + "status")
    status = status if isinstance(status, str) else None
    available = kb.is_a(std, STANDARD) and status != NOT_STARTED
    groups = {FACET_BY_NAME[r.facet].group for r in a.reasons}
    matched_values: dict[tuple[str, str | None], int] = {}
    depth = 0
    for r in a.reasons:
        key = (r.facet, r.matched.iri)
        matched_values[key] = max(matched_values.get(key, 0), 1 if r.strength == "related" else 2)
        facet = FACET_BY_NAME[r.facet]
        if facet.hierarchy and facet.group != "who" and r.matched.iri:
            depth = max(depth, _depth(kb, r.matched.iri, facet))
    score = {"facets": len(groups), "matches": sum(matched_values.values()), "depth": depth,
             "status_order": _status_order(kb, status)}
    order = [f.name for f in FACETS]
    reasons = sorted(a.reasons, key=lambda r: (order.index(r.facet), r.strength != "exact", r.matched.id,
                                               r.declared.id))
    return StandardResult(Node.of(kb, std, lang), identifier(kb, std), title(kb, std, lang),
                          Node.of(kb, status, lang) if status else None, available, reasons, a.notes,
                          score, _comes_with(kb, std, lang))


def _gate_exclusion(kb: "KnowledgeBase", a: _Assessment, by_facet: dict[str, list[Declared]],
                    lang: str) -> Exclusion:
    facet, values = a.gate_failures[0]
    stated = tuple(Node.of(kb, v, lang) for v in values)
    declared = tuple(Node.of(kb, d.value, lang) for d in by_facet[facet.name])
    sep = "、" if lang == "zh" else ", "
    why = t("gate", lang, facet=t(f"facet.{facet.name}", lang), stated=sep.join(n.label for n in stated),
            declared=sep.join(n.label for n in declared))
    return Exclusion(Node.of(kb, a.std, lang), facet.name, stated, declared, why)


def evaluate(kb: "KnowledgeBase", declared: list[Declared], query: Query, lang: str = "en") -> Answer:
    """Apply the rule of the module docstring to the declared facet values."""
    by_facet: dict[str, list[Declared]] = {}
    for d in declared:
        if d.facet not in FACET_BY_NAME:
            raise ValueError(f"unknown facet {d.facet!r}")
        if all(x.value != d.value for x in by_facet.get(d.facet, [])):
            by_facet.setdefault(d.facet, []).append(d)
    roots_cache: dict = {}
    matched: dict[str, _Assessment] = {}
    excluded: dict[str, Exclusion] = {}
    narrower: list[StandardResult] = []
    for std in candidates(kb):
        a = _assess(kb, std, by_facet, roots_cache, lang)
        only_narrower = a.narrower and [f.name for f, _ in a.gate_failures] == ["category"]
        if not a.anchored() or only_narrower:
            if a.narrower and all(f.name == "category" for f, _ in a.gate_failures):
                result = _result(kb, a, lang)
                result.reasons = [*a.narrower, *result.reasons]
                narrower.append(result)
            continue
        if a.gate_failures:
            excluded[std] = _gate_exclusion(kb, a, by_facet, lang)
            continue
        matched[std] = a
    superseded = _supersede(kb, matched, lang)
    excluded.update(superseded)
    applicable: list[StandardResult] = []
    planned: list[StandardResult] = []
    for std, a in matched.items():
        if std in superseded:
            continue
        result = _result(kb, a, lang)
        (applicable if result.available else planned).append(result)

    def rank_key(r: StandardResult):
        return (-r.score["facets"], -r.score["matches"], -r.score["depth"], r.score["status_order"], r.node.iri)

    for results in (applicable, planned):
        results.sort(key=rank_key)
        for i, r in enumerate(results, 1):
            r.rank = i
    narrower.sort(key=lambda r: (not r.available, r.score["status_order"], r.node.iri or ""))
    return Answer(query, list(declared), applicable, planned,
                  sorted(excluded.values(), key=lambda e: e.node.iri or ""), lang, narrower=narrower, kb=kb)
