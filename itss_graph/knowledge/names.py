"""Find knowledge-base entities by the names people write: Chinese or English labels, aliases,
codes, qnames or IRIs.

The key of a ``kb:`` IRI (``kb:use-需方评价供方`` → ``需方评价供方``) is a name too, the weakest.
Matching ignores case, whitespace, full-width/half-width differences and the punctuation the
white paper's names vary in (``、``, ``-``, ``/``), so ``"incident management"``, ``"Incident
Management"``, ``"事件管理"`` and the alias ``"事件/事故管理"`` all find ``kb:proc-事件管理``.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> [kb.qname(i) for i in resolve(kb, "事件/事故管理", ["itss:Process"])]
    ['kb:proc-事件管理']
    >>> [kb.qname(i) for i in resolve(kb, "040301")]
    ['kb:cat-040301']
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase

KB = "https://w3id.org/itss-graph/kb/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"

#: Properties whose values name an entity, strongest first.
NAME_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "notation",
    DCTERMS + "identifier",
    DCTERMS + "title",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
)

_DROP = re.compile(r"[\s、，,：:;；/\\\-—–_·.。（）()《》\"'“”‘’]+")


def normalize(text: str) -> str:
    """The key names are compared by: NFKC, lower case, no spaces or separators.

    >>> normalize(" Incident  Management ") == normalize("incident-management")
    True
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def build_name_index(spo: dict) -> dict[str, list[tuple[int, str]]]:
    """``{normalised name: [(strength, subject), ...]}`` over the compiled triples (used by
    :mod:`itss_graph.knowledge.compiled`; strength is the position in :data:`NAME_PROPERTIES`)."""
    index: dict[str, list[tuple[int, str]]] = {}

    def add(text: str, rank: int, s: str) -> None:
        key = normalize(text)
        if key and (rank, s) not in index.get(key, ()):
            index.setdefault(key, []).append((rank, s))

    for s, preds in spo.items():
        for rank, prop in enumerate(NAME_PROPERTIES):
            for o in preds.get(prop, ()):
                if isinstance(o, tuple):
                    add(o[0], rank, s)
        if s.startswith(KB):  # the IRI key: kb:<kind>-<name as written> (docs/kb-conventions.md §3)
            kind, sep, key = s[len(KB):].partition("-")
            if sep:
                add(key, len(NAME_PROPERTIES), s)
    return index


def iri_key(iri: str) -> str:
    """The normalised name in a ``kb:`` IRI (``kb:proc-事件管理`` → ``事件管理``), else ``""``."""
    if not iri.startswith(KB):
        return ""
    kind, sep, key = iri[len(KB):].partition("-")
    return normalize(key) if sep else ""


def resolve(kb: "KnowledgeBase", name: str, classes: Iterable[str] | None = None) -> list[str]:
    """Entities ``name`` stands for (see the module docstring), best match first.

    Only instances of ``classes`` (or their subclasses) are returned when ``classes`` is given.
    An IRI or qname that the knowledge base knows is returned as such. Among label matches, those
    of the strongest naming property win (rdfs:label before skos:altLabel, ...).
    """
    allowed = None
    if classes is not None:
        allowed = set()
        for cls in classes:
            allowed |= kb.subclasses(cls)

    def ok(iri: str) -> bool:
        return allowed is None or any(t in allowed for t in kb.types(iri))

    text = name.strip()
    if not text:
        return []
    iri = kb.expand(text)
    if (":" in text) and iri in kb and ok(iri):
        return [iri]
    hits = kb.name_index().get(normalize(text), [])
    hits = [(rank, s) for rank, s in hits if ok(s)]
    if not hits:
        return []
    best = min(rank for rank, _ in hits)
    found = sorted({s for rank, s in hits if rank == best})
    key = normalize(text)
    # the entity named after the text (kb:proc-事件管理 for 事件管理) before those merely labelled so
    keyed = [s for s in found if iri_key(s) == key]
    return keyed + [s for s in found if s not in keyed]
