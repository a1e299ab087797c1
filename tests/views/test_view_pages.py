"""Every view opens in a real headless Chromium: no errors, no network, the drawn graph is the
engine's answer (read back from the page's data sets), user data shows as text and runs nothing.
Screenshots go to tests/artifacts/views-*.png."""

from __future__ import annotations

from collections import Counter

import pytest

from itss_graph.engine.impact import impact
from itss_graph.engine.reach import downstream
from itss_graph.engine.spof import spof
from itss_graph.engine.upstream import upstream_subgraph
from itss_graph.render.aggregate import GROUP_PREFIX
from itss_graph.render.depmap import dependency_view, service_view
from itss_graph.render.graphview import write_html
from itss_graph.render.impact_map import impact_view
from itss_graph.schema import load_schema
from tests.views.conftest import XSS
from tests.views.pages import click_node, open_page

pytestmark = pytest.mark.browser

SERVICE = "service:0001"
DB_SERVER = "server:dc1-db0001p"


def upstream_edges(sub, within=None) -> Counter:
    """(from, to, relation) of every provider edge, as the CMDB writes the relation."""
    inside = {v for v in range(len(sub.ids)) if within is None or sub.distance[v] <= within}
    out = Counter()
    for v in inside:
        for e in sub.providers[v]:
            if e.provider in inside:
                a, b = sub.ids[v], sub.ids[e.provider]
                out[(a, b, e.relation) if e.outgoing else (b, a, e.relation)] += 1
    return out


def drawn_edges(page) -> Counter:
    return Counter((e["from"], e["to"], e["details"]["relation"]) for e in page.edges)


def test_dependency_map_up_draws_the_upstream_subgraph_within_the_depth(tmp_path, demo_store):
    schema = load_schema()
    sub = upstream_subgraph(demo_store, [DB_SERVER], schema=schema)
    points = {p.id for p in spof(demo_store, DB_SERVER, schema=schema).points}
    view = dependency_view(DB_SERVER, schema, upstream=sub, spof_ids=points, max_depth=2,
                           cis=demo_store.get_cis(sub.ids))
    page = open_page(write_html(view, tmp_path / "up.html"), "views-deps-up.png")
    within = {sub.ids[v] for v in range(len(sub.ids)) if sub.distance[v] <= 2}
    assert len(within) < len(sub.ids)  # the depth really cuts
    assert sorted(page.node_ids) == sorted(within)
    assert drawn_edges(page) == upstream_edges(sub, within=2)
    outlined = {n["id"] for n in page.nodes if "single point of failure: yes" in n["title"]}
    assert outlined == points & within


def test_dependency_map_down_draws_what_the_failure_takes_and_says_what_rests_on_it(tmp_path, demo_store):
    schema = load_schema()
    core = "switch:dc1-core-1"
    result = impact(demo_store, [core], max_depth=3, schema=schema)
    rests = downstream(demo_store, [core], schema=schema)
    view = dependency_view(core, schema, downstream=result, rests_on_total=len(rests), max_depth=3)
    page = open_page(write_html(view, tmp_path / "down.html"), "views-deps-down.png",
                     evaluate={"notes": "document.getElementById('notes').innerText"})
    assert sorted(page.node_ids) == sorted([core, *(i.id for i in result.impacted)])
    assert len(page.edges) == len(result.impacted)
    # each edge is the relation the failure crossed, between the CI and the one it came from
    assert {frozenset((e["from"], e["to"])) for e in page.edges} == \
        {frozenset((i.id, i.from_id)) for i in result.impacted}
    assert f"{len(rests)} CIs rest on it" in page["notes"]


