"""Row-level validation of inventory rows against the CMDB schema.

Turns :class:`~itss_graph.loading.readers.RawRow` into CI and relation records with canonical
type names, or into :class:`~itss_graph.errors.Problem` s that say file, line and column.
Checks that need several rows (duplicates, dangling references, cycles, identification keys)
run on the staging database (:mod:`itss_graph.loading.staging`).

The rules here are the reference: the bulk CSV path (:mod:`itss_graph.loading.fastcsv`) only
detects that *some* rule may be broken and then hands the file to this module.

Example:
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.loading.readers import RawRow
    >>> row = RawRow("ci", "cis.csv", 2, {"id": "s1", "type": "服务器"})
    >>> validate_row(row, load_schema())
    StagedCI(id='s1', type='server', name='s1', props='{}', file='cis.csv', line=2, mode=0, keys=None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from itss_graph.errors import Problem
from itss_graph.i18n import M_
from itss_graph.loading.encoding import INVISIBLE
from itss_graph.loading.readers import RawRow
from itss_graph.model import CI_FIELDS, RELATION_FIELDS, canonical_json
from itss_graph.schema import Schema
from itss_graph.stores.batch import ENSURE, MERGE, UPSERT
from itss_graph.textmatch import suggest_known as _suggest

MAX_ID_LENGTH = 512
MAX_NAME_LENGTH = 4096
MAX_VALUE_LENGTH = 65536
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")      # names and values may hold TAB and LF
_CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # only JSON/YAML escapes make these: not characters
# what str.strip() removes: ids must not start or end with any of these. Written out: finding
# them among all 1.1M code points costs every load ~80 ms (tests/loading/test_checks.py holds
# this list equal to the characters for which str.isspace() is true)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

# how a user adds what the ontology lacks: said by every "unknown type" message
ONTOLOGY_HINT = M_("add a type or an alias in a user ontology file (a .ttl file in "
                   "~/.config/itss-graph/ontology/ or $ITSS_ONTOLOGY_PATH; see loaders/README.md)")

# how a CI row meets a stored CI of the same id: the loader→store contract declares it
MODE_UPSERT, MODE_ENSURE, MODE_MERGE = UPSERT, ENSURE, MERGE


@dataclass(frozen=True)
class KeyRef:
    """A relation end given by identification keys instead of an id, e.g. the CI whose
    ``name`` is ``web-01`` and whose ``site`` is ``DC1``; resolved after staging."""

    keys: tuple[tuple[str, str], ...]
    type: str | None = None  # only CIs of this type match, when set
    optional: bool = False   # no match drops the relation with a warning instead of an error
    column: str | None = None  # the input column the keys came from (named in problems)

    def describe(self) -> str:
        text = ", ".join(f"{k}={v!r}" for k, v in self.keys)
        return M_("{type} with {text}", type=self.type, text=text) if self.type else text


@dataclass(frozen=True)
class StagedCI:
    id: str
    type: str
    name: str
    props: str  # canonical JSON
    file: str
    line: int
    mode: int = MODE_UPSERT
    keys: str | None = None  # canonical JSON [[field, value], ...] when identified by keys


@dataclass(frozen=True)
class StagedRelation:
    source: str | KeyRef
    type: str
    target: str | KeyRef
    props: str
    file: str
    line: int
    quiet: bool = False  # made per row by a profile: repeats are expected, not warned about


def validate_row(row: RawRow, schema: Schema) -> StagedCI | StagedRelation | list[Problem]:
    """Validate one row; return a staged record or the row's problems."""
    if row.kind == "ci":
        return validate_ci(row, schema)
    return validate_relation(row, schema)


def validate_ci(row: RawRow, schema: Schema, *, mode: int = MODE_UPSERT,
                keys: tuple[str, ...] = ()) -> StagedCI | list[Problem]:
    """A CI row: ``id``, ``type``, optional ``name`` (defaults to the id), other fields are
    properties. With ``keys`` the CI is identified by those fields (reconciled later)."""
    problems: list[Problem] = []
    f = row.fields
    ci_id = check_identifier(row, "id", problems)
    type_name = _ci_type(row, schema, problems)
    name = f.get("name", ci_id)
    if name is not None and not isinstance(name, str):
        if isinstance(name, (dict, list)):
            problems.append(_problem(row, "name", M_("must be text, not {json_kind}",
                                                     json_kind=_json_kind(name))))
            name = None
        else:
            name = str(name)  # JSON/YAML may give numbers as names
    if name is not None:
        if _SURROGATE.search(name):
            problems.append(_problem(row, "name", M_("{shown} is not valid Unicode (a lone surrogate)",
                                                     shown=shown(name))))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(_problem(row, "name", M_("is {len_name} characters long; at most {MAX_NAME_LENGTH}",
                                                     len_name=len(name), MAX_NAME_LENGTH=MAX_NAME_LENGTH)))
        elif _CONTROL.search(name):
            problems.append(_problem(row, "name", M_("contains a control character: {shown}",
                                                     shown=shown(name)), name))
    props = {k: v for k, v in f.items() if k not in CI_FIELDS}
    problems.extend(_check_props(row, props))
    problems.extend(check_special_properties(row, props))
    key_json = None
    if keys and not problems:
        values = []
        for key in keys:
            value = {"id": ci_id, "type": type_name, "name": name}.get(key, props.get(key))
            if value is None or str(value).strip() == "":
                problems.append(_problem(row, key, M_("missing {key}: it is an identification key", key=key)))
            else:
                values.append([key, str(value).strip()])
        key_json = canonical_json(values)
    if problems:
        return problems
    return StagedCI(ci_id, type_name, name, canonical_json(props), row.file, row.line, mode, key_json)


