"""Colours of the views, and the legends that explain them.

Impact: the failed CIs dark red, CIs lost redder the closer they are to the failure, degraded
ones orange, business services boxed with a blue border. Stacks: one colour per layer of the
ontology (service, application, software, compute, network, storage, power, facility,
external). Knowledge: standards by status, categories, processes and roles by kind.

Example:
    >>> effect_colour("down", 1), effect_colour("degraded", 3)
    ('#e31a1c', '#f6a623')
    >>> layer_colour(4)
    '#f1ce63'
"""

from __future__ import annotations

SOURCE_COLOUR = "#b10026"
DEGRADED_COLOUR = "#f6a623"
# lost CIs: darker the closer to the failure (depth 1, 2, 3, 4, 5+)
DOWN_COLOURS = ["#e31a1c", "#fc4e2a", "#fd8d3c", "#feb24c", "#fed976"]
SERVICE_BORDER = "#1f3a93"
SPOF_BORDER = "#d62728"
TARGET_COLOUR = "#1f3a93"
UNAFFECTED_COLOUR = "#d9d9d9"

LAYER_COLOURS = {1: "#4e79a7", 2: "#59a14f", 3: "#8cd17d", 4: "#f1ce63", 5: "#f28e2b",
                 6: "#b07aa1", 7: "#e15759", 8: "#9c755f", 9: "#bab0ac"}
LAYER_NAMES = {
    "en": {1: "services", 2: "applications", 3: "software and data", 4: "compute",
           5: "network", 6: "storage", 7: "power and cooling", 8: "facilities", 9: "external"},
    "zh": {1: "服务", 2: "应用", 3: "软件与数据", 4: "计算", 5: "网络", 6: "存储",
           7: "供电与制冷", 8: "场地设施", 9: "外部"},
}

STATUS_COLOURS = {"Published": "#2ca02c", "Approval": "#98df8a", "Review": "#17becf",
                  "Comment": "#9edae5", "Draft": "#ffbb78", "NotStarted": "#e0e0e0"}
LISTED_COLOUR = "#ffffff"
KIND_COLOURS = {"series": "#bdbdbd", "category": "#c6dbef", "process": "#fccde5",
                "role": "#dadaeb"}
GAP_COLOUR = "#e31a1c"
MET_COLOUR = "#74c476"


def effect_colour(effect: str, depth: int) -> str:
    """The colour of an impacted CI: orange when degraded, else red by depth."""
    if effect != "down":
        return DEGRADED_COLOUR
    return DOWN_COLOURS[max(1, min(depth, len(DOWN_COLOURS))) - 1]


def impact_legend(lang: str = "en") -> list[tuple[str, str]]:
    zh = lang == "zh"
    last = len(DOWN_COLOURS) - 1
    return ([("失效" if zh else "failed", SOURCE_COLOUR)]
            + [((f"中断，深度 {d + 1}" if zh else f"down, depth {d + 1}") + ("+" if d == last else ""), c)
               for d, c in enumerate(DOWN_COLOURS)]
            + [("降级" if zh else "degraded", DEGRADED_COLOUR),
               ("业务服务（方框，蓝边）" if zh else "business service (box, blue border)", "#ffffff")])


def layer_colour(layer: int) -> str:
    return LAYER_COLOURS.get(layer, "#cccccc")


def layer_legend(layers: list[int], lang: str = "en") -> list[tuple[str, str]]:
    names = LAYER_NAMES.get(lang, LAYER_NAMES["en"])
    return [(f"{layer}. {names.get(layer, '?')}", layer_colour(layer)) for layer in sorted(set(layers))]


def status_colour(status_qname: str | None) -> str:
    """Colour of a standard by its ``itss:status`` (``itss:Published`` …); white when listed
    without a status."""
    if not status_qname:
        return LISTED_COLOUR
    return STATUS_COLOURS.get(status_qname.split(":", 1)[-1], "#cccccc")
