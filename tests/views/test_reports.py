"""Reports: the HTML page opens cleanly in Chromium with its tables and graph matching the
answers; the Markdown keeps every table intact and every piece of user data inert."""

from __future__ import annotations

import re

import pytest

from itss_graph.engine.blast import blast_radius
from itss_graph.engine.impact import impact
from itss_graph.answers.obligations import assess, situation_of
from itss_graph.knowledge.applicability import evaluate
from itss_graph.knowledge.gap import gap_for_profile
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.profile import load_profile
from itss_graph.knowledge.subjects import declared_for_code
from itss_graph.render.markdown import report_markdown
from itss_graph.render.report import write_report_html
from itss_graph.render.report_impact import impact_report
from itss_graph.render.report_knowledge import gap_report, standards_report
from tests.views.conftest import XSS
from tests.views.pages import open_page

READ_TABLES = {"tables": """Array.from(document.querySelectorAll('section.report-section')).map(s => ({
    heading: s.querySelector('h2').innerText,
    rows: Array.from(s.querySelectorAll('table.data')).map(t => t.tBodies[0].rows.length)}))"""}


def section_rows(page, heading: str) -> list[int]:
    return next(t["rows"] for t in page["tables"] if t["heading"] == heading)


def impact_doc(store, failed, limit=200):
    blast = blast_radius(store, failed)
    blast.impact = impact(store, failed, with_props=True)
    obligations = assess(situation_of(store, blast.impact)).as_dict()
    return blast, obligations, impact_report(blast, obligations, limit=limit, max_nodes=300,
                                             provenance=["test provenance line"])


@pytest.mark.browser
def test_impact_report_page(tmp_path, demo_store):
    blast, obligations, doc = impact_doc(demo_store, ["storage-array:dc1-san1"], limit=5)
    page = open_page(write_report_html(doc, tmp_path / "impact.html"), "views-report-impact.png", evaluate=READ_TABLES)
    result = blast.impact
    assert section_rows(page, "Business services affected") == [len(blast.services)]
    assert section_rows(page, "Impacted CIs by type") == [len(set(result.columns.types))]
    by_type = {t: result.columns.types.count(t) for t in dict.fromkeys(result.columns.types)}
    assert section_rows(page, "Impacted CIs") == [min(5, n) for n in by_type.values()]
    assert "… and" in page["text"]  # the cut lists say so
    # the graph: every impacted CI and every service at risk drawn, or inside a group
    members = [m for n in page.nodes for m in (n["members"] or [n["id"]])]
    at_risk = [s.id for s in blast.services if s.status == "at-risk"]
    assert sorted(members) == sorted([*(s.id for s in result.sources), *result.columns.ids, *at_risk])
    # obligations with their provenance, and the provenance section
    first = obligations["sections"][0]["items"]["emergency_tasks"][0]
    assert first["label"]["en"] in page["text"] and first["provenance"][0]["source"] in page["text"]
    assert "test provenance line" in page["text"]


@pytest.mark.browser
def test_standards_and_gap_report_pages(tmp_path, xss_profile):
    kb = KnowledgeBase.load()
    query, declared = declared_for_code(kb, "040301")
    answer = evaluate(kb, declared, query)
    page = open_page(write_report_html(standards_report(answer, kb), tmp_path / "std.html"),
                     "views-report-standards.png", evaluate=READ_TABLES)
    assert section_rows(page, "Applicable standards, best first") == [len(answer.applicable)]
    assert {n["id"] for n in page.nodes if n["kind"] == "standard"} == \
        {r.node.id for r in [*answer.applicable, *answer.planned]}
    assert answer.applicable[0].reasons[0].sentence in page["text"]

    report = gap_for_profile(kb, load_profile(xss_profile, kb))
    page = open_page(write_report_html(gap_report(report), tmp_path / "gap.html"), "views-report-gap.png",
                     evaluate=READ_TABLES)
    assert section_rows(page, "What you must have") == [len(report.gaps) + len(report.met)]
    assert section_rows(page, "Names not recognised (ignored)") == [1]
    assert XSS["svc"] in page["text"] and XSS["app"] in page["text"]  # the profile's name, its unknown item
    assert page["injected"] == 0


@pytest.mark.browser
def test_impact_report_of_hostile_names(tmp_path, xss_store):
    _, _, doc = impact_doc(xss_store, ["srv"])
    page = open_page(write_report_html(doc, tmp_path / "x.html"), "views-report-xss.png")
    for text in (XSS["svc"], XSS["app"], XSS["srv"]):
        assert text in page["text"]
    assert page["injected"] == 0


UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_report_keeps_tables_whole_and_markup_inert(xss_store):
    _, _, doc = impact_doc(xss_store, ["srv"])
    text = report_markdown(doc)
    assert "<img" not in text and "<script" not in text and "<svg" not in text and "<iframe" not in text
    assert "&lt;img src=x onerror=alert(3)&gt;\\|\\`x\\`\\*" in text  # the server's name, escaped
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("| ") and k + 1 < len(lines) and lines[k + 1].startswith("| ---"):
            columns = len(UNESCAPED_PIPE.findall(line))
            j = k + 2
            while j < len(lines) and lines[j].startswith("|"):
                assert len(UNESCAPED_PIPE.findall(lines[j])) == columns, lines[j]
                j += 1
    assert "## ITSS obligations" in text and "## Provenance" in text


def test_markdown_of_knowledge_reports_cites_the_white_paper(xss_profile):
    kb = KnowledgeBase.load()
    query, declared = declared_for_code(kb, "040301")
    text = report_markdown(standards_report(evaluate(kb, declared, query, "zh"), kb))
    assert "## 各标准适用的原因及白皮书出处" in text and "3.2.6 运行维护标准" in text and "第3470-3534行" in text
    assert "kb:std-" not in text  # standards by number and title; identifiers only in JSON
    report = gap_for_profile(kb, load_profile(xss_profile, kb))
    text = report_markdown(gap_report(report))
    assert text.count("\n| People |") == sum(1 for g in report.gaps if g.element.label == "People") + \
        sum(1 for g in report.met if g.element.label == "People")
    assert "<script>" not in text and "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in text
