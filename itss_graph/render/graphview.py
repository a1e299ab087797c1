"""Interactive graph pages: a view model rendered to one self-contained HTML file with pyvis.

A :class:`GraphView` holds what a page shows (nodes, edges, legend, notes, side panels);
:func:`render_html` turns it into HTML through a pyvis ``Network`` and this package's template
(``templates/graph.html``), which inlines vis-network so the page works offline and shows
user data only as text. Node and edge lists are given to pyvis directly: its ``add_edge``
checks every existing edge and becomes quadratic on large graphs.

Example:
    >>> view = GraphView("demo", nodes=[ViewNode("a", "A")], edges=[])
    >>> "vis.Network" in render_html(view)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_TEXT = {
    "en": {"search": "Find a CI by id or name, then Enter", "legend": "Legend",
           "details": "Details", "hint": "Click a node to see its properties.",
           "not_found": "No match."},
    "zh": {"search": "按ID或名称查找配置项，回车", "legend": "图例", "details": "详情",
           "hint": "点击节点查看属性。", "not_found": "未找到。"},
}


@dataclass
class ViewNode:
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

    def as_vis(self) -> dict[str, Any]:
        node: dict[str, Any] = {
            "id": self.id, "label": self.label, "shape": self.shape, "size": self.size,
            "title": self.tooltip or self.label,
            "color": {"background": self.color, "border": self.border or "#555",
                      "highlight": {"background": self.color, "border": "#000"}},
            "details": {k: _text(v) for k, v in self.details.items()},
            "search": self.search or self.label,
        }
        if self.border:
            node["borderWidth"] = 3
        if self.level is not None:
            node["level"] = self.level
        return node


@dataclass
class ViewEdge:
    source: str
    target: str
    label: str = ""
    color: str = "#888"
    dashes: bool = False
    tooltip: str = ""

    def as_vis(self) -> dict[str, Any]:
        edge = {"from": self.source, "to": self.target, "label": self.label,
                "color": {"color": self.color}, "dashes": self.dashes, "arrows": "to"}
        if self.tooltip:
            edge["title"] = self.tooltip
        return edge


@dataclass
class Panel:
    heading: str
    items: list[tuple[str, str]]  # (text, small note such as provenance)


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


def _text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _options(view: GraphView) -> dict[str, Any]:
    big = len(view.nodes) > 800
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big},
        "edges": {"smooth": False, "font": {"size": 10, "align": "middle"}},
        "nodes": {"font": {"size": 12}},
    }
    if view.hierarchical:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD",
                                              "sortMethod": "directed", "levelSeparation": 120,
                                              "nodeSpacing": 140, "shakeTowards": "roots"}}
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                              "stabilization": {"enabled": True, "iterations": 200 if big else 400}}
    return options


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


def render_html(view: GraphView) -> str:
    """The view as one HTML document (UTF-8 text)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.nodes = [n.as_vis() for n in view.nodes]
    net.edges = [e.as_vis() for e in view.edges]
    net.node_ids = [n.id for n in view.nodes]
    net.options = _options(view)
    net.templateEnv = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                                  autoescape=select_autoescape(["html"]))
    net.path = "graph.html"
    template = net.templateEnv.get_template(net.path)
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    vis_js, vis_css = _vis_assets()
    text = _TEXT.get(view.lang, _TEXT["en"])
    # </script> inside the inlined library would end the script element early
    vis_js = vis_js.replace("</script", "<\\/script")
    return template.render(
        lang=view.lang, title=view.title, subtitle=view.subtitle,
        nodes=nodes, edges=edges, options=net.options,
        view={"legend": [{"label": l, "color": c} for l, c in view.legend],
              "notes": view.notes,
              "panels": [{"heading": p.heading,
                          "items": [{"text": t, "note": n} for t, n in p.items]}
                         for p in view.panels],
              "not_found": text["not_found"]},
        vis_js=Markup(vis_js), vis_css=Markup(vis_css),
        search_placeholder=text["search"], legend_heading=text["legend"],
        details_heading=text["details"], details_hint=text["hint"])


def write_html(view: GraphView, path: str | Path) -> Path:
    """Write the view atomically (a temporary file renamed into place)."""
    import os
    import tempfile

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render_html(view))
    os.replace(tmp, target)
    return target
