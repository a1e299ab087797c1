"""Load inventories into a store: read → validate → stage → check → apply.

Nothing is written unless every row of every input is valid: problems are collected across
all inputs (up to a limit) and raised together as one :class:`~itss_graph.errors.InputError`.
Applying the same input twice changes nothing the second time.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nvm1,web,vm\\nc1,prod,cluster\\n")
    >>> _ = (d / "relations.csv").write_text("source,type,target\\nvm1,RUNS_ON,c1\\n")
    >>> report = load_inventory([d], SQLiteStore(":memory:"))
    >>> report.totals()["cis"]["created"], report.totals()["relations"]["created"]
    (2, 1)
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from itss_graph.errors import InputError, Problem
from itss_graph.loading.readers import read_rows
from itss_graph.loading.staging import Staging
from itss_graph.loading.validate import validate_row
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import LoadReport, Store

MAX_PROBLEMS = 500
INVENTORY_SUFFIXES = (".csv", ".json", ".yaml", ".yml")
CANONICAL_STEMS = ("cis", "relations", "inventory")


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files to read: files as given; a directory stands for its canonical files.

    The canonical files of a directory are ``cis.*``, ``relations.*`` and ``inventory.*``
    (``.csv``, ``.json``, ``.yaml``, ``.yml``); name any other file explicitly.
    """
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.stem in CANONICAL_STEMS and p.suffix.lower() in INVENTORY_SUFFIXES)
            if not found:
                raise InputError([Problem(str(path), None, None,
                                          "directory holds no cis.csv, relations.csv or inventory.json/yaml")])
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError([Problem(str(path), None, None, "no such file or directory")])
    # CIs before relations only matters for readability of errors; order does not change results
    return sorted(dict.fromkeys(files), key=lambda p: (p.stem != "cis", str(p)))


def stage_inputs(paths: Iterable[Path], store: Store, schema: Schema | None = None,
                 *, max_problems: int = MAX_PROBLEMS) -> Staging:
    """Read, validate and stage the inputs; raise InputError listing the problems found.

    The caller owns (and must close) the returned staging area.
    """
    schema = schema or load_schema()
    files = expand_inputs(paths)
    staging = Staging()
    problems: list[Problem] = []
    total = 0
    try:
        for path in files:
            try:
                for row in read_rows(path):
                    result = validate_row(row, schema)
                    if isinstance(result, list):
                        total += len(result)
                        if len(problems) < max_problems:
                            problems.extend(result)
                    else:
                        staging.add(result)
            except InputError as exc:  # the file itself is unreadable: report, try the others
                total += exc.total
                problems.extend(exc.problems)
        staging.finish()
        if not problems:
            cross = staging.conflicting_duplicates(max_problems)
            cross += staging.dangling_references(store.existing_ids, max_problems)
            total += len(cross)
            problems.extend(cross)
        if problems:
            problems.sort(key=lambda p: (p.file, p.line or 0))
            raise InputError(problems[:max_problems], total=total)
    except BaseException:
        staging.close()
        raise
    return staging


def load_inventory(paths: Iterable[Path], store: Store, *, schema: Schema | None = None,
                   dry_run: bool = False) -> LoadReport:
    """Validate the inputs, then merge them into the store (nothing is written on any error)."""
    with stage_inputs(paths, store, schema) as staging:
        return store.apply(staging, dry_run=dry_run)
