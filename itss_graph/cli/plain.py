"""The plain command line: the common forms of ``itss`` answered without importing click.

A person's small questions are mostly these forms, and click with the standard library it
pulls in costs more than the answer of a small question (~40 ms of a ~70 ms cold process)::

    itss                    itss --help               itss -h
    itss impact ID [ID ...] [--store PATH] [--format table|json|csv] [--lang en|zh]
    itss standards --ci-type TYPE [--store PATH] [--format table|json|csv] [--lang en|zh]

(options in any order, each at most once, as ``--option VALUE``). :func:`answer` runs them
with the functions the click commands run (:func:`~itss_graph.cli.impact_run.run_impact`,
:func:`~itss_graph.cli.standards_run.run_standards`, the help click rendered last time) and
prints through :mod:`itss_graph.cli.output`, so stdout, stderr and the exit status are those
of the click command line. Anything else — another option or form, an error of any kind before
the answer is printed (an unknown CI or type, a missing store), a stream click would re-encode
— is left to click (``answer`` returns False), which then runs the command from the start and
reports as it always does.

>>> parse(["a", "--store", "x.db", "b"], {"--store": None})
(['a', 'b'], {'--store': 'x.db'})
>>> parse(["a", "--depth", "2"], {"--store": None}) is None   # not a plain form: click's
True
"""

from __future__ import annotations

import sys

from itss_graph.cli.output import plain_stream

_FORMATS = ("table", "json", "csv")
_LANGUAGES = ("en", "zh")
_IMPACT = {"--store": None, "--format": _FORMATS, "--lang": _LANGUAGES}
_STANDARDS = {"--ci-type": None, "--store": None, "--format": _FORMATS, "--lang": _LANGUAGES}


def parse(args: list[str], options: dict) -> tuple[list[str], dict[str, str]] | None:
    """The positional arguments and option values of ``args`` if every option is one of
    ``options`` (name -> allowed values, None: any value not starting with ``-``), given once
    as ``--name VALUE``, and no argument is empty; else None."""
    positionals: list[str] = []
    values: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        if not arg:
            return None
        if not arg.startswith("-"):
            positionals.append(arg)
            continue
        allowed = options.get(arg, ())
        value = next(rest, None)
        if (allowed == () or arg in values or not value or value.startswith("-")
                or (allowed is not None and value not in allowed)):
            return None
        values[arg] = value
    return positionals, values


def answer(argv: list[str]) -> bool:
    """Answer ``argv`` (the arguments after ``itss``) if it is a plain form; False: click must."""
    if not (plain_stream(sys.stdout) and plain_stream(sys.stderr)):
        return False
    if argv in ([], ["--help"], ["-h"]):
        return _help(err=not argv)
    if argv[0] == "impact":
        return _impact(argv[1:])
    if argv[0] == "standards":
        return _standards(argv[1:])
    return False


def _help(*, err: bool) -> bool:
    """``itss --help`` (stdout) or ``itss`` alone (the help on stderr, exit 2), as click printed it last."""
    from itss_graph.cli import help_cache
    from itss_graph.i18n import default_language

    text = help_cache.cached(default_language())
    if text is None:
        return False
    stream = sys.stderr if err else sys.stdout
    stream.write(text)
    stream.flush()
    if err:
        sys.exit(2)
    return True


def _impact(args: list[str]) -> bool:
    parsed = parse(args, _IMPACT)
    if parsed is None or not parsed[0]:
        return False
    ci_ids, values = parsed

    def run() -> None:
        from itss_graph.cli.impact_run import run_impact
        from itss_graph.cli.store_settings import configured_settings
        from itss_graph.i18n import set_language

        lang = set_language(values.get("--lang"))
        run_impact(tuple(ci_ids), None, None, 50, False, None, configured_settings(values.get("--store")),
                   values.get("--format", "table"), None, False, None, lang)

    return _attempt(run)


def _standards(args: list[str]) -> bool:
    parsed = parse(args, _STANDARDS)
    if parsed is None or parsed[0] or "--ci-type" not in parsed[1]:
        return False
    values = parsed[1]

    def run() -> None:
        from itss_graph.cli.standards_run import run_standards
        from itss_graph.cli.store_settings import configured_settings
        from itss_graph.i18n import set_language

        lang = set_language(values.get("--lang"))
        import itss_graph as itss

        itss.load_schema().require_ci_type(values["--ci-type"])  # click's check of --ci-type
        run_standards(None, values["--ci-type"], None, None, False, False, configured_settings(values.get("--store")),
                      values.get("--format", "table"), None, False, None, lang)

    return _attempt(run)


def _attempt(run) -> bool:
    """Run ``run``; an error before anything was printed hands the command to click."""
    from itss_graph.cli import output

    try:
        run()
    except (KeyboardInterrupt, EOFError):  # as the click command line reports them (cli/app.py)
        from itss_graph.i18n import _

        output.echo("", err=True)
        output.echo(_("Aborted."), err=True)
        sys.exit(130)
    except Exception:
        if output.written:
            raise
        return False
    return True
