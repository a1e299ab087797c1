"""What the white paper says applies, per GB/T 29264 code and per CI type — and what it excludes —
checked against the answers of ``itss standards`` (the rule: itss_graph/knowledge/applicability.py),
with the lines of the text each expectation rests on; and every standard reachable by a profile
that describes an organisation it is for, without quoting its scope.

Standards are named by their key (``运维-1`` = kb:std-运维-1, GB/T 28827.1). Each code lists:
``applicable`` (exactly the available standards that apply), ``planned`` (exactly those with no
text yet), ``narrower`` (standards for a part of the code only) and ``excluded`` (standards that
must not apply, with why).
"""

from __future__ import annotations

import pytest

from itss_graph.knowledge.applicability import (FACET_BY_NAME, FACETS, Declared, Query, candidates, evaluate,
                                                standard_values)
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.questions import applicability_answer

OM = {"运维-1", "运维-2", "运维-3"}  # GB/T 28827.1-3 apply to all O&M (04): 3441-3447, 3470-3706
DATA_CENTRE = "运维-4"  # for data-centre O&M objects: 3706-3805
CLOUD_STARTED = {"云计算-1", "云计算-3-1", "云计算-3-2", "云计算-3-3", "云计算-4-1", "云计算-4-4", "云计算-6"}
CLOUD_NOT_STARTED = {"云计算-4-2", "云计算-4-3", "云计算-5"}  # 尚未启动: 4046, 4061, 4087
CONSULTING_STARTED = {"咨询设计-1", "咨询设计-6"}  # 征求意见 3260, 草案 3325
CONSULTING_PLANNED = {"咨询设计-2", "咨询设计-4", "咨询设计-5"}  # 申报立项 3268, 拟… 3305, 3315

CODES: dict[str, dict] = {
    # 01 信息技术咨询服务 as a whole: no standard is for all of it (the consulting text names
    # IT strategy planning, management systems, system engineering, 3172-3175 — not training 0106
    # nor testing and certification 0105); the parts have theirs.
    "01": {"applicable": set(), "planned": set(),
           "narrower": CONSULTING_STARTED | CONSULTING_PLANNED | {"咨询设计-3"},
           "excluded": {"运维-1": "O&M is 04"}},
    "0101": {"applicable": CONSULTING_STARTED, "planned": CONSULTING_PLANNED, "narrower": set(),
             "excluded": {"咨询设计-3": "监理 is 0104 (1970)"}},
    "0104": {"applicable": {"咨询设计-3"}, "planned": set(), "narrower": set(),  # 3270-3293
             "excluded": {"咨询设计-1": "not named by the consulting text (3172-3175)"}},
    # 0106 信息技术培训: the competence spec's training institutions (2528-2530), not consulting
    "0106": {"applicable": {"基础-3"}, "planned": set(), "narrower": set(),
             "excluded": {"咨询设计-1": "training is not consulting (3172-3175)",
                          "咨询设计-6": "training is not consulting (3172-3175)"}},
    # 02 设计与开发服务: ITSS 2014 has no standard for design and development (§3.2)
    "02": {"applicable": set(), "planned": set(), "narrower": set(), "excluded": {"集成实施-1": "integration is 03"}},
    # 03 信息系统集成实施服务: 集成实施 (3327-3422)
    "03": {"applicable": {"集成实施-1", "集成实施-2"}, "planned": set(), "narrower": set(),
           "excluded": {"咨询设计-3": "supervision is 0104"}},
    # 04 运行维护服务: GB/T 28827.1-4 (3423-3805); the desktop (040204) and application (040303) parts
    # are for parts of 04
    "04": {"applicable": OM | {DATA_CENTRE}, "planned": set(), "narrower": {"运维-5", "运维-6"},
           "excluded": {"运维-5": "desktops only (040204, 3806-3818)"}},
    # 040204 桌面运维服务: the desktop part is the data-centre part's specialisation (3809-3810)
    "040204": {"applicable": OM | {"运维-5"}, "planned": set(), "narrower": set(),
               "excluded": {DATA_CENTRE: "运维-5 takes its place (3809-3810)"}},
    # 040303 应用软件运维服务: 应用系统服务规范 has no text yet (尚未启动, 3832); the data-centre part
    # covers 应用软件 (3777-3779)
    "040303": {"applicable": OM | {DATA_CENTRE}, "planned": {"运维-6"}, "narrower": set(),
               "excluded": {"运维-5": "desktops only"}},
    # 05 数据处理和存储服务: no ITSS standard of 2014 is written for it
    "05": {"applicable": set(), "planned": set(), "narrower": set(), "excluded": {"运维-1": "O&M is 04"}},
    # 06 运营服务: the cloud standards (§3.2.7, 3836-4102; SaaS/PaaS/IaaS of 图3-16 are 0601-0603)
    "06": {"applicable": CLOUD_STARTED, "planned": CLOUD_NOT_STARTED, "narrower": {"云计算-2-1"},
           "excluded": {"运维-1": "O&M is 04"}},
    # 0603 基础设施运营服务: also the virtual machine standard (3955-3962)
    "0603": {"applicable": CLOUD_STARTED | {"云计算-2-1"}, "planned": CLOUD_NOT_STARTED, "narrower": set(),
             "excluded": {}},
    "0601": {"applicable": CLOUD_STARTED, "planned": CLOUD_NOT_STARTED, "narrower": set(),
             "excluded": {"云计算-2-1": "virtual machines are infrastructure (0603)"}},
    # 07 数字内容服务, 08 呼叫中心服务, 09 其他: no ITSS standard of 2014 is written for them
    "07": {"applicable": set(), "planned": set(), "narrower": set(), "excluded": {}},
    "08": {"applicable": set(), "planned": set(), "narrower": set(), "excluded": {}},
    "09": {"applicable": set(), "planned": set(), "narrower": set(), "excluded": {}},
}

