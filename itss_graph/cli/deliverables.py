"""Options and writers shared by commands whose answers people hand over: ``--format
table|json|csv|xlsx``, ``-o/--output FILE``, and CSV that opens in Excel (``--excel``,
``--encoding utf-8|utf-8-sig|gbk``).

A command adds :func:`deliverable_options` and, after computing its answer, calls
:func:`emit_csv` or :func:`emit_xlsx` (JSON and text stay the command's own)::

    @click.command()
    @deliverable_options
    def spof(..., output_format, output, excel, encoding):
        ...
        if output_format == "xlsx":
            emit_xlsx([SheetTable("单点故障", headers, rows)], output, default=f"spof-{slug}.xlsx")
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Sequence

import click

from itss_graph.cli.output import emit_csv, emit_text  # noqa: F401 (the commands import them from here)

FORMATS = ("table", "json", "csv", "xlsx")
ENCODINGS = ("utf-8", "utf-8-sig", "gbk")


def deliverable_options(func: Callable) -> Callable:
    """``--format``, ``-o/--output``, ``--excel``, ``--encoding``, ``--wide``."""
    from itss_graph.cli.options import wide_option

    func = wide_option(func)
    func = click.option("--encoding", type=click.Choice(ENCODINGS), default=None,
                        help="CSV encoding [default utf-8; utf-8-sig with --excel]. gbk for old Excel on "
                             "Chinese Windows (fails, naming the row, if a character is not in GBK).")(func)
    func = click.option("--excel", is_flag=True,
                        help="CSV for Excel: UTF-8 with a byte order mark and Windows line ends.")(func)
    func = click.option("-o", "--output", metavar="FILE", default=None,
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="Write to FILE (xlsx: default <command>-<subject>.xlsx here; csv/json: stdout).")(func)
    return click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
                        show_default=True,
                        help="table (text), json (a stable contract), csv (one row per line of the table), "
                             "xlsx (an Excel workbook, one sheet per table).")(func)


def slug(text: str) -> str:
    """A file-name-safe form of a subject: ``examples/profiles/case-1.yaml`` → ``case-1``.

    >>> slug("examples/profiles/case-1.yaml"), slug("040301"), slug("数据中心")
    ('case-1', '040301', '数据中心')
    """
    text = Path(text).stem if ("/" in text or text.endswith((".yaml", ".yml"))) else text
    return re.sub(r"[^\w.-]+", "_", text).strip("._")[:60] or "answer"


def emit_xlsx(tables, output: Path | None, *, default: str, title: str = "") -> Path:
    """Write the workbook (one sheet per :class:`~itss_graph.render.spreadsheet.SheetTable`) to
    ``output`` or to ``default`` in the current directory; say where on standard error."""
    from itss_graph.render.spreadsheet import write_xlsx

    path = write_xlsx(output or Path(default), tables, title=title)
    from itss_graph.i18n import _

    click.echo(_("Workbook written to {path}").format(path=path), err=True)
    return path


def reject_csv_options(output_format: str, excel: bool, encoding: str | None) -> None:
    """``--excel`` and ``--encoding`` only make sense for CSV."""
    if output_format != "csv" and (excel or encoding):
        from itss_graph.i18n import _

        raise click.UsageError(_("--excel and --encoding apply to --format csv only"))
