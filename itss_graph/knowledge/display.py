"""How knowledge-base entities are named in answers (one place, so every command agrees).

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> name(kb, "kb:cat-040301", "zh")
    '040301 基础软件运维服务'
    >>> name(kb, "kb:std-运维-1", "en")
    'GB/T 28827.1 Information technology service — Operation and maintenance — Part 1: General requirements'
    >>> node(kb, "kb:proc-事件管理", "zh")["label"]
    '事件管理'
"""

from __future__ import annotations

from itss_graph.knowledge.kb import DCTERMS, ITSS, is_literal

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase


def title(kb: "KnowledgeBase", iri: str, lang: str) -> str:
    """A standard's full title in ``lang`` (dcterms:title), else its label. A title that names only
    the part (``第1部分：要求``) is completed with the title of the series it is part of.

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> title(KnowledgeBase.load(), "kb:std-云计算-3-1", "zh")
    '服务交付标准 第1部分：要求'
    """
    value = kb.value(iri, DCTERMS + "title", lang=lang)
    if value is not None and is_literal(value) and value.lang == lang:
        text = str(value)
        if text.startswith("第"):
            series = kb.value(iri, DCTERMS + "isPartOf")
            if isinstance(series, str):
                return f"{title(kb, series, lang)} {text}"
        return text
    return kb.label(iri, lang)


def identifier(kb: "KnowledgeBase", iri: str) -> str | None:
    """A standard's number (dcterms:identifier), if the white paper gives one."""
    value = kb.value(iri, DCTERMS + "identifier")
    return str(value) if value is not None else None


def name(kb: "KnowledgeBase", iri: str, lang: str = "en") -> str:
    """A short human name: ``<code> <label>`` for GB/T 29264 categories, ``<number> <title>`` for
    standards with a number, the label otherwise."""
    iri = kb.expand(iri)
    if kb.is_a(iri, ITSS + "ServiceCategory"):
        code = kb.notation(iri)
        return f"{code} {kb.label(iri, lang)}" if code else kb.label(iri, lang)
    if kb.is_a(iri, DCTERMS + "Standard"):
        number = identifier(kb, iri)
        text = title(kb, iri, lang)
        return f"{number} {text}" if number else text
    return kb.label(iri, lang)


def node(kb: "KnowledgeBase", iri: str, lang: str = "en") -> dict:
    """The JSON form of an entity in answers: ``{"iri", "id", "label"}``."""
    iri = kb.expand(iri)
    return {"iri": iri, "id": kb.qname(iri), "label": name(kb, iri, lang)}
