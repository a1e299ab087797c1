"""Read inventory files in the canonical format into located rows.

Canonical format (README, "Inventory format"):

* a CSV (or XLSX) table of CIs, header ``id,name,type,...`` (any further column is a property),
  and one of relations, header ``source,type,target,...``; which is which is told by the header;
* or one JSON or YAML document ``{"cis": [...], "relations": [...]}``.

Rows come out as :class:`RawRow` with the file and line they start on, so every later error
can say ``file:line: field: message``. A row that cannot be read (wrong number of fields, broken
quoting) comes out as a :class:`~itss_graph.errors.Problem` in its place and reading goes on, so
``--on-error skip`` can report every skipped row. Problems with a whole file (undecodable,
unknown header) raise :class:`~itss_graph.errors.InputError`.

CSV files are streamed (never held whole in memory); their encoding is detected (UTF-8 with or
without BOM, GB18030/GBK, UTF-16 with BOM) or declared (:mod:`itss_graph.loading.encoding`).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nsrv1,db host,server\\n")
    >>> [(r.kind, r.line, r.fields["id"]) for r in read_rows(d / "cis.csv")]
    [('ci', 2, 'srv1')]
"""

from __future__ import annotations

import csv
import json
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.loading.encoding import FileScan, scan_file

CSV_FIELD_LIMIT = 1 << 20  # 1 MiB per field: beyond that a cell is surely a broken quote
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class RawRow:
    """One input row before validation.

    ``columns`` maps a field to the name of the input column it came from, when they differ
    (mapping profiles: ``name`` ← ``资产名称``), so problems can name the column people see.
    """

    kind: str  # "ci" or "relation"
    file: str
    line: int
    fields: dict[str, Any]
    columns: dict[str, str] | None = None


def read_rows(path: Path, *, encoding: str | None = None) -> Iterator[RawRow | Problem]:
    """Yield the rows of one inventory file (CSV, XLSX, JSON or YAML), located by file and line,
    with a Problem in place of each row that cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        yield from _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
    elif suffix == ".json":
        yield from _read_json(path, encoding)
    elif suffix in (".yaml", ".yml"):
        yield from _read_yaml(path, encoding)
    else:
        raise InputError([Problem(str(path), None, None,
                                  f"unsupported file type {suffix or '(none)'!r}; "
                                  "expected .csv, .xlsx, .json, .yaml or .yml")])


def decode_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The whole text of a (small) document file and the encoding it was read with."""
    scan = scan_file(path, encoding)
    text = path.read_bytes().decode(scan.encoding)
    return text.removeprefix("\ufeff"), scan.encoding


# -- CSV ------------------------------------------------------------------------------------

