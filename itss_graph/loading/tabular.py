"""Read any table people keep inventories in — CSV/TSV, Excel workbooks, JSON record lists — as
located rows of ``{column: value}``, for mapping profiles (:mod:`itss_graph.loading.mapping`).

* CSV/TSV: encoding detected or declared (UTF-8, UTF-8 BOM, GB18030/GBK, UTF-16 BOM), streamed.
* XLSX: read with openpyxl in read-only mode (streamed; imported only when needed). Numbers
  that are whole come out as ``"12"`` not ``"12.0"``, dates as ISO text, so a cell reads the
  same as the CSV export of the same sheet. Merged cells (a machine room spanning the rows of
  its assets) give their value to every cell they cover. ``line`` is the sheet's row number and
  the file is named ``book.xlsx[Sheet]``.
* JSON: a list of objects, or an object holding one under ``results`` (NetBox API pages) or a
  ``records`` path given by the profile; values keep their JSON types.

A sheet often starts with a title line ("XX公司IT资产台账") above the header: with
``header_hint`` the header is the first of the first 20 rows that has all the hinted columns.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text("资产台账,,\\n资产编号,资产名称,类型\\nA1,核心交换机,交换机\\n")
    >>> t = read_table(p, header_hint={"资产编号"})
    >>> t.columns, list(t.rows)
    (['资产编号', '资产名称', '类型'], [(3, {'资产编号': 'A1', '资产名称': '核心交换机', '类型': '交换机'})])
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from itss_graph.errors import InputError, Problem

HEADER_SEARCH_ROWS = 20


@dataclass
class Table:
    """A table's display name, its header, and its rows (``(line, {column: value})`` or a
    Problem for a row that cannot be read)."""

    name: str
    columns: list[str]
    rows: Iterable[tuple[int, dict[str, Any]] | Problem]


def read_table(path: Path, *, sheet: str | int | None = None, header_row: int | None = None,
               encoding: str | None = None, header_hint: set[str] | None = None,
               records: str | None = None) -> Table:
    """Open one table file; see the module docstring for the formats."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_table(path, sheet, header_row, header_hint)
    if suffix == ".json":
        return _json_table(path, encoding, records)
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_table(path, encoding, header_row, header_hint)
    raise InputError([Problem(str(path), None, None,
                              f"unsupported table file {suffix or '(none)'!r}; "
                              "expected .csv, .tsv, .xlsx or .json")])


# -- CSV ------------------------------------------------------------------------------------

def _csv_table(path: Path, encoding: str | None, header_row: int | None,
               hint: set[str] | None) -> Table:
    from itss_graph.loading.encoding import scan_file
    from itss_graph.loading.readers import check_header, iter_csv_records, open_csv

    scan = scan_file(path, encoding)
    target = header_row or (_find_csv_header(path, scan, hint) if hint else 1)
    fh, reader, columns = open_csv(path, scan)
    try:
        while reader.line_num < target:  # skip title lines above the header
            try:
                columns = [c.strip() for c in next(reader)]
            except StopIteration:
                raise InputError([Problem(str(path), target, None,
                                          "the file ends before its header row")]) from None
    except BaseException:
        fh.close()
        raise
    check_header(str(path), columns)

    def rows() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        with fh:
            yield from iter_csv_records(path, reader, columns)

    return Table(str(path), columns, rows())


def _find_csv_header(path: Path, scan, hint: set[str]) -> int:
    from itss_graph.loading.readers import open_csv

    fh, reader, columns = open_csv(path, scan)  # same delimiter rules as the table itself
    with fh:
        if hint <= set(columns):
            return 1
        import csv

        for _ in range(HEADER_SEARCH_ROWS):
            try:
                row = next(reader)
            except (StopIteration, csv.Error):
                break
            if hint <= {c.strip().lstrip("\ufeff") for c in row}:
                return reader.line_num
    return 1


# -- XLSX -----------------------------------------------------------------------------------

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


