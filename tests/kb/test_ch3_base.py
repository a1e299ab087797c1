"""Coverage of area `ch3-base`: white paper §3.1 (ITSS framework) and §3.2.1 (basic standards).

Counts and labels below were counted by hand in the white paper (lines 1751-2533):

* §3.1.1: 6 defined terms; §3.1.2: 7 compilation principles;
* §3.1.3: 6 standard categories; 业务标准 split by business type (2 groups, 4 sub-categories) and
  by purpose (3);
* §3.2.1: 4 basic standards (分类与代码, 指南, 质量评价指标体系, 从业人员能力规范);
* 表3-1: 55 codes = 9 two-digit + 29 four-digit + 17 six-digit;
* 图3-4: 5 characteristics, 16 sub-characteristics;
* 表3-2: 1 objective indicator; 表3-3: 1 subjective indicator with 5 score levels;
* 从业人员能力规范: 1 role, 4 capabilities (职业资格 = 知识 + 技能 + 经验), 5 scope items.
"""

from __future__ import annotations

import datetime

import pytest
from rdflib import RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

ITSS = Namespace("https://w3id.org/itss-graph/ontology#")
KB = Namespace("https://w3id.org/itss-graph/kb/")
DQV = Namespace("http://www.w3.org/ns/dqv#")


def zh(graph, s, p=RDFS.label):
    values = [str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == "zh"]
    return values


