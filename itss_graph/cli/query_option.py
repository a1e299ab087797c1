"""``--show-query``, shared by impact and the canned-query commands.

A module of its own so that ``itss impact`` does not import (and build the click options of)
every canned-query command to get it.
"""

from __future__ import annotations

import functools
from typing import Callable

import click


def show_query_option(name: str) -> Callable:
    """--show-query: print the catalogue entry and the statements the engine runs, then answer."""

    def decorator(func: Callable) -> Callable:
        @click.option("--show-query", is_flag=True,
                      help="Print the query behind the answer (catalogue entry and engine statements).")
        @functools.wraps(func)
        def wrapper(*args, show_query: bool, **kwargs):
            if show_query:
                print_query(name, kwargs.get("store_settings"), kwargs.get("lang", "en"))
            return func(*args, **kwargs)

        return wrapper

    return decorator


def print_query(name: str, settings, lang: str) -> None:
    import itss_graph as itss

    query = itss.canned_query(name)
    from itss_graph.i18n import _

    click.echo("-- " + _("canned query {name} ({path})").format(name=query.name, path=query.path), err=True)
    click.echo(f"-- {query.question.get(lang) or query.question.get('en', '')}", err=True)
    click.echo("-- " + _("algorithm: {text}").format(text=query.algorithm.get(lang) or query.algorithm.get("en", "")),
               err=True)
    for what, statement in itss.engine_statements(settings):
        click.echo(f"-- {what}", err=True)
        if statement:
            click.echo(statement, err=True)
    click.echo("-- " + _("reference Cypher (for Neo4j Browser):"), err=True)
    click.echo(itss.reference_cypher(query).rstrip(), err=True)
    click.echo("", err=True)
