"""Apply a mapping profile to a table: each row becomes CIs and relations, validated, with
problems that name the table's own columns (``台账.xlsx[Sheet1]:7: 类型: unknown CI type '打印机'
…``).

Per row, the CIs of the table's entry are made first (those whose ``when`` columns are empty are
left out, and so are the relations that name them), then its relations. Values go through the
profile's value maps, then the ontology's aliases; ``other_columns: keep`` keeps every column the
profile does not use as a property, so nothing in the input is silently dropped.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.loading.profiles import find_profile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("资产编号,资产名称,类型,所在机房\\nA1,核心交换机,交换机,一号机房\\n")
    >>> items = list(profile_items(find_profile("cn-asset-register"), d / "a.csv", load_schema()))
    >>> sorted((i.id, i.type) for i in items if hasattr(i, "id"))
    [('A1', 'switch'), ('room:一号机房', 'room')]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from itss_graph.errors import InputError, Problem, RowWarning
from itss_graph.i18n import M_
from itss_graph.loading.profiles import CISpec, EndSpec, Profile, RelationSpec, TableSpec
from itss_graph.loading.readers import RawRow
from itss_graph.loading.tabular import Table, read_table
from itss_graph.loading.validate import (
    MODE_ENSURE, MODE_MERGE, MODE_UPSERT, ONTOLOGY_HINT, KeyRef, StagedCI, StagedRelation, _suggest,
    validate_ci, validate_relation)
from itss_graph.schema import Schema

Item = StagedCI | StagedRelation | Problem


def open_for_profile(profile: Profile, path: Path, encoding: str | None = None
                     ) -> tuple[TableSpec, Table]:
    """The profile's entry for this file and the file opened as a table."""
    tried: list[str] = []
    suffix = path.suffix.lower()
    for spec in profile.tables:
        if not spec.fits(path, None):
            continue
        try:
            table = read_table(path, sheet=spec.sheet, header_row=spec.header_row,
                               encoding=encoding or spec.encoding,
                               header_hint=set(spec.columns) or None,
                               records=spec.records if suffix == ".json" else None)
        except InputError:
            if spec is profile.tables[-1]:
                raise
            continue
        if spec.fits(path, table.columns):
            missing = [c for c in spec.fill_down if c not in table.columns]
            if missing:
                _close(table)
                raise InputError([profile.problem(
                    f"{spec.where}.fill_down",
                    M_("column {column!r} is not in {name} (its columns: {columns})",
                       column=c, name=table.name, columns=', '.join(table.columns)))
                    for c in missing])
            return spec, table
        tried.append(", ".join(table.columns))
        _close(table)
    shown = M_("; its columns: {tried}", tried=tried[0]) if tried else ""
    raise InputError([Problem(str(path), None, None,
                              M_("no table of profile {name!r} fits this file{shown}",
                                 name=profile.name, shown=shown))])


def _close(table: Table) -> None:
    close = getattr(table.rows, "close", None)
    if close:
        close()


def profile_items(profile: Profile, path: Path, schema: Schema, *,
                  encoding: str | None = None) -> Iterator[Item]:
    """Staged CIs and relations, and problems, for every row of one table file."""
    spec, table = open_for_profile(profile, path, encoding)
    mapper = _RowMapper(profile, spec, table, schema)
    last: dict[str, Any] = {}
    for item in table.rows:
        if isinstance(item, Problem):
            yield item
            continue
        line, row = item
        row = {**spec.defaults, **row}
        for column in spec.fill_down:  # merged cells: empty ones take the value above
            if row.get(column) in (None, ""):
                if column in last:
                    row[column] = last[column]
            else:
                last[column] = row[column]
        yield from mapper.map_row(line, row)


