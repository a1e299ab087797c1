"""The ``itss`` command line.

Sub-commands live in their own modules and are imported only when called, so ``itss --help``
and quick queries do not pay for rdflib, neo4j or pyvis (DESIGN.md §3: import costs).
Errors: one line on stderr first, detail after; exit status 2 for usage and input errors.
"""

from __future__ import annotations

import importlib
import sys

import click

from itss_graph import __version__

# verb -> (module, function, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    # CMDB
    "load": ("itss_graph.cli.load_cmd", "load", "Validate inventories and load them into the store."),
    "find": ("itss_graph.cli.find_cmd", "find", "Find CIs by id, name or any property, ranked."),
    "show": ("itss_graph.cli.find_cmd", "show", "Everything about one CI: relations, services, standards."),
    "history": ("itss_graph.cli.history_cmd", "history", "How a CI changed across loads."),
    "stats": ("itss_graph.cli.store_cmd", "stats", "Count the CIs and relations in the store."),
    "export": ("itss_graph.cli.store_cmd", "export", "Export the store in the canonical inventory format."),
    "types": ("itss_graph.cli.schema_cmd", "types", "List CI types and relation types from the ontology."),
    # impact analysis (canned queries)
    "impact": ("itss_graph.cli.impact_cmd", "impact", "What breaks or degrades when CIs fail."),
    "queries": ("itss_graph.cli.queries_cmd", "queries", "List and search the canned queries."),
    "query": ("itss_graph.cli.custom_cmd", "query", "Run a query file's own Cypher/SQL, read-only."),
    "blast-radius": ("itss_graph.cli.queries_cmd", "blast_radius", "Services a failure affects, ranked."),
    "root-cause": ("itss_graph.cli.queries_cmd", "root_cause", "Upstream CIs that explain failing CIs."),
    "spof": ("itss_graph.cli.queries_cmd", "spof", "Single points of failure of a service or the estate."),
    "depends": ("itss_graph.cli.queries_cmd", "depends", "Everything a CI or service depends on."),
    "path": ("itss_graph.cli.queries_cmd", "path", "How one CI depends on another."),
    "orphans": ("itss_graph.cli.queries_cmd", "orphans", "CIs that support no service."),
    "hotspots": ("itss_graph.cli.queries_cmd", "hotspots", "CIs with the largest blast radius."),
    "change-impact": ("itss_graph.cli.queries_cmd", "change_impact", "What a planned change touches, and how to run it."),
    # ITSS knowledge
    "standards": ("itss_graph.cli.standards_cmd", "standards", "Which ITSS standards apply, and why."),
    "gap": ("itss_graph.cli.gap_cmd", "gap", "What an organisation lacks against the applicable standards."),
    "kb": ("itss_graph.cli.kb_cmd", "kb", "Explore the ITSS knowledge base: stats, search, show, export, SPARQL."),
    # views
    "view": ("itss_graph.cli.view_cmd", "view", "Interactive HTML maps of dependencies, services, standards."),
    "report": ("itss_graph.cli.report_cmd", "report", "Self-contained HTML or Markdown reports."),
    "demo": ("itss_graph.cli.demo_cmd", "demo", "Generate the bank demo estate, load it, ask what breaks."),
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # help text from the table above: listing commands must not import them all
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, _, text) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="itss")
def cli() -> None:
    """ITSS Graph: a CMDB and ITSS knowledge graph you can ask questions.

    \b
    Examples:
      itss demo
      itss load samples/netbox-demo/ --store netbox.db
      itss impact switch:dc1-core-1 --depth 3 --html impact.html
    """


def main(argv: list[str] | None = None) -> None:
    from itss_graph.errors import InputError, ItssError

    try:
        cli.main(args=argv, prog_name="itss", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except InputError as exc:
        click.echo(f"itss: error: {len(exc.problems) if exc.total == len(exc.problems) else exc.total} "
                   f"problem{'s' if exc.total != 1 else ''} in the input; nothing was written", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        if exc.total > len(exc.problems):
            click.echo(f"  ... and {exc.total - len(exc.problems)} more", err=True)
        sys.exit(exc.exit_code)
    except ItssError as exc:
        click.echo(f"itss: error: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
