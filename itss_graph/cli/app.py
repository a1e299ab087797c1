"""The ``itss`` command line, as click parses it (the entry point, :mod:`itss_graph.cli.main`,
answers the common plain forms without click and hands everything else to :func:`main` here).

Sub-commands live in their own modules and are imported only when called, so ``itss --help``
and quick queries do not pay for rdflib, neo4j or pyvis (DESIGN.md §3: import costs).
Errors: one line on stderr first, detail after; exit status 2 for usage and input errors.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from itss_graph import __version__
from itss_graph.cli.commands import COMMANDS
from itss_graph.cli.help_cache import HELP_FORMS
from itss_graph.cli.options import root_lang_option, wide_option



def translate_help(command: click.Command) -> click.Command:
    """The help of a command, its options and its sub-commands in the language in use (from
    the catalogue: scripts/i18n.py extracts them from the commands themselves); English as
    written is kept to translate again."""
    from itss_graph.i18n import _, language

    if getattr(command, "_itss_language", None) == language():
        return command
    originals = getattr(command, "_itss_originals", None)
    if originals is None:
        originals = command._itss_originals = (command.help, command.short_help,  # type: ignore[attr-defined]
                                               [getattr(p, "help", None) for p in command.params])
    help_text, short_help, params = originals
    command.help = _(help_text) if help_text else help_text
    command.short_help = _(short_help) if short_help else short_help
    for param, text in zip(command.params, params):
        if text:
            param.help = _(text)  # type: ignore[attr-defined]
    command._itss_language = language()  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)
    return command


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attr, _ = COMMANDS[name]
        return translate_help(getattr(importlib.import_module(module_name), attr))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-") or ctx.resilient_parsing:
            return super().resolve_command(ctx, args)
        import itss_graph as itss
        from itss_graph.errors import ItssError

        from itss_graph.i18n import _

        hint = itss.did_you_mean(itss.closest_names(name, list(COMMANDS)))
        raise ItssError(_("no such command {name}{hint}; `itss --help` lists them").format(name=repr(name), hint=hint))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # help text from the table above: listing commands must not import them all
        from itss_graph.i18n import _

        translate_help(self)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(text)) for name, (_m, _a, text) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="itss")
@wide_option
@root_lang_option
def cli() -> None:
    """ITSS Graph: a CMDB and ITSS knowledge graph you can ask questions.

    \b
    Examples:
      itss demo
      itss load samples/netbox-demo/ --store netbox.db
      itss impact switch:dc1-core-1 --depth 3 --html impact.html
    """


def _language_from(argv: list[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` anywhere on the command line: help and errors printed
    before the command runs are in that language too."""
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            return argv[k + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def main(argv: list[str] | None = None) -> None:
    from itss_graph.i18n import _, ngettext, set_language

    # The engine's numpy work is element-wise, never BLAS; OpenBLAS would start a thread per core
    # when numpy is imported, ~0.1 s of CPU in a cold process for nothing (set before any import
    # of numpy; a user's own setting wins)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    args = sys.argv[1:] if argv is None else list(argv)
    lang = set_language(_language_from(args))
    translate_help(cli)
    if args in HELP_FORMS:
        _remember_help(lang)

    try:
        cli.main(args=argv, prog_name="itss", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except Exception as exc:  # the product's errors: imported only when one happened
        from itss_graph.errors import InputError, ItssError

        if not isinstance(exc, ItssError):
            raise
        _report(exc, InputError)


def _remember_help(lang: str) -> None:
    """Store the top-level help as click renders it (what ``itss --help`` and ``itss`` print):
    the plain command line serves it from the cache without importing click."""
    from itss_graph.cli import help_cache

    with cli.make_context("itss", [], resilient_parsing=True) as ctx:
        text = ctx.get_help()
    help_cache.store(text + "\n", lang, click.__file__)


def _report(exc, input_error) -> None:
    """Print an error of the product (one line first, detail after) and exit with its status."""
    from itss_graph.i18n import _, ngettext

    if isinstance(exc, input_error):
        n = len(exc.problems) if exc.total == len(exc.problems) else exc.total
        click.echo(_("itss: error: {message}").format(message=ngettext(
            "{n} problem in the input; nothing was written", "{n} problems in the input; nothing was written",
            n).format(n=n)), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem.localized()}", err=True)
        if exc.total > len(exc.problems):
            click.echo("  " + _("... and {n} more").format(n=exc.total - len(exc.problems)), err=True)
    else:
        click.echo(_("itss: error: {message}").format(message=exc.localized()), err=True)
    sys.exit(exc.exit_code)
