"""Render impact answers: text (headline first: services down and at risk, the event level;
then the services ranked with why, the redundancy lost, the CIs by type), CSV rows and JSON
(the HTML view is :mod:`itss_graph.render.impact_map`).

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

from typing import TYPE_CHECKING

from itss_graph.engine.blast import chain_text
from itss_graph.engine.result import ImpactResult
from itss_graph.render.table import render_table

if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius

CSV_HEADERS = ["id", "type", "name", "depth", "effect", "via", "from"]
SERVICE_HEADERS = ["status", "id", "name", "criticality", "sla", "users", "depth"]  # tables
SERVICE_CSV_HEADERS = ["id", "name", "status", "criticality", "sla", "users", "depth"]  # as before


def _sources_text(result: ImpactResult) -> str:
    return ", ".join(f"{s.id} ({s.type}, {s.name})" for s in result.sources)


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 service``, ``2 services``.

    >>> plural(1, "service"), plural(3, "CI", "CIs")
    ('1 service', '3 CIs')
    """
    return f"{count} {word if count == 1 else (words or word + 's')}"


def headline(radius: "BlastRadius", obligations: dict | None, lang: str = "en") -> str:
    """``2 services down, 1 at risk — event level I: … (一级：…)``: what matters first."""
    from itss_graph.render.obligations import level_text

    line = f"{plural(len(radius.down), 'service')} down, {len(radius.at_risk)} at risk"
    if obligations:
        line += f" — event level: {level_text(obligations, lang)}"
    return line


def service_rows(radius: "BlastRadius", headers: list[str] = SERVICE_HEADERS) -> list[list]:
    """The services as rows under ``headers`` (ranked: down first, then criticality, SLA,
    users)."""
    return [[getattr(s, h) for h in headers] for s in radius.services]


def why_lines(radius: "BlastRadius", limit: int = 0) -> list[str]:
    """One line per service: how the failure reaches it; for a service at risk, the redundancy
    it lost and the CIs whose next failure would take it down."""
    losses = {}
    for g in radius.losses:
        losses.setdefault(g.id, g)
    shown = radius.services[:limit] if limit else radius.services
    lines = []
    for s in shown:
        text = "failed itself" if s.failed else s.chain_text()
        if s.status != "down":
            loss = losses.get(s.lost_redundancy_at)
            if loss is not None:
                text += f"; {loss.id} {loss.reason(with_spof=False)}"
            text += ("; next failure that takes it down: " + ", ".join(s.next_failure)
                     if s.next_failure else "; no single next failure takes it down")
        lines.append(f"  {s.id} ({s.status}): {text}")
    if len(shown) < len(radius.services):
        lines.append(f"  ... and {len(radius.services) - len(shown)} more (--limit 0 shows all)")
    return lines


def services_text(radius: "BlastRadius", limit: int = 50) -> str:
    """The services table (most important first) and why each is there."""
    if not radius.services:
        return ""
    rows = service_rows(radius)
    shown = rows[:limit] if limit else rows
    out = [f"Business services ({len(rows)}), most critical first:", render_table(SERVICE_HEADERS, shown)]
    if len(shown) < len(rows):
        out.append(f"... and {len(rows) - len(shown)} more (--limit 0 shows all)")
    out.append("")
    out.append("Why:")
    out.extend(why_lines(radius, limit))
    return "\n".join(out)


def services_panel(radius: "BlastRadius", lang: str = "en", limit: int = 50):
    """The service classes as a side panel of the impact view: services down (with the chain
    from the failure), at risk (with the redundancy lost and the next failures), and the
    redundancy each CI lost."""
    from itss_graph.render.graphview import Panel

    zh = lang == "zh"
    losses = {}
    for g in radius.losses:
        losses.setdefault(g.id, g)

    def label(s) -> str:
        return f"{s.id} {s.name}" + (f" ({s.criticality})" if s.criticality else "")

    def at_risk_note(s) -> str:
        loss = losses.get(s.lost_redundancy_at)
        reason = f"{loss.id} {loss.reason(with_spof=False)}" if loss else ""
        nxt = (("下一次故障即中断：" if zh else "next failure that takes it down: ") + ", ".join(s.next_failure)
               if s.next_failure else ("无单一的下一次故障可致中断" if zh else "no single next failure takes it down"))
        return "; ".join(x for x in (s.chain_text(), reason, nxt) if x)

    groups = [(("中断" if zh else "Down") + f" ({len(radius.down)})",
               [(label(s), "failed itself" if s.failed else s.chain_text()) for s in radius.down[:limit]]),
              (("有风险" if zh else "At risk") + f" ({len(radius.at_risk)})",
               [(label(s), at_risk_note(s)) for s in radius.at_risk[:limit]]),
              (("冗余丧失" if zh else "Redundancy lost") + f" ({len(radius.losses)})",
               [(g.text(), "") for g in radius.losses[:limit]])]
    intro = (f"中断 {len(radius.down)} 个，有风险 {len(radius.at_risk)} 个" if zh
             else f"{len(radius.down)} down, {len(radius.at_risk)} at risk")
    return Panel("业务服务" if zh else "Business services", intro=intro,
                 groups=[(h, items) for h, items in groups if items])


