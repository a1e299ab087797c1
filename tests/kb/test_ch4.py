"""Coverage of chapter 4 of the white paper (如何实施ITSS, lines 4388–5810).

Counts and labels below were read by hand from the text:

* §4.1.1 / 图4-1: four implementation phases (需求分析, 规划设计, 部署实施, 优化改进) + 实施过程管控;
  key activities per phase 7 + 6 + 7 + 4 (§4.1.2–§4.1.5 headings, named slightly differently in §4.1.1);
* §4.1.6: PDCA steps 策划/实施/检查/改进 with 5 + 4 + 5 + 6 main works;
* §4.2: three scenarios, their standards (7, 6, 2) and the role-and-task tables 4-1 (32 items),
  4-2 (20) and 4-3 (13);
* §4.3: nine key success factors.
"""

from __future__ import annotations

import pytest
from rdflib import DCTERMS, RDF, RDFS, Literal, URIRef

ITSS = "https://w3id.org/itss-graph/ontology#"
KB = "https://w3id.org/itss-graph/kb/"
SRC = "https://w3id.org/itss-graph/source/"


def I(name: str) -> URIRef:  # noqa: E743 - short helper
    return URIRef(ITSS + name)


def K(name: str) -> URIRef:
    return URIRef(KB + name)


def zh(graph, node) -> set[str]:
    return {str(o) for o in graph.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == "zh"}


def en(graph, node) -> set[str]:
    return {str(o) for o in graph.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == "en"}


def order(graph, node) -> int:
    return int(graph.value(node, I("order")))


def ordered_labels(graph, nodes) -> list[str]:
    nodes = sorted(nodes, key=lambda n: order(graph, n))
    out = []
    for n in nodes:
        labels = zh(graph, n)
        assert len(labels) == 1, f"{n} has zh labels {labels}"
        out.append(next(iter(labels)))
    return out


# --------------------------------------------------------------------------------------------
# §4.1 implementation methodology
# --------------------------------------------------------------------------------------------

PHASES = ["需求分析", "规划设计", "部署实施", "优化改进"]

ACTIVITIES = {
    "需求分析": ["导入ITSS理念", "启动ITSS实施", "评估现状", "调研需求", "制定实施方案", "可行性分析", "评估审批"],
    "规划设计": ["确定实施原则", "梳理服务目录", "确定实施范围", "规划IT服务体系架构", "估算实施所需资源", "风险管理"],
    "部署实施": ["落实管理层职责", "落实资金管理", "组建和管理实施团队", "确定流程/规范", "建立软件平台",
             "采购外部资源", "遵循项目管理方法"],
    "优化改进": ["评估实施效果", "评审运营情况", "制定改进计划", "实施改进活动及跟踪验证"],
}

# names §4.1.1 gives to activities whose heading differs
ALT_NAMES_4_1_1 = {
    "导入ITSS理念": "理念导入",
    "启动ITSS实施": "实施启动",
    "评估现状": "现状评估",
    "调研需求": "需求挖掘及筛选",
    "风险管理": "风险管理规划",
    "落实资金管理": "资金资源",
    "确定流程-规范": "确定过程/规范",
}

SUB_TASKS = {
    "启动ITSS实施": ["确定实施战略原则", "组建实施团队", "制定实施计划"],
    "评估现状": ["业务现状评估", "管理现状评估", "IT信息化现状评估"],
    "制定实施方案": ["制定实施目标", "确定实施范围", "制定时间计划", "制定成本计划", "ITSS标准的选择"],
    "规划IT服务体系架构": ["人员规划", "过程规划", "技术规划", "资源规划"],
    "风险管理": ["编制风险管理计划", "定义和识别实施过程中可能遇到的风险", "定性定量分析风险", "风险监控"],
    "落实资金管理": ["费用估算", "费用预算", "费用落实", "费用控制"],
    "组建和管理实施团队": ["团队组建", "团队建设", "团队管理"],
    "确定流程-规范": ["流程/规范的建立", "流程/规范的发布", "流程/规范的执行", "流程/规范的控制"],
    "建立软件平台": ["软件平台采购", "软件平台部署", "软件平台使用", "软件平台变更"],
    "评估实施效果": ["服务质量改善度的评估", "实施目标达成度的评估"],
    "评审运营情况": ["管理评审", "内部审核", "外部审核"],
}

