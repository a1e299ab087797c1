"""Turn what is asked about — a GB/T 29264 code or a CI type — into declared facet values with
the chain that leads to each (see :mod:`itss_graph.knowledge.applicability`).

* a **code** declares its category;
* a **CI type** declares the categories (``itss:category``) and service objects
  (``itss:serviceObject``) the knowledge base links its CMDB class to (表3-1 and the data-centre
  files).

A CI of the CMDB (its type, and the services its failure reaches) needs the engine and a store:
that answer is :mod:`itss_graph.answers.ci_standards`, a layer above this package.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> [(d.facet, kb.qname(d.value)) for d in declared_for_ci_type(kb, "database", "en")][:2]
    [('category', 'kb:cat-040301'), ('service_object', 'kb:svcobj-数据库')]
"""

from __future__ import annotations

from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.knowledge.applicability import Declared, Query
from itss_graph.knowledge.kb import ITSS
from itss_graph.knowledge.reasons import Node, Step, kb_step

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase
    from itss_graph.schema import Schema

CATEGORY = ITSS + "category"
SERVICE_OBJECT = ITSS + "serviceObject"
SERVICE_CATEGORY = ITSS + "ServiceCategory"


class UnknownSubjectError(ItssError):
    """The code or CI type asked about is unknown."""


def resolve_code(kb: "KnowledgeBase", code: str) -> str:
    """The GB/T 29264 category of a code (``"040301"``) or a category name.

    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> KnowledgeBase.load().qname(resolve_code(KnowledgeBase.load(), "0403"))
    'kb:cat-0403'
    """
    found = kb.resolve(code, [SERVICE_CATEGORY])
    if len(found) != 1:
        raise UnknownSubjectError(
            M_("unknown GB/T 29264 code {code!r}", code=code) if not found
            else M_("ambiguous GB/T 29264 category {code!r}: {codes}", code=code,
                    codes=", ".join(kb.notation(f) or f for f in found)))
    return found[0]


def declared_for_code(kb: "KnowledgeBase", code: str, lang: str = "en") -> tuple[Query, list[Declared]]:
    """The query and declared facets of ``itss standards --code CODE``."""
    from itss_graph.knowledge.display import name

    cat = resolve_code(kb, code)
    return Query("code", code, name(kb, cat, lang)), [Declared("category", cat)]


def _ci_type(schema: "Schema", type_name: str):
    name = schema.resolve_ci_type(type_name)
    if name is None:
        raise UnknownSubjectError(M_("unknown CI type {type_name!r} (see `itss types`)", type_name=type_name))
    return schema.ci_types[name]


def declared_for_ci_type(kb: "KnowledgeBase", type_name: str, lang: str = "en", *,
                         schema: "Schema | None" = None, start: Node | None = None) -> list[Declared]:
    """Facets of a CI type: the categories and service objects of its CMDB class.

    ``start`` is the node the chains begin at (the CI, when asked about a CI).
    """
    from itss_graph.schema import load_schema

    ci_type = _ci_type(schema or load_schema(), type_name)
    cls = ci_type.iri
    label = ci_type.label_zh if lang == "zh" else ci_type.label_en
    type_node = Node(kb.qname(cls), f"{ci_type.name} ({label})" if label and label != ci_type.name else ci_type.name,
                     cls)
    head: tuple[Step, ...] = ()
    if start is not None:
        head = (Step(start, "cmdb:type", type_node),)
    out = []
    for prop, facet in ((CATEGORY, "category"), (SERVICE_OBJECT, "service_object")):
        for value in kb.objects(cls, prop):
            if isinstance(value, str):
                step = kb_step(kb, cls, prop, value, lang)
                step = Step(type_node, step.predicate, step.target, False, step.sources)
                out.append(Declared(facet, value, (*head, step)))
    return out


def query_for_ci_type(kb: "KnowledgeBase", type_name: str, lang: str = "en",
                      schema: "Schema | None" = None) -> tuple[Query, list[Declared]]:
    """The query and declared facets of ``itss standards --ci-type TYPE``."""
    from itss_graph.schema import load_schema

    ci_type = _ci_type(schema or load_schema(), type_name)
    return Query("ci-type", type_name, ci_type.name), declared_for_ci_type(kb, type_name, lang, schema=schema)
