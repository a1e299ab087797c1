"""One CI, everything about it: its properties, its relations in and out with what failure does
across each (the ontology's semantics), its recent history, the business services it supports
(those its failure takes down or puts at risk, most important first) and the ITSS standards
that apply to it first.

Example (the example estate, :mod:`itss_graph.loading.example`):
    >>> from itss_graph.loading.example import example_store
    >>> answer = show(example_store(), "server:db1")
    >>> answer.ci.name, answer.type_labels
    ('DB host 1', {'en': 'server', 'zh': '服务器'})
    >>> [(r.direction, r.type, r.other_id, r.when_other_fails, r.when_this_fails) for r in answer.relations][:3]
    [('out', 'CONNECTED_TO', 'switch:core1', 'degraded', 'degraded'), ('out', 'LOCATED_IN', 'rack:a01', 'down', 'none'), ('out', 'POWERED_BY', 'pdu:a', 'redundant', 'none')]
    >>> [(r.other_id, r.when_this_fails) for r in answer.relations if r.direction == "in"]
    [('database:orders', 'down')]
    >>> [(s["id"], s["status"]) for s in answer.services]
    [('service:shop', 'down'), ('service:reports', 'down')]
    >>> "GB/T 28827.1" in [s["identifier"] for s in answer.standards]
    True
    >>> [e["event"] for e in answer.history], answer.history_total
    (['created'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itss_graph.answers.ci_standards import standards_for_ci
from itss_graph.engine.blast import blast_radius
from itss_graph.errors import UnknownCIError
from itss_graph.model import CI
from itss_graph.stores.base import INCOMING, OUTGOING, Store

if TYPE_CHECKING:
    from itss_graph.schema import Schema


@dataclass(frozen=True)
class RelationView:
    """A relation of the CI: ``out`` (CI -[type]-> other) or ``in`` (other -[type]-> CI), and
    what failure does across it: ``when_other_fails`` is the effect on this CI when the other
    end fails, ``when_this_fails`` the effect on the other end when this CI fails (down,
    degraded, redundant — one of a redundancy group —, or none)."""

    direction: str
    type: str
    label_en: str
    label_zh: str
    other_id: str
    other_type: str
    other_name: str
    when_other_fails: str
    when_this_fails: str
    redundancy_group: str | None = None
    min_up: int | None = None

    def as_dict(self) -> dict:
        return {"direction": self.direction, "type": self.type,
                "label": {"en": self.label_en, "zh": self.label_zh},
                "other": {"id": self.other_id, "type": self.other_type, "name": self.other_name},
                "when_other_fails": self.when_other_fails, "when_this_fails": self.when_this_fails,
                "redundancy_group": self.redundancy_group, "min_up": self.min_up}


@dataclass
class ShowAnswer:
    """The answer of :func:`show`. Its JSON (``as_dict``, ``itss show --format json``)::

        {"ci": {"id", "type", "name", "props"},
         "type": {"name", "label": {"en", "zh"}, "layer", "is_service"},
         "relations": [{"direction": "out"|"in", "type", "label": {"en", "zh"},
                        "other": {"id", "type", "name"}, "when_other_fails", "when_this_fails",
                        "redundancy_group", "min_up"}],
         "relations_total": {"out": n, "in": n},
         "history": [the store's history events, oldest first], "history_total": n,
         "services": [{"id", "name", "status", "criticality", "sla", "users", "depth"}],
         "services_summary": {"down": n, "at_risk": n},
         "standards": [{"rank", "id", "identifier", "title", "status", "facets"}],
         "standards_total": n, "lang": "en"|"zh"}

    Lists are cut at the limits given to :func:`show`; the ``*_total`` fields count them all.
    """

    ci: CI
    type_labels: dict[str, str]
    layer: int
    is_service: bool
    relations: list[RelationView] = field(default_factory=list)
    relations_total: dict[str, int] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    history_total: int = 0
    services: list[dict] = field(default_factory=list)
    services_summary: dict[str, int] = field(default_factory=lambda: {"down": 0, "at_risk": 0})
    standards: list[dict] = field(default_factory=list)
    standards_total: int = 0
    lang: str = "en"

    def as_dict(self) -> dict:
        return {"ci": {"id": self.ci.id, "type": self.ci.type, "name": self.ci.name, "props": self.ci.props},
                "type": {"name": self.ci.type, "label": dict(self.type_labels), "layer": self.layer,
                         "is_service": self.is_service},
                "relations": [r.as_dict() for r in self.relations],
                "relations_total": dict(self.relations_total),
                "history": self.history, "history_total": self.history_total,
                "services": self.services, "services_summary": dict(self.services_summary),
                "standards": self.standards, "standards_total": self.standards_total,
                "lang": self.lang}


def show(store: Store, ci_id: str, *, relations: int = 50, history: int = 5, services: int = 20,
         standards: int = 5, lang: str = "en", schema: "Schema | None" = None) -> ShowAnswer:
    """Everything about ``ci_id`` (see the module); an unknown id is an
    :class:`UnknownCIError`. ``relations`` (per direction), ``history`` (the most recent),
    ``services`` and ``standards`` bound the lists (0 leaves the part out: the services and
    standards parts are the costly ones, an impact walk and the knowledge base)."""
    from itss_graph.schema import load_schema

    schema = schema or load_schema()
    ci = store.get_cis([ci_id]).get(ci_id)
    if ci is None:
        raise UnknownCIError([ci_id])
    ci_type = schema.ci_types.get(ci.type)
    answer = ShowAnswer(ci, {"en": ci_type.label_en if ci_type else "", "zh": ci_type.label_zh if ci_type else ""},
                        schema.layer(ci.type), bool(ci_type and ci_type.is_service), lang=lang)
    answer.relations, answer.relations_total = _relations(store, ci_id, schema, relations)
    events = store.history(ci_id)
    answer.history, answer.history_total = (events[-history:] if history else []), len(events)
    if services:
        radius = blast_radius(store, [ci_id], schema=schema)
        answer.services = [s.as_dict() for s in radius.services_page(0, services)]
        summary = radius.summary()
        answer.services_summary = {"down": summary["down"], "at_risk": summary["at_risk"]}
    if standards:
        ranked = standards_for_ci(store, ci_id, lang, schema)
        answer.standards_total = len(ranked.applicable)
        answer.standards = [_standard(r) for r in ranked.applicable[:standards]]
    return answer


def _relations(store: Store, ci_id: str, schema: "Schema", limit: int) -> tuple[list[RelationView], dict]:
    types = list(schema.relation_types)
    found = {OUTGOING: store.edges_with_groups([ci_id], OUTGOING, types),
             INCOMING: store.edges_with_groups([ci_id], INCOMING, types)}
    kept = {d: sorted(edges, key=lambda e: (e[1], e[2]))[:limit] for d, edges in found.items()}
    headers = store.headers([e[2] for edges in kept.values() for e in edges])
    out = []
    for direction, edges in kept.items():
        for _, rel_type, other, group, min_up in edges:
            rel = schema.relation_types[rel_type]
            # out: this -[r]-> other: other is r's target; in: other -[r]-> this: other is its source
            other_fails, this_fails = ((rel.on_target_failure, rel.on_source_failure) if direction == OUTGOING
                                       else (rel.on_source_failure, rel.on_target_failure))
            other_type, other_name = headers.get(other, ("", ""))
            out.append(RelationView(direction, rel_type, rel.label_en, rel.label_zh, other, other_type,
                                    other_name, other_fails, this_fails, group, min_up))
    return out, {d: len(edges) for d, edges in found.items()}


def _standard(result) -> dict:
    return {"rank": result.rank, "id": result.node.id, "identifier": result.identifier,
            "title": result.title, "status": result.status.label if result.status else None,
            "facets": list(dict.fromkeys(r.facet for r in result.reasons))}
