"""Coverage of area ``ch3-control``: white paper §3.2.2 服务管控标准 and §3.2.3 服务外包标准
(lines 2534–3162), figures 3-5 … 3-9.

Counts were made by hand in the text (see the itss:note of each source unit):

* 12 standards under numbered headings (管控 1–7, 外包 1–5), each with a status sentence;
* 服务管理技术要求: 10 ITSM functions (9 processes + the service desk), 3 + 10 interfaces,
  3 management objects (资源对象 with 2 sub-objects), 3 layers, 3 core technologies;
* 服务管理实施指南: 6 implementation stages;
* figure 3-5: 4 components, 4 flows stated by the text; figure 3-6: 2 flows × 3 items;
* figure 3-8: 15 standards, 6 marked ＊;
* figure 3-9: 23 processes in 3 groups (3 / 5 / 6+5+4), PDCA 4 stages;
* 数据（信息）保护规范: 6 principles, 3 rights, 4 duties, 5 system components, 10 security
  mechanism items, 2 process-improvement items;
* 交付中心规范: 9 management areas; 发包指南: 6 contents.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

ITSS = Namespace("https://w3id.org/itss-graph/ontology#")
KB = Namespace("https://w3id.org/itss-graph/kb/")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def zh(kb, s):
    return {str(o) for o in kb.objects(s, RDFS.label) if o.language == "zh"}


def ordered_items(kb, group, via_entries=False):
    """Members of a group in itss:order; list entries are resolved to their items."""
    rows = []
    for m in kb.subjects(ITSS.partOf, group):
        if via_entries and (m, RDF.type, ITSS.ListEntry) not in kb:
            continue
        if not via_entries and (m, RDF.type, ITSS.ListEntry) in kb:
            continue
        order = kb.value(m, ITSS.order)
        if order is None:
            continue
        item = kb.value(m, ITSS.item) if via_entries else m
        rows.append((int(order), item))
    rows.sort()
    return [item for _, item in rows]


def labels(kb, items):
    out = []
    for item in items:
        names = zh(kb, item)
        assert len(names) == 1, f"{item}: {names}"
        out.append(names.pop())
    return out


# ---------------------------------------------------------------------------------------------
# The 12 standards
# ---------------------------------------------------------------------------------------------

STANDARDS = {
    "管控-1": ("服务管理通用要求", ITSS.Comment, "本标准处于征求意见阶段。", "服务管控标准"),
    "管控-2": ("服务管理实施指南", ITSS.Comment, "本标准处于征求意见阶段。", "服务管控标准"),
    "管控-3": ("服务管理技术要求", ITSS.Approval, "本标准处于报批阶段。", "服务管控标准"),
    "管控-4": ("IT治理通用要求", ITSS.Comment, "本标准已获得国家标准立项计划，现处于征求意见阶段。", "服务管控标准"),
    "管控-5": ("IT治理实施指南", ITSS.Draft, "本标准已获得国家标准立项计划，现处于标准起草阶段。", "服务管控标准"),
    "管控-6": ("IT治理绩效评价指标体系", ITSS.Draft, "本标准已获得国家标准立项计划，现处于标准起草阶段。", "服务管控标准"),
    "管控-7": ("IT治理审计导则", ITSS.Draft, "本标准已获得国家标准立项计划，现处于标准起草阶段。", "服务管控标准"),
    "外包-1": ("服务交付保障通用要求", ITSS.Review, "本标准已完成送审稿。", "服务外包标准"),
    "外包-2": ("数据（信息）保护规范", ITSS.Published,
              "本标准已颁布实施，标准号为SJ/T 11445.2-2012，发布日期：2012年12月31日，实施日期：2013年1月1日。",
              "服务外包标准"),
    "外包-3": ("交付中心规范", ITSS.Comment, "本标准处于征求意见阶段。", "服务外包标准"),
    "外包-4": ("非结构化数据管理与服务规范", ITSS.Comment, "本标准处于征求意见阶段。", "服务外包标准"),
    "外包-5": ("发包指南", ITSS.Draft, "本标准已完成初稿。", "服务外包标准"),
}


@pytest.mark.parametrize("key", sorted(STANDARDS))
def test_standard_label_status_category(kb, key):
    label, status, status_text, category = STANDARDS[key]
    std = KB["std-" + key]
    assert (std, RDF.type, ITSS.Standard) in kb
    assert label in zh(kb, std)
    assert (std, ITSS.status, status) in kb
    assert Literal(status_text, lang="zh") in set(kb.objects(std, ITSS.statusText))
    assert (std, ITSS.standardCategory, KB["stdcat-" + category]) in kb
    biz = KB["biz-服务管控"] if key.startswith("管控") else KB["biz-服务外包"]
    assert (std, ITSS.businessType, biz) in kb
    assert any(o.language == "zh" for o in kb.objects(std, ITSS.purpose))
    assert any(o.language == "zh" for o in kb.objects(std, DCTERMS.title))


def test_twelve_standards_in_the_two_categories(kb):
    found = {
        str(s).rsplit("/", 1)[1]
        for s in kb.subjects(RDF.type, ITSS.Standard)
        if str(s).startswith(str(KB["std-管控-"])) or str(s).startswith(str(KB["std-外包-"]))
    }
    assert found == {"std-" + k for k in STANDARDS}


def test_full_titles_cited_elsewhere(kb):
    titles = {k: {str(o) for o in kb.objects(KB["std-" + k], DCTERMS.title) if o.language == "zh"}
              for k in ("管控-1", "管控-3", "外包-1", "外包-2")}
    assert "信息技术服务 服务管理 第1部分：通用要求" in titles["管控-1"]
    assert "信息技术服务 服务管理 第3部分：技术要求" in titles["管控-3"]
    assert "信息技术服务 外包 第1部分：交付保障通用要求" in titles["外包-1"]
    assert "信息技术服务 外包 第2部分：数据（信息）保护规范" in titles["外包-2"]


def test_published_outsourcing_standard_number_and_dates(kb):
    std = KB["std-外包-2"]
    assert str(kb.value(std, DCTERMS.identifier)) == "SJ/T 11445.2-2012"
    assert kb.value(std, DCTERMS.issued) == Literal("2012-12-31", datatype=XSD_DATE)
    assert kb.value(std, DCTERMS.valid) == Literal("2013-01-01", datatype=XSD_DATE)


def test_control_sub_categories(kb):
    subs = {s for s in kb.subjects(SKOS.broader, KB["stdcat-服务管控标准"])}
    assert {KB["stdcat-IT治理"], KB["stdcat-信息技术服务管理"], KB["stdcat-信息技术服务监理"]} <= subs
    for n in (1, 2, 3):
        assert (KB[f"std-管控-{n}"], ITSS.standardCategory, KB["stdcat-信息技术服务管理"]) in kb
    for n in (4, 5, 6, 7):
        assert (KB[f"std-管控-{n}"], ITSS.standardCategory, KB["stdcat-IT治理"]) in kb


def test_outsourcing_sub_categories(kb):
    subs = [KB["stdcat-服务外包标准-通用规范"], KB["stdcat-服务外包标准-业务规范"], KB["stdcat-服务外包标准-基础规范"]]
    assert labels(kb, subs) == ["通用规范", "业务规范", "基础规范"]
    for s in subs:
        assert (s, SKOS.broader, KB["stdcat-服务外包标准"]) in kb


# ---------------------------------------------------------------------------------------------
# Applicability
# ---------------------------------------------------------------------------------------------

PARTIES = {
    "管控-1": {"供方", "需方"},
    "管控-3": {"供方", "需方", "第三方"},
    "外包-1": {"需方", "供方", "第三方"},
    "外包-5": {"需方"},
}


@pytest.mark.parametrize("key", sorted(PARTIES))
def test_applies_to_party(kb, key):
    parties = {str(p).rsplit("party-", 1)[1] for p in kb.objects(KB["std-" + key], ITSS.appliesToParty)}
    assert parties == PARTIES[key]


ORGTYPES = {
    "管控-5": {"国内企业", "政府组织", "公共机构", "咨询服务机构"},
    "管控-7": {"所有组织", "国内企业", "政府组织", "公共机构", "咨询服务机构"},
    "外包-1": {"公众和私有公司", "政府组织", "研究机构", "非赢利组织"},
    "外包-2": {"信息技术服务外包组织"},
    "外包-3": {"服务外包中心"},
    "外包-4": {"信息技术服务外包组织"},
}


@pytest.mark.parametrize("key", sorted(ORGTYPES))
def test_applies_to_organisation_type(kb, key):
    found = set()
    for o in kb.objects(KB["std-" + key], ITSS.appliesToOrganizationType):
        found |= zh(kb, o)
    assert found == ORGTYPES[key]


def test_activities_with_their_party(kb):
    acts = {a: kb.value(a, ITSS.party) for a in kb.objects(KB["std-管控-3"], ITSS.appliesToActivity)}
    assert len(acts) == 5
    assert acts[KB["use-开发信息技术服务管理工具"]] == KB["party-供方"]
    assert acts[KB["use-选择信息技术服务管理工具"]] == KB["party-需方"]
    assert acts[KB["use-测试信息技术服务管理工具"]] == KB["party-第三方"]
    assert acts[KB["use-选择和评价供方"]] == KB["party-需方"]
    out1 = set(kb.objects(KB["std-外包-1"], ITSS.appliesToActivity))
    assert out1 == {KB["use-建立和维护服务外包管理体系"], KB["use-选择和评价供方"],
                    KB["use-评价认定信息技术服务提供方能力水平"]}
    assert (KB["use-评价认定信息技术服务提供方能力水平"], ITSS.party, KB["party-第三方"]) in kb


def test_outsourcing_delivery_users(kb):
    audience = set(kb.objects(KB["std-外包-1"], ITSS.targetAudience))
    assert len(audience) == 6
    assert {KB["role-信息技术审计人员"], KB["role-信息技术服务外包咨询人员"]} <= audience


# ---------------------------------------------------------------------------------------------
# ITSM: processes, objects, layers, interfaces (服务管理技术要求, figures 3-6 and 3-7)
# ---------------------------------------------------------------------------------------------

ITSM_FUNCTIONS = ["服务台", "事件管理", "问题管理", "配置管理", "变更管理", "发布管理",
                  "服务级别管理", "可用性管理", "能力管理", "连续性管理"]


def test_itsm_function_list(kb):
    items = ordered_items(kb, KB["content-管控3功能要求"], via_entries=True)
    assert labels(kb, items) == ITSM_FUNCTIONS
    std = KB["std-管控-3"]
    procs = set(kb.objects(std, ITSS.definesProcess))
    assert procs == {KB["proc-" + n] for n in ITSM_FUNCTIONS[1:]}
    for p in procs:
        assert (p, RDF.type, ITSS.Process) in kb
    assert (std, ITSS.definesResource, KB["res-服务台"]) in kb


def test_itsm_implementation_stages(kb):
    stages = ordered_items(kb, KB["std-管控-2"])
    assert labels(kb, stages) == ["理念导入", "现状评估", "流程设计", "工具实施", "上线推广", "持续改进"]


def test_management_objects(kb):
    top = KB["mobj-管理对象"]
    children = sorted(kb.subjects(SKOS.broader, top), key=lambda s: int(kb.value(s, ITSS.order)))
    assert labels(kb, children) == ["资源对象", "人员对象", "过程对象"]
    resources = sorted(kb.subjects(SKOS.broader, KB["mobj-资源对象"]), key=lambda s: int(kb.value(s, ITSS.order)))
    assert labels(kb, resources) == ["IT基础设施", "应用系统"]
    for m in [top, *children, *resources]:
        assert (m, RDF.type, ITSS.ManagementObject) in kb
        assert (KB["std-管控-3"], ITSS.definesManagementObject, m) in kb
    parts = set(kb.objects(KB["mobj-过程对象"], DCTERMS.hasPart))
    assert parts == {KB["proc-" + n] for n in ("事件管理", "问题管理", "变更管理", "配置管理", "发布管理")}


def test_management_subject_is_customer_and_provider(kb):
    assert set(kb.objects(KB["ctl-管理主体"], ITSS.party)) == {KB["party-需方"], KB["party-供方"]}


def test_layers_and_core_technologies(kb):
    layers = ordered_items(kb, KB["content-信息技术服务管理技术要求总体框架"])
    layers = [x for x in layers if (x, RDF.type, ITSS.ProcessArea) in kb]
    assert labels(kb, layers) == ["监控管理", "过程管理", "决策支撑"]
    techs = set(kb.objects(KB["std-管控-3"], ITSS.definesTechnology))
    names = set()
    for t in techs:
        names |= zh(kb, t)
    assert names == {"监控管理技术", "过程管理技术", "决策支撑技术", "ITSM工具"}


def test_information_flows_of_figure_3_6(kb):
    support, control = KB["flow-支持流"], KB["flow-管控流"]
    assert kb.value(support, ITSS["from"]) == KB["mobj-管理对象"]
    assert kb.value(support, ITSS.to) == KB["ctl-管理主体"]
    assert {str(o) for o in kb.objects(support, ITSS.carries)} == {"监控数据", "过程数据", "决策数据"}
    assert kb.value(control, ITSS["from"]) == KB["ctl-管理主体"]
    assert {str(o) for o in kb.objects(control, ITSS.carries)} == {"决策需求", "过程需求", "监控需求"}
    goals = [x for x in ordered_items(kb, KB["content-管理信息流"]) if (x, RDF.type, ITSS.ContentItem) in kb]
    assert len(goals) == 3


LEVEL2 = [("事件", "事件管理"), ("问题", "问题管理"), ("变更", "变更管理"), ("发布", "发布管理"),
          ("服务级别", "服务级别管理"), ("可用性", "可用性管理"), ("能力", "能力管理"),
          ("持续性", "连续性管理"), ("业务关系", "业务关系管理"), ("服务台", None)]


def test_interfaces(kb):
    levels = ordered_items(kb, KB["content-信息接口技术要求"])
    assert labels(kb, levels) == ["监控管理与过程管理之间的信息交互", "过程管理向决策支撑的信息传递"]
    level1 = ordered_items(kb, levels[0])
    assert labels(kb, level1) == ["双向配置接口", "告警接口", "性能接口"]
    for i in level1:
        assert (i, RDF.type, ITSS.Interface) in kb
        assert (i, ITSS["from"], KB["procarea-监控管理"]) in kb
        assert (i, ITSS.to, KB["procarea-过程管理"]) in kb
    level2 = ordered_items(kb, levels[1])
    assert labels(kb, level2) == [f"{n}信息传递接口" for n, _ in LEVEL2]
    for iface, (name, proc) in zip(level2, LEVEL2):
        assert (iface, RDF.type, ITSS.Interface) in kb
        assert kb.value(iface, ITSS.to) == KB["procarea-决策支撑"]
        assert str(kb.value(iface, ITSS.carries)) == f"{name}信息"
        src = kb.value(iface, ITSS["from"])
        assert src == (KB["proc-" + proc] if proc else KB["res-服务台"])


def test_control_model_figure_3_5(kb):
    comps = ordered_items(kb, KB["content-信息技术服务管控模型"])
    comps = [c for c in comps if (c, RDF.type, ITSS.Interface) not in kb]
    assert labels(kb, comps) == ["IT治理", "IT服务管理", "IT服务监理", "IT服务"]
    flows = {(kb.value(f, ITSS["from"]), kb.value(f, ITSS.to))
             for f in kb.subjects(ITSS.partOf, KB["content-信息技术服务管控模型"])
             if (f, RDF.type, ITSS.Interface) in kb}
    assert flows == {
        (KB["ctl-IT治理"], KB["ctl-IT服务管理"]),
        (KB["ctl-IT服务管理"], KB["ctl-IT服务"]),
        (KB["ctl-IT服务监理"], KB["ctl-IT服务"]),
        (KB["ctl-IT服务监理"], KB["ctl-IT治理"]),
    }


def test_it_governance_gpm(kb):
    parts = ordered_items(kb, KB["content-GPM方法"])
    assert labels(kb, parts) == ["目标", "过程", "指标"]
    assert (KB["std-管控-6"], ITSS.definesContent, KB["content-GPM方法"]) in kb


# ---------------------------------------------------------------------------------------------
# Outsourcing: figure 3-8, figure 3-9 and the 23 processes, data protection, delivery centre
# ---------------------------------------------------------------------------------------------

FIG_3_8 = ["发包方通用要求", "服务外包方式选择指南", "服务供应商的能力要求", "供应商选择指南",
           "服务外包交付规范", "服务外包质量评价", "外包数据保护规范", "外包人员技能规范",
           "外包管理技术要求", "外包服务迁移指南", "外包项目管理规范", "外包服务终止指南",
           "交付中心管理规范", "人员外包管理规范", "接包方通用要求"]


def test_outsourcing_framework_figure_3_8(kb):
    items = [s for s in ordered_items(kb, KB["content-服务外包标准框架"]) if (s, RDF.type, ITSS.ListedStandard) in kb]
    assert labels(kb, items) == FIG_3_8
    # boxes of a framework figure: no number, no status, and not itss:Standard (ontology/itss.ttl)
    for s in items:
        assert (s, RDF.type, ITSS.Standard) not in kb
        assert kb.value(s, ITSS.status) is None and kb.value(s, DCTERMS.identifier) is None
    starred = {str(o) for s in items for o in kb.objects(s, ITSS.text) if str(o).endswith("＊")}
    assert len(starred) == 6
    assert (KB["std-发包方通用要求"], ITSS.standardCategory, KB["stdcat-发包方标准"]) in kb
    assert (KB["std-接包方通用要求"], ITSS.standardCategory, KB["stdcat-接包方标准"]) in kb
    assert (KB["std-接包方通用要求"], ITSS.standardCategory, KB["stdcat-服务外包标准-通用规范"]) in kb


GROUPS = {
    "战略管理": ["业务规划和部署", "服务目录管理", "能力和可用性管理"],
    "服务实现": ["服务设计和部署", "服务移交", "服务交付", "问题管理", "事件管理"],
    "业务管理": ["协议管理", "服务级别管理", "关系管理", "沟通管理", "配置管理", "质量保证"],
    "资源管理": ["人员管理", "知识管理", "技术管理", "财务管理", "基础设施管理"],
    "威胁管理": ["安全管理", "知识产权管理", "合规性管理", "风险管理"],
}


def test_delivery_assurance_groups(kb):
    top = ordered_items(kb, KB["content-交付保障规范框架"])
    top = [t for t in top if (t, RDF.type, ITSS.ProcessArea) in kb]
    assert labels(kb, top) == ["战略管理", "服务实现", "服务交付保障"]
    sub = ordered_items(kb, KB["procarea-外包1-服务交付保障"])
    assert labels(kb, sub) == ["业务管理", "资源管理", "威胁管理"]


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_delivery_assurance_processes_per_group(kb, group):
    area = KB["procarea-外包1-" + group]
    assert labels(kb, ordered_items(kb, area, via_entries=True)) == GROUPS[group]
    for name in GROUPS[group]:
        proc = KB["proc-" + name]
        assert (proc, RDF.type, ITSS.Process) in kb
        assert (proc, ITSS.partOf, area) in kb


def test_twenty_three_processes(kb):
    entries = [e for e in kb.subjects(RDF.type, ITSS.ListEntry) if str(e).startswith(str(KB["entry-外包1-"]))]
    assert len(entries) == 23
    assert sorted(int(kb.value(e, ITSS.order)) for e in entries) == list(range(1, 24))
    defined = set(kb.objects(KB["std-外包-1"], ITSS.definesProcess))
    assert defined == {KB["proc-" + n] for names in GROUPS.values() for n in names}
    assert len(defined) == 23


def test_pdca_of_delivery_assurance(kb):
    stages = ordered_items(kb, KB["content-服务外包管理体系"])
    assert labels(kb, stages) == ["服务外包管理体系建立（Plan）", "服务外包管理体系实施（Do）",
                                  "服务外包管理体系监控和评估（Check）", "服务外包管理体系改善（Act）"]


def test_data_protection(kb):
    std = KB["std-外包-2"]
    expect = {
        "content-数据保护原则": ["目的明确", "权利限制", "数据质量", "使用限制", "安全保障", "责任"],
        "content-数据主体权利": ["知情权", "支配权", "疑义和反对的权利"],
        "content-数据管理者责任和义务": ["告知", "质量保证", "安全", "保密"],
        "content-数据保护体系": ["数据保护方针", "管理机制", "保护机制", "安全机制", "过程改进机制"],
        "content-数据保护过程改进机制": ["监察内审", "持续改进"],
    }
    for group, names in expect.items():
        assert labels(kb, ordered_items(kb, KB[group])) == names
    for group in ("content-数据保护原则", "content-数据主体权利", "content-数据管理者责任和义务", "content-数据保护体系"):
        assert (std, ITSS.definesContent, KB[group]) in kb
    security = ordered_items(kb, KB["content-数据保护安全机制"], via_entries=True)
    assert labels(kb, security) == ["风险管理", "物理环境管理", "工作环境管理", "网络行为管理", "信息安全管理",
                                    "存储管理", "使用管理", "备份和恢复", "人员管理", "备案管理"]
    assert set(kb.objects(std, ITSS.definesRole)) == {KB["role-数据主体"], KB["role-数据管理者"]}


def test_delivery_centre(kb):
    areas = ordered_items(kb, KB["content-服务外包交付全生命周期管理"], via_entries=True)
    assert labels(kb, areas) == ["业务管理", "人员管理", "服务质量管理", "知识管理", "服务安全管理",
                                 "服务环境管理", "服务能力管理", "服务关系管理", "服务交付管理"]
    assert set(kb.objects(KB["std-外包-3"], ITSS.definesProcess)) == set(areas)


def test_outsourcing_guide_contents(kb):
    items = ordered_items(kb, KB["content-发包管理体系"])
    assert labels(kb, items) == ["外包商审查、选择、评价标准", "外包过程的服务级别管理", "外包商考评、绩效考核",
                                 "外包服务的安全性、风险控制", "外包服务人员的能力评估和管理", "外包合同管理"]
