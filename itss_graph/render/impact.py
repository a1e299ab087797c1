"""Render impact answers: text table grouped by type, CSV rows, JSON, and the HTML view.

Example:
    >>> from itss_graph.engine.impact import ImpactResult
    >>> from itss_graph.model import CI
    >>> print(impact_table(ImpactResult([CI("c1", "cluster", "prod")], [], None)))
    Failure of c1 (cluster, prod): nothing else is impacted.
"""

from __future__ import annotations

import json
from itertools import groupby
from json import encoder as json_encoder

from itss_graph.engine.impact import DOWN, ImpactResult
from itss_graph.render.graphview import GraphView, ViewEdge, ViewNode
from itss_graph.render.table import render_table

CSV_HEADERS = ["id", "type", "name", "depth", "effect", "via", "from"]

SOURCE_COLOUR = "#b10026"
DEGRADED_COLOUR = "#f6a623"
# down CIs: darker the closer to the failure
DOWN_COLOURS = ["#e31a1c", "#fc4e2a", "#fd8d3c", "#feb24c", "#fed976"]
SERVICE_BORDER = "#1f3a93"
MAX_DRAWN = 1500  # above this many impacted CIs the view aggregates by type


def _sources_text(result: ImpactResult) -> str:
    return ", ".join(f"{s.id} ({s.type}, {s.name})" for s in result.sources)


