"""The impact view: what a failure takes down, as an interactive layered graph.

The failed CIs are on top (stars), each impacted CI under the CI the failure reached it from,
one level per relation crossed; colour by effect (lost: red, darker nearer the failure;
degraded: violet, dashed edge) and business services drawn as boxes with a blue border.
Arrows go the way failure spreads; each edge's details give the relation as the CMDB states it
(``application -DEPENDS_ON-> database``) beside the way failure crossed it. When several CIs
fail together, ``links`` (:func:`itss_graph.engine.links.failure_links`) adds the relations by
which each failed CI reaches CIs the answer records as reached from another one, so no failed
CI stands unconnected. Services *at risk* (``at_risk``: a blast radius's services of status
``at-risk``) are drawn as white boxes with a dashed amber border, under the failed CIs. The
ITSS obligations of the answer (event level, emergency steps, processes, roles, reports, each
with its white-paper source) fill a side panel.

Above ``max_nodes`` impacted CIs the view draws groups instead — by type (default), rack, site
or the business service the CIs lead to — split by effect, with a note saying so; services stay
individual boxes while there are at most :data:`MAX_SERVICES` of them.

Example:
    >>> from itss_graph.engine.result import ImpactResult, ImpactedCI
    >>> from itss_graph.model import CI
    >>> r = ImpactResult([CI("c1", "cluster", "prod")], [ImpactedCI("vm1", "vm", "web", 1, "down", "RUNS_ON", "c1")], None)
    >>> v = impact_view(r)
    >>> [(n.id, n.level) for n in v.nodes], [(e.source, e.target, e.label) for e in v.edges]
    ([('c1', 0), ('vm1', 1)], [('c1', 'vm1', 'RUNS_ON')])
    >>> v.edges[0].details["relation (as in the CMDB)"], v.edges[0].details["failure spreads"]
    ('vm1 -RUNS_ON-> c1', 'c1 → vm1 (down)')
"""

from __future__ import annotations

from collections import Counter
from typing import Hashable

from itss_graph.engine.result import ImpactedCI, ImpactResult
from itss_graph.semantics import DOWN
from itss_graph.render.aggregate import GROUP_BY, aggregate, fallback_note, group_node, location_key
from itss_graph.render.graphview import GraphView, ViewEdge, ViewNode
from itss_graph.render.palette import (AT_RISK_BORDER, AT_RISK_FILL, DEGRADED_COLOUR, SERVICE_BORDER,
                                       SOURCE_COLOUR, effect_colour, impact_legend)
from itss_graph.schema import Schema, load_schema

MAX_DRAWN = 1500  # above this many impacted CIs the view draws groups
MAX_SERVICES = 60  # aggregated views keep at most this many services as their own boxes

_CRITICALITY_KEYS = ("criticality", "tier")


def written(schema: Schema, relation: str, reached_from: str, reached: str) -> str:
    """A relation crossed by failure, as the CMDB states it (``source -TYPE-> target``).

    >>> written(load_schema(), "DEPENDS_ON", "database:db", "application:app")
    'application:app -DEPENDS_ON-> database:db'
    >>> written(load_schema(), "SUPPORTS", "application:app", "service:shop")
    'application:app -SUPPORTS-> service:shop'
    """
    rel = schema.relation_types.get(relation)
    if rel is not None and rel.on_target_failure != "none" and rel.on_source_failure == "none":
        return f"{reached} -{relation}-> {reached_from}"  # the failed end was the target
    if rel is not None and rel.on_source_failure != "none" and rel.on_target_failure == "none":
        return f"{reached_from} -{relation}-> {reached}"
    return f"{reached_from} -{relation}- {reached}"  # failure crosses it either way


def _edge_details(schema: Schema, relation: str, reached_from: str, reached: str, effect: str) -> dict:
    return {"relation": relation, "relation (as in the CMDB)": written(schema, relation, reached_from, reached),
            "failure spreads": f"{reached_from} → {reached} ({effect})", "effect": effect}