def test_dependency_map_both_ways_layers_dependants_above_and_providers_below(tmp_path, demo_store):
    schema = load_schema()
    sub = upstream_subgraph(demo_store, [DB_SERVER], schema=schema)
    result = impact(demo_store, [DB_SERVER], schema=schema)
    view = dependency_view(DB_SERVER, schema, upstream=sub, downstream=result,
                           rests_on_total=len(downstream(demo_store, [DB_SERVER], schema=schema)))
    page = open_page(write_html(view, tmp_path / "both.html"), "views-deps-both.png")
    assert set(page.node_ids) == set(sub.ids) | {i.id for i in result.impacted}
    level = {n["id"]: n["level"] for n in page.nodes}
    both = set(sub.ids) & {i.id for i in result.impacted}  # e.g. its ToR switches: rests on them, cabled to them
    assert all(level[i.id] < level[DB_SERVER] for i in result.impacted if i.id not in both)
    assert all(level[c] > level[DB_SERVER] for c in sub.ids if c != DB_SERVER)
    titles = {n["id"]: n["title"] for n in page.nodes}
    assert all("if it fails: degraded" in titles[c] or "if it fails: down" in titles[c] for c in both)
    assert len(page.edges) == sum(upstream_edges(sub).values()) + len(result.impacted)


def test_service_map_draws_the_whole_stack_one_band_per_layer(tmp_path, demo_store):
    schema = load_schema()
    sub = upstream_subgraph(demo_store, [SERVICE], schema=schema)
    view = service_view(SERVICE, schema, sub, spof_ids={p.id for p in spof(demo_store, SERVICE).points},
                        cis=demo_store.get_cis(sub.ids))
    page = open_page(write_html(view, tmp_path / "svc.html"), "views-service.png")
    assert sorted(page.node_ids) == sorted(sub.ids)
    assert drawn_edges(page) == upstream_edges(sub)
    types = dict(zip(sub.ids, sub.types))
    rows = {n["id"]: n["level"] for n in page.nodes}
    layers = sorted({schema.layer(t) for t in sub.types})
    for upper, lower in zip(layers, layers[1:]):  # every row of a layer is above every row of the next
        assert max(rows[i] for i in rows if schema.layer(types[i]) == upper) < \
            min(rows[i] for i in rows if schema.layer(types[i]) == lower)


def test_large_views_draw_groups_that_account_for_every_ci(tmp_path, demo_store):
    from itss_graph.engine.locations import locations_of

    schema = load_schema()
    result = impact(demo_store, ["site:dc1"], schema=schema)
    locations = locations_of(demo_store, result.columns.ids, schema)
    view = impact_view(result, group_by="rack", locations=locations, max_nodes=200)

    def find_member(pg):
        pg.fill("#search", "pdu:dc1-1-001-a")
        pg.press("#search", "Enter")

    page = open_page(write_html(view, tmp_path / "racks.html"), "views-impact-by-rack.png", actions=find_member,
                     evaluate={"notes": "document.getElementById('notes').innerText",
                               "selected": "itssView.network.getSelectedNodes()",
                               "details": "document.getElementById('details').innerText"})
    assert len(page.nodes) <= 200 + len(result.services)
    singles = [n["id"] for n in page.nodes if not n["members"]]
    members = [m for n in page.nodes if n["members"] for m in n["members"]]
    everything = [s.id for s in result.sources] + [i.id for i in result.impacted]
    assert sorted(singles + members) == sorted(everything)  # each CI exactly once
    assert "groups them by rack" in page["notes"]
    racks = {n["label"].split(" × ")[0] for n in page.nodes if n["members"]}
    assert {"DC1-R1-001", "DC1-R1-002"} <= racks
    # edges: the impact tree's edges between distinct groups, each pair once
    owner = {m: n["id"] for n in page.nodes for m in (n["members"] or [n["id"]])}
    expected = {(owner[i.from_id], owner[i.id]) for i in result.impacted if owner[i.from_id] != owner[i.id]}
    assert {(e["from"], e["to"]) for e in page.edges} == expected and len(page.edges) == len(expected)
    assert sum(e["count"] for e in page.edges) == sum(1 for i in result.impacted if owner[i.from_id] != owner[i.id])
    # the search finds a CI inside its group and shows the group
    (selected,) = page["selected"]
    assert selected.startswith(GROUP_PREFIX) and "pdu:dc1-1-001-A" in owner and owner["pdu:dc1-1-001-A"] == selected
    assert "pdu:dc1-1-001-A" in page["details"]