ALL_OM = OM | {DATA_CENTRE}
CI_TYPES: dict[str, dict] = {
    # facilities and power/cooling: 0401 基础环境运维 (2148-2152), 机房基础设施 of the data centre (3726)
    "cooling": {"applicable": ALL_OM}, "pdu": {"applicable": ALL_OM}, "power-feed": {"applicable": ALL_OM},
    "power-panel": {"applicable": ALL_OM}, "ups": {"applicable": ALL_OM},
    # the room and the cabling are data-centre objects (3726, 图3-15) that 表3-1 names under no code
    "room": {"applicable": {DATA_CENTRE}}, "patch-panel": {"applicable": {DATA_CENTRE}},
    "circuit": {"applicable": {DATA_CENTRE}},
    # a site (alias 数据中心): 0405 运维管理服务 (2203) and the data centre object (3431, 3710)
    "site": {"applicable": ALL_OM},
    # network, hosts, storage: 040201-040203 (2159-2167); data-centre objects (3726-3728)
    "router": {"applicable": ALL_OM}, "switch": {"applicable": ALL_OM}, "firewall": {"applicable": ALL_OM},
    "load-balancer": {"applicable": ALL_OM}, "server": {"applicable": ALL_OM},
    "hypervisor-host": {"applicable": ALL_OM}, "storage-array": {"applicable": ALL_OM},
    # virtualisation: 040299 硬件设备虚拟化 (2173-2175); the VM standard is for 0603 rental, not O&M
    "vm": {"applicable": ALL_OM, "excluded": {"云计算-2-1": "renting VMs is 0603"}},
    "cluster": {"applicable": ALL_OM, "excluded": {"云计算-2-1": "renting VMs is 0603"}},
    # base software 040301 (2185), 中间件/数据库 of the data centre (3777-3779)
    "os": {"applicable": ALL_OM}, "database": {"applicable": ALL_OM}, "middleware": {"applicable": ALL_OM},
    "web-server": {"applicable": ALL_OM},
    # application software 040303 (2195); 应用系统服务规范 not started (3832)
    "application": {"applicable": ALL_OM, "planned": {"运维-6"}},
    # data: an O&M object of GB/T 28827.1 (3484) and of the data centre (3728); 0499 (2206)
    "data-set": {"applicable": ALL_OM},
    # not objects of O&M in the text
    "rack": {"applicable": set()}, "container": {"applicable": set()}, "provider": {"applicable": set()},
    "business-service": {"applicable": set()}, "redundancy-group": {"applicable": set()},
}
DESKTOP_CATEGORY = "kb:cat-040204"


def ids(results) -> set[str]:
    return {r.node.id.removeprefix("kb:std-") for r in results}


@pytest.fixture(scope="module")
def kbase():
    return KnowledgeBase.load()


@pytest.mark.parametrize("code", sorted(CODES))
def test_standards_for_each_code(kbase, code):
    expected = CODES[code]
    answer = applicability_answer(kbase, code=code)
    assert ids(answer.applicable) == expected["applicable"]
    assert ids(answer.planned) == expected["planned"]
    assert ids(answer.narrower) == expected["narrower"]
    for key, why in expected["excluded"].items():
        assert key not in ids(answer.applicable) | ids(answer.planned), why
    for result in answer.applicable + answer.planned:
        assert result.reasons and all(r.sentence for r in result.reasons)


def test_every_top_level_code_has_its_expectation(kbase):
    tops = {kbase.notation(c) for c in kbase.instances("itss:ServiceCategory")
            if not kbase.objects(c, "skos:broader")}
    assert tops == {f"0{i}" for i in range(1, 10)} and tops <= set(CODES)