class _RowMapper:
    def __init__(self, profile: Profile, spec: TableSpec, table: Table, schema: Schema):
        self.profile, self.spec, self.table, self.schema = profile, spec, table, schema
        self.unused = [c for c in table.columns if c not in spec.used_columns]
        self.unmapped: set[tuple[str, str]] = set()  # (column, value) warned about once

    def map_row(self, line: int, row: dict[str, Any]) -> Iterator[Item]:
        made: dict[str, str | None] = {}  # CI name -> its id (None: the row's CI had errors)
        for index, ci in enumerate(self.spec.cis):
            if any(row.get(c) in (None, "") for c in ci.when):
                continue
            result = list(self._ci(line, row, ci, index))
            staged = [r for r in result if isinstance(r, StagedCI)]
            made[ci.name] = staged[0].id if staged else None
            yield from result
        for index, rel in enumerate(self.spec.relations):
            if any(row.get(c) in (None, "") for c in rel.when):
                continue
            if any(row.get(c) not in (None, "") for c in rel.when_empty):
                continue
            if any(made.get(name) for name in rel.unless):
                continue
            yield from self._relation(line, row, rel, made)

    # -- CIs ----------------------------------------------------------------------------------
    def _ci(self, line: int, row: dict[str, Any], ci: CISpec, index: int) -> Iterator[Item]:
        name = self.table.name
        fields: dict[str, Any] = {}
        columns: dict[str, str] = {}
        ci_id = ci.id.render(row)
        where = f"{self.spec.where}.cis[{index}]"
        if ci_id is None and ci.id.columns:
            empty = _empty_column(ci.id, row)
            yield Problem(name, line, "id", M_("empty, but the CI's id is made from it"), None, empty)
            return
        if ci.id.columns:
            columns["id"] = ci.id.columns[0]
        fields["id"] = ci_id
        type_value, defaulted = ci.type.get(row)
        if ci.type.label:
            columns["type"] = ci.type.label
        if type_value not in (None, ""):
            resolved = self.schema.resolve_ci_type(str(type_value))
            if resolved is None:
                yield Problem(name, line, "type",
                              M_("unknown CI type {type_value!r}{suggest}; map it in profile {name!r} ({where}.type.map) or {hint}",
                                 type_value=type_value, suggest=_suggest(str(type_value), self.schema.ci_types), name=self.profile.name, where=where, hint=ONTOLOGY_HINT), str(type_value), ci.type.label)
                return
            fields["type"] = resolved
            if defaulted:
                yield RowWarning(name, line, "type", M_("empty; the profile's default {resolved!r} is used",
                                                        resolved=resolved),
                                 None, ci.type.label)
        if ci.display is not None:
            display, _ = ci.display.get(row)
            if display not in (None, ""):
                fields["name"] = display
                if ci.display.label:
                    columns["name"] = ci.display.label
        for key, spec in ci.properties.items():
            value, how = spec.lookup(row)
            if how == "unmapped":
                yield from self._unmapped(line, key, spec, value, f"{where}.properties.{key}")
            if value not in (None, ""):
                fields[key] = value
                if spec.label and spec.label != key:
                    columns[key] = spec.label
        if ci.other_columns:
            for column in self.unused:
                value = row.get(column)
                if value not in (None, "") and column not in fields:
                    fields[column] = value
        result = validate_ci(RawRow("ci", name, line, fields, columns), self.schema,
                             mode=MODE_ENSURE if ci.stub else MODE_MERGE if ci.merge else MODE_UPSERT,
                             keys=ci.identify)
        if isinstance(result, list):
            yield from result
        else:
            yield result

    def _unmapped(self, line: int, key: str, spec, value: Any, where: str) -> Iterator[Item]:
        """A value the profile maps values of this column for, but not this one: kept as is,
        with a warning the first time it is met in the table."""
        marker = (spec.label or key, str(value))
        if marker in self.unmapped:
            return
        self.unmapped.add(marker)
        yield RowWarning(self.table.name, line, key,
                         M_("{value!r} is not in the profile's map ({where}.map); kept as is (this row and every other with it)",
                            value=value, where=where), str(value), spec.label)

    # -- relations ----------------------------------------------------------------------------
    def _relation(self, line: int, row: dict[str, Any], rel: RelationSpec,
                  made: dict[str, str | None]) -> Iterator[Item]:
        name = self.table.name
        sources = self._ends(row, rel.source, made)
        targets = self._ends(row, rel.target, made)
        if sources is None or targets is None:
            return  # an end is a CI of the row that is absent or has errors (reported there)
        rel_type, _ = rel.type.get(row)
        props: dict[str, Any] = {}
        columns: dict[str, str] = {}
        if rel.type.label:
            columns["type"] = rel.type.label
        for end, label in ((rel.source, "source"), (rel.target, "target")):
            if end.column:
                columns[label] = end.column
            elif end.id is not None and end.id.columns:
                columns[label] = end.id.columns[0]
        for key, spec in rel.properties.items():
            value, _ = spec.get(row)
            if value not in (None, ""):
                props[key] = value
        if rel.other_columns:
            for column in self.unused:
                value = row.get(column)
                if value not in (None, ""):
                    props.setdefault(column, value)
        for source in sources:
            for target in targets:
                if source is _MISSING or target is _MISSING:
                    missing = "source" if source is _MISSING else "target"
                    yield Problem(name, line, missing, M_("missing {missing}",
                                                          missing=missing), None, columns.get(missing))
                    continue
                fields = {"source": source, "type": rel_type, "target": target, **props}
                result = validate_relation(RawRow("relation", name, line, fields, columns),
                                           self.schema, quiet=self._quiet(rel))
                if isinstance(result, list):
                    yield from result
                else:
                    yield result

    def _quiet(self, rel: RelationSpec) -> bool:
        """Relations between stubs repeat in every row that names them: expected, not warned."""
        stubs = {ci.name for ci in self.spec.cis if ci.stub}
        return rel.source.ci in stubs and rel.target.ci in stubs

    def _ends(self, row: dict[str, Any], end: EndSpec, made: dict[str, str | None]) -> list | None:
        if end.ci is not None:
            ci_id = made.get(end.ci)
            return [ci_id] if ci_id else None
        if end.column:
            cell = row.get(end.column)
            if cell in (None, ""):
                return None  # nothing to relate to in this row
            parts = ([p.strip() for p in str(cell).split(end.split)] if end.split
                     else [str(cell).strip()])
            values = [p for p in parts if p]
        else:
            values = [None]
        out: list = []
        for value in values:
            if end.id is not None:
                rendered = end.id.render(row, value)
                out.append(rendered if rendered is not None else _MISSING)
            else:
                keys = []
                for key, template in end.match:
                    rendered = template.render(row, value)
                    if rendered is None:
                        break
                    keys.append((key, rendered))
                else:
                    ci_type = self.schema.resolve_ci_type(end.type) if end.type else None
                    out.append(KeyRef(tuple(keys), ci_type or end.type, end.optional,
                                      end.column or _first_column(end)))
                    continue
                out.append(_MISSING)
        return out


_MISSING = object()  # an end whose template had an empty column


def _first_column(end: EndSpec) -> str | None:
    columns = end.columns
    return columns[0] if columns else None


def _empty_column(template, row: dict[str, Any]) -> str | None:
    """The first column a template needs that is empty in this row."""
    return next((c for c in template.columns if row.get(c) in (None, "")
                 or not str(row.get(c)).strip()), None)
