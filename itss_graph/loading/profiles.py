"""Mapping profiles: declarative descriptions of how a table maps onto CIs and relations.

A profile is a YAML file in ``loaders/`` (or a user directory: ``ITSS_LOADERS_PATH``,
``~/.config/itss-graph/loaders``; a user profile with the same name replaces a built-in one).
The format is documented in ``loaders/README.md``; in short::

    name: cn-asset-register
    tables:                        # each input table uses the first entry that fits it
      - match: {columns: [资产编号, 类型]}
        cis:
          - as: asset
            id: "{资产编号}"          # templates name columns in braces
            name: "{资产名称}"
            type: {column: 类型, map: {PC服务器: server}}
            properties: {site: 所在机房, owner: 责任人}
          - {as: rack, when: 机柜, id: "rack:{机柜}", type: rack, stub: true}
        relations:
          - {from: asset, type: LOCATED_IN, to: rack}

Loading a profile checks it completely and reports every mistake as
``profile.yaml: tables[0].cis[1].type: ...``.

Example:
    >>> p = find_profile("canonical")
    >>> p.name, [[c.name for c in t.cis] for t in p.tables]
    ('canonical', [['ci'], []])
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_

_TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Template:
    """Text with ``{column}`` fields; ``{value}`` is the current part of a split cell."""

    text: str

    @property
    def columns(self) -> list[str]:
        return [c for c in _TEMPLATE_FIELD.findall(self.text) if c != "value"]

    def render(self, row: dict[str, Any], value: str | None = None) -> str | None:
        """The text with fields filled in, or None when a field's column is empty."""
        missing = False

        def fill(match: re.Match) -> str:
            nonlocal missing
            name = match.group(1)
            found = value if name == "value" else row.get(name)
            text = "" if found is None else str(found).strip()
            if not text:
                missing = True
            return text

        out = _TEMPLATE_FIELD.sub(fill, self.text)
        return None if missing else out


@dataclass(frozen=True)
class ValueSpec:
    """Where a field's value comes from: a column or a template, through an optional value map,
    with an optional default. A constant is a template without fields."""

    column: str | None = None
    template: Template | None = None
    map: dict[str, Any] = field(default_factory=dict)
    default: Any = None

    @property
    def columns(self) -> list[str]:
        return [self.column] if self.column else (self.template.columns if self.template else [])

    @property
    def label(self) -> str | None:
        """The input column to name in problems."""
        return self.column or (self.template.columns[0] if self.template and self.template.columns
                               else None)

    def get(self, row: dict[str, Any], value: str | None = None) -> tuple[Any, bool]:
        """(value, mapped-by-default?) for a row."""
        found, how = self.lookup(row, value)
        return found, how == "default"

    def lookup(self, row: dict[str, Any], value: str | None = None) -> tuple[Any, str]:
        """(value, how): how is ``"default"`` (the cell was empty), ``"mapped"`` (through the
        map), ``"unmapped"`` (a map exists but does not name the value: kept as is) or
        ``"value"`` (no map)."""
        if self.column is not None:
            raw = row.get(self.column)
            raw = raw.strip() if isinstance(raw, str) else raw
        elif self.template is not None:
            raw = self.template.render(row, value)
        else:
            raw = None
        if raw is None or raw == "":
            return self.default, "default" if self.default is not None else "value"
        if self.map:
            key = str(raw)
            if key in self.map:
                return self.map[key], "mapped"
            folded = self._folded()
            if key.casefold() in folded:
                return folded[key.casefold()], "mapped"
            return raw, "unmapped"
        return raw, "value"

    def _folded(self) -> dict[str, Any]:
        folded = self.__dict__.get("_folded_map")
        if folded is None:
            folded = {str(k).casefold(): v for k, v in self.map.items()}
            object.__setattr__(self, "_folded_map", folded)
        return folded


