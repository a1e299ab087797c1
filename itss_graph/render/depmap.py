"""Dependency maps: what a CI rests on, what rests on it, and a service's whole stack.

Both maps are drawn from engine answers, never from the store:

* **up** — the upstream subgraph (:func:`itss_graph.engine.upstream.upstream_subgraph`): every
  CI whose failure can cost the target, with every relation between them as the CMDB states it
  (redundant providers shown as ``POWERED_BY (1 of 2)``) and the single points of failure
  (:func:`itss_graph.engine.spof.spof`) outlined in red;
* **down** — the impact answer (:func:`itss_graph.engine.impact.impact`): the CIs the target's
  failure takes down (red outline) or degrades (violet outline), within the depth asked.

:func:`dependency_view` puts the target in the middle, what rests on it above and what it rests
on below, one level per relation. :func:`service_view` lays a service's stack out by the
ontology's layers (service, application, software, compute, network, storage, power,
facilities, external): one row per layer. Nodes are coloured by layer; above ``max_nodes`` CIs
the map groups them (by type, rack or site) with a note saying so.

Example:
    >>> from itss_graph.engine.upstream import Subgraph, ProviderEdge
    >>> from itss_graph.schema import load_schema
    >>> g = Subgraph(); t = g.add_node("vm1", "vm", "web", 0); h = g.add_node("c1", "cluster", "prod", 1)
    >>> g.providers[t] = [ProviderEdge(h, "RUNS_ON", -1, True)]
    >>> v = dependency_view("vm1", load_schema(), upstream=g, spof_ids={"c1"})
    >>> [(n.id, n.level, n.border) for n in v.nodes], [(e.source, e.label, e.target) for e in v.edges]
    ([('vm1', 0, None), ('c1', 1, '#d62728')], [('vm1', 'RUNS_ON', 'c1')])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Hashable

from itss_graph.render.aggregate import aggregate, fallback_note, group_node, location_key
from itss_graph.render.graphview import GraphView, ViewEdge, ViewNode
from itss_graph.render.layout import dependency_order
from itss_graph.render.palette import (DEGRADED_COLOUR, SERVICE_BORDER, SPOF_BORDER, TARGET_COLOUR,
                                       layer_colour, layer_legend)

if TYPE_CHECKING:
    from itss_graph.engine.result import ImpactResult
    from itss_graph.engine.upstream import Subgraph
    from itss_graph.model import CI
    from itss_graph.schema import Schema

MAX_DRAWN = 1500
MAX_KEPT = 60  # single points of failure kept as their own nodes in aggregated maps

DIRECTIONS = ("up", "down", "both")


@dataclass
class _Map:
    """Nodes and edges being assembled, with what each node is (for grouping and details)."""

    nodes: dict[str, ViewNode] = field(default_factory=dict)
    edges: list[ViewEdge] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    keep: set[str] = field(default_factory=set)  # never grouped
    rests: list[tuple[str, str]] = field(default_factory=list)  # (dependant, provider)


def _relation_text(rel: str, provider_first: bool, a: str, b: str) -> str:
    return f"{b} -[{rel}]-> {a}" if provider_first else f"{a} -[{rel}]-> {b}"


def _node(ci_id: str, ci_type: str, name: str, schema: "Schema", level: int, props: dict,
          extra: dict[str, Any], *, border: str | None = None, services: set[str]) -> ViewNode:
    layer = schema.layer(ci_type)
    is_service = ci_type in services
    facts = "\n".join(f"{k}: {v}" for k, v in extra.items())
    return ViewNode(ci_id, name or ci_id, color=layer_colour(layer), shape="box" if is_service else "dot",
                    size=22 if is_service else 14, level=level,
                    border=border or (SERVICE_BORDER if is_service else None),
                    tooltip=f"{name}\n{ci_id} · {ci_type}" + (f"\n{facts}" if facts else ""),
                    details={"id": ci_id, "type": ci_type, "name": name, "layer": layer, **extra, **props},
                    search=f"{ci_id} {name}", kind="service" if is_service else "ci")


def _add_upstream(m: _Map, sub: "Subgraph", target: str, schema: "Schema", spof_ids: set[str],
                  cis: dict[str, "CI"], max_depth: int | None, level_of) -> None:
    services = schema.service_types()
    inside = [v for v in range(len(sub.ids)) if max_depth is None or sub.distance[v] <= max_depth]
    chosen = set(inside)
    for v in inside:
        ci_id = sub.ids[v]
        if ci_id == target or ci_id in m.nodes:
            continue
        spof = ci_id in spof_ids
        extra = {"distance": sub.distance[v], "single point of failure": "yes" if spof else "no"}
        m.nodes[ci_id] = _node(ci_id, sub.types[v], sub.names[v], schema, level_of(v), _props(cis, ci_id),
                               extra, border=SPOF_BORDER if spof else None, services=services)
        m.types[ci_id] = sub.types[v]
        if spof:
            m.keep.add(ci_id)
    for v in inside:
        for e in sub.providers[v]:
            if e.provider not in chosen:
                continue
            a, b = sub.ids[v], sub.ids[e.provider]  # a rests on b
            m.rests.append((a, b))
            label = e.relation
            if e.group >= 0:
                label += f" ({sub.group_min_up[e.group]} of {len(sub.group_members[e.group])})"
            source, dest = (a, b) if e.outgoing else (b, a)
            m.edges.append(ViewEdge(source, dest, label=label, color="#7f7f7f", dashes=e.group >= 0,
                                    tooltip=_relation_text(e.relation, not e.outgoing, a, b),
                                    details={"relation": e.relation, "from": source, "to": dest,
                                             "redundancy": label[len(e.relation):].strip(" ()") or "none"}))


def _add_downstream(m: _Map, result: "ImpactResult", schema: "Schema", cis: dict[str, "CI"]) -> None:
    services = schema.service_types()
    for i in result.impacted:
        border = SPOF_BORDER if i.effect == "down" else DEGRADED_COLOUR
        extra = {"if it fails": i.effect, "depth": i.depth, "via": i.via, "from": i.from_id}
        if i.id in m.nodes:  # also upstream (e.g. a switch it rests on and is cabled to): say both
            node = m.nodes[i.id]
            node.details.update(extra)
            node.tooltip += "".join(f"\n{k}: {v}" for k, v in extra.items())
            node.border = node.border or border
        else:
            m.nodes[i.id] = _node(i.id, i.type, i.name, schema, -i.depth, _props(cis, i.id) or
                                  result.props.get(i.id, {}), extra, border=border, services=services)
            m.types[i.id] = i.type
        m.rests.append((i.id, i.from_id))
        rel = schema.relation_types.get(i.via)
        dependant_writes = rel is None or rel.on_target_failure != "none"
        source, dest = (i.id, i.from_id) if dependant_writes else (i.from_id, i.id)
        m.edges.append(ViewEdge(source, dest, label=i.via,
                                color="#c0392b" if i.effect == "down" else DEGRADED_COLOUR,
                                dashes=i.effect != "down",
                                tooltip=_relation_text(i.via, False, source, dest),
                                details={"relation": i.via, "from": source, "to": dest,
                                         "failure travels": f"{i.from_id} → {i.id} ({i.effect})"}))


def _props(cis: dict[str, "CI"], ci_id: str) -> dict:
    ci = cis.get(ci_id)
    return dict(ci.props) if ci is not None else {}


def _target_node(ci_id: str, ci_type: str, name: str, schema: "Schema", props: dict, level: int) -> ViewNode:
    return ViewNode(ci_id, name or ci_id, color=TARGET_COLOUR, shape="star", size=30, level=level,
                    tooltip=f"{name}\n{ci_id} · {ci_type}", font_color="#000",
                    details={"id": ci_id, "type": ci_type, "name": name, "layer": schema.layer(ci_type),
                             **props},
                    search=f"{ci_id} {name}", kind="target")


def _group(m: _Map, schema: "Schema", by: str, locations: dict[str, dict[str, str]],
           max_nodes: int) -> tuple[list[ViewNode], list[ViewEdge], str]:
    keep = set(m.keep) if len(m.keep) <= MAX_KEPT else set()

    def key(node: ViewNode) -> Hashable | None:
        if node.kind == "target" or node.id in keep or node.id not in m.types:
            return None
        place = None if by == "type" else (locations.get(node.id) or {}).get(by)
        return location_key(by, m.types[node.id], place)

    def make(k: Hashable, members: list[ViewNode]) -> ViewNode:
        types = Counter(m.types[n.id] for n in members)
        main = types.most_common(1)[0][0]
        level = min(n.level for n in members if n.level is not None)
        spofs = sum(1 for n in members if n.border == SPOF_BORDER)
        label = f"{k} × {len(members)}"
        return group_node(k, label, members, color=layer_colour(schema.layer(main)), level=level,
                          details={"types": ", ".join(f"{t} {c}" for t, c in types.most_common()),
                                   "outlined in red": spofs})

    nodes, edges = aggregate(m.nodes.values(), m.edges, key, make)
    if len(nodes) > max_nodes and by != "type":
        return _group(m, schema, "type", locations, max_nodes)
    return nodes, edges, by


def _note(total: int, max_nodes: int, by: str, lang: str) -> str:
    if lang == "zh":
        names = {"type": "类型", "rack": "机柜", "site": "站点"}
        return (f"图中有 {total} 个配置项：超过 {max_nodes} 个会画成一团乱麻，因此按{names.get(by, by)}分组显示"
                "（单点故障仍单独显示）。点击分组可查看成员；搜索可找到分组内的配置项。")
    return (f"{total} CIs: more than {max_nodes} would be an unreadable hairball, so this map groups "
            f"them by {by} (single points of failure stay on their own). Click a group to see its "
            "members; the search finds a CI inside its group.")


def _finish(m: _Map, schema: "Schema", *, group_by: str, locations, max_nodes: int, lang: str,
            notes: list[str]) -> tuple[list[ViewNode], list[ViewEdge], list[str]]:
    total = len(m.nodes)
    if total > max_nodes:
        nodes, edges, by = _group(m, schema, group_by, locations or {}, max_nodes)
        notes = notes + [_note(total - 1, max_nodes, by, lang)]
        if by != group_by:
            notes.append(fallback_note(group_by, max_nodes, lang))
    else:
        nodes, edges = list(m.nodes.values()), m.edges
    return nodes, edges, notes


def _row_keys(m: _Map, nodes: list[ViewNode]) -> tuple[dict[str, str], list]:
    """Banding of the levels (see :mod:`itss_graph.render.layout`): one run of rows per CI
    type, types in the order they rest on each other (pdu, power-feed, power-panel, ups)."""
    def sub(node: ViewNode) -> str:
        if node.members:
            return Counter(m.types[x] for x in node.members).most_common(1)[0][0]
        return m.types.get(node.id, "")

    order = dependency_order(((m.types[a], m.types[b]) for a, b in m.rests if a in m.types and b in m.types),
                             m.types.values())
    return {n.id: sub(n) for n in nodes}, order


def dependency_view(target: str, schema: "Schema", *, upstream: "Subgraph | None" = None,
                    spof_ids: set[str] | frozenset = frozenset(), downstream: "ImpactResult | None" = None,
                    rests_on_total: int | None = None, max_depth: int | None = None,
                    cis: dict[str, "CI"] | None = None, group_by: str = "type",
                    locations: dict[str, dict[str, str]] | None = None, max_nodes: int = MAX_DRAWN,
                    lang: str = "en") -> GraphView:
    """The map around ``target``: what it rests on (``upstream`` with ``spof_ids``), what its
    failure takes with it (``downstream``, an impact answer), or both.

    ``rests_on_total`` — how many CIs rest on the target at any depth, ignoring redundancy
    (:func:`itss_graph.engine.reach.downstream`) — is said in a note beside the drawn
    ``downstream``; ``cis`` gives the properties shown on click.
    """
    if upstream is None and downstream is None:
        raise ValueError("give upstream, downstream or both")
    cis = cis or {}
    m = _Map()
    if upstream is not None:
        t = upstream.position[target]
        info = (upstream.types[t], upstream.names[t])
    else:
        src = downstream.sources[0]  # type: ignore[union-attr]
        info = (src.type, src.name)
    m.nodes[target] = _target_node(target, info[0], info[1], schema, _props(cis, target), 0)
    m.types[target] = info[0]
    if upstream is not None:
        _add_upstream(m, upstream, target, schema, set(spof_ids), cis, max_depth,
                      lambda v: upstream.distance[v])
    if downstream is not None:
        _add_downstream(m, downstream, schema, cis)
    zh = lang == "zh"
    notes = []
    drawn_up = sum(1 for n in m.nodes.values() if n.level is not None and n.level > 0)
    drawn_down = sum(1 for n in m.nodes.values() if n.level is not None and n.level < 0)
    if downstream is not None and rests_on_total is not None:
        notes.append(f"任意深度上依赖它的配置项共 {rests_on_total} 个（不计冗余）；图中画出它失效时中断或降级的 "
                     f"{drawn_down} 个，其余因冗余而保持运行或在深度之外。" if zh else
                     f"{rests_on_total} CIs rest on it at some depth (reachability, redundancy ignored). "
                     f"Drawn above it: the {drawn_down} its failure takes down or degrades"
                     + (f" within depth {max_depth}" if max_depth else "")
                     + ("." if drawn_down >= rests_on_total else
                        "; the others survive thanks to redundancy" + (" or lie deeper." if max_depth else ".")))
    nodes, edges, notes = _finish(m, schema, group_by=group_by, locations=locations, max_nodes=max_nodes,
                                  lang=lang, notes=notes)
    row_keys, row_order = _row_keys(m, nodes)
    parts = []
    if upstream is not None:
        parts.append(f"依赖 {drawn_up} 个（单点故障 {len(set(spof_ids) & set(m.nodes))} 个）" if zh else
                     f"rests on {drawn_up} CIs ({len(set(spof_ids) & set(m.nodes))} single points of failure)")
    if downstream is not None:
        parts.append(f"失效时影响 {drawn_down} 个" if zh else f"its failure impacts {drawn_down}")
    layers = [schema.layer(t) for t in m.types.values()]
    legend = [("目标" if zh else "the CI asked about", TARGET_COLOUR)] + layer_legend(layers, lang) + [
        ("红边：单点故障 / 随之中断" if zh else "red outline: single point of failure / lost with it", SPOF_BORDER),
        ("紫边：降级" if zh else "violet outline: degraded", DEGRADED_COLOUR)]
    direction = "both" if upstream is not None and downstream is not None else ("up" if upstream else "down")
    arrows = ("箭头按配置库中的关系方向；下方是它依赖的，上方是依赖它的" if zh else
              "Arrows are relations as the CMDB states them; below: what it rests on, above: what rests on it")
    return GraphView(
        title=(f"{target} 的依赖图" if zh else f"Dependencies of {target}") + f" ({direction})",
        subtitle=f"{info[1]} · {info[0]}: " + "; ".join(parts)
        + (f" (depth ≤ {max_depth})" if max_depth else ""),
        nodes=nodes, edges=edges, notes=notes + [arrows], legend=legend, hierarchical=True,
        lang=lang, kind="deps", represents=len(m.nodes), row_keys=row_keys, row_order=row_order,
        node_spacing=200 if len(m.nodes) > max_nodes else 140,
        serve=("/graph", {"ci": target, "x": _serve_steps(direction, target)}))


def _serve_steps(direction: str, target: str) -> list[str]:
    """The graph of ``itss serve`` starting at ``target``, expanded the way this map looks."""
    return {"up": [f"providers||{target}"], "down": [f"dependants||{target}"],
            "both": [f"providers||{target}", f"dependants||{target}"]}[direction]


def service_view(service: str, schema: "Schema", upstream: "Subgraph", *,
                 spof_ids: set[str] | frozenset = frozenset(), cis: dict[str, "CI"] | None = None,
                 group_by: str = "type", locations: dict[str, dict[str, str]] | None = None,
                 max_nodes: int = MAX_DRAWN, lang: str = "en") -> GraphView:
    """A service and its whole stack, one row per layer of the ontology (service on top,
    facilities and external providers at the bottom), single points of failure in red."""
    cis = cis or {}
    m = _Map()
    t = upstream.position[service]
    ci_type, name = upstream.types[t], upstream.names[t]
    layer_rows = {layer: row for row, layer in enumerate(sorted({schema.layer(x) for x in upstream.types}))}
    m.nodes[service] = _target_node(service, ci_type, name, schema, _props(cis, service),
                                    layer_rows[schema.layer(ci_type)])
    m.types[service] = ci_type
    _add_upstream(m, upstream, service, schema, set(spof_ids), cis, None,
                  lambda v: layer_rows[schema.layer(upstream.types[v])])
    nodes, edges, notes = _finish(m, schema, group_by=group_by, locations=locations, max_nodes=max_nodes,
                                  lang=lang, notes=[])
    row_keys, row_order = _row_keys(m, nodes)
    zh = lang == "zh"
    types = Counter(m.types.values())
    spofs = len(set(spof_ids) & set(m.nodes))
    layers = sorted(layer_rows)
    return GraphView(
        title=(f"服务 {name} 的架构" if zh else f"Service map of {name}") + f" ({service})",
        subtitle=(f"依赖 {len(m.nodes) - 1} 个配置项，分 {len(layers)} 层；单点故障 {spofs} 个" if zh else
                  f"rests on {len(m.nodes) - 1} CIs in {len(layers)} layers; {spofs} single points of failure"),
        nodes=nodes, edges=edges,
        notes=notes + [("每行一层（本体中的 CI 类型层级）；" if zh else "One row per layer of the ontology; ")
                       + ", ".join(f"{t} {c}" for t, c in types.most_common(8))],
        legend=[("服务" if zh else "the service", TARGET_COLOUR)] + layer_legend(layers, lang)
        + [("红边：单点故障" if zh else "red outline: single point of failure", SPOF_BORDER)],
        hierarchical=True, lang=lang, kind="service", represents=len(m.nodes),
        level_separation=150, row_keys=row_keys, row_order=row_order, serve=("/spof", {"target": service}),
        node_spacing=200 if len(m.nodes) > max_nodes else 140)
