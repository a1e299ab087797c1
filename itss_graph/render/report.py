"""Reports people hand over: a plain document model, rendered to one self-contained HTML page
(``templates/report.html``, with the interactive graph inside) or to Markdown
(:mod:`itss_graph.render.markdown`).

A :class:`Report` is a title, a summary (label → value), sections (paragraphs, tables, item
lists with their provenance, and the place of the graph) and a provenance list. Builders for
impact, standards and gap answers live in :mod:`itss_graph.render.report_impact` and
:mod:`itss_graph.render.report_knowledge`; they only turn answers into this model.

Example:
    >>> r = Report("Demo", sections=[Section("Numbers", tables=[Table(["a"], [["<b>"]])])])
    >>> html = render_report_html(r)
    >>> "&lt;b&gt;" in html and "<td><b>" not in html
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itss_graph.i18n import N_, translation
from itss_graph.render.graphview import GraphView, graph_data
from itss_graph.render.page import render_template, ui_text, write_text_atomic

PROVENANCE_HEADING = N_("Provenance")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    caption: str = ""
    note: str = ""  # e.g. "… and 120 more rows"


@dataclass
class ItemList:
    """Items with a small note each (provenance), under an optional heading."""

    heading: str
    items: list[tuple[str, str]]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    lists: list[ItemList] = field(default_factory=list)
    graph: bool = False  # the report's graph is drawn in this section


@dataclass
class Report:
    title: str
    subtitle: str = ""
    summary: list[tuple[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    graph: GraphView | None = None
    lang: str = "en"
    kind: str = "report"

    def as_dict(self) -> dict[str, Any]:
        """The template's view of the report (every value as text)."""
        return {
            "title": self.title, "subtitle": self.subtitle, "kind": self.kind,
            "summary": [{"label": label, "value": _cell(value)} for label, value in self.summary],
            "sections": [{
                "heading": s.heading, "anchor": _anchor(s.heading, k), "paragraphs": s.paragraphs,
                "tables": [{"headers": t.headers, "rows": [[_cell(c) for c in row] for row in t.rows],
                            "caption": t.caption, "note": t.note} for t in s.tables],
                "lists": [{"heading": g.heading, "items": [{"text": t, "note": n} for t, n in g.items]}
                          for g in s.lists],
                "graph": s.graph,
            } for k, s in enumerate(self.sections)],
            "provenance": self.provenance,
            "provenance_heading": translation(self.lang).gettext(PROVENANCE_HEADING),
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def _anchor(heading: str, k: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return f"s{k + 1}-{slug}" if slug else f"s{k + 1}"


def render_report_html(report: Report) -> str:
    """The report as one HTML document; its graph (if any) is drawn where a section asks."""
    if report.graph is not None and not any(s.graph for s in report.sections):
        raise ValueError("the report has a graph but no section to draw it in")
    return render_template("report.html", lang=report.lang, report=report.as_dict(),
                           graph=graph_data(report.graph) if report.graph is not None else None,
                           ui=ui_text(report.lang))


def write_report_html(report: Report, path: str | Path) -> Path:
    """Write the HTML report atomically; returns the path."""
    return write_text_atomic(path, render_report_html(report))


def cap_rows(rows: list[list[Any]], limit: int, lang: str = "en") -> tuple[list[list[Any]], str]:
    """At most ``limit`` rows (0: all) and the note telling how many were left out.

    >>> cap_rows([[1], [2], [3]], 2)
    ([[1], [2]], '… and 1 more row')
    """
    if not limit or len(rows) <= limit:
        return rows, ""
    rest = len(rows) - limit
    note = translation(lang).ngettext("… and {n} more row", "… and {n} more rows", rest)
    return rows[:limit], note.format(n=rest)
