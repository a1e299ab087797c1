"""Coverage of area `ch3-business`: white paper §3.2.4 咨询设计标准 … §3.3 ITSS核心价值 (lines 3163-4387),
plus the links from CMDB CI classes to GB/T 29264 codes (表3-1, lines 1941-2296).

Counted by hand in the white paper:

* §3.2.4: 6 consulting standards; 图3-10: 4 key elements (人员 4 items, 过程 6 phases, 方法 3, 资源 2);
* §3.2.5: 2 integration standards; 图3-11: 5 process groups, 11 general processes, P/D/C/A;
* §3.2.6: series of 6 parts; 图3-12: 3 layers; GB/T 28827.1: 6 service objects, 5 scope uses;
  图3-13: 4 elements with 5 + 4 + 3 + 8 = 20 numbered items (read from 图附录4-10, see f3-13);
  交付规范: 4 framework parts, 4 delivery content types, 2 modes, 2 kinds of result;
  应急响应规范: 4 phases with 6 + 5 + 7 + 3 = 21 work items; 表3-5: 18 key tasks (6 + 3 + 6 + 3) × 3
  activity types, cell marks lost in extraction; 数据中心规范: 4 service types, 5 object classes,
  7 content objects, 3 + 2 + 3 activities, 4 goals, 3 report types; 图3-15: 4 columns, 6 layers,
  13 sub-objects; 桌面及外围设备 and 应用系统 specifications;
* §3.2.7: 14 cloud standards (6 headings, 1 + 3 + 4 parts; 11 with a status); 图3-16: 24 labels; 图3-17: 3 basis
  items + 6 focus areas; 图3-18: 4 characteristics + 4 internal elements;
* §3.3.1: 图3-19: 12 stakeholders; 图3-20: 4 perspectives with 5 + 6 + 7 + 4 = 22 values;
  §3.3.2-3.3.5: 3 values each for 4 stakeholders;
* CMDB: 29 CI classes with a typeName; 20 linked to a GB/T 29264 code, 9 not.
"""

from __future__ import annotations

import datetime

import pytest
from rdflib import RDF, RDFS, SKOS, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

ITSS = Namespace("https://w3id.org/itss-graph/ontology#")
KB = Namespace("https://w3id.org/itss-graph/kb/")
CMDB = Namespace("https://w3id.org/itss-graph/cmdb#")
SRC = Namespace("https://w3id.org/itss-graph/source/")


def zh(graph, s, p=RDFS.label):
    return [str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == "zh"]


