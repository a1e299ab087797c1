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
Documents are read whole, with bounded work (:mod:`itss_graph.loading.documents`).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nsrv1,db host,server\\n")
    >>> [(r.kind, r.line, r.fields["id"]) for r in read_rows(d / "cis.csv")]
    [('ci', 2, 'srv1')]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_
from itss_graph.loading.csvfile import check_header, iter_csv_records, open_csv
from itss_graph.loading.documents import (
    MAX_JSON_BYTES, MAX_YAML_BYTES, decode_text, parse_json_located, parse_yaml, value_problem)
from itss_graph.loading.encoding import scan_file
from itss_graph.loading.files import require_file
from itss_graph.loading.tabular import read_table

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
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", *DOCUMENT_SUFFIXES):
        raise InputError([Problem(str(path), None, None,
                                  M_("unsupported file type {value!r}; expected .csv, .xlsx, .json, .yaml or .yml",
                                     value=suffix or '(none)'))])
    require_file(path)
    if suffix in (".csv", ".tsv", ".txt"):
        yield from _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
    elif suffix == ".json":
        yield from _read_json(path, encoding)
    else:
        yield from _read_yaml(path, encoding)


# -- CSV ------------------------------------------------------------------------------------

def csv_kind(name: str, columns: list[str]) -> str:
    """``"ci"`` or ``"relation"`` from a canonical header; InputError otherwise.

    A header with ``id`` and also ``source`` and ``target`` (CIs with properties of those
    names) is told by its first column, as the canonical writer orders them.

    >>> csv_kind("cis.csv", ["id", "name", "type", "source", "target"])
    'ci'
    """
    check_header(name, columns)
    seen = set(columns)
    is_ci = {"id", "type"} <= seen
    is_relation = {"source", "target", "type"} <= seen
    if is_ci and is_relation:
        if columns[0] in ("id", "source"):
            return "ci" if columns[0] == "id" else "relation"
        raise InputError([Problem(
            name, 1, None,
            M_("the header has id and also source and target: put id first for a table of CIs, source first for a table of relations"))])
    if is_relation:
        return "relation"
    if is_ci:
        return "ci"
    raise InputError([Problem(
        name, 1, None,
        M_("header names neither CIs (id,name,type,...) nor relations (source,type,target,...)"))])


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
    table = read_table(path)
    kind = csv_kind(table.name, table.columns)
    for item in table.rows:
        if isinstance(item, Problem):
            yield item
        else:
            yield RawRow(kind, table.name, item[0], {k: v for k, v in item[1].items()})


# -- JSON and YAML documents ----------------------------------------------------------------

def _read_json(path: Path, encoding: str | None) -> Iterator[RawRow | Problem]:
    name = str(path)
    text, _ = decode_text(path, encoding, limit=MAX_JSON_BYTES)
    document, problems, lines = parse_json_located(name, text)
    check_document(name, document)
    yield from problems
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        starts = lines.get(section, [])
        for index, item in enumerate(document.get(section) or []):
            line = starts[index] if index < len(starts) else 1
            yield located_item(name, line, kind, section, index, item)


def _read_yaml(path: Path, encoding: str | None) -> Iterator[RawRow | Problem]:
    name = str(path)
    text, _ = decode_text(path, encoding, limit=MAX_YAML_BYTES)
    document, root, problems = parse_yaml(name, text)
    check_document(name, document)
    section_nodes = {k.value: v for k, v in root.value} if root is not None else {}
    placed: set[int] = set()
    rows: list[RawRow | Problem] = []
    for section, kind in (("cis", "ci"), ("relations", "relation")):
        node = section_nodes.get(section)
        for index, item in enumerate(document.get(section) or []):
            element = node.value[index] if node is not None else None
            line = element.start_mark.line + 1 if element is not None else 1
            inside = [i for i, p in enumerate(problems) if element is not None
                      and line <= (p.line or 0) <= element.end_mark.line + 1 and i not in placed]
            if inside:  # a value the YAML loader could not make: the row is not loaded
                placed.update(inside)
                rows.extend(problems[i] for i in inside)
                continue
            rows.append(located_item(name, line, kind, section, index, item, checked=True))
    yield from (p for i, p in enumerate(problems) if i not in placed)
    yield from rows


def check_document(name: str, document: Any) -> None:
    """A document must be ``{"cis": [...], "relations": [...]}`` (either key may be absent);
    every way it is not is reported at once."""
    if not isinstance(document, dict):
        raise InputError([Problem(name, 1, None,
                                  M_('expected a document {{"cis": [...], "relations": [...]}}'))])
    problems = [Problem(name, 1, str(key), M_("unknown top-level key; expected 'cis' and 'relations'"))
                for key in sorted(set(document) - {"cis", "relations"}, key=str)]
    problems += [Problem(name, 1, section, M_("must be a list")) for section in ("cis", "relations")
                 if document.get(section) is not None and not isinstance(document[section], list)]
    if problems:
        raise InputError(problems)


def located_item(name: str, line: int, kind: str, section: str, index: int,
                 item: Any, *, checked: bool = False) -> RawRow | Problem:
    """One element of a document section as a row, or the problem that it is not an object
    (or holds a value no row may: a repeated key, a huge number, deep nesting; ``checked``
    when the parser has refused those already, as the YAML reader does).
    YAML dates and times become ISO text (as a spreadsheet's CSV export has them)."""
    if not isinstance(item, dict):
        return Problem(name, line, f"{section}[{index}]", M_("must be an object of fields"))
    if not checked:
        bad = value_problem(item)
        if bad is not None:
            return Problem(name, line, bad[0], bad[1])
    fields = {k if type(k) is str else str(k): v if type(v) in _AS_IS else _plain(v)
              for k, v in item.items() if v is not None and v != ""}
    return RawRow(kind, name, line, fields)


_AS_IS = frozenset({str, int, float, bool})


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
