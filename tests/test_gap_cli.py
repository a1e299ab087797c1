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
    assert [s["id"] for s in doc["standards"]][0] == "kb:std-运维-1"
    assert doc["summary"]["met"] == 1 and doc["met"][0]["item"]["id"] == "kb:res-服务台"
    first = doc["gaps"][0]
    assert set(first) == {"item", "element", "standards", "count", "met_by", "required_by"}
    assert first["required_by"][0]["sources"]


def test_gap_table_unknown_names_and_fail_on_gap(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("business_types: [运行维护]\ncategories: ['04']\nhas:\n  resources: [Zabbix, 服务台]\n",
                    encoding="utf-8")
    done = run("gap", "--profile", str(path), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert f"{path}:4: has.resources: 'Zabbix' is not in the knowledge base; ignored" in done.stderr
    assert "缺少" in done.stdout and "备件库" in done.stdout
    assert run("gap", "--profile", str(path), "--fail-on-gap").returncode == 1
    csv_out = run("gap", "--profile", str(path), "--format", "csv", "--met").stdout
    assert csv_out.splitlines()[0] == "element,item,id,status,standards,required_by,sources"
    assert ",met," in csv_out


def test_gap_requires_a_valid_profile(tmp_path):
    assert run("gap").returncode == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("standards: [x]\n", encoding="utf-8")
    done = run("gap", "--profile", str(bad))
    assert done.returncode == 2 and f"{bad}:1: standards: unknown field" in done.stderr
