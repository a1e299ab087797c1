"""`itss gap`: the requirements a profile lacks, by element, with provenance; and the library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ITSS = str(Path(sys.executable).with_name("itss"))
PROFILES = Path(__file__).resolve().parents[1] / "examples" / "profiles"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, env={**os.environ}, timeout=120)


@pytest.fixture(scope="module")
def kbase():
    from itss_graph.knowledge.kb import KnowledgeBase

    return KnowledgeBase.load()


def test_gap_library_groups_by_element_and_orders_by_demand(kbase, tmp_path):
    from itss_graph.knowledge.gap import gap_for_profile
    from itss_graph.knowledge.profile import load_profile

    path = tmp_path / "p.yaml"
    path.write_text("party: 供方\nbusiness_types: [运行维护]\ncategories: ['04']\n"
                    "activities: [建立能力体系]\nlifecycle_stage: 服务运营\n"
                    "has:\n  processes: [事件管理, change management]\n  resources: [Service desk, 知识库]\n"
                    "  capabilities: [技能]\n", encoding="utf-8")
    report = gap_for_profile(kbase, load_profile(path, kbase), "zh")
    elements = [g.element.label for g in report.gaps]
    order = ["人员", "过程", "技术", "资源"]
    assert elements == sorted(elements, key=order.index)
    met = {g.item.id for g in report.met}
    assert {"kb:proc-事件管理", "kb:proc-变更管理", "kb:res-服务台", "kb:res-知识库", "kb:cap-技能"} <= met
    gaps = {g.item.id: g for g in report.gaps}
    # the capability model of GB/T 28827.1 (图3-13), with its clause
    spare = gaps["kb:res-备件库"]
    assert "kb:std-运维-1" in spare.standards
    model = [r for r in spare.required_by if r.kind == "model"][0]
    assert [s.predicate for s in model.steps] == ["itss:definesModel", "itss:partOf", "itss:requires"]
    assert model.steps[-1].source.label.startswith("7.4") or "备件库" in model.steps[-1].source.label
    # the stage table for 服务运营 × 运行维护 (表2-5)
    stage_reqs = [r for g in report.gaps for r in g.required_by if r.kind == "stage-table"]
    assert stage_reqs and all(r.steps[-1].sources[0].label_zh.startswith("表2-5") for r in stage_reqs)
    # within an element, more standards first
    people = [g for g in report.gaps if g.element.label == "过程"]
    counts = [len(g.standards) for g in people]
    assert counts == sorted(counts, reverse=True)


def test_scenario_2_gap_cli_json(tmp_path):
    done = run("gap", "--profile", str(PROFILES / "scenario-2.yaml"), "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert "kb:std-运维-1" in [s["id"] for s in doc["standards"]]
    assert doc["summary"]["met"] == 1 and doc["met"][0]["item"]["id"] == "kb:res-服务台"
    first = doc["gaps"][0]
    assert set(first) == {"item", "element", "relation", "why", "standards", "standard_names", "standard_short",
                          "count", "met_by", "obligations", "required_by"}
    assert first["relation"] == "own" and first["required_by"][0]["sources"]
    assert doc["require_of_provider"] == [] and doc["summary"]["require_of_provider"] == 0  # a provider


def test_a_buyers_gap_list_has_no_provider_only_item(kbase, tmp_path):
    """A government buyer of outsourced O&M (附录4 案例3, a 需方): what the text places on the
    provider — the 23 processes of the outsourcing standard (2881), the capability model of
    GB/T 28827.1 (3443), the operation-stage elements (1270) — is what to require of the provider,
    never the buyer's own gap; each such item carries the sentence that says so."""
    from itss_graph.knowledge.gap import gap_for_profile
    from itss_graph.knowledge.profile import load_profile

    report = gap_for_profile(kbase, load_profile(PROFILES / "case-3.yaml", kbase), "zh")
    demand = kbase.expand("kb:party-需方")
    for g in [*report.gaps, *report.met]:
        # every own item is placed on the customer by at least one of its requirements (or on no one)
        assert any(not r.obliged or any(o.party.iri == demand for o in r.obliged) for r in g.required_by), g.item.label
    provider = {g.item.id: g for g in report.provider}
    assert {"kb:proc-业务规划和部署", "kb:proc-服务目录管理", "kb:res-备件库"} <= set(provider)
    # the 23 processes of the outsourcing standard: the provider's, but for 服务级别管理, which the
    # outsourcing guide (发包指南, 3151-3155) also places on the customer
    outsourcing = {g.item.id for g in report.provider if "kb:std-外包-1" in g.standards}
    assert len(outsourcing) == 22 and "kb:proc-服务级别管理" not in outsourcing
    # what the buyer must have itself: supervising its providers (表2-7, 1430), 服务级别管理 (3151-3155)
    own = {g.item.label for g in [*report.gaps, *report.met]}
    assert {"质量经理", "服务度量/测量", "服务级别管理"} <= own
    spare = provider["kb:res-备件库"]
    assert spare.why.startswith("GB/T 28827.1 将此要求置于供方")
    assert ("是针对供方运行维护服务能力的基础要求", 3443) in {(o.text, o.source.line) for o in spare.obligations}
    # the same organisation as its own provider (an in-house IT team) has them as its own
    both = tmp_path / "both.yaml"
    both.write_text((PROFILES / "case-3.yaml").read_text(encoding="utf-8").replace(
        "party: 需方", "party: [需方, 供方]"), encoding="utf-8")
    own = gap_for_profile(kbase, load_profile(both, kbase), "zh")
    assert not own.provider and "kb:res-备件库" in {g.item.id for g in own.gaps}