def validate_relation(row: RawRow, schema: Schema, *, quiet: bool = False
                      ) -> StagedRelation | list[Problem]:
    """A relation row: ``source``, ``type``, ``target`` (ids or :class:`KeyRef`), properties."""
    problems: list[Problem] = []
    source = row.fields.get("source")
    target = row.fields.get("target")
    source = source if isinstance(source, KeyRef) else check_identifier(row, "source", problems)
    target = target if isinstance(target, KeyRef) else check_identifier(row, "target", problems)
    raw_type = row.fields.get("type")
    rel_type = None
    if raw_type is None or str(raw_type).strip() == "":
        problems.append(_problem(row, "type", M_("missing relation type")))
    else:
        rel_type = schema.resolve_relation_type(str(raw_type))
        if rel_type is None:
            problems.append(_problem(
                row, "type",
                M_("unknown relation type {raw_type!r}{suggest}; {hint}",
                   raw_type=raw_type, suggest=_suggest(str(raw_type), schema.relation_types), hint=ONTOLOGY_HINT), str(raw_type)))
    if source is not None and source == target:
        shown = source.describe() if isinstance(source, KeyRef) else repr(source)
        problems.append(_problem(row, "target", M_("relation from {shown} to itself", shown=shown),
                                 None if isinstance(source, KeyRef) else source))
    props = {k: v for k, v in row.fields.items() if k not in RELATION_FIELDS}
    problems.extend(_check_props(row, props))
    problems.extend(check_special_properties(row, props, relation=True))
    if problems:
        return problems
    return StagedRelation(source, rel_type, target, canonical_json(props), row.file, row.line, quiet)


def check_identifier(row: RawRow, field: str, problems: list[Problem]) -> str | None:
    """The row's ``field`` as a valid id, or None after adding a problem."""
    value = row.fields.get(field)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        problems.append(_problem(row, field, M_("missing {field}", field=field)))
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        problems.append(_problem(row, field, M_("must be a string, not {json_kind}",
                                                json_kind=_json_kind(value)), str(value)))
        return None
    text = str(value)
    if _SURROGATE.search(text):
        problems.append(_problem(row, field, M_("{shown} is not valid Unicode (a lone surrogate escape such as \\ud800)",
                                                shown=shown(text))))
        return None
    if not text.isascii():  # one id, one spelling: NFD and NFC forms name the same CI
        text = unicodedata.normalize("NFC", text)
    if text != text.strip():
        problems.append(_problem(row, field, M_("{text!r} has leading or trailing whitespace",
                                                text=text), text))
    elif _CONTROL_IN_ID.search(text):
        problems.append(_problem(row, field, M_("{text!r} contains a control character", text=text), text))
    elif (invisible := INVISIBLE.search(text)) is not None:
        char = invisible.group()
        problems.append(_problem(row, field, M_("{text!r} contains an invisible character U+{ord:04X} ({name})",
                                                text=text, ord=ord(char), name=unicodedata.name(char, 'format character')), text))
    elif len(text) > MAX_ID_LENGTH:
        problems.append(_problem(row, field, M_("is {len_text} characters long; at most {MAX_ID_LENGTH}",
                                                len_text=len(text), MAX_ID_LENGTH=MAX_ID_LENGTH),
                                 text[:80] + "…"))
    else:
        return text
    return None


def _ci_type(row: RawRow, schema: Schema, problems: list[Problem]) -> str | None:
    raw = row.fields.get("type")
    if raw is None or str(raw).strip() == "":
        problems.append(_problem(row, "type", M_("missing CI type")))
        return None
    resolved = schema.resolve_ci_type(str(raw))
    if resolved is None:
        problems.append(_problem(
            row, "type", M_("unknown CI type {raw!r}{suggest}; {hint}",
                            raw=raw, suggest=_suggest(str(raw), schema.ci_types), hint=ONTOLOGY_HINT),
            str(raw)))
    return resolved


