"""Titled tables → one Excel workbook people can hand over: one formatted sheet per table, the
header row frozen and filtered, columns as wide as their text (Chinese characters count double),
long text wrapped, a font that has Chinese glyphs, printed A4 landscape one page wide with the
header on every page. Written with XlsxWriter (imported here only), atomically.

Any answer that can be put as tables can be written: build :class:`SheetTable` rows directly, or
turn a :class:`~itss_graph.render.report.Report` (the model behind the HTML, Markdown and Word
reports) into tables with :func:`report_tables`.

Example:
    >>> import tempfile, pathlib, zipfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = write_xlsx(path, [SheetTable("标准", ["编号", "标题"], [["GB/T 28827.1", "通用要求"]])])
    >>> "xl/worksheets/sheet1.xml" in zipfile.ZipFile(path).namelist()
    True
    >>> sheet_names(["a/b", "a/b", "x" * 40])
    ['a-b', 'a-b (2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from itss_graph.atomic_file import write_atomic
from itss_graph.render.table import display_width

if TYPE_CHECKING:
    from itss_graph.render.report import Report

#: a font with Chinese glyphs that Excel and LibreOffice both have or substitute well
FONT = "Microsoft YaHei"
MAX_WIDTH = 60  # columns wider than this wrap their text
MIN_WIDTH = 6
LINE_HEIGHT = 14  # points per line of 10-point text
MAX_LINES = 30
EXCEL_MAX_ROWS = 1_048_576


@dataclass
class SheetTable:
    """One table, one sheet: ``title`` names the sheet (cut to Excel's 31 characters), ``caption``
    is written above the header when given, ``widths`` overrides the measured column widths."""

    title: str
    headers: list[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""
    widths: list[int] | None = None
    notes: list[str] = field(default_factory=list)


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Valid, distinct Excel sheet names for the titles (≤31 characters, none of ``[]:*?/\\``)."""
    out: list[str] = []
    for title in titles:
        base = _BAD_SHEET_CHARS.sub("-", title).strip("'") or "Sheet"
        name, n = base[:31], 1
        while name.casefold() in {o.casefold() for o in out}:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        out.append(name)
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


def _width(value: Any) -> int:
    text = value if isinstance(value, str) else str(value)
    return max((display_width(line) for line in text.splitlines()), default=0)


def _lines(row: Sequence[Any], widths: Sequence[int]) -> int:
    """How many lines the tallest cell of a row takes at the column widths (wrapping included)."""
    most = 1
    for value, width in zip(row, widths):
        text = str(_cell(value))
        room = max(1, width - 1)
        count = sum(max(1, -(-display_width(line) // room)) for line in text.split("\n"))
        most = max(most, count)
    return min(most, MAX_LINES)


def measured_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]], sample: int = 2000) -> list[int]:
    """Column widths in Excel character units from the header and the first ``sample`` rows.

    >>> measured_widths(["编号", "title"], [["GB/T 28827.1", "x" * 100]])
    [14, 60]
    """
    widths = [_width(h) for h in headers]
    for row in rows[:sample]:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _width(_cell(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def write_xlsx(path: str | Path, tables: Sequence[SheetTable], *, title: str = "", author: str = "itss-graph",
               constant_memory: bool = False) -> Path:
    """Write the tables to an .xlsx workbook at ``path`` (atomically) and return the path.

    ``constant_memory`` streams rows to disk (for answers of hundreds of thousands of rows, e.g.
    an impact list); rows are then written in order only, which is all this writer does.
    A table longer than an Excel sheet continues on further sheets ("… (2)").
    """
    import xlsxwriter

    parts: list[SheetTable] = []
    limit = EXCEL_MAX_ROWS - 3
    for table in tables:
        rows = list(table.rows)
        if len(rows) <= limit:
            parts.append(table)
            continue
        for k in range(0, len(rows), limit):
            parts.append(SheetTable(table.title, table.headers, rows[k:k + limit], table.caption, table.widths,
                                    table.notes))
    names = sheet_names([t.title for t in parts])

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": constant_memory, "strings_to_numbers": False,
                                              "strings_to_formulas": False, "strings_to_urls": False})
        book.set_properties({"title": title, "author": author, "comments": "Generated by itss-graph"})
        base = {"font_name": FONT, "font_size": 10, "valign": "top"}
        text = book.add_format({**base})
        wrap = book.add_format({**base, "text_wrap": True})
        head = book.add_format({**base, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                                "border": 1, "text_wrap": True})
        caption = book.add_format({**base, "bold": True, "font_size": 12})
        note = book.add_format({**base, "italic": True, "font_color": "#595959"})
        for table, name in zip(parts, names):
            sheet = book.add_worksheet(name)
            widths = table.widths or measured_widths(table.headers, table.rows)
            first = 0
            if table.caption:
                sheet.write_string(0, 0, table.caption, caption)
                first = 1
            for i, width in enumerate(widths):
                sheet.set_column(i, i, width, wrap if width >= MAX_WIDTH else text)
            for i, h in enumerate(table.headers):
                sheet.write_string(first, i, str(h), head)
            sheet.freeze_panes(first + 1, 0)
            # printed (or saved as PDF) as a document: A4 landscape, one page wide, header on every page
            sheet.set_paper(9)
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(first)
            sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
            r = first
            for r, row in enumerate(table.rows, first + 1):
                lines = _lines(row, widths)
                if lines > 1:  # wrapped text: a row as high as its longest cell (viewers do not all re-measure)
                    sheet.set_row(r, LINE_HEIGHT * lines)
                for c, value in enumerate(row):
                    value = _cell(value)
                    fmt = wrap if c < len(widths) and widths[c] >= MAX_WIDTH or (isinstance(value, str)
                                                                                  and "\n" in value) else text
                    if isinstance(value, str):
                        sheet.write_string(r, c, value, fmt)
                    else:
                        sheet.write_number(r, c, value, fmt)
            if table.rows and table.headers:
                sheet.autofilter(first, 0, r, len(table.headers) - 1)
            for k, line in enumerate(table.notes, r + 2):
                sheet.write_string(k, 0, line, note)
        book.close()

    return write_atomic(path, write)


def report_tables(report: "Report", *, summary_title: str | None = None) -> list[SheetTable]:
    """Every table of a report as a sheet, named after its section (and caption), preceded by a
    sheet with the report's title, summary, item lists and provenance.

    >>> from itss_graph.render.report import Report, Section, Table
    >>> r = Report("Demo", summary=[("CIs", 3)], sections=[Section("Down", tables=[Table(["id"], [["a"]])])])
    >>> [(t.title, t.headers) for t in report_tables(r)]
    [('Summary', ['Item', 'Value']), ('Down', ['id'])]
    """
    from itss_graph.i18n import translation

    _ = translation(report.lang).gettext
    about_rows: list[list[Any]] = [[label, value] for label, value in report.summary]
    about_rows.extend([[_("Provenance"), line] for line in report.provenance])
    tables = [SheetTable(summary_title or _("Summary"), [translation(report.lang).pgettext("summary table", "Item"), _("Value")],
                         about_rows,
                         caption=report.title + (f" — {report.subtitle}" if report.subtitle else ""),
                         widths=[24, 100])]
    for section in report.sections:
        for table in section.tables:
            title = section.heading if not table.caption else f"{section.heading} {table.caption}"
            tables.append(SheetTable(title, list(table.headers), table.rows, caption=section.heading,
                                     notes=[p for p in section.paragraphs] + ([table.note] if table.note else [])))
        if section.lists:  # item lists (e.g. the reasons of each standard): one row per item
            rows = [[group.heading if k == 0 else "", text, note]
                    for group in section.lists for k, (text, note) in enumerate(group.items)]
            tables.append(SheetTable(section.heading, [_("Group"), _("Item"), _("Source")],
                                     rows, caption=section.heading, notes=list(section.paragraphs)))
    return tables
