"""Single points of failure: of one service, and across the estate (hotspots).

A single point of failure of a CI ``s`` is a CI whose failure *alone* makes ``s`` lost, given
the redundancy the inventory declares (see :mod:`itss_graph.engine.resilience`). Redundancy
groups themselves are never listed: a group "failing" is all its members failing, not one. Across the
estate, every CI that is a single point of failure of at least one business service is listed
with the services it would take down — ranked, that is the hotspot list.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> estate_spof(SQLiteStore(":memory:")).entries
    []
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from itss_graph.engine.resilience import loss_sets, members
from itss_graph.engine.upstream import Subgraph, upstream_subgraph
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


@dataclass(frozen=True)
class SpofEntry:
    id: str
    type: str
    name: str
    distance: int  # relations between it and the target (shortest)

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "distance": self.distance}


@dataclass
class SpofResult:
    target: dict
    upstream: int  # CIs the target rests on
    points: list[SpofEntry]
    subgraph: Subgraph | None = field(default=None, repr=False, compare=False)  # for views

    def as_dict(self) -> dict:
        return {"target": self.target, "upstream_total": self.upstream,
                "spof": [p.as_dict() for p in self.points],
                "summary": {"total": len(self.points),
                            "by_type": _count(p.type for p in self.points)}}


def spof(store: Store, target: str, *, schema: Schema | None = None) -> SpofResult:
    """The single points of failure of ``target`` (a service or any CI): the CIs whose
    failure alone takes it down, nearest first (redundancy taken into account: the database
    host has two power feeds, so neither PDU is one).

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [p.id for p in spof(store, "service:shop").points]
    ['application:shop', 'database:orders', 'server:db1', 'rack:a01', 'site:dc1']
    """
    schema = schema or load_schema()
    sub = upstream_subgraph(store, [target], schema=schema)
    return _spof_from(sub, sub.position[target], schema)


def _single_points(sub: Subgraph, bits: int, t: int, schema: Schema) -> list[int]:
    groups = {name for name, ci_type in schema.ci_types.items() if ci_type.is_group}
    return [v for v in members(bits) if v != t and sub.types[v] not in groups]


def _spof_from(sub: Subgraph, t: int, schema: Schema) -> SpofResult:
    d = loss_sets(sub)
    points = [SpofEntry(sub.ids[v], sub.types[v], sub.names[v], sub.distance[v])
              for v in _single_points(sub, d[t], t, schema)]
    points.sort(key=lambda p: (p.distance, schema.layer(p.type), p.type, p.id))
    return SpofResult({"id": sub.ids[t], "type": sub.types[t], "name": sub.names[t]},
                      len(sub.ids) - 1, points, sub)


@dataclass(frozen=True)
class EstateSpofEntry:
    id: str
    type: str
    name: str
    services: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name,
                "services_down": len(self.services), "services": list(self.services)}


@dataclass
class EstateSpofResult:
    services_examined: int
    entries: list[EstateSpofEntry] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"services_examined": self.services_examined,
                "spof": [e.as_dict() for e in self.entries],
                "summary": {"total": len(self.entries),
                            "by_type": _count(e.type for e in self.entries)}}


def business_services(store: Store, schema: Schema) -> list[str]:
    """Ids of every CI whose type is a service type, sorted."""
    services = schema.service_types()
    out: list[str] = []
    for batch in store.iter_cis():
        out.extend(ci.id for ci in batch if ci.type in services)
    return sorted(out)


def estate_spof(store: Store, services: Iterable[str] | None = None, *,
                schema: Schema | None = None,
                progress: Callable[[int, int], None] | None = None) -> EstateSpofResult:
    """Every CI whose single failure takes down at least one service, ranked by how many.

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(e.id, len(e.services)) for e in estate_spof(store).entries][:3]
    [('database:orders', 2), ('server:db1', 2), ('rack:a01', 2)]
    """
    schema = schema or load_schema()
    targets = sorted(services) if services is not None else business_services(store, schema)
    hits: dict[str, set[str]] = defaultdict(set)
    info: dict[str, tuple[str, str]] = {}
    for k, service in enumerate(targets, start=1):
        sub = upstream_subgraph(store, [service], schema=schema)
        t = sub.position[service]
        for v in _single_points(sub, loss_sets(sub)[t], t, schema):
            hits[sub.ids[v]].add(service)
            info[sub.ids[v]] = (sub.types[v], sub.names[v])
        if progress:
            progress(k, len(targets))
    entries = [EstateSpofEntry(i, info[i][0], info[i][1], tuple(sorted(s))) for i, s in hits.items()]
    entries.sort(key=lambda e: (-len(e.services), schema.layer(e.type), e.type, e.id))
    return EstateSpofResult(len(targets), entries)


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(sorted(out.items()))