@pytest.mark.parametrize("ci_type", sorted(CI_TYPES))
def test_standards_for_each_ci_type(kbase, ci_type):
    expected = CI_TYPES[ci_type]
    answer = applicability_answer(kbase, ci_type=ci_type)
    assert ids(answer.applicable) == expected["applicable"]
    assert ids(answer.planned) == expected.get("planned", set())
    for key, why in expected.get("excluded", {}).items():
        assert key not in ids(answer.applicable), why


def test_ci_types_added_later_follow_their_categories(kbase):
    """A CI type this file does not know yet (the ontology grows) gets at least what the codes of its
    categories get; a desktop or peripheral device gets the desktop part, not the data-centre part
    (unless it is also a data-centre object)."""
    from itss_graph.schema import load_schema

    schema = load_schema()
    for name, ci_type in schema.ci_types.items():
        if name in CI_TYPES:
            continue
        answer = applicability_answer(kbase, ci_type=name)
        categories = {kbase.qname(c) for c in kbase.objects(ci_type.iri, "itss:category")}
        for cat in categories:
            code = kbase.notation(cat)
            known = next((CODES[c] for c in (code, code[:4], code[:2]) if c in CODES), None)
            if known is not None and code[:2] == "04":
                assert OM <= ids(answer.applicable), name
        if categories == {DESKTOP_CATEGORY}:
            assert "运维-5" in ids(answer.applicable), name
            objects = set(kbase.objects(ci_type.iri, "itss:serviceObject"))
            if not objects:
                assert DATA_CENTRE not in ids(answer.applicable), name


# ---------------------------------------------------------------------------------------------
# Reachability: every standard, by a profile describing an organisation it is for
# ---------------------------------------------------------------------------------------------

DESCRIBING = ("party", "organization_type", "business_type", "category", "service_object", "stage")


def describing_profile(kb: KnowledgeBase, std: str) -> list[Declared]:
    """An organisation as the standard's own facts describe who and what it is for — its parties,
    organisation types, business types, categories, service objects and stages (inherited from
    its series where it has none) — never the uses its scope names (activities)."""
    facts: list[Declared] = []
    for facet in FACETS:
        if facet.name not in DESCRIBING:
            continue
        values, _ = standard_values(kb, std, facet)
        facts += [Declared(facet.name, v) for v in values]
    return facts


