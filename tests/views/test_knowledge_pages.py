"""The standards map and the gap map in headless Chromium: clean load, every drawn edge a fact
of the knowledge base, the standards an applicability answer names, profile text never run."""

from __future__ import annotations

import pytest

from itss_graph.knowledge.applicability import Query, candidates, evaluate
from itss_graph.knowledge.gap import gap_for_profile
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.profile import load_profile
from itss_graph.knowledge.subjects import declared_for_code
from itss_graph.render.graphview import write_html
from itss_graph.render.standards_map import gap_view, standards_view
from tests.views.conftest import XSS
from tests.views.pages import open_page

pytestmark = pytest.mark.browser

ITSS = "https://w3id.org/itss-graph/ontology#"


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load()


def assert_edges_are_kb_triples(kb, page) -> None:
    for e in page.edges:
        s, p, o = e["details"]["triple"].split(" ")
        assert kb.has(s, p, o), e["details"]["triple"]
        assert (s, o) == (e["from"], e["to"])
        assert e["details"]["source"], f"no provenance for {e['details']['triple']}"


def test_the_whole_standards_map(tmp_path, kb):
    page = open_page(write_html(standards_view(kb), tmp_path / "all.html"), "views-standards.png")
    drawn = {n["id"] for n in page.nodes if n["kind"] == "standard"}
    assert drawn == {kb.qname(s) for s in candidates(kb)}
    assert_edges_are_kb_triples(kb, page)
    ids = set(page.node_ids)
    for std in candidates(kb):  # every category a standard states is drawn and linked
        for cat in kb.objects(std, ITSS + "appliesToCategory"):
            assert kb.qname(cat) in ids
            assert any(e["from"] == kb.qname(std) and e["to"] == kb.qname(cat) for e in page.edges)
        for proc in kb.objects(std, ITSS + "definesProcess"):
            assert any(e["from"] == kb.qname(std) and e["to"] == kb.qname(proc) for e in page.edges)
        for role in kb.objects(std, ITSS + "definesRole"):
            assert any(e["from"] == kb.qname(std) and e["to"] == kb.qname(role) for e in page.edges)


def test_the_standards_that_apply_to_a_code_with_their_reasons(tmp_path, kb):
    query, declared = declared_for_code(kb, "040301")
    answer = evaluate(kb, declared, query)
    page = open_page(write_html(standards_view(kb, answer=answer), tmp_path / "code.html"),
                     "views-standards-040301.png",
                     evaluate={"panels": "document.getElementById('panels').innerText"})
    drawn = {n["id"] for n in page.nodes if n["kind"] == "standard"}
    assert drawn == {r.node.id for r in [*answer.applicable, *answer.planned]}
    assert_edges_are_kb_triples(kb, page)
    declared_node = next(n for n in page.nodes if n["id"] == "kb:cat-040301")
    assert declared_node["kind"] == "declared"
    first = answer.applicable[0]
    assert first.reasons[0].sentence in page["panels"]


def test_profile_names_and_unknown_items_show_as_text(tmp_path, kb, xss_profile):
    profile = load_profile(xss_profile, kb)
    answer = evaluate(kb, profile.declared, Query("profile", str(xss_profile), profile.name))
    page = open_page(write_html(standards_view(kb, answer=answer), tmp_path / "p.html"),
                     "views-standards-xss-profile.png", evaluate={"h1": "document.getElementById('title').innerText"})
    assert XSS["svc"] in page["h1"] and page["injected"] == 0


def test_gap_map_draws_every_requirement_red_or_green(tmp_path, kb, xss_profile):
    profile = load_profile(xss_profile, kb)
    report = gap_for_profile(kb, profile)
    page = open_page(write_html(gap_view(report), tmp_path / "gap.html"), "views-gap.png",
                     evaluate={"h1": "document.getElementById('title').innerText"})
    kinds = {n["id"]: n["kind"] for n in page.nodes}
    assert {g.item.id for g in report.gaps} == {i for i, k in kinds.items() if k == "gap"}
    assert {g.item.id for g in report.met} == {i for i, k in kinds.items() if k == "met"}
    assert {r.node.id for r in report.standards.applicable} == {i for i, k in kinds.items() if k == "standard"}
    expected = {(req.by.id, g.item.id) for g in [*report.gaps, *report.met] for req in g.required_by}
    drawn = {(e["from"], e["to"]) for e in page.edges if not e["from"].startswith("profile:")}
    assert drawn == expected
    assert XSS["svc"] in page["h1"] and page["injected"] == 0