@dataclass(frozen=True)
class CISpec:
    """One CI each matching row makes."""

    name: str                       # the profile's name for it (``as``), used by relations
    id: Template
    type: ValueSpec
    display: ValueSpec | None       # the CI's name
    properties: dict[str, ValueSpec]
    when: tuple[str, ...] = ()      # columns that must have a value
    stub: bool = False              # create if absent, never change an existing CI
    identify: tuple[str, ...] = ()  # identification keys (reconciliation)
    other_columns: bool = False     # keep unmapped columns as properties
    merge: bool = False             # properties update the stored ones instead of replacing them


@dataclass(frozen=True)
class EndSpec:
    """A relation end: a CI of the same row (``ci``), an id template, or a reference by
    identification keys (``match``: field → template). With ``column`` (and ``split``), the end
    repeats for each part of that cell, available to templates as ``{value}``."""

    ci: str | None = None
    id: Template | None = None
    match: tuple[tuple[str, Template], ...] = ()
    type: str | None = None
    column: str | None = None
    split: str | None = None
    optional: bool = False  # a reference that matches nothing drops the relation (a warning)

    @property
    def columns(self) -> list[str]:
        out = [self.column] if self.column else []
        if self.id:
            out += self.id.columns
        for _, template in self.match:
            out += template.columns
        return out


@dataclass(frozen=True)
class RelationSpec:
    source: EndSpec
    target: EndSpec
    type: ValueSpec
    properties: dict[str, ValueSpec] = field(default_factory=dict)
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()    # names of CIs of the row that must be absent
    when_empty: tuple[str, ...] = ()  # columns that must be empty
    other_columns: bool = False


@dataclass(frozen=True)
class TableSpec:
    """How one kind of table maps; ``columns``/``file`` say which tables it is for."""

    columns: tuple[str, ...] = ()
    file: str | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    encoding: str | None = None
    records: str | None = None
    fill_down: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    cis: tuple[CISpec, ...] = ()
    relations: tuple[RelationSpec, ...] = ()
    where: str = "tables[0]"  # its place in the profile, for messages

    def fits(self, path: Path, columns: list[str] | None) -> bool:
        if self.file and not fnmatch.fnmatch(path.name.lower(), self.file.lower()):
            return False
        if columns is not None and not set(self.columns) <= set(columns):
            return False
        return True

    @property
    def used_columns(self) -> set[str]:
        used: set[str] = set(self.columns)
        for ci in self.cis:
            used.update(ci.id.columns)
            used.update(ci.type.columns)
            used.update(ci.when)
            if ci.display:
                used.update(ci.display.columns)
            for spec in ci.properties.values():
                used.update(spec.columns)
        for rel in self.relations:
            used.update(rel.type.columns)
            used.update(rel.when)
            used.update(rel.when_empty)
            for end in (rel.source, rel.target):
                used.update(end.columns)
            for spec in rel.properties.values():
                used.update(spec.columns)
        return used


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    description: str
    tables: tuple[TableSpec, ...]
    options: dict[str, Any] = field(default_factory=dict)  # source-specific settings (NetBox)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, where: str, message: str) -> Problem:
        """A problem located in the profile file (``tables[0].fill_down``)."""
        return Problem(str(self.path), _line_of(self.lines, where), where, message)

    def table_for(self, path: Path, columns: list[str] | None) -> TableSpec | None:
        return next((t for t in self.tables if t.fits(path, columns)), None)


# -- finding profiles ----------------------------------------------------------------------------

def profile_dirs() -> list[Path]:
    """Built-in profiles first, then user directories (later ones win on equal names)."""
    from itss_graph.resources import resource_dirs

    return resource_dirs("loaders")


def available_profiles() -> dict[str, Path]:
    """Profile name → file, over every profile directory."""
    found: dict[str, Path] = {}
    for directory in profile_dirs():
        for path in sorted(directory.glob("*.y*ml")):
            found[path.stem] = path
    return found


def find_profile(name: str) -> Profile:
    """A profile by name (or by path to a YAML file)."""
    candidate = Path(name)
    if candidate.suffix.lower() in (".yaml", ".yml") and (
            candidate.exists() or candidate.is_symlink() or len(candidate.parts) > 1):
        return load_profile(candidate)
    profiles = available_profiles()
    if name not in profiles:
        from itss_graph.textmatch import closest, did_you_mean

        known = ", ".join(sorted(profiles)) or M_("none")
        hint = did_you_mean(closest(name, list(profiles)), deferred=True)
        raise InputError([Problem("--profile", None, None,
                                  M_("no mapping profile {name!r}{hint}; available: {known}",
                                     name=name, hint=hint, known=known))])
    return load_profile(profiles[name])


