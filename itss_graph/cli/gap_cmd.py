"""``itss gap``: what an organisation lacks against the ITSS standards that apply to it — and what
the white paper places on its provider (to require) or on others (to verify)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itss_graph.cli.deliverables import deliverable_options, emit_csv, emit_text, emit_xlsx, reject_csv_options, slug
from itss_graph.cli.options import lang_option



@click.command()
@click.option("--profile", "profile_path", metavar="FILE", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The organisation profile (YAML).")
@click.option("--met", "show_met", is_flag=True, help="Also list the requirements the profile meets.")
@click.option("--fail-on-gap", is_flag=True, help="Exit with status 1 when there is any gap.")
@click.option("-v", "--verbose", is_flag=True, help="Also the chain of facts behind each requirement.")
@deliverable_options
@lang_option
def gap(profile_path: Path, show_met: bool, fail_on_gap: bool, verbose: bool, output_format: str,
        output: Path | None, excel: bool, encoding: str | None, lang: str) -> None:
    """The requirements of the standards that apply to a profile (roles, capabilities, processes,
    technologies, resources, indicators; the GB/T 28827.1 capability model; the cells of the
    stage tables for the profile's lifecycle stage and business types), split by whom the white
    paper places them on, against the profile's party:

    \b
      what you must have   — placed on you: a gap unless the profile declares it under `has`;
      require of provider  — for a customer (需方), what the text places on the provider;
      the customer's own   — for a provider (供方), what the text places on the customer;
      verify               — for a third party or an authority.

    Each with the sentence of the white paper that says so. Names under `has` may be Chinese or
    English labels or aliases; names the knowledge base does not know are reported (stderr) and
    ignored. Exit status: 0, or 1 with --fail-on-gap when gaps remain; 2 for an invalid profile.

    \b
    Examples:
      itss gap --profile examples/profiles/scenario-2.yaml
      itss gap --profile examples/profiles/scenario-1.yaml --lang zh --format json
      itss gap --profile examples/profiles/case-3.yaml --lang zh --format xlsx -o gap.xlsx
      itss gap --profile examples/profiles/case-3.yaml --format csv --encoding gbk > gap.csv
    """
    reject_csv_options(output_format, excel, encoding)
    import itss_graph as itss

    kb = itss.KnowledgeBase.load()
    profile = itss.load_profile(profile_path, kb, lang)
    for d in profile.unknown:
        from itss_graph.i18n import _

        click.echo(_("itss: warning: {where}: {field}: {name!r} is not in the knowledge base; ignored").format(
            where=f"{profile.path}:{d.line}", field=d.field, name=d.name), err=True)
    report = itss.gap_for_profile(kb, profile, lang)
    if output_format == "json":
        from itss_graph.render.formats import to_json

        text = to_json(report.as_dict())
        emit_text(text, output)
    elif output_format == "csv":
        from itss_graph.render.knowledge_text import gap_csv

        headers, rows = gap_csv(report, show_met=show_met, verbose=verbose)
        emit_csv(headers, rows, output=output, excel=excel, encoding=encoding)
    elif output_format == "xlsx":
        from itss_graph.cli.report_cmd import kb_provenance, tool_provenance

        doc = itss.gap_report(report, provenance=[tool_provenance(lang), kb_provenance(lang)])
        emit_xlsx(itss.report_tables(doc), output, default=f"gap-{slug(str(profile_path))}.xlsx", title=doc.title)
    else:
        from itss_graph.render.knowledge_text import gap_text

        emit_text(gap_text(report, show_met=show_met, verbose=verbose), output, fit=True)
    if fail_on_gap and report.gaps:
        sys.exit(1)
