"""Interactive graph pages: a view model rendered to one self-contained HTML file with pyvis.

A :class:`GraphView` holds what a page shows (nodes, edges, legend, notes, side panels);
:func:`render_html` turns it into HTML through a pyvis ``Network`` and this package's template
(``templates/graph.html``), which inlines vis-network so the page works offline and shows
user data only as text. Node and edge lists are given to pyvis directly: its ``add_edge``
checks every existing edge and becomes quadratic on large graphs.

Views with a natural direction (dependency trees, layers of a service stack, failure
propagation) use vis-network's hierarchical layout on the levels the view model sets, with
physics off; the others use a force-directed layout that stops once stable.

Example:
    >>> view = GraphView("demo", nodes=[ViewNode("a", "A")], edges=[])
    >>> "vis.Network" in render_html(view)
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Hashable

from itss_graph.render.page import render_template, serve_address, ui_text, write_text_atomic

FONT_FACE = ("-apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', "
             "'PingFang SC', sans-serif")

#: Layered views with more nodes than this get coordinates computed here (see
#: :func:`itss_graph.render.layout.layered_positions`) instead of vis-network's hierarchical
#: layout, which packs big trees into a thin line and takes seconds in the browser.
BROWSER_LAYOUT_MAX = 300

#: Above this many edges their labels are shown on hover and click only.
EDGE_LABELS_MAX = 400

#: At most this many member ids are listed in a group node's details (all are searchable).
DETAIL_MEMBERS = 30


@dataclass
class ViewNode:
    """One drawn node. ``members`` is set on a group standing for several CIs (aggregation)."""

    id: str
    label: str
    color: str = "#97c2fc"
    shape: str = "dot"
    size: int = 16
    level: int | None = None  # for hierarchical layouts
    tooltip: str = ""  # plain text; vis-network shows it with innerText
    details: dict[str, Any] = field(default_factory=dict)  # shown in the side panel on click
    border: str | None = None
    search: str = ""
    members: list[str] | None = None  # ids this node stands for, when it is a group
    kind: str = "ci"
    font_color: str | None = None
    dashed_border: bool = False

    def as_vis(self) -> dict[str, Any]:
        node: dict[str, Any] = {
            "id": self.id, "label": self.label, "shape": self.shape, "size": self.size,
            "title": self.tooltip or self.label,
            "color": {"background": self.color, "border": self.border or "#555",
                      "highlight": {"background": self.color, "border": "#000"}},
            "details": {k: _text(v) for k, v in self.details.items()},
            "search": self.search or self.label,
            "kind": self.kind,
        }
        if self.border:
            node["borderWidth"] = 3
        if self.dashed_border:
            node["shapeProperties"] = {"borderDashes": [6, 4]}
        if self.shape == "box":
            node["widthConstraint"] = {"maximum": 200}
        if self.level is not None:
            node["level"] = self.level
        if self.font_color:
            node["font"] = {"color": self.font_color}
        if self.members is not None:
            node["members"] = self.members
            node["count"] = len(self.members)
        return node


@dataclass
class ViewEdge:
    source: str
    target: str
    label: str = ""
    color: str = "#888"
    dashes: bool = False
    tooltip: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    width: float = 1.0
    count: int = 1  # relations this edge stands for (aggregated views)

    def as_vis(self) -> dict[str, Any]:
        edge: dict[str, Any] = {"from": self.source, "to": self.target, "label": self.label,
                                "color": {"color": self.color}, "dashes": self.dashes, "arrows": "to"}
        if self.tooltip:
            edge["title"] = self.tooltip
        if self.details:
            edge["details"] = {k: _text(v) for k, v in self.details.items()}
        if self.width != 1.0:
            edge["width"] = self.width
        if self.count != 1:
            edge["count"] = self.count
        return edge


@dataclass
class Panel:
    """A side-panel block: a heading, items (text, small note such as provenance) and,
    optionally, sub-groups of items under their own headings."""

    heading: str
    items: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    intro: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"heading": self.heading, "intro": self.intro,
                "items": [{"text": t, "note": n} for t, n in self.items],
                "groups": [{"heading": h, "items": [{"text": t, "note": n} for t, n in items]}
                           for h, items in self.groups]}


@dataclass
class GraphView:
    title: str
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    subtitle: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, colour)
    notes: list[str] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    hierarchical: bool = False
    lang: str = "en"
    direction: str = "UD"  # hierarchical: UD (top down) or LR (left to right)
    kind: str = "graph"  # impact, deps, service, standards, gap
    represents: int | None = None  # CIs or entities behind the drawn nodes (aggregation)
    level_separation: int = 120
    node_spacing: int = 140
    # banding (see itss_graph.render.layout): a wide level wraps into rows, one run of rows per
    # sub-key (e.g. CI type) in ``row_order``; None: one row per level
    row_keys: dict[str, Hashable] | None = None
    row_order: list[Hashable] | None = None
    layout: str = "auto"  # hierarchical views: "auto" (browser below BROWSER_LAYOUT_MAX nodes) or "computed"
    # the screen of ``itss serve`` showing the same answer: (path, query parameters); by kind if None
    serve: tuple[str, dict] | None = None

    def computed_layout(self) -> bool:
        """Whether the coordinates are computed here rather than by vis-network."""
        return self.hierarchical and (self.layout == "computed" or len(self.nodes) > BROWSER_LAYOUT_MAX)

    def rows(self) -> dict[str, int]:
        """The row (vis-network level) of each node: its level, or its band's row."""
        levels = {n.id: n.level or 0 for n in self.nodes}
        if not self.hierarchical or self.row_keys is None:
            rank = {lvl: k for k, lvl in enumerate(sorted(set(levels.values())))}
            return {i: rank[lvl] for i, lvl in levels.items()}
        from collections import Counter

        from itss_graph.render.layout import ASPECT, banded_rows, fit_row_width

        aspect = ASPECT if self.direction == "UD" else 1 / ASPECT
        width = fit_row_width(Counter(levels.values()).values(), along=self.node_spacing,
                              across=self.level_separation, aspect=aspect)
        return banded_rows({i: (lvl, self.row_keys.get(i, "")) for i, lvl in levels.items()}, width,
                           self.row_order)