def impact_view(result: ImpactResult, *, title: str | None = None, lang: str = "en",
                obligations: dict | None = None, group_by: str = "type",
                locations: dict[str, dict[str, str]] | None = None,
                max_nodes: int = MAX_DRAWN, at_risk: list | None = None,
                links: list[tuple[str, str, str]] | None = None, schema: Schema | None = None,
                radius=None) -> GraphView:
    """The impacted subgraph as a layered view (see the module docstring).

    ``obligations`` is the ``as_dict()`` of :func:`itss_graph.answers.obligations.assess`;
    ``locations`` maps CI ids to ``{"rack": ..., "site": ...}`` labels for grouping by place;
    ``at_risk`` the services at risk (objects or dicts with ``id``, ``name``, ``criticality``,
    ``sla``, ``users``); ``links`` more ``(failed id, relation, impacted id)`` failure edges;
    ``radius`` (the answer's :class:`~itss_graph.engine.blast.BlastRadius`) adds a panel of the
    services down and at risk, why, and the redundancy lost.
    """
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}")
    schema = schema or load_schema()
    services = result.service_types
    nodes = [_source_node(s, result) for s in result.sources]
    edges: list[ViewEdge] = []
    grouped = len(result.impacted) > max_nodes
    for i in result.impacted:
        down = i.effect == DOWN
        colour = "#c0392b" if down else DEGRADED_COLOUR
        if grouped:  # only ids and names survive into the groups: build no more than that
            nodes.append(ViewNode(i.id, i.name, search=f"{i.id} {i.name}"))
            edges.append(ViewEdge(i.from_id, i.id, i.via, colour, not down))
            continue
        nodes.append(_impacted_node(i, i.type in services, result.props.get(i.id, {})))
        edges.append(ViewEdge(i.from_id, i.id, label=i.via, color=colour, dashes=not down,
                              details=_edge_details(schema, i.via, i.from_id, i.id, i.effect)))
    effects = dict(zip(result.columns.ids, result.columns.effects))
    for failed, relation, reached in links or []:
        if reached in effects:
            edges.append(ViewEdge(failed, reached, label=relation, color="#888", dashes=True,
                                  details=_edge_details(schema, relation, failed, reached, effects[reached])))
    risky = [_service_fields(s) for s in at_risk or []]
    for node in _at_risk_nodes(risky, lang):
        nodes.append(node)
        for s in result.sources:
            edges.append(ViewEdge(s.id, node.id, label="", color=AT_RISK_BORDER, dashes=True, width=0.5,
                                  details={"at risk": node.label, "because": _AT_RISK_WHY[lang == "zh"],
                                           "failed": s.id}))
    notes: list[str] = []
    if grouped:
        nodes, edges, by = _aggregated(result, nodes, edges, group_by, locations or {}, max_nodes)
        notes.append(_aggregation_note(len(result.impacted), max_nodes, by, lang))
        if by != group_by:
            notes.append(fallback_note(group_by, max_nodes, lang))
    types = {s.id: s.type for s in result.sources}
    types.update(zip(result.columns.ids, result.columns.types))
    summary = result.summary()
    zh = lang == "zh"
    failed = ", ".join(s.id for s in result.sources)
    subtitle = (f"受影响 {summary['total']} 个：中断 {summary['by_effect']['down']}，"
                f"降级 {summary['by_effect']['degraded']}；业务服务中断 {len(result.services)} 个" if zh else
                f"{summary['total']} impacted: {summary['by_effect']['down']} down, "
                f"{summary['by_effect']['degraded']} degraded; {len(result.services)} business services down")
    if at_risk is not None:
        subtitle += (f"，有风险 {len(risky)} 个" if zh else f", {len(risky)} at risk")
    if result.max_depth is not None:
        subtitle += (f"（深度 ≤ {result.max_depth}）" if zh else f" (within depth {result.max_depth})")
    panels = []
    if radius is not None:
        from itss_graph.render.impact import services_panel

        panels.append(services_panel(radius, lang))
    if obligations:
        from itss_graph.render.obligations import obligations_panels

        panels += obligations_panels(obligations, lang)
    return GraphView(
        title=title or (f"{failed} 失效的影响" if zh else f"Impact of the failure of {failed}"),
        subtitle=subtitle, nodes=nodes, edges=edges, notes=notes, panels=panels,
        hierarchical=True, lang=lang, kind="impact", legend=impact_legend(lang),
        node_spacing=200 if notes else 140,  # group boxes are wider than dots
        represents=len(result.sources) + len(result.impacted) + len(risky),
        serve=("/whatif", {"fail": [s.id for s in result.sources]}),
        # a depth reaching hundreds of CIs wraps into a block of rows, a run per CI type in the
        # answer's order (services, then by layer)
        row_keys={n.id: types.get(n.members[0] if n.members else n.id, "") for n in nodes},
        row_order=list(dict.fromkeys(result.columns.types)))


