"""``itss view``: interactive HTML maps — impact, dependencies around a CI, a service's stack,
ITSS standards. Each writes one self-contained page (no network needed to open it)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable

import click

from itss_graph.cli.options import check_ci_type, lang_option, open_configured_store, store_options

GROUP_CHOICES = ("type", "rack", "site", "service")


def output_option(func: Callable) -> Callable:
    return click.option("-o", "--output", "--html", "output", metavar="FILE", default=None,
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="Where to write the page [default: view-<what>.html here].")(func)


def size_options(choices: tuple[str, ...]) -> Callable:
    def decorator(func: Callable) -> Callable:
        func = click.option("--max-nodes", type=click.IntRange(min=10), default=1500, show_default=True,
                            help="Above this many CIs, draw groups instead of every CI.")(func)
        return click.option("--group-by", type=click.Choice(choices), default="type", show_default=True,
                            help="How to group CIs when there are too many to draw.")(func)
    return decorator


def default_output(kind: str, subject: str) -> Path:
    """``view-deps-vm_361.html``: a file name in the current directory for a view.

    >>> default_output("deps", "vm:361").name
    'view-deps-vm_361.html'
    """
    slug = re.sub(r"[^\w.-]+", "_", subject, flags=re.ASCII).strip("._")[:60] or "all"
    return Path(f"view-{kind}-{slug}.html")


def _written(path: Path, view, started: float) -> None:
    click.echo(f"View written to {path} ({len(view.nodes)} nodes, {len(view.edges)} edges, "
               f"{time.perf_counter() - started:.2f} s)", err=True)


@click.group()
def view() -> None:
    """Interactive HTML maps, one self-contained file each (works offline; open it in a browser).

    \b
    Examples:
      itss view impact storage-array:dc1-san1 -o impact.html
      itss view deps server:dc1-db0030p --depth 3 --direction both
      itss view service service:0030 --group-by rack
      itss view standards --code 040301
      itss view standards --profile examples/profiles/scenario-1.yaml
    """


@view.command("impact")
@click.argument("ci_ids", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Follow failure at most N relations away.")
@click.option("--no-obligations", is_flag=True, help="Leave out the ITSS obligations panel.")
@output_option
@size_options(GROUP_CHOICES)
@store_options
@lang_option
def view_impact(ci_ids, depth, no_obligations, output, group_by, max_nodes, store_settings, lang) -> None:
    """What breaks when CI_IDS fail: failed CIs on top, each impacted CI under the one the failure
    came from; colour by effect and depth, services boxed, the ITSS obligations beside.

    \b
    Examples:
      itss view impact switch:dc1-core-1 switch:dc1-core-2
      itss view impact site:dc1 --group-by rack -o dc1.html
    """
    import itss_graph as itss

    started = time.perf_counter()
    with open_configured_store(store_settings) as store:
        result = itss.impact(store, list(ci_ids), max_depth=depth, with_props=True)
        obligations = None if no_obligations else itss.obligations(store, result)
        locations = None
        if group_by in ("rack", "site") and len(result.columns) > max_nodes:
            locations = itss.locations_of(store, result.columns.ids, itss.load_schema())
        links = itss.failure_links(store, result)
    page = itss.impact_view(result, lang=lang, obligations=obligations, group_by=group_by,
                            locations=locations, max_nodes=max_nodes, links=links)
    path = itss.write_html(page, output or default_output("impact", "+".join(ci_ids)))
    _written(path, page, started)


@view.command("deps")
@click.argument("ci_id")
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="At most N relations away (default: no limit).")
@click.option("--direction", type=click.Choice(["up", "down", "both"]), default="up", show_default=True,
              help="up: what it rests on; down: what its failure takes with it; both.")
@output_option
@size_options(("type", "rack", "site"))
@store_options
@lang_option
def view_deps(ci_id, depth, direction, output, group_by, max_nodes, store_settings, lang) -> None:
    """The dependency map around CI_ID, as a layered tree: below it what it rests on (single
    points of failure outlined in red, redundant providers as "1 of 2"), above it what its
    failure takes down or degrades. Relations are drawn as the CMDB states them.

    \b
    Examples:
      itss view deps vm:0030-web1
      itss view deps switch:dc1-core-1 --direction down --depth 3
      itss view deps server:dc1-db0030p --direction both -o db.html
    """
    import itss_graph as itss

    started = time.perf_counter()
    schema = itss.load_schema()
    with open_configured_store(store_settings) as store:
        found = itss.dependency_map(store, ci_id, direction=direction, max_depth=depth,
                                    group_by=group_by, max_nodes=max_nodes, schema=schema)
    page = itss.dependency_view(ci_id, schema, **vars(found), max_depth=depth, group_by=group_by,
                                max_nodes=max_nodes, lang=lang)
    path = itss.write_html(page, output or default_output(f"deps-{direction}", ci_id))
    _written(path, page, started)


@view.command("service")
@click.argument("service")
@output_option
@size_options(("type", "rack", "site"))
@store_options
@lang_option
def view_service(service, output, group_by, max_nodes, store_settings, lang) -> None:
    """A business service and everything it rests on, one row per layer of the ontology
    (service, applications, software, compute, network, storage, power, facilities, external);
    single points of failure outlined in red.

    \b
    Examples:
      itss view service service:0030
      itss view service service:0001 --group-by rack -o core-banking.html
    """
    import itss_graph as itss

    started = time.perf_counter()
    schema = itss.load_schema()
    with open_configured_store(store_settings) as store:
        found = itss.service_map(store, service, group_by=group_by, max_nodes=max_nodes, schema=schema)
    page = itss.service_view(service, schema, found.upstream, spof_ids=found.spof_ids, cis=found.cis,
                             group_by=group_by, locations=found.locations, max_nodes=max_nodes, lang=lang)
    path = itss.write_html(page, output or default_output("service", service))
    _written(path, page, started)


@view.command("standards")
@click.option("--code", metavar="CODE", default=None, help="Only the standards that apply to a GB/T 29264 code.")
@click.option("--profile", "profile_path", metavar="FILE", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Only the standards that apply to an organisation profile (YAML).")
@click.option("--ci-type", metavar="TYPE", default=None, callback=check_ci_type,
              help="Only the standards that apply to a CI type.")
@output_option
@lang_option
def view_standards(code, profile_path, ci_type, output, lang) -> None:
    """ITSS standards with the GB/T 29264 service categories they apply to, the processes and
    roles they define, and their status; every edge shows where the white paper says so.
    With --code, --ci-type or --profile: only the standards that apply (`itss standards`), the
    subject's categories outlined, the reasons beside.

    \b
    Examples:
      itss view standards
      itss view standards --code 040301 --lang zh
      itss view standards --profile examples/profiles/scenario-1.yaml -o scenario-1.html
    """
    from itss_graph import KnowledgeBase
    from itss_graph import applicability_answer
    from itss_graph.render.graphview import write_html
    from itss_graph.render.standards_map import standards_view

    given = [n for n, v in (("--code", code), ("--profile", profile_path), ("--ci-type", ci_type)) if v]
    if len(given) > 1:
        raise click.UsageError(f"give at most one of --code, --ci-type, --profile (got {', '.join(given)})")
    started = time.perf_counter()
    kb = KnowledgeBase.load()
    answer = applicability_answer(kb, code=code, ci_type=ci_type, profile=profile_path, lang=lang)
    page = standards_view(kb, answer=answer, lang=lang)
    subject = code or ci_type or (profile_path.stem if profile_path else "all")
    path = write_html(page, output or default_output("standards", subject))
    _written(path, page, started)
