"""The static pages' defects found by a new user, fixed: blast-radius --html draws the services
at risk its table lists; impact edges say the relation as the CMDB states it; "degraded" is not
a shade of "lost", and power is not the single-point-of-failure red; with two failures each
failed CI is connected; no view is cut off by the window; every page says how to open the same
view in ``itss serve``."""

from __future__ import annotations

import json

import pytest

from itss_graph.render.palette import (DEGRADED_COLOUR, DOWN_COLOURS, LAYER_COLOURS, SOURCE_COLOUR,
                                       SPOF_BORDER)
from tests.views.pages import open_page
from tests.views.test_cli_views import graph_of, run

CORE = "switch:dc1-core-1"


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex -> CIE L*a*b* (D65)."""
    rgb = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    x = (lin[0] * 0.4124 + lin[1] * 0.3576 + lin[2] * 0.1805) / 0.95047
    y = lin[0] * 0.2126 + lin[1] * 0.7152 + lin[2] * 0.0722
    z = (lin[0] * 0.0193 + lin[1] * 0.1192 + lin[2] * 0.9505) / 1.08883
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def distance(a: str, b: str) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable; 40 is plainly another colour."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def test_degraded_is_no_shade_of_lost_and_power_is_not_the_spof_red():
    assert distance("#f6a623", "#feb24c") < 15  # the old "degraded" beside "down, depth 4": the defect
    assert min(distance(DEGRADED_COLOUR, c) for c in [SOURCE_COLOUR, *DOWN_COLOURS]) > 40
    assert distance("#e15759", SPOF_BORDER) < 25  # the old power colour beside the SPOF outline
    assert min(distance(SPOF_BORDER, c) for c in LAYER_COLOURS.values()) > 40


@pytest.fixture(scope="module")
def blast_page(tmp_path_factory, demo_store):
    out = tmp_path_factory.mktemp("blast") / "blast.html"
    done = run("blast-radius", CORE, "--store", demo_store.path, "--html", str(out), "--format", "json")
    assert done.returncode == 0, done.stderr
    return out, json.loads(done.stdout)


def test_blast_radius_html_draws_the_services_at_risk(blast_page):
    out, answer = blast_page
    at_risk = {s["id"] for s in answer["services"] if s["status"] == "at-risk"}
    assert at_risk  # the core switch puts services at risk (its redundant twin carries on)
    nodes = graph_of(out)["nodes"]
    drawn = set()
    for n in nodes:
        if n["kind"] == "at-risk":
            drawn.update(n.get("members") or [n["id"]])
    assert drawn == at_risk
    page = open_page(out, "views-blast-at-risk.png", evaluate={"subtitle": "document.getElementById('subtitle').innerText"})
    assert f"{len(at_risk)} at risk" in page["subtitle"]
    assert {n["id"] for n in page.nodes} >= {n["id"] for n in nodes if n["kind"] == "at-risk"}


def test_impact_edges_state_the_relation_as_the_cmdb_does(tmp_path, demo_store):
    out = tmp_path / "db.html"
    done = run("impact", "server:dc1-db0001p", "--depth", "3", "--store", demo_store.path, "--html", str(out))
    assert done.returncode == 0, done.stderr
    stated = set()
    for edge in graph_of(out)["edges"]:
        details = edge.get("details") or {}
        if "relation (as in the CMDB)" not in details:
            continue
        source, arrow, target = details["relation (as in the CMDB)"].split(" ")
        relation = arrow.strip("-").removesuffix("->").rstrip("-")
        stored = {(s, t, o) for s, t, o in demo_store.edges([source], "out", [relation])}
        if arrow.endswith("->"):  # the direction the CMDB states
            assert (source, relation, target) in stored, details
        else:  # failure crosses this relation either way: it is stored one way or the other
            assert (source, relation, target) in stored or \
                (target, relation, source) in {(s, t, o) for s, t, o in demo_store.edges([target], "out", [relation])}
        assert details["failure spreads"].startswith(f"{edge['from']} → {edge['to']}")
        stated.add(relation)
    assert {"RUNS_ON", "HOSTED_ON"} & stated and len(stated) >= 2


def test_with_two_failures_every_failed_ci_is_connected(tmp_path, demo_store):
    out = tmp_path / "two.html"
    done = run("impact", CORE, "switch:dc1-core-2", "--depth", "2", "--store", demo_store.path, "--html", str(out))
    assert done.returncode == 0, done.stderr
    page = open_page(out, "views-two-failures.png")
    ends = {e["from"] for e in page.edges} | {e["to"] for e in page.edges}
    assert {CORE, "switch:dc1-core-2"} <= ends


@pytest.mark.parametrize("width,height", [(1400, 900), (900, 600), (560, 480)])
def test_the_path_view_fits_the_window(tmp_path, demo_store, width, height):
    out = tmp_path / "path.html"
    done = run("path", "service:0001", "site:dc1", "--max-paths", "12", "--store", demo_store.path, "--html", str(out))
    assert done.returncode == 0, done.stderr
    from tests.support.browser import visit

    seen = visit(out, viewport=(width, height), screenshot=f"views-path-{width}.png", evaluate={
        "outside": """(() => { const n = itssView.network;
            const r = document.querySelector('.vis-network canvas').getBoundingClientRect();
            return itssView.nodes.getIds().filter(id => { const b = n.getBoundingBox(id);
              const a = n.canvasToDOM({x: b.left, y: b.top}), c = n.canvasToDOM({x: b.right, y: b.bottom});
              return a.x < 0 || a.y < 0 || c.x > r.width || c.y > r.height; }); })()""",
        "page": "[document.documentElement.scrollHeight, window.innerHeight]"},
        actions=lambda page: page.wait_for_function("document.body.getAttribute('data-stable') === 'true'"))
    assert seen.values["outside"] == []
    assert seen.values["page"][0] <= seen.values["page"][1]


def test_every_static_view_says_how_to_open_it_in_itss_serve(tmp_path, demo_store, blast_page):
    db = demo_store.path
    pages = {
        "/whatif?fail=switch%3Adc1-core-1": blast_page[0],
        "/path?dependant=service%3A0001&provider=site%3Adc1": tmp_path / "p.html",
        "/depends?target=service%3A0001": tmp_path / "d.html",
        "/graph?ci=service%3A0001&x=providers%7C%7Cservice%3A0001": tmp_path / "s.html",
        "/graph?ci=server%3Adc1-db0001p&x=providers%7C%7Cserver%3Adc1-db0001p": tmp_path / "g.html",
        "/standards": tmp_path / "std.html",
    }
    for args in (["path", "service:0001", "site:dc1", "--html", str(tmp_path / "p.html")],
                 ["depends", "service:0001", "--html", str(tmp_path / "d.html")],
                 ["spof", "service:0001", "--html", str(tmp_path / "s.html")],
                 ["view", "deps", "server:dc1-db0001p", "-o", str(tmp_path / "g.html")]):
        done = run(*args, "--store", db)
        assert done.returncode == 0, done.stderr
    done = run("view", "standards", "--code", "040301", "-o", str(tmp_path / "std.html"))
    assert done.returncode == 0, done.stderr
    for path, page in pages.items():
        assert graph_of(page)["view"]["serve"] == "http://127.0.0.1:8765" + path
    seen = open_page(blast_page[0], "views-serve-hint.png",
                     evaluate={"hint": "document.getElementById('serve-hint').innerText"})
    assert "itss serve" in seen["hint"] and "http://127.0.0.1:8765/whatif?fail=switch%3Adc1-core-1" in seen["hint"]


def test_services_at_risk_stay_drawn_when_the_impacted_cis_are_grouped(demo_store):
    from itss_graph.engine.blast import blast_radius
    from itss_graph.render.impact_map import MAX_SERVICES, impact_view

    blast = blast_radius(demo_store, ["site:dc2", CORE])
    at_risk = [s for s in blast.services if s.status == "at-risk"]
    assert at_risk and len(blast.impact.columns) > 50
    view = impact_view(blast.impact, at_risk=at_risk, max_nodes=50)
    assert any(n.members for n in view.nodes if n.kind == "group")  # the impacted CIs are grouped
    drawn = [m for n in view.nodes if n.kind == "at-risk" for m in (n.members or [n.id])]
    assert sorted(drawn) == sorted(s.id for s in at_risk)
    boxes = [n for n in view.nodes if n.kind == "at-risk"]
    assert len(boxes) == (len(at_risk) if len(at_risk) <= MAX_SERVICES else len({s.criticality for s in at_risk}))