def _check_props(row: RawRow, props: dict[str, Any]) -> list[Problem]:
    problems = []
    for key, value in props.items():
        if _SURROGATE.search(key) or _has_surrogate(value):
            problems.append(_problem(row, shown(key), M_("is not valid Unicode (a lone surrogate escape such as \\ud800 in the name or the value)")))
            continue
        if _CONTROL_IN_ID.search(key):
            problems.append(_problem(row, repr(key), M_("property name contains a control character"), key))
            continue
        if key != key.strip() or key == "":
            problems.append(_problem(row, repr(key), M_("property name has leading or trailing whitespace"), key))
            continue
        unsupported = _unsupported(value)
        if unsupported:
            problems.append(_problem(row, key, unsupported, repr(value)[:80]))
            continue
        text = value if isinstance(value, str) else canonical_json(value)
        if len(text) > MAX_VALUE_LENGTH:
            problems.append(_problem(row, key, M_("value is {len_text} characters long; at most {MAX_VALUE_LENGTH}",
                                                  len_text=len(text), MAX_VALUE_LENGTH=MAX_VALUE_LENGTH)))
        elif _has_control(value):
            problems.append(_problem(row, key, M_("contains a control character: {shown}",
                                                  shown=shown(value)),
                                     value if isinstance(value, str) else text))
    return problems


# -- special properties: the ones the impact engine reads ------------------------------------------

def positive_whole_number(value: Any) -> int | None:
    """A ``min_up`` value as the engine reads it: a whole number of at least 1 (as a number or
    as digits), or None when it is not one.

    >>> [positive_whole_number(v) for v in (2, "3", " 1 ", 2.0, "two", 0, -1, 2.5, True, "")]
    [2, 3, 1, 2, None, None, None, None, None, None]
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 1 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
        return number if number >= 1 else None
    return None


def check_special_properties(row: RawRow, props: dict[str, Any], *, relation: bool = False) -> list[Problem]:
    """The properties with a meaning for the impact engine: ``min_up`` (CIs and relations: how
    many providers or members must stay up) must be a whole number of at least 1 — never
    silently 1 — and a relation's ``redundancy_group`` must be a name (text or a number)."""
    problems = []
    value = props.get("min_up")
    if value is not None and positive_whole_number(value) is None:
        problems.append(_problem(row, "min_up", M_("{shown} is not a whole number of at least 1 (how many providers must stay up)",
                                                   shown=shown(value)), str(value)))
    group = props.get("redundancy_group") if relation else None
    if group is not None and (isinstance(group, (bool, list, dict)) or str(group).strip() == ""):
        problems.append(_problem(row, "redundancy_group", M_("{shown} is not a group name (give text, e.g. uplinks)",
                                                             shown=shown(group)), str(group)))
    return problems


def special_property_warnings(staging, schema: Schema) -> None:
    """Warn (file, line, property) about business services whose criticality value the
    criticality policy (``queries/criticality.yaml``) does not know — they would rank last —
    and whose ``sla`` or ``users`` is not a number. Runs once over the staged CIs, so every
    reading path (bulk CSV, row by row, profiles, NetBox) is covered."""
    import json

    from itss_graph.criticality import criticality_policy, policy_path

    services = sorted(schema.service_types())
    if not services:
        return
    policy = criticality_policy()
    keys = [*policy.properties, "sla", "users"]
    marks = ", ".join("?" for _ in services)
    rows = staging.db.execute(
        f"""SELECT f.name, {staging.line_sql('ci', 'c')}, c.props FROM ci c JOIN file f USING (fid)
            WHERE c.type IN ({marks}) AND ({' OR '.join("json_extract(c.props, ?) IS NOT NULL" for _ in keys)})""",
        [*services, *(f'$."{k}"' for k in keys)]).fetchall()
    known = ", ".join(policy.known_values()[:12])
    for file, line, text in rows:
        props = json.loads(text)
        for key, value in policy.unknown_values(props):
            staging.warn(file, line, key, M_("criticality value {shown} is not in {policy_path} (known: {known}, …): the service ranks last",
                                             shown=shown(value), policy_path=policy_path(), known=known), str(value))
        for key in ("sla", "users"):
            value = props.get(key)
            if value is not None and str(value).strip() and not _is_number(value, percent=key == "sla"):
                staging.warn(file, line, key, M_("{shown} is not a number: services are ranked by {key}",
                                                 shown=shown(value), key=key), str(value))


def _is_number(value: Any, *, percent: bool = False) -> bool:
    text = str(value).strip()
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: its repr (control characters escaped, never printed raw
    to a terminal), cut after ``limit`` characters.

    >>> print(shown("root\\x1b[0m"))
    'root\\x1b[0m'
    """
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unsupported(value: Any) -> str | None:
    """Why a property value cannot be stored as JSON (None when it can)."""
    import math

    if isinstance(value, float) and not math.isfinite(value):
        return M_("{value} is not a finite number", value=value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return None
    if isinstance(value, list):
        return next((why for v in value if (why := _unsupported(v))), None)
    if isinstance(value, dict):
        return next((why for v in value.values() if (why := _unsupported(v))), None)
    return M_("a {kind} value cannot be stored; give text, a number or a list", kind=type(value).__name__)


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    return False


def _json_kind(value: Any) -> str:
    return {dict: M_("an object"), list: M_("a list"), bool: M_("a boolean"), float: M_("a number")}.get(
        type(value), type(value).__name__)


def _problem(row: RawRow, field: str, message: str, value: str | None = None) -> Problem:
    column = (row.columns or {}).get(field)
    return Problem(row.file, row.line, field, message, value, column)