def test_a_third_party_verifies(kbase, tmp_path):
    from itss_graph.knowledge.gap import gap_for_profile
    from itss_graph.knowledge.profile import load_profile

    path = tmp_path / "assessor.yaml"
    path.write_text("party: 第三方\nbusiness_types: [运行维护]\ncategories: ['04']\n", encoding="utf-8")
    report = gap_for_profile(kbase, load_profile(path, kbase), "en")
    assert not report.gaps and not report.provider
    assert "kb:res-备件库" in {g.item.id for g in report.verify}
    assert all(g.why for g in report.verify)


def test_gap_table_unknown_names_and_fail_on_gap(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("business_types: [运行维护]\ncategories: ['04']\nhas:\n  resources: [Zabbix, 服务台]\n",
                    encoding="utf-8")
    done = run("gap", "--profile", str(path), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert f"{path}:4: has.resources: 'Zabbix' is not in the knowledge base; ignored" in done.stderr
    assert "缺少" in done.stdout and "备件库" in done.stdout and "GB/T 28827.1" in done.stdout
    assert "kb:" not in done.stdout
    assert run("gap", "--profile", str(path), "--fail-on-gap").returncode == 1
    csv_out = run("gap", "--profile", str(path), "--format", "csv", "--met").stdout
    assert csv_out.splitlines()[0] == "relation,element,item,status,standards,why,white_paper_says,sources"
    assert ",met," in csv_out


def test_buyer_gap_text_xlsx_and_word(tmp_path):
    import openpyxl

    done = run("gap", "--profile", str(PROFILES / "case-3.yaml"), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "向供方提出要求：" in done.stdout and "“是针对供方运行维护服务能力的基础要求”（白皮书 3.2.6 运行维护标准，第3443行）" \
        in done.stdout
    out = tmp_path / "gap.xlsx"
    assert run("gap", "--profile", str(PROFILES / "case-3.yaml"), "--lang", "zh", "--format", "xlsx",
               "-o", str(out)).returncode == 0
    book = openpyxl.load_workbook(out)
    assert "向供方提出的要求" in book.sheetnames and "您须具备" in book.sheetnames
    sheet = book["向供方提出的要求"]
    assert [c.value for c in sheet[2]] == ["要素", "要求项", "标准", "说明", "白皮书原文", "您已自有"]
    docx_path = tmp_path / "gap.docx"
    done = run("report", "gap", "--profile", str(PROFILES / "case-3.yaml"), "--lang", "zh", "--docx", str(docx_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # the Word file only: no Markdown on stdout
    import docx

    document = docx.Document(str(docx_path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "向供方提出的要求" in headings and "您须具备" in headings
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    assert "GB/T 28827.1" in cells and not any("kb:std-" in c for c in cells)


def test_gap_requires_a_valid_profile(tmp_path):
    assert run("gap").returncode == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("standards: [x]\n", encoding="utf-8")
    done = run("gap", "--profile", str(bad))
    assert done.returncode == 2 and f"{bad}:1: standards: unknown field" in done.stderr
