"""Writing answers to standard output and notes to standard error without importing click.

:func:`echo` writes exactly what ``click.echo`` writes: for a text stream click does not wrap
(one with an encoding other than ASCII and an error handler: a UTF-8 terminal, pipe or file)
click writes the text and flushes, and so does :func:`echo`; any other stream, or text with an
ANSI escape (which click strips off a non-terminal), is handed to ``click.echo`` itself. The
plain command line (:mod:`itss_graph.cli.plain`) answers without click through these, and so
do the click commands: one way to print, whichever path ran.

>>> echo("ok")
ok
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Sequence

_PLAIN_ENCODINGS = ("utf-8", "utf8")

# set when anything has been written: after that a command cannot be run again from the start
written = False


def plain_stream(stream) -> bool:
    """Whether click would write to ``stream`` as it is (no re-encoding wrapper)."""
    encoding = getattr(stream, "encoding", None)
    return (stream is not None and isinstance(encoding, str) and encoding.lower() in _PLAIN_ENCODINGS
            and getattr(stream, "errors", None) is not None)


def echo(text: str, *, nl: bool = True, err: bool = False) -> None:
    """``click.echo(text, nl=nl, err=err)``, without importing click when it is not needed."""
    global written
    written = True
    stream = sys.stderr if err else sys.stdout
    if "\x1b" in text or not plain_stream(stream):
        import click

        click.echo(text, nl=nl, err=err)
        return
    stream.write(text + "\n" if nl else text)
    stream.flush()


def emit_text(text: str, output: Path | None, *, fit: bool = False) -> None:
    """Write JSON or text to ``output`` (atomically) or to standard output (``fit``: text tables
    fitted to the terminal)."""
    if output is not None:
        from itss_graph.render.page import write_text_atomic

        write_text_atomic(output, text if text.endswith("\n") else text + "\n")
        return
    if fit:
        from itss_graph.render.table import fit_lines

        text = fit_lines(text)
    echo(text, nl=not text.endswith("\n"))


def emit_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, output: Path | None, excel: bool,
             encoding: str | None) -> None:
    """Write the CSV to ``output`` (atomically) or to standard output, in the requested encoding."""
    global written
    from itss_graph.render.csv_excel import csv_bytes

    data = csv_bytes(headers, rows, encoding=encoding, excel=excel)
    if output is None:
        written = True
        stream = getattr(sys.stdout, "buffer", None)  # what click.get_binary_stream("stdout") finds
        if stream is None or not plain_stream(sys.stdout):
            import click

            stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return
    import itss_graph as itss

    itss.write_atomic(output, lambda tmp: tmp.write_bytes(data))
    from itss_graph.i18n import _

    echo(_("CSV written to {path}").format(path=output), err=True)