def open_csv(path: Path, scan: FileScan) -> tuple[IO[str], Any, list[str]]:
    """Open a scanned CSV file: (file handle, csv reader positioned after the header, columns).

    The delimiter is a comma, or a tab for ``.tsv`` files and for files whose header has tabs
    but no commas (Excel's "Unicode text" export).
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    fh = path.open("r", encoding=scan.encoding, newline="")
    name = str(path)
    try:
        first = fh.readline()
        delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
        fh.seek(0)
        reader = csv.reader(fh, strict=True, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError([Problem(name, 1, None, "empty file: expected a header row")]) from None
        except csv.Error as exc:
            raise InputError([Problem(name, 1, None, f"malformed CSV: {exc}")]) from None
    except BaseException:
        fh.close()
        raise
    columns = [h.strip() for h in header]
    if columns and columns[0].startswith("\ufeff"):  # a BOM inside a declared UTF-8 file
        columns[0] = columns[0][1:]
    return fh, reader, columns


def csv_kind(name: str, columns: list[str]) -> str:
    """``"ci"`` or ``"relation"`` from a canonical header; InputError otherwise."""
    check_header(name, columns)
    seen = set(columns)
    if {"source", "target", "type"} <= seen:
        return "relation"
    if {"id", "type"} <= seen:
        return "ci"
    raise InputError([Problem(
        name, 1, None,
        "header names neither CIs (id,name,type,...) nor relations (source,type,target,...)")])


def check_header(name: str, columns: list[str]) -> None:
    """Reject headers with duplicate or empty column names."""
    duplicates = sorted({c for c in columns if columns.count(c) > 1 and c})
    if duplicates:
        raise InputError([Problem(name, 1, duplicates[0], "column appears twice in the header")])
    if "" in columns:
        raise InputError([Problem(name, 1, None,
                                  f"column {columns.index('') + 1} of the header has no name")])


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
            yield Problem(name, line, None, f"malformed CSV: {exc}")
            line = reader.line_num + 1
            continue
        if not values or not any(v.strip() for v in values):  # blank line
            line = reader.line_num + 1
            continue
        if len(values) != width:
            yield Problem(name, line, None,
                          f"row has {len(values)} fields but the header has {width}")
        else:
            yield line, {c: v for c, v in zip(columns, values) if v != ""}
        line = reader.line_num + 1


def _read_csv(path: Path, encoding: str | None) -> Iterator[RawRow | Problem]:
    scan = scan_file(path, encoding)
    fh, reader, columns = open_csv(path, scan)
    with fh:
        kind = csv_kind(str(path), columns)
        name = str(path)
        for item in iter_csv_records(path, reader, columns):
            if isinstance(item, Problem):
                yield item
            else:
                yield RawRow(kind, name, item[0], item[1])


def _read_xlsx(path: Path) -> Iterator[RawRow | Problem]:
    from itss_graph.loading.tabular import read_table

    table = read_table(path)
    kind = csv_kind(table.name, table.columns)
    for item in table.rows:
        if isinstance(item, Problem):
            yield item
        else:
            yield RawRow(kind, table.name, item[0], {k: v for k, v in item[1].items()})


# -- JSON and YAML documents ----------------------------------------------------------------

def parse_json_file(path: Path, encoding: str | None) -> tuple[str, Any]:
    """A JSON file's text and parsed document; malformed JSON is an ``InputError`` naming the line.

    >>> import tempfile; f = Path(tempfile.mkdtemp()) / "x.json"; _ = f.write_text('{"cis": []}')
    >>> parse_json_file(f, None)[1]
    {'cis': []}
    """
    text, _ = decode_text(path, encoding)
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), exc.lineno, None, f"malformed JSON: {exc.msg}")]) from None


def _read_json(path: Path, encoding: str | None) -> Iterator[RawRow | Problem]:
    name = str(path)
    text, document = parse_json_file(path, encoding)
    check_document(name, document)
    lines = _JsonLineIndex(text)
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        starts = lines.element_lines(section)
        for index, item in enumerate(document.get(section) or []):
            line = starts[index] if index < len(starts) else 1
            yield located_item(name, line, kind, section, index, item)


def _read_yaml(path: Path, encoding: str | None) -> Iterator[RawRow | Problem]:
    import yaml

    text, _ = decode_text(path, encoding)
    name = str(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(name, line, None, f"malformed YAML: {problem}")]) from None
    check_document(name, document)
    section_nodes = {k.value: v for k, v in root.value} if root is not None else {}
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        node = section_nodes.get(section)
        items = document.get(section) or []
        for index, item in enumerate(items):
            line = node.value[index].start_mark.line + 1 if node is not None else 1
            yield located_item(name, line, kind, section, index, item)


def check_document(name: str, document: Any) -> None:
    """A document must be ``{"cis": [...], "relations": [...]}`` (either key may be absent)."""
    if not isinstance(document, dict):
        raise InputError([Problem(name, 1, None,
                                  'expected a document {"cis": [...], "relations": [...]}')])
    unknown = sorted(set(document) - {"cis", "relations"}, key=str)
    if unknown:
        raise InputError([Problem(name, 1, str(unknown[0]),
                                  "unknown top-level key; expected 'cis' and 'relations'")])
    for section in ("cis", "relations"):
        if document.get(section) is not None and not isinstance(document[section], list):
            raise InputError([Problem(name, 1, section, "must be a list")])


def located_item(name: str, line: int, kind: str, section: str, index: int,
                 item: Any) -> RawRow | Problem:
    """One element of a document section as a row, or the problem that it is not an object.
    YAML dates and times become ISO text (as a spreadsheet's CSV export has them)."""
    if not isinstance(item, dict):
        return Problem(name, line, f"{section}[{index}]", "must be an object of fields")
    fields = {str(k): _plain(v) for k, v in item.items() if v is not None and v != ""}
    return RawRow(kind, name, line, fields)


def _plain(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() or value.tzinfo else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


class _JsonLineIndex:
    """Line numbers of the elements of a top-level JSON array, found without a second parser."""

    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    def element_lines(self, key: str) -> list[int]:
        """Start lines of the elements of ``document[key]`` (empty if the key is absent)."""
        decoder = json.JSONDecoder()
        text = self.text
        i = self._skip(text.find("{") + 1)
        while i < len(text) and text[i] != "}":
            name, i = decoder.raw_decode(text, i)
            i = self._skip(text.index(":", i) + 1)
            if name == key and text[i] == "[":
                return self._array_lines(decoder, i + 1)
            _, i = decoder.raw_decode(text, i)
            i = self._skip(i)
            if text[i] == ",":
                i = self._skip(i + 1)
        return []

    def _array_lines(self, decoder: json.JSONDecoder, i: int) -> list[int]:
        text = self.text
        lines: list[int] = []
        i = self._skip(i)
        while text[i] != "]":
            lines.append(self.line_of(i))
            _, i = decoder.raw_decode(text, i)
            i = self._skip(i)
            if text[i] == ",":
                i = self._skip(i + 1)
        return lines

    def _skip(self, i: int) -> int:
        text = self.text
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i
