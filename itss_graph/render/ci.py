"""Render the answers of ``itss find`` and ``itss show``: text tables and CSV rows (their JSON
is the answers' own ``as_dict``).

Example:
    >>> from itss_graph.answers.find import FindAnswer, Match
    >>> answer = FindAnswer("db", None, {}, 20, [Match("server:db1", "server", "DB host 1", "prefix", "name", "DB host 1")])
    >>> print(find_text(answer))
    1 CI matches 'db'
    id          type    name       match   on
    ----------  ------  ---------  ------  ----
    server:db1  server  DB host 1  prefix  name
"""

from __future__ import annotations

import json

from itss_graph.i18n import N_, _, ngettext
from itss_graph.render.labels import relation_label, type_label
from itss_graph.render.table import render_table

# CSV headers are column names for programs: not translated
FIND_HEADERS = ["id", "type", "name", "match", "on"]
SHOW_CSV_HEADERS = ["part", "key", "value"]
_FIND_TABLE = (N_("id"), N_("type"), N_("name"), N_("match"), N_("on"))
MATCHES = {"exact": N_("exact"), "prefix": N_("prefix"), "substring": N_("substring"), "similar": N_("similar")}
EFFECTS = {"down": N_("down"), "degraded": N_("degraded"), "redundant": N_("redundant"), "none": N_("none"),
           "at-risk": N_("at risk")}


def find_rows(answer) -> list[list]:
    return [[m.id, m.type, m.name, m.match or "", m.field or ""] for m in answer.matches]


def _query_text(answer) -> str:
    parts = [repr(answer.text)] if answer.text else []
    if answer.types:
        parts.append(_("type") + " " + "|".join(answer.types))
    parts += [f"{k}={v}" for k, v in answer.where.items()]
    return ", ".join(parts) or _("everything")


def find_text(answer) -> str:
    """A headline, then the table of matches (the value matched shown when it is a property)."""
    n = len(answer.matches)
    if not n:
        return _("No CI matches {query}.").format(query=_query_text(answer))
    if answer.truncated:
        head = ngettext("{n}+ CI match {query}", "{n}+ CIs match {query}", n)
    else:
        head = ngettext("{n} CI matches {query}", "{n} CIs match {query}", n)
    rows = []
    for m in answer.matches:
        on = m.field or ""
        if on.startswith("props.") or m.match == "similar":
            on += f" = {m.value}" if on.startswith("props.") else f" ({m.score:.2f})"
        rows.append([m.id, type_label(m.type), m.name, _(MATCHES[m.match]) if m.match else "", on])
    out = head.format(n=n, query=_query_text(answer)) + "\n" + render_table([_(h) for h in _FIND_TABLE], rows)
    if answer.truncated:
        out += "\n" + _("… more match (--limit N shows more)")
    return out


def show_rows(answer) -> list[list]:
    """CSV rows ``part, key, value``: every part of the answer in one long table."""
    ci = answer.ci
    rows: list[list] = [["ci", "id", ci.id], ["ci", "type", ci.type], ["ci", "name", ci.name]]
    rows += [["property", k, _value(v)] for k, v in ci.props.items()]
    for r in answer.relations:
        rows.append([f"relation-{r.direction}", r.type,
                     f"{r.other_id}; when it fails: {r.when_other_fails}; when this fails: {r.when_this_fails}"])
    rows += [["history", str(e.get("load", "")), f"{e.get('at') or ''} {e['event']}".strip()] for e in answer.history]
    rows += [["service", s["id"], f"{s['status']} {s['criticality']}".strip()] for s in answer.services]
    rows += [["standard", str(s["rank"]), s["identifier"] or s["id"]] for s in answer.standards]
    return rows


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def show_text(answer) -> str:
    """The CI in sections: properties, relations out and in (with what failure does across
    each), services it supports, standards, recent history."""
    ci = answer.ci
    label = answer.type_labels.get(answer.lang) or answer.type_labels.get("en") or ""
    out = [f"{ci.id}  {ci.name}  ({ci.type}{', ' + label if label and label != ci.type else ''})"]
    if ci.props:
        out += ["", _("Properties"),
                render_table([_("property"), _("value")], [[k, _value(v)] for k, v in ci.props.items()])]
    for direction, title in (("out", N_("Relations out")), ("in", N_("Relations in"))):
        rels = [r for r in answer.relations if r.direction == direction]
        total = answer.relations_total.get(direction, 0)
        if not total:
            continue
        out += ["", f"{_(title)} ({_count(len(rels), total)})",
                render_table([_("relation"), _("id"), _("type"), _("name"), _("when it fails"), _("when this fails")],
                             [[relation_label(r.type), r.other_id, type_label(r.other_type), r.other_name,
                               _(EFFECTS[r.when_other_fails]),
                               _(EFFECTS[r.when_this_fails])] for r in rels])]
    if answer.services:
        down, at_risk = answer.services_summary["down"], answer.services_summary["at_risk"]
        out += ["", _("Services it supports ({count}: {down} down, {at_risk} at risk when it fails)").format(
                    count=_count(len(answer.services), down + at_risk), down=down, at_risk=at_risk),
                render_table([_("id"), _("name"), _("status"), _("criticality"), _("sla"), _("users")],
                             [[s["id"], s["name"], _(EFFECTS.get(s["status"], s["status"])),
                               _(CRITICALITY.get(s["criticality"], s["criticality"])), s["sla"], s["users"]]
                              for s in answer.services])]
    if answer.standards:
        out += ["", _("Standards that apply first ({count})").format(
                    count=_count(len(answer.standards), answer.standards_total)),
                render_table([_("#"), _("standard"), _("title"), _("status"), _("facets")],
                             [[s["rank"], s["identifier"] or s["id"], s["title"], s["status"] or "",
                               ", ".join(_(FACETS.get(f, f)) for f in s["facets"])] for s in answer.standards])]
    if answer.history:
        out += ["", _("Recent history ({count})").format(count=_count(len(answer.history), answer.history_total)),
                render_table([_("load"), _("at"), _("source"), _("event")],
                             [[e.get("load"), e.get("at") or "", e.get("source") or "",
                               _(EVENTS.get(e["event"], e["event"]))] for e in answer.history])]
    return "\n".join(out)


CRITICALITY = {"critical": N_("critical"), "important": N_("important"), "general": N_("general"), "": ""}
FACETS = {"category": N_("category"), "service_object": N_("service object"), "activity": N_("activity"),
          "stage": N_("stage"), "business_type": N_("business type"), "party": N_("party"),
          "organisation_type": N_("organisation type")}
EVENTS = {"created": N_("created"), "updated": N_("updated"), "deleted": N_("deleted")}


def _count(shown: int, total: int) -> str:
    return str(total) if shown == total else _("{shown} of {total}").format(shown=shown, total=total)
