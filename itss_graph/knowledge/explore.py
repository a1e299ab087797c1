"""Explore the knowledge base: counts, text search, and an entity with its neighbourhood.

All three work on the compiled knowledge base (no rdflib).

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> s = stats(kb)
    >>> s["triples"] > 10000 and s["classes"]["itss:Standard"] >= 40
    True
    >>> search(kb, "事件管理")[0].node.id
    'kb:proc-事件管理'
    >>> view = show(kb, "Incident management", "zh")
    >>> view.node.label, any(e.predicate == "itss:definesProcess" for e in view.incoming)
    ('事件管理', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.knowledge.kb import DCTERMS, ITSS, RDFS, SKOS, TYPE, SourceRef, is_literal
from itss_graph.knowledge.names import iri_key, normalize
from itss_graph.knowledge.reasons import Node
from itss_graph.textmatch import did_you_mean

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase

#: properties whose text search looks into, and how much a hit in each weighs (lower is better)
TEXT_PROPERTIES = {
    RDFS + "label": 0,
    SKOS + "prefLabel": 0,
    SKOS + "notation": 0,
    DCTERMS + "identifier": 0,
    DCTERMS + "title": 1,
    SKOS + "altLabel": 1,
    SKOS + "definition": 2,
    ITSS + "text": 3,
    ITSS + "scope": 3,
    ITSS + "purpose": 3,
    RDFS + "comment": 3,
}


class UnknownEntityError(ItssError):
    """A name or IRI that the knowledge base does not know (or knows several entities by)."""


def stats(kb: "KnowledgeBase") -> dict:
    """Counts: triples, subjects, instances per class (qname), triples per source unit."""
    classes: dict[str, int] = {}
    for s in kb.subjects_all():
        for t in kb.objects(s, TYPE):
            if isinstance(t, str):
                key = kb.qname(t)
                classes[key] = classes.get(key, 0) + 1
    per_graph: dict[str, int] = {}
    triples = 0
    for _s, _p, _o, graphs in kb.triples():
        triples += 1
        for g in graphs:
            per_graph[g] = per_graph.get(g, 0) + 1
    units = []
    for unit in kb.units():
        ref = kb.source(unit)
        units.append({"unit": kb.qname(unit), "label_zh": ref.label_zh, "label_en": ref.label_en,
                      "section": ref.section, "start_line": ref.start_line, "end_line": ref.end_line,
                      "files": list(ref.files), "triples": per_graph.get(unit, 0)})
    vocab = [{"graph": g, "files": list(kb.source(g).files), "triples": n}
             for g, n in sorted(per_graph.items()) if g not in set(kb.units())]
    return {
        "triples": triples,
        "subjects": sum(1 for _ in kb.subjects_all()),
        "source_units": len(units),
        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "units": units,
        "vocabulary": vocab,
    }


@dataclass(frozen=True)
class SearchHit:
    """An entity whose text matched, the property and text that matched, and where it is from."""

    node: Node
    types: tuple[str, ...]
    prop: str
    text: str
    score: tuple
    sources: tuple[SourceRef, ...]

    def as_dict(self, lang: str = "en") -> dict:
        return {"id": self.node.id, "iri": self.node.iri, "label": self.node.label,
                "types": list(self.types), "matched": self.prop, "text": self.text,
                "sources": [s.as_dict(lang) for s in self.sources]}


def search(kb: "KnowledgeBase", text: str, *, lang: str = "en", limit: int = 20) -> list[SearchHit]:
    """Entities whose names or definitions contain ``text`` (Chinese or English; case, spaces and
    punctuation ignored), best first: exact name, then name prefix, then name substring, then
    definitions and texts; shorter names first among equals."""
    needle = normalize(text)
    if not needle:
        return []
    best: dict[str, tuple] = {}
    for s in kb.subjects_all():
        if s.startswith("_:"):
            continue
        for prop, weight in TEXT_PROPERTIES.items():
            for o in kb.objects(s, prop):
                if not is_literal(o):
                    continue
                hay = normalize(o.value)
                pos = hay.find(needle)
                if pos < 0:
                    continue
                exact = 0 if hay == needle else (1 if pos == 0 else 2)
                rank = (weight, exact, 0 if iri_key(s) == needle else 1, len(hay), kb.qname(s))
                if s not in best or rank < best[s][0]:
                    best[s] = (rank, prop, o.value)
    hits = []
    for s, (rank, prop, value) in sorted(best.items(), key=lambda kv: kv[1][0])[:limit]:
        types = tuple(kb.qname(t) for t in kb.types(s))
        hits.append(SearchHit(Node.of(kb, s, lang), types, kb.qname(prop), value, rank,
                              tuple(kb.provenance(s))))
    return hits


@dataclass(frozen=True)
class Edge:
    """One triple around the shown entity, with the other end labelled and its provenance."""

    predicate: str
    predicate_label: str
    other: Node | None
    value: str | None
    lang: str | None
    sources: tuple[SourceRef, ...]

    def as_dict(self, lang: str = "en") -> dict:
        return {"predicate": self.predicate, "predicate_label": self.predicate_label,
                "node": self.other.as_dict() if self.other else None,
                "value": self.value, "value_lang": self.lang,
                "sources": [s.as_dict(lang) for s in self.sources]}


@dataclass
class EntityView:
    """An entity with everything stated about it and everything pointing at it."""

    node: Node
    types: list[Node]
    labels: dict[str, list[str]]
    sources: list[SourceRef]
    outgoing: list[Edge] = field(default_factory=list)
    incoming: list[Edge] = field(default_factory=list)
    lang: str = "en"
    also: list[Node] = field(default_factory=list)  # other entities the name designates

    def as_dict(self) -> dict:
        return {"id": self.node.id, "iri": self.node.iri, "label": self.node.label,
                "types": [t.as_dict() for t in self.types], "labels": self.labels,
                "sources": [s.as_dict(self.lang) for s in self.sources],
                "outgoing": [e.as_dict(self.lang) for e in self.outgoing],
                "incoming": [e.as_dict(self.lang) for e in self.incoming],
                "also": [n.as_dict() for n in self.also]}


def find_entity(kb: "KnowledgeBase", name: str) -> tuple[str, list[str]]:
    """The entity an IRI, qname or name designates, and the other entities the name also
    designates. Among several, the one named after the text (``kb:proc-事件管理`` for 事件管理)
    wins, else the most referenced one (most incoming triples); raise UnknownEntityError when
    nothing matches."""
    found = kb.resolve(name)
    if not found:
        hints = [h.node.id for h in search(kb, name, limit=3)]
        hint = did_you_mean(hints, quoted=True, deferred=True)
        raise UnknownEntityError(M_("no entity named {name!r} in the knowledge base{hint}", name=name, hint=hint))
    keyed = [f for f in found if iri_key(f) == normalize(name)]
    ranked = sorted(found, key=lambda f: (f not in keyed, -len(kb.incoming(f)), f))
    return ranked[0], ranked[1:]


def show(kb: "KnowledgeBase", name: str, lang: str = "en", *, limit: int | None = None) -> EntityView:
    """An entity (IRI, qname or label) with its outgoing and incoming triples, labels in
    ``lang`` and the provenance of every triple."""
    iri, others = find_entity(kb, name)
    view = EntityView(Node.of(kb, iri, lang), [Node.of(kb, t, lang) for t in kb.types(iri)],
                      kb.labels(iri), kb.provenance(iri), lang=lang,
                      also=[Node.of(kb, o, lang) for o in others])
    for p, o in sorted(kb.outgoing(iri), key=lambda po: (kb.qname(po[0]), str(po[1]))):
        sources = tuple(kb.provenance(iri, p, o))
        if is_literal(o):
            view.outgoing.append(Edge(kb.qname(p), kb.label(p, lang), None, o.value, o.lang, sources))
        else:
            view.outgoing.append(Edge(kb.qname(p), kb.label(p, lang), Node.of(kb, o, lang), None, None, sources))
    for s, p in sorted(kb.incoming(iri), key=lambda sp: (kb.qname(sp[1]), sp[0])):
        view.incoming.append(Edge(kb.qname(p), kb.label(p, lang), Node.of(kb, s, lang), None, None,
                                  tuple(kb.provenance(s, p, iri))))
    if limit is not None:
        view.outgoing, view.incoming = view.outgoing[:limit], view.incoming[:limit]
    return view
