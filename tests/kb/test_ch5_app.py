"""Coverage of chapters 5, 6, 7 and the appendices of the white paper (lines 5811–9393).

Counts and values below were read by hand from the text:

* §5.1: ITIL (3 versions, 5 v3 modules, 6 v2 books), ISO/IEC 20000 (2 parts, versions 2005/2011, from BS15000),
  COBIT (ISACA, 1996, v4.1 and V5), CMMI 1.3 (DEV, ACQ, SVC), eTOM, ASL; figures 5-1…5-5 are images whose
  content is not in the extracted text (captions only);
* 表5-1: 11 standards × 9 aspects = 99 cells;
* §5.2: emphasis of ITSS, ITIL, ISO/IEC 20000, CMMI-SVC, COBIT; adoption figures of July 2011;
* 图6-1 and 表6-1: 10 offerings in 4 categories (表1-1's IRIs where the names agree) with providers
  (itss:offeredBy a party) and audiences (itss:targetAudience); 表6-2 (2 × 3 content items),
  表6-3 (2 courses, 40 课时), 表6-4 (3 courses, 24/40/40 课时), 表6-5 (4 services, 2/2/3/3 items),
  表6-6 (2 products, 4/3 items), 表6-7 (2 tools, 4/3 items);
* chapter 7: 6 achievements, 3 challenges, 3 prospects, 10 verification sites, 12/224/3/37;
* 附录1: 7 专业组 with leading and deputy units (1+4, 1+1, 1+5, 1+6, 1+7, 1+1; 基础标准 has persons);
* 附录2: 35 dated events; 附录3: 11 FAQ;
* 附录4: 9 cases and the standards each names; 表附录4-1 (5 indicators, total 93.4); 图附录4-10 (20 items);
  表附录4-2 (8 rows); 图附录4-1 (7 lanes + 31 boxes);
* 附录5: 131 full members, 27 observers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import DCTERMS, RDF, RDFS, Literal, Namespace, URIRef

ITSS = "https://w3id.org/itss-graph/ontology#"
KB = "https://w3id.org/itss-graph/kb/"
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def I(name: str) -> URIRef:  # noqa: E743 - short helper
    return URIRef(ITSS + name)


def K(name: str) -> URIRef:
    return URIRef(KB + name)


def lang(graph, node, pred, language="zh") -> set[str]:
    return {str(o) for o in graph.objects(node, pred) if isinstance(o, Literal) and o.language == language}


def zh(graph, node) -> set[str]:
    return lang(graph, node, RDFS.label, "zh")


def en(graph, node) -> set[str]:
    return lang(graph, node, RDFS.label, "en")


def order(graph, node) -> int:
    return int(graph.value(node, I("order")))


def by_order(graph, nodes):
    return sorted(nodes, key=lambda n: order(graph, n))


def one_zh(graph, node) -> str:
    labels = zh(graph, node)
    assert len(labels) == 1, f"{node} has zh labels {labels}"
    return next(iter(labels))


# ============================================================================================
# Chapter 5
# ============================================================================================

FRAMEWORKS = ["ITIL", "ISO-IEC-20000", "COBIT", "CMMI", "CMMI-SVC", "CMMI-DEV", "CMMI-ACQ", "BS15000", "eTOM", "ASL"]


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_frameworks_of_5_1(kb, fw):
    node = K(f"fw-{fw}")
    assert (node, RDF.type, I("Framework")) in kb
    assert zh(kb, node) and len(en(kb, node)) == 1


def test_itil_versions_and_modules(kb):
    itil = K("fw-ITIL")
    assert (itil, DCTERMS.publisher, K("org-OGC")) in kb
    assert (itil, DCTERMS.creator, K("org-CCTA")) in kb
    versions = by_order(kb, kb.objects(itil, DCTERMS.hasVersion))
    assert [one_zh(kb, v) for v in versions] == ["ITIL v1", "ITIL v2", "ITIL v3"]
    assert [str(kb.value(v, I("periodText"))) for v in versions] == ["1986至1999年", "1999至2006年", "2004至2007年"]
    modules = by_order(kb, kb.subjects(I("partOf"), K("fwver-ITIL-v3")))
    assert [one_zh(kb, m) for m in modules] == ["服务战略", "服务设计", "服务转换", "服务运营", "服务改进"]
    books = by_order(kb, kb.subjects(I("partOf"), K("fwver-ITIL-v2")))
    assert [one_zh(kb, b) for b in books] == [
        "服务管理", "实施服务管理规划", "应用管理", "安全管理", "基础架构管理", "ITIL的业务前景"]


def test_iso20000_cobit_cmmi(kb):
    iso = K("fw-ISO-IEC-20000")
    parts = by_order(kb, kb.objects(iso, DCTERMS.hasPart))
    assert [one_zh(kb, p) for p in parts] == ["规范", "实践规则"]
    assert (iso, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), K("fw-BS15000")) in kb
    assert (iso, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), K("fw-ITIL")) in kb
    assert str(kb.value(K("fwver-ISO-IEC-20000-2011"), DCTERMS.issued)) == "2011-04-12"
    cobit = K("fw-COBIT")
    assert (cobit, DCTERMS.publisher, K("org-ISACA")) in kb
    assert str(kb.value(cobit, DCTERMS.issued)) == "1996"
    assert {one_zh(kb, v) for v in kb.objects(cobit, DCTERMS.hasVersion)} == {"COBIT v4.1", "COBIT V5"}
    assert set(kb.objects(K("fw-CMMI"), DCTERMS.hasPart)) == {K("fw-CMMI-DEV"), K("fw-CMMI-ACQ"), K("fw-CMMI-SVC")}
    assert any("24个过程领域" in t for t in lang(kb, K("fw-CMMI-SVC"), I("text")))


def test_figures_5_are_declared_without_invented_mappings(kb):
    for fid in ["f5-1", "f5-2", "f5-3", "f5-4", "f5-5"]:
        unit = URIRef("https://w3id.org/itss-graph/source/" + fid)
        assert (unit, RDF.type, I("SourceUnit")) in kb
        assert kb.value(unit, I("note")) is not None
    assert set(kb.objects(URIRef("https://w3id.org/itss-graph/source/f5-5"), DCTERMS.subject)) == {
        K("fw-ITSS"), K("fw-ITIL"), K("fw-ISO-IEC-20000"), K("fw-CMMI-SVC"), K("fw-COBIT")}


ASPECTS = ["起源地区", "发布时间", "发布组织", "最新版本", "适用对象", "定位目标", "普及程度", "体系特征", "IT相关性"]
TABLE_5_1 = {
    "ITSS": ["中国", "--", "工信部", "--", "组织与个人", "IT服务", "较广泛", "标准族", "高"],
    "ITIL": ["英国", "1986年", "OGC", "V3", "组织与个人", "IT服务管理", "广泛", "实践框架", "高"],
    "ISO-9001": ["英国", "1994年", "ISO", "2008", "组织", "质量管理", "广泛", "标准", "低"],
    "ISO-IEC-20000": ["英国", "2005年", "ISO", "2011", "组织", "IT服务管理", "较广泛", "标准", "高"],
    "ISO-IEC-27001": ["英国", "2005年", "ISO", "2005", "组织", "信息安全管理", "较广泛", "标准", "高"],
    "ISO-IEC-38500": ["澳大利亚", "2008年", "ISO", "2008", "组织", "IT治理", "一般", "标准", "高"],
    "CMMI": ["美国", "2001年", "SEI", "V1.3", "组织", "软件开发", "广泛", "成熟度模型", "高"],
    "COBIT": ["美国", "1996年", "ISACA", "V4.1", "组织与个人", "IT治理", "较广泛", "实践框架", "高"],
    "PMBOK": ["美国", "1996年", "PMI", "2008", "组织与个人", "项目管理", "广泛", "知识体系", "中"],
    "Prince2": ["英国", "1996年", "OGC", "2009", "组织与个人", "项目管理", "一般", "实践框架", "中"],
    "TOGAF": ["美国", "1995年", "TOG", "V9", "组织与个人", "架构设计", "一般", "实践框架", "高"],
}


def test_table_5_1_aspects(kb):
    aspects = by_order(kb, kb.subjects(RDF.type, I("ComparisonAspect")))
    assert [one_zh(kb, a) for a in aspects] == ASPECTS


def test_table_5_1_has_99_cells(kb):
    cells = set(kb.subjects(RDF.type, I("ComparisonCell")))
    assert len(cells) == 11 * 9 == 99
    assert sorted(order(kb, c) for c in cells) == list(range(1, 100))


@pytest.mark.parametrize("fw", list(TABLE_5_1))
def test_table_5_1_every_cell(kb, fw):
    framework = K(f"fw-{fw}")
    assert (framework, RDF.type, I("Framework")) in kb
    got = {}
    for cell in kb.subjects(I("framework"), framework):
        if (cell, RDF.type, I("ComparisonCell")) not in kb:
            continue
        aspect = one_zh(kb, kb.value(cell, I("aspect")))
        texts = lang(kb, cell, I("text"))
        assert len(texts) == 1
        got[aspect] = next(iter(texts))
    assert got == dict(zip(ASPECTS, TABLE_5_1[fw]))


def test_5_2_emphasis_and_related_standards(kb):
    emphasis = {
        "fw-ITSS": "ITSS是对IT服务全景涉及范围较广的标准库",
        "fw-ITIL": "ITIL是IT服务管理的最佳实践框架",
        "fw-ISO-IEC-20000": "ISO/IEC 20000是基于ITIL的IT服务管理标准",
        "fw-CMMI-SVC": "CMMI-SVC重点在于评估服务能力的成熟度",
        "fw-COBIT": "COBIT是以管控目标为导向的管理思路",
    }
    for fw, text in emphasis.items():
        assert lang(kb, K(fw), I("emphasis")) == {text}
    assert set(kb.objects(K("fw-ITSS"), I("relatedStandard"))) >= {
        K("fw-ITIL"), K("fw-ISO-IEC-20000"), K("fw-CMMI-SVC"), K("fw-COBIT")}
    counts = {str(kb.value(q, DCTERMS.subject)): int(kb.value(q, RDF.value))
              for q in kb.subjects(RDF.type, I("Quantity")) if str(q).startswith(KB + "qty-5-2-")}
    assert counts == {"None": 28000, KB + "fw-CMMI": 1500, KB + "fw-ISO-IEC-27001": 500,
                      KB + "fw-ISO-IEC-20000": 400, KB + "fw-ITSS": 110}


# ============================================================================================
# Chapter 6
# ============================================================================================

CATEGORIES = ["咨询服务", "培训服务", "评估服务", "ITSS产品"]  # 表1-1's names; 表6-1 writes ITSS相关产品
# name: (category, providers, audiences) of 表6-1, in row order
TABLE_6_1 = {
    "标准应用咨询": ("咨询服务", {"服务商"}, {"实施ITSS的组织"}),
    "标准评估咨询": ("咨询服务", {"第三方"}, {"实施ITSS的组织"}),
    "资格类培训": ("培训服务", {"ITSS资格管理机构"}, {"提供ITSS相关服务的组织", "个人"}),
    "服务人员培训": ("培训服务", {"服务商", "培训机构"}, {"实施ITSS的组织", "个人"}),
    "标准符合性评估": ("评估服务", {"第三方"}, {"实施ITSS的组织"}),
    "服务质量评价": ("评估服务", {"第三方"}, {"实施ITSS的组织"}),
    "IT服务监理": ("评估服务", {"第三方"}, {"实施ITSS的组织"}),
    "资格授权": ("评估服务", {"ITSS资格管理机构"}, {"提供ITSS相关服务的组织", "个人"}),
    "ITSS出版物": ("ITSS产品", {"标准工作组"}, {"提供ITSS相关服务的组织", "实施ITSS的组织",
                                          "行业主管部门", "研究机构", "社会团体", "个人"}),
    "ITSS工具": ("ITSS产品", {"软件商"}, {"提供ITSS相关服务的组织", "实施ITSS的组织"}),
}


def test_offering_categories(kb):
    cats = by_order(kb, kb.subjects(RDF.type, I("OfferingCategory")))
    assert [one_zh(kb, c) for c in cats] == CATEGORIES
    assert "ITSS相关产品" in lang(kb, K("offercat-ITSS产品"), SKOS.altLabel)


def test_table_6_1_rows_in_order(kb):
    entries = by_order(kb, kb.subjects(I("partOf"), K("catalogue-t6-1")))
    assert [kb.value(e, I("item")) for e in entries] == [K(f"offer-{n}") for n in TABLE_6_1]
    assert (K("offer-标准符合性评估"), SKOS.exactMatch, K("offer-符合性评估")) in kb


@pytest.mark.parametrize("name", list(TABLE_6_1))
def test_table_6_1_row(kb, name):
    offer = K(f"offer-{name}")
    cat, providers, audiences = TABLE_6_1[name]
    assert (offer, I("offeringCategory"), K(f"offercat-{cat}")) in kb
    for p in providers:
        assert (offer, I("offeredBy"), K(f"party-{p}")) in kb
    audience = set(kb.objects(offer, I("targetAudience")))
    assert {K(f"party-{a}") for a in audiences} <= audience
    assert lang(kb, offer, I("text")), "服务简介 missing"
    assert lang(kb, offer, I("audienceText")) and lang(kb, offer, I("providerText"))
    assert len(en(kb, offer)) == 1


def test_table_6_1_summaries(kb):
    assert {"培训师、评估师和监理师等授权", "培训机构、评估机构和监理机构等授权"} <= lang(kb, K("offer-资格授权"), I("text"))
    assert {"符合ITSS标准的IT服务工具", "ITSS服务支撑工具"} <= lang(kb, K("offer-ITSS工具"), I("text"))
    assert "提供服务体系建设与标准的符合性评估" in lang(kb, K("offer-标准符合性评估"), I("text"))


def test_figure_6_1_providers_and_perspectives(kb):
    persp = by_order(kb, kb.subjects(RDF.type, I("Perspective")))
    assert [one_zh(kb, p) for p in persp] == ["产", "学", "研", "管", "用"]
    expected = {"服务商": "产", "软件商": "产", "培训机构": "学", "标准工作组": "研", "ITSS资格管理机构": "管", "第三方": "管"}
    for party, p in expected.items():
        assert (K(f"party-{party}"), I("perspective"), K(f"persp-{p}")) in kb
    assert (K("offer-资格认定"), SKOS.exactMatch, K("offer-资格授权")) in kb
    assert {K("offer-标准评估咨询"), K("offer-标准符合性评估"), K("offer-服务质量评价"), K("offer-IT服务监理")} <= set(
        kb.subjects(I("offeredBy"), K("party-第三方")))
    assert (K("party-实施ITSS的组织"), SKOS.narrower, K("party-需方")) in kb
    assert (K("party-实施ITSS的组织"), SKOS.narrower, K("party-供方")) in kb


def content(kb, offer):
    items = by_order(kb, kb.objects(K(f"offer-{offer}"), I("contentItem")))
    return [next(iter(lang(kb, i, I("text")))) for i in items]


def test_table_6_2_consulting(kb):
    assert content(kb, "标准应用咨询") == [
        "规划设计咨询：提供面向基础设施、网络和应用系统的规划设计咨询",
        "体系建设咨询：提供面向应用ITSS标准进行服务体系建设的过程和关键活动咨询",
        "服务运营咨询：提供面向管理体系运营、服务工具应用和服务绩效考评等的咨询"]
    assert content(kb, "标准评估咨询") == [
        "IT服务管理体系现状分析", "IT服务管理体系现状与ITSS标准的差距分析", "IT服务管理体系优化的实施方案"]
    for o in ["标准应用咨询", "标准评估咨询"]:
        assert (K(f"offer-{o}"), I("offeredBy"), K("party-咨询机构")) in kb
        assert lang(kb, K(f"offer-{o}"), I("deliveryMode")) == {"现场实施咨询，交付成果为咨询报告"}
        assert len(lang(kb, K(f"offer-{o}"), I("value"))) == 1


COURSES = {  # course: (parent, hours, number of content items, role trained)
    "ITSS培训师": ("资格类培训", 40, 3, "ITSS培训师"),
    "ITSS评估师": ("资格类培训", 40, 3, "ITSS评估师"),
    "IT服务工程师": ("服务人员培训", 24, 1, "IT服务工程师"),
    "IT服务项目经理": ("服务人员培训", 40, 1, "IT服务项目经理"),
    "IT服务总监": ("服务人员培训", 40, 1, "IT服务总监"),
}


@pytest.mark.parametrize("course", list(COURSES))
def test_tables_6_3_and_6_4_courses(kb, course):
    parent, hours, n_items, role = COURSES[course]
    node = K(f"offer-{course}")
    assert (node, I("partOf"), K(f"offer-{parent}")) in kb
    assert int(kb.value(node, I("hours"))) == hours
    assert len(content(kb, course)) == n_items
    assert (node, I("trainsRole"), K(f"role-{role}")) in kb
    assert lang(kb, node, I("offeringPurpose")) and lang(kb, node, I("value")) and lang(kb, node, I("audienceText"))


def test_table_6_3_and_6_4_details(kb):
    assert lang(kb, K("offer-ITSS培训师"), I("audienceText")) == {
        "5年以上IT服务行业从业经验", "3年以上IT服务管理经验", "1年以上IT服务管理培训经验"}
    assert content(kb, "ITSS评估师") == ["ITSS基础知识培训", "ITSS评估师岗位知识培训", "ITSS标准评估工作规程培训"]
    assert lang(kb, K("offer-IT服务工程师"), I("audienceText")) == {"IT服务工程师", "应届毕业生"}
    assert lang(kb, K("offer-IT服务总监"), I("audienceText")) == {"IT服务组织中高层人员"}
    assert [one_zh(kb, c) for c in by_order(kb, kb.subjects(I("partOf"), K("offer-服务人员培训")))] == [
        "IT服务工程师", "IT服务项目经理", "IT服务总监"]


def test_table_6_5_assessment(kb):
    expected = {
        "标准符合性评估": (2, "评估机构", "现场评估", "评估报告"),
        "服务质量评价": (2, "评估机构", "现场评价", "评价报告"),
        "IT服务监理": (3, "监理机构", "现场监理", "有过程记录的文档及监理报告"),
        "资格授权": (3, "ITSS资格管理机构", "资格评估", "资格授权证书"),
    }
    for name, (n, provider, mode, deliverable) in expected.items():
        node = K(f"offer-{name}")
        assert len(content(kb, name)) == n
        assert (node, I("offeredBy"), K(f"party-{provider}")) in kb
        assert lang(kb, node, I("deliveryMode")) == {mode}
        assert lang(kb, node, I("deliverableText")) == {deliverable}
    assert content(kb, "IT服务监理") == ["IT集成服务监理", "IT运维服务监理", "IT运营服务监理"]
    assert (K("party-评估机构"), SKOS.broader, K("party-第三方")) in kb


def test_tables_6_6_and_6_7_products(kb):
    assert [one_zh(kb, c) for c in by_order(kb, kb.subjects(I("partOf"), K("offer-ITSS出版物")))] == ["培训教材", "研究报告"]
    assert content(kb, "培训教材") == ["ITSS基础教材", "ITSS各类标准培训教材", "ITSS服务人员培训教材", "ITSS资格类授权培训教材"]
    assert content(kb, "研究报告") == ["IT服务产业研究报告", "IT服务市场研究年度报告", "IT服务业发展趋势分析报告"]
    assert (K("offer-研究报告"), I("targetAudience"), K("party-行业主管部门")) in kb
    tools = by_order(kb, kb.subjects(I("partOf"), K("offer-ITSS工具")))
    assert [one_zh(kb, t) for t in tools] == ["基于ITSS的IT服务支撑工具", "ITSS服务支撑工具"]
    assert len(content(kb, "基于ITSS的IT服务支撑工具")) == 4
    assert content(kb, "ITSS服务支撑工具") == ["标准符合性评估工具", "服务质量评价工具", "服务监理工具"]


def test_conformity_assessment_is_based_on_gbt_28827_1(kb):
    assert (K("offer-标准符合性评估"), I("basedOnStandard"), K("std-运维-1")) in kb


# ============================================================================================
# Chapter 7
# ============================================================================================

def test_chapter_7_points(kb):
    for cls, n in [("Achievement", 6), ("Challenge", 3), ("Prospect", 3)]:
        pts = by_order(kb, [p for p in kb.subjects(RDF.type, I(cls)) if (p, RDF.type, I("SummaryPoint")) in kb])
        assert [order(kb, p) for p in pts] == list(range(1, n + 1))
    refs = set(kb.objects(K("point-ach-2"), DCTERMS.references))
    assert {K("std-基础-1"), K("std-运维-1"), K("std-运维-2"), K("std-运维-3"), K("std-外包-2"), K("ext-GB-T-4754-2011")} <= refs
    sites = [p for p in kb.objects(K("point-ach-3"), DCTERMS.references) if (p, RDF.type, I("PilotSite")) in kb]
    assert [one_zh(kb, s) for s in by_order(kb, sites)] == [
        "国家质检总局信息办", "北京", "上海", "广东", "江苏", "湖北", "重庆", "成都", "沈阳", "杭州"]
    qty = sorted(int(kb.value(q, RDF.value)) for q in kb.objects(K("point-ach-6"), I("quantity")))
    assert qty == [3, 12, 37, 224]


# ============================================================================================
# Appendices 1–3
# ============================================================================================

GROUPS = {  # group: (leading unit, number of deputy units)
    "咨询设计专业组": ("中国电子技术标准化研究院", 4),
    "集成实施专业组": ("万达信息股份有限公司", 1),
    "运行维护专业组": ("神州数码系统集成服务有限公司", 5),
    "服务管控专业组": ("上海翰纬信息管理咨询有限公司", 6),
    "服务外包专业组": ("东软集团股份有限公司", 7),
    "云计算服务专业组": ("中国移动研究院", 1),
}


def memberships(kb, group, role):
    ms = [m for m in kb.subjects(ORG.organization, K(f"wg-{group}")) if (m, ORG.role, K(f"wgrole-{role}")) in kb]
    return [one_zh(kb, kb.value(m, ORG.member)) for m in by_order(kb, ms)]


def test_appendix_1_groups(kb):
    groups = [g for g in kb.subjects(ORG.subOrganizationOf, K("wg-ITSS工作组")) if (g, I("order"), None) in kb]
    assert [one_zh(kb, g) for g in by_order(kb, groups)] == [
        "基础标准专业组", "咨询设计专业组", "集成实施专业组", "运行维护专业组", "服务管控专业组", "服务外包专业组", "云计算服务专业组"]
    for group, (lead, n) in GROUPS.items():
        assert memberships(kb, group, "组长单位") == [lead]
        assert len(memberships(kb, group, "副组长单位")) == n
    assert memberships(kb, "服务外包专业组", "副组长单位")[-1] == "大连软件行业协会"
    leader = [m for m in kb.subjects(ORG.organization, K("wg-基础标准专业组")) if (m, ORG.role, K("wgrole-组长")) in kb]
    assert lang(kb, leader[0], I("personName")) == {"林宁"}


def test_appendix_2_milestones(kb):
    events = by_order(kb, kb.subjects(RDF.type, I("Milestone")))
    assert len(events) == 35
    assert str(kb.value(events[0], DCTERMS.date)) == "2009-03-28"
    assert str(kb.value(events[-1], DCTERMS.date)) == "2013-01-08"
    ev29 = K("event-29")
    assert {K("std-运维-1"), K("std-运维-2"), K("std-运维-3")} <= set(kb.objects(ev29, DCTERMS.references))
    assert any("GB/T28827.1" in t for t in lang(kb, ev29, I("text")))
    assert (K("event-30"), DCTERMS.references, K("std-基础-1")) in kb
    assert (K("event-31"), DCTERMS.references, K("std-外包-2")) in kb


def test_appendix_3_faq(kb):
    faqs = by_order(kb, kb.subjects(RDF.type, I("FAQItem")))
    assert len(faqs) == 11
    assert one_zh(kb, faqs[0]) == "ITSS是什么？"
    assert all(lang(kb, f, I("answer")) for f in faqs)


# ============================================================================================
# Appendix 4: case studies (acceptance data for organisation profiles)
# ============================================================================================

CASES = {  # n: (customer, implementer, standards applied)
    1: ("某市工商行政管理局", "南华中天信息技术有限公司", {"运维-1", "运维-2", "运维-3", "运维-4"}),
    2: ("某政府部门信息中心", "北京信城通数码科技有限公司", {"运维-1"}),
    3: ("成都市经济和信息化委员会", "成都信息化技术应用发展中心", {"运维-1", "运维-2", "运维-3", "运维-4", "基础-2"}),
    4: ("某商业银行广东省分行", "广州南天电脑系统有限公司", {"运维-1", "运维-2", "运维-3", "运维-4"}),
    5: ("广东省佛山市某农村信用合作联社", "广州南天电脑系统有限公司", {"运维-1", "运维-2", "运维-3", "基础-2"}),
    6: ("某通信公司东莞分公司", "广州市金禧信息技术服务有限公司", {"运维-1", "运维-2", "运维-3", "运维-4", "运维-5"}),
    7: ("某供电局", "上海翰纬信息管理咨询有限公司", {"基础-2"}),
    8: ("某大学", "快威科技集团有限公司", set()),
    9: ("神州数码信息化管理部", "神州数码运维外包服务中心", {"运维-1", "运维-2", "运维-4"}),
}
SECTORS = {1: "政府", 2: "政府", 3: "政府", 4: "金融", 5: "金融", 6: "通信", 7: "电力", 8: "教育", 9: "企业"}


def test_nine_cases(kb):
    cases = by_order(kb, kb.subjects(RDF.type, I("CaseStudy")))
    assert [str(c) for c in cases] == [KB + f"case-{n}" for n in range(1, 10)]


@pytest.mark.parametrize("n", list(CASES))
def test_case(kb, n):
    case = K(f"case-{n}")
    customer, implementer, standards = CASES[n]
    assert one_zh(kb, kb.value(case, I("customer"))) == customer
    assert one_zh(kb, kb.value(case, I("implementer"))) == implementer
    assert (case, I("sector"), K(f"sector-{SECTORS[n]}")) in kb
    itss_std = {str(s)[len(KB) + 4:] for s in kb.objects(case, I("appliesStandard")) if str(s).startswith(KB + "std-")}
    assert itss_std == standards
    for app in kb.objects(case, I("application")):
        assert kb.value(app, I("line")) is not None and kb.value(app, I("standard")) is not None
    assert (case, I("businessType"), K("biz-运行维护")) in kb
    assert (case, I("party"), K("party-需方")) in kb
    assert lang(kb, case, I("profileFact")) and lang(kb, case, I("result"))


def test_case_profiles_key_facts(kb):
    def facts(n):
        return " ".join(lang(kb, K(f"case-{n}"), I("profileFact")))
    assert "主数据中心及同城灾备中心的双数据中心模式" in facts(4)
    assert "1000多台主机设备" in facts(4) and "4800多台网络设备" in facts(4)
    assert "17个子系统" in facts(1)
    assert "近600个机柜" in facts(3)
    assert "264台ATM设备" in facts(5)
    assert "30台小型机" in facts(7) and "8000台终端计算机" in facts(7)
    assert "1万5千人" in facts(9)
    assert (K("case-7"), I("appliesStandard"), K("fw-ITIL")) in kb
    assert (K("case-7"), I("businessType"), K("biz-咨询设计")) in kb
    assert (K("case-9"), I("party"), K("party-供方")) in kb


def test_case_processes_and_resources(kb):
    assert {K("proc-服务级别管理"), K("proc-事件管理"), K("proc-发布管理")} <= set(
        kb.objects(K("caseapp-1-1"), I("usesProcess")))
    assert {K("svcobj-机房基础设施"), K("svcobj-数据")} <= set(kb.objects(K("caseapp-1-2"), I("coversServiceObject")))
    assert {K("proc-事件管理"), K("proc-问题管理"), K("proc-变更管理"), K("proc-配置管理")} <= set(
        kb.objects(K("caseapp-4-1"), I("usesProcess"))) | set(kb.objects(K("casestep-4-2"), I("usesProcess")))
    assert {K("res-备件库"), K("res-服务台")} <= set(kb.objects(K("case-5"), I("usesResource")))


TABLE_A4_1 = [  # indicator, category, SLA, data, weight, score
    ("故障率", "可靠性指标", "99%", "99.5%", "40", "40"),
    ("按时修复率", "功能性指标", "95%", "97.8%", "15", "13.9"),
    ("平均到场时间（分钟）", "响应性指标", "120", "130", "15", "13"),
    ("停机超时次数", "有效性指标", "<10", "4", "15", "13"),
    ("故障返修率", "有效性指标", "<12%", "9%", "15", "13.5"),
]


def test_table_a4_1_indicators(kb):
    rows = by_order(kb, kb.objects(K("case-5"), I("indicator")))
    got = [(one_zh(kb, r), next(iter(lang(kb, r, I("indicatorCategoryText")))), str(kb.value(r, I("target"))),
            str(kb.value(r, I("measured"))), str(kb.value(r, I("weight"))), str(kb.value(r, I("score")))) for r in rows]
    assert got == TABLE_A4_1
    assert sum(Decimal(r[4]) for r in TABLE_A4_1) == 100
    assert sum(Decimal(r[5]) for r in TABLE_A4_1) == Decimal("93.4") == Decimal(str(kb.value(K("case-5"), I("score"))))
    assert (rows[0], I("characteristic"), K("qc-可靠性")) in kb
    assert (rows[2], I("characteristic"), K("qc-响应性")) in kb


def test_figure_a4_10_maturity_items(kb):
    items = by_order(kb, kb.objects(K("case-6"), I("assessedItem")))
    assert [str(kb.value(i, SKOS.notation)) for i in items] == [
        "6.2", "6.3", "6.4", "6.5", "6.6", "7.2", "7.3", "7.4", "7.5", "8.2", "8.3", "8.4",
        "9.2", "9.3", "9.4", "9.5", "9.6", "9.7", "9.8", "9.9"]
    assert one_zh(kb, items[0]) == "人员管理" and one_zh(kb, items[-1]) == "安全管理"
    assert (K("maturity-9.4"), I("concerns"), K("proc-事件管理")) in kb
    assert (K("maturity-9.4"), SKOS.exactMatch, K("mcomp-通用运行维护服务能力模型-9.4")) in kb
    assert (K("maturity-7.4"), I("element"), K("element-资源")) in kb


def test_table_a4_2_and_figure_a4_1(kb):
    rows = by_order(kb, kb.objects(K("case-8"), I("indicator")))
    assert [one_zh(kb, r) for r in rows] == ["运维服务电话量", "在线服务对话量", "网络主机故障发生比例", "知识库条目",
                                           "主动监控事件数", "事件处理数目", "事件解决率", "运维平台数据总条目"]
    flow = K("proc-服务台事件管理流程")
    steps = by_order(kb, kb.objects(flow, I("flowStep")))
    assert len(steps) == 38
    assert [one_zh(kb, s) for s in steps[:7]] == ["输入", "顾客用户", "服务台", "一线工程师", "二线工程师", "其他服务资源", "输出"]
    assert (K("case-1"), I("usesProcess"), flow) in kb


# ============================================================================================
# Appendix 5
# ============================================================================================

def test_appendix_5_members(kb):
    full = memberships(kb, "ITSS工作组", "全权成员")
    observers = memberships(kb, "ITSS工作组", "观察成员")
    assert len(full) == 131 and len(observers) == 27
    assert full[0] == "中国电子技术标准化研究院" and full[-1] == "上海博辕信息技术服务有限公司"
    assert observers[0] == "南京擎天科技有限公司" and observers[-1] == "贵阳市信息协会"