#: The screen of ``itss serve`` for views that do not name one.
_SERVE_BY_KIND = {"standards": "/standards", "gap": "/standards", "impact": "/whatif", "deps": "/graph",
                  "service": "/graph", "depends": "/depends", "path": "/path"}


def _serve_screen(view: "GraphView") -> tuple[str, dict]:
    return view.serve or (_SERVE_BY_KIND.get(view.kind, "/"), {})


def _text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def graph_options(view: GraphView) -> dict[str, Any]:
    """vis-network options of a view: hierarchical on the view's levels, or force-directed."""
    big = len(view.nodes) > 800
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                        "navigationButtons": False, "keyboard": False},
        "edges": {"smooth": False, "font": {"size": 10, "align": "middle"}},
        "nodes": {"font": {"size": 12, "face": FONT_FACE}, "scaling": {"label": {"drawThreshold": 3}}},
    }
    if view.computed_layout():
        options["layout"] = {"hierarchical": {"enabled": False}, "improvedLayout": False}
        options["physics"] = {"enabled": False}
    elif view.hierarchical:
        options["layout"] = {"hierarchical": {
            "enabled": True, "direction": view.direction, "sortMethod": "directed",
            "levelSeparation": view.level_separation, "nodeSpacing": view.node_spacing,
            "shakeTowards": "roots", "edgeMinimization": not big, "blockShifting": not big,
            "parentCentralization": True}}
        options["physics"] = {"enabled": False}
    else:
        options["layout"] = {"improvedLayout": len(view.nodes) <= 150}
        options["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                              "stabilization": {"enabled": True, "iterations": 200 if big else 400}}
    return options


def graph_data(view: GraphView) -> dict[str, Any]:
    """What a page's script needs to draw the view: vis node and edge lists (handed to a pyvis
    ``Network`` as they are), options, and the side-panel content."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.nodes = [n.as_vis() for n in view.nodes]
    if view.hierarchical:
        rows = view.rows()
        for node in net.nodes:
            node["level"] = rows[node["id"]]
        if view.computed_layout():
            from itss_graph.render.layout import layered_positions

            positions = layered_positions(rows, ((e.source, e.target) for e in view.edges),
                                          spacing=view.node_spacing, separation=view.level_separation,
                                          direction=view.direction)
            for node in net.nodes:
                node["x"], node["y"] = positions[node["id"]]
    net.edges = [e.as_vis() for e in view.edges]
    if len(net.edges) > EDGE_LABELS_MAX:  # hundreds of labels hide the picture: keep them for hover/click
        for edge in net.edges:
            edge.setdefault("title", edge["label"])
            edge.setdefault("details", {"relation": edge["label"]})
            edge["label"] = ""
    net.node_ids = [n.id for n in view.nodes]
    net.options = graph_options(view)
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    text = ui_text(view.lang)
    return {
        "nodes": nodes, "edges": edges, "options": net.options,
        "view": {"kind": view.kind, "legend": [{"label": lbl, "color": c} for lbl, c in view.legend],
                 "notes": view.notes, "panels": [p.as_dict() for p in view.panels],
                 "represents": view.represents, "text": text,
                 "detail_members": DETAIL_MEMBERS, "serve": serve_address(*_serve_screen(view))},
    }


def render_html(view: GraphView) -> str:
    """The view as one HTML document (UTF-8 text)."""
    return render_template("graph.html", lang=view.lang, title=view.title, subtitle=view.subtitle,
                           graph=graph_data(view), ui=ui_text(view.lang))


def write_html(view: GraphView, path: str | Path) -> Path:
    """Write the view atomically (a temporary file renamed into place).

    >>> import tempfile, pathlib
    >>> p = write_html(GraphView("t", [ViewNode("a", "A")], []), pathlib.Path(tempfile.mkdtemp()) / "v.html")
    >>> p.stat().st_size > 100_000  # vis-network is inside
    True
    """
    return write_text_atomic(path, render_html(view))