def impact_json(result: ImpactResult, extra: dict | None = None) -> str:
    """The JSON contract as text, one impacted CI per line; built straight from the result's
    columns because ``json.dumps`` of 100k dicts costs more than the whole closure.

    >>> from itss_graph.model import CI
    >>> import json
    >>> json.loads(impact_json(ImpactResult([CI("c", "cluster", "c")], [], None)))["impacted"]
    []
    """
    encode = json_encoder.encode_basestring  # C-accelerated, keeps non-ASCII as is
    head = result.head()
    parts = ["{\n"]
    parts.extend(f"  {encode(key)}: {json.dumps(value, ensure_ascii=False)},\n" for key, value in head.items())
    parts.append('  "impacted": [')
    separator = "\n    "
    for i, t, n, d, e, v, f in result.columns.rows():
        parts.append(f'{separator}{{"id": {encode(i)}, "type": {encode(t)}, "name": {encode(n)}, '
                     f'"depth": {d}, "effect": "{e}", "via": {encode(v)}, "from": {encode(f)}}}')
        separator = ",\n    "
    summary = json.dumps(result.summary(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    parts.append(f"\n  ],\n  \"summary\": {summary}")
    for key, value in (extra or {}).items():
        parts.append(f",\n  {encode(key)}: " + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    parts.append("\n}\n")
    return "".join(parts)


def impact_table(result: ImpactResult, limit: int = 50) -> str:
    """Human-readable answer: services first, then one block per CI type, at most ``limit``
    rows per type (0: all)."""
    if not result.impacted:
        return f"Failure of {_sources_text(result)}: nothing else is impacted."
    summary = result.summary()
    effects = summary["by_effect"]
    lines = [f"Failure of {_sources_text(result)} impacts {summary['total']} CIs "
             f"({effects['down']} down, {effects['degraded']} degraded)"
             + (f", within depth {result.max_depth}" if result.max_depth is not None else "") + "."]
    if result.services:
        lines.append(f"Business services impacted: {len(result.services)}")
    for ci_type, group in groupby(result.columns.rows(), key=lambda row: row[1]):
        rows = list(group)
        shown = rows if not limit else rows[:limit]
        lines.append("")
        lines.append(f"{ci_type} ({len(rows)})")
        lines.append(render_table(["id", "name", "effect", "depth", "via", "from"],
                                  [[i, n, e, d, v, f] for i, _, n, d, e, v, f in shown]))
        if len(shown) < len(rows):
            lines.append(f"... and {len(rows) - len(shown)} more (--limit 0 shows all; "
                         "--format csv lists every row)")
    return "\n".join(lines)


def impact_rows(result: ImpactResult) -> list[list]:
    return [list(row) for row in result.columns.rows()]


def impact_view(result: ImpactResult, *, title: str | None = None, lang: str = "en") -> GraphView:
    """The impacted subgraph as a layered view: failed CIs on top, each CI under the one it was
    reached from; colour by effect and depth; services drawn as boxes with a blue border."""
    services = result.service_types
    notes: list[str] = []
    nodes = [
        ViewNode(s.id, s.name or s.id, color=SOURCE_COLOUR, shape="star", size=28, level=0,
                 tooltip=f"{s.name}\n{s.id} · {s.type}\nFAILED",
                 details={"id": s.id, "type": s.type, "name": s.name, "state": "failed", **s.props},
                 search=f"{s.id} {s.name}")
        for s in result.sources
    ]
    edges: list[ViewEdge] = []
    if len(result.impacted) <= MAX_DRAWN:
        for i in result.impacted:
            is_service = i.type in services
            nodes.append(ViewNode(
                i.id, i.name or i.id,
                color=_colour(i.effect, i.depth), shape="box" if is_service else "dot",
                size=22 if is_service else 14, level=i.depth,
                border=SERVICE_BORDER if is_service else None,
                tooltip=(f"{i.name}\n{i.id} · {i.type}\n{i.effect} at depth {i.depth}"
                         f"\nvia {i.via} from {i.from_id}"),
                details={"id": i.id, "type": i.type, "name": i.name, "effect": i.effect,
                         "depth": i.depth, "via": i.via, "from": i.from_id,
                         **result.props.get(i.id, {})},
                search=f"{i.id} {i.name}"))
            edges.append(ViewEdge(i.from_id, i.id, label=i.via,
                                  color="#c0392b" if i.effect == DOWN else DEGRADED_COLOUR,
                                  dashes=i.effect != DOWN))
    else:
        notes.append(f"{len(result.impacted)} CIs are impacted: more than {MAX_DRAWN} would be an "
                     "unreadable hairball, so this view groups them by type and effect. "
                     "Use --format csv for the full list.")
        nodes, edges = _aggregated(result, nodes)
    summary = result.summary()
    return GraphView(
        title=title or f"Impact of the failure of {', '.join(s.id for s in result.sources)}",
        subtitle=(f"{summary['total']} impacted: {summary['by_effect']['down']} down, "
                  f"{summary['by_effect']['degraded']} degraded; "
                  f"{len(result.services)} business services"),
        nodes=nodes, edges=edges, notes=notes, hierarchical=True, lang=lang,
        legend=[("failed", SOURCE_COLOUR)]
        + [(f"down, depth {d + 1}{'+' if d == len(DOWN_COLOURS) - 1 else ''}", c)
           for d, c in enumerate(DOWN_COLOURS)]
        + [("degraded", DEGRADED_COLOUR), ("business service (box, blue border)", "#ffffff")],
    )


def _colour(effect: str, depth: int) -> str:
    if effect != DOWN:
        return DEGRADED_COLOUR
    return DOWN_COLOURS[min(depth, len(DOWN_COLOURS)) - 1]


def _aggregated(result: ImpactResult, source_nodes: list[ViewNode]) -> tuple[list[ViewNode], list[ViewEdge]]:
    groups: dict[tuple[str, str], list] = {}
    for i in result.impacted:
        groups.setdefault((i.type, i.effect), []).append(i)
    nodes = list(source_nodes)
    source_ids = {n.id for n in source_nodes}
    by_id = {i.id: i for i in result.impacted}
    edges = []
    for (ci_type, effect), members in groups.items():
        node_id = f"group:{ci_type}:{effect}"
        depth = min(m.depth for m in members)
        sample = ", ".join(m.id for m in members[:20]) + (" …" if len(members) > 20 else "")
        nodes.append(ViewNode(node_id, f"{ci_type} × {len(members)} ({effect})",
                              color=_colour(effect, depth), shape="box", level=depth,
                              tooltip=f"{len(members)} {ci_type} CIs {effect}\n{sample}",
                              details={"type": ci_type, "effect": effect, "count": len(members),
                                       "min depth": depth, "examples": sample}))
        for source in sorted({m.from_id for m in members if m.depth == depth})[:5]:
            if source in source_ids:
                origin = source
            else:
                parent = by_id[source]
                origin = f"group:{parent.type}:{parent.effect}"
            if origin != node_id:
                edges.append(ViewEdge(origin, node_id, label=members[0].via))
    unique = {(e.source, e.target): e for e in edges}
    return nodes, list(unique.values())
