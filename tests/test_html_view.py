"""The impact view opens in a real headless Chromium: no errors, no network, data intact, no XSS."""

from __future__ import annotations

import pytest

from itss_graph.engine.impact import impact
from itss_graph.loading.load import load_inventory
from itss_graph.render.graphview import write_html
from itss_graph.render.impact_map import impact_view
from tests.support.browser import visit

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def test_netbox_impact_view_loads_cleanly_and_draws_every_impacted_ci(tmp_path, sqlite_store, netbox_dir):
    load_inventory([netbox_dir], sqlite_store)
    result = impact(sqlite_store, ["site:21"])
    page = write_html(impact_view(result), tmp_path / "site21.html")
    seen = visit(page, evaluate={"nodes": "itssView.nodes.getIds()",
                                 "edges": "itssView.edges.length"},
                 screenshot="impact-site21.png")
    assert seen.page_errors == [] and seen.console_errors == []
    assert seen.network_requests == []
    assert sorted(seen.values["nodes"]) == sorted(["site:21", *(i.id for i in result.impacted)])
    assert seen.values["edges"] == len(result.impacted)


def test_user_data_is_shown_as_text_and_never_run(tmp_path, sqlite_store):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cis.csv").write_text(
        f'id,name,type,note\nh,"{XSS}",server,"</script><script>alert(2)</script>"\nv,v,vm,x\n',
        encoding="utf-8")
    (tmp_path / "in" / "relations.csv").write_text("source,type,target\nv,RUNS_ON,h\n", encoding="utf-8")
    load_inventory([tmp_path / "in"], sqlite_store)
    page = write_html(impact_view(impact(sqlite_store, ["h"])), tmp_path / "xss.html")

    def click_source(pg):
        pg.evaluate("itssView.network.selectNodes(['h'])")
        pg.fill("#search", "h")
        pg.press("#search", "Enter")

    seen = visit(page, actions=click_source,
                 evaluate={"label": "itssView.nodes.get('h').label",
                           "details": "document.getElementById('details').textContent",
                           "images": "document.images.length",
                           "injected": "document.querySelectorAll('#details img, #details script').length"},
                 screenshot="impact-xss.png")
    assert seen.dialogs == []
    assert seen.page_errors == [] and seen.console_errors == []
    assert seen.values["label"] == XSS
    assert XSS in seen.values["details"] and "</script><script>alert(2)</script>" in seen.values["details"]
    assert seen.values["images"] == 0 and seen.values["injected"] == 0


def test_large_impact_is_aggregated_with_a_note(tmp_path):
    from itss_graph.stores.sqlite import SQLiteStore
    from itss_graph.synth import write_estate

    write_estate(tmp_path / "estate")
    with SQLiteStore(tmp_path / "d.db") as store:
        load_inventory([tmp_path / "estate"], store)
        result = impact(store, ["site:dc1"])
    assert len(result.impacted) > 1500
    page = write_html(impact_view(result), tmp_path / "big.html")
    seen = visit(page, evaluate={"nodes": "itssView.nodes.get().map(n => [n.id, n.members || null])",
                                 "notes": "document.getElementById('notes').textContent"},
                 screenshot="impact-aggregated.png")
    assert seen.page_errors == [] and seen.console_errors == [] and seen.network_requests == []
    drawn = seen.values["nodes"]
    # one group per (type, effect) — services, more than 60 here, per (criticality, effect)
    service_groups = {(result.props[s.id].get("criticality"), s.effect) for s in result.services}
    groups = {(i.type, i.effect) for i in result.impacted if i.type not in result.service_types}
    assert len(drawn) == 1 + len(groups) + len(service_groups)
    # every impacted CI is inside exactly one group; the failed site is drawn as itself
    members = [m for _, group in drawn if group for m in group]
    assert sorted(members) == sorted(i.id for i in result.impacted)
    assert [i for i, group in drawn if not group] == ["site:dc1"]
    assert "groups them by type" in seen.values["notes"]