def _source_node(s, result: ImpactResult) -> ViewNode:
    props = result.props.get(s.id) or s.props
    return ViewNode(s.id, s.name or s.id, color=SOURCE_COLOUR, shape="star", size=28, level=0,
                    tooltip=f"{s.name}\n{s.id} · {s.type}\nFAILED", font_color="#000",
                    details={"id": s.id, "type": s.type, "name": s.name, "state": "failed", **props},
                    search=f"{s.id} {s.name}", kind="failed")


_AT_RISK_WHY = {False: "still up, but it rests on a CI the failure left without redundancy: one more "
                       "failure there takes it down",
                True: "仍在运行，但所依赖的配置项已因本次故障失去冗余：那里再出一次故障就会中断"}


def _service_fields(service) -> dict:
    if isinstance(service, dict):
        return service
    return {k: getattr(service, k, "") for k in ("id", "name", "criticality", "sla", "users")}


def _at_risk_nodes(risky: list[dict], lang: str) -> list[ViewNode]:
    """One box per service at risk; above :data:`MAX_SERVICES`, one box per criticality."""
    if len(risky) <= MAX_SERVICES:
        return [_at_risk_node(svc, lang) for svc in risky]
    by: dict[str, list[dict]] = {}
    for svc in risky:
        by.setdefault(str(svc.get("criticality") or "?"), []).append(svc)
    state = "有风险" if lang == "zh" else "at risk"
    out = []
    for criticality, members in by.items():
        node = group_node(("at-risk", criticality), f"{state} · {criticality} × {len(members)}",
                          [ViewNode(m["id"], m.get("name") or m["id"]) for m in members],
                          color=AT_RISK_FILL, level=1, details={"status": "at-risk", "criticality": criticality,
                                                                 "because": _AT_RISK_WHY[lang == "zh"]})
        node.border, node.dashed_border, node.kind = AT_RISK_BORDER, True, "at-risk"
        out.append(node)
    return out


def _at_risk_node(svc: dict, lang: str) -> ViewNode:
    zh = lang == "zh"
    state = "有风险" if zh else "at risk"
    return ViewNode(
        svc["id"], svc.get("name") or svc["id"], color=AT_RISK_FILL, shape="box", size=22, level=1,
        border=AT_RISK_BORDER, dashed_border=True,
        tooltip=f"{svc.get('name')}\n{svc['id']}\n{state}: {_AT_RISK_WHY[zh]}",
        details={"id": svc["id"], "name": svc.get("name"), "status": "at-risk", "because": _AT_RISK_WHY[zh],
                 **{k: svc.get(k) for k in ("criticality", "sla", "users") if svc.get(k)}},
        search=f"{svc['id']} {svc.get('name')}", kind="at-risk")


