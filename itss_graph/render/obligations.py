"""Render ITSS obligations (see :mod:`itss_graph.answers.obligations`) as text.

Example:
    >>> print(obligations_text({"event_level": {"level": None, "name": {"en": "no event"}},
    ...                         "sections": []}, "en"))
    ITSS obligations — event level: no event
"""

from __future__ import annotations

KIND_TITLES = {
    "emergency_tasks": {"en": "Emergency-response steps", "zh": "应急响应步骤"},
    "processes": {"en": "Processes that act", "zh": "启动的过程"},
    "roles": {"en": "Roles that act", "zh": "参与的角色"},
    "resources": {"en": "Resources to use", "zh": "使用的资源"},
    "reports": {"en": "Reports due", "zh": "应提交的报告"},
    "quality_hit": {"en": "Quality characteristics hit", "zh": "受影响的质量特性"},
}


def _label(item: dict, lang: str) -> str:
    other = "zh" if lang == "en" else "en"
    main, second = item["label"].get(lang, ""), item["label"].get(other, "")
    return f"{main} ({second})" if second and second != main else main


def _where(item: dict) -> str:
    from itss_graph.i18n import _

    refs = item.get("provenance") or []
    return "; ".join(_("{source}, §{section}, lines {lines}").format(source=r["source"], section=r["section"],
                                                                      lines=r["lines"]) for r in refs[:2])


def obligations_text(doc: dict, lang: str = "en") -> str:
    level = doc["event_level"]
    name = level["name"].get(lang) or level["name"].get("en", "")
    lines = [("ITSS 义务 — 事件级别：" if lang == "zh" else "ITSS obligations — event level: ") + name]
    for section in doc["sections"]:
        lines.append("")
        lines.append(f"■ {section['title'].get(lang) or section['title'].get('en', '')}")
        for kind, items in section["items"].items():
            if kind not in KIND_TITLES or not items:
                continue
            lines.append(f"  {KIND_TITLES[kind][lang]}:")
            for item in items:
                lines.append(f"    - {_label(item, lang)}  [{_where(item)}]")
        source = section["items"].get("roles_source")
        if source and section["items"].get("roles"):
            lines.append(f"    (roles from {source[0]['label'].get(lang) or source[0]['label']['en']})")
    return "\n".join(lines)


def level_text(doc: dict, lang: str = "en") -> str:
    """The event level's name in ``lang`` (with the other language beside it).

    >>> level_text({"event_level": {"level": 2, "name": {"en": "Level II", "zh": "二级"}}}, "en")
    'Level II (二级)'
    """
    return _label({"label": doc["event_level"]["name"]}, lang)


def obligation_groups(doc: dict, lang: str = "en") -> list[tuple[str, list[tuple[str, str]]]]:
    """The obligations as (heading, [(label in both languages, provenance)]) groups: one group
    per section and kind of item, in the policy's order.

    >>> doc = {"event_level": {"level": 1, "name": {"en": "L1"}}, "sections": [
    ...     {"title": {"en": "Emergency"}, "items": {"processes": [
    ...         {"label": {"en": "Incident management", "zh": "事件管理"},
    ...          "provenance": [{"source": "表3-5", "section": "3.2.6", "lines": "1-2"}]}]}}]}
    >>> obligation_groups(doc)
    [('Emergency — Processes that act', [('Incident management (事件管理)', '表3-5, §3.2.6, lines 1-2')])]
    """
    groups = []
    for section in doc["sections"]:
        title = section["title"].get(lang) or section["title"].get("en", "")
        for kind, items in section["items"].items():
            if kind not in KIND_TITLES or not items:
                continue
            entries = [(_label(item, lang), _where(item)) for item in items]
            source = section["items"].get("roles_source")
            if kind == "roles" and source:
                origin = source[0]
                entries.append(((f"（角色来自 {_label(origin, lang)}）" if lang == "zh"
                                 else f"(roles from {_label(origin, lang)})"), _where(origin)))
            groups.append((f"{title} — {KIND_TITLES[kind][lang]}", entries))
    return groups


def obligations_panels(doc: dict, lang: str = "en") -> list:
    """The obligations as side panels of a graph view: the event level, then one block per
    section and kind, each item with its white-paper provenance."""
    from itss_graph.render.graphview import Panel

    heading = "ITSS 义务" if lang == "zh" else "ITSS obligations"
    intro = ("事件级别：" if lang == "zh" else "Event level: ") + level_text(doc, lang)
    return [Panel(heading, intro=intro, groups=obligation_groups(doc, lang))]
