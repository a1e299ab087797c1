"""What a dependency or service map shows, gathered from the store: the views in
``render/depmap.py`` draw it (they never query a store).

Example:
    >>> from itss_graph.loading.example import example_store
    >>> m = dependency_map(example_store(), "application:shop", direction="both")
    >>> sorted(m.spof_ids), m.rests_on_total
    (['database:orders', 'rack:a01', 'server:db1', 'site:dc1'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itss_graph.engine.impact import impact
from itss_graph.engine.locations import locations_of
from itss_graph.engine.reach import downstream
from itss_graph.engine.result import ImpactResult
from itss_graph.engine.spof import spof
from itss_graph.engine.upstream import Subgraph, upstream_subgraph
from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.model import CI
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store

DIRECTIONS = ("up", "down", "both")


@dataclass
class DependencyMap:
    """The keyword arguments of :func:`itss_graph.render.depmap.dependency_view`."""

    upstream: Subgraph | None = None  # what the CI rests on (direction up/both)
    spof_ids: set[str] = field(default_factory=set)
    downstream: ImpactResult | None = None  # what its failure takes with it (down/both)
    rests_on_total: int | None = None  # CIs that could ever be touched by its failure
    cis: dict[str, CI] = field(default_factory=dict)
    locations: dict[str, dict[str, str]] | None = None


def dependency_map(store: Store, ci_id: str, *, direction: str = "up", max_depth: int | None = None,
                   group_by: str = "type", max_nodes: int = 1500,
                   schema: Schema | None = None) -> DependencyMap:
    """Everything the map around ``ci_id`` draws: ``up`` what it rests on (with its single
    points of failure), ``down`` what its failure takes with it, or ``both``; places of the CIs
    when the map will be grouped by rack or site."""
    if direction not in DIRECTIONS:
        raise ItssError(M_("direction must be one of {directions}, not {direction!r}", directions=', '.join(DIRECTIONS), direction=direction))
    schema = schema or load_schema()
    out = DependencyMap()
    if direction in ("up", "both"):
        out.upstream = upstream_subgraph(store, [ci_id], schema=schema)
        out.spof_ids = {p.id for p in spof(store, ci_id, schema=schema).points}
    if direction in ("down", "both"):
        out.downstream = impact(store, [ci_id], max_depth=max_depth, schema=schema, with_props=True)
        out.rests_on_total = len(downstream(store, [ci_id], schema=schema))
    ids = ({ci_id} | set(out.upstream.ids if out.upstream else ())
           | set(out.downstream.columns.ids if out.downstream else ()))
    out.cis = store.get_cis(sorted(ids))
    if group_by != "type" and len(ids) > max_nodes:
        out.locations = locations_of(store, ids, schema)
    return out


@dataclass
class ServiceMap:
    """The arguments of :func:`itss_graph.render.depmap.service_view` after the service id."""

    upstream: Subgraph
    spof_ids: set[str]
    cis: dict[str, CI]
    locations: dict[str, dict[str, str]] | None = None


def service_map(store: Store, service: str, *, group_by: str = "type", max_nodes: int = 1500,
                schema: Schema | None = None) -> ServiceMap:
    """A business service and everything it rests on, its single points of failure marked.

    >>> from itss_graph.loading.example import example_store
    >>> m = service_map(example_store(), "service:shop")
    >>> len(m.upstream.ids), sorted(m.spof_ids)[:2]
    (12, ['application:shop', 'database:orders'])
    """
    schema = schema or load_schema()
    sub = upstream_subgraph(store, [service], schema=schema)
    kind = sub.types[sub.position[service]]
    if kind not in schema.service_types():
        raise ItssError(M_("{service} is a {kind}, not a service (`itss view deps {service}` maps any CI)", service=service, kind=kind))
    spofs = {p.id for p in spof(store, service, schema=schema).points}
    cis = store.get_cis(sub.ids)
    locations = locations_of(store, sub.ids, schema) if group_by != "type" and len(sub.ids) > max_nodes else None
    return ServiceMap(sub, spofs, cis, locations)
