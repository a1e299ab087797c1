"""Blast radius: the services a failure affects, ranked by what matters to the business.

Services *down* come from the impact analysis; services *at risk* are still up but rest on a
CI that lost redundancy (a redundancy group that lost a member, a device that lost one of its
power feeds): one more failure there could take them down. CIs merely degraded by a lost link
(a cable, a circuit) do not put anything at risk. Ranking: criticality (``criticality`` or
``tier`` property: critical/关键 > important/重要 > general/一般), then SLA (``sla``, e.g.
``99.99``), then users or customers (``users`` / ``customers``), then id.

Example:
    >>> criticality_rank({"tier": "关键"}), criticality_rank({"criticality": "general"})
    (0, 2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from itss_graph.engine.impact import impact
from itss_graph.engine.result import ImpactResult
from itss_graph.engine.reach import downstream
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store

_CRITICALITY = {"critical": 0, "关键": 0, "high": 0, "important": 1, "重要": 1, "medium": 1,
                "general": 2, "一般": 2, "low": 2}


def criticality_rank(props: dict) -> int:
    """0 critical, 1 important, 2 general, 3 unknown."""
    for key in ("criticality", "tier"):
        value = str(props.get(key, "")).strip().lower()
        if value in _CRITICALITY:
            return _CRITICALITY[value]
    return 3


def _number(value) -> float:
    match = re.search(r"\d+(\.\d+)?", str(value or ""))
    return float(match.group()) if match else 0.0


@dataclass(frozen=True)
class AffectedService:
    id: str
    name: str
    status: str  # "down" or "at-risk"
    criticality: str
    sla: str
    users: str
    depth: int | None

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "status": self.status,
                "criticality": self.criticality, "sla": self.sla, "users": self.users,
                "depth": self.depth}


@dataclass
class BlastRadius:
    impact: ImpactResult
    services: list[AffectedService]

    def as_dict(self) -> dict:
        return {"sources": [{"id": s.id, "type": s.type, "name": s.name} for s in self.impact.sources],
                "services": [s.as_dict() for s in self.services],
                "summary": {"down": sum(s.status == "down" for s in self.services),
                            "at_risk": sum(s.status == "at-risk" for s in self.services),
                            "impacted_cis": len(self.impact.columns)}}


_LABELS = ("critical", "important", "general", "")


def services_at_risk(store: Store, result: ImpactResult, schema: Schema) -> set[str]:
    """Business services resting on a CI the failure left without redundancy, and not down
    themselves. Degradation by a lost link (a cable, a circuit) is not a loss of redundancy
    and puts nothing at risk."""
    link_relations = {r.name for r in schema.relation_types.values()
                      if "degraded" in (r.on_target_failure, r.on_source_failure)}
    index_arrays = getattr(result.columns, "index_arrays", None)
    if index_arrays is not None:  # the embedded store's answer: stay in index positions
        return _at_risk_in_index(*index_arrays(), link_relations, schema.service_types())
    degraded = [i for i, e, via in zip(result.columns.ids, result.columns.effects, result.columns.vias)
                if e == "degraded" and via not in link_relations]
    down = {i for i, e in zip(result.columns.ids, result.columns.effects) if e == "down"}
    return downstream(store, degraded, schema=schema, only_types=schema.service_types()) - down


def _at_risk_in_index(index, positions, is_down, via, link_relations, service_types) -> set[str]:
    import numpy as np

    from itss_graph.engine.reach import closure_mask

    link_codes = [k for k, name in enumerate(index.rel_names) if name in link_relations]
    degraded = positions[~is_down & ~np.isin(via, link_codes)]
    at_risk = closure_mask(index, degraded, only_types=service_types)
    at_risk[positions[is_down]] = False
    return set(index.ids_of(np.flatnonzero(at_risk)))


def blast_radius(store: Store, failed: Sequence[str], *, schema: Schema | None = None,
                 with_props: bool = False) -> BlastRadius:
    """Services down or at risk when ``failed`` fail, most important first (``with_props``:
    the impact answer inside carries the impacted CIs' properties, for views).

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(s.id, s.status, s.criticality) for s in blast_radius(store, ["server:db1"]).services]
    [('service:shop', 'down', 'critical'), ('service:reports', 'down', 'general')]
    >>> blast_radius(store, ["pdu:a"]).as_dict()["summary"]
    {'down': 0, 'at_risk': 2, 'impacted_cis': 5}
    """
    schema = schema or load_schema()
    result = impact(store, failed, schema=schema, with_props=with_props)
    service_types = schema.service_types()
    down = {s.id: s.depth for s in result.services if s.effect == "down"}
    at_risk = services_at_risk(store, result, schema)
    candidates = store.get_cis([*down, *at_risk])
    services = []
    for ci in candidates.values():
        if ci.type not in service_types:
            continue
        props = ci.props
        services.append(AffectedService(
            ci.id, ci.name, "down" if ci.id in down else "at-risk",
            _LABELS[criticality_rank(props)], str(props.get("sla", "")),
            str(props.get("users", props.get("customers", ""))), down.get(ci.id)))
    services.sort(key=lambda s: (s.status != "down", _LABELS.index(s.criticality),
                                 -_number(s.sla), -_number(s.users), s.id))
    return BlastRadius(result, services)
