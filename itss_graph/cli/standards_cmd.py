"""``itss standards``: which ITSS standards apply to a CI, a CI type, a GB/T 29264 code or an
organisation profile — ranked, each with its reasons as sentences and the white-paper lines they
rest on (the chains of knowledge-base facts with --verbose and in JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from itss_graph.cli.deliverables import deliverable_options, reject_csv_options
from itss_graph.cli.options import check_ci_type, lang_option, store_options


@click.command()
@click.option("--ci", "ci_id", metavar="ID", default=None,
              help="A CI of the store (its type and the services it supports).")
@click.option("--ci-type", metavar="TYPE", default=None, callback=check_ci_type,
              help="A CI type (`itss types`), e.g. database.")
@click.option("--code", metavar="CODE", default=None, help="A GB/T 29264 code or category name, e.g. 040301.")
@click.option("--profile", "profile_path", metavar="FILE", default=None,
              type=click.Path(dir_okay=False, path_type=Path), help="An organisation profile (YAML).")
@click.option("--brief", is_flag=True, help="Only the ranked table, without the reasons.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also the chain of knowledge-base facts behind each reason, each with its source.")
@store_options
@deliverable_options
@lang_option
def standards(ci_id: str | None, ci_type: str | None, code: str | None, profile_path: Path | None,
              brief: bool, verbose: bool, store_settings, output_format: str, output: Path | None, excel: bool,
              encoding: str | None, lang: str) -> None:
    """The ITSS standards that apply, ranked, each named by number and full title with its reasons:
    one sentence per reason (the facts of the knowledge base that make it apply), with the lines
    of the white paper they rest on.

    Give exactly one of --ci, --ci-type, --code or --profile. Narrower GB/T 29264 codes inherit
    the standards of broader ones; standards for a part of a declared code are listed apart.
    Standards not started yet (or only named in a framework) are listed apart as planned. The
    ranking rule and the JSON contract are in the README ("itss standards").

    \b
    Examples:
      itss standards --ci-type database
      itss standards --code 040301 --lang zh --verbose
      itss standards --ci database:0030p --format json
      itss standards --profile examples/profiles/scenario-1.yaml --format xlsx -o scenario-1.xlsx
      itss standards --code 04 --format csv --excel > 04.csv
    """
    given = [name for name, value in (("--ci", ci_id), ("--ci-type", ci_type), ("--code", code),
                                      ("--profile", profile_path)) if value]
    if len(given) != 1:
        from itss_graph.i18n import _

        raise click.UsageError(_("give exactly one of --ci, --ci-type, --code or --profile")
                               + (_(" (got {options})").format(options=", ".join(given)) if given else ""))
    reject_csv_options(output_format, excel, encoding)
    from itss_graph.cli.standards_run import run_standards

    run_standards(ci_id, ci_type, code, profile_path, brief, verbose, store_settings, output_format, output,
                  excel, encoding, lang)