def losses_text(radius: "BlastRadius", limit: int = 50) -> str:
    """The redundancy groups that lost members: per CI, the group, min_up, members lost and
    left, and the new single points of failure."""
    if not radius.losses:
        return ""
    shown = radius.losses[:limit] if limit else radius.losses
    degraded = sum(g.effect != "down" for g in radius.losses)
    out = [f"Redundancy lost ({plural(degraded, 'CI', 'CIs')} degraded, "
           f"{len(radius.losses) - degraded} lost through a group):"]
    out.extend(f"  {g.text()}" for g in shown)
    if len(shown) < len(radius.losses):
        out.append(f"  ... and {len(radius.losses) - len(shown)} more (--limit 0 shows all)")
    if not radius.next_failure_complete:
        out.append("  (next failures were tried for the first CIs only: the lists may be incomplete)")
    return "\n".join(out)


def impact_json(result: ImpactResult, extra: dict | None = None, summary: dict | None = None) -> str:
    """The JSON contract as text, one impacted CI per line; built straight from the result's
    columns because ``json.dumps`` of 100k dicts costs more than the whole closure. ``extra``
    keys follow ``summary`` (a list one entry per line); ``summary`` adds keys to it.

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
    summary = json.dumps({**result.summary(), **(summary or {})}, ensure_ascii=False,
                         indent=2).replace("\n", "\n  ")
    parts.append(f"\n  ],\n  \"summary\": {summary}")
    for key, value in (extra or {}).items():
        if isinstance(value, list):  # services, redundancy: one entry per line, like impacted
            items = ",\n    ".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f",\n  {encode(key)}: [\n    {items}\n  ]" if value else f",\n  {encode(key)}: []")
            continue
        parts.append(f",\n  {encode(key)}: " + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    parts.append("\n}\n")
    return "".join(parts)


def impact_table(result: ImpactResult, limit: int = 50, radius: "BlastRadius | None" = None,
                 obligations: dict | None = None, lang: str = "en") -> str:
    """Human-readable answer. With the service classes (``radius``): the headline (services
    down and at risk, the event level), the services ranked with why, the redundancy lost;
    then one block per CI type, at most ``limit`` rows per type (0: all)."""
    from itss_graph.i18n import _
    from itss_graph.render.labels import relation_label, type_label, word

    failure = _("Failure of {sources}").format(sources=_sources_text(result))
    if radius is None and not len(result.columns) and not result.beyond_depth:
        return _("Failure of {sources}: nothing else is impacted.").format(sources=_sources_text(result))
    lines = [f"{failure}: {headline(radius, obligations, lang)}." if radius is not None else f"{failure}:"]
    lines.append(_counted(result))
    if radius is not None:
        lines.extend(_blocks(services_text(radius, limit), losses_text(radius, limit)))
    elif result.services:
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


def _counted(result: ImpactResult) -> str:
    """``12 CIs impacted (3 down, 9 degraded).`` (with the depth limit, what it left out)."""
    from itss_graph.i18n import _, ngettext

    if not len(result.columns) and not result.beyond_depth:
        return _("Nothing else is impacted.")
    effects = result.summary()["by_effect"]
    text = ngettext("{n} CI impacted ({down} down, {degraded} degraded)",
                    "{n} CIs impacted ({down} down, {degraded} degraded)", len(result.columns)).format(
        n=len(result.columns), down=effects["down"], degraded=effects["degraded"])
    if result.max_depth is not None:
        text += ngettext(" within depth {depth}; {n} more CI beyond it (effects are those of the whole failure)",
                         " within depth {depth}; {n} more CIs beyond it (effects are those of the whole failure)",
                         result.beyond_depth).format(depth=result.max_depth, n=result.beyond_depth)
    return text + _(".")


def _blocks(*texts: str) -> list[str]:
    out = []
    for text in texts:
        if text:
            out.extend(["", text])
    return out


def impact_rows(result: ImpactResult) -> list[list]:
    return [list(row) for row in result.columns.rows()]


def explain_text(answer: dict) -> str:
    """One CI's explanation (:func:`itss_graph.engine.blast.explain_ci`) as lines of text.

    >>> print(explain_text({"id": "x", "type": "vm", "name": "x", "status": "not impacted",
    ...                     "depth": None, "chain": [], "redundancy": []}))
    x (vm, x): not impacted
    """
    status = answer["status"]
    head = f"{answer['id']} ({answer['type']}, {answer['name']}): {status}"
    if answer.get("depth") is not None and status != "failed":
        head += f" at depth {answer['depth']}"
    lines = [head]
    if len(answer["chain"]) > 1:
        lines.append("  " + chain_text(answer["chain"]))
    if status == "degraded" and not answer["redundancy"]:
        lines.append(f"  degraded over {answer.get('via')} from {answer.get('from')}: a lost link, "
                     "no redundancy lost")
    for g in answer["redundancy"]:
        group = g["group"]
        what = (f"members of redundancy group {group['name']!r} ({'/'.join(group['relations'])})"
                if group["kind"] == "property" else f"{group['relation']} providers")
        line = (f"  {g['id']} {g['effect']}: lost {len(g['lost'])} of {g['members']} {what} "
                f"(min_up {g['min_up']}): {', '.join(g['lost'])}; left: {', '.join(g['left']) or 'none'}")
        if g["new_spof"]:
            line += f"; now single points of failure: {', '.join(g['new_spof'])}"
        lines.append(line)
    service = answer.get("service")
    if service and service["status"] == "at-risk":
        nxt = service["next_failure"]
        lines.append("  next failure that takes it down: " + (", ".join(nxt) if nxt else "none single"))
    return "\n".join(lines)
