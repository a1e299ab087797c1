"""Plain-text tables that line up with Chinese text (wide characters count double).

Example:
    >>> print(render_table(["id", "名称"], [["a", "服务器"], ["bb", "x"]]))
    id  名称
    --  ------
    a   服务器
    bb  x
"""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence


def display_width(text: str) -> int:
    """Terminal columns a string takes (East Asian wide/full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # a table row is one line: show control characters and newlines visibly
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Align ``rows`` under ``headers`` with two spaces between columns."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths)]
        return "  ".join(padded).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)
