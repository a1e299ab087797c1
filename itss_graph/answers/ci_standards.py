"""Which ITSS standards apply to a CI of the CMDB: its type's, its own category when it is a
service, and those of the business services its failure reaches
(:func:`itss_graph.knowledge.subjects.declared_for_ci`), ranked by
:func:`itss_graph.knowledge.applicability.evaluate`.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> from itss_graph.loading.example import example_store
    >>> answer = standards_for_ci(KnowledgeBase.load(), example_store(), "server:db1")
    >>> answer.query.kind, len(answer.ids()) > 0
    ('ci', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.knowledge.applicability import Answer, evaluate
from itss_graph.knowledge.subjects import declared_for_ci

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.stores.base import Store


def standards_for_ci(kb: "KnowledgeBase", store: "Store", ci_id: str, lang: str = "en") -> Answer:
    """The ``itss standards --ci ID`` answer; an unknown CI is an
    :class:`~itss_graph.errors.UnknownCIError`."""
    query, declared, extra = declared_for_ci(kb, store, ci_id, lang)
    answer = evaluate(kb, declared, query, lang)
    answer.extra.update(extra)
    return answer
