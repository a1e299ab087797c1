"""Read inventory files in the canonical format into located rows.

Canonical format (README, "Inventory format"):

* a CSV file of CIs, header ``id,name,type,...`` (any further column is a property), and a CSV
  file of relations, header ``source,type,target,...``; which is which is told by the header;
* or one JSON or YAML document ``{"cis": [...], "relations": [...]}``.

Rows come out as :class:`RawRow` with the file and line they start on, so every later error
can say ``file:line: field: message``. CSV files may be UTF-8 (with or without BOM) or
GB18030/GBK (common for spreadsheets saved on Chinese Windows); the encoding is detected.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nsrv1,db host,server\\n")
    >>> [(r.kind, r.line, r.fields["id"]) for r in read_rows(d / "cis.csv")]
    [('ci', 2, 'srv1')]
"""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from itss_graph.errors import InputError, Problem

CSV_FIELD_LIMIT = 1 << 20  # 1 MiB per field: beyond that a cell is surely a broken quote


@dataclass(frozen=True)
class RawRow:
    """One input row before validation."""

    kind: str  # "ci" or "relation"
    file: str
    line: int
    fields: dict[str, Any]


def read_rows(path: Path) -> Iterator[RawRow]:
    """Yield the rows of one inventory file (CSV, JSON or YAML), located by file and line."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".json":
        yield from _read_json(path)
    elif suffix in (".yaml", ".yml"):
        yield from _read_yaml(path)
    else:
        raise InputError([Problem(str(path), None, None,
                                  f"unsupported file type {suffix or '(none)'!r}; "
                                  "expected .csv, .json, .yaml or .yml")])


def decode_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with (UTF-8, UTF-8 BOM or GB18030)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(str(path), None, None,
                              "cannot decode as UTF-8 or GB18030; save the file as UTF-8")])


def _read_csv(path: Path) -> Iterator[RawRow]:
    text, _encoding = decode_text(path)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    name = str(path)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError([Problem(name, 1, None, "empty file: expected a header row")]) from None
    except csv.Error as exc:
        raise InputError([Problem(name, 1, None, f"malformed CSV: {exc}")]) from None
    columns = [h.strip() for h in header]
    kind = _csv_kind(name, columns)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError([Problem(name, line, None, f"malformed CSV: {exc}")]) from None
        if not any(v.strip() for v in values):  # blank line
            line = reader.line_num + 1
            continue
        if len(values) != len(columns):
            raise InputError([Problem(
                name, line, None,
                f"row has {len(values)} fields but the header has {len(columns)}")])
        yield RawRow(kind, name, line, {c: v for c, v in zip(columns, values) if v != ""})
        line = reader.line_num + 1


def _csv_kind(name: str, columns: list[str]) -> str:
    seen = set(columns)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise InputError([Problem(name, 1, duplicates[0], "column appears twice in the header")])
    if {"source", "target", "type"} <= seen:
        return "relation"
    if {"id", "type"} <= seen:
        return "ci"
    raise InputError([Problem(
        name, 1, None,
        "header names neither CIs (id,name,type,...) nor relations (source,type,target,...)")])


def _read_json(path: Path) -> Iterator[RawRow]:
    text, _ = decode_text(path)
    name = str(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, exc.lineno, None, f"malformed JSON: {exc.msg}")]) from None
    _check_document(name, document)
    lines = _JsonLineIndex(text)
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        starts = lines.element_lines(section)
        for index, item in enumerate(document.get(section) or []):
            line = starts[index] if index < len(starts) else 1
            yield _located_item(name, line, kind, section, index, item)


def _read_yaml(path: Path) -> Iterator[RawRow]:
    import yaml

    text, _ = decode_text(path)
    name = str(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError([Problem(name, line, None, f"malformed YAML: {exc}")]) from None
    document = yaml.safe_load(text) if root is not None else None
    _check_document(name, document)
    section_nodes = {k.value: v for k, v in root.value} if root is not None else {}
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        node = section_nodes.get(section)
        items = document.get(section) or []
        for index, item in enumerate(items):
            line = node.value[index].start_mark.line + 1 if node is not None else 1
            yield _located_item(name, line, kind, section, index, item)


def _check_document(name: str, document: Any) -> None:
    if not isinstance(document, dict):
        raise InputError([Problem(name, 1, None,
                                  'expected a document {"cis": [...], "relations": [...]}')])
    unknown = sorted(set(document) - {"cis", "relations"})
    if unknown:
        raise InputError([Problem(name, 1, unknown[0],
                                  "unknown top-level key; expected 'cis' and 'relations'")])
    for section in ("cis", "relations"):
        if document.get(section) is not None and not isinstance(document[section], list):
            raise InputError([Problem(name, 1, section, "must be a list")])


def _located_item(name: str, line: int, kind: str, section: str, index: int, item: Any) -> RawRow:
    if not isinstance(item, dict):
        raise InputError([Problem(name, line, f"{section}[{index}]", "must be an object of fields")])
    fields = {str(k): v for k, v in item.items() if v is not None and v != ""}
    return RawRow(kind, name, line, fields)


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
