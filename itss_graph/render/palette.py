"""Colours of the views, and the legends that explain them.

Impact: the failed CIs dark red, CIs lost redder the closer they are to the failure (a ramp
from red to yellow), degraded ones violet (out of that ramp: never mistaken for a deep loss),
business services boxed with a blue border, services at risk boxed white with a dashed amber
border. Stacks: one colour per layer of the ontology (service, application, software, compute,
network, storage, power, facility, external); none of them is the red that outlines single
points of failure. Knowledge: standards by status, categories, processes and roles by kind.
tests/views/test_palette.py holds the colours apart (CIE76 distance).

Example:
    >>> effect_colour("down", 1), effect_colour("degraded", 3)
    ('#e31a1c', '#7b4fc9')
    >>> layer_colour(7)
    '#76b7b2'
"""

from __future__ import annotations

SOURCE_COLOUR = "#b10026"
DEGRADED_COLOUR = "#7b4fc9"  # violet: out of the red-to-yellow ramp of losses
# lost CIs: darker the closer to the failure (depth 1, 2, 3, 4, 5+)
DOWN_COLOURS = ["#e31a1c", "#fc4e2a", "#fd8d3c", "#feb24c", "#fed976"]
SERVICE_BORDER = "#1f3a93"
SPOF_BORDER = "#d62728"
AT_RISK_FILL = "#ffffff"
AT_RISK_BORDER = "#b7791f"  # dashed: still up, one more failure away
TARGET_COLOUR = "#1f3a93"
UNAFFECTED_COLOUR = "#d9d9d9"

LAYER_COLOURS = {1: "#4e79a7", 2: "#59a14f", 3: "#8cd17d", 4: "#f1ce63", 5: "#f28e2b",
                 6: "#b07aa1", 7: "#76b7b2", 8: "#9c755f", 9: "#bab0ac"}  # 7 power: not SPOF red
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
    """The colour of an impacted CI: violet when degraded, else red by depth."""
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
               ("业务服务（方框，蓝边）" if zh else "business service (box, blue border)", "#ffffff"),
               ("有风险的业务服务（白框，琥珀色虚线边）" if zh else "business service at risk (white box, dashed amber border)",
                AT_RISK_FILL),
               ("箭头：故障传播的方向" if zh else "arrows: the way failure spreads", "#888888")])


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


def palette() -> dict:
    """The colours, for pages drawn elsewhere (``itss serve``) to match these views.

    >>> palette()["layers"]["7"], palette()["degraded"]
    ('#76b7b2', '#7b4fc9')
    """
    return {"layers": {str(k): v for k, v in LAYER_COLOURS.items()}, "failed": SOURCE_COLOUR,
            "down": DOWN_COLOURS, "degraded": DEGRADED_COLOUR, "service_border": SERVICE_BORDER,
            "spof_border": SPOF_BORDER, "at_risk_fill": AT_RISK_FILL, "at_risk_border": AT_RISK_BORDER}
