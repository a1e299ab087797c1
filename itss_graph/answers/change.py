"""Change impact: what a planned change that takes CIs down touches, and how to run it.

The services affected come from the blast radius of the CIs going down (the same classes as
``impact`` and ``blast-radius``: a service taken down by the change itself is down; one left
without redundancy is at risk); the change and release processes and the roles that carry
them out are knowledge-base entities (with their white-paper provenance) named in
``queries/change-impact.yaml``. The suggested window is the policy's window for the criticality
level of the most critical service down (``critical``, ``important``, … of
``queries/criticality.yaml``; a level without a window of its own takes the next more critical
one's), else ``at_risk`` when services only lose redundancy, else ``none``.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> answer = change_impact(example_store(), ["server:db1"])
    >>> answer["summary"]
    {'services_down': 2, 'services_at_risk': 0, 'cis_down': 4}
    >>> window = change_impact(example_store(), ["pdu:a"])["window"]
    >>> window["criticality"], window["driven_by"]
    ('at_risk', 'service:shop')

    >>> answer["window"]["text"]["en"][:40]
    'Approved maintenance window, lowest traf'
"""

from __future__ import annotations

from typing import Sequence

from itss_graph.engine.blast import blast_radius
from itss_graph.errors import ItssError
from itss_graph.i18n import M_
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
            raise ItssError(M_("{path}: {cell} is not in the knowledge base", path=query.path, cell=cell))
        roles += [describe_entity(kb, kb.qname(role), query.path) for role in kb.objects(iri, "itss:requires")]
    windows = query.extra.get("windows", {})
    key, driven_by = window_key(radius, windows)
    return {
        "changed": [{"id": s.id, "type": s.type, "name": s.name} for s in radius.impact.sources],
        "services": [s.as_dict() for s in radius.services_page()],
        "window": {"driven_by": driven_by, "criticality": key, "text": windows.get(key, {})},
        "knowledge": {"processes": processes, "roles": roles},
        "summary": {"services_down": len(radius.down),
                    "services_at_risk": len(radius.at_risk),
                    "cis_down": radius.impact.whole.columns.count_down()},
        "redundancy": [g.as_dict() for g in radius.losses],
        "policy": str(query.path),
    }


def window_key(radius, windows: dict) -> tuple[str, str | None]:
    """(the windows entry that applies, the service or situation that decides it): the most
    critical service down (a level without a window takes the next more critical level's; a
    service of unknown criticality the least critical window), else ``at_risk``, else ``none``."""
    from itss_graph.criticality import criticality_policy

    if radius.down:
        levels = list(criticality_policy().levels)
        first = radius.down[0]
        start = levels.index(first.criticality) if first.criticality in levels else len(levels) - 1
        for level in reversed(levels[:start + 1]):
            if level in windows:
                return level, first.id
        return next((lvl for lvl in levels if lvl in windows), "none"), first.id
    if radius.at_risk:
        return ("at_risk" if "at_risk" in windows else "none"), radius.at_risk[0].id
    return "none", None