PDCA = {
    "策划": ("Plan", ["总体管控方针、目标和计划", "服务管控目录", "组织架构和管理制度", "管控指标体系和质量保障体系",
                    "内部审核评估机制"]),
    "实施": ("Do", ["阶段性管控计划", "协调管理机制", "过程管控实施", "提交满足质量要求的交付物"]),
    "检查": ("Check", ["实施过程评审", "关键指标和关键要素检查", "重大问题界定", "初步改进建议", "提交满足质量要求的交付物"]),
    "改进": ("Act", ["建立过程改进机制", "总结不符合行为和未达成指标", "实施质量和等级", "改进目标和计划", "执行和监控改进",
                   "实施成果标准化"]),
}


def test_four_implementation_phases_in_order(kb):
    phases = {p for p in kb.subjects(RDF.type, I("ImplementationPhase")) if str(p).startswith(KB + "impphase-")}
    assert len(phases) == 4
    assert ordered_labels(kb, phases) == PHASES
    method = K("impmethod-ITSS实施原理")
    assert (method, RDF.type, I("ImplementationMethodology")) in kb
    for p in phases:
        assert (p, I("partOf"), method) in kb
    assert Literal("PDCA方法论（计划-执行-检查-改进）", lang="zh") in set(kb.objects(method, I("method")))


def test_process_control_is_the_fifth_item_not_a_phase(kb):
    ctl = K("impctl-实施过程管控")
    assert (ctl, RDF.type, I("ImplementationControl")) in kb
    assert (ctl, RDF.type, I("ImplementationPhase")) not in kb
    assert order(kb, ctl) == 5
    assert set(kb.objects(ctl, I("concerns"))) == {K(f"impphase-{p}") for p in PHASES}


@pytest.mark.parametrize("phase", PHASES)
def test_activities_of_each_phase(kb, phase):
    ph = K(f"impphase-{phase}")
    acts = set(kb.subjects(I("phase"), ph))
    assert all((a, RDF.type, I("ImplementationActivity")) in kb for a in acts)
    assert ordered_labels(kb, acts) == ACTIVITIES[phase]
    # the figure / §4.1.1 lists the same activities for the phase
    assert set(kb.objects(ph, I("hasActivity"))) == acts
    for a in acts:
        assert len(en(kb, a)) == 1


def test_activity_total_is_24(kb):
    acts = set(kb.subjects(RDF.type, I("ImplementationActivity")))
    acts = {a for a in acts if str(a).startswith(KB + "impact-")}
    assert len(acts) == 24


