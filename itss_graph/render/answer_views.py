"""Views of the canned-query answers that are trees or chains, for ``--html FILE`` on
``itss depends`` and ``itss path``: each takes the command's own answer object.

* :func:`depends_view` — a :class:`~itss_graph.engine.depends.DependsResult`: the target on top,
  each CI it rests on under the CI it is linked to one step nearer (the answer's ``to``/``via``),
  single points of failure outlined in red;
* :func:`paths_view` — a :class:`~itss_graph.engine.depends.PathsResult`: every chain along which
  the provider's failure reaches the dependant, left to right, the shortest one in bold red.

Example:
    >>> from itss_graph.engine.depends import Dependency, DependsResult
    >>> from itss_graph.schema import load_schema
    >>> r = DependsResult({"id": "vm1", "type": "vm", "name": "web"},
    ...                   [Dependency("c1", "cluster", "prod", 1, "RUNS_ON", "vm1", True)])
    >>> v = depends_view(r, load_schema())
    >>> [(e.source, e.label, e.target) for e in v.edges], v.nodes[1].border
    ([('vm1', 'RUNS_ON', 'c1')], '#d62728')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.render.aggregate import aggregate, group_node
from itss_graph.render.graphview import GraphView, ViewEdge, ViewNode
from itss_graph.render.palette import SERVICE_BORDER, SPOF_BORDER, TARGET_COLOUR, layer_colour, layer_legend

if TYPE_CHECKING:
    from itss_graph.engine.depends import DependsResult, PathsResult
    from itss_graph.schema import Schema

MAX_DRAWN = 1500


def _written(schema: "Schema", relation: str, dependant: str, provider: str) -> tuple[str, str]:
    """(source, target) of the relation as the CMDB writes it between a dependant and its provider."""
    rel = schema.relation_types.get(relation)
    if rel is None or rel.on_target_failure != "none":
        return dependant, provider
    return provider, dependant


def depends_view(result: "DependsResult", schema: "Schema", *, max_nodes: int = MAX_DRAWN,
                 lang: str = "en") -> GraphView:
    """The answer of ``itss depends`` as a tree (grouped by type above ``max_nodes`` CIs)."""
    zh = lang == "zh"
    services = schema.service_types()
    target = result.target
    nodes = [ViewNode(target["id"], target["name"] or target["id"], color=TARGET_COLOUR, shape="star", size=30,
                      level=0, font_color="#000", tooltip=f"{target['name']}\n{target['id']} · {target['type']}",
                      details=dict(target), search=f"{target['id']} {target['name']}", kind="target")]
    edges = []
    types = {target["id"]: target["type"]}
    for d in result.dependencies:
        types[d.id] = d.type
        is_service = d.type in services
        nodes.append(ViewNode(
            d.id, d.name or d.id, color=layer_colour(schema.layer(d.type)), shape="box" if is_service else "dot",
            size=14, level=d.distance, border=SPOF_BORDER if d.spof else (SERVICE_BORDER if is_service else None),
            tooltip=f"{d.name}\n{d.id} · {d.type}\ndistance {d.distance}" + ("\nsingle point of failure" if d.spof else ""),
            details=d.as_dict(), search=f"{d.id} {d.name}"))
        source, dest = _written(schema, d.via, d.to, d.id)
        edges.append(ViewEdge(source, dest, label=d.via, details={"relation": d.via, "from": source, "to": dest}))
    notes = []
    if len(result.dependencies) > max_nodes:
        spofs = {d.id for d in result.dependencies if d.spof}

        def key(n: ViewNode):
            return None if n.kind == "target" or n.id in spofs else types[n.id]

        def make(k, members):
            return group_node(k, f"{k} × {len(members)}", members, color=layer_colour(schema.layer(str(k))),
                              level=min(m.level or 0 for m in members))

        nodes, edges = aggregate(nodes, edges, key, make)
        notes.append(f"{len(result.dependencies)} 个配置项：按类型分组显示（单点故障单独显示）。" if zh else
                     f"{len(result.dependencies)} CIs: more than {max_nodes}, so grouped by type "
                     "(single points of failure stay on their own).")
    summary = result.as_dict()["summary"]
    return GraphView(
        (f"{target['id']} 依赖的配置项" if zh else f"What {target['id']} rests on"),
        nodes, edges, subtitle=(f"{summary['total']} 个，单点故障 {summary['spof']} 个" if zh else
                                f"{summary['total']} CIs, {summary['spof']} single points of failure"),
        legend=[("目标" if zh else "the CI asked about", TARGET_COLOUR)]
        + layer_legend([schema.layer(t) for t in types.values()], lang)
        + [("红边：单点故障" if zh else "red outline: single point of failure", SPOF_BORDER)],
        notes=notes, hierarchical=True, lang=lang, kind="depends", represents=len(result.dependencies) + 1,
        serve=("/depends", {"target": target["id"]}),
        row_keys={n.id: types.get(n.members[0] if n.members else n.id, "") for n in nodes})


def paths_view(result: "PathsResult", *, lang: str = "en") -> GraphView:
    """The answer of ``itss path``: its chains, provider on the left, dependant on the right."""
    zh = lang == "zh"
    nodes: dict[str, ViewNode] = {}
    edges: dict[tuple[str, str, str], ViewEdge] = {}
    shortest = {(a["id"], b["id"]) for a, b in zip(result.shortest, result.shortest[1:])}
    for chain in ([result.shortest] if result.shortest else []) + result.paths:
        for k, step in enumerate(chain):
            level = min(k, nodes[step["id"]].level) if step["id"] in nodes else k  # type: ignore[type-var]
            if step["id"] not in nodes:
                ends = {result.target: TARGET_COLOUR, result.source: TARGET_COLOUR}
                nodes[step["id"]] = ViewNode(
                    step["id"], step["name"] or step["id"], color=ends.get(step["id"], "#9ecae1"),
                    shape="star" if step["id"] in ends else "dot", size=26 if step["id"] in ends else 14,
                    level=level, tooltip=f"{step['name']}\n{step['id']} · {step['type']}",
                    details={k2: step[k2] for k2 in ("id", "type", "name")}, search=f"{step['id']} {step['name']}")
            nodes[step["id"]].level = level
            if k + 1 < len(chain):
                nxt = chain[k + 1]
                source, dest = (nxt["id"], step["id"]) if step["direction"] == "<-" else (step["id"], nxt["id"])
                key = (source, step["relation"], dest)
                bold = (step["id"], nxt["id"]) in shortest
                if key not in edges:
                    edges[key] = ViewEdge(source, dest, label=step["relation"], color="#c0392b" if bold else "#888",
                                          width=3.0 if bold else 1.0,
                                          details={"relation": step["relation"], "from": source, "to": dest})
    title = (f"{result.source} 如何依赖 {result.target}" if zh else f"How {result.source} depends on {result.target}")
    subtitle = ((f"{len(result.paths)} 条链" if zh else f"{len(result.paths)} chains")
                + ((" （有上限，另有更多）" if zh else " (bounded; more exist)") if result.truncated else "")
                if result.shortest else ("不依赖" if zh else "it does not depend on it"))
    return GraphView(title, list(nodes.values()), list(edges.values()), subtitle=subtitle,
                     legend=[("两端" if zh else "the two CIs", TARGET_COLOUR),
                             ("最短链" if zh else "shortest chain", "#c0392b")],
                     hierarchical=True, direction="LR", lang=lang, kind="path", level_separation=180,
                     represents=len(nodes), serve=("/path", {"dependant": result.source, "provider": result.target}))