# -- reading and checking a profile file ---------------------------------------------------------

MAX_PROFILE_BYTES = 1 << 20
OPTIONS = {  # settings of `itss load netbox` (netbox.yaml): type, check, what it must be
    "device_roles": (dict, None, M_("a mapping of device role slugs or names to CI types")),
    "default_device_type": (str, None, M_("a CI type")),
    "page_size": (int, lambda v: 1 <= v <= 1000, M_("a number of objects per page, 1 to 1000")),
    "timeout": ((int, float), lambda v: 0 < v <= 3600, M_("seconds, more than 0 and at most 3600")),
    "retries": (int, lambda v: 0 <= v <= 10, M_("a number of retries, 0 to 10")),
    "max_pages": (int, lambda v: v >= 1, M_("a number of pages, 1 or more")),
}


def _line_of(lines: dict[str, int], where: str) -> int | None:
    """The line of ``where`` in the profile, or of the nearest enclosing key."""
    while where:
        if where in lines:
            return lines[where]
        where = where.rsplit("[", 1)[0] if where.endswith("]") else where.rpartition(".")[0]
    return None


class _Checker:
    def __init__(self, path: Path, lines: dict[str, int]):
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), _line_of(self.lines, where), where, message))

    def kind(self, where: str, value: Any, types: type | tuple, what: str) -> bool:
        """Whether ``value`` has one of ``types`` (booleans are not numbers); a problem if not."""
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)))
        if not ok:
            self.fail(where, M_("must be {what}, not {shown_kind}", what=what, shown_kind=_shown_kind(value)))
        return ok

    def flag(self, where: str, value: Any, default: bool = False) -> bool:
        """A yes/no field: only YAML's true and false (the text "false" is not false)."""
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.fail(where, M_("must be true or false (without quotes), not {shown_kind}", shown_kind=_shown_kind(value)))
        return default

    def text(self, where: str, value: Any, what: str = "text") -> str | None:
        if value is None:
            return None
        return value if self.kind(where, value, str, what) else None


def _shown_kind(value: Any) -> str:
    if isinstance(value, bool):
        return M_("the boolean {lower}", lower=str(value).lower())
    if isinstance(value, (int, float)):
        return M_("the number {value!r}", value=value)
    if isinstance(value, str):
        return M_("the text {value!r}", value=value)
    if isinstance(value, list):
        return M_("a list")
    if isinstance(value, dict):
        return M_("a mapping")
    return "null" if value is None else type(value).__name__


def load_profile(path: Path) -> Profile:
    """Read and check a profile file; InputError lists every mistake, each with its line."""
    from itss_graph.loading.documents import decode_text, parse_yaml, yaml_lines

    path = Path(path)
    text, _ = decode_text(path, "utf-8", limit=MAX_PROFILE_BYTES)
    document, root, problems = parse_yaml(str(path), text)
    if problems:
        raise InputError(problems)
    lines = yaml_lines(root) if root is not None else {}
    check = _Checker(path, lines)
    if not isinstance(document, dict):
        raise InputError([Problem(str(path), 1, None, M_("a profile is a mapping with 'tables'"))])
    _unknown(check, "", document, {"name", "description", "version", "tables", "options"})
    name = check.text("name", document.get("name"), M_("a name (text)"))
    description = check.text("description", document.get("description"))
    if document.get("version") is not None:
        check.kind("version", document["version"], (int, str), M_("a version number or text"))
    tables = document.get("tables")
    if not isinstance(tables, list) or not tables:
        check.fail("tables", M_("must be a non-empty list"))
        tables = []
    specs = tuple(_table(check, f"tables[{i}]", t) for i, t in enumerate(tables))
    options = _options(check, document.get("options"))
    if check.problems:
        raise InputError(sorted(check.problems, key=lambda p: p.line or 0))
    return Profile(name or path.stem, path, description or "", specs, options, lines)


