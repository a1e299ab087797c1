"""Options shared by commands: where the store is, and how to print answers."""

from __future__ import annotations

import functools
from typing import Callable

import click

from itss_graph.render.formats import FORMATS


def store_options(func: Callable) -> Callable:
    """``--store`` (SQLite file) or ``--neo4j-uri`` and its credentials; env vars as defaults."""

    @click.option("--store", "store_path", metavar="PATH", default=None,
                  help="Embedded store file [env ITSS_STORE; default ./itss.db].")
    @click.option("--neo4j-uri", metavar="URI", default=None,
                  help="Use Neo4j instead (bolt://host:7687, neo4j://cluster) [env NEO4J_URI].")
    @click.option("--neo4j-user", metavar="USER", default=None, help="[env NEO4J_USER]")
    @click.option("--neo4j-password", metavar="PASSWORD", default=None,
                  help="[env NEO4J_PASSWORD; prefer the env var: flags show in `ps`]")
    @click.option("--neo4j-database", metavar="NAME", default=None, help="[env NEO4J_DATABASE]")
    @functools.wraps(func)
    def wrapper(*args, store_path, neo4j_uri, neo4j_user, neo4j_password, neo4j_database, **kwargs):
        from itss_graph.cli.store_settings import configured_settings

        settings = configured_settings(store_path, neo4j_uri, neo4j_user, neo4j_password, neo4j_database)
        from itss_graph.errors import UnknownCIError

        try:
            return func(*args, store_settings=settings, **kwargs)
        except UnknownCIError as exc:
            if exc.suggestions:
                raise
            raise _with_suggestions(exc, settings) from None

    return wrapper


def _with_suggestions(exc, settings):
    """The error of an unknown CI id, naming the CIs probably meant (the store is opened again:
    the command closed it on its way out)."""
    import itss_graph as itss
    from itss_graph.errors import ItssError

    try:
        with itss.open_store(settings) as store:
            return itss.unknown_ci_error(store, exc.ci_ids)
    except ItssError:
        return exc


def format_option(func: Callable) -> Callable:
    """``--format table|json|csv`` and ``--wide`` (tables are not fitted to the terminal)."""
    func = wide_option(func)
    return click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
                        show_default=True, help="Output format (json is a stable contract).")(func)


def _set_wide(ctx, param, value):
    if value:
        from itss_graph.render.table import set_table_width

        set_table_width(None)
    return value


def wide_option(func: Callable) -> Callable:
    """``--wide``: tables keep every cell whole on one line, however wide the terminal."""
    return click.option("--wide", is_flag=True, expose_value=False, callback=_set_wide, is_eager=True,
                        help="Do not fit tables to the terminal (COLUMNS): every cell whole, on one line.")(func)


def _set_lang(ctx, param, value):
    """The command's --lang, else the one given before the command (``itss --lang zh CMD``),
    else ITSS_LANG or the locale — never what an earlier command of the same process chose."""
    from itss_graph.i18n import set_language

    return set_language(value or ctx.meta.get("itss_lang"))


def _set_root_lang(ctx, param, value):
    if value:
        ctx.meta["itss_lang"] = value  # shared with the subcommand's context
        _set_lang(ctx, param, value)


def root_lang_option(func: Callable) -> Callable:
    """``itss --lang zh COMMAND``: the language of everything, help included."""
    return click.option("--lang", type=click.Choice(["en", "zh"]), default=None, expose_value=False,
                        callback=_set_root_lang,
                        help="Language of help, labels and text [default: ITSS_LANG, else the locale, else en].")(func)


def lang_option(func: Callable) -> Callable:
    """``--lang en|zh``: the language of labels and text (default: ``ITSS_LANG``, else the locale)."""
    return click.option("--lang", type=click.Choice(["en", "zh"]), default=None, callback=_set_lang,
                        help="Language of labels and text [default: ITSS_LANG, else the locale, else en].")(func)


def check_ci_type(ctx, param, value):
    """click callback of a CI type option: an unknown type is an error naming the closest
    types (by name, label or alias); the value itself is passed on as given."""
    if value:
        import itss_graph as itss

        schema = itss.load_schema()
        for item in value if isinstance(value, tuple) else (value,):
            schema.require_ci_type(item)
    return value


def resolve_ci_types(ctx, param, value):
    """click callback of a repeatable CI type option: the ontology's type names (aliases such
    as 服务器 resolved); an unknown type is an error naming the closest types."""
    if not value:
        return value
    import itss_graph as itss

    return tuple(itss.resolve_ci_types(value))


def open_configured_store(settings, *, create: bool = False):
    """Open the store the options name; queries refuse to create an empty SQLite file."""
    import itss_graph as itss

    return itss.open_store(settings, create=create)


def parse_pairs(items: tuple[str, ...], option: str, metavar: str) -> dict[str, str]:
    """``NAME=VALUE`` option values as a dict (the value may contain ``=``; the name is
    stripped). A malformed one is a usage error naming the option.

    >>> parse_pairs(("a=1", " b =x=y"), "--param", "KEY=VALUE")
    {'a': '1', 'b': 'x=y'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            from itss_graph.i18n import _

            raise click.BadParameter(_("expected {metavar}, got {item!r}").format(metavar=metavar, item=item),
                                     param_hint=option)
        out[name.strip()] = value
    return out
