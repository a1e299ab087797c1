"""Load inventories into a store: read → validate → stage → check → apply.

By default nothing is written unless every row of every input is valid: problems are collected
across all inputs (up to a limit) and raised together as one
:class:`~itss_graph.errors.InputError`. With ``on_error="skip"`` invalid rows are left out —
each one reported in :attr:`LoadReport.skipped` — and the rest is loaded; such a load is
*partial*, and ``prune`` is then refused. Applying the same input twice changes nothing the
second time.

Inputs are canonical inventory files, tables read through a mapping profile
(:mod:`itss_graph.loading.mapping`), or any stream of rows (the NetBox loader).

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

from contextlib import ExitStack
from pathlib import Path
from typing import Any, Iterable

from itss_graph.errors import IncompleteRead, InputError, Problem, RowWarning
from itss_graph.i18n import M_, Mn_
from itss_graph.loading.files import input_problem, read_problem
from itss_graph.loading.progress import Progress
from itss_graph.loading.readers import RawRow, read_rows
from itss_graph.loading.staging import Staging
from itss_graph.loading.validate import StagedCI, StagedRelation, validate_row
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store
from itss_graph.stores.load_report import LoadReport

MAX_PROBLEMS = 500
INVENTORY_SUFFIXES = (".csv", ".json", ".yaml", ".yml", ".xlsx")
CANONICAL_STEMS = ("cis", "relations", "inventory")
ON_ERROR = ("stop", "skip")

Item = RawRow | StagedCI | StagedRelation | Problem


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files to read: files as given; a directory stands for its canonical files.

    The canonical files of a directory are ``cis.*``, ``relations.*`` and ``inventory.*``
    (``.csv``, ``.xlsx``, ``.json``, ``.yaml``, ``.yml``); name any other file explicitly.
    Every path that is not a readable regular file (a FIFO, a dangling link, a directory named
    ``cis.csv`` ...) is a problem; all of them are reported at once.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in _entries(path, problems)
                           if p.stem in CANONICAL_STEMS and p.suffix.lower() in INVENTORY_SUFFIXES)
            if not found and not problems:
                problems.append(Problem(str(path), None, None,
                                        M_("directory holds no cis.csv, relations.csv or inventory.json/yaml")))
            candidates = found
        else:
            candidates = [path]
        _keep_readable(candidates, files, problems)
    if problems:
        raise InputError(problems)
    # CIs before relations only matters for readability of errors; order does not change results
    return sorted(dict.fromkeys(files), key=lambda p: (p.stem != "cis", str(p)))


def _keep_readable(candidates: Iterable[Path], files: list[Path], problems: list[Problem]) -> None:
    """Each candidate goes to ``files`` if it may be read, else its problem to ``problems``."""
    for candidate in candidates:
        problem = input_problem(candidate)
        if problem is None:
            files.append(candidate)
        else:
            problems.append(problem)


def _entries(directory: Path, problems: list[Problem]) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError as exc:
        problems.append(read_problem(directory, exc).problems[0])
        return []


class Loader:
    """One load: stage inputs, check them as a whole, apply them (see the module docstring)."""

    def __init__(self, store: Store, *, schema: Schema | None = None, on_error: str = "stop",
                 max_problems: int = MAX_PROBLEMS, progress: Progress | None = None,
                 workers: int | None = None):
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}")
        self.store = store
        self.schema = schema or load_schema()
        self.skip = on_error == "skip"
        self.max_problems = max_problems
        self.progress = progress or Progress()
        self.workers = workers
        self.problems: list[Problem] = []
        self.total = 0
        self.complete = True  # no file was left unread
        self.inputs: list[str] = []
        # the store's load lock, held from the checks against the store to the end of apply
        self._locked = ExitStack()
        self.rows_read = 0       # rows (and unreadable rows) met in the inputs so far
        self.empty_inputs: list[str] = []  # inputs that held no rows at all
        self.unread: list[IncompleteRead] = []  # parts of the source the input does not hold
        # last: once its file exists, only close() deletes it (a signal in between leaves it
        # to the next load's sweep of dead processes' staging files)
        self.staging = Staging()

    # -- problems -----------------------------------------------------------------------------
    def problem(self, problem: Problem) -> None:
        self.total += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(problem)

    def file_failed(self, exc: InputError) -> None:
        """A whole file could not be read: its problems count, the load is incomplete."""
        self.complete = False
        self.total += exc.total - len(exc.problems)
        for p in exc.problems:
            self.problem(p)

    # -- staging ------------------------------------------------------------------------------
    def stage_files(self, paths: Iterable[Path], *, encoding: str | None = None) -> None:
        """Stage canonical inventory files: CI tables first, documents, then relation tables;
        canonical CSV files in bulk where possible."""
        from itss_graph.loading.csvfile import open_csv
        from itss_graph.loading.encoding import normalise_encoding, scan_file
        from itss_graph.loading.readers import csv_kind

        if encoding:
            normalise_encoding(encoding)  # an unknown or non-text encoding: one problem, first
        files = expand_inputs(paths)
        self.inputs.extend(str(p) for p in files)
        tables: dict[str, list[tuple[Path, Any]]] = {"ci": [], "relation": [], "other": []}
        for path in files:
            if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
                tables["other"].append((path, None))
                continue
            try:
                scan = scan_file(path, encoding)
                fh, _reader, columns = open_csv(path, scan)
                with fh:
                    tables[csv_kind(str(path), columns)].append((path, scan))
            except InputError as exc:
                self.file_failed(exc)
        for kind in ("ci", "other", "relation"):
            for path, scan in tables[kind]:
                self.progress.start(M_("reading {name}", name=path.name), scan.size if scan else 0)
                before = self.rows_read
                done = False
                if scan is not None:
                    staged = self.staging.staged_rows()
                    done = self._bulk(path, scan)
                    self.rows_read += self.staging.staged_rows() - staged if done else 0
                if not done:  # row by row: progress in rows
                    self.progress.start(M_("reading {name}", name=path.name))
                    self.stage_items(read_rows(path, encoding=encoding))
                if self.rows_read == before and self.complete:
                    self.empty_inputs.append(str(path))
                self.progress.done()

    def _bulk(self, path: Path, scan) -> bool:
        from itss_graph.loading import fastcsv

        return fastcsv.stage_csv(self.staging, path, self.schema, scan, progress=self.progress,
                                 workers=self.workers)

    def stage_profile(self, paths: Iterable[Path], profile: Any, *, encoding: str | None = None) -> None:
        """Stage tables through a mapping profile (a name, a YAML path or a Profile); a
        directory stands for every table in it."""
        from itss_graph.loading.mapping import profile_items
        from itss_graph.loading.profiles import find_profile

        if encoding:
            from itss_graph.loading.encoding import normalise_encoding

            normalise_encoding(encoding)
        profile = find_profile(profile) if isinstance(profile, str) else profile
        for path in expand_profile_inputs(paths):
            self.inputs.append(str(path))
            self.progress.start(M_("reading {name}", name=path.name))
            before, complete = self.rows_read, self.complete
            self.stage_items(profile_items(profile, path, self.schema, encoding=encoding))
            if self.rows_read == before and self.complete == complete:
                self.empty_inputs.append(str(path))
            self.progress.done()

    def stage_items(self, items: Iterable[Item]) -> None:
        """Stage a stream of rows (validated here), staged records and problems."""
        staging, schema, progress = self.staging, self.schema, self.progress
        count = 0
        try:
            for item in items:
                count += 1
                if progress.enabled and not count % 1000:
                    progress.update(count)
                if not isinstance(item, RowWarning):
                    self.rows_read += 1
                if isinstance(item, RawRow):
                    row, item = item, validate_row(item, schema)
                    if isinstance(item, list):
                        for p in item:
                            self.problem(p)
                        ci_id = row.fields.get("id") if row.kind == "ci" else None
                        if isinstance(ci_id, str) and ci_id.strip():
                            staging.note_skipped(ci_id)  # relations to it say why it is missing
                        continue
                if isinstance(item, IncompleteRead):
                    self.unread.append(item)
                if isinstance(item, RowWarning):
                    staging.warn(item.file, item.line, item.column or item.field, item.message,
                                 item.value)
                elif isinstance(item, Problem):
                    self.problem(item)
                else:
                    staging.add(item)
        except InputError as exc:
            self.file_failed(exc)

    # -- checks and apply ---------------------------------------------------------------------
    def check(self) -> None:
        """Checks across rows. Stop mode raises InputError with every problem (nothing written);
        skip mode drops the rows at fault and keeps their problems for the report."""
        from itss_graph.loading.checks import cross_row_checks

        from itss_graph.loading.validate import special_property_warnings

        self.progress.start("checking")
        self.staging.finish()
        special_property_warnings(self.staging, self.schema)
        if self.problems and not self.skip and not self.complete:
            self._raise()  # a whole file is unread: checks across rows would only add noise
        # from here to the end of apply() no other load may change what the checks read
        self._locked.enter_context(self.store.load_lock())
        defer = self.store.detects_relation_duplicates and self.store.is_empty()
        # stop mode reports everything in one pass: the rows with errors are left out of the
        # checks across rows, and relations to CIs whose rows had errors are not reported again
        for p in cross_row_checks(self.staging, self.store, self.schema,
                                  limit=self.max_problems, drop=self.skip,
                                  defer_relation_duplicates=defer,
                                  report_skipped=self.skip):
            self.problem(p)
        self.progress.done()
        if self.problems and not self.skip:
            self._raise()

    def _raise(self) -> None:
        self.problems.sort(key=lambda p: (p.file, p.line or 0))
        raise InputError(self.problems[:self.max_problems], total=self.total)

    def apply(self, *, dry_run: bool = False, source: str | None = None, prune: bool = False,
              details: bool = False, allow_empty: bool = False) -> LoadReport:
        from itss_graph.stores.base import RelationDuplicates

        if prune:
            self._refuse_incomplete_prune()
            if not allow_empty:
                self._refuse_empty_prune(source)

        progress = self.progress
        progress.start("writing", total=self.staging.ci_count() + self.staging.relation_count()
                       if progress.enabled else 0)
        options = dict(dry_run=dry_run, details=details,
                       progress=progress.update if progress.enabled else None)
        scope = dict(source=source, prune=prune and not self._partial(), inputs=self.inputs)
        with self._locked:
            try:
                report = self.store.apply(self.staging.batch(**scope), **options)
            except RelationDuplicates:  # the store found some: fold or report them, then again
                for p in self.staging.fold_relation_duplicates(self.max_problems, drop=self.skip):
                    self.problem(p)
                if self.problems and not self.skip:
                    self._raise()
                report = self.store.apply(self.staging.batch(**scope), **options)
        self.progress.done()
        partial = self._partial()
        report.source = source
        report.complete = not partial
        report.skipped = sorted(self.problems, key=lambda p: (p.file, p.line or 0))
        report.skipped_total = self.total
        report.warnings = self.staging.warnings()
        if prune and partial:
            report.notes.append(
                Mn_("not pruned: {n} row could not be read or was skipped, so this is not a complete load of the source",
                    "not pruned: {n} rows could not be read or were skipped, so this is not a complete load of the "
                    "source", self.total))
        return report

    def _refuse_incomplete_prune(self) -> None:
        """A part of the source was not read at all (say an endpoint missing from a NetBox
        export): pruning would delete everything of that part, so the load is refused."""
        if self.unread:
            raise InputError([Problem(w.file, w.line, w.field,
                                      M_("{message}: --prune needs a complete read of the source, or it would delete what was not read",
                                         message=w.message)) for w in self.unread])

    def _refuse_empty_prune(self, source: str | None) -> None:
        """An input with no rows would make prune delete everything its source has: that
        must be asked for (``allow_empty``). A blank export is more often a mistake than an
        empty estate."""
        empty = self.empty_inputs or ([] if self.rows_read else self.inputs or ["(input)"])
        if empty:
            raise InputError([Problem(
                name, None, None,
                M_("holds no rows; with --prune this load would delete every CI and relation source {source!r} loaded before: add --allow-empty if that is meant",
                   source=source))
                for name in empty])

    def _partial(self) -> bool:
        """Some rows or files could not be loaded: not a complete read of the source."""
        return bool(self.total) or not self.complete

    def close(self) -> None:
        try:
            self._locked.close()
        finally:
            self.staging.close()

    def __enter__(self) -> "Loader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load_inventory(paths: Iterable[Path], store: Store, *, schema: Schema | None = None,
                   dry_run: bool = False, on_error: str = "stop", encoding: str | None = None,
                   source: str | None = None, prune: bool = False, details: bool = False,
                   profile: Any = None, progress: Progress | None = None,
                   workers: int | None = None, allow_empty: bool = False) -> LoadReport:
    """Validate the inputs, then merge them into the store.

    ``profile`` (a name or a :class:`~itss_graph.loading.profiles.Profile`) maps tables that
    are not in the canonical format. See the module docstring for ``on_error``; ``source`` tags
    what is loaded, ``prune`` then removes what that source no longer has (complete loads only;
    an input without rows needs ``allow_empty``), ``details`` fills the per-row report.
    """
    store.prepare_load()  # e.g. Neo4j's schema, made while the input is read
    with Loader(store, schema=schema, on_error=on_error, progress=progress,
                workers=workers) as loader:
        if profile is None:
            loader.stage_files(paths, encoding=encoding)
        else:
            loader.stage_profile(paths, profile, encoding=encoding)
        loader.check()
        return loader.apply(dry_run=dry_run, source=source, prune=prune, details=details,
                            allow_empty=allow_empty)


def load_items(items: Iterable[Item], store: Store, *, inputs: Iterable[str] = (),
               **options: Any) -> LoadReport:
    """Load a stream of rows (RawRow or staged records, with Problems in place of bad rows),
    e.g. from an API; same options as :func:`load_inventory`."""
    apply_options = {k: options.pop(k) for k in ("dry_run", "source", "prune", "details",
                                                 "allow_empty") if k in options}
    store.prepare_load()
    with Loader(store, **options) as loader:
        loader.inputs.extend(inputs)
        loader.stage_items(items)
        loader.check()
        return loader.apply(**apply_options)


def expand_profile_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files for a profile: files as given; a directory stands for the tables in it. Paths that
    are not readable regular files are problems, reported together."""
    from itss_graph.loading.tabular import TABLE_SUFFIXES

    files: list[Path] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in _entries(path, problems)
                           if p.suffix.lower() in (*TABLE_SUFFIXES, ".json"))
            if not found and not problems:
                problems.append(Problem(str(path), None, None, M_("directory holds no tables")))
        else:
            found = [path]
        _keep_readable(found, files, problems)
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(files))