def _options(check: _Checker, options: Any) -> dict[str, Any]:
    if options is None:
        return {}
    if not isinstance(options, dict):
        check.fail("options", M_("must be a mapping"))
        return {}
    _unknown(check, "options", options, set(OPTIONS))
    out: dict[str, Any] = {}
    for key, (types, test, what) in OPTIONS.items():
        if key not in options:
            continue
        value = options[key]
        if not check.kind(f"options.{key}", value, types, what):
            continue
        if test is not None and not test(value):
            check.fail(f"options.{key}", M_("must be {what}, not {value!r}", what=what, value=value))
            continue
        if key == "device_roles":
            for role, ci_type in value.items():
                if not isinstance(ci_type, str) or not ci_type.strip():
                    check.fail(f"options.device_roles.{role}", M_("must be a CI type, not {shown_kind}", shown_kind=_shown_kind(ci_type)))
            value = {str(k): v for k, v in value.items()}
        out[key] = value
    return out


def _unknown(check: _Checker, where: str, item: dict, known: set[str]) -> None:
    for key in item:
        if key not in known:
            check.fail(f"{where}.{key}".lstrip("."),
                       M_("unknown key; expected one of {keys}", keys=', '.join(sorted(known))))


def _names(check: _Checker, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    check.fail(where, M_("must be a column name or a list of them, not {shown_kind}", shown_kind=_shown_kind(value)))
    return ()


def _table(check: _Checker, where: str, item: Any) -> TableSpec:
    if not isinstance(item, dict):
        check.fail(where, M_("must be a mapping"))
        return TableSpec(where=where)
    _unknown(check, where, item, {"match", "sheet", "header_row", "encoding", "records",
                                  "fill_down", "defaults", "cis", "relations"})
    match = item.get("match") or {}
    if not isinstance(match, dict):
        check.fail(f"{where}.match", M_("must be a mapping with 'columns' and/or 'file'"))
        match = {}
    _unknown(check, f"{where}.match", match, {"columns", "file"})
    cis_raw = item.get("cis") or []
    rels_raw = item.get("relations") or []
    if not isinstance(cis_raw, list):
        check.fail(f"{where}.cis", M_("must be a list"))
        cis_raw = []
    if not isinstance(rels_raw, list):
        check.fail(f"{where}.relations", M_("must be a list"))
        rels_raw = []
    if not cis_raw and not rels_raw:
        check.fail(where, M_("maps nothing: give 'cis' and/or 'relations'"))
    cis = tuple(_ci(check, f"{where}.cis[{i}]", c) for i, c in enumerate(cis_raw))
    names = [c.name for c in cis]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        check.fail(f"{where}.cis", M_("two CIs are named {dup!r}; give each its own 'as'", dup=dup))
    rels = tuple(_relation(check, f"{where}.relations[{i}]", r, set(names))
                 for i, r in enumerate(rels_raw))
    header_row = item.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool)
                                   or header_row < 1):
        check.fail(f"{where}.header_row", M_("must be a row number (1 or more), not {shown_kind}", shown_kind=_shown_kind(header_row)))
        header_row = None
    sheet = item.get("sheet")
    if sheet is not None and not check.kind(f"{where}.sheet", sheet, (str, int), M_("a sheet name or number")):
        sheet = None
    encoding = check.text(f"{where}.encoding", item.get("encoding"), M_("an encoding name (text)"))
    if encoding is not None:
        from itss_graph.loading.encoding import normalise_encoding

        try:
            normalise_encoding(encoding, where=f"{where}.encoding")
        except InputError as exc:
            check.fail(f"{where}.encoding", exc.problems[0].message)
            encoding = None
    defaults = item.get("defaults") or {}
    if not isinstance(defaults, dict):
        check.fail(f"{where}.defaults", M_("must map columns to values"))
        defaults = {}
    for key, value in defaults.items():
        if isinstance(value, (dict, list)):
            check.fail(f"{where}.defaults.{key}", M_("must be a value for the cell, not {shown_kind}", shown_kind=_shown_kind(value)))
    return TableSpec(columns=_names(check, f"{where}.match.columns", match.get("columns")),
                     file=check.text(f"{where}.match.file", match.get("file"), M_("a file name pattern (text)")),
                     sheet=sheet, header_row=header_row, encoding=encoding,
                     records=check.text(f"{where}.records", item.get("records"),
                                        M_("a path such as data.items (text)")),
                     fill_down=_names(check, f"{where}.fill_down", item.get("fill_down")),
                     defaults={str(k): v for k, v in defaults.items()}, cis=cis, relations=rels,
                     where=where)


