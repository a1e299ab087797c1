"""CSV/TSV files as a header and located records, for canonical inventories
(:mod:`itss_graph.loading.readers`), tables read through profiles
(:mod:`itss_graph.loading.tabular`) and the bulk path (:mod:`itss_graph.loading.fastcsv`).

Bounded work: a field holds at most :data:`CSV_FIELD_LIMIT` characters (beyond that a cell is
surely a broken quote), a header at most :data:`MAX_COLUMNS` columns, and every check of a
header is linear in its width.

Example:
    >>> check_header("t.csv", ["id", "name", "id", ""])
    Traceback (most recent call last):
    ...
    itss_graph.errors.InputError: t.csv:1: id: column appears twice in the header (and 1 more)
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import IO, Any, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_
from itss_graph.loading.encoding import FileScan

CSV_FIELD_LIMIT = 1 << 20  # 1 MiB per field
MAX_COLUMNS = 2000


def open_csv(path: Path, scan: FileScan) -> tuple[IO[str], Any, list[str]]:
    """Open a scanned CSV file: (file handle, csv reader positioned after the header, columns).

    The delimiter is a comma, or a tab for ``.tsv`` files and for files whose header has tabs
    but no commas (Excel's "Unicode text" export).
    """
    from itss_graph.loading.files import read_problem

    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        fh = path.open("r", encoding=scan.encoding, newline="")
    except OSError as exc:
        raise read_problem(path, exc) from None
    name = str(path)
    try:
        first = fh.readline(CSV_FIELD_LIMIT)
        delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
        fh.seek(0)
        reader = csv.reader(fh, strict=True, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError([Problem(name, 1, None, M_("empty file: expected a header row"))]) from None
        except csv.Error as exc:
            raise InputError([Problem(name, 1, None, M_("malformed CSV: {exc}", exc=exc))]) from None
    except BaseException:
        fh.close()
        raise
    columns = [h.strip() for h in header]
    if columns and columns[0].startswith("\ufeff"):  # a BOM inside a declared UTF-8 file
        columns[0] = columns[0][1:]
    return fh, reader, columns


def check_header(name: str, columns: list[str], line: int = 1) -> None:
    """Refuse a header that is too wide or has duplicate or empty column names: every such
    problem at once."""
    if len(columns) > MAX_COLUMNS:
        raise InputError([Problem(name, line, None,
                                  M_("the header has {len_columns} columns; at most {MAX_COLUMNS}",
                                     len_columns=len(columns), MAX_COLUMNS=MAX_COLUMNS))])
    problems = [Problem(name, line, column, M_("column appears twice in the header"))
                for column, n in sorted(Counter(columns).items()) if n > 1 and column]
    problems += [Problem(name, line, None, M_("column {value} of the header has no name", value=i + 1))
                 for i, column in enumerate(columns) if column == ""]
    if problems:
        raise InputError(problems)


def iter_csv_records(path: Path, reader: Any, columns: list[str]
                     ) -> Iterator[tuple[int, dict[str, str]] | Problem]:
    """(line, {column: value}) for each non-blank record, empty values left out; a Problem for
    each record that cannot be read, after which reading goes on."""
    name = str(path)
    width = len(columns)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Problem(name, line, None, M_("malformed CSV: {exc}", exc=exc))
            line = reader.line_num + 1
            continue
        if not values or not any(v.strip() for v in values):  # blank line
            line = reader.line_num + 1
            continue
        if len(values) != width:
            yield Problem(name, line, None,
                          M_("row has {len_values} fields but the header has {width}",
                             len_values=len(values), width=width))
        else:
            yield line, {c: v for c, v in zip(columns, values) if v != ""}
        line = reader.line_num + 1
