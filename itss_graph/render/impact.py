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
    from itss_graph.i18n import _, ngettext
    from itss_graph.render.labels import relation_label, type_label, word

    if not len(result.columns):  # not result.impacted: that would build 100k records
        return _("Failure of {sources}: nothing else is impacted.").format(sources=_sources_text(result))
    summary = result.summary()
    effects = summary["by_effect"]
    head = ngettext("Failure of {sources} impacts {n} CI ({down} down, {degraded} degraded)",
                    "Failure of {sources} impacts {n} CIs ({down} down, {degraded} degraded)", summary["total"])
    lines = [head.format(sources=_sources_text(result), n=summary["total"], down=effects["down"],
                         degraded=effects["degraded"])
             + (_(", within depth {depth}").format(depth=result.max_depth) if result.max_depth is not None else "")
             + _(".")]
    if result.services:
        lines.append(_("Business services impacted: {n}").format(n=len(result.services)))
    columns = result.columns
    start = 0
    headers = [_("id"), _("name"), _("effect"), _("depth"), _("via"), _("from")]
    for ci_type, group in groupby(columns.types):
        count = sum(1 for _k in group)
        shown = range(start, start + (count if not limit else min(count, limit)))
        lines.append("")
        lines.append(f"{type_label(ci_type)} ({count})")
        rows = (columns.row(k) for k in shown)
        lines.append(render_table(headers, [[i, n, word(e), d, relation_label(v), f] for i, _t, n, d, e, v, f in rows]))
        if len(shown) < count:
            lines.append(_("... and {n} more (--limit 0 shows all; --format csv lists every row)").format(
                n=count - len(shown)))
        start += count
    return "\n".join(lines)


def impact_rows(result: ImpactResult) -> list[list]:
    return [list(row) for row in result.columns.rows()]
