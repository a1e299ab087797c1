"""Reason chains: how an answer connects what was asked to a fact of the knowledge base.

A chain is a list of :class:`Step`; each step is one triple (of the knowledge base, or of the
CMDB store or the profile file for the first steps) shown in the direction it is read, with the
provenance of the triple. Printed, a chain reads like the knowledge graph it walks:

    database --itss:category--> 040301 基础软件运维服务 --skos:broader--> 0403 软件运维服务
    --skos:broader--> 04 运行维护服务 <--itss:appliesToCategory-- GB/T 28827.1 …

Example:
    >>> a, b = Node("cmdb:Database", "database"), Node("kb:cat-040301", "040301 基础软件运维服务")
    >>> chain_text([Step(a, "itss:category", b)])
    'database --itss:category--> 040301 基础软件运维服务'
"""

from __future__ import annotations

from itss_graph.frozen import Frozen
from itss_graph.knowledge.display import name

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Sequence
    from itss_graph.knowledge.kb import KnowledgeBase, SourceRef


class Node(Frozen):
    """An end of a step: a knowledge-base entity (``iri`` set) or an outside thing (a CI, a
    profile field), with the label shown to people."""

    __slots__ = ("id", "label", "iri")

    def __init__(self, id: str, label: str, iri: str | None = None):
        init = object.__setattr__
        init(self, "id", id)
        init(self, "label", label)
        init(self, "iri", iri)

    @classmethod
    def of(cls, kb: "KnowledgeBase", iri: str, lang: str) -> "Node":
        """The node of a knowledge-base entity, named in ``lang`` (made once per knowledge base:
        an answer names the same entities many times)."""
        nodes = kb.memo("reasons.Node")
        key = (cls, iri, lang)
        found = nodes.get(key)
        if found is None:
            full = kb.expand(iri)
            found = nodes[key] = cls(kb.qname(full), name(kb, full, lang), full)
        return found

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "iri": self.iri}


class Step(Frozen):
    """``source --predicate--> target``, or with ``inverse`` the triple ``target --predicate-->
    source`` read backwards (shown ``source <--predicate-- target``); ``sources``: the
    provenance of the triple (:class:`~itss_graph.knowledge.kb.SourceRef`, ...)."""

    __slots__ = ("source", "predicate", "target", "inverse", "sources")

    def __init__(self, source: Node, predicate: str, target: Node, inverse: bool = False,
                 sources: tuple[SourceRef, ...] = ()):
        init = object.__setattr__
        init(self, "source", source)
        init(self, "predicate", predicate)
        init(self, "target", target)
        init(self, "inverse", inverse)
        init(self, "sources", sources)

    def text(self) -> str:
        arrow = f"<--{self.predicate}--" if self.inverse else f"--{self.predicate}-->"
        return f"{arrow} {self.target.label}"

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "from": self.source.as_dict(),
            "predicate": self.predicate,
            "to": self.target.as_dict(),
            "direction": "inverse" if self.inverse else "forward",
            "sources": [s.as_dict(lang) for s in self.sources],
        }


def kb_step(kb: "KnowledgeBase", s: str, p: str, o: str, lang: str, *, inverse: bool = False) -> Step:
    """A step for the knowledge-base triple ``s p o`` with its provenance; ``inverse`` shows it
    from ``o`` to ``s``."""
    s, p, o = kb.expand(s), kb.expand(p), kb.expand(o)
    sources = tuple(kb.provenance(s, p, o))
    a, b = Node.of(kb, s, lang), Node.of(kb, o, lang)
    if inverse:
        return Step(b, kb.qname(p), a, True, sources)
    return Step(a, kb.qname(p), b, False, sources)


def chain_text(steps: Sequence[Step]) -> str:
    """The chain as one line of text."""
    if not steps:
        return ""
    return " ".join([steps[0].source.label, *(s.text() for s in steps)])


def chain_sources(steps: Sequence[Step], lang: str = "en") -> list[str]:
    """The distinct provenance of a chain's steps, one line each, in order."""
    seen: dict[str, None] = {}
    for step in steps:
        for ref in step.sources:
            seen.setdefault(ref.describe(lang), None)
    return list(seen)
