"""Markdown output of reports, with every piece of user data escaped.

CI names, ids and properties come from inventories anyone may have written: in Markdown they
must stay text. :func:`md_escape` escapes what CommonMark and GitHub tables would interpret —
backslashes, pipes, backticks, emphasis and link brackets, ``<``/``>`` (as entities, so no raw
HTML gets through), ``&`` where it would start an entity, a leading ``#``/``-``/``+``/``=``/``>`` or ``1.`` — and folds newlines
into spaces so a value never breaks out of its table cell or list item.

Example:
    >>> md_escape("<img src=x onerror=alert(1)> | `rm -rf` *x*")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\`rm -rf\\\\` \\\\*x\\\\*'
    >>> md_escape("1. first"), md_escape("99.99")
    ('1\\\\. first', '99.99')
    >>> md_escape("O&M &lt;b&gt;")
    'O&M &amp;lt;b&amp;gt;'
    >>> print(md_table(["id", "name"], [["a|b", "# not a heading"]]))
    | id | name |
    | --- | --- |
    | a\\|b | \\# not a heading |
"""

from __future__ import annotations

import re
from typing import Any

from itss_graph.render.report import Report

_SPECIAL = re.compile(r"([\\`*_{}\[\]|~!])")
_ENTITY = re.compile(r"&(#\d+;|#[xX][0-9a-fA-F]+;|\w+;)")  # only what would read as an entity
_LEADING = re.compile(r"^(\s*)([#+\-=>]|\d{1,9}[.)](?=\s|$))")


def md_escape(value: Any) -> str:
    """``value`` as Markdown text that renders exactly as the text (see the module docstring)."""
    text = "" if value is None else str(value)
    text = _ENTITY.sub(r"&amp;\1", text).replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    text = _SPECIAL.sub(r"\\\1", text)
    match = _LEADING.match(text)
    if match:
        lead, mark = match.group(1), match.group(2)
        if mark[-1] in ".)":  # "1." or "1)": escape the punctuation
            mark = mark[:-1] + "\\" + mark[-1]
        else:
            mark = "\\" + mark
        text = lead + mark + text[match.end():]
    return text


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A GitHub-flavoured Markdown table, every cell escaped."""
    lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |",
             "| " + " | ".join("---" for _ in headers) + " |"]
    for row in rows:
        cells = [md_escape(c if not isinstance(c, bool) else ("yes" if c else "")) for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_markdown(report: Report) -> str:
    """The report as Markdown: title, summary, sections (tables, lists with their provenance),
    provenance. The graph is described by its size; it is drawn in the HTML report."""
    from itss_graph.i18n import translation

    _ = translation(report.lang).gettext
    out = [f"# {md_escape(report.title)}", ""]
    if report.subtitle:
        out += [md_escape(report.subtitle), ""]
    for label, value in report.summary:
        out.append(f"- **{md_escape(label)}**: {md_escape(value)}")
    if report.summary:
        out.append("")
    for section in report.sections:
        out += [f"## {md_escape(section.heading)}", ""]
        for paragraph in section.paragraphs:
            out += [md_escape(paragraph), ""]
        for table in section.tables:
            if table.caption:
                out += [f"**{md_escape(table.caption)}**", ""]
            out += [md_table(table.headers, table.rows) if table.rows
                    else _("(none)"), ""]
            if table.note:
                out += [f"_{md_escape(table.note)}_", ""]
        for group in section.lists:
            if group.heading:
                out += [f"### {md_escape(group.heading)}", ""]
            for text, note in group.items:
                out.append(f"- {md_escape(text)}" + (f" — _{md_escape(note)}_" if note else ""))
            out.append("")
        if section.graph and report.graph is not None:
            g = report.graph
            out += [md_escape(_("Graph: {nodes} nodes, {edges} edges (drawn in the HTML report: --html FILE).").format(
                nodes=len(g.nodes), edges=len(g.edges))), ""]
    if report.provenance:
        out += ["## " + _("Provenance"), ""]
        out += [f"- {md_escape(line)}" for line in report.provenance]
        out.append("")
    return "\n".join(out)
