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

from itss_graph.engine.blast import chain_text
from itss_graph.engine.chains import materialise
from itss_graph.engine.loss_rows import effects_of, first_row_of
from itss_graph.engine.result import ImpactResult
from itss_graph.render.formats import to_json
from itss_graph.render.table import render_table

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius

CSV_HEADERS = ["id", "type", "name", "depth", "effect", "via", "from"]
SERVICE_HEADERS = ["status", "id", "name", "criticality", "sla", "users", "depth"]  # tables
SERVICE_CSV_HEADERS = ["id", "name", "status", "criticality", "sla", "users", "depth"]  # as before


def _sources_text(result: ImpactResult) -> str:
    from itss_graph.render.labels import type_label

    return ", ".join(f"{s.id} ({type_label(s.type)}, {s.name})" for s in result.sources)


def _chain_text(chain) -> str:
    """A chain as one line, each arrow naming the relation crossed (its label in zh)."""
    from itss_graph.render.labels import relation_label

    return chain_text([{**step, "via": relation_label(step.get("via") or "")} for step in chain])


def _more(n: int, indent: str = "") -> str:
    from itss_graph.i18n import _

    return indent + _("... and {n} more (--limit 0 shows all)").format(n=n)


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 service``, ``2 services``.

    >>> plural(1, "service"), plural(3, "CI", "CIs")
    ('1 service', '3 CIs')
    """
    return f"{count} {word if count == 1 else (words or word + 's')}"


def headline(radius: "BlastRadius", obligations: dict | None, lang: str = "en") -> str:
    """``2 services down, 1 at risk — event level I: … (一级：…)``: what matters first."""
    from itss_graph.render.obligations import level_text

    from itss_graph.i18n import _, ngettext

    line = ngettext("{n} service down, {at_risk} at risk", "{n} services down, {at_risk} at risk",
                    len(radius.down)).format(n=len(radius.down), at_risk=len(radius.at_risk))
    if obligations:
        line += _(" — event level: {level}").format(level=level_text(obligations, lang))
    return line


def service_rows(radius: "BlastRadius", headers: list[str] = SERVICE_HEADERS) -> list[list]:
    """The services as rows under ``headers`` (ranked: down first, then criticality, SLA,
    users)."""
    return [[getattr(s, h) for h in headers] for s in radius.services]


def shown_service_rows(rows: list[list], headers: list[str] = SERVICE_HEADERS) -> list[list]:
    """Service rows as shown in tables: statuses and criticalities as words of the language."""
    from itss_graph.render.labels import word

    coded = {"status", "criticality"}
    return [[word(v) if h in coded else v for h, v in zip(headers, row)] for row in rows]


def why_lines(radius: "BlastRadius", limit: int = 0) -> list[str]:
    """One line per service: how the failure reaches it; for a service at risk, the redundancy
    it lost and the CIs whose next failure would take it down."""
    from itss_graph.i18n import _

    shown = radius.services_page(0, limit or None)  # their chains built together
    # (the losses' ids read, and their rows built, only for a service at risk shown)
    loss_at = first_row_of(radius.losses) if any(s.lost_redundancy_at for s in shown) else {}
    lines = []
    for s in shown:
        row = loss_at.get(s.lost_redundancy_at)
        loss = radius.losses[row] if row is not None else None
        loss_text = f"{loss.id} {loss.reason(with_spof=False)}" if loss is not None else ""
        lines.append("  " + why_line(s.as_dict(), _("failed itself"), loss_text))
    if len(shown) < len(radius.services):
        lines.append(_more(len(radius.services) - len(shown), "  "))
    return lines


def why_line(service: dict, itself: str, loss_text: str = "") -> str:
    """Why one service (its JSON form) is in the answer: the chain from the failure (``itself``
    when it failed or changed itself), then for a service at risk the redundancy lost
    (``loss_text``) and its next failures."""
    from itss_graph.i18n import _
    from itss_graph.render.labels import word

    text = itself if service["failed"] else _chain_text(service["chain"])
    if service["status"] != "down":
        text += f"; {loss_text}" if loss_text else ""
        text += (_("; next failure that takes it down: {ids}").format(ids=", ".join(service["next_failure"]))
                 if service["next_failure"] else _("; no single next failure takes it down"))
    return _("{id} ({status}): {text}").format(id=service["id"], status=word(service["status"]), text=text)


def services_text(radius: "BlastRadius", limit: int = 50) -> str:
    """The services table (most important first) and why each is there."""
    from itss_graph.i18n import _

    if not radius.services:
        return ""
    services = radius.services
    shown = [[getattr(s, h) for h in SERVICE_HEADERS] for s in (services[:limit] if limit else services)]
    out = [_("Business services ({n}), most critical first:").format(n=len(services)),
           render_table([_(h) for h in SERVICE_HEADERS], shown_service_rows(shown))]
    if len(shown) < len(services):
        out.append(_more(len(services) - len(shown)))
    out.append("")
    out.append(_("Why:"))
    out.extend(why_lines(radius, limit))
    return "\n".join(out)


def services_panel(radius: "BlastRadius", lang: str = "en", limit: int = 50):
    """The service classes as a side panel of the impact view: services down (with the chain
    from the failure), at risk (with the redundancy lost and the next failures), and the
    redundancy each CI lost."""
    from itss_graph.i18n import _
    from itss_graph.render.graphview import Panel
    from itss_graph.render.labels import word

    # (the losses' ids read, and their rows built, only for a service at risk shown)
    loss_at = first_row_of(radius.losses) if radius.at_risk else {}

    def label(s) -> str:
        return f"{s.id} {s.name}" + (f" ({word(s.criticality)})" if s.criticality else "")

    def at_risk_note(s) -> str:
        row = loss_at.get(s.lost_redundancy_at)
        loss = radius.losses[row] if row is not None else None
        reason = f"{loss.id} {loss.reason(with_spof=False)}" if loss else ""
        nxt = (_("next failure that takes it down: {ids}").format(ids=", ".join(s.next_failure))
               if s.next_failure else _("no single next failure takes it down"))
        return "; ".join(x for x in (_chain_text(s.chain), reason, nxt) if x)

    down, at_risk = radius.down, radius.at_risk
    materialise(s.chain for s in down[:limit] + at_risk[:limit])  # the chains shown, built together
    groups = [(_("Down ({n})").format(n=len(down)),
               [(label(s), _("failed itself") if s.failed else _chain_text(s.chain)) for s in down[:limit]]),
              (_("At risk ({n})").format(n=len(at_risk)),
               [(label(s), at_risk_note(s)) for s in at_risk[:limit]]),
              (_("Redundancy lost ({n})").format(n=len(radius.losses)),
               [(g.text(), "") for g in radius.losses[:limit]])]
    intro = _("{down} down, {at_risk} at risk").format(down=len(down), at_risk=len(at_risk))
    return Panel(_("Business services"), intro=intro, groups=[(h, items) for h, items in groups if items])


def losses_text(radius: "BlastRadius", limit: int = 50) -> str:
    """The redundancy groups that lost members: per CI, the group, min_up, members lost and
    left, and the new single points of failure."""
    from itss_graph.i18n import _, ngettext

    if not radius.losses:
        return ""
    shown = radius.losses[:limit] if limit else radius.losses
    degraded = sum(effect != "down" for effect in effects_of(radius.losses))
    out = [ngettext("Redundancy lost ({n} CI degraded, {lost} lost through a group):",
                    "Redundancy lost ({n} CIs degraded, {lost} lost through a group):", degraded).format(
        n=degraded, lost=len(radius.losses) - degraded)]
    out.extend(f"  {g.text()}" for g in shown)
    if len(shown) < len(radius.losses):
        out.append(_more(len(radius.losses) - len(shown), "  "))
    if not radius.next_failure_complete:
        out.append("  " + _("(next failures were tried for the first CIs only: the lists may be incomplete)"))
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
    import json  # (not at the top: json imports re and enum, ~5 ms a table answer does without)
    from json import encoder as json_encoder

    encode = json_encoder.encode_basestring  # C-accelerated, keeps non-ASCII as is
    head = result.head()
    parts = ["{\n"]
    parts.extend(f"  {encode(key)}: {json.dumps(value, ensure_ascii=False)},\n" for key, value in head.items())
    rows = ",\n    ".join(
        f'{{"id": {encode(i)}, "type": {encode(t)}, "name": {encode(n)}, "depth": {d}, '
        f'"effect": "{e}", "via": {encode(v)}, "from": {encode(f)}}}'
        for i, t, n, d, e, v, f in result.columns.rows())
    parts.append(f'  "impacted": [\n    {rows}' if rows else '  "impacted": [')
    summary = to_json({**result.summary(), **(summary or {})})[:-1].replace("\n", "\n  ")
    parts.append(f"\n  ],\n  \"summary\": {summary}")
    for key, value in (extra or {}).items():
        if isinstance(value, list):  # services, redundancy: one entry per line, like impacted
            items = ",\n    ".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f",\n  {encode(key)}: [\n    {items}\n  ]" if value else f",\n  {encode(key)}: []")
            continue
        parts.append(f",\n  {encode(key)}: " + to_json(value)[:-1].replace("\n", "\n  "))
    parts.append("\n}\n")
    return "".join(parts)


def impact_answer_json(result: ImpactResult, radius: "BlastRadius", obligations: dict | None = None) -> str:
    """The whole ``impact --format json`` answer: the contract of :func:`impact_json` with the
    service classes (``services[]``, ``redundancy[]``, ``summary.services_down`` and
    ``services_at_risk``) and, when given, the ``obligations`` — what ``itss impact`` prints and
    ``/api/impact`` answers.

    >>> from itss_graph.engine.blast import assess
    >>> from itss_graph.engine.impact import impact
    >>> from itss_graph.loading.example import example_store
    >>> import json
    >>> store = example_store()
    >>> result = impact(store, ["pdu:a"])
    >>> doc = json.loads(impact_answer_json(result, assess(store, result)))
    >>> doc["summary"]["services_at_risk"], [s["id"] for s in doc["services"]]
    (2, ['service:shop', 'service:reports'])
    """
    extra: dict = {"services": [s.as_dict() for s in radius.services_page()],
                   "redundancy": [g.as_dict() for g in radius.losses]}
    if obligations:
        extra["obligations"] = obligations
    return impact_json(result, extra, {"services_down": len(radius.down),
                                       "services_at_risk": len(radius.at_risk)})


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
    lines = [_("{failure}: {headline}.").format(failure=failure, headline=headline(radius, obligations, lang))
             if radius is not None else _("{failure}:").format(failure=failure)]
    lines.append(_counted(result))
    if radius is not None:
        lines.extend(_blocks(services_text(radius, limit), losses_text(radius, limit)))
    elif result.services:
        lines.append(_("Business services impacted: {n}").format(n=len(result.services)))
    columns = result.columns
    start = 0
    headers = [_("id"), _("name"), _("effect"), _("depth"), _("via"), _("from")]
    for ci_type, count in columns.type_runs():
        shown = range(start, start + (count if not limit else min(count, limit)))
        lines.append("")
        lines.append(f"{type_label(ci_type)} ({count})")
        rows = columns.rows_in(shown.start, shown.stop)
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
    down = result.columns.count_down()
    text = ngettext("{n} CI impacted ({down} down, {degraded} degraded)",
                    "{n} CIs impacted ({down} down, {degraded} degraded)", len(result.columns)).format(
        n=len(result.columns), down=down, degraded=len(result.columns) - down)
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
    from itss_graph.engine.group_loss import page_text
    from itss_graph.i18n import _
    from itss_graph.render.labels import relation_label, type_label, word

    status = answer["status"]
    head = _("{id} ({type}, {name}): {status}").format(id=answer["id"], type=type_label(answer["type"]),
                                                     name=answer["name"], status=_status_word(status))
    if answer.get("depth") is not None and status != "failed":
        head += _(" at depth {depth}").format(depth=answer["depth"])
    lines = [head]
    if len(answer["chain"]) > 1:
        lines.append("  " + _chain_text(answer["chain"]))
    if status == "degraded" and not answer["redundancy"]:
        lines.append("  " + _("degraded over {via} from {origin}: a lost link, no redundancy lost").format(
            via=relation_label(answer.get("via") or ""), origin=answer.get("from")))
    for g in answer["redundancy"]:
        group = g["group"]
        relations = "/".join(relation_label(r) for r in (group["relations"] if group["kind"] == "property"
                                                          else [group["relation"]]))
        what = (_("members of redundancy group {group!r} ({relations})").format(group=group["name"], relations=relations)
                if group["kind"] == "property" else _("{relations} providers").format(relations=relations))
        line = "  " + _("{id} {effect}: {reason}").format(
            id=g["id"], effect=word(g["effect"]),
            reason=_("lost {lost} of {members} {what} (min_up {min_up}): {lost_ids}; left: {left}").format(
                lost=g["lost_count"], members=g["members"], what=what, min_up=g["min_up"],
                lost_ids=page_text(g["lost"], g["lost_count"]),
                left=page_text(g["left"], g["left_count"]) or _("none")))
        if g["new_spof"]:
            from itss_graph.i18n import ngettext

            line += ngettext("; now single point of failure: {ids}", "; now single points of failure: {ids}",
                             len(g["new_spof"])).format(ids=", ".join(g["new_spof"]))
        lines.append(line)
    service = answer.get("service")
    if service and service["status"] == "at-risk":
        nxt = service["next_failure"]
        lines.append("  " + (_("next failure that takes it down: {ids}").format(ids=", ".join(nxt)) if nxt
                             else _("no single next failure takes it down")))
    return "\n".join(lines)


def _status_word(status: str) -> str:
    """An explanation's status (failed, not impacted, or an effect/class) as a word."""
    from itss_graph.i18n import N_, _
    from itss_graph.render.labels import word

    extra = {"failed": N_("failed"), "not impacted": N_("not impacted")}
    return _(extra[status]) if status in extra else word(status)
