"""Excel workbooks (.xlsx) as located rows, read so that the file cannot make the work unbounded
or the answer silently wrong.

* The archive is checked before anything is decompressed: at most :data:`MAX_MEMBERS`
  members and :data:`MAX_UNCOMPRESSED` bytes in all, as the archive declares them (Python's
  zipfile never inflates a member past its declared size), so a zip bomb costs nothing.
* openpyxl's read-only mode trusts the sheet's ``<dimension>``; a file whose dimension
  understates the sheet would lose rows and columns, so the dimension is ignored
  (``reset_dimensions``) and every row the sheet holds is read, up to Excel's own limit of
  :data:`MAX_ROWS` rows.
* A formula saved without its calculated value (a workbook written by a program, never opened
  in Excel) reads as an empty cell; each such cell is reported instead.
* Merged cells (a machine room spanning the rows of its assets) give their value to every cell
  they cover.

Numbers that are whole come out as ``"12"`` not ``"12.0"``, dates as ISO text, so a cell reads
the same as the CSV export of the same sheet. ``line`` is the sheet's row number and the table is
named ``book.xlsx[Sheet]``.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_

MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED = 1 << 30   # bytes, all members together
MAX_ROWS = 1_048_576         # Excel's limit
HEADER_SEARCH_ROWS = 20


def cell_text(value: Any) -> Any:
    """A spreadsheet cell as the text its CSV export would hold (None for an empty cell).

    >>> cell_text(12.0), cell_text(1.5), cell_text(_dt.datetime(2024, 1, 2)), cell_text(True)
    ('12', '1.5', '2024-01-02', 'true')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def check_archive(path: Path) -> None:
    """Refuse an archive that is not a zip file, has too many members or decompresses to
    more than :data:`MAX_UNCOMPRESSED` bytes (checked on the central directory only)."""
    name = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError([Problem(name, None, None,
                                  M_("cannot read as an Excel workbook: {exc}", exc=exc))]) from None
    except OSError as exc:
        from itss_graph.loading.files import read_problem

        raise read_problem(path, exc) from None
    if len(infos) > MAX_MEMBERS:
        raise InputError([Problem(name, None, None,
                                  M_("cannot read as an Excel workbook: the archive has {members} members; at most {limit}",
                                     members=len(infos), limit=MAX_MEMBERS))])
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise InputError([Problem(name, None, None,
                                  M_("cannot read as an Excel workbook: it decompresses to {size} MiB; at most {limit} MiB (a zip bomb, or save the sheet as CSV)",
                                     size=total >> 20, limit=MAX_UNCOMPRESSED >> 20))])


@dataclass
class SheetFacts:
    """What the sheet's XML says that read-only openpyxl does not: merged ranges (first row,
    last row, first column, last column) and formulas without a stored value ((row, column) →
    formula text)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Za-z0-9:$]+)[\"']")
_CARRY = 512  # bytes kept between chunks: longer than any element the patterns match


def sheet_facts(path: Path, member: str | None) -> SheetFacts:
    """Read merged ranges and uncalculated formulas from one worksheet's XML. One streamed byte
    search finds the merged ranges (``<mergeCell ref=…>``) and whether any cell has a formula;
    the XML is parsed only in that case (most sheets have none)."""
    facts = SheetFacts()
    if not member:
        return facts
    try:
        with zipfile.ZipFile(path) as archive:
            merges, formulas = _scan(archive, member)
            if formulas:
                with archive.open(member) as fh:
                    _parse_sheet(fh, facts)
            else:
                facts.merged = [_merge_bounds(ref) for ref in merges]
    except (KeyError, zipfile.BadZipFile, ValueError, SyntaxError, OSError):
        return SheetFacts()  # openpyxl reports a broken sheet while reading it
    return facts


def _scan(archive: zipfile.ZipFile, member: str) -> tuple[list[bytes], bool]:
    """The ``ref`` of every merged range of a sheet's XML, and whether any formula is there."""
    merges: list[bytes] = []
    formulas = False
    buffer = b""
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            buffer += chunk
            end = 0
            for match in _MERGE.finditer(buffer):
                merges.append(match.group(1))
                end = match.end()
            formulas = formulas or _FORMULA.search(buffer) is not None
            buffer = buffer[max(end, len(buffer) - _CARRY):]
    return merges, formulas


def _merge_bounds(ref: bytes) -> tuple[int, int, int, int]:
    """(first row, last row, first column, last column) of a range such as ``B3:B9``.

    >>> _merge_bounds(b"B3:C9"), _merge_bounds(b"A1")
    ((3, 9, 2, 3), (1, 1, 1, 1))
    """
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
    return min_row, max_row if max_row is not None else min_row, min_col, max_col if max_col is not None else min_col


