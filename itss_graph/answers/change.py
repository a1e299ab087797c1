"""Change impact: what a planned change that takes CIs down touches, and how to run it.

The services affected come from the blast radius of the CIs going down; the change and
release processes and the roles that carry them out are knowledge-base entities (with their
white-paper provenance) named in ``queries/change-impact.yaml``; the suggested window follows
the most critical service affected, per the windows of that file (organisation policy).

Example:
    >>> from itss_graph.loading.example import example_store
    >>> answer = change_impact(example_store(), ["server:db1"])
    >>> answer["summary"]
    {'services_down': 2, 'services_at_risk': 0, 'cis_down': 4}
    >>> answer["window"]["text"]["en"][:40]
    'Approved maintenance window, lowest traf'
"""

from __future__ import annotations

from typing import Sequence

from itss_graph.engine.blast import blast_radius
from itss_graph.errors import ItssError
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


def change_impact(store: Store, ci_ids: Sequence[str], *, schema: Schema | None = None) -> dict:
    from itss_graph import catalogue
    from itss_graph.answers.obligations import describe_entity
    from itss_graph.knowledge.kb import KnowledgeBase

    schema = schema or load_schema()
    query = catalogue.get("change-impact")
    radius = blast_radius(store, ci_ids, schema=schema)
    kb = KnowledgeBase.load()
    knowledge = query.extra.get("knowledge", {})
    processes = [describe_entity(kb, name, query.path) for name in knowledge.get("processes", [])]
    roles = []
    for cell in knowledge.get("roles_from", []):
        iri = kb.expand(cell)
        if iri not in kb:
            raise ItssError(f"{query.path}: {cell} is not in the knowledge base")
        roles += [describe_entity(kb, kb.qname(role), query.path) for role in kb.objects(iri, "itss:requires")]
    windows = query.extra.get("windows", {})
    affected = [s for s in radius.services if s.status == "down"]
    key = affected[0].criticality if affected else "none"
    key = key if key in windows else ("general" if affected else "none")
    return {
        "changed": [{"id": s.id, "type": s.type, "name": s.name} for s in radius.impact.sources],
        "services": [s.as_dict() for s in radius.services],
        "window": {"driven_by": affected[0].id if affected else None, "criticality": key,
                   "text": windows.get(key, {})},
        "knowledge": {"processes": processes, "roles": roles},
        "summary": {"services_down": len(affected),
                    "services_at_risk": sum(s.status == "at-risk" for s in radius.services),
                    "cis_down": sum(1 for e in radius.impact.columns.effects if e == "down")},
        "policy": str(query.path),
    }
