"""``itss broker status|stop``: the resident processes that answer read-only questions on
Neo4j (:mod:`itss_graph.cli.broker`)."""

from __future__ import annotations

import os

import click

from itss_graph.cli.broker import place
from itss_graph.cli.options import lang_option


@click.group()
def broker() -> None:
    """The brokers: resident processes that keep the Neo4j driver connected, so a read-only
    question on Neo4j (impact, spof, find …) from a cold `itss` answers without importing and
    connecting it again. One starts on its own; it exits after some idle minutes
    (ITSS_BROKER_IDLE seconds, [broker] idle_seconds in the config file). ITSS_BROKER=0 or
    [broker] enabled = false turns brokering off.

    \b
    Examples:
      itss broker status
      itss broker stop --all
    """


def _sockets() -> list[str]:
    directory = place.broker_dir()
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".sock"))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names]


def _live(path: str) -> bool:
    from itss_graph.cli.broker.client import connect

    sock = connect(path)
    if sock is None:
        return False
    sock.close()
    return True


@broker.command()
@lang_option
def status(lang: str) -> None:
    """List this user's brokers: their sockets, whether each answers, its process and store.

    \b
    Example:
      itss broker status
    """
    from itss_graph.i18n import _

    sockets = _sockets()
    if not sockets:
        click.echo(_("no broker in {path}").format(path=place.broker_dir()))
        return
    for path in sockets:
        state = _("running") if _live(path) else _("stale (no process answers)")
        click.echo(f"{path}\t{state}\t{_started(path)}".rstrip())


def _started(path: str) -> str:
    """What the broker's log says it was started for: ``pid N, neo4j bolt://…`` (no secret)."""
    try:
        with open(path + ".log", encoding="utf-8") as fh:
            first = fh.readline().rstrip("\n")
    except OSError:
        return ""
    head, found, store = first.partition(f" listening at {path} for ")  # (server.py's first line)
    if not found or not head.startswith("broker "):
        return ""
    return f"pid {head.split()[1]}, {store}"


@broker.command()
@click.option("--all", "everything", is_flag=True, help="Stop every broker of this user.")
@click.option("--neo4j-uri", default=None, help="The Neo4j URI whose broker to stop (default: NEO4J_URI or the config file).")
@click.option("--neo4j-user", default=None, help="Neo4j user (default: NEO4J_USER or the config file).")
@click.option("--neo4j-database", default=None, help="Neo4j database (default: NEO4J_DATABASE or the config file).")
@lang_option
def stop(everything: bool, neo4j_uri: str | None, neo4j_user: str | None, neo4j_database: str | None,
         lang: str) -> None:
    """Stop the broker of the Neo4j store the options and environment name (its password
    from NEO4J_PASSWORD or the config file), or every broker with --all; stale socket files
    are removed.

    \b
    Examples:
      itss broker stop --neo4j-uri bolt://127.0.0.1:7687
      itss broker stop --all
    """
    from itss_graph.cli.store_settings import configured_settings
    from itss_graph.errors import ItssError
    from itss_graph.i18n import _

    if everything:
        targets = _sockets()
    else:
        settings = configured_settings(neo4j_uri=neo4j_uri, neo4j_user=neo4j_user, neo4j_database=neo4j_database)
        if not settings.neo4j_uri:
            raise ItssError(_("no Neo4j store is configured: give --neo4j-uri, or --all"))
        name = place.key_digest(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_database,
                                settings.neo4j_password)
        targets = [os.path.join(place.broker_dir(), name + ".sock")]
    stopped = 0
    for path in targets:
        if _stop(path):
            stopped += 1
    click.echo(_("brokers stopped: {n}").format(n=stopped))


def _stop(path: str) -> bool:
    """Ask the broker at ``path`` to stop (True if one did); a stale socket file is removed."""
    import marshal

    from itss_graph.cli.broker import wire
    from itss_graph.cli.broker.client import PROTOCOL, connect
    from itss_graph.cli.broker.server import STOP

    sock = connect(path)
    if sock is None:
        if os.path.exists(path):
            os.unlink(path)
        return False
    try:
        request = {"protocol": PROTOCOL, "argv": [STOP]}
        sock.sendall(wire.frame(wire.REQUEST, marshal.dumps(request)))
        return wire.read_frame(sock) == (wire.EXIT, b"0")
    finally:
        sock.close()
