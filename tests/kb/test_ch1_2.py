"""Coverage of chapters 1 and 2 of the white paper (lines 1-1750): the counts and items counted
by hand in the text, for every table, figure and defining list of the area ``ch1-2``.

How each scrambled table or figure was read is written in the ``itss:note`` of its source unit
(``ontology/kb/<unit>.ttl``); the expectations below follow those readings.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.collection import Collection

ITSS = Namespace("https://w3id.org/itss-graph/ontology#")
KB = Namespace("https://w3id.org/itss-graph/kb/")
SRC = Namespace("https://w3id.org/itss-graph/source/")

STAGES = ["规划设计", "部署实施", "服务运营", "持续改进", "监督管理"]
TABLE_BIZ = ["咨询设计", "集成实施", "运行维护", "服务运营"]  # column 运营服务 = kb:biz-服务运营


def iri(kind: str, name: str) -> URIRef:
    key = name.replace("/", "-")
    for ch in "()（）,，:：;；、 ":
        key = key.replace(ch, "")
    return KB[f"{kind}-{key}"]


def zh_labels(g, s) -> set[str]:
    return {str(o) for o in g.objects(s, RDFS.label) if getattr(o, "language", None) == "zh"}


def items(g, node) -> list[URIRef]:
    head = g.value(node, ITSS.itemList)
    assert head is not None, f"{node} has no itss:itemList"
    return list(Collection(g, head))


def ordered(g, cls, **where) -> list[URIRef]:
    subjects = [s for s in g.subjects(RDF.type, cls)
                if all((s, ITSS[p], o) in g for p, o in where.items())]
    return sorted(subjects, key=lambda s: int(g.value(s, ITSS.order)))


# --------------------------------------------------------------------------- §1.1 shared individuals

def test_four_elements_pptr(kb, kb_dataset):
    els = ordered(kb_dataset.graph(SRC["s1-1"]), ITSS.Element)
    assert els == [iri("element", n) for n in ["人员", "过程", "技术", "资源"]]
    defs = {str(o) for o in kb.objects(iri("element", "资源"), SKOS.definition) if o.language == "zh"}
    assert "指提供IT服务所依存和产生的有形及无形资产" in defs


def test_five_lifecycle_stages_piois(kb, kb_dataset):
    stages = ordered(kb_dataset.graph(SRC["s1-1"]), ITSS.LifecycleStage)
    assert stages == [iri("stage", n) for n in STAGES]
    defs = {str(o) for o in kb.objects(iri("stage", "部署实施"), SKOS.definition) if o.language == "zh"}
    assert "在规划设计基础上，依据ITSS建立管理体系、部署专用工具及服务解决方案" in defs
    alt = {str(o) for o in kb.objects(iri("stage", "监督管理"), SKOS.altLabel) if o.language == "en"}
    assert "Supervision" in alt


def test_business_types(kb):
    biz = {s for s in kb.subjects(RDF.type, ITSS.BusinessType)}
    for n in ["咨询设计", "集成实施", "运行维护", "服务管控", "服务运营", "服务外包"]:
        assert iri("biz", n) in biz
    assert Literal("运营服务", lang="zh") in set(kb.objects(iri("biz", "服务运营"), SKOS.altLabel))
    # figure column groups: 面向IT的服务 over the first three, IT驱动的服务 over 运营服务
    assert (iri("biz", "运行维护"), SKOS.broader, iri("svcform", "面向IT的服务")) in kb
    assert (iri("biz", "服务运营"), SKOS.broader, iri("svcform", "IT驱动的服务")) in kb


def test_people_element_requires_knowledge_skills_experience(kb):
    caps = set(kb.objects(iri("element", "人员"), ITSS.requires))
    assert {iri("cap", "知识"), iri("cap", "技能"), iri("cap", "经验")} <= caps


# --------------------------------------------------------------------------- §1.2, §1.3

def test_problems_without_itss(kb):
    assert len(list(kb.subjects(RDF.type, ITSS.Challenge))) > 0
    dem = ordered(kb, ITSS.Challenge, party=iri("party", "需方"))
    heads = [next(iter(zh_labels(kb, c))) for c in dem if str(c).startswith(str(KB["challenge-需方-"]))]
    assert heads == ["需求方面", "供应商选择方面", "供应商管理方面", "人员方面"]
    sup = [c for c in ordered(kb, ITSS.Challenge, party=iri("party", "供方")) if str(c).startswith(str(KB["challenge-供方-"]))]
    assert [next(iter(zh_labels(kb, c))) for c in sup] == ["工程师", "管理人员", "服务产品化"]
    assert {iri("problem", "1"), iri("problem", "2")} <= set(kb.subjects(RDF.type, ITSS.Challenge))


@pytest.mark.parametrize("party", ["需方", "供方"])
def test_benefits_of_itss(kb, party):
    bs = [b for b in ordered(kb, ITSS.Benefit, party=iri("party", party))
          if str(b).startswith(str(KB[f"benefit-{party}-"]))]
    assert [next(iter(zh_labels(kb, b))) for b in bs] == ["提升IT服务质量", "优化IT服务成本", "强化IT服务效能", "降低IT服务风险"]


def test_who_needs_itss(kb, kb_dataset):
    g = kb_dataset.graph(SRC["s1-3"])
    top = sorted(set(g.subjects(ITSS.usesITSSFor, None)), key=lambda s: int(g.value(s, ITSS.order)))
    assert top == [iri("party", n) for n in ["行业主管部门", "需方", "供方", "高校和科研院所", "个人"]]
    assert "用于实施标准化的IT服务，或选择合格的IT服务提供商" in {str(o) for o in g.objects(iri("party", "需方"), ITSS.usesITSSFor)}
    dem = sorted(g.subjects(SKOS.broader, iri("party", "需方")), key=lambda s: int(g.value(s, ITSS.order)))
    assert dem == [iri("party", n) for n in ["中央及地方各级政府部门信息中心", "金融电信电力石化等全国性或区域性行业企业的IT部门",
                                              "全国范围内大中型企业的IT部门", "其它有IT服务需求的组织"]]
    sup = list(g.subjects(SKOS.broader, iri("party", "供方")))
    assert len(sup) == 5
    for p in ["需方", "供方", "第三方", "行业主管部门"]:
        assert (iri("party", p), RDF.type, ITSS.Party) in kb


# --------------------------------------------------------------------------- §1.4, §1.5

def test_publications(kb_dataset):
    g = kb_dataset.graph(SRC["s1-4-1"])
    pubs = sorted(g.subjects(SKOS.broader, iri("offer", "ITSS出版物")), key=lambda s: int(g.value(s, ITSS.order)))
    assert pubs == [iri("pub", n) for n in ["标准", "白皮书", "其他出版物"]]


def test_table_1_1_offerings(kb_dataset, kb):
    g = kb_dataset.graph(SRC["t1-1"])
    offers = sorted(g.subjects(RDF.type, ITSS.Offering), key=lambda s: int(g.value(s, ITSS.order)))
    assert offers == [iri("offer", n) for n in [
        "标准应用咨询", "标准评估咨询", "资格类培训", "服务人员培训", "符合性评估", "服务质量评价",
        "IT服务监理", "资格认定", "ITSS出版物", "ITSS工具"]]
    per_cat = {c: len(list(g.subjects(ITSS.offeringCategory, iri("offercat", c))))
               for c in ["咨询服务", "培训服务", "评估服务", "ITSS产品"]}
    assert per_cat == {"咨询服务": 2, "培训服务": 2, "评估服务": 4, "ITSS产品": 2}
    # ITSS教材培训 (316) ends the description of 服务人员培训, it is not a row (10 rows, not 11)
    assert (iri("offer", "ITSS教材培训"), RDF.type, ITSS.Offering) not in kb
    assert "包括服务工程师、服务经理和服务总监等ITSS教材培训" in {
        str(o) for o in g.objects(iri("offer", "服务人员培训"), ITSS.text)}
    third = set(g.subjects(ITSS.offeredBy, iri("party", "第三方")))
    assert third == {iri("offer", n) for n in ["标准评估咨询", "符合性评估", "服务质量评价", "IT服务监理"]}
    assert set(g.objects(iri("offer", "服务人员培训"), ITSS.offeredBy)) == {iri("party", "服务商"), iri("party", "培训机构")}
    assert set(g.objects(iri("offer", "资格类培训"), ITSS.targetAudience)) == {iri("role", n) for n in ["培训师", "评估师", "监理师"]}


def test_implementation_phases(kb_dataset):
    g = kb_dataset.graph(SRC["s1-5"])
    phases = sorted(g.subjects(RDF.type, ITSS.ImplementationPhase), key=lambda s: int(g.value(s, ITSS.order)))
    assert phases == [iri("impphase", n) for n in ["需求分析", "规划设计", "部署实施", "优化改进"]]
    assert g.value(iri("party", "需方"), ITSS.implementationGoal) is not None
    assert g.value(iri("party", "供方"), ITSS.implementationGoal) is not None


# --------------------------------------------------------------------------- §2.1

def test_it_service_definitions(kb, kb_dataset):
    assert len([o for o in kb.objects(iri("term", "服务"), SKOS.definition) if o.language == "zh"]) >= 3
    d = {str(o) for o in kb.objects(iri("term", "信息技术服务"), SKOS.definition) if o.language == "zh"}
    assert "指供方为需方提供如何开发、应用信息技术的服务，以及供方以信息技术为手段提供支持需方业务活动的服务" in d
    forms = ordered(kb, ITSS.ServiceForm, partOf=iri("term", "信息技术服务"))
    assert forms == [iri("svcform", n) for n in ["信息技术咨询服务", "设计与开发服务", "信息系统集成服务", "数据处理和运营服务", "其他信息技术服务"]]
    g = kb_dataset.graph(SRC["s2-1"])
    comps = sorted(set(g.subjects(SKOS.broader, iri("svcform", "面向IT的服务"))), key=lambda s: int(g.value(s, ITSS.order)))
    assert comps == [iri("svcform", n) for n in ["咨询设计", "开发测试", "系统集成", "运行维护", "数据处理和运营"]]


def test_table_2_1_service_characteristics(kb):
    rows = ordered(kb, ITSS.ServiceCharacteristic)
    assert rows == [iri("svcchar", n) for n in ["不完全无形性", "不可分离性", "不可储存性", "差异性"]]
    for r in rows:
        assert kb.value(r, SKOS.definition) is not None


def test_figure_2_1_industry_chain(kb, kb_dataset):
    g = kb_dataset.graph(SRC["f2-1"])
    assert set(g.subjects(SKOS.broader, iri("party", "需方"))) == {iri("party", n) for n in ["行业客户", "企业客户", "其他组织和个人"]}
    assert set(g.subjects(SKOS.broader, iri("party", "供方"))) == {iri("party", "服务商"), iri("party", "供应商")}
    assert items(g, iri("party", "服务商")) == [iri("svcform", n) for n in ["咨询设计", "开发测试", "系统集成", "运行维护", "数据处理", "运营"]]
    groups = sorted(g.subjects(ITSS.offeredBy, iri("party", "供应商")), key=lambda s: int(g.value(s, ITSS.order)))
    assert groups == [iri("chain", n) for n in ["人员", "软件", "设备", "其他"]]
    assert [len(list(g.subjects(SKOS.broader, c))) for c in groups] == [3, 4, 4, 0]


def test_figure_2_2_goals_and_qualities(kb_dataset):
    g = kb_dataset.graph(SRC["f2-2"])
    expect = {"人员": ("正确选人", {"知识", "技能", "经验"}), "资源": ("保障做事", {"科学", "配套", "合理"}),
              "过程": ("正确做事", {"简洁", "高效", "协调"}), "技术": ("高效做事", {"专业", "先进", "安全"})}
    for el, (goal, quals) in expect.items():
        e = iri("element", el)
        assert Literal(goal, lang="zh") in set(g.objects(e, ITSS.elementGoal))
        assert {str(o) for o in g.objects(e, ITSS.elementQuality) if o.language == "zh"} == quals


# --------------------------------------------------------------------------- §2.2 figures 2-3 … 2-6

FIG_2_3 = {
    "咨询设计": ["项目总监", "项目经理", "客户经理", "架构顾问", "咨询顾问", "实施顾问"],
    "集成实施": ["项目总监", "项目经理", "客户经理", "产品经理", "系统分析师", "架构设计师", "软件设计师", "信息安全工程师",
             "系统集成工程师", "系统评测工程师", "程序员"],
    "运行维护": ["项目总监", "项目经理", "客户经理", "产品经理", "运维总监", "IT服务工程师", "信息安全工程师", "IT网络管理员",
             "IT系统管理员", "IT应用服务员"],
    "服务运营": ["项目总监", "项目经理", "服务定价师", "客户经理", "商务人员", "服务人员"],
}
FIG_2_4 = {
    "咨询设计": ["诊断过程", "实施过程", "调研过程", "设计过程", "交付过程", "确认过程"],
    "集成实施": ["需求开发过程", "需求管理过程", "设计过程", "测试过程", "实现过程", "集成过程", "安装部署"],
    "运行维护": ["服务级别管理", "服务报告", "问题管理", "事件管理", "配置管理", "发布管理", "变更管理", "安全管理"],
    "服务运营": ["服务反馈管理", "安全报告", "服务传递管理", "改进管理", "定制与交互管理", "服务战略管理", "分类管理", "需求管理"],
}
FIG_2_5 = {
    "咨询设计": ["业务分析法", "IT架构规划方法", "组织战略分析法", "IT战略规划方法"],
    "集成实施": ["网络集成技术", "应用集成技术", "原型法", "软件复用技术", "数据集成技术", "面向对象技术", "白盒测试方法",
             "软件架构技术", "黑盒测试方法", "数据库技术", "项目计划技术"],
    "运行维护": ["IT自动化技术", "IT安全技术", "监控和调度技术", "网络架构技术", "服务器和小型机技术", "数据库技术", "操作系统技术",
             "中间件技术", "问题诊断技术", "事故/故障发现技术"],
    "服务运营": ["运营管理方法", "服务战略规划方法", "计量技术"],
}


@pytest.mark.parametrize("unit,element,kind,columns,distinct", [
    ("f2-3", "人员", "role", FIG_2_3, 22),
    ("f2-4", "过程", "proc", FIG_2_4, 28),
    ("f2-5", "技术", "tech", FIG_2_5, 27),
])
def test_figure_columns(kb_dataset, unit, element, kind, columns, distinct):
    g = kb_dataset.graph(SRC[unit])
    seen = set()
    for biz, names in columns.items():
        profile = iri("profile", f"{element}-{biz}")
        assert (profile, ITSS.businessType, iri("biz", biz)) in g
        assert items(g, profile) == [iri(kind, n) for n in names], biz
        for n in names:
            assert (iri(kind, n), ITSS.usedIn, iri("biz", biz)) in g, (n, biz)
        seen |= set(names)
        # nothing else of this figure is used in the column
        used = {s for s in g.subjects(ITSS.usedIn, iri("biz", biz))}
        assert used == {iri(kind, n) for n in names}, biz
    assert len(seen) == distinct


def test_figure_2_6_resources(kb_dataset):
    g = kb_dataset.graph(SRC["f2-6"])
    cats = sorted((s for s in g.subjects(RDF.type, ITSS.ResourceType) if g.value(s, ITSS.order) is not None),
                  key=lambda s: int(g.value(s, ITSS.order)))
    assert cats == [iri("res", n) for n in ["基础设施", "资金", "应用", "信息"]]
    expect = {"基础设施": ["通信线路", "数据中心", "备件库"], "资金": ["公司资金", "部门资金"], "应用": ["应用系统"],
              "信息": ["知识库", "工具库", "专家库"]}
    for c, kids in expect.items():
        assert items(g, iri("res", c)) == [iri("res", k) for k in kids]
        assert set(g.subjects(SKOS.broader, iri("res", c))) == {iri("res", k) for k in kids}


def test_people_lead_in_and_resources_lead_in(kb):
    assert items(kb, iri("profile", "人员-典型IT服务")) == [iri("role", n) for n in [
        "项目经理", "系统分析师", "架构设计师", "系统集成工程师", "信息安全工程师", "系统评测工程师", "IT服务工程师",
        "服务定价师", "客户经理", "日常IT服务人员"]]
    assert (iri("role", "系统集成项目经理"), SKOS.broader, iri("role", "项目经理")) in kb
    assert items(kb, iri("profile", "资源-咨询设计和运行维护")) == [iri("res", n) for n in ["知识库", "工具库", "专家库", "备件库", "服务台"]]
    assert (iri("res", "服务台"), ITSS.usedIn, iri("biz", "运行维护")) in kb


@pytest.mark.parametrize("element,challenges,rationales", [("人员", 4, 3), ("过程", 6, 5), ("技术", 3, 5), ("资源", 4, 4)])
def test_element_challenges_and_rationales(kb, element, challenges, rationales):
    c = [s for s in ordered(kb, ITSS.Challenge, element=iri("element", element)) if str(s).startswith(str(KB["challenge-"]))]
    r = ordered(kb, ITSS.Rationale, element=iri("element", element))
    assert (len(c), len(r)) == (challenges, rationales)
    assert [int(kb.value(s, ITSS.order)) for s in c] == list(range(1, challenges + 1))


def test_technology_capabilities(kb_dataset):
    g = kb_dataset.graph(SRC["s2-2-3"])
    caps = sorted(g.subjects(RDF.type, ITSS.Capability), key=lambda s: int(g.value(s, ITSS.order)))
    assert caps == [iri("cap", n) for n in ["发现和解决问题", "风险控制", "技术储备", "研发、应用新技术和前沿技术"]]


# --------------------------------------------------------------------------- §2.3 tables 2-3 … 2-7

R, P, T, S = "role", "proc", "tech", "res"
RES4 = [(S, n) for n in ["基础设施", "应用系统", "资金", "信息"]]
T23 = [(T, n) for n in ["组织战略分析法", "PEST分析", "SWOT分析", "价值链分析", "业务分析法", "业务流程图", "IDEFO法", "业务关系矩阵",
                         "业务战略规划法", "趋势分析", "需求建模", "IT架构规划方法", "信息流", "业务功能树"]]
ALL = tuple(TABLE_BIZ)


def _r(*names):
    return [(R, n) for n in names]


def _p(*names):
    return [(P, n) for n in names]


def _t(*names):
    return [(T, n) for n in names]


TABLES = {
    ("t2-3", "规划设计"): [
        ("人员", ("咨询设计",), _r("项目总监", "项目经理", "客户经理", "咨询顾问", "架构顾问", "实施顾问")),
        ("人员", ("集成实施",), _r("项目总监", "项目经理", "客户经理", "产品经理", "架构设计师", "软件设计师")),
        ("人员", ("运行维护",), _r("项目总监", "项目经理", "客户经理", "产品经理", "IT服务工程师", "信息安全工程师")),
        ("人员", ("服务运营",), _r("项目总监", "项目经理", "服务定价师", "客户经理")),
        ("过程", ("咨询设计",), _p("前期准备", "可行性研究") + _t("组织战略分析法")),
        ("过程", ("集成实施",), _p("需求调研", "需求分析", "集成设计")),
        ("过程", ("运行维护",), _p("服务目录", "服务可用性和连续性", "财务管理", "能力管理", "信息安全管理", "供方管理")),
        ("过程", ("服务运营",), _p("需求管理", "服务战略管理")),
        ("技术", ALL, T23),
        ("资源", ALL, RES4),
    ],
    ("t2-4", "部署实施"): [
        ("人员", ("咨询设计",), _r("项目总监", "项目经理", "客户经理", "咨询顾问", "架构顾问", "实施顾问")),
        ("人员", ("集成实施",), _r("项目总监", "项目经理", "客户经理", "产品经理", "架构设计师", "软件设计师", "系统集成工程师",
                               "信息安全工程师", "程序员")),
        ("人员", ("运行维护",), _r("项目总监", "项目经理", "客户经理", "产品经理", "IT服务工程师", "信息安全工程师", "IT网络管理员",
                               "IT系统管理员")),
        ("人员", ("服务运营",), _r("项目总监", "项目经理", "服务定价师", "客户经理", "商务人员", "服务人员")),
        ("过程", ("咨询设计",), _p("需求调研", "需求分析", "咨询设计")),
        ("过程", ("集成实施",), _p("系统开发", "系统测试", "系统部署", "系统上线")),
        ("过程", ("运行维护",), _p("配置管理", "变更管理", "发布管理")),
        ("过程", ("服务运营",), _p("分类管理", "定制与交互管理", "服务传递管理")),
        ("技术", ("咨询设计",), _t("IT战略规划方法", "IT架构规划方法", "业务分析法")),
        ("技术", ("集成实施",), _t("开发规范", "数据建模技术", "测试技术", "安装部署技术", "专业技术", "网络技术", "数据库技术")),
        ("技术", ("运行维护",), _t("问题诊断技术", "事故/故障诊断技术", "操作系统技术", "数据库技术", "中间件技术", "硬件技术")),
        ("资源", ALL, RES4),
    ],
    ("t2-5", "服务运营"): [
        ("人员", ("咨询设计",), _r("项目经理", "实施顾问")),
        ("人员", ("集成实施",), _r("项目经理", "系统集成工程师", "信息安全工程师", "程序员")),
        ("人员", ("运行维护",), _r("项目经理", "客户经理", "IT服务工程师")),
        ("人员", ("服务运营",), _r("项目经理", "服务人员")),
        ("过程", ("咨询设计",), _p("交付咨询成果")),
        ("过程", ("运行维护",), _p("事件管理", "问题管理", "配置管理", "变更管理", "发布管理", "服务报告")),
        ("过程", ("服务运营",), _p("改进管理", "安全报告", "服务反馈管理")),
        ("技术", ("集成实施",), _t("专业技术", "网络技术", "数据库技术")),
        ("技术", ("运行维护",), _t("与发现问题相关的技术", "与解决问题相关的技术")),
        ("资源", ALL, RES4),
    ],
    ("t2-6", "持续改进"): [
        ("人员", ("咨询设计",), _r("项目总监", "项目经理", "客户经理", "咨询顾问")),
        ("人员", ("集成实施",), _r("项目总监", "项目经理", "客户经理", "产品经理", "架构设计师", "软件设计师")),
        ("人员", ("运行维护",), _r("项目总监", "项目经理", "客户经理", "IT服务工程师")),
        ("人员", ("服务运营",), _r("项目总监", "项目经理", "服务定价师", "客户经理")),
        ("过程", ("咨询设计", "集成实施", "运行维护"), []),
        ("过程", ("服务运营",), _p("改进管理")),
        ("资源", ALL, RES4),
    ],
    ("t2-7", "监督管理"): [
        ("人员", ALL, _r("项目总监", "项目经理", "客户经理", "质量经理")),
        ("过程", ALL, _p("服务度量/测量", "服务报告")),
        ("技术", ALL, _t("采样分析", "控制图", "直方图", "鱼骨图", "检查表", "趋势图")),
        ("资源", ALL, RES4),
    ],
}
EXPECTED_CELLS = {"t2-3": 16, "t2-4": 15, "t2-5": 13, "t2-6": 12, "t2-7": 16}


@pytest.mark.parametrize("unit,stage", list(TABLES), ids=[u for u, _ in TABLES])
def test_stage_tables(kb_dataset, unit, stage):
    g = kb_dataset.graph(SRC[unit])
    reqs = set(g.subjects(RDF.type, ITSS.StageRequirement))
    assert len(reqs) == EXPECTED_CELLS[unit]
    expected_nodes = set()
    for element, bizs, cell in TABLES[(unit, stage)]:
        for biz in bizs:
            node = iri("req", f"{stage}-{biz}-{element}")
            expected_nodes.add(node)
            assert (node, ITSS.stage, iri("stage", stage)) in g
            assert (node, ITSS.businessType, iri("biz", biz)) in g
            assert (node, ITSS.element, iri("element", element)) in g
            assert (node, ITSS.composedLabel, Literal(True)) in g
            if cell:
                assert items(g, node) == [iri(k, n) for k, n in cell], (element, biz)
                assert set(g.objects(node, ITSS.requires)) == {iri(k, n) for k, n in cell}
            else:
                assert g.value(node, ITSS.text) is not None
    assert reqs == expected_nodes


def test_table_2_3_example_cell(kb):
    node = iri("req", "规划设计-运行维护-人员")
    assert [next(iter(zh_labels(kb, r) & {"项目总监", "项目经理", "客户经理", "产品经理", "IT服务工程师", "信息安全工程师"}))
            for r in items(kb, node)] == ["项目总监", "项目经理", "客户经理", "产品经理", "IT服务工程师", "信息安全工程师"]


def test_prose_cells_keep_their_text(kb):
    texts = {str(o) for o in kb.objects(iri("req", "规划设计-咨询设计-技术"), ITSS.text)}
    assert any(t.startswith("组织战略分析法（PEST分析、SWOT分析、价值链分析）") and t.endswith("IT架构规划法（信息流、业务功能树）")
               for t in texts)
    assert Literal("采样分析、控制图、直方图、鱼骨图、检查表、趋势图", lang="zh") in set(
        kb.objects(iri("req", "监督管理-运行维护-技术"), ITSS.text))
    assert (iri("tech", "PEST分析"), SKOS.broader, iri("tech", "组织战略分析法")) in kb


@pytest.mark.parametrize("stage,count", [("规划设计", 4), ("部署实施", 5), ("服务运营", 6), ("持续改进", 5), ("监督管理", 6)])
def test_key_factors(kb, stage, count):
    kfs = ordered(kb, ITSS.KeyFactor, stage=iri("stage", stage))
    kfs = [k for k in kfs if str(k).startswith(str(KB["kf-"]))]
    assert len(kfs) == count
    assert all(kb.value(k, ITSS.text) is not None for k in kfs)


def test_key_factor_text(kb):
    texts = {str(o) for o in kb.objects(iri("kf", "监督管理-2"), ITSS.text)}
    assert "制定合理的服务测量指标KPI" in texts


def test_deployment_sub_phases(kb):
    phases = ordered(kb, ITSS.StagePhase)
    assert [p for p in phases if (p, SKOS.broader, iri("stage", "部署实施")) in kb] == [
        iri("stagephase", f"部署实施-{n}") for n in ["计划", "启动", "执行", "交付"]]


def test_figure_2_7_stage_focus(kb_dataset):
    g = kb_dataset.graph(SRC["f2-7"])
    counts = {s: len([o for o in g.objects(iri("stage", s), ITSS.stageFocus) if o.language == "zh"]) for s in STAGES}
    assert counts == {"规划设计": 5, "部署实施": 4, "服务运营": 3, "持续改进": 4, "监督管理": 4}


# --------------------------------------------------------------------------- §2.4

def test_industrialisation(kb):
    stages = ordered(kb, ITSS.IndustrialisationStage)
    assert stages == [iri("indstage", n) for n in ["产品服务化", "服务标准化", "服务产品化", "服务产业化"]]
    assert items(kb, iri("term", "IT服务的产业化进程")) == stages
    roles = {n: {str(o) for o in kb.objects(iri("indstage", n), ITSS.roleInIndustrialisation) if o.language == "zh"}
             for n in ["产品服务化", "服务标准化", "服务产品化"]}
    assert roles == {"产品服务化": {"前提"}, "服务标准化": {"保障"}, "服务产品化": {"趋势"}}


@pytest.mark.parametrize("stage,features", [("产品服务化", 3), ("服务标准化", 4), ("服务产品化", 5)])
def test_features_and_values(kb, stage, features):
    f = ordered(kb, ITSS.Feature, concerns=iri("indstage", stage))
    assert len(f) == features
    values = set(kb.subjects(ITSS.concerns, iri("indstage", stage)))
    benefits = [v for v in values if (v, RDF.type, ITSS.Benefit) in kb]
    assert {kb.value(b, ITSS.party) for b in benefits} == {iri("party", "需方"), iri("party", "供方")}


def test_gbt_4754_middle_classes(kb):
    classes = sorted(kb.subjects(SKOS.inScheme, iri("scheme", "GB-T-4754-2011-信息技术服务")),
                     key=lambda s: int(kb.value(s, ITSS.order)))
    assert classes == [iri("gbt4754", n) for n in ["信息系统集成服务", "信息技术咨询服务", "数据处理和存储服务", "集成电路设计",
                                                    "其他信息技术服务业"]]