@pytest.mark.parametrize("kind", ["impact", "deps", "service"])
def test_ci_names_are_text_everywhere_and_run_nothing(tmp_path, xss_store, kind):
    schema = load_schema()
    if kind == "impact":
        from itss_graph.answers.obligations import assess, situation_of

        result = impact(xss_store, ["srv"], schema=schema)
        view = impact_view(result, obligations=assess(situation_of(xss_store, result)).as_dict())
        target = "srv"
    elif kind == "deps":
        sub = upstream_subgraph(xss_store, ["srv"], schema=schema)
        view = dependency_view("srv", schema, upstream=sub, downstream=impact(xss_store, ["srv"], schema=schema),
                               rests_on_total=len(downstream(xss_store, ["srv"], schema=schema)),
                               cis=xss_store.get_cis(["app", "svc", "srv", "rack", "site"]))
        target = "srv"
    else:
        sub = upstream_subgraph(xss_store, ["svc"], schema=schema)
        view = service_view("svc", schema, sub, cis=xss_store.get_cis(sub.ids))
        target = "svc"
    shown = {"svc": XSS["svc"], "srv": XSS["srv"]}[target]

    def hover_click_search(pg):
        pg.fill("#search", "onerror")  # a part of the names: found as text
        pg.press("#search", "Enter")
        pg.evaluate("window.firstHit = itssView.network.getSelectedNodes()[0]")
        click_node(pg, target)  # hover (tooltip) and click (details)
        pg.evaluate("""window.tooltip = {text: document.querySelector('.vis-tooltip').textContent,
                                          html: document.querySelector('.vis-tooltip').innerHTML}""")

    page = open_page(write_html(view, tmp_path / f"{kind}.html"), f"views-xss-{kind}.png",
                     actions=hover_click_search,
                     evaluate={"tooltip": "window.tooltip.text", "tooltip_html": "window.tooltip.html",
                               "first_hit": "window.firstHit",
                               "details": "document.getElementById('details').innerText"})
    labels = {n["id"]: n["label"] for n in page.nodes}
    assert labels[target] == shown
    assert {"svc", "app", "srv"} <= set(labels)
    assert labels["app"] == XSS["app"]
    assert page["first_hit"] in {"svc", "srv"}
    assert shown in page["tooltip"] and "<img" not in page["tooltip_html"]
    assert shown in page["details"] and "<iframe src=javascript:alert(9)>" in page["details"]
    assert page["injected"] == 0


def test_views_of_depends_and_path_answers(tmp_path, demo_store):
    from itss_graph.engine.depends import depends, paths
    from itss_graph.render.answer_views import depends_view, paths_view

    schema = load_schema()
    answer = depends(demo_store, SERVICE, max_depth=4, schema=schema)
    page = open_page(write_html(depends_view(answer, schema), tmp_path / "depends.html"), "views-depends.png")
    assert sorted(page.node_ids) == sorted([SERVICE, *(d.id for d in answer.dependencies)])
    assert {frozenset((e["from"], e["to"])) for e in page.edges} == \
        {frozenset((d.id, d.to)) for d in answer.dependencies}
    assert len(page.edges) == len(answer.dependencies)

    chains = paths(demo_store, SERVICE, "storage-array:dc1-san1", schema=schema)
    assert chains.shortest
    page = open_page(write_html(paths_view(chains), tmp_path / "path.html"), "views-path.png")
    steps = {s["id"] for chain in chains.paths for s in chain} | {s["id"] for s in chains.shortest}
    assert set(page.node_ids) == steps
    links = {frozenset((a["id"], b["id"])) for chain in [chains.shortest, *chains.paths] for a, b in zip(chain, chain[1:])}
    assert {frozenset((e["from"], e["to"])) for e in page.edges} == links
