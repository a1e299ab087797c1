"""Hostile CI names and properties — markup, a closing script tag, quotes breaking out of
attributes, right-to-left override marks — are inert on every screen of ``itss serve``, in a
real headless Chromium: shown as text, no element injected, no dialog, no console error (a
Content-Security-Policy violation would log one), no request leaving the machine.
Screenshots: tests/artifacts/serve-hostile-*.png."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from tests.serve.support import browser_page, ready, running_server, screenshot

pytestmark = pytest.mark.browser

RLO, PDF, RLM = "\u202e", "\u202c", "\u200f"
HOSTILE = {
    "svc": "<img src=x onerror=alert(1)>",
    "app": "</script><script>alert(2)</script>",
    "srv": "\"onmouseover=\"alert(3)\" x='",
    "rack": "<b onmouseover=alert(4)>R1</b>",
    "site": f"<svg onload=alert(5)>{RLO}gnp.exe{PDF}{RLM}",
}
HOSTILE_ID = "\"><svg onload=alert(6)>"
NOTE = "<iframe src=javascript:alert(9)></iframe>"
INJECTED = ("img, iframe, svg, object, embed, [onerror], [onload], [onmouseover], [onclick]:not(button):not(a)")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    import itss_graph as itss

    where = tmp_path_factory.mktemp("hostile")
    rows = [("svc", "business-service", "critical"), ("app", "application", ""), ("srv", "server", ""),
            ("rack", "rack", ""), ("site", "site", "")]
    lines = ["id,name,type,criticality,note"]
    for ci_id, ci_type, crit in rows:
        name = HOSTILE[ci_id].replace('"', '""')
        lines.append(f'{ci_id},"{name}",{ci_type},{crit},"{NOTE}"')
    lines.append(f'"{HOSTILE_ID.replace(chr(34), chr(34) * 2)}","{HOSTILE["svc"]}",vm,,"{RLO}txt.exe"')
    (where / "cis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    hostile_id = HOSTILE_ID.replace('"', '""')
    (where / "relations.csv").write_text(
        "source,type,target\napp,SUPPORTS,svc\napp,HOSTED_ON,srv\nsrv,LOCATED_IN,rack\nrack,LOCATED_IN,site\n"
        f'"{hostile_id}",RUNS_ON,srv\n', encoding="utf-8")
    with itss.open_store(str(where / "hostile.db")) as store:
        itss.load([where], store)
    return where / "hostile.db"


@pytest.fixture(scope="module")
def hostile_profile(tmp_path_factory) -> Path:
    source = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "scenario-2.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["name"] = HOSTILE["svc"] + HOSTILE["app"]
    has = data.get("has") if isinstance(data.get("has"), dict) else {}
    has["capabilities"] = list(has.get("capabilities") or []) + [HOSTILE["rack"]]
    data["has"] = has
    path = tmp_path_factory.mktemp("profile") / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


SCREENS = [
    ("home", "/", {}, "main table.data"),
    ("ci-service", "/ci", {"id": "svc"}, ".ci-grid table.data"),
    ("ci-app", "/ci", {"id": "app"}, ".ci-grid table.data"),
    ("ci-server", "/ci", {"id": "srv"}, ".ci-grid table.data"),
    ("ci-hostile-id", "/ci", {"id": HOSTILE_ID}, ".ci-grid table.data"),
    ("whatif", "/whatif", {"fail": ["srv", HOSTILE_ID]}, ".whatif table.data"),
    ("depends", "/depends", {"target": "svc"}, "main table.data"),
    ("path", "/path", {"dependant": "svc", "provider": "site"}, ".chain"),
    ("root-cause", "/root-cause", {"symptom": ["svc", HOSTILE_ID]}, "main table.data"),
    ("spof", "/spof", {"target": "svc"}, "main table.data"),
    ("graph", "/graph", {"ci": "srv", "x": ["all||srv", "all||rack", "all||app"], "sel": "app"}, "#graph-canvas[data-drawn]"),
    ("graph-grouped", "/graph", {"ci": "srv", "x": ["all||srv", "all||rack"], "group": "site"}, "#graph-canvas[data-drawn]"),
]


def inert(page) -> None:
    assert page.eval_on_selector_all(INJECTED, "els => els.map(e => e.outerHTML)") == []
    assert page.eval_on_selector_all("script:not([src])", "els => els.length") == 0


def test_hostile_names_and_properties_are_inert_on_every_screen(hostile_store, hostile_profile):
    with running_server(hostile_store) as server, browser_page(server.url) as (page, visit):
        for name, path, params, selector in SCREENS:
            for lang in ("en", "zh"):
                page.goto(server.url + path + "?" + urlencode({**params, "lang": lang}, doseq=True))
                ready(page, selector)
                inert(page)
                text = page.inner_text("main")
                if name.startswith("ci-"):
                    ci = params["id"]
                    shown = HOSTILE.get(ci, HOSTILE["svc"])
                    assert shown.replace(RLO, "").replace(PDF, "").replace(RLM, "") in \
                        text.replace(RLO, "").replace(PDF, "").replace(RLM, ""), name
                    assert NOTE in text or ci == HOSTILE_ID
                if name == "whatif":
                    assert HOSTILE["svc"] in text  # the service down, by name, as text
                if name == "path":
                    assert HOSTILE["svc"] in text and HOSTILE["site"].split(RLO)[0] in text
            screenshot(page, f"serve-hostile-{name}.png")
        # the graph's tooltip shows the name as text
        page.goto(server.url + "/graph?" + urlencode({"ci": "app"}))
        ready(page, "#graph-canvas[data-drawn]")
        point = page.evaluate("""() => { const n = itssGraph.network; const p = n.canvasToDOM(n.getPositions(['app'])['app']);
                                         const r = document.querySelector('#graph-canvas canvas').getBoundingClientRect();
                                         return {x: r.left + p.x, y: r.top + p.y}; }""")
        page.mouse.move(point["x"], point["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10000)
        tooltip = page.eval_on_selector("div.vis-tooltip",
                                        "e => [e.innerText, [...e.querySelectorAll('*')].map(x => x.tagName)]")
        assert HOSTILE["app"] in tooltip[0] and set(tooltip[1]) <= {"BR"}  # innerText's line breaks only
        inert(page)
        # a hostile organisation profile, uploaded through the page
        page.goto(server.url + "/standards")
        ready(page, "#profile-upload")
        page.set_input_files("#profile-upload", str(hostile_profile))
        ready(page, ".standard-list")
        inert(page)
        assert HOSTILE["svc"] + HOSTILE["app"] in page.inner_text("main")
        screenshot(page, "serve-hostile-standards.png")
        # the API docs page
        page.goto(server.url + "/docs")
        ready(page, "section.route")
        inert(page)
    visit.assert_clean()
