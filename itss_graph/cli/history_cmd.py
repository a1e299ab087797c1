"""``itss history``: how a CI changed across loads."""

from __future__ import annotations

import click

from itss_graph.cli.options import format_option, lang_option, open_configured_store, store_options


@click.command()
@click.argument("ci_id")
@store_options
@format_option
@lang_option
def history(ci_id: str, store_settings, output_format: str, lang: str) -> None:
    """Show the loads that created, changed or deleted CI_ID, oldest first, with the fields
    each one changed (properties as props.KEY).

    \b
    Examples:
      itss history server:dc1-db0030p
      itss history device:17 --store netbox.db --format json
    """
    import itss_graph as itss
    from itss_graph.render.formats import to_csv, to_json
    from itss_graph.render.table import render_table

    with open_configured_store(store_settings) as store:
        answer = itss.history(store, ci_id)
    events = answer["events"]
    if output_format == "json":
        click.echo(to_json(answer), nl=False)
        return
    rows = [[e["load"] if e["load"] is not None else "", e["at"] or "", e["source"] or "",
             e["event"], _changes(e)] for e in events]
    headers = ["load", "at", "source", "event", "changes"]
    if output_format == "csv":
        click.echo(to_csv(headers, rows), nl=False)
        return
    from itss_graph.i18n import _
    from itss_graph.render.labels import type_label, word

    current = answer["current"]
    state = f"{type_label(current['type'])} {current['name']!r}" if current else _("deleted")
    click.echo(_("History of {id} (now: {state}):").format(id=ci_id, state=state))
    click.echo(render_table([_("load"), _("at"), _("source"), _("event"), _("changes")],
                            [[*r[:3], word(r[3]), r[4]] for r in rows]))


def _changes(event: dict) -> str:
    if event.get("note"):
        return event["note"]
    diff = event.get("diff") or {}
    if event["event"] == "deleted":
        return "deleted (" + ", ".join(f"{k}={v[0]!r}" for k, v in diff.items() if k in ("type", "name")) + ")"
    return "; ".join(f"{k}: {_show(a)} → {_show(b)}" for k, (a, b) in diff.items())


def _show(value) -> str:
    return "∅" if value is None else str(value)
