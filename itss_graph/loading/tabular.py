"""Read any table people keep inventories in — CSV/TSV, Excel workbooks, JSON record lists — as
located rows of ``{column: value}``, for mapping profiles (:mod:`itss_graph.loading.mapping`).

* CSV/TSV: encoding detected or declared (UTF-8, UTF-8 BOM, GB18030/GBK, UTF-16 BOM), streamed
  (:mod:`itss_graph.loading.csvfile`).
* XLSX: :mod:`itss_graph.loading.workbook` (read-only openpyxl, merged cells, bounded).
* JSON: a list of objects, or an object holding one under ``results`` (NetBox API pages) or a
  ``records`` path given by the profile; values keep their JSON types
  (:mod:`itss_graph.loading.documents`: duplicate keys, huge numbers and deep nesting refused).

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

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_
from itss_graph.loading.csvfile import check_header, iter_csv_records, open_csv
from itss_graph.loading.documents import (
    MAX_JSON_BYTES, JsonLineIndex, decode_text, parse_json, value_problem)
from itss_graph.loading.encoding import scan_file
from itss_graph.loading.workbook import HEADER_SEARCH_ROWS, read_sheet

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


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
        return Table(*read_sheet(path, sheet, header_row, header_hint))
    if suffix == ".json":
        return _json_table(path, encoding, records)
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_table(path, encoding, header_row, header_hint)
    raise InputError([Problem(str(path), None, None,
                              M_("unsupported table file {value!r}; expected .csv, .tsv, .xlsx or .json",
                                 value=suffix or '(none)'))])


# -- CSV ------------------------------------------------------------------------------------

def _csv_table(path: Path, encoding: str | None, header_row: int | None,
               hint: set[str] | None) -> Table:
    scan = scan_file(path, encoding)
    target = header_row or (_find_csv_header(path, scan, hint) if hint else 1)
    fh, reader, columns = open_csv(path, scan)
    try:
        while reader.line_num < target:  # skip title lines above the header
            try:
                columns = [c.strip() for c in next(reader)]
            except StopIteration:
                raise InputError([Problem(str(path), target, None,
                                          M_("the file ends before its header row"))]) from None
            except csv.Error as exc:
                raise InputError([Problem(str(path), reader.line_num, None,
                                          M_("malformed CSV: {exc}", exc=exc))]) from None
        check_header(str(path), columns, reader.line_num or 1)
    except BaseException:
        fh.close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        with fh:
            yield from iter_csv_records(path, reader, columns)

    return Table(str(path), columns, rows())


def _find_csv_header(path: Path, scan, hint: set[str]) -> int:
    fh, reader, columns = open_csv(path, scan)  # same delimiter rules as the table itself
    with fh:
        if hint <= set(columns):
            return 1
        for _ in range(HEADER_SEARCH_ROWS):
            try:
                row = next(reader)
            except (StopIteration, csv.Error):
                break
            if hint <= {c.strip().lstrip("\ufeff") for c in row}:
                return reader.line_num
    return 1


# -- JSON record lists ---------------------------------------------------------------------

def _json_table(path: Path, encoding: str | None, records: str | None) -> Table:
    name = str(path)
    text, _ = decode_text(path, encoding, limit=MAX_JSON_BYTES)
    document, problems = parse_json(name, text)
    items = document
    path_keys = records.split(".") if records else (["results"] if isinstance(document, dict) else [])
    for key in path_keys:
        if not isinstance(items, dict) or key not in items:
            raise InputError([Problem(name, 1, None,
                                      M_("expected a list of records under {key!r}", key=records) if records
                                      else M_("expected a list of records"))])
        items = items[key]
    if not isinstance(items, list):
        raise InputError([Problem(name, 1, None, M_("expected a list of records"))])
    lines = _element_lines(text, path_keys)

    def body() -> Iterator[tuple[int, dict[str, Any]] | Problem]:
        yield from problems
        for index, item in enumerate(items):
            line = lines[index] if index < len(lines) else 1
            if not isinstance(item, dict):
                yield Problem(name, line, f"[{index}]", M_("must be an object of fields"))
                continue
            bad = value_problem(item)
            if bad is not None:
                yield Problem(name, line, bad[0], bad[1])
                continue
            yield line, {str(k): v for k, v in item.items() if v is not None and v != ""}

    columns = sorted({str(k) for item in items if isinstance(item, dict) for k in item})
    return Table(name, columns, body())


def _element_lines(text: str, keys: list[str]) -> list[int]:
    """Start lines of the elements of the record list (best effort; 1 when unknown)."""
    index = JsonLineIndex(text)
    if not keys:
        start = text.find("[")
        return index.array_lines(start + 1) if start >= 0 else []
    if len(keys) == 1:
        return index.element_lines(keys[0])
    return []