def _parse_sheet(fh, facts: SheetFacts) -> None:
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

    row_number = 0
    column = 0
    for event, element in iterparse(fh, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                column = 0
            elif tag == "c":
                ref = element.get("r")
                if ref:
                    letters, row = coordinate_from_string(ref)
                    column, row_number = column_index_from_string(letters), row
                else:
                    column += 1
            continue
        if tag == "c":
            formula = next((c for c in element if c.tag.rpartition("}")[2] == "f"), None)
            value = next((c for c in element if c.tag.rpartition("}")[2] in ("v", "is")), None)
            if formula is not None and (value is None or (value.text in (None, "")
                                                          and not len(value))):
                facts.uncalculated[(row_number, column)] = formula.text or M_("(shared formula)")
            element.clear()
        elif tag == "mergeCell":
            min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
            facts.merged.append((min_row, max_row, min_col, max_col))
            element.clear()
        elif tag == "row":
            element.clear()


def _fill_merged(rows, merged: list[tuple[int, int, int, int]]):
    """Rows (tuples of values) with each merged range's value copied into every cell of it.
    Only the ranges that cover the current row are looked at (a register merges thousands).

    >>> list(_fill_merged([("a", 1), (None, 2), (None, 3)], [(1, 2, 1, 1)]))
    [('a', 1), ('a', 2), (None, 3)]
    """
    if not merged:
        yield from rows
        return
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for bounds in merged:
        starting.setdefault(bounds[0], []).append(bounds)
    active: list[tuple[tuple[int, int, int, int], Any]] = []  # (range, its value)
    for number, values in enumerate(rows, start=1):
        if active:
            active = [a for a in active if a[0][1] >= number]
        new = starting.pop(number, None)
        if new is None and not active:
            yield values
            continue
        values = list(values)
        for bounds in new or ():
            first_col = bounds[2]
            active.append((bounds, values[first_col - 1] if first_col <= len(values) else None))
        for (_, _, first_col, last_col), value in active:
            if len(values) < last_col:
                values.extend([None] * (last_col - len(values)))
            for col in range(first_col, last_col + 1):
                values[col - 1] = value
        yield tuple(values)


def _pick_sheet(path: Path, book, sheet: str | int | None):
    names = book.sheetnames
    if not names:
        raise InputError([Problem(str(path), None, None, M_("the workbook has no sheets"))])
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
        index = int(sheet)
        if 1 <= index <= len(names):
            return book[names[index - 1]]
    elif sheet in names:
        return book[sheet]
    raise InputError([Problem(str(path), None, None,
                              M_("no sheet {sheet!r}; the workbook has {sheets}",
                                 sheet=sheet, sheets=', '.join(names)))])


def _column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index)


def read_sheet(path: Path, sheet: str | int | None, header_row: int | None,
               hint: set[str] | None):
    """(table name, columns, rows) of one sheet; rows are ``(line, {column: text})`` or a
    Problem. InputError when the workbook cannot be read or has no header."""
    from itss_graph.loading.csvfile import check_header

    check_archive(path)
    try:
        import openpyxl  # lazy: ~0.2 s to import
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError([Problem(str(path), None, None, M_("reading .xlsx needs openpyxl"))]) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors ...
        raise InputError([Problem(str(path), None, None,
                                  M_("cannot read as an Excel workbook: {exc}", exc=exc))]) from None
    try:
        ws = _pick_sheet(path, book, sheet)
        name = f"{path}[{ws.title}]"
        facts = sheet_facts(path, getattr(ws, "_worksheet_path", None))
        ws.reset_dimensions()  # the file's <dimension> may understate the sheet
        rows = _fill_merged(_bounded(name, ws.iter_rows(values_only=True)), facts.merged)
        number = 0
        columns: list[str] | None = None
        for values in _guarded(name, rows):
            number += 1
            texts = [cell_text(v) for v in values]
            labels = {t.strip() for t in texts if isinstance(t, str) and t.strip()}
            if (header_row is not None and number == header_row) or (
                    header_row is None and ((hint and hint <= labels) or (not hint and labels))):
                columns = [(t or "").strip() for t in texts]
                break
            if number >= (header_row or HEADER_SEARCH_ROWS):
                break
        if columns is None:
            raise InputError([Problem(name, None, None,
                                      M_("no header row found with columns {columns}", columns=", ".join(sorted(hint)))
                                      if hint else M_("no header row found"))])
        while columns and columns[-1] == "":  # trailing empty header cells (formatting only)
            columns.pop()
        formula_problems = [Problem(name, number, None, _formula_message(number, col, formula))
                            for (row, col), formula in sorted(facts.uncalculated.items())
                            if row == number]
        if formula_problems:
            raise InputError(formula_problems)
        check_header(name, columns, number)
    except BaseException:
        book.close()
        raise
    start = number
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, col), formula in sorted(facts.uncalculated.items()):
        by_row.setdefault(row, []).append((col, formula))

    def body() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        line = start
        width = len(columns)
        try:
            for values in _guarded(name, rows):
                line += 1
                if line in by_row:
                    for col, formula in by_row[line]:
                        label = columns[col - 1] if col <= width and columns[col - 1] else None
                        yield Problem(name, line, label, _formula_message(line, col, formula))
                    continue
                texts = [cell_text(v) for v in values]
                extra = [t for t in texts[width:] if t not in (None, "")]
                record = {c: t for c, t in zip(columns, texts) if t not in (None, "")}
                if not record and not extra:
                    continue
                if extra:
                    yield Problem(name, line, None,
                                  M_("row has {cells} filled cells but the header has {width}",
                                     cells=width + len(extra), width=width))
                    continue
                yield line, record
        finally:
            book.close()

    return name, columns, body()


def _formula_message(row: int, column: int, formula: str) -> str:
    shown = formula if len(formula) <= 40 else formula[:39] + "…"
    return (M_("cell {column_letter}{row} holds the formula ={shown} but no calculated value; open and save the workbook in Excel or LibreOffice so its values are stored", column_letter=_column_letter(column), row=row, shown=shown))


def _bounded(name: str, rows):
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise InputError([Problem(name, number, None,
                                      M_("the sheet has more than {limit:,} rows (Excel's limit)",
                                         limit=MAX_ROWS))])
        yield values


def _guarded(name: str, rows):
    """Rows of openpyxl's reader; whatever it raises on a broken sheet is an input error."""
    iterator = iter(rows)
    while True:
        try:
            values = next(iterator)
        except StopIteration:
            return
        except InputError:
            raise
        except Exception as exc:  # XML or value errors inside openpyxl: the file is broken
            raise InputError([Problem(name, None, None,
                                      M_("cannot read as an Excel workbook: {exc}", exc=exc))]) from None
        yield values
