"""``itss load``: validate inventories, then merge them into the store."""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path

import click

from itss_graph.cli.options import format_option, store_options

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
    import itss_graph as itss

    if prune and not source_name:
        from itss_graph.i18n import _

        raise click.UsageError(_("--prune needs --source NAME: it removes what that source no longer has"))
    netbox = inputs == ("netbox",) and (netbox_url or netbox_export or not Path("netbox").exists())
    if not netbox and (netbox_url or netbox_export or extras):
        from itss_graph.i18n import _

        raise click.UsageError(_("--url, --from and --extras belong to `itss load netbox`"))
    if netbox and netbox_export is None and not netbox_url:
        from itss_graph.i18n import _

        raise click.UsageError(_("itss load netbox needs --url URL (or NETBOX_URL), or --from DIR"))
    if progress is None:
        progress = sys.stderr.isatty() and output_format != "json"
    source = itss.NetBoxSource(url=netbox_url, token=netbox_token, export=netbox_export,
                               extras=extras, insecure=insecure) if netbox else None
    with _cleanup_on_signals():
        report = itss.load_into(store_settings, () if netbox else inputs, netbox=source,
                                profile=profile, encoding=encoding, on_error=on_error,
                                dry_run=dry_run, source=source_name, prune=prune,
                                allow_empty=allow_empty, details=row_report, progress=progress,
                                workers=workers)
    if not dry_run and report.changed and store_settings.kind == "sqlite":
        itss.prepare_after_load(store_settings.path)  # a large store: its closure index now
    elif not dry_run and report.changed:
        itss.warm_neo4j_after_load(store_settings)  # what the next question walks, now
    _print_report(report, store_settings, output_format, row_report)
    if report.skipped_total:
        from itss_graph.i18n import ngettext

        click.echo("itss: " + ngettext("{n} row skipped (listed in the report); the others were loaded",
                                       "{n} rows skipped (listed in the report); the others were loaded",
                                       report.skipped_total).format(n=report.skipped_total), err=True)
        sys.exit(EXIT_SKIPPED)


@contextlib.contextmanager
def _cleanup_on_signals():
    """SIGTERM and SIGHUP end the load like Ctrl-C does: through every ``finally`` (staging
    files deleted, worker processes stopped, the store's transaction rolled back, a new store
    not moved into place)."""
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
    from itss_graph.i18n import _, localize
    from itss_graph.render.labels import relation_label, type_label, word

    totals = report.totals()
    kinds = {"ci": _("CI"), "relation": _("relation")}
    rows = [[kinds[kind], type_label(name) if kind == "ci" else relation_label(name), *counts]
            for kind, name, *counts in rows]
    rows.append([_("total CIs"), "", *totals["cis"].values()])
    rows.append([_("total relations"), "", *totals["relations"].values()])
    where = store_settings.describe()
    if report.source and report.load_id:
        line = (_("Would load (dry run) into {store} from source {source!r} (load {load}):") if report.dry_run
                else _("Loaded into {store} from source {source!r} (load {load}):"))
    elif report.source:
        line = (_("Would load (dry run) into {store} from source {source!r}:") if report.dry_run
                else _("Loaded into {store} from source {source!r}:"))
    elif report.load_id:
        line = (_("Would load (dry run) into {store} (load {load}):") if report.dry_run
                else _("Loaded into {store} (load {load}):"))
    else:
        line = _("Would load (dry run) into {store}:") if report.dry_run else _("Loaded into {store}:")
    click.echo(line.format(store=where, source=report.source, load=report.load_id))
    click.echo(render_table([_(h) for h in headers], rows))
    if any(report.pruned.values()):
        line = (_("Would prune {cis} CIs and {relations} relations that source {source!r} no longer has.")
                if report.dry_run else
                _("Pruned {cis} CIs and {relations} relations that source {source!r} no longer has."))
        click.echo(line.format(cis=report.pruned["cis"], relations=report.pruned["relations"], source=report.source))
    for note in report.notes:
        click.echo(_("Note: {note}").format(note=localize(note)))
    if row_report and report.rows:
        click.echo("\n" + _("Rows:"))
        click.echo(render_table([_("file"), _("line"), _("kind"), _("id"), _("outcome"), _("changes")],
                                [[r["file"], r["line"] or "", kinds.get(r["kind"], r["kind"]), _row_label(r),
                                  word(r["outcome"]), _diff_text(r.get("diff") or {})] for r in report.rows]))
    if report.warnings:
        click.echo("\n" + _("Warnings ({n}):").format(n=len(report.warnings)))
        for warning in report.warnings:
            click.echo(f"  {warning.localized()}")
    if report.skipped:
        click.echo("\n" + _("Skipped rows ({n}):").format(n=report.skipped_total))
        for problem in report.skipped:
            click.echo(f"  {problem.localized()}")
        if report.skipped_total > len(report.skipped):
            click.echo("  " + _("... and {n} more").format(n=report.skipped_total - len(report.skipped)))


def _row_label(row: dict) -> str:
    if row["kind"] == "ci":
        return row["id"]
    return f"{row['source']} -[{row['type']}]-> {row['target']}"
