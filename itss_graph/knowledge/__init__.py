"""The ITSS knowledge base: compiled from ontology/ and queried without rdflib.

Library API (each name is imported on first use, so ``import itss_graph.knowledge`` is cheap):

* :class:`KnowledgeBase` (``knowledge.kb``) — ``load()``, ``instances``, ``objects``,
  ``subjects``, ``value``, ``label``, ``provenance``, ``resolve``, ``search``, ``ancestors``;
* :func:`evaluate`, :class:`Declared`, :class:`Query` (``knowledge.applicability``) — which
  standards apply to declared facet values, ranked, with reasons;
* ``declared_for_code``, ``query_for_ci_type`` (``knowledge.subjects``) and
  :func:`applicability_answer` (``knowledge.questions``: the answer for a code, a CI type or a
  profile; a CI of the CMDB is :mod:`itss_graph.answers.ci_standards`);
* :func:`load_profile` (``knowledge.profile``) and :func:`gap_for_profile` (``knowledge.gap``);
* :func:`search`, :func:`show`, :func:`stats` (``knowledge.explore``);
* :func:`export`, :func:`sparql`, :func:`to_dataset` (``knowledge.rdfio``, the only ones that
  import rdflib).

Example:
    >>> from itss_graph.knowledge import KnowledgeBase, evaluate, declared_for_code
    >>> kb = KnowledgeBase.load()
    >>> query, declared = declared_for_code(kb, "040301")
    >>> evaluate(kb, declared, query).ids()[0]
    'kb:std-运维-1'
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any

_EXPORTS = {
    "KnowledgeBase": "itss_graph.knowledge.kb",
    "Literal": "itss_graph.knowledge.kb",
    "SourceRef": "itss_graph.knowledge.kb",
    "evaluate": "itss_graph.knowledge.applicability",
    "Declared": "itss_graph.knowledge.applicability",
    "Query": "itss_graph.knowledge.applicability",
    "declared_for_code": "itss_graph.knowledge.subjects",
    "query_for_ci_type": "itss_graph.knowledge.subjects",
    "applicability_answer": "itss_graph.knowledge.questions",
    "load_profile": "itss_graph.knowledge.profile",
    "gap_for_profile": "itss_graph.knowledge.gap",
    "search": "itss_graph.knowledge.explore",
    "show": "itss_graph.knowledge.explore",
    "stats": "itss_graph.knowledge.explore",
    "export": "itss_graph.knowledge.rdfio",
    "sparql": "itss_graph.knowledge.rdfio",
    "to_dataset": "itss_graph.knowledge.rdfio",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'itss_graph.knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