def test_alternative_names_of_4_1_1(kb):
    for key, alt in ALT_NAMES_4_1_1.items():
        assert Literal(alt, lang="zh") in set(kb.objects(K(f"impact-{key}"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))


@pytest.mark.parametrize("activity", sorted(SUB_TASKS))
def test_sub_items_of_activities(kb, activity):
    act = K(f"impact-{activity}")
    tasks = set(kb.subjects(I("partOf"), act))
    assert all((t, RDF.type, I("Task")) in kb for t in tasks)
    assert ordered_labels(kb, tasks) == SUB_TASKS[activity]
    assert set(kb.objects(act, I("hasTask"))) == tasks


def test_external_resources(kb):
    act = K("impact-采购外部资源")
    res = set(kb.objects(act, I("concerns")))
    assert ordered_labels(kb, res) == ["外部咨询机构", "外部供应商"]
    assert all((r, RDF.type, I("ExternalResource")) in kb for r in res)
    assert (K("extres-外部咨询机构"), I("relatedStandard"), K("std-咨询设计-1")) in kb


def test_standards_and_processes_named_by_activities(kb):
    rel = I("relatedStandard")
    assert (K("impact-梳理服务目录"), rel, K("std-基础-1")) in kb
    assert (K("imptask-IT信息化现状评估"), rel, K("std-基础-3")) in kb
    assert (K("imptask-人员规划"), rel, K("std-基础-3")) in kb
    assert (K("imptask-过程规划"), rel, K("std-管控-1")) in kb
    procs = set(kb.objects(K("imptask-过程规划"), I("concerns")))
    assert procs == {K("proc-" + p) for p in
                     ["服务级别管理", "服务报告管理", "事件管理", "问题管理", "配置管理", "变更管理", "发布管理"]}
    assert set(kb.objects(K("imptask-IT信息化现状评估"), I("concerns"))) == {
        K("res-服务台"), K("res-知识库"), K("res-备件库")}


def test_deliverables(kb):
    produces, consumes = I("produces"), I("consumes")
    assert (K("impact-制定实施方案"), produces, K("deliv-实施方案")) in kb
    assert (K("impact-规划IT服务体系架构"), consumes, K("deliv-实施方案")) in kb
    assert (K("impact-梳理服务目录"), produces, K("deliv-服务目录")) in kb
    assert (K("impphase-规划设计"), produces, K("deliv-规划设计方案")) in kb
    assert (K("impphase-部署实施"), consumes, K("deliv-规划设计方案")) in kb
    assert (K("impact-估算实施所需资源"), produces, K("deliv-工作分解结构")) in kb
    assert (K("imptask-编制风险管理计划"), produces, K("deliv-风险管理计划")) in kb
    assert (K("imptask-费用预算"), produces, K("deliv-资金使用计划")) in kb
    assert (K("impact-评估审批"), consumes, K("deliv-方案报告")) in kb
    assert (K("impact-制定改进计划"), produces, K("deliv-改进计划")) in kb
    assert (K("impact-实施改进活动及跟踪验证"), consumes, K("deliv-改进计划")) in kb
    for d in kb.subjects(RDF.type, I("Deliverable")):
        if str(d).startswith(KB + "deliv-"):
            assert zh(kb, d) and len(en(kb, d)) == 1, d


def test_pdca_steps_of_process_control(kb):
    ctl = K("impctl-实施过程管控")
    steps = set(kb.subjects(I("partOf"), ctl))
    assert all((s, RDF.type, I("PDCAStep")) in kb for s in steps)
    assert ordered_labels(kb, steps) == list(PDCA)
    for step, (english, works) in PDCA.items():
        node = K(f"impctlstep-{step}")
        assert en(kb, node) == {english}
        tasks = set(kb.subjects(I("phase"), node))
        assert ordered_labels(kb, tasks) == works
        assert set(kb.objects(node, I("hasTask"))) == tasks
    total = sum(len(w) for _, w in PDCA.values())
    assert total == 20


# --------------------------------------------------------------------------------------------
# §4.2 typical scenarios
# --------------------------------------------------------------------------------------------

SCENARIOS = {
    1: dict(
        label="面向需方的运维集中管理",
        party="需方",
        biz="运行维护",
        standards=[("运维-1", 5200, "信息技术服务运行维护第1部分：通用要求"),
                   ("运维-2", 5202, "信息技术服务运行维护第2部分：交付规范"),
                   ("运维-3", 5204, "信息技术服务运行维护第3部分：应急响应规范"),
                   ("运维-4", 5206, "信息技术服务运行维护第4部分：数据中心服务规范"),
                   ("基础-2", 5208, "信息技术服务质量评价指标体系"),
                   ("外包-1", 5210, "信息技术服务外包第1部分：交付保障通用要求"),
                   ("基础-3", 5212, "信息技术服务从业人员能力规范")],
        statements={"background": 1, "symptom": 4, "problem": 3, "outcome-summary": 1, "outcome": 3},
    ),
    2: dict(
        label="面向供方的服务体系新建/优化",
        party="供方",
        biz="运行维护",
        standards=[("运维-1", 5454, "信息技术服务运行维护第1部分：通用要求"),
                   ("运维-2", 5456, "信息技术服务运行维护第2部分：交付规范"),
                   ("运维-3", 5458, "信息技术服务运行维护第3部分：应急响应规范"),
                   ("运维-4", 5460, "信息技术服务运行维护第4部分：数据中心规范"),
                   ("管控-3", 5462, "信息技术服务服务管理第3部分：技术要求"),
                   ("基础-3", 5464, "信息技术服务从业人员能力规范")],
        statements={"background": 1, "symptom": 4, "problem": 4, "outcome-summary": 1, "outcome": 5},
    ),
    3: dict(
        label="面向行业主管单位的行业统计和质量监管",
        party="行业主管部门",
        biz=None,
        standards=[("基础-1", 5630, "信息技术服务分类与代码"),
                   ("基础-2", 5632, "信息技术服务质量评价指标体系")],
        statements={"background": 1, "symptom": 2, "problem": 2, "outcome-summary": 1, "outcome": 4},
    ),
}


def test_three_scenarios(kb):
    scenarios = set(kb.subjects(RDF.type, I("Scenario")))
    assert {K(f"scenario-{n}") for n in SCENARIOS} <= scenarios
    assert ordered_labels(kb, [K(f"scenario-{n}") for n in SCENARIOS]) == [s["label"] for s in SCENARIOS.values()]


@pytest.mark.parametrize("n", sorted(SCENARIOS))
def test_scenario_standards_exactly(kb, n):
    spec = SCENARIOS[n]
    sc = K(f"scenario-{n}")
    assert set(kb.objects(sc, I("appliesStandard"))) == {K(f"std-{s}") for s, _, _ in spec["standards"]}
    cites = sorted(kb.subjects(I("citedIn"), sc), key=lambda c: order(kb, c))
    got = [(str(kb.value(c, I("cites"))).removeprefix(KB + "std-"), int(kb.value(c, I("line"))), next(iter(zh(kb, c))))
           for c in cites]
    assert got == spec["standards"]


@pytest.mark.parametrize("n", sorted(SCENARIOS))
def test_scenario_profile(kb, n):
    spec = SCENARIOS[n]
    sc = K(f"scenario-{n}")
    assert set(kb.objects(sc, I("party"))) == {K(f"party-{spec['party']}")}
    assert set(kb.objects(sc, I("businessType"))) == ({K(f"biz-{spec['biz']}")} if spec["biz"] else set())
    assert len(set(kb.objects(sc, I("profileFact")))) >= 8
    kinds: dict[str, int] = {}
    for st in kb.objects(sc, I("hasStatement")):
        k = str(kb.value(st, I("statementKind")))
        kinds[k] = kinds.get(k, 0) + 1
        assert zh(kb, st) and en(kb, st)
    assert kinds == spec["statements"]


def test_scenario_key_profile_facts(kb):
    facts = {n: {str(o) for o in kb.objects(K(f"scenario-{n}"), I("profileFact"))} for n in SCENARIOS}
    assert "需方每个数据中心分别面对众多的服务供方" in facts[1]
    assert "总部中心、省中心、地市中心和区县中心并存" in facts[1]
    assert "供方需要建设或梳理自身的运维服务能力体系" in facts[2]
    assert "没有适用于供方的IT服务管理工具" in facts[2]
    assert "行业主管单位希望对行业内IT服务相关企业的类别、数量情况" in facts[3]
    assert "行业主管单位缺乏客观的、可量化的、统一的IT服务质量评价标准" in facts[3]


# table → {(row, party): [items in order]}
T41 = {
    ("质量管理", "需方"): ["第三方评价授权", "给出明确的服务质量目标", "设立专门的服务质量管理部门，并进行岗位职责划分",
                      "有明确的接口人，负责组织协调各方资源"],
    ("质量管理", "供方"): ["设置服务质量管理岗位，明确岗位职责和权限，负责服务质量评价实施的协调", "配置相关的人力资源支撑质量评价的实施",
                      "提供支撑服务质量评价的源数据", "定期根据服务质量评价指标进行自评"],
    ("质量管理", "第三方"): ["多方调研并形成服务质量评价需求", "按需定制的服务质量评价体系建设", "牵头服务质量评价的实施", "出具服务质量评价报告"],
    ("过程管理", "需方"): ["明确服务交付体系的建设目标", "成立项目实施领导小组，进行管理授权，并定期监督检查", "落实项目资金管理"],
    ("过程管理", "供方"): ["组建项目实施团队，落实服务交付体系建设的相关岗位职责", "对咨询方的实施方案进行可行性分析", "按咨询方的实施方案进行落地实施"],
    ("过程管理", "第三方"): ["IT服务交付体系现状调研及需求分析", "制定服务交付体系建设实施方案", "梳理服务交付体系相关的流程",
                       "提供服务交付所需的软件平台的选型建议", "持续跟踪体系运行情况，并给出优化改进建议"],
    ("人员管理", "需方"): ["提出服务人员从业资格要求", "建立IT服务人员绩效考核机制"],
    ("人员管理", "供方"): ["建立服务人员职位序列及相关评定体系", "梳理IT服务相关岗位任职要求", "定期对服务人员进行培训及考核",
                      "建立人才储备和关键岗位备份机制"],
    ("人员管理", "第三方"): ["服务人员能力需求调研", "根据需求制定IT服务人员培训方案", "提供ITSS培训及从业人员资格认定服务"],
}
T42 = {
    ("过程管理", "供方管理者"): ["组织协调供方内部关系和资源调度", "明确服务交付体系的建设目标", "成立项目实施领导小组，进行管理授权，并定期监督检查",
                         "落实项目资金管理"],
    ("过程管理", "供方实施者"): ["组建项目实施团队，落实服务交付体系建设的相关岗位职责", "对咨询方的实施方案进行可行性分析", "按咨询方的实施方案进行落地实施"],
    ("过程管理", "咨询方"): ["IT服务交付体系现状调研及需求分析", "制定服务交付体系建设实施方案", "梳理服务交付体系相关的流程",
                       "提供服务交付所需的软件平台的选型建议", "持续跟踪体系运行情况，并给出优化改进建议"],
    ("人员管理", "供方管理者"): ["建立服务人员职位序列及相关评定体系"],
    ("人员管理", "供方实施者"): ["梳理IT服务相关岗位任职要求", "建立IT服务人员绩效考核机制", "定期对服务人员进行培训及考核", "建立人才储备和关键岗位备份机制"],
    ("人员管理", "咨询方"): ["服务人员能力需求调研", "根据需求制定IT服务人员培训方案", "提供ITSS培训及从业人员资格认定服务"],
}
T43 = {
    (None, "行业用户"): ["第三方评价授权", "给出明确的服务质量目标", "设立专门的服务质量管理部门，并进行岗位职责划分", "要有明确的接口人，负责组织协调各方资源"],
    (None, "IT服务提供方"): ["设置服务质量管理岗位(QA)，明确岗位职责和权限，负责服务质量评价实施的协调", "配置相关的人力资源支撑质量评价的实施",
                        "提供支撑服务质量评价的源数据", "定期根据服务质量评价指标进行自评"],
    (None, "第三方"): ["多方调研并形成服务质量评价需求", "服务质量评价模型的设计", "按需定制的服务质量评价体系建设", "牵头服务质量评价的实施", "出具服务质量评价报告"],
}


@pytest.mark.parametrize("table,scenario,expected,total", [
    ("t4-1", 1, T41, 32),
    ("t4-2", 2, T42, 20),
    ("t4-3", 3, T43, 13),
])
def test_party_tasks(kb, table, scenario, expected, total):
    unit = URIRef(SRC + table)
    tasks = [t for t in kb.subjects(RDF.type, I("PartyTask")) if (t, DCTERMS.source, unit) in kb]
    assert len(tasks) == total == sum(len(v) for v in expected.values())
    assert sorted(order(kb, t) for t in tasks) == list(range(1, total + 1))
    got: dict = {}
    for t in sorted(tasks, key=lambda t: order(kb, t)):
        assert (t, I("partOf"), K(f"scenario-{scenario}")) in kb
        area = kb.value(t, I("taskArea"))
        area_name = next(iter(zh(kb, area))) if area is not None else None
        party = kb.value(t, I("party"))
        assert (party, RDF.type, I("Party")) in kb or party in {K("party-需方"), K("party-供方"), K("party-第三方")}
        key = (area_name, str(party).removeprefix(KB + "party-"))
        texts = {str(o) for o in kb.objects(t, I("text"))}
        assert len(texts) == 1
        got.setdefault(key, []).append(texts.pop())
        assert len(en(kb, t)) == 1
    assert got == expected


def test_sub_parties(kb):
    skos_broader = URIRef("http://www.w3.org/2004/02/skos/core#broader")
    assert (K("party-供方管理者"), skos_broader, K("party-供方")) in kb
    assert (K("party-供方实施者"), skos_broader, K("party-供方")) in kb
    assert (K("party-IT服务提供方"), skos_broader, K("party-供方")) in kb


# --------------------------------------------------------------------------------------------
# §4.3 key success factors
# --------------------------------------------------------------------------------------------

KEY_FACTORS = ["政策法规", "标准规范", "业务需求", "意识意愿", "团队人员", "服务能力体系", "工具平台", "相关资源", "测量评价"]


def test_key_success_factors(kb):
    unit = URIRef(SRC + "s4-3")
    factors = [f for f in kb.subjects(RDF.type, I("KeyFactor")) if (f, DCTERMS.source, unit) in kb]
    assert ordered_labels(kb, factors) == KEY_FACTORS
    for f in factors:
        assert any(isinstance(t, Literal) and t.language == "zh" and len(t) > 40 for t in kb.objects(f, I("text")))
        assert len(en(kb, f)) == 1
    regs = set(kb.objects(K("ksf-政策法规"), I("relatedStandard")))
    assert regs == {K("ext-企业内部控制基本规范"), K("ext-中央企业全面风险管理指引"),
                    K("ext-进一步鼓励软件产业和集成电路产业发展的若干政策")}
