"""Row-level validation of inventory rows against the CMDB schema.

Turns :class:`~itss_graph.loading.readers.RawRow` into CI and relation records with canonical
type names, or into :class:`~itss_graph.errors.Problem` s that say file, line and field.
Checks that need several rows (duplicates, dangling references) run on the staging database
(:mod:`itss_graph.loading.staging`).

Example:
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.loading.readers import RawRow
    >>> row = RawRow("ci", "cis.csv", 2, {"id": "s1", "type": "服务器"})
    >>> validate_row(row, load_schema())
    StagedCI(id='s1', type='server', name='s1', props='{}', file='cis.csv', line=2)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from itss_graph.errors import Problem
from itss_graph.loading.readers import RawRow
from itss_graph.model import CI_FIELDS, RELATION_FIELDS, canonical_json
from itss_graph.schema import Schema

MAX_ID_LENGTH = 512
MAX_NAME_LENGTH = 4096
MAX_VALUE_LENGTH = 65536
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class StagedCI:
    id: str
    type: str
    name: str
    props: str  # canonical JSON
    file: str
    line: int


@dataclass(frozen=True)
class StagedRelation:
    source: str
    type: str
    target: str
    props: str
    file: str
    line: int


def validate_row(row: RawRow, schema: Schema) -> StagedCI | StagedRelation | list[Problem]:
    """Validate one row; return a staged record or the row's problems."""
    if row.kind == "ci":
        return _validate_ci(row, schema)
    return _validate_relation(row, schema)


def _validate_ci(row: RawRow, schema: Schema) -> StagedCI | list[Problem]:
    problems: list[Problem] = []
    f = row.fields
    ci_id = _identifier(row, "id", problems)
    type_name = _ci_type(row, schema, problems)
    name = f.get("name", ci_id)
    if name is not None and not isinstance(name, str):
        name = str(name)  # JSON/YAML may give numbers as names
    if name is not None:
        if len(name) > MAX_NAME_LENGTH:
            problems.append(_problem(row, "name", f"is {len(name)} characters long; at most {MAX_NAME_LENGTH}"))
        elif _CONTROL.search(name):
            problems.append(_problem(row, "name", "contains a control character", name))
    props = {k: v for k, v in f.items() if k not in CI_FIELDS}
    problems.extend(_check_props(row, props))
    if problems:
        return problems
    return StagedCI(ci_id, type_name, name, canonical_json(props), row.file, row.line)


def _validate_relation(row: RawRow, schema: Schema) -> StagedRelation | list[Problem]:
    problems: list[Problem] = []
    source = _identifier(row, "source", problems)
    target = _identifier(row, "target", problems)
    raw_type = row.fields.get("type")
    rel_type = None
    if raw_type is None or str(raw_type).strip() == "":
        problems.append(_problem(row, "type", "missing relation type"))
    else:
        rel_type = schema.resolve_relation_type(str(raw_type))
        if rel_type is None:
            problems.append(_problem(
                row, "type",
                f"unknown relation type {raw_type!r}{_suggest(str(raw_type), schema.relation_types)}",
                str(raw_type)))
    if source is not None and source == target:
        problems.append(_problem(row, "target", f"relation from {source!r} to itself", source))
    props = {k: v for k, v in row.fields.items() if k not in RELATION_FIELDS}
    problems.extend(_check_props(row, props))
    if problems:
        return problems
    return StagedRelation(source, rel_type, target, canonical_json(props), row.file, row.line)


def _identifier(row: RawRow, field: str, problems: list[Problem]) -> str | None:
    value = row.fields.get(field)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        problems.append(_problem(row, field, f"missing {field}"))
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        problems.append(_problem(row, field, f"must be a string, not {type(value).__name__}", str(value)))
        return None
    text = str(value)
    if text != text.strip():
        problems.append(_problem(row, field, f"{text!r} has leading or trailing whitespace", text))
    elif _CONTROL_IN_ID.search(text):
        problems.append(_problem(row, field, f"{text!r} contains a control character", text))
    elif len(text) > MAX_ID_LENGTH:
        problems.append(_problem(row, field, f"is {len(text)} characters long; at most {MAX_ID_LENGTH}"))
    else:
        return text
    return None


def _ci_type(row: RawRow, schema: Schema, problems: list[Problem]) -> str | None:
    raw = row.fields.get("type")
    if raw is None or str(raw).strip() == "":
        problems.append(_problem(row, "type", "missing CI type"))
        return None
    resolved = schema.resolve_ci_type(str(raw))
    if resolved is None:
        problems.append(_problem(
            row, "type", f"unknown CI type {raw!r}{_suggest(str(raw), schema.ci_types)}", str(raw)))
    return resolved


def _check_props(row: RawRow, props: dict[str, Any]) -> list[Problem]:
    problems = []
    for key, value in props.items():
        if _CONTROL_IN_ID.search(key):
            problems.append(_problem(row, repr(key), "property name contains a control character", key))
        text = value if isinstance(value, str) else canonical_json(value)
        if len(text) > MAX_VALUE_LENGTH:
            problems.append(_problem(row, key, f"value is {len(text)} characters long; at most {MAX_VALUE_LENGTH}"))
        elif isinstance(value, str) and _CONTROL.search(value):
            problems.append(_problem(row, key, "contains a control character", value))
    return problems


def _suggest(text: str, known: dict) -> str:
    close = difflib.get_close_matches(text.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
    if close:
        match = next(k for k in known if k.lower() == close[0])
        return f" (did you mean {match!r}?)"
    return f"; known: {', '.join(sorted(known))}" if len(known) <= 40 else ""


def _problem(row: RawRow, field: str, message: str, value: str | None = None) -> Problem:
    return Problem(row.file, row.line, field, message, value)
