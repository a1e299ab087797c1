"""Every screen of ``itss serve`` in both languages, in a real headless Chromium: drawn without a
console error, a script error or a request leaving the machine; each kept as a screenshot
(tests/artifacts/serve-screen-NAME-LANG.png; a set is in docs/screenshots/serve/)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from itss_graph.serve.pages import messages
from tests.serve.support import browser_page, ready, screenshot

pytestmark = pytest.mark.browser

HOST = "server:dc1-db0030p"
SCREENS = [
    ("home", "/", {}, "main table.data", "home.heading"),
    ("search", "/search", {"q": "核心账务", "type": "business-service"}, "table.search-results", "nav.search"),
    ("ci", "/ci", {"id": HOST}, ".ci-grid table.data", "ci.properties"),
    ("graph", "/graph", {"ci": HOST, "x": [f"providers||{HOST}", f"dependants||{HOST}", "all||database:0030p"],
                         "sel": HOST}, "#graph-canvas[data-drawn]", "graph.expand_providers"),
    ("graph-grouped", "/graph", {"ci": "rack:dc1-3-013", "x": ["dependants||rack:dc1-3-013"], "group": "type"},
     "#graph-canvas[data-drawn]", "graph.group"),
    ("whatif", "/whatif", {"fail": ["switch:dc1-core-1", "storage-array:dc1-san1"]}, ".whatif table.data",
     "whatif.heading"),
    ("standards", "/standards", {"profile": "scenario-2.yaml"}, ".standard-list", "standards.heading"),
    ("spof", "/spof", {"target": "service:0030"}, "main table.data", "spof.heading"),
    ("depends", "/depends", {"target": "service:0030", "depth": "3"}, "main table.data", "depends.heading"),
    ("path", "/path", {"dependant": "service:0030", "provider": "storage-array:dc1-san1"}, ".chain", "path.heading"),
    ("root-cause", "/root-cause", {"symptom": ["service:0024", "service:0028", "service:0032"]}, "main table.data",
     "rootcause.heading"),
    ("docs", "/docs", {}, "section.route", "docs.title"),
]


def test_every_screen_in_both_languages(demo_server):
    base = demo_server.url
    with browser_page(base) as (page, visit):
        for name, path, params, selector, word in SCREENS:
            for lang in ("en", "zh"):
                page.goto(base + path + "?" + urlencode({**params, "lang": lang}, doseq=True))
                ready(page, selector)
                assert messages(lang)[word] in page.inner_text("body"), (name, lang)
                screenshot(page, f"serve-screen-{name}-{lang}.png")
    visit.assert_clean()


def test_the_what_if_screen_fetches_the_impacted_cis_a_page_at_a_time(demo_server):
    import httpx2 as httpx

    failed = ["switch:dc1-core-1", "storage-array:dc1-san1"]
    whole = httpx.get(demo_server.url + "/api/impact", params={"ci": failed}, timeout=60).json()["impacted"]
    assert len(whole) > 200
    rows = ".impacted-block table.impacted tbody tr"
    with browser_page(demo_server.url) as (page, visit):
        page.goto(demo_server.url + "/whatif?" + urlencode({"fail": failed}, doseq=True))
        ready(page, f"{rows}:nth-child(100)")
        assert page.locator(rows).count() == 100
        page.click(".impacted-block button.more")
        page.wait_for_selector(f"{rows}:nth-child(200)")
        shown = page.eval_on_selector_all(f"{rows} td:first-child a", "as => as.map(a => a.title)")
        assert shown == [r["id"] for r in whole[:200]]
        summary = page.inner_text(".whatif .summary")
        assert str(len(whole)) in summary
    visit.assert_clean()


def test_the_what_if_screen_lists_the_ranked_services_a_page_at_a_time(demo_server):
    import httpx2 as httpx

    failed = ["switch:dc1-core-1", "storage-array:dc1-san1"]
    whole = httpx.get(demo_server.url + "/api/blast-radius", params={"ci": failed}, timeout=60).json()
    assert len(whole["services"]) > 100
    rows = ".services-block table.services tbody tr"
    more = ".services-block button.more"
    with browser_page(demo_server.url) as (page, visit):
        page.goto(demo_server.url + "/whatif?" + urlencode({"fail": failed}, doseq=True))
        ready(page, f"{rows}:nth-child(50)")
        assert page.locator(rows).count() == 50
        left = len(whole["services"]) - 50
        assert page.inner_text(more) == messages("en")["common.more"].format(n=50, total=left)
        page.click(more)
        page.wait_for_selector(f"{rows}:nth-child(100)")
        while page.is_visible(more):  # to the last service: then the button goes
            count = page.locator(rows).count()
            page.click(more)
            page.wait_for_selector(f"{rows}:nth-child({count + 1})")
        shown = page.eval_on_selector_all(f"{rows} td:first-child a", "as => as.map(a => a.title)")
        assert shown == [s["id"] for s in whole["services"]]
        # each page's services came with their why: the chain of the last one is the API's
        chain = page.eval_on_selector_all(f"{rows}:last-child .chain a", "as => as.map(a => a.title)")
        assert chain == [step["id"] for step in whole["services"][-1]["chain"]]
    visit.assert_clean()
