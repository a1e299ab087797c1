"""A report as a Word document a consultant can hand over (python-docx, imported here only): the
title, the summary as a two-column table, each section with its paragraphs, tables (header row
repeated on every page) and item lists with their sources, then the provenance. The interactive
graph of the HTML report has no place on paper: its section says so.

Chinese text is set in a font with Chinese glyphs (the East Asian font of every style used).

Example:
    >>> import tempfile, pathlib, zipfile
    >>> from itss_graph.render.report import Report, Section, Table
    >>> r = Report("适用标准", summary=[("对象", "040301")], lang="zh",
    ...            sections=[Section("标准", tables=[Table(["编号"], [["GB/T 28827.1"]])])])
    >>> path = write_docx(r, pathlib.Path(tempfile.mkdtemp()) / "r.docx")
    >>> "GB/T 28827.1" in zipfile.ZipFile(path).read("word/document.xml").decode()
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from itss_graph.i18n import N_, translation
from itss_graph.atomic_file import write_atomic

if TYPE_CHECKING:
    from itss_graph.render.report import Report

LATIN_FONT = "Calibri"
CHAR_CM = 0.19  # a half-width character of 8.5-point text
SHORT_COLUMN = 16  # columns whose longest text is at most this wide are not wrapped
EAST_ASIAN_FONT = "Microsoft YaHei"
GRAPH_NOTE = N_("The interactive graph of this section is in the HTML report (itss report … --html).")
PROVENANCE = N_("Provenance")
NONE = N_("(none)")


def _fonts(style, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = LATIN_FONT
    if size:
        style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _column_widths(headers: list[str], rows: list[list[Any]], total_cm: float) -> list[float]:
    """Column widths in cm, shared out by how much text each column holds (capped, so that one long
    column does not starve the others)."""
    from itss_graph.render.table import display_width

    need = [max(4, display_width(_text(h))) for h in headers]
    for row in rows[:500]:
        for i, value in enumerate(row[: len(need)]):
            longest = max((display_width(line) for line in _text(value).splitlines()), default=0)
            need[i] = max(need[i], min(longest, 60))
    # short columns (numbers, statuses) as wide as their text; the long ones share the rest
    short = [n <= SHORT_COLUMN for n in need]
    fixed = sum(n * CHAR_CM + 0.3 for n, s in zip(need, short) if s)
    rest = sum(n for n, s in zip(need, short) if not s)
    if not rest or fixed >= total_cm * 0.6:
        scale = total_cm / sum(need)
        return [n * scale for n in need]
    scale = (total_cm - fixed) / rest
    return [n * CHAR_CM + 0.3 if s else n * scale for n, s in zip(need, short)]


def _table(document, headers: list[str] | None, rows: list[list[Any]], total_cm: float) -> None:
    from docx.shared import Cm, Pt

    columns = len(headers) if headers else max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=columns)
    table.style = "Light Grid Accent 1" if headers else "Table Grid"
    table.autofit = False
    widths = _column_widths(headers or [""] * columns, rows, total_cm)
    if headers:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers):
            cell.text = _text(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = _text(value)
    for column, width in zip(table.columns, widths):  # the grid (LibreOffice reads it) and each cell (Word)
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def write_docx(report: "Report", path: str | Path) -> Path:
    """Write ``report`` as a .docx file at ``path`` (atomically) and return the path."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    lang = report.lang
    _ = translation(lang).gettext
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "Caption"):
        _fonts(document.styles[name], 10 if name == "Normal" else None)
    document.core_properties.title = report.title
    document.core_properties.author = "itss-graph"

    total = (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU → cm
    document.add_heading(report.title, level=0)
    if report.subtitle:
        document.add_paragraph(report.subtitle, style="Subtitle")
    if report.summary:
        _table(document, None, [[label, value] for label, value in report.summary], total)
    for sec in report.sections:
        document.add_heading(sec.heading, level=1)
        for paragraph in sec.paragraphs:
            document.add_paragraph(paragraph)
        for table in sec.tables:
            if table.caption:
                document.add_paragraph(table.caption, style="Caption")
            if table.rows:
                _table(document, list(table.headers), [list(r) for r in table.rows], total)
            else:
                document.add_paragraph(_(NONE))
            if table.note:
                document.add_paragraph(table.note)
        for group in sec.lists:
            if group.heading:
                document.add_heading(group.heading, level=2)
            for text, note in group.items:
                item = document.add_paragraph(text, style="List Bullet")
                if note:
                    run = item.add_run("\n" + note)
                    run.font.size = Pt(8)
                    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        if sec.graph:
            document.add_paragraph(_(GRAPH_NOTE))
    if report.provenance:
        document.add_heading(_(PROVENANCE), level=1)
        for line in report.provenance:
            document.add_paragraph(line, style="List Bullet")
    return write_atomic(path, lambda tmp: document.save(str(tmp)))
