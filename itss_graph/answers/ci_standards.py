"""Which ITSS standards apply to a CI of the CMDB.

A CI declares what its type declares (:func:`itss_graph.knowledge.subjects.declared_for_ci_type`:
the GB/T 29264 categories and service objects the knowledge base links its CMDB class to), its own
``category`` property when it is a service, and the categories of the business services it
supports: those its failure reaches downstream through the relations' failure semantics
(:func:`itss_graph.engine.impact.impact`), each carrying a GB/T 29264 code in its ``category``
property. The applicability rule itself is :func:`itss_graph.knowledge.applicability.evaluate`.

Example (the demo bank estate; its business services carry no GB/T 29264 code):
    >>> import tempfile, pathlib
    >>> from itss_graph.loading.load import load_inventory
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> from itss_graph.synth import write_estate
    >>> where = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_estate(where / "estate", scale=0.01)
    >>> store = SQLiteStore(where / "demo.db")
    >>> _ = load_inventory([where / "estate"], store)
    >>> answer = standards_for_ci(store, "storage-array:dc1-san1")
    >>> answer.ids()[:2], sorted((s["id"], s["effect"]) for s in answer.extra["services"])
    (['kb:std-运维-4', 'kb:std-运维-1'], [('service:0002', 'down'), ('service:0003', 'down')])
    >>> store.close()
"""

from __future__ import annotations


from itss_graph.engine.impact import impact
from itss_graph.errors import UnknownCIError
from itss_graph.knowledge.applicability import Answer, Declared, Query, evaluate
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.reasons import Node, Step
from itss_graph.knowledge.subjects import SERVICE_CATEGORY, declared_for_ci_type
from itss_graph.schema import load_schema

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.schema import Schema
    from itss_graph.stores.base import Store


def declared_for_ci(kb: "KnowledgeBase", store: "Store", ci_id: str, lang: str = "en", *,
                    schema: "Schema | None" = None) -> tuple[Query, list[Declared], dict]:
    """Facets of a CI of the store: its type's, its own category (a service), and its services'.

    Returns the query, the declared facets and a summary of the services found (for answers).
    An unknown CI is :class:`itss_graph.errors.UnknownCIError`.
    """
    schema = schema or load_schema()
    cis = store.get_cis([ci_id])
    if ci_id not in cis:
        raise UnknownCIError([ci_id])
    ci = cis[ci_id]
    ci_node = Node(ci.id, f"{ci.id} ({ci.name})" if ci.name and ci.name != ci.id else ci.id)
    declared = declared_for_ci_type(kb, ci.type, lang, schema=schema, start=ci_node)
    services: list[dict] = []
    if ci.type in schema.service_types():
        declared += _service_category(kb, ci.props, (), ci_node, lang)
    result = impact(store, [ci_id], schema=schema)
    for hit in result.services:
        svc_node = Node(hit.id, f"{hit.id} ({hit.name})" if hit.name and hit.name != hit.id else hit.id)
        reach = Step(ci_node, f"supports ({hit.effect} when it fails, {hit.depth} hop"
                              f"{'s' if hit.depth != 1 else ''}, last via {hit.via})", svc_node)
        props = result.props.get(hit.id, {})
        found = _service_category(kb, props, (reach,), svc_node, lang)
        declared += found
        services.append({"id": hit.id, "name": hit.name, "effect": hit.effect, "depth": hit.depth,
                         "category": props.get("category"),
                         "category_known": bool(found) if props.get("category") else None})
    label = f"{ci.id} ({ci.type})"
    return Query("ci", ci_id, label), declared, {"ci": {"id": ci.id, "type": ci.type, "name": ci.name},
                                                 "services": services}


def standards_for_ci(store: "Store", ci_id: str, lang: str = "en", schema: "Schema | None" = None, *,
                     kb: "KnowledgeBase | None" = None) -> Answer:
    """The ``itss standards --ci ID`` answer: :func:`declared_for_ci`, evaluated; the CI and the
    services it supports are in ``answer.extra``."""
    kb = kb or KnowledgeBase.load()
    query, declared, extra = declared_for_ci(kb, store, ci_id, lang, schema=schema)
    answer = evaluate(kb, declared, query, lang)
    answer.extra.update(extra)
    return answer


def _service_category(kb: "KnowledgeBase", props: dict, head: tuple[Step, ...], svc_node: Node,
                      lang: str) -> list[Declared]:
    code = props.get("category")
    if code in (None, ""):
        return []
    found = kb.resolve(str(code), [SERVICE_CATEGORY])
    if len(found) != 1:
        return []
    cat = found[0]
    step = Step(svc_node, "property category", Node.of(kb, cat, lang))
    return [Declared("category", cat, (*head, step))]