def _template(check: _Checker, where: str, value: Any) -> Template | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return Template(str(value))
    check.fail(where, M_('must be a text template such as "{{column}}" or "prefix:{{column}}"'))
    return None


def _value(check: _Checker, where: str, value: Any, *, constant_ok: bool = True) -> ValueSpec:
    """A field spec: "Column", "a {template}", a constant (constant_ok), or a mapping."""
    if isinstance(value, str):
        if "{" in value:
            return ValueSpec(template=Template(value))
        return ValueSpec(column=value) if not constant_ok else ValueSpec(template=Template(value))
    if isinstance(value, dict):
        _unknown(check, where, value, {"column", "template", "map", "default"})
        column = check.text(f"{where}.column", value.get("column"), M_("a column name (text)"))
        template = check.text(f"{where}.template", value.get("template"), M_("a template (text)"))
        if column is not None and template is not None:
            check.fail(where, M_("give 'column' or 'template', not both"))
        mapping = value.get("map") or {}
        if not isinstance(mapping, dict):
            check.fail(f"{where}.map", M_("must map values to values"))
            mapping = {}
        for key, target in mapping.items():
            if isinstance(target, (dict, list)) or target is None:
                check.fail(f"{where}.map.{key}", M_("must map to a value, not {shown_kind}", shown_kind=_shown_kind(target)))
        default = value.get("default")
        if isinstance(default, (dict, list)):
            check.fail(f"{where}.default", M_("must be a value, not {shown_kind}", shown_kind=_shown_kind(default)))
            default = None
        if column is None and template is None and "default" not in value:
            check.fail(where, M_("needs 'column', 'template' or 'default'"))
        return ValueSpec(column=column, template=Template(template) if template is not None else None,
                         map={str(k): v for k, v in mapping.items()}, default=default)
    if isinstance(value, (int, float, bool)) and constant_ok:
        return ValueSpec(default=value)
    check.fail(where, M_("must be a column name, a template or a mapping, not {shown_kind}", shown_kind=_shown_kind(value)))
    return ValueSpec()


def _properties(check: _Checker, where: str, value: Any) -> dict[str, ValueSpec]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.fail(where, M_("must map property names to columns"))
        return {}
    out = {}
    for key, spec in value.items():
        if str(key) in ("id", "name", "type", "source", "target"):
            check.fail(f"{where}.{key}", M_("is a field of its own, not a property"))
            continue
        # a plain string is a column here (properties copy columns); templates have braces
        out[str(key)] = (ValueSpec(column=spec) if isinstance(spec, str) and "{" not in spec
                         else _value(check, f"{where}.{key}", spec))
    return out


def _keep(check: _Checker, where: str, value: Any) -> bool:
    if value in (None, False, "drop"):
        return False
    if value is True or value == "keep":
        return True
    check.fail(where, M_("must be keep or drop, not {shown_kind}", shown_kind=_shown_kind(value)))
    return False


