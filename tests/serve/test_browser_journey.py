"""A person explores the demo estate with ``itss serve`` in a real headless Chromium: search (in
capitals and full width) → a CI's page → the graph → expand its providers → fail two CIs → the ranked services → the obligations →
switch to Chinese → the standards of an organisation profile. Every step is checked against
the API's answer; no console error, no script error, no dialog, no request leaving the
machine. Screenshots: tests/artifacts/serve-journey-*.png."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import httpx2 as httpx
import pytest

from itss_graph.serve.pages import messages
from tests.serve.support import browser_page, ready, screenshot

pytestmark = pytest.mark.browser

HOST = "server:dc1-db0030p"
SECOND = "storage-array:dc1-san1"


def api(server, path: str, **params) -> dict:
    response = httpx.get(server.url + "/api/" + path, params=params, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def click_node(page, node_id: str) -> None:
    """A real mouse click where vis-network drew the node."""
    point = page.evaluate(
        """(id) => { const n = itssGraph.network; n.focus(id, {scale: 1.0, animation: false});
                     const p = n.canvasToDOM(n.getPositions([id])[id]);
                     const r = document.querySelector('#graph-canvas canvas').getBoundingClientRect();
                     return {x: r.left + p.x, y: r.top + p.y}; }""", node_id)
    page.mouse.click(point["x"], point["y"])


def drawn(page, count: int) -> None:
    page.wait_for_selector(f"#graph-canvas[data-drawn='{count}']", timeout=60000)


#: Where the interface's own words are (answers' data, such as an obligation's label shown in
#: both languages, is elsewhere).
INTERFACE = ("header a, h1, h2, h4, th, button, label > span, .lead, .hint, .summary, .downloads, "
             ".empty, .event-level strong, .actions a, option")


def english_words_left(page) -> list[str]:
    """Interface words of the English message file still on the page (those that differ in
    Chinese; a placeholder stands for any text)."""
    en, zh = messages("en"), messages("zh")
    texts = page.eval_on_selector_all(INTERFACE, "els => els.map(e => e.innerText)")
    left = []
    for key, value in en.items():
        if value == zh[key] or key.startswith("lang."):
            continue
        pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", ".*", re.escape(value)) + "$", re.S)
        left += [f"{key}: {text!r}" for text in texts if pattern.match(text.strip())]
    return left


def test_a_person_explores_the_demo_estate(demo_server):
    base = demo_server.url
    with browser_page(base) as (page, visit):
        page.goto(base + "/")
        ready(page, "main table.data")
        assert "CIs" in page.inner_text("p.store")
        screenshot(page, "serve-journey-1-home-en.png")

        # search: capitals and full-width letters find the same CI
        page.fill("form.home-search input", "ＤＣ１-DB0030P")
        page.press("form.home-search input", "Enter")
        ready(page, "table.search-results")
        found = api(demo_server, "find", q="ＤＣ１-DB0030P", limit=50)["matches"]
        assert found[0]["id"] == HOST
        shown = page.eval_on_selector_all("table.search-results tbody tr td:first-child a", "as => as.map(a => a.title)")
        assert shown == [m["id"] for m in found]
        screenshot(page, "serve-journey-2-search-en.png")

        # the CI's page: properties, relations with what failure does across them, services, history
        page.click(f"table.search-results a[title='{HOST}']")
        ready(page, ".ci-grid table.data")
        assert query(page)["id"] == [HOST]
        shown = api(demo_server, "show", ci=HOST, limit=200, history=20, services=50, standards=10)
        page_text = page.inner_text("main")
        assert all(r["other"]["name"] in page_text for r in shown["relations"])
        assert shown["services"] and all(s["name"] in page_text for s in shown["services"])
        assert shown["standards"] and all(s["title"] in page_text for s in shown["standards"])
        assert messages("en")["event.created"] in page_text  # the history across loads
        screenshot(page, "serve-journey-2-ci-en.png")

        # the graph: the CI alone, then its providers on demand
        page.click("nav.actions >> text=" + messages("en")["ci.graph"])
        ready(page, "#graph-canvas canvas")
        drawn(page, 1)
        assert page.evaluate("itssGraph.nodes.getIds()") == [HOST]
        click_node(page, HOST)
        drawn(page, 2)
        page.wait_for_selector("button.expand-providers")
        page.click("button.expand-providers")
        drawn(page, 3)
        providers = api(demo_server, "neighbours", ci=HOST, direction="providers", limit=50)["relations"]
        edges = page.evaluate("itssGraph.edges.get().map(e => [e.from, e.relation, e.to])")
        assert sorted(map(tuple, edges)) == sorted((r["source"], r["relation"], r["target"]) for r in providers)
        assert query(page)["x"] == [f"providers||{HOST}"]  # the state is in the address
        screenshot(page, "serve-journey-3-graph-en.png")

        # what if it fails, together with the SAN: services ranked, obligations with sources
        page.click(".graph-side >> text=" + messages("en")["ci.fail"])
        ready(page, ".whatif table.data")
        page.fill(".picker input", SECOND)
        page.press(".picker input", "Enter")
        ready(page, ".whatif table.data")
        assert query(page)["fail"] == [HOST, SECOND]
        blast = api(demo_server, "blast-radius", ci=[HOST, SECOND])
        shown = page.eval_on_selector_all(".services-block tbody tr td:first-child a", "as => as.map(a => a.title)")
        assert shown == [s["id"] for s in blast["services"]][:len(shown)] and len(shown) == min(50, len(blast["services"]))
        level = page.inner_text(".event-level")
        assert blast["obligations"]["event_level"]["name"]["en"] in level
        assert page.locator(".obligations .prov").count() > 3  # each obligation cites the white paper
        screenshot(page, "serve-journey-4-whatif-en.png")

        # one switch: every interface word in Chinese
        page.click("#lang-switch")
        ready(page, ".whatif table.data")
        assert page.inner_text("h1") == messages("zh")["whatif.heading"]
        assert blast["obligations"]["event_level"]["name"]["zh"] in page.inner_text(".event-level")
        assert english_words_left(page) == []
        assert query(page)["lang"] == ["zh"]
        screenshot(page, "serve-journey-5-whatif-zh.png")

        # the standards explorer for an organisation profile
        page.click("#nav >> text=" + messages("zh")["nav.standards"])
        ready(page, "#profile-select option[value='scenario-2.yaml']", state="attached")
        page.select_option("#profile-select", "scenario-2.yaml")
        ready(page, ".standard-list")
        standards = api(demo_server, "standards", profile="scenario-2.yaml", lang="zh")
        gaps = api(demo_server, "gap", profile="scenario-2.yaml", lang="zh")
        assert page.locator("li.standard").count() == len(standards["standards"])
        assert page.inner_text(".standard-list li.standard:first-child strong") == standards["standards"][0]["title"]
        summary = messages("zh")["standards.gap_summary"].format(**gaps["summary"])
        assert summary in page.inner_text("main")
        assert english_words_left(page) == []
        screenshot(page, "serve-journey-6-standards-zh.png")
    visit.assert_clean()
    assert json.dumps(visit.requests)  # the journey made requests, all to the server