def en(graph, s, p=RDFS.label):
    return [str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def order(graph, s):
    value = graph.value(s, ITSS.order)
    return int(value) if value is not None else None


def ordered(graph, parent, prop=ITSS.partOf):
    """Members of `parent` (by `prop`), sorted by itss:order, as their zh labels."""
    members = sorted(graph.subjects(prop, parent), key=lambda s: order(graph, s))
    return [zh(graph, m)[0] for m in members]


def member_list(graph, node):
    return list(Collection(graph, graph.value(node, SKOS.memberList)))


def labels(graph, nodes):
    return [zh(graph, n)[0] for n in nodes]


# ---------------------------------------------------------------------------------------------
# Standards: label, category, status, status text, identifier, dates, parties, categories
# ---------------------------------------------------------------------------------------------

P = {"需": KB["party-需方"], "供": KB["party-供方"], "三": KB["party-第三方"], "主": KB["party-行业主管部门"]}
CONSULTING = {"0101", "0102", "0103"}  # IT战略规划、信息管理体系建设、信息系统工程建设… (3172-3175)

STANDARDS = {
    # key: (zh label, stdcat, status, statusText, identifier, parties, GB/T 29264 codes)
    "std-咨询设计-1": ("咨询通用要求", "咨询设计标准", ITSS.Comment, "本标准处于征求意见阶段。", None, "需供三", CONSULTING),
    "std-咨询设计-2": ("规划设计方法指南", "咨询设计标准", ITSS.NotStarted, "本标准已申报立项。", None, "供",
                     {"0101", "0102"}),
    "std-咨询设计-3": ("信息系统工程监理总则", "咨询设计标准", ITSS.Approval, "本标准已审定。", None, "需供三主",
                     {"0104"}),
    "std-咨询设计-4": ("知识库管理规范", "咨询设计标准", ITSS.NotStarted, "本标准拟申报立项并开始编制草案。", None, "供",
                     CONSULTING),
    "std-咨询设计-5": ("通用标准库设计要求", "咨询设计标准", ITSS.NotStarted, "本标准拟申报立项。", None, "供",
                     CONSULTING),
    "std-咨询设计-6": ("数据资源规范", "咨询设计标准", ITSS.Draft, "本标准已完成草案，并拟申报立项。", None, "供",
                     CONSULTING),
    "std-集成实施-1": ("集成实施通用要求", "集成实施标准", ITSS.Comment, "本标准处于征求意见阶段。", None, "需供三", {"03"}),
    "std-集成实施-2": ("信息系统工程建设技术规范", "集成实施标准", ITSS.Comment, "本标准处于征求意见阶段。", None, "", {"03"}),
    "std-运维-1": ("通用要求", "运行维护标准", ITSS.Published,
                 "本标准已颁布，国家标准号为：GB/T 28827.1，颁布日期为2012年11月5日，实施日期为2013年2月1日。",
                 "GB/T 28827.1", "需供三", {"04"}),
    "std-运维-2": ("交付规范", "运行维护标准", ITSS.Published,
                 "本标准已颁布，国家标准号为：GB/T 28827.2，颁布日期为2012年11月5日，实施日期为2013年2月1日。",
                 "GB/T 28827.2", "需供", {"04"}),
    "std-运维-3": ("应急响应规范", "运行维护标准", ITSS.Published,
                 "本标准颁布，国家标准号为：GB/T 28827.3，颁布日期为2012年11月5日，实施日期为2013年2月1日。",
                 "GB/T 28827.3", "供", {"04"}),
    "std-运维-4": ("数据中心规范", "运行维护标准", ITSS.Approval, "本标准已报批。", None, "需供", {"04"}),
    "std-运维-5": ("桌面及外围设备服务规范", "运行维护标准", ITSS.Review, "本标准已送审。", None, "需供", {"040204"}),
    "std-运维-6": ("应用系统服务规范", "运行维护标准", ITSS.NotStarted, "本标准尚未启动。", None, "需供", {"040303"}),
    "std-云计算-1": ("服务分类标准", "服务运营标准", ITSS.Draft, "本标准已启动，完成草案。", None, "需供", {"06"}),
    "std-云计算-2-1": ("虚拟机总体技术要求", "服务运营标准", ITSS.Draft, "本标准已启动，完成草案。", None, "需供", set()),
    "std-云计算-3-1": ("服务交付标准 第1部分：要求", "服务运营标准", ITSS.Draft, "本标准已启动，完成草案。", None, "需供三", set()),
    "std-云计算-3-2": ("服务交付标准 第2部分：服务级别协议（SLA）规范", "服务运营标准", ITSS.Draft,
                     "本标准已启动，国际国内标准协调同步，完成第一版草案。", None, "需供", set()),
    "std-云计算-3-3": ("服务交付标准 第3部分：计量指南", "服务运营标准", ITSS.Draft, "本标准已启动，完成初步大纲。", None, "需供三", set()),
    "std-云计算-4-1": ("服务运营标准 第1部分：要求", "服务运营标准", ITSS.Comment, "本标准已启动，且完成征求意见稿。", None, "供", set()),
    "std-云计算-4-2": ("服务运营标准 第2部分：治理", "服务运营标准", ITSS.NotStarted, "本标准尚未启动。", None, "供三", set()),
    "std-云计算-4-3": ("服务运营标准 第3部分：运维指南", "服务运营标准", ITSS.NotStarted, "本标准尚未启动。", None, "需供", set()),
    "std-云计算-4-4": ("服务运营标准 第4部分：监控指南", "服务运营标准", ITSS.Draft, "本标准已启动，完成草案。", None, "供", set()),
    "std-云计算-5": ("云服务安全审计", "服务运营标准", ITSS.NotStarted, "本标准尚未启动。", None, "供", {"06"}),
    "std-云计算-6": ("云服务质量评价指南", "服务运营标准", ITSS.Draft, "本标准已启动，完成第一版草案。", None, "需供三",
                   {"06"}),
}

BIZ = {"咨询设计标准": "咨询设计", "集成实施标准": "集成实施", "运行维护标准": "运行维护", "服务运营标准": "服务运营"}


@pytest.mark.parametrize("key", sorted(STANDARDS))
def test_standard_facts(kb, key):
    label, cat, status, text, ident, parties, codes = STANDARDS[key]
    s = KB[key]
    assert (s, RDF.type, ITSS.Standard) in kb
    assert label in zh(kb, s)
    assert en(kb, s)
    assert (s, ITSS.standardCategory, KB[f"stdcat-{cat}"]) in kb
    assert (s, ITSS.businessType, KB[f"biz-{BIZ[cat]}"]) in kb
    assert (s, ITSS.appliesToBusinessType, KB[f"biz-{BIZ[cat]}"]) in kb
    # own categories (a part of a series also inherits the series' ones: see test_cloud_categories)
    assert set(kb.objects(s, ITSS.status)) == {status}
    assert zh(kb, s, ITSS.statusText) == [text]
    if ident:
        assert str(kb.value(s, DCTERMS.identifier)) == ident
    assert zh(kb, s, ITSS.purpose)
    assert set(kb.objects(s, ITSS.appliesToParty)) == {P[c] for c in parties}
    assert set(kb.objects(s, ITSS.appliesToCategory)) == {KB[f"cat-{c}"] for c in codes}


def test_standard_counts(kb):
    def std_keys(area):
        return {str(s).rsplit("/", 1)[1] for s in kb.subjects(RDF.type, ITSS.Standard)
                if str(s).startswith(str(KB[f"std-{area}-"]))}
    assert std_keys("咨询设计") == {f"std-咨询设计-{i}" for i in range(1, 7)}
    assert std_keys("集成实施") == {"std-集成实施-1", "std-集成实施-2"}
    assert std_keys("运维") == {f"std-运维-{i}" for i in range(1, 7)}
    cloud = std_keys("云计算")
    assert len(cloud) == 14
    assert {"std-云计算-2-1", "std-云计算-3-3", "std-云计算-4-4"} <= cloud
    with_status = [k for k in cloud if kb.value(KB[k], ITSS.status) is not None]
    assert len(with_status) == 11


def test_om_publication_dates(kb):
    for i in (1, 2, 3):
        s = KB[f"std-运维-{i}"]
        assert kb.value(s, DCTERMS.issued).toPython() == datetime.date(2012, 11, 5)
        assert kb.value(s, DCTERMS.valid).toPython() == datetime.date(2013, 2, 1)


def test_full_titles(kb):
    titles = {
        "std-咨询设计-1": "信息技术服务 咨询设计 第1部分：通用要求",
        "std-咨询设计-4": "咨询设计 第4部分：知识库管理规范",
        "std-咨询设计-6": "咨询设计 第6部分：数据资源规划规范",
        "std-集成实施-1": "信息技术服务 集成实施 第1部分：通用要求",
        "std-运维-1": "信息技术服务 运行维护 第1部分：通用要求",
        "std-运维-2": "信息技术服务 运行维护 第2部分：交付规范",
        "std-运维-3": "信息技术服务 运行维护 第3部分：应急响应规范",
        "std-运维-4": "信息技术服务 运行维护 第4部分：数据中心规范",
        "std-运维-5": "信息技术服务 运行维护 第5部分：桌面及外围设备规范",
    }
    for key, title in titles.items():
        assert zh(kb, KB[key], DCTERMS.title) == [title], key
    assert "应用系统规范" in zh(kb, KB["std-运维-6"], SKOS.altLabel)


def test_series(kb):
    om = KB["series-运行维护"]
    assert (om, RDF.type, ITSS.StandardSeries) in kb
    assert set(kb.objects(om, DCTERMS.hasPart)) == {KB[f"std-运维-{i}"] for i in range(1, 7)}
    cd = KB["series-咨询设计"]
    assert set(kb.objects(cd, DCTERMS.hasPart)) == {KB[f"std-咨询设计-{i}"] for i in range(1, 7)}
    assert set(kb.objects(KB["std-云计算-3"], DCTERMS.hasPart)) == {KB[f"std-云计算-3-{i}"] for i in (1, 2, 3)}
    assert set(kb.objects(KB["std-云计算-4"], DCTERMS.hasPart)) == {KB[f"std-云计算-4-{i}"] for i in (1, 2, 3, 4)}


def test_scope_uses(kb):
    uses = {zh(kb, u)[0] for u in kb.objects(KB["std-运维-1"], ITSS.appliesToActivity)}
    assert uses == {"建立能力体系", "供方评价自身能力", "要求供应链中所有运行维护服务供方具备一致的条件和能力",
                    "需方评价供方", "需方选择供方", "第三方评价供方能力"}
    assert (KB["std-集成实施-1"], ITSS.appliesToActivity, KB["use-需方选择供方"]) in kb
    assert (KB["std-云计算-4-3"], ITSS.appliesToActivity, KB["use-需方选择供方"]) in kb
    assert (KB["use-第三方评价供方能力"], ITSS.party, KB["party-第三方"]) in kb
    assert zh(kb, KB["std-运维-1"], ITSS.scope)[0].startswith("本标准适用于：1）计划提供运行维护服务的组织")


# ---------------------------------------------------------------------------------------------
# 图3-10 咨询服务模型, 图3-11 系统集成实施服务模型
# ---------------------------------------------------------------------------------------------

def test_consulting_model(kb):
    model = KB["model-咨询服务模型"]
    assert (KB["std-咨询设计-1"], ITSS.definesModel, model) in kb
    assert ordered(kb, model) == ["人员", "过程", "方法", "资源", "检查", "改进"]
    assert ordered(kb, KB["mcomp-咨询服务模型-过程"]) == [
        "前期准备", "项目启动", "管理诊断", "规划设计", "集成实施", "成果确认及交付"]
    assert ordered(kb, KB["mcomp-咨询服务模型-方法"]) == ["咨询规划方法", "参考架构模型", "咨询评价方法"]
    assert labels(kb, member_list(kb, KB["mcomp-咨询服务模型-人员"])) == ["人员管理", "岗位", "技能", "知识"]
    assert labels(kb, member_list(kb, KB["mcomp-咨询服务模型-资源"])) == ["知识库", "标准库"]
    std = KB["std-咨询设计-1"]
    assert len(set(kb.objects(std, ITSS.definesProcess))) == 6
    assert len(set(kb.objects(std, ITSS.definesMethod))) == 3
    assert set(kb.objects(std, ITSS.definesResource)) == {KB["res-知识库"], KB["res-标准库"]}
    assert (KB["std-咨询设计-4"], ITSS.definesResource, KB["res-知识库"]) in kb


def test_integration_model(kb):
    model = KB["model-系统集成实施服务模型"]
    areas = sorted((s for s in kb.subjects(ITSS.partOf, model) if (s, RDF.type, ITSS.ProcessArea) in kb),
                   key=lambda s: order(kb, s))
    assert labels(kb, areas) == ["组织过程管理", "支持管理过程", "项目管理过程", "工程管理过程", "集成实施一般过程"]
    general = ordered(kb, KB["parea-集成实施一般过程"])
    assert general == ["资格评估和响应", "需求调研和确认", "采购", "系统设计与实现", "安装与部署", "业务配置",
                       "系统联调及集成测试", "系统割接", "系统试运行", "系统验收", "系统测试及售后服务"]
    assert len(set(kb.objects(KB["std-集成实施-1"], ITSS.definesProcess))) == 11
    pdca = sorted((s for s in kb.subjects(ITSS.partOf, model) if str(s).startswith(str(KB["pdca-"]))),
                  key=lambda s: order(kb, s))
    assert [str(kb.value(s, SKOS.notation)) for s in pdca] == ["P", "D", "C", "A"]
    assert set(kb.objects(KB["stdcat-集成实施标准"], ITSS.relatedStandard)) >= {
        KB["ext-GB-T-24405"], KB["ext-ISO-IEC-27001"], KB["ext-CMMI"]}


# ---------------------------------------------------------------------------------------------
# §3.2.6 运行维护: 图3-12, 通用要求 and 图3-13
# ---------------------------------------------------------------------------------------------

def test_om_standard_system(kb):
    model = KB["model-运维标准体系"]
    assert ordered(kb, model) == ["服务能力", "服务过程", "服务对象"]
    layer = {lab: KB[f"mcomp-运维标准体系-{lab}"] for lab in ("服务能力", "服务过程", "服务对象")}
    assert set(kb.objects(layer["服务能力"], ITSS.relatedStandard)) == {KB["std-运维-1"]}
    assert set(kb.objects(layer["服务过程"], ITSS.relatedStandard)) == {KB["std-运维-2"], KB["std-运维-3"]}
    assert set(kb.objects(layer["服务对象"], ITSS.relatedStandard)) == {KB[f"std-运维-{i}"] for i in (4, 5, 6)}


def test_om_general_service_objects(kb):
    objs = member_list(kb, KB["list-运维-1-服务对象"])
    assert labels(kb, objs) == ["应用系统", "基础环境", "网络平台", "硬件平台", "软件平台", "数据"]
    assert set(objs) <= set(kb.objects(KB["std-运维-1"], ITSS.appliesToServiceObject))
    assert set(kb.objects(KB["std-运维-1"], ITSS.appliesToElement)) == {
        KB[f"element-{e}"] for e in ("人员", "资源", "技术", "过程")}


CAPABILITY_MODEL = {
    "人员": (ITSS.definesCapability, ITSS.Capability,
           [("6.2", "人员管理"), ("6.3", "岗位结构"), ("6.4", "知识"), ("6.5", "技能"), ("6.6", "经验")]),
    "资源": (ITSS.definesResource, ITSS.ResourceType,
           [("7.2", "运维工具"), ("7.3", "服务台"), ("7.4", "备件库"), ("7.5", "知识库")]),
    "技术": (ITSS.definesTechnology, ITSS.Technology,
           [("8.2", "技术研发"), ("8.3", "与发现问题相关的技术"), ("8.4", "与解决问题相关的技术")]),
    "过程": (ITSS.definesProcess, ITSS.Process,
           [("9.2", "服务级别管理"), ("9.3", "服务报告管理"), ("9.4", "事件管理"), ("9.5", "问题管理"),
            ("9.6", "配置管理"), ("9.7", "变更管理"), ("9.8", "发布管理"), ("9.9", "安全管理")]),
}


def test_capability_model_elements(kb):
    model = KB["model-通用运行维护服务能力模型"]
    assert (KB["std-运维-1"], ITSS.definesModel, model) in kb
    assert ordered(kb, model) == ["人员", "资源", "技术", "过程"]
    assert sum(len(items) for _, _, items in CAPABILITY_MODEL.values()) == 20


@pytest.mark.parametrize("element", list(CAPABILITY_MODEL))
def test_capability_model_items(kb, element):
    prop, cls, items = CAPABILITY_MODEL[element]
    comp = KB[f"mcomp-通用运行维护服务能力模型-{element}"]
    assert (comp, ITSS.element, KB[f"element-{element}"]) in kb
    clauses = member_list(kb, comp)
    assert [str(kb.value(c, SKOS.notation)) for c in clauses] == [num for num, _ in items]
    assert labels(kb, clauses) == [name for _, name in items]
    std = KB["std-运维-1"]
    for clause, (_, name) in zip(clauses, items):
        target = kb.value(clause, ITSS.requires)
        assert name in zh(kb, target)
        assert (target, RDF.type, cls) in kb
        assert (target, ITSS.element, KB[f"element-{element}"]) in kb
        assert (std, prop, target) in kb


# ---------------------------------------------------------------------------------------------
# 交付规范 (图3-14)
# ---------------------------------------------------------------------------------------------

def test_delivery_specification(kb):
    model = KB["model-运维服务交付规范框架"]
    assert (KB["std-运维-2"], ITSS.definesModel, model) in kb
    assert ordered(kb, model) == ["交付管理", "交付内容", "交付方式", "交付成果"]
    content = member_list(kb, KB["mcomp-运维服务交付规范框架-交付内容"])
    assert labels(kb, content) == ["例行操作", "响应支持", "优化改善", "咨询评估"]
    assert all((c, RDF.type, ITSS.DeliveryContentType) in kb for c in content)
    assert labels(kb, member_list(kb, KB["mcomp-运维服务交付规范框架-交付方式"])) == ["现场支持", "远程支持"]
    results = member_list(kb, KB["mcomp-运维服务交付规范框架-交付成果"])
    assert len(results) == 2 and all((r, RDF.type, ITSS.Deliverable) in kb for r in results)
    assert set(kb.objects(KB["std-运维-2"], ITSS.definesDeliveryMode)) == {KB["dmode-现场支持"], KB["dmode-远程支持"]}


# ---------------------------------------------------------------------------------------------
# 应急响应规范 and 表3-5
# ---------------------------------------------------------------------------------------------

PHASES = ["应急准备", "监测与预警", "应急处置", "总结改进"]

WORK = {
    "应急准备": ["组建应急响应组织", "确定应急响应制度", "系统性识别运行维护服务对象及运行维护活动中可能出现的风险",
             "定义应急事件级别", "制定预案", "开展培训和演练"],
    "监测与预警": ["进行日常监测", "及时发现应急事件并有效预警", "进行核实和评估", "以规定的策略和程序启动预案",
              "保持对应急事件的跟踪"],
    "应急处置": ["采取必要的应急调度手段", "基于预案开展故障排查与诊断", "对故障进行有效、快速的处理与恢复",
             "及时通报应急事件", "提供持续性服务保障", "进行结果评价", "关闭事件"],
    "总结改进": ["对应急事件发生原因、处理过程和结果进行总结分析", "持续改进应急工作", "完善信息系统"],
}

TASKS = {
    "应急准备": ["建立应急响应组织", "制定应急响应方针", "风险评估与改进", "划分应急事件级别", "预案制定", "培训与演练"],
    "监测与预警": ["日常监测与预警", "核实与评估", "预案启动"],
    "应急处置": ["应急调度", "排查与诊断", "处理与恢复", "事件升级", "持续服务", "事件关闭"],
    "总结改进": ["应急事件总结", "应急体系的保持", "应急工作的改进"],
}


def test_emergency_phases(kb):
    std = KB["std-运维-3"]
    phases = sorted(kb.objects(std, ITSS.definesPhase), key=lambda s: order(kb, s))
    assert labels(kb, phases) == PHASES
    assert all((p, RDF.type, ITSS.EmergencyPhase) in kb for p in phases)


@pytest.mark.parametrize("phase", PHASES)
def test_emergency_work_items(kb, phase):
    ph = KB[f"emphase-{phase}"]
    items = sorted((s for s in kb.subjects(ITSS.phase, ph) if (s, RDF.type, ITSS.Task) in kb),
                   key=lambda s: order(kb, s))
    assert labels(kb, items) == WORK[phase]
    assert set(kb.objects(ph, ITSS.hasTask)) == set(items)


def test_emergency_work_item_count(kb):
    assert sum(len(v) for v in WORK.values()) == 21


def test_table_3_5_rows(kb):
    tasks = sorted(kb.subjects(RDF.type, ITSS.EmergencyTask), key=lambda s: order(kb, s))
    assert len(tasks) == 18
    assert [order(kb, t) for t in tasks] == list(range(1, 19))
    assert labels(kb, tasks) == [t for p in PHASES for t in TASKS[p]]
    for phase in PHASES:
        in_phase = [t for t in tasks if (t, ITSS.phase, KB[f"emphase-{phase}"]) in kb]
        assert labels(kb, in_phase) == TASKS[phase]
    assert set(kb.objects(KB["std-运维-3"], ITSS.hasTask)) == set(tasks)
    for step in ("预案启动", "事件升级"):
        assert KB[f"emtask-{step}"] in tasks


def test_table_3_5_columns_and_cells(kb):
    cols = sorted(kb.subjects(RDF.type, ITSS.ActivityType), key=lambda s: order(kb, s))
    assert labels(kb, cols) == ["日常工作", "故障响应", "重点时段保障"]
    note = " ".join(str(n) for n in kb.objects(SRC["t3-5"], ITSS.note))
    assert "lost" in note and "54" in note  # 18 x 3 cells: marks not in the extracted text


# ---------------------------------------------------------------------------------------------
# 数据中心规范 and 图3-15
# ---------------------------------------------------------------------------------------------

def test_data_centre_objects(kb):
    five = member_list(kb, KB["list-运维-4-服务对象"])
    assert labels(kb, five) == ["机房基础设施", "网络及网络设备", "服务器及存储", "软件", "数据"]
    content = member_list(kb, KB["list-运维-4-运维服务内容"])
    assert labels(kb, content) == ["机房基础设施", "网络及网络设备", "服务器及存储", "数据库", "中间件", "数据", "应用软件"]
    applies = set(kb.objects(KB["std-运维-4"], ITSS.appliesToServiceObject))
    assert set(five) | set(content) <= applies
    assert all((o, RDF.type, ITSS.ServiceObject) in kb for o in applies)


def test_data_centre_service_types_and_activities(kb):
    std = KB["std-运维-4"]
    types = sorted(kb.objects(std, ITSS.definesServiceType), key=lambda s: order(kb, s))
    assert labels(kb, types) == ["例行操作", "响应支持", "优化改善", "咨询评估"]
    expected = {
        "例行操作": ["监控", "预防性检查", "常规作业"],
        "响应支持": ["事件驱动响应", "服务请求响应"],
        "优化改善": ["适应性改进", "增强型改进", "预防性改进"],
        "咨询评估": [],
    }
    for t in types:
        acts = sorted(kb.objects(t, ITSS.hasActivity), key=lambda s: order(kb, s))
        assert labels(kb, acts) == expected[zh(kb, t)[0]]
    assert "咨询评估：包含空调、供配电设备等的建议。" in zh(kb, KB["svctype-咨询评估"], ITSS.text)


def test_data_centre_goals_and_reports(kb):
    std = KB["std-运维-4"]
    goals = sorted(kb.objects(std, ITSS.definesGoal), key=lambda s: order(kb, s))
    assert labels(kb, goals) == ["及时", "规范", "安全", "可用"]
    assert all(zh(kb, g, SKOS.definition) for g in goals)
    reports = sorted(kb.objects(std, ITSS.definesReport), key=lambda s: order(kb, s))
    assert labels(kb, reports) == ["常规报告", "事件报告", "专题报告"]
    assert all((r, SKOS.broader, KB["report-服务报告"]) in kb for r in reports)


def test_figure_3_15(kb):
    model = KB["model-服务对象与交付内容的关系"]
    cols = member_list(kb, KB["mcomp-服务对象与交付内容的关系-运行维护交付内容"])
    assert labels(kb, cols) == ["调研评估", "例行操作", "响应支持", "优化改善"]
    assert (cols[0], SKOS.related, KB["svctype-咨询评估"]) in kb
    layers = member_list(kb, KB["mcomp-服务对象与交付内容的关系-运行维护对象"])
    assert labels(kb, layers) == ["数据", "应用资源", "平台资源", "虚拟资源池", "物理资源", "机房基础设施"]
    subs = {
        "平台资源": ["操作系统", "数据库", "中间件"],
        "虚拟资源池": ["网络资源", "计算资源", "存储资源"],
        "物理资源": ["网络", "服务器", "存储"],
        "机房基础设施": ["电力", "空调", "安防", "综合布线"],
    }
    for layer, names in subs.items():
        members = member_list(kb, KB[f"list-f3-15-{layer}"])
        assert labels(kb, members) == names
        assert all((m, SKOS.broader, KB[f"svcobj-{layer}"]) in kb for m in members)
    assert sum(len(v) for v in subs.values()) == 13
    assert (KB["std-运维-4"], ITSS.definesModel, model) in kb


SERVICE_OBJECT_LINKS = {
    "Room": {"机房基础设施"},
    "UPS": {"机房基础设施", "电力"},
    "PDU": {"机房基础设施", "电力"},
    "Cooling": {"机房基础设施", "空调"},
    "PatchPanel": {"机房基础设施", "综合布线"},
    "Router": {"网络及网络设备", "网络"},
    "Switch": {"网络及网络设备", "网络"},
    "Server": {"服务器及存储", "服务器"},
    "StorageArray": {"服务器及存储", "存储"},
    "Cluster": {"虚拟资源池"},
    "VM": {"计算资源"},
    "OperatingSystem": {"软件", "操作系统"},
    "Database": {"软件", "数据库"},
    "Middleware": {"软件", "中间件"},
    "Application": {"软件", "应用软件", "应用资源", "应用系统"},
    "DataSet": {"数据"},
    # classes of real asset registers (issue 12)
    "Desktop": {"桌面及外设"}, "Laptop": {"桌面及外设"}, "HandheldDevice": {"桌面及外设"},
    "Printer": {"桌面及外设"}, "Peripheral": {"桌面及外设"}, "Terminal": {"桌面及外设"},
    "SelfServiceDevice": {"ATM设备"}, "SecurityAppliance": {"网络", "网络及网络设备"},
    "WirelessAccessPoint": {"网络", "网络及网络设备"}, "TapeLibrary": {"存储", "服务器及存储"},
    "VideoSurveillanceDevice": {"安防"},
}


@pytest.mark.parametrize("ci", sorted(SERVICE_OBJECT_LINKS))
def test_ci_class_service_objects(kb, ci):
    objs = {zh(kb, o)[0] for o in kb.objects(CMDB[ci], ITSS.serviceObject)}
    assert SERVICE_OBJECT_LINKS[ci] <= objs


def test_desktop_and_application_specs(kb):
    assert (KB["std-运维-5"], ITSS.relatedStandard, KB["std-运维-4"]) in kb
    assert (KB["std-运维-6"], ITSS.relatedStandard, KB["std-运维-4"]) in kb
    assert (KB["std-运维-6"], ITSS.appliesToServiceObject, KB["svcobj-应用系统"]) in kb


# ---------------------------------------------------------------------------------------------
# 表3-1: CMDB CI classes → GB/T 29264 codes
# ---------------------------------------------------------------------------------------------

CI_CATEGORIES = {
    "PowerPanel": ("0401", 2150), "PowerFeed": ("0401", 2150), "PDU": ("0401", 2150), "UPS": ("0401", 2150),
    "Cooling": ("0401", 2150),
    "Router": ("040201", 2159), "Switch": ("040201", 2159), "Firewall": ("040201", 2159),
    "LoadBalancer": ("040201", 2159),
    "Server": ("040202", 2161), "HypervisorHost": ("040202", 2161),
    "VM": ("040299", 2173), "Cluster": ("040299", 2173),
    "StorageArray": ("040203", 2165),
    "OperatingSystem": ("040301", 2185), "Database": ("040301", 2185), "Middleware": ("040301", 2185),
    "WebServer": ("040301", 2185),
    "Application": ("040303", 2195),
    "DataSet": ("05", 2210),
    "Site": ("0405", 2203),  # 整体承担基础环境、硬件、软件、安全等综合性运维 (2203-2204)
    # classes of real asset registers (issue 12)
    "Desktop": ("040204", 2169), "Laptop": ("040204", 2169), "HandheldDevice": ("040204", 2169),
    "Printer": ("040204", 2169), "Peripheral": ("040204", 2169),
    "Terminal": ("040299", 2173), "SelfServiceDevice": ("040299", 2173),
    "VideoSurveillanceDevice": ("040299", 2173), "ConferenceDevice": ("040299", 2173),
    "SecurityAppliance": ("040201", 2159), "WirelessAccessPoint": ("040201", 2159),
    "TapeLibrary": ("040203", 2165),
}
# a second code, within the first one's line: data is an O&M object too (数据迁移服务, 2206)
CI_MORE_CATEGORIES = {"DataSet": {"0499"}}
CI_UNLINKED = {"Room", "Rack", "PatchPanel", "Container", "Circuit", "BusinessService", "Provider",
               "RedundancyGroup"}


def test_every_typed_ci_class_is_decided(kb):
    classes = {str(s).split("#")[1] for s in kb.subjects(CMDB.typeName, None)}
    assert len(classes) == 41
    assert classes == set(CI_CATEGORIES) | CI_UNLINKED
    assert not set(CI_CATEGORIES) & CI_UNLINKED


@pytest.mark.parametrize("ci", sorted(CI_CATEGORIES))
def test_ci_class_category(kb_dataset, kb, ci):
    code, line = CI_CATEGORIES[ci]
    graph = kb_dataset.graph(SRC["t3-1"])
    assert set(graph.objects(CMDB[ci], ITSS.category)) == {KB[f"cat-{c}"] for c in {code} | CI_MORE_CATEGORIES.get(ci, set())}
    assert {int(n) for n in graph.objects(CMDB[ci], ITSS.line)} == {line}
    assert (KB[f"cat-{code}"], RDF.type, ITSS.ServiceCategory) in kb


@pytest.mark.parametrize("ci", sorted(CI_UNLINKED))
def test_ci_class_without_category(kb_dataset, ci):
    graph = kb_dataset.graph(SRC["t3-1"])
    assert graph.value(CMDB[ci], ITSS.category) is None


# ---------------------------------------------------------------------------------------------
# §3.2.7 cloud figures
# ---------------------------------------------------------------------------------------------

def test_cloud_ecosystem(kb):
    model = KB["model-云计算产业生态系统"]

    def members(node):
        return sorted(kb.subjects(ITSS.partOf, node), key=lambda s: order(kb, s))

    top = members(model)
    assert labels(kb, top) == ["云安全", "服务开发者", "服务提供者", "服务使用者", "行业监管"]
    total = len(top) + sum(len(members(t)) for t in top)
    assert total == 24
    assert labels(kb, members(KB["role-服务开发者"])) == ["产品研发", "服务开发", "服务发布"]
    assert labels(kb, members(KB["role-服务使用者"])) == ["服务接入", "服务使用", "租户管理"]
    provider = labels(kb, members(KB["role-服务提供者"]))
    assert provider[:4] == ["服务管理", "服务交付", "服务运营", "服务计量"]
    assert provider[-3:] == ["SaaS", "PaaS", "IaaS"]
    assert all((KB[f"role-{r}"], RDF.type, ITSS.Role) in kb for r in ("服务开发者", "服务提供者", "服务使用者"))


def test_cloud_standard_framework(kb):
    basis = member_list(kb, KB["mcomp-云计算服务标准框架-基础"])
    assert labels(kb, basis) == ["技术和产品标准", "设备与系统标准", "网络传输标准"]
    focus = member_list(kb, KB["mcomp-云计算服务标准框架-重点"])
    assert labels(kb, focus) == ["云服务基础类标准", "云服务构建与部署", "云服务交付", "云服务运营", "云服务安全", "云服务质量"]
    assert [kb.value(f, ITSS.relatedStandard) for f in focus] == [KB[f"std-云计算-{i}"] for i in range(1, 7)]


def test_cloud_operation_framework(kb):
    model = KB["model-云计算服务运营标准框架"]
    assert (KB["std-云计算-4-1"], ITSS.definesModel, model) in kb
    assert labels(kb, member_list(kb, KB["mcomp-云计算服务运营标准框架-基本特性"])) == ["按需服务", "弹性", "网络依存性", "可计量"]
    assert labels(kb, member_list(kb, KB["mcomp-云计算服务运营标准框架-基本内部要素"])) == ["人员", "资源", "技术", "过程"]
    quality = member_list(kb, KB["model-云服务质量模型"])
    assert labels(kb, quality) == ["功能性", "安全性", "可靠性", "响应性", "有形性", "友好型性"]


# ---------------------------------------------------------------------------------------------
# §3.3 ITSS核心价值
# ---------------------------------------------------------------------------------------------

def test_stakeholders(kb):
    model = KB["model-信息技术服务利益相关方关系图"]
    members = member_list(kb, model)
    assert labels(kb, members) == ["CIO", "CEO", "竞争供应商", "最终用户", "业务部门", "行业用户", "IT部门",
                                   "IT服务供应商", "分包商", "董事会", "监管机构", "中介/培训机构"]
    assert all((m, RDF.type, ITSS.Party) in kb for m in members)
    assert (KB["party-行业用户"], SKOS.broader, KB["party-需方"]) in kb
    assert (KB["party-IT服务供应商"], SKOS.broader, KB["party-供方"]) in kb
    for p in ("需方", "供方", "第三方", "行业主管部门", "从业人员"):
        assert (KB[f"party-{p}"], RDF.type, ITSS.Party) in kb


VALUE_MODEL = {
    "财务": 5, "客户": 6, "内部管理": 7, "创新成长": 4,
}


def test_value_model(kb):
    model = KB["model-ITSS价值模型"]
    vps = member_list(kb, model)
    assert labels(kb, vps) == list(VALUE_MODEL)
    for vp in vps:
        values = sorted(kb.subjects(ITSS.valuePerspective, vp), key=lambda s: order(kb, s))
        assert len(values) == VALUE_MODEL[zh(kb, vp)[0]]
        assert all((v, RDF.type, ITSS.Value) in kb for v in values)
    assert sum(VALUE_MODEL.values()) == 22
    assert zh(kb, KB["value-财务-1"]) == ["更好的IT投资回报，如潜在收益率提升"]
    assert zh(kb, KB["value-内部管理-7"]) == ["有效的知识管理和辅助决策"]


STAKEHOLDER_VALUES = {
    "行业主管部门": ["以标准为抓手，规范和引导市场", "引导信息技术服务产业做大做强", "更好地参与国际竞争"],
    "需方": ["有效防范各类IT风险", "提高信息技术服务质量", "降低信息技术服务成本"],
    "供方": ["扩大信息技术服务产品销售额", "确保客户满意度和忠诚度", "拓展新的信息技术服务产品"],
    "从业人员": ["个人业务能力提升", "更好的顾客评价", "业务过程的优化"],
}


@pytest.mark.parametrize("party", list(STAKEHOLDER_VALUES))
def test_stakeholder_values(kb, party):
    values = sorted((v for v in kb.subjects(ITSS.party, KB[f"party-{party}"]) if (v, RDF.type, ITSS.Value) in kb),
                    key=lambda s: order(kb, s))
    assert labels(kb, values) == STAKEHOLDER_VALUES[party]
    assert all(zh(kb, v, ITSS.text) for v in values)


def test_value_standards(kb):
    risks = set(kb.objects(KB["value-需方-1"], ITSS.relatedStandard))
    assert risks == {KB["std-运维-1"], KB["std-运维-2"], KB["std-管控-3"], KB["std-外包-1"], KB["std-外包-2"]}
    assert (KB["value-行业主管部门-1"], ITSS.relatedStandard, KB["std-基础-1"]) in kb
    assert (KB["value-需方-3"], ITSS.relatedStandard, KB["std-基础-3"]) in kb
