"""``itss load``: validate inventories, then merge them into the store."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

import click

from itss_graph.cli.options import format_option, open_configured_store, store_options

EXIT_SKIPPED = 1  # loaded, but --on-error skip left rows out


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--profile", metavar="NAME",
              help="Map the tables with this mapping profile (loaders/NAME.yaml, a user profile, "
                   "or a YAML path); without it inputs are canonical inventories.")
@click.option("--encoding", metavar="ENC",
              help="Encoding of CSV inputs (utf-8, utf-8-sig, gbk, gb18030, utf-16) [default: detected].")
@click.option("--on-error", type=click.Choice(["stop", "skip"]), default="stop", show_default=True,
              help="stop: any bad row, nothing is written (exit 2); skip: load the good rows and "
                   "report every skipped one (exit 1).")
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing.")
@click.option("--source", "source_name", metavar="NAME",
              help="Tag what is loaded as coming from NAME (e.g. netbox, 资产台账).")
@click.option("--prune", is_flag=True,
              help="With --source: delete CIs and relations of that source absent from this load "
                   "(only after a complete read: never when rows were skipped).")
@click.option("--allow-empty", is_flag=True,
              help="With --prune: accept an input that holds no rows (it prunes everything the "
                   "source had).")
@click.option("--rows", "row_report", is_flag=True,
              help="Report every row: created, updated (with the field changes) or unchanged.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on stderr [default: when stderr is a terminal and the format is not json].")
@click.option("--workers", type=click.IntRange(1, 16), default=None, hidden=True,
              help="Processes for large CSV files [default: CPUs, at most 4].")
@click.option("--url", "netbox_url", metavar="URL", envvar="NETBOX_URL",
              help="(itss load netbox) NetBox URL [env NETBOX_URL].")
@click.option("--token", "netbox_token", metavar="TOKEN", envvar="NETBOX_TOKEN",
              help="(itss load netbox) API token [env NETBOX_TOKEN; prefer the env var: flags show in `ps`].")
@click.option("--from", "netbox_export", metavar="DIR", type=click.Path(path_type=Path),
              help="(itss load netbox) read a NetBox JSON export directory instead of the API.")
@click.option("--extras", is_flag=True,
              help="(itss load netbox) also circuit-device cables, panel sites and rack feeds.")
@click.option("--insecure", is_flag=True, help="(itss load netbox) do not verify TLS certificates.")
@store_options
@format_option
def load(inputs: tuple[str, ...], profile: str | None, encoding: str | None, on_error: str,
         dry_run: bool, source_name: str | None, prune: bool, allow_empty: bool, row_report: bool,
         progress: bool | None, workers: int | None, netbox_url: str | None,
         netbox_token: str | None, netbox_export: Path | None, extras: bool, insecure: bool,
         store_settings, output_format: str) -> None:
    """Validate INPUTS (files or directories) and load them into the store.

    Inputs are the canonical inventory — cis.csv (id,name,type,...) and relations.csv
    (source,type,target,...), or one JSON/YAML document {"cis": [...], "relations": [...]} —
    or any CSV/XLSX/JSON tables with --profile. A directory stands for its cis.*, relations.*
    and inventory.* files (with --profile: every table in it). `itss load netbox` reads NetBox.

    Every row is checked before anything is written; by default, on any problem the store is
    left exactly as it was and each problem is printed as FILE:LINE: COLUMN: MESSAGE (exit 2).
    With --on-error skip the good rows are loaded, every skipped row is reported, and the exit
    status is 1. Loading the same input again changes nothing.

    \b
    Examples:
      itss load samples/netbox-demo/ --store netbox.db
      itss load samples/netbox-demo/cis.csv samples/netbox-demo/relations.csv --store nb.db --rows
      itss load --profile cn-asset-register examples/asset-register/资产台账.xlsx --source 资产台账 --prune
      itss load --profile cn-asset-register examples/asset-register/资产台账-gbk.csv --encoding gbk --on-error skip
      itss load netbox --from examples/netbox-export/json/ --dry-run --format json
      itss load netbox --url https://netbox.example.com --source netbox --prune   # template
      itss load estate.yaml --neo4j-uri bolt://localhost:7687 --format json       # template
    """
    from itss_graph.loading.load import Loader
    from itss_graph.loading.progress import Progress

    if prune and not source_name:
        raise click.UsageError("--prune needs --source NAME: it removes what that source no longer has")
    netbox = inputs == ("netbox",) and (netbox_url or netbox_export or not Path("netbox").exists())
    if not netbox and (netbox_url or netbox_export or extras):
        raise click.UsageError("--url, --from and --extras belong to `itss load netbox`")
    if progress is None:
        progress = sys.stderr.isatty() and output_format != "json"
    with _cleanup_on_signals(), _StoreForLoad(store_settings, dry_run) as stores:
        with Loader(stores.for_checks, on_error=on_error, progress=Progress(enabled=progress),
                    workers=workers) as loader:
            if netbox:
                _stage_netbox(loader, profile, netbox_url, netbox_token, netbox_export, extras,
                              insecure, prune)
            else:
                _stage_files(loader, [Path(i) for i in inputs], profile, encoding)
            loader.check()
            options = dict(dry_run=dry_run, source=source_name, prune=prune, details=row_report,
                           allow_empty=allow_empty)
            loader.store = stores.for_writing()
            if stores.recheck:
                loader.check()
            report = loader.apply(**options)
            if not stores.written():  # another load created the store while this one wrote
                loader.store = stores.for_writing()
                loader.check()
                report = loader.apply(**options)
    _print_report(report, store_settings, output_format, row_report)
    if report.skipped_total:
        click.echo(f"itss: {report.skipped_total} row{'s' if report.skipped_total != 1 else ''} "
                   "skipped (listed in the report); the others were loaded", err=True)
        sys.exit(EXIT_SKIPPED)


class _StoreForLoad:
    """The store a load checks against and writes to. An embedded store that does not exist yet
    is created only when something is written, and only whole: it is written under a private
    name beside the path and moved into place when the load succeeded, so a dry run or a load
    that fails leaves no store file behind (after which queries would answer "unknown CI"
    instead of "no store"). Until then the checks run against an empty in-memory store; if
    another load creates the store meanwhile, this one checks again against it and loads
    into it."""

    def __init__(self, settings, dry_run: bool):
        self.settings = settings
        self.dry_run = dry_run
        self.target: Path | None = None  # a store to create
        self.temp: Path | None = None
        self.store = None
        self.checks = None
        self.recheck = False  # the store appeared while this load was checked

    def __enter__(self) -> "_StoreForLoad":
        settings = self.settings
        if settings.kind == "sqlite" and settings.path != ":memory:" \
                and not Path(settings.path).exists():
            from itss_graph.stores.sqlite import SQLiteStore

            self.checks = SQLiteStore(":memory:")
            self.target = Path(settings.path)
        else:
            self.store = open_configured_store(settings, create=True)
        return self

    @property
    def for_checks(self):
        return self.checks if self.checks is not None else self.store

    def for_writing(self):
        """The store to apply to: the existing one, or a new one under its private name."""
        if self.store is not None or self.dry_run:
            return self.store if self.store is not None else self.checks
        if self.target.exists():  # created by another load while this one was checked
            self.store = open_configured_store(self.settings, create=True)
            self.target, self.recheck = None, True
            return self.store
        from itss_graph.stores.sqlite import SQLiteStore

        self.temp = self.target.with_name(f".{self.target.name}.{os.getpid()}.new")
        self._remove_temp()
        self.store = SQLiteStore(self.temp, create=True)
        return self.store

    def written(self) -> bool:
        """Move a new store into place; False when a store appeared at the path meanwhile (the
        caller then loads into that one)."""
        if self.temp is None:
            return True
        self.store.close()  # the last connection: SQLite folds its WAL into the file
        self.store = None
        try:
            os.link(self.temp, self.target)  # atomic, and only where no store is
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if self.target.exists():
                return False
            os.replace(self.temp, self.target)
        finally:
            self._remove_temp()
            self.temp = None
        self.target = None
        return True

    def _remove_temp(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal", ".load-lock"):  # the lock: stores/sqlite_write
            Path(str(self.temp) + suffix).unlink(missing_ok=True)

    def __exit__(self, *exc) -> None:
        for store in (self.checks, self.store):
            if store is not None:
                store.close()
        if self.temp is not None:  # the load failed after starting a new store: nothing stays
            self._remove_temp()


@contextlib.contextmanager
def _cleanup_on_signals():
    """SIGTERM and SIGHUP end the load like Ctrl-C does: through every ``finally`` (staging
    files deleted, worker processes stopped, the store's transaction rolled back)."""
    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                previous[number] = signal.signal(number, stop)
            except ValueError:  # not the main thread (an embedding program): leave them be
                pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stage_files(loader, paths: list[Path], profile: str | None, encoding: str | None) -> None:
    if profile is None:
        loader.stage_files(paths, encoding=encoding)
    else:
        loader.stage_profile(paths, profile, encoding=encoding)


def _stage_netbox(loader, profile: str | None, url: str | None, token: str | None,
                  export: Path | None, extras: bool, insecure: bool, prune: bool) -> None:
    from itss_graph.loading.netbox import ENDPOINTS, netbox_rows
    from itss_graph.loading.profiles import find_profile

    found = find_profile(profile or "netbox")
    if export is not None:
        from itss_graph.loading.netbox.export import JsonExport

        source = JsonExport(export, required=ENDPOINTS if prune else ())
        loader.inputs.append(str(export))
    else:
        if not url:
            raise click.UsageError("itss load netbox needs --url URL (or NETBOX_URL), or --from DIR")
        from itss_graph.loading.netbox.client import NetBoxClient

        options = found.options
        limits = {k: options[k] for k in ("page_size", "timeout", "retries", "max_pages")
                  if k in options}  # checked when the profile was read
        source = NetBoxClient(url, token, verify_tls=not insecure, **limits)
        loader.inputs.append(url)
    loader.progress.start("reading NetBox")
    loader.stage_items(netbox_rows(source, profile=found, extras=extras, schema=loader.schema))
    loader.progress.done()


def _diff_text(diff: dict) -> str:
    def show(value) -> str:
        return "∅" if value is None else str(value)

    return "; ".join(f"{k}: {show(a)} → {show(b)}" for k, (a, b) in diff.items())


def _print_report(report, store_settings, output_format: str, row_report: bool) -> None:
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    rows = [[kind, type_name, c["created"], c["updated"], c["unchanged"]]
            for kind, table in (("ci", report.cis), ("relation", report.relations))
            for type_name, c in sorted(table.items())]
    headers = ["kind", "type", "created", "updated", "unchanged"]
    if output_format == "json":
        click.echo(to_json({"store": store_settings.describe(), **report.as_dict()}), nl=False)
        return
    if output_format == "csv":
        if row_report:
            click.echo(to_csv(["file", "line", "kind", "id", "outcome", "diff"],
                              [[r["file"], r["line"], r["kind"], _row_label(r), r["outcome"],
                                r.get("diff") or ""] for r in report.rows or []]
                              + [[p.file, p.line, "", p.value or "", "skipped", str(p)]
                                 for p in report.skipped]), nl=False)
        else:
            click.echo(to_csv(headers, rows), nl=False)
        return
    totals = report.totals()
    rows.append(["total ci", "", *totals["cis"].values()])
    rows.append(["total relation", "", *totals["relations"].values()])
    verb = "Would load (dry run) into" if report.dry_run else "Loaded into"
    tag = f" from source {report.source!r}" if report.source else ""
    load = f" (load {report.load_id})" if report.load_id else ""
    click.echo(f"{verb} {store_settings.describe()}{tag}{load}:")
    click.echo(render_table(headers, rows))
    if any(report.pruned.values()):
        verb = "Would prune" if report.dry_run else "Pruned"
        click.echo(f"{verb} {report.pruned['cis']} CIs and {report.pruned['relations']} relations "
                   f"that source {report.source!r} no longer has.")
    for note in report.notes:
        click.echo(f"Note: {note}")
    if row_report and report.rows:
        click.echo("\nRows:")
        click.echo(render_table(["file", "line", "kind", "id", "outcome", "changes"],
                                [[r["file"], r["line"] or "", r["kind"], _row_label(r), r["outcome"],
                                  _diff_text(r.get("diff") or {})] for r in report.rows]))
    if report.warnings:
        click.echo(f"\nWarnings ({len(report.warnings)}):")
        for warning in report.warnings:
            click.echo(f"  {warning}")
    if report.skipped:
        click.echo(f"\nSkipped rows ({report.skipped_total}):")
        for problem in report.skipped:
            click.echo(f"  {problem}")
        if report.skipped_total > len(report.skipped):
            click.echo(f"  ... and {report.skipped_total - len(report.skipped)} more")


def _row_label(row: dict) -> str:
    if row["kind"] == "ci":
        return row["id"]
    return f"{row['source']} -[{row['type']}]-> {row['target']}"