def _xlsx_table(path: Path, sheet: str | int | None, header_row: int | None,
                hint: set[str] | None) -> Table:
    try:
        import openpyxl  # lazy: ~0.2 s to import
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError([Problem(str(path), None, None, "reading .xlsx needs openpyxl")]) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise InputError([Problem(str(path), None, None,
                                  f"cannot read as an Excel workbook: {exc}")]) from None
    try:
        ws = _pick_sheet(path, book, sheet)
    except BaseException:
        book.close()
        raise
    name = f"{path}[{ws.title}]"
    merged = _merged_ranges(path, getattr(ws, "_worksheet_path", None))
    rows = _fill_merged(ws.iter_rows(values_only=True), merged)
    number = 0
    columns: list[str] | None = None
    buffered: list[tuple] = []
    for values in rows:
        number += 1
        buffered.append(values)
        texts = [cell_text(v) for v in values]
        labels = {t.strip() for t in texts if isinstance(t, str) and t.strip()}
        if (header_row is not None and number == header_row) or (
                header_row is None and ((hint and hint <= labels) or (not hint and labels))):
            columns = [(t or "").strip() for t in texts]
            break
        if number >= (header_row or HEADER_SEARCH_ROWS):
            break
    if columns is None:
        book.close()
        raise InputError([Problem(name, None, None,
                                  "no header row found" + (f" with columns {', '.join(sorted(hint))}"
                                                           if hint else ""))])
    while columns and columns[-1] == "":  # trailing empty header cells (formatting only)
        columns.pop()
    from itss_graph.loading.readers import check_header

    check_header(name, columns)
    start = number

    def body() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        line = start
        width = len(columns)
        try:
            for values in rows:
                line += 1
                texts = [cell_text(v) for v in values]
                extra = [t for t in texts[width:] if t not in (None, "")]
                record = {c: t for c, t in zip(columns, texts) if t not in (None, "")}
                if not record and not extra:
                    continue
                if extra:
                    yield Problem(name, line, None,
                                  f"row has {width + len(extra)} filled cells but the header has {width}")
                    continue
                yield line, record
        finally:
            book.close()

    return Table(name, columns, body())


def _merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column) of each merged range of a sheet, read
    from its XML (read-only worksheets do not expose them)."""
    import re
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    if not member:
        return []
    out = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as fh:
            for _, element in iterparse(fh):
                if re.sub(r"^\{.*\}", "", element.tag) == "mergeCell":
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                    out.append((min_row, max_row, min_col, max_col))
                element.clear()
    except (KeyError, zipfile.BadZipFile, ValueError):
        return []
    return out


def _fill_merged(rows, merged: list[tuple[int, int, int, int]]):
    """Rows (tuples of values) with each merged range's value copied into every cell of it."""
    if not merged:
        yield from rows
        return
    anchors: dict[tuple[int, int], Any] = {}
    for number, values in enumerate(rows, start=1):
        values = list(values)
        for first_row, last_row, first_col, last_col in merged:
            if not first_row <= number <= last_row:
                continue
            for col in range(first_col, last_col + 1):
                if number == first_row and col == first_col:
                    anchors[(first_row, first_col)] = values[col - 1] if col <= len(values) else None
                else:
                    while len(values) < col:
                        values.append(None)
                    values[col - 1] = anchors.get((first_row, first_col))
        yield tuple(values)


def _pick_sheet(path: Path, book, sheet: str | int | None):
    names = book.sheetnames
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
        index = int(sheet)
        if 1 <= index <= len(names):
            return book[names[index - 1]]
    elif sheet in names:
        return book[sheet]
    raise InputError([Problem(str(path), None, None,
                              f"no sheet {sheet!r}; the workbook has {', '.join(names)}")])


# -- JSON record lists ---------------------------------------------------------------------

def _json_table(path: Path, encoding: str | None, records: str | None) -> Table:
    from itss_graph.loading.readers import parse_json_file

    name = str(path)
    text, document = parse_json_file(path, encoding)
    items = document
    path_keys = records.split(".") if records else (["results"] if isinstance(document, dict) else [])
    for key in path_keys:
        if not isinstance(items, dict) or key not in items:
            raise InputError([Problem(name, 1, None,
                                      f"expected a list of records{' under ' + repr(records) if records else ''}")])
        items = items[key]
    if not isinstance(items, list):
        raise InputError([Problem(name, 1, None, "expected a list of records")])
    lines = _element_lines(text, path_keys)

    def body() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        for index, item in enumerate(items):
            line = lines[index] if index < len(lines) else 1
            if not isinstance(item, dict):
                yield Problem(name, line, f"[{index}]", "must be an object of fields")
                continue
            yield line, {str(k): v for k, v in item.items() if v is not None and v != ""}

    columns = sorted({str(k) for item in items if isinstance(item, dict) for k in item})
    return Table(name, columns, body())


def _element_lines(text: str, keys: list[str]) -> list[int]:
    """Start lines of the elements of the record list (best effort; 1 when unknown)."""
    from itss_graph.loading.readers import _JsonLineIndex

    index = _JsonLineIndex(text)
    if not keys:
        start = text.find("[")
        return index._array_lines(json.JSONDecoder(), start + 1) if start >= 0 else []
    if len(keys) == 1:
        return index.element_lines(keys[0])
    return []