def _impacted_node(i: ImpactedCI, is_service: bool, props: dict) -> ViewNode:
    return ViewNode(
        i.id, i.name or i.id, color=effect_colour(i.effect, i.depth),
        shape="box" if is_service else "dot", size=22 if is_service else 14, level=i.depth,
        border=SERVICE_BORDER if is_service else None,
        tooltip=f"{i.name}\n{i.id} · {i.type}\n{i.effect} at depth {i.depth}\nvia {i.via} from {i.from_id}",
        details={"id": i.id, "type": i.type, "name": i.name, "effect": i.effect, "depth": i.depth,
                 "via": i.via, "from": i.from_id, **props},
        search=f"{i.id} {i.name}", kind="service" if is_service else "ci")


def _services_reached(result: ImpactResult) -> dict[str, list[str]]:
    """For each impacted CI, the services below it in the impact tree (names, in order)."""
    parent = {i.id: i.from_id for i in result.impacted}
    names = {i.id: i.name or i.id for i in result.impacted}
    reached: dict[str, list[str]] = {}
    for s in result.services:
        node = s.id
        seen = set()
        while node in parent and node not in seen:
            seen.add(node)
            reached.setdefault(node, []).append(names[s.id])
            node = parent[node]
    return reached


def _criticality(props: dict) -> str:
    for key in _CRITICALITY_KEYS:
        if props.get(key):
            return str(props[key])
    return "?"


def _aggregated(result: ImpactResult, nodes: list[ViewNode], edges: list[ViewEdge], by: str,
                locations: dict[str, dict[str, str]], max_nodes: int):
    info = {i.id: i for i in result.impacted}
    services = result.service_types
    keep_services = len(result.services) <= MAX_SERVICES
    reached = _services_reached(result) if by == "service" else {}

    def key(node: ViewNode) -> Hashable | None:
        i = info.get(node.id)
        if i is None:
            return None  # a failed CI
        if i.type in services:
            return None if keep_services else ("service", _criticality(result.props.get(i.id, {})), i.effect)
        if by == "service":
            found = reached.get(i.id, [])
            place = found[0] if len(found) == 1 else (f"{len(found)} services" if found else None)
        elif by == "type":
            place = None
        else:
            place = (locations.get(i.id) or {}).get(by)
        return (location_key(by, i.type, place), i.effect)

    def make(k: Hashable, members: list[ViewNode]) -> ViewNode:
        first = info[members[0].id]
        label_key, effect = k[-2], k[-1]  # type: ignore[index]
        if k[0] == "service" and len(k) == 3:  # type: ignore[index]
            label_key = f"{first.type} · {k[1]}"  # type: ignore[index]
        depth = min(info[m.id].depth for m in members)
        types = Counter(info[m.id].type for m in members)
        label = f"{label_key} × {len(members)} ({effect})"
        return group_node(k, label, members, color=effect_colour(effect, depth), level=depth,
                          details={"effect": effect, "min depth": depth,
                                   "types": ", ".join(f"{t} {n}" for t, n in types.most_common())})

    grouped, links = aggregate(nodes, edges, key, make)
    if len(grouped) > max_nodes and by != "type":
        return _aggregated(result, nodes, edges, "type", locations, max_nodes)
    for n in grouped:
        if n.members is not None and n.members[0] in info and info[n.members[0]].type in services:
            n.border = SERVICE_BORDER
    return grouped, links, by


def _aggregation_note(total: int, max_nodes: int, by: str, lang: str) -> str:
    if lang == "zh":
        names = {"type": "类型", "rack": "机柜", "site": "站点", "service": "所通向的业务服务"}
        return (f"受影响的配置项有 {total} 个：超过 {max_nodes} 个会画成一团乱麻，因此本图按{names[by]}和影响"
                "分组显示。点击分组可查看成员；搜索可找到分组内的配置项。完整列表请用 --format csv。")
    names = {"type": "type", "rack": "rack", "site": "site", "service": "the business service they lead to"}
    return (f"{total} CIs are impacted: more than {max_nodes} would be an unreadable hairball, so this "
            f"view groups them by {names[by]} and effect. Click a group to see its members; the search "
            "finds a CI inside its group. Use --format csv for the full list.")