def reachability(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    standards = [s for s in candidates(kb) if kb.is_a(s, "itss:Standard")]
    reached = []
    for std in standards:
        answer = evaluate(kb, describing_profile(kb, std), Query("profile", kb.qname(std)))
        if std in {r.node.iri for r in answer.applicable + answer.planned}:
            reached.append(kb.qname(std))
    return [kb.qname(s) for s in standards], reached


def test_every_standard_is_reachable_without_quoting_its_scope(kbase):
    standards, reached = reachability(kbase)
    assert len(standards) == 40
    assert sorted(set(standards) - set(reached)) == []


def test_the_describing_profile_quotes_no_scope(kbase):
    for std in candidates(kbase):
        assert all(d.facet != "activity" for d in describing_profile(kbase, std))
    assert "activity" not in DESCRIBING and set(DESCRIBING) <= set(FACET_BY_NAME)


# ---------------------------------------------------------------------------------------------
# The facts the answers rest on, each with its line
# ---------------------------------------------------------------------------------------------

STAGES = {  # standard (or series) -> (stage, unit stating it, a line of the text)
    "std-基础-2": ("监督管理", "s2-3-5", 1430),        # 监督管理是依据ITSS对IT服务服务质量进行评价
    "std-咨询设计-3": ("监督管理", "s2-3-5", 1436),    # 对服务供方的服务过程、交付结果实施监理
    "std-管控-6": ("监督管理", "s2-3-5", 1436),        # 对服务的结果进行绩效评估
    "std-外包-5": ("监督管理", "s2-3-5", 1436),
    "std-云计算-5": ("监督管理", "s2-3-5", 1440),
    "std-管控-4": ("监督管理", "f2-7", 999),          # 图2-7: 服务治理
    "std-管控-7": ("监督管理", "f2-7", 999),
    "std-云计算-6": ("监督管理", "f2-7", 993),         # 图2-7: 质量评价
    "series-运行维护": ("服务运营", "f2-7", 977),       # 图2-7: IT运维
    "std-管控-1": ("服务运营", "s3-2-2", 2586),        # 本标准主要针对运营形态的IT服务进行管理
    "std-管控-2": ("部署实施", "s2-3-2", 1114),        # 建立服务管理流程
    "std-管控-3": ("部署实施", "s2-3-2", 1111),        # 建设支撑服务运营的工具系统
    "std-云计算-2": ("部署实施", "s3-2-7", 3875),       # 构建与部署、交付和运营
    "std-云计算-3": ("服务运营", "s3-2-7", 3875),
    "std-云计算-4": ("服务运营", "s3-2-7", 3875),
    "std-外包-5-plan": ("规划设计", "s2-3-1", 965),     # 规划设计是从客户业务战略出发
    "std-咨询设计-1": ("规划设计", "s3-2-4", 3167),     # 为大型复杂信息应用平台的顶层设计提供指导
    "std-咨询设计-5": ("规划设计", "s3-2-4", 3309),     # 咨询设计阶段所需的参考标准
    "std-咨询设计-6": ("规划设计", "s3-2-4", 3319),
}


@pytest.mark.parametrize("key", sorted(STAGES))
def test_stage_facts_and_their_source(kbase, key):
    stage, unit, line = STAGES[key]
    std = kbase.expand("kb:" + key.removesuffix("-plan"))
    value = kbase.expand(f"kb:stage-{stage}")
    refs = kbase.provenance(std, "itss:appliesToStage", value)
    assert [kbase.qname(r.unit) for r in refs] == [f"src:{unit}"]
    assert refs[0].start_line <= line <= refs[0].end_line


OBLIGATIONS = {  # standard -> {party: line of the sentence that places the requirements}
    "运维-1": {"供方": 3443}, "运维-2": {"供方": 3447, "需方": 3558}, "运维-3": {"供方": 3447},
    "运维-4": {"供方": 3464}, "运维-5": {"供方": 3464}, "运维-6": {"供方": 3464},
    "外包-1": {"供方": 2881}, "外包-2": {"供方": 3112}, "外包-3": {"供方": 3130}, "外包-5": {"需方": 3155},
    "咨询设计-1": {"供方": 3212}, "咨询设计-4": {"供方": 3297}, "咨询设计-5": {"供方": 3313},
    "集成实施-1": {"供方": 3360}, "管控-1": {"供方": 2578}, "管控-3": {"需方": 2674, "供方": 2674},
    "基础-2": {"供方": 2477}, "基础-3": {"供方": 2518}, "云计算-4-1": {"供方": 4030}, "云计算-4-3": {"供方": 4055},
}


def test_obligations_quote_the_text_at_their_line(kbase):
    from tests.kb import whitepaper

    found: dict[str, dict[str, int]] = {}
    for node in kbase.instances("itss:Obligation"):
        std = kbase.value(node, "itss:obligationOf")
        text = str(kbase.value(node, "itss:text"))
        line = int(str(kbase.value(node, "itss:line")))
        assert whitepaper.occurs(text, line, line + 8), (kbase.qname(node), line)
        if std is None:
            assert kbase.qname(kbase.value(node, "itss:obligationOfKind")) == "itss:StageRequirement"
            continue
        party = kbase.label(kbase.value(node, "itss:obligedParty"), "zh")
        found.setdefault(kbase.qname(std).removeprefix("kb:std-"), {})[party] = line
    assert found == OBLIGATIONS
    # every standard whose requirements a gap lists says on whom they fall
    from itss_graph.knowledge.gap import REQUIREMENT_PROPERTIES

    requiring = {kbase.qname(s).removeprefix("kb:std-") for s in candidates(kbase)
                 if any(kbase.objects(s, p) for p in (*REQUIREMENT_PROPERTIES, "itss:definesModel"))}
    assert requiring - set(OBLIGATIONS) <= {"云计算-6"}  # its quality model requires no item


def test_specialisations(kbase):
    pairs = {(kbase.qname(s), kbase.qname(o)) for s in candidates(kbase) for o in kbase.objects(s, "itss:specialises")}
    assert pairs == {("kb:std-运维-5", "kb:std-运维-4"), ("kb:std-运维-6", "kb:std-运维-4")}  # 3809-3810, 3824-3825


def test_supervision_standard_names_who_its_scope_names(kbase):
    """咨询设计-3's scope (3278-3291): supervisors, owners, contractors, O&M units, authorities, staff,
    education and research — each an organisation type acting as a party."""
    std = "kb:std-咨询设计-3"
    types = {kbase.label(o, "zh") for o in kbase.objects(std, "itss:appliesToOrganizationType")}
    assert types == {"从事监理及相关服务的单位", "信息系统工程的建设单位", "信息系统工程的承建单位",
                     "承接信息系统运行维护服务的单位", "教育、培训机构", "研究机构"}
    acts = {kbase.label(o, "zh"): kbase.label(kbase.value(o, "itss:actsAs"), "zh")
            for o in kbase.objects(std, "itss:appliesToOrganizationType") if kbase.value(o, "itss:actsAs")}
    assert acts == {"从事监理及相关服务的单位": "第三方", "信息系统工程的建设单位": "需方",
                    "信息系统工程的承建单位": "供方", "承接信息系统运行维护服务的单位": "供方"}
    assert {kbase.label(o, "zh") for o in kbase.objects(std, "itss:appliesToParty")} == {
        "第三方", "需方", "供方", "行业主管部门"}