def _ci(check: _Checker, where: str, item: Any) -> CISpec:
    if not isinstance(item, dict):
        check.fail(where, M_("must be a mapping"))
        return CISpec("?", Template("?"), ValueSpec(), None, {})
    _unknown(check, where, item, {"as", "id", "name", "type", "properties", "when", "stub",
                                  "identify", "other_columns", "merge"})
    name = check.text(f"{where}.as", item.get("as"), M_("a name for the CI (text)")) or "ci"
    ci_id = _template(check, f"{where}.id", item.get("id")) or Template("?")
    if "type" not in item:
        check.fail(f"{where}.type", M_("missing: a CI type, or {{column: ..., map: ...}}"))
    ci_type = _value(check, f"{where}.type", item.get("type", ""))
    display = _value(check, f"{where}.name", item["name"]) if "name" in item else None
    spec = CISpec(name, ci_id, ci_type, display,
                  _properties(check, f"{where}.properties", item.get("properties")),
                  when=_names(check, f"{where}.when", item.get("when")),
                  stub=check.flag(f"{where}.stub", item.get("stub")),
                  identify=_names(check, f"{where}.identify", item.get("identify")),
                  other_columns=_keep(check, f"{where}.other_columns", item.get("other_columns")),
                  merge=check.flag(f"{where}.merge", item.get("merge")))
    if spec.stub and spec.merge:
        check.fail(f"{where}.merge", M_("a stub never changes a CI: 'merge' has no meaning with 'stub'"))
    return spec


def _end(check: _Checker, where: str, value: Any, names: set[str]) -> EndSpec:
    if isinstance(value, str):
        if value not in names:
            check.fail(where, M_("no CI named {value!r} in this table (known: {names})", value=value, names=', '.join(sorted(names)) or M_('none')))
        return EndSpec(ci=value)
    if isinstance(value, dict):
        _unknown(check, where, value, {"id", "match", "type", "column", "split", "optional"})
        match = value.get("match") or {}
        if not isinstance(match, dict) or not all(isinstance(k, str) for k in match):
            check.fail(f"{where}.match", M_('must map key fields to templates, e.g. {{name: "{{host}}"}}'))
            match = {}
        spec = EndSpec(id=_template(check, f"{where}.id", value["id"]) if "id" in value else None,
                       match=tuple((k, t) for k, v in match.items()
                                   if (t := _template(check, f"{where}.match.{k}", v)) is not None),
                       type=check.text(f"{where}.type", value.get("type"), M_("a CI type (text)")),
                       column=check.text(f"{where}.column", value.get("column"), M_("a column name (text)")),
                       split=check.text(f"{where}.split", value.get("split"), M_("a separator (text)")),
                       optional=check.flag(f"{where}.optional", value.get("optional")))
        if spec.optional and not spec.match:
            check.fail(f"{where}.optional", M_("only references by 'match' can be optional"))
        if (spec.id is None) == (not spec.match):
            check.fail(where, M_("needs either 'id' (a template) or 'match' (key fields → templates)"))
        if spec.split is not None and not spec.column:
            check.fail(f"{where}.split", M_("needs 'column': the cell to split"))
        if spec.split == "":
            check.fail(f"{where}.split", M_("must not be empty"))
        return spec
    check.fail(where, M_("must name a CI of the table, or be {{id: ...}} or {{match: {{...}}}}"))
    return EndSpec()


def _relation(check: _Checker, where: str, item: Any, names: set[str]) -> RelationSpec:
    if not isinstance(item, dict):
        check.fail(where, M_("must be a mapping"))
        return RelationSpec(EndSpec(), EndSpec(), ValueSpec())
    _unknown(check, where, item, {"from", "to", "type", "properties", "when", "unless",
                                  "when_empty", "other_columns"})
    for key in ("from", "to", "type"):
        if key not in item:
            check.fail(f"{where}.{key}", "missing")
    unless = _names(check, f"{where}.unless", item.get("unless"))
    for name in unless:
        if name not in names:
            check.fail(f"{where}.unless", M_("no CI named {name!r} in this table", name=name))
    return RelationSpec(_end(check, f"{where}.from", item.get("from"), names),
                        _end(check, f"{where}.to", item.get("to"), names),
                        _value(check, f"{where}.type", item.get("type", "")),
                        _properties(check, f"{where}.properties", item.get("properties")),
                        when=_names(check, f"{where}.when", item.get("when")), unless=unless,
                        when_empty=_names(check, f"{where}.when_empty", item.get("when_empty")),
                        other_columns=_keep(check, f"{where}.other_columns", item.get("other_columns")))
