"""Render impact answers: text table grouped by type, CSV rows and JSON (the HTML view is
:mod:`itss_graph.render.impact_map`, re-exported here).

Example:
    >>> from itss_graph.engine.result import ImpactResult
    >>> from itss_graph.model import CI
    >>> print(impact_table(ImpactResult([CI("c1", "cluster", "prod")], [], None)))
    Failure of c1 (cluster, prod): nothing else is impacted.
"""

from __future__ import annotations

import json
from itertools import groupby
from json import encoder as json_encoder

from itss_graph.engine.result import ImpactResult
from itss_graph.render.table import render_table

CSV_HEADERS = ["id", "type", "name", "depth", "effect", "via", "from"]



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
    rows = ",\n    ".join(
        f'{{"id": {encode(i)}, "type": {encode(t)}, "name": {encode(n)}, "depth": {d}, '
        f'"effect": "{e}", "via": {encode(v)}, "from": {encode(f)}}}'
        for i, t, n, d, e, v, f in result.columns.rows())
    parts.append(f'  "impacted": [\n    {rows}' if rows else '  "impacted": [')
    summary = json.dumps(result.summary(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    parts.append(f"\n  ],\n  \"summary\": {summary}")
    for key, value in (extra or {}).items():
        parts.append(f",\n  {encode(key)}: " + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    parts.append("\n}\n")
    return "".join(parts)


def impact_table(result: ImpactResult, limit: int = 50) -> str:
    """Human-readable answer: services first, then one block per CI type, at most ``limit``
    rows per type (0: all)."""
    if not len(result.columns):  # not result.impacted: that would build 100k records
        return f"Failure of {_sources_text(result)}: nothing else is impacted."
    summary = result.summary()
    effects = summary["by_effect"]
    lines = [f"Failure of {_sources_text(result)} impacts {summary['total']} CIs "
             f"({effects['down']} down, {effects['degraded']} degraded)"
             + (f", within depth {result.max_depth}" if result.max_depth is not None else "") + "."]
    if result.services:
        lines.append(f"Business services impacted: {len(result.services)}")
    columns = result.columns
    start = 0
    for ci_type, group in groupby(columns.types):
        count = sum(1 for _ in group)
        shown = range(start, start + (count if not limit else min(count, limit)))
        lines.append("")
        lines.append(f"{ci_type} ({count})")
        rows = (columns.row(k) for k in shown)
        lines.append(render_table(["id", "name", "effect", "depth", "via", "from"],
                                  [[i, n, e, d, v, f] for i, _, n, d, e, v, f in rows]))
        if len(shown) < count:
            lines.append(f"... and {count - len(shown)} more (--limit 0 shows all; "
                         "--format csv lists every row)")
        start += count
    return "\n".join(lines)


def impact_rows(result: ImpactResult) -> list[list]:
    return [list(row) for row in result.columns.rows()]