def en(graph, s, p=RDFS.label):
    return [str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def order(graph, s):
    value = graph.value(s, ITSS.order)
    return int(value) if value is not None else None


# ---------------------------------------------------------------------------------------------
# 表3-1 信息技术服务分类代码表
# ---------------------------------------------------------------------------------------------

CODES = {
    "01": "信息技术咨询服务",
    "0101": "信息化规划",
    "0102": "信息系统设计",
    "0103": "信息技术管理咨询",
    "0104": "信息系统工程监理",
    "0105": "测试评估认证",
    "0106": "信息技术培训",
    "0199": "其他信息技术咨询服务",
    "02": "设计与开发服务",
    "0201": "硬件设计",
    "0202": "软件设计与开发",
    "0299": "其他设计与开发服务",
    "03": "信息系统集成实施服务",
    "0301": "基础环境集成实施服务",
    "0302": "硬件集成实施服务",
    "030201": "网络集成实施服务",
    "030202": "主机集成实施服务",
    "030203": "存储集成实施服务",
    "030299": "其他硬件集成实施服务",
    "0303": "软件集成实施服务",
    "030301": "应用系统集成实施服务",
    "030302": "数据（信息）集成实施服务",
    "030303": "界面集成实施服务",
    "030399": "其他软件集成实施服务",
    "0304": "安全集成实施服务",
    "0305": "系统集成实施管理服务",
    "0399": "其他信息系统集成实施服务",
    "04": "运行维护服务",
    "0401": "基础环境运维服务",
    "0402": "硬件运维服务",
    "040201": "网络运维服务",
    "040202": "主机运维服务",
    "040203": "存储运维服务",
    "040204": "桌面运维服务",
    "040299": "其他硬件运维服务",
    "0403": "软件运维服务",
    "040301": "基础软件运维服务",
    "040302": "支撑软件运维服务",
    "040303": "应用软件运维服务",
    "040399": "其他软件运维服务",
    "0404": "安全运维服务",
    "0405": "运维管理服务",
    "0499": "其他运行维护服务",
    "05": "数据处理和存储服务",
    "0501": "数据加工处理",
    "0502": "存储服务",
    "0599": "其他数据处理和存储服务",
    "06": "运营服务",
    "0601": "软件运营服务",
    "0602": "平台运营服务",
    "0603": "基础设施运营服务",
    "0699": "其他运营服务",
    "07": "数字内容服务",
    "08": "呼叫中心服务",
    "09": "其他信息技术服务",
}

SCHEME = KB["scheme-gbt29264"]


def _categories(kb):
    return {
        str(kb.value(s, SKOS.notation)): s
        for s in kb.subjects(SKOS.inScheme, SCHEME)
        if (s, RDF.type, ITSS.ServiceCategory) in kb
    }


def test_t3_1_codes_and_names_exactly(kb):
    cats = _categories(kb)
    assert len(CODES) == 55
    assert set(cats) == set(CODES)
    for code, name in CODES.items():
        s = cats[code]
        assert s == KB[f"cat-{code}"]
        assert zh(kb, s) == [name], code
        assert zh(kb, s, SKOS.prefLabel) == [name], code
        assert en(kb, s), code


def test_t3_1_count_per_level(kb):
    cats = _categories(kb)
    by_len = {n: sorted(c for c in cats if len(c) == n) for n in (2, 4, 6)}
    assert len(by_len[2]) == 9
    assert len(by_len[4]) == 29
    assert len(by_len[6]) == 17
    assert by_len[2] == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    # six-digit codes exist only under 0302, 0303, 0402 and 0403
    assert sorted({c[:4] for c in by_len[6]}) == ["0302", "0303", "0402", "0403"]


def test_t3_1_hierarchy_and_order(kb):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in kb
    cats = _categories(kb)
    for code, s in cats.items():
        parents = set(kb.objects(s, SKOS.broader))
        if len(code) == 2:
            assert not parents, code
            assert (s, SKOS.topConceptOf, SCHEME) in kb
        else:
            assert parents == {KB[f"cat-{code[:-2]}"]}, code
    # itss:order follows the rows of the table
    ordered = sorted(cats, key=lambda c: order(kb, cats[c]))
    assert ordered == list(CODES)


def test_t3_1_descriptions(kb):
    cats = _categories(kb)
    without = sorted(c for c, s in cats.items() if not zh(kb, s, SKOS.definition))
    assert without == ["03"]  # 03 has no 说明 in the table
    assert zh(kb, cats["0199"], SKOS.definition) == ["凡属于01类而上述各中类未包含的服务内容可纳入此类中"]
    assert zh(kb, cats["0404"], SKOS.definition) == [
        "对信息系统提供的安全巡检、安全加固、脆弱性检查、渗透性测试、安全风险评估、应急保障等服务"
    ]
    assert zh(kb, cats["04"], ITSS.excludes) == ["硬件和软件产品保修期内的支持服务"]
    assert zh(kb, cats["0106"], ITSS.excludes) == ["学历教育"]
    # 0201 continues over the page break (line 2021): four included items a)-d)
    items = sorted(zh(kb, cats["0201"], ITSS.includes))
    assert len(items) == 4 and [i[:2] for i in items] == ["a）", "b）", "c）", "d）"]
    assert len(zh(kb, cats["0304"], ITSS.includes)) == 2
    with_includes = sorted(c for c, s in cats.items() if zh(kb, s, ITSS.includes))
    assert with_includes == sorted(
        ["0103", "0104", "0106", "0201", "0202", "0301", "0304", "0401", "0501", "0502",
         "06", "0601", "0602", "0603", "07"]
    )
    with_excludes = sorted(c for c, s in cats.items() if zh(kb, s, ITSS.excludes))
    assert with_excludes == ["0106", "04"]


# ---------------------------------------------------------------------------------------------
# §3.1 framework
# ---------------------------------------------------------------------------------------------

STDCATS = ["基础标准", "服务管控标准", "服务外包标准", "业务标准", "安全标准", "行业应用标准"]


def test_six_standard_categories(kb):
    system = KB["stdsys-ITSS体系"]
    top = set(kb.objects(system, SKOS.hasTopConcept))
    assert top == {KB[f"stdcat-{n}"] for n in STDCATS}
    for i, name in enumerate(STDCATS, 1):
        s = KB[f"stdcat-{name}"]
        assert (s, RDF.type, ITSS.StandardCategory) in kb
        assert zh(kb, s) == [name]
        assert order(kb, s) == i
        assert len(zh(kb, s, SKOS.definition)) == 1, name
    assert zh(kb, KB["stdcat-基础标准"], SKOS.definition) == [
        "基础标准旨在阐述信息技术服务的业务分类和服务原理、服务质量评价方法、服务人员能力要求等"
    ]
    assert zh(kb, KB["stdcat-安全标准"], SKOS.altLabel) == ["服务安全标准"]


def test_business_standard_subdivision(kb):
    biz = KB["stdcat-业务标准"]
    subs = {zh(kb, s)[0] for s in kb.subjects(SKOS.broader, biz)}
    assert subs == {
        "面向IT的服务标准", "IT驱动的服务标准",
        "咨询设计标准", "集成实施标准", "运行维护标准", "服务运营标准",
        "通用要求", "服务规范", "实施指南",
    }
    it_oriented = set(kb.subjects(SKOS.broader, KB["stdcat-面向IT的服务标准"]))
    assert it_oriented == {KB["stdcat-咨询设计标准"], KB["stdcat-集成实施标准"], KB["stdcat-运行维护标准"]}
    assert set(kb.subjects(SKOS.broader, KB["stdcat-IT驱动的服务标准"])) == {KB["stdcat-服务运营标准"]}
    purpose = set(kb.objects(KB["stdfacet-按标准编写目的"], SKOS.member))
    assert purpose == {KB["stdcat-通用要求"], KB["stdcat-服务规范"], KB["stdcat-实施指南"]}
    assert set(kb.objects(KB["stdfacet-按业务类型"], SKOS.member)) == {
        KB["stdcat-面向IT的服务标准"], KB["stdcat-IT驱动的服务标准"]
    }
    for name in ("通用要求", "服务规范", "实施指南"):
        assert zh(kb, KB[f"stdcat-{name}"], SKOS.definition), name
    assert (KB["stdcat-运行维护标准"], ITSS.businessType, KB["biz-运行维护"]) in kb


PRINCIPLES = [
    "与产业发展现状相结合",
    "与软件服务业司职能相吻合",
    "与国际标准化趋势相吻合",
    "与部内其他司局的工作相结合",
    "全面考虑与信息技术服务业相关的技术内容，先全面覆盖，再聚焦",
    "急用先行，成熟先上",
    "“产学研用政”协同工作",
]


def test_compilation_principles(kb):
    principles = list(kb.subjects(RDF.type, ITSS.Principle))
    assert len(principles) == 7
    ordered = sorted(principles, key=lambda s: order(kb, s))
    assert [zh(kb, s)[0] for s in ordered] == PRINCIPLES
    for s in principles:
        assert zh(kb, s, ITSS.text)
        assert (s, ITSS.partOf, KB["stdsys-ITSS体系"]) in kb
    assert zh(kb, KB["stdsys-ITSS体系"], ITSS.compilationPurpose)
    assert len(zh(kb, KB["stdsys-ITSS体系"], ITSS.compilationMethod)) == 2


def test_standard_system_terms(kb):
    names = ["标准体系", "标准体系结构", "层次", "并列", "标准体系表", "信息技术服务标准体系表"]
    for name in names:
        s = KB[f"term-{name}"]
        assert zh(kb, s) == [name]
        assert zh(kb, s, SKOS.definition), name


# ---------------------------------------------------------------------------------------------
# §3.2.1 basic standards
# ---------------------------------------------------------------------------------------------

BASE_STANDARDS = {
    "std-基础-1": ("信息技术服务 分类与代码", ITSS.Published, "本标准已颁布实施，标准号为GB/T 29264-2012，发布日期：2012年12月31日，实施日期：2013年6月1日。"),
    "std-基础-2": ("信息技术服务 质量评价指标体系", ITSS.Review, "本标准处于送审阶段。"),
    "std-基础-3": ("信息技术服务 从业人员能力规范", ITSS.Comment, "本标准处于征求意见阶段。"),
}


@pytest.mark.parametrize("key", sorted(BASE_STANDARDS))
def test_base_standard_status_and_title(kb, key):
    title, status, text = BASE_STANDARDS[key]
    s = KB[key]
    assert (s, RDF.type, ITSS.Standard) in kb
    assert zh(kb, s, DCTERMS.title) == [title]
    assert en(kb, s, DCTERMS.title)
    assert set(kb.objects(s, ITSS.status)) == {status}
    assert zh(kb, s, ITSS.statusText) == [text]
    assert (s, ITSS.standardCategory, KB["stdcat-基础标准"]) in kb
    assert zh(kb, s, ITSS.purpose)
    assert zh(kb, s, ITSS.scope)


def test_classification_standard_facts(kb):
    s = KB["std-基础-1"]
    assert str(kb.value(s, DCTERMS.identifier)) == "GB/T 29264-2012"
    assert kb.value(s, DCTERMS.issued).toPython() == datetime.date(2012, 12, 31)
    assert kb.value(s, DCTERMS.valid).toPython() == datetime.date(2013, 6, 1)
    top = {KB[f"cat-0{i}"] for i in range(1, 10)}
    assert set(kb.objects(s, ITSS.appliesToCategory)) == top
    activities = {zh(kb, a)[0] for a in kb.objects(s, ITSS.appliesToActivity)}
    assert activities == {"分类", "管理", "编目", "信息管理", "信息交换", "统一核算", "科研", "规划", "统计"}
    assert (KB["ext-GB-T-4754-2011"], RDF.type, ITSS.ExternalStandard) in kb
    assert (s, ITSS.relatedStandard, KB["ext-GB-T-4754-2011"]) in kb
    assert (SCHEME, DCTERMS.isPartOf, s) in kb


def test_guide_standard(kb):
    s = KB["std-指南"]
    # named without number, status or heading: a standard listed in the framework, not an itss:Standard
    assert (s, RDF.type, ITSS.ListedStandard) in kb
    assert (s, RDF.type, ITSS.Standard) not in kb
    assert zh(kb, s, DCTERMS.title) == ["信息技术服务 指南"]
    assert (s, ITSS.standardCategory, KB["stdcat-基础标准"]) in kb
    assert zh(kb, s, ITSS.purpose)
    assert kb.value(s, ITSS.status) is None  # the text gives no status


def test_quality_standard_applicability(kb):
    s = KB["std-基础-2"]
    parties = {KB["party-供方"], KB["party-需方"], KB["party-第三方"]}
    assert set(kb.objects(s, ITSS.appliesToParty)) == parties
    items = sorted(kb.objects(s, ITSS.scopeItem), key=lambda i: order(kb, i))
    assert [kb.value(i, ITSS.party) for i in items] == [KB["party-供方"], KB["party-需方"], KB["party-第三方"]]
    assert set(kb.objects(s, ITSS.definesIndicator)) == {KB["qi-及时响应率"], KB["qi-服务可见程度"]}


def test_personnel_standard_applicability_and_capabilities(kb):
    s = KB["std-基础-3"]
    parties = {KB[f"party-{p}"] for p in ("行业主管部门", "供方", "需方")}
    assert set(kb.objects(s, ITSS.appliesToParty)) == parties
    orgtypes = {KB["orgtype-劳务派遣组织"], KB["orgtype-教育培训机构"]}
    assert set(kb.objects(s, ITSS.appliesToOrganizationType)) == orgtypes
    for o in orgtypes:
        assert (o, RDF.type, ITSS.OrganizationType) in kb
    assert (KB["party-教育培训机构"], SKOS.closeMatch, KB["orgtype-教育培训机构"]) in kb
    # all nine top-level codes (从事GB/T29264…规定的信息技术服务职业的从业人员), and 0106 信息技术培训
    # for the training institutions of scope e) (2528-2530)
    assert set(kb.objects(s, ITSS.appliesToCategory)) == {KB[f"cat-0{i}"] for i in range(1, 10)} | {KB["cat-0106"]}
    items = sorted(kb.objects(s, ITSS.scopeItem), key=lambda i: order(kb, i))
    assert len(items) == 5
    # each scope item names who it is for: a party (a, b, d) or a kind of organisation (c, e)
    assert [kb.value(i, ITSS.party) or kb.value(i, ITSS.appliesToOrganizationType) for i in items] == [
        KB["party-行业主管部门"], KB["party-供方"], KB["orgtype-劳务派遣组织"], KB["party-需方"],
        KB["orgtype-教育培训机构"],
    ]
    assert set(kb.objects(s, ITSS.definesRole)) == {KB["role-信息技术服务从业人员"]}
    caps = set(kb.objects(s, ITSS.definesCapability))
    assert caps == {KB["cap-职业资格"], KB["cap-知识"], KB["cap-技能"], KB["cap-经验"]}
    for c in caps:
        assert (c, RDF.type, ITSS.Capability) in kb
    assert set(kb.objects(KB["cap-职业资格"], DCTERMS.hasPart)) == {KB["cap-知识"], KB["cap-技能"], KB["cap-经验"]}
    model = sorted(kb.objects(KB["term-能力模型"], SKOS.narrower), key=lambda t: order(kb, t))
    assert [zh(kb, t)[0] for t in model] == ["职业种类", "能力要求", "评价方法", "能力培养模式"]


# ---------------------------------------------------------------------------------------------
# 图3-4 quality model, 表3-2 / 表3-3 indicators
# ---------------------------------------------------------------------------------------------

QUALITY_MODEL = {
    "安全性": ["可用性", "完整性", "保密性"],
    "可靠性": ["完备性", "连续性", "稳定性", "有效性", "可追溯性"],
    "响应性": ["及时性", "互动性"],
    "有形性": ["可视性", "专业性", "合规性"],
    "友好性": ["灵活性", "礼貌性", "主动性"],
}


def test_quality_characteristics(kb):
    scheme = KB["qmodel-服务质量模型"]
    top = sorted(kb.objects(scheme, SKOS.hasTopConcept), key=lambda s: order(kb, s))
    assert [zh(kb, s)[0] for s in top] == list(QUALITY_MODEL)
    subs_total = 0
    for characteristic, subs in QUALITY_MODEL.items():
        c = KB[f"qc-{characteristic}"]
        assert (c, RDF.type, ITSS.QualityCharacteristic) in kb
        assert (c, RDF.type, DQV.Category) in kb
        children = sorted(kb.subjects(SKOS.broader, c), key=lambda s: order(kb, s))
        assert [zh(kb, s)[0] for s in children] == subs, characteristic
        for s in children:
            assert (s, RDF.type, ITSS.QualityCharacteristic) in kb
            assert (s, DQV.inCategory, c) in kb
            assert en(kb, s)
        subs_total += len(children)
    assert subs_total == 16


INDICATORS = {
    # name: (kind, sub-characteristic, formula as written, category)
    "及时响应率": (ITSS.Objective, "及时性", "X=A/B A=满足需方时效性要求的咨询服务请求数量 B=总的咨询服务请求数量", "01"),
    "服务可见程度": (ITSS.Subjective, "可视性", "X=A/5 A取值从1，2，3，4，5", "03"),
}


def test_indicators_of_tables_3_2_and_3_3(kb):
    indicators = set(kb.subjects(RDF.type, ITSS.QualityIndicator))
    ours = {s for s in indicators if (KB["std-基础-2"], ITSS.definesIndicator, s) in kb}
    assert {zh(kb, s)[0] for s in ours} == set(INDICATORS)
    for name, (kind, dim, formula, code) in INDICATORS.items():
        s = KB[f"qi-{name}"]
        assert zh(kb, s) == [name]
        assert kb.value(s, ITSS.indicatorKind) == kind
        assert kb.value(s, DQV.inDimension) == KB[f"qc-{dim}"]
        assert zh(kb, s, ITSS.formula) == [formula]
        assert zh(kb, s, ITSS.evaluationPurpose)
        assert zh(kb, s, ITSS.evaluationMethod)
        assert zh(kb, s, ITSS.valueInterpretation)
        assert (s, ITSS.appliesToCategory, KB[f"cat-{code}"]) in kb
    levels = sorted(kb.objects(KB["qi-服务可见程度"], ITSS.scoreLevel), key=lambda s: int(kb.value(s, RDF.value)))
    assert [int(kb.value(s, RDF.value)) for s in levels] == [1, 2, 3, 4, 5]
    assert zh(kb, levels[0], ITSS.text) == ["供方没有建立服务过程和结果的可见机制，且实施很差"]


def test_no_unexpected_standard_iris(kb):
    """Only the four basic standards are defined under category 基础标准 by this area."""
    base = {s for s in kb.subjects(ITSS.standardCategory, KB["stdcat-基础标准"])}
    assert {KB["std-基础-1"], KB["std-基础-2"], KB["std-基础-3"], KB["std-指南"]} <= base
