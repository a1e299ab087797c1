"""Find knowledge-base entities by the names people write: Chinese or English labels, aliases,
codes, qnames or IRIs.

The key of a ``kb:`` IRI (``kb:use-需方评价供方`` → ``需方评价供方``) is a name too, the weakest.
Matching ignores case, whitespace, full-width/half-width differences and the punctuation the
white paper's names vary in (``、``, ``-``, ``/``), so ``"incident management"``, ``"Incident
Management"``, ``"事件管理"`` and the alias ``"事件/事故管理"`` all find ``kb:proc-事件管理``.

This module is pure text handling (no knowledge-base import): the index is built by
:mod:`itss_graph.knowledge.compiled` and looked up by
:meth:`itss_graph.knowledge.kb.KnowledgeBase.resolve`.

Example:
    >>> normalize("事件/事故管理") == normalize("事件 事故管理")
    True
    >>> index = build_name_index({"https://w3id.org/itss-graph/kb/proc-事件管理": {
    ...     "http://www.w3.org/2000/01/rdf-schema#label": {("Incident management", "en", None): (0,)}}})
    >>> sorted(index)
    ['incidentmanagement', '事件管理']
"""

from __future__ import annotations

import re
import unicodedata

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
