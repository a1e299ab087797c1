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

from itss_graph.render.table import render_table

FIND_HEADERS = ["id", "type", "name", "match", "on"]
SHOW_CSV_HEADERS = ["part", "key", "value"]


def find_rows(answer) -> list[list]:
    return [[m.id, m.type, m.name, m.match or "", m.field or ""] for m in answer.matches]


def _query_text(answer) -> str:
    parts = [repr(answer.text)] if answer.text else []
    if answer.types:
        parts.append("type " + "|".join(answer.types))
    parts += [f"{k}={v}" for k, v in answer.where.items()]
    return ", ".join(parts) or "everything"


def find_text(answer) -> str:
    """A headline, then the table of matches (the value matched shown when it is a property)."""
    n = len(answer.matches)
    if not n:
        return f"No CI matches {_query_text(answer)}."
    head = f"{n}{'+' if answer.truncated else ''} CI{'s' if n != 1 or answer.truncated else ''} " \
           f"match{'es' if n == 1 and not answer.truncated else ''} {_query_text(answer)}"
    rows = []
    for m in answer.matches:
        on = m.field or ""
        if on.startswith("props.") or m.match == "similar":
            on += f" = {m.value}" if on.startswith("props.") else f" ({m.score:.2f})"
        rows.append([m.id, m.type, m.name, m.match or "", on])
    out = head + "\n" + render_table(FIND_HEADERS, rows)
    if answer.truncated:
        out += f"\n… more match (--limit N shows more)"
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
        out += ["", "Properties", render_table(["property", "value"], [[k, _value(v)] for k, v in ci.props.items()])]
    for direction, title in (("out", "Relations out"), ("in", "Relations in")):
        rels = [r for r in answer.relations if r.direction == direction]
        total = answer.relations_total.get(direction, 0)
        if not total:
            continue
        out += ["", f"{title} ({_count(len(rels), total)})",
                render_table(["relation", "id", "type", "name", "when it fails", "when this fails"],
                             [[r.type, r.other_id, r.other_type, r.other_name, r.when_other_fails,
                               r.when_this_fails] for r in rels])]
    if answer.services:
        down, at_risk = answer.services_summary["down"], answer.services_summary["at_risk"]
        out += ["", f"Services it supports ({_count(len(answer.services), down + at_risk)}: "
                    f"{down} down, {at_risk} at risk when it fails)",
                render_table(["id", "name", "status", "criticality", "sla", "users"],
                             [[s["id"], s["name"], s["status"], s["criticality"], s["sla"], s["users"]]
                              for s in answer.services])]
    if answer.standards:
        out += ["", f"Standards that apply first ({_count(len(answer.standards), answer.standards_total)})",
                render_table(["#", "standard", "title", "status", "facets"],
                             [[s["rank"], s["identifier"] or s["id"], s["title"], s["status"] or "",
                               ", ".join(s["facets"])] for s in answer.standards])]
    if answer.history:
        out += ["", f"Recent history ({_count(len(answer.history), answer.history_total)})",
                render_table(["load", "at", "source", "event"],
                             [[e.get("load"), e.get("at") or "", e.get("source") or "", e["event"]]
                              for e in answer.history])]
    return "\n".join(out)


def _count(shown: int, total: int) -> str:
    return str(total) if shown == total else f"{shown} of {total}"
