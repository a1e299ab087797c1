"""Identification by keys: which CI a row stands for when it is named by fields (``name`` +
``site``, a serial number, ...) rather than by id — iTop's reconciliation keys.

Each outcome is explicit:

* a CI row identified by keys (profile ``identify: [name, site]``): **0** matching CIs in the
  store → it is created under the id its profile gives it; **1** → it updates that CI (and takes
  its id); **several** → error, naming them. Two rows of the input with the same keys but
  different ids are an error too.
* a relation end given by keys (profile ``match: [name]``): **1** CI among the input and the
  store → that one; **0** → error "no CI with …"; **several** → error naming them.

Key values are compared as text, with surrounding whitespace removed.

Example:
    >>> _describe([["name", "web-01"], ["site", "DC1"]])
    "name='web-01', site='DC1'"
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from itss_graph.errors import Problem
from itss_graph.i18n import M_

MAX_LISTED = 5


def _describe(keys: list[list[str]]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in keys)


def _listed(ids: list[str]) -> str:
    shown = ", ".join(sorted(ids)[:MAX_LISTED])
    if len(ids) > MAX_LISTED:
        return M_("{ids} (and {n} more)", ids=shown, n=len(ids) - MAX_LISTED)
    return shown


def key_value(ci: tuple[str, str, str, dict[str, Any]], field: str) -> str | None:
    """The text of one key field of a CI given as (id, type, name, props)."""
    ci_id, ci_type, name, props = ci
    value = {"id": ci_id, "type": ci_type, "name": name}.get(field, props.get(field))
    if value is None:
        return None
    return str(value).strip()


def reconcile(staging, store, *, limit: int, drop: bool) -> list[Problem]:
    """Resolve CIs identified by keys and relation ends given by keys (see the module doc)."""
    problems = _identify_cis(staging, store, limit, drop)
    problems += _resolve_refs(staging, store, limit - len(problems), drop)
    return problems


def _identify_cis(staging, store, limit: int, drop: bool) -> list[Problem]:
    db = staging.db
    groups: dict[str, list[tuple[int, str, str, int]]] = defaultdict(list)
    line = staging.line_sql("ci", "c")
    for k, ci_id, keys, file, line_no in db.execute(
            f"""SELECT c.k, c.id, c.keys, f.name, {line} FROM ci c JOIN file f USING (fid)
                WHERE c.keys IS NOT NULL ORDER BY c.k"""):
        groups[keys].append((k, ci_id, file, line_no))
    if not groups:
        return []
    problems: list[Problem] = []
    bad_rows: list[int] = []
    by_fields: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for keys in groups:
        parsed = json.loads(keys)
        by_fields[tuple(k for k, _ in parsed)].append(keys)
    for fields, key_list in by_fields.items():
        wanted = [tuple(v for _, v in json.loads(keys)) for keys in key_list]
        found = store.match_keys(fields, wanted)
        for keys, values in zip(key_list, wanted):
            rows = groups[keys]
            parsed = json.loads(keys)
            ids = sorted({r[1] for r in rows})
            matches = found.get(values, [])
            if len(ids) > 1:
                first = rows[0]
                for k, ci_id, file, line_no in rows[1:]:
                    if ci_id != first[1]:
                        problems.append(Problem(
                            file, line_no, "id",
                            M_("has the same identification keys ({describe}) as {file}:{line} but another id ({ci_id!r} vs {other!r})",
                               describe=_describe(parsed), file=first[2], line=first[3], ci_id=ci_id, other=first[1]), ci_id))
                        bad_rows.append(k)
            elif len(matches) > 1:
                for k, ci_id, file, line_no in rows:
                    problems.append(Problem(
                        file, line_no, parsed[0][0],
                        M_("identification keys {describe} match {len_matches} CIs in the store: {listed}; make the keys unique or give the id",
                           describe=_describe(parsed), len_matches=len(matches), listed=_listed(matches)), parsed[0][1]))
                    bad_rows.append(k)
            elif len(matches) == 1 and matches[0] != ids[0]:
                db.execute("UPDATE ci SET id = ? WHERE keys = ?", (matches[0], keys))
    if drop and bad_rows:
        db.executemany("DELETE FROM ci WHERE k = ?", ((k,) for k in bad_rows))
        staging.rows_deleted()
    return problems[:limit]


def _resolve_refs(staging, store, limit: int, drop: bool) -> list[Problem]:
    db = staging.db
    refs = db.execute("SELECT n, keys, type, optional, column_name FROM ref").fetchall()
    if not refs:
        return []
    optional = {n for n, _, _, opt, _ in refs if opt}
    columns = {n: column for n, _, _, _, column in refs}
    by_fields: dict[tuple[str, ...], list[tuple[int, list, str | None]]] = defaultdict(list)
    for n, keys, ci_type, _, _ in refs:
        parsed = json.loads(keys)
        by_fields[tuple(k for k, _ in parsed)].append((n, parsed, ci_type))
    # candidates among the staged CIs, for every field list in use
    staged: dict[tuple[str, ...], dict[tuple, list[tuple[int, str, str]]]] = {
        fields: defaultdict(list) for fields in by_fields}
    for batch in _staged_cis(db):
        for k, ci_id, ci_type, name, props in batch:
            ci = (ci_id, ci_type, name, json.loads(props))
            for fields, index in staged.items():
                values = tuple(key_value(ci, f) for f in fields)
                if None not in values:
                    index[values].append((k, ci_id, ci_type))
    problems: list[Problem] = []
    resolved: dict[int, Any] = {}
    unresolved: dict[int, str] = {}
    for fields, items in by_fields.items():
        in_store = store.match_keys(fields, [tuple(v for _, v in parsed) for _, parsed, _ in items],
                                    with_types=True)
        for n, parsed, ci_type in items:
            values = tuple(v for _, v in parsed)
            candidates: dict[str, Any] = {}
            for k, ci_id, staged_type in staged[fields].get(values, []):
                if ci_type is None or staged_type == ci_type:
                    candidates[ci_id] = k
            for ci_id, stored_type in in_store.get(values, []):
                if (ci_type is None or stored_type == ci_type) and ci_id not in candidates:
                    candidates[ci_id] = ci_id
            what = M_("{ci_type} with {describe}", ci_type=ci_type, describe=_describe(parsed)) if ci_type else _describe(parsed)
            if len(candidates) == 1:
                resolved[n] = next(iter(candidates.values()))
            elif not candidates:
                unresolved[n] = M_("no CI with {what} in the input nor in the store", what=what)
            else:
                unresolved[n] = M_("{len_candidates} CIs match {what}: {listed}", len_candidates=len(candidates), what=what, listed=_listed(list(candidates)))
    staging.has_text_ends = True  # ends resolved to CIs of the store are ids
    db.execute("CREATE TEMP TABLE refmap (n INTEGER PRIMARY KEY, target NOT NULL)")
    db.executemany("INSERT INTO refmap VALUES (?, ?)", resolved.items())
    for end in ("src", "dst"):
        # OR IGNORE: a relation whose two ends turn out to be one CI keeps its placeholder
        db.execute(f"""UPDATE OR IGNORE rel SET {end} = (SELECT target FROM refmap WHERE n = -rel.{end})
                       WHERE typeof({end}) = 'integer' AND {end} < 0
                         AND -{end} IN (SELECT n FROM refmap)""")
    line = staging.line_sql("rel", "r")
    for rowid, src, dst, file, line_no in db.execute(
            f"""SELECT r.rowid, r.src, r.dst, f.name, {line} AS line FROM rel r
                JOIN file f USING (fid)
                WHERE (typeof(r.src) = 'integer' AND r.src < 0)
                   OR (typeof(r.dst) = 'integer' AND r.dst < 0)
                ORDER BY f.name, line""").fetchall():
        reported = False
        for field, end in (("source", src), ("target", dst)):
            if isinstance(end, int) and end < 0 and -end in unresolved:
                if -end in optional and unresolved[-end].startswith("no CI"):
                    staging.warn(file, line_no, field, M_("{reason}; relation left out", reason=unresolved[-end]))
                    db.execute("DELETE FROM rel WHERE rowid = ?", (rowid,))
                    staging.rows_deleted()
                    reported = None
                    break
                problems.append(Problem(file, line_no, field, unresolved[-end],
                                        column=columns.get(-end)))
                reported = True
        if reported is None:
            continue
        if not reported:  # both ends resolved to the same CI
            one = resolved.get(-src) if isinstance(src, int) and src < 0 else src
            problems.append(Problem(file, line_no, "target",
                                    M_("relation from {end_label!r} to itself",
                                       end_label=staging.end_label(one))))
        if drop:
            db.execute("DELETE FROM rel WHERE rowid = ?", (rowid,))
            staging.rows_deleted()
    db.execute("DROP TABLE refmap")
    return problems[:limit]


def _staged_cis(db, batch: int = 10000):
    cursor = db.execute("SELECT k, id, type, name, props FROM ci")
    while rows := cursor.fetchmany(batch):
        yield rows
