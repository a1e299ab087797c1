"""The applicability rule (itss_graph/knowledge/applicability.py), one clause at a time, and
the answers for codes, CI types and CIs of a store."""

from __future__ import annotations

import pytest

from itss_graph.knowledge.applicability import FACETS, Declared, Query, evaluate
from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.answers.ci_standards import declared_for_ci
from itss_graph.knowledge.subjects import UnknownSubjectError, declared_for_code, query_for_ci_type


@pytest.fixture(scope="module")
def kbase():
    return KnowledgeBase.load()


def for_code(kbase, code, lang="en"):
    query, declared = declared_for_code(kbase, code)
    return evaluate(kbase, declared, query, lang)


def declared(kbase, facet, *names):
    return [Declared(facet, kbase.expand(n)) for n in names]


def test_narrower_codes_inherit_broader_standards_not_the_reverse(kbase):
    deep = for_code(kbase, "040204")  # desktop O&M: inherits 04, has its own part 5
    assert {"kb:std-运维-1", "kb:std-运维-2", "kb:std-运维-3", "kb:std-运维-5"} == set(deep.ids())
    broad = for_code(kbase, "04")  # O&M in general: the desktop part is narrower, so not inherited
    assert "kb:std-运维-5" not in broad.ids()
    assert set(broad.ids()) == {"kb:std-运维-1", "kb:std-运维-2", "kb:std-运维-3", "kb:std-运维-4"}
    # ... but the answer says what exists for the parts of 04
    assert {r.node.id for r in broad.narrower} == {"kb:std-运维-5", "kb:std-运维-6"}
    reason = next(r for r in broad.narrower if r.node.id == "kb:std-运维-5").reasons[0]
    assert reason.strength == "narrower" and reason.matched.id == "kb:cat-040204"


def test_a_specialisation_takes_the_place_of_the_general_standard(kbase):
    """桌面及外围设备服务规范 是…数据中心规范标准的具体化 (3809-3810): for desktops (040204) the data-centre
    part does not apply; for an estate with desktops and a machine room both do."""
    desktop = for_code(kbase, "040204", "zh")
    gone = {e.node.id: e for e in desktop.excluded}["kb:std-运维-4"]
    assert gone.by.id == "kb:std-运维-5" and gone.facet == "category"
    assert "具体化" in gone.why and "040204" in gone.why
    both = evaluate(kbase, declared(kbase, "category", "kb:cat-040204", "kb:cat-0401"), Query("t", "both"))
    assert {"kb:std-运维-4", "kb:std-运维-5"} <= set(both.ids())
    assert [r.declared.id for r in {r.node.id: r for r in both.applicable}["kb:std-运维-4"].reasons] == ["kb:cat-0401"]
    # a specialisation with no text yet takes nothing over: 应用系统服务规范 is not started
    app = for_code(kbase, "040303")
    assert "kb:std-运维-4" in app.ids() and "kb:std-运维-6" in {r.node.id for r in app.planned}


def test_an_organisation_type_anchors_and_lifts_the_category_gate(kbase):
    """信息系统工程监理总则 (0104) names the 承建单位 of the system it supervises: a contractor running
    integration (03) is addressed, although 03 is not 0104."""
    facts = (declared(kbase, "organization_type", "kb:orgtype-信息系统工程的承建单位")
             + declared(kbase, "category", "kb:cat-03") + declared(kbase, "business_type", "kb:biz-集成实施"))
    answer = evaluate(kbase, facts, Query("t", "contractor"))
    assert "kb:std-咨询设计-3" in answer.ids()
    assert "kb:std-咨询设计-1" not in answer.ids()  # consulting general requirements: not for it
    without = evaluate(kbase, facts[1:], Query("t", "integrator"))
    assert "kb:std-咨询设计-3" not in without.ids()


def test_a_stage_anchors_only_with_the_business_it_is_a_stage_of(kbase):
    supervising_om = (declared(kbase, "stage", "kb:stage-监督管理")
                      + declared(kbase, "business_type", "kb:biz-运行维护"))
    ids = evaluate(kbase, supervising_om, Query("t", "s")).ids()
    # 质量评价指标体系 states no business type: the stage is enough
    assert "kb:std-基础-2" in ids
    # IT governance (服务管控) in the same stage, but not the declared business
    assert not {"kb:std-管控-4", "kb:std-管控-6", "kb:std-管控-7"} & set(ids)
    governance = evaluate(kbase, declared(kbase, "stage", "kb:stage-监督管理")
                          + declared(kbase, "business_type", "kb:biz-服务管控"), Query("t", "g"))
    assert {"kb:std-管控-4", "kb:std-管控-6", "kb:std-管控-7"} <= set(governance.ids())
    alone = evaluate(kbase, declared(kbase, "stage", "kb:stage-监督管理"), Query("t", "a"))
    assert alone.ids() == ["kb:std-基础-2"]


def test_a_standard_that_says_only_who_it_is_for_is_anchored_by_the_party(kbase):
    """分类与代码 covers every code (no evidence) and names its user in §3.3.2: the authority."""
    answer = evaluate(kbase, declared(kbase, "party", "kb:party-行业主管部门"), Query("t", "authority"))
    assert answer.ids() == ["kb:std-基础-1"]
    # parties never anchor a standard that says what it is for
    assert evaluate(kbase, declared(kbase, "party", "kb:party-需方"), Query("t", "c")).ids() == []


def test_parties_match_up_their_hierarchy(kbase):
    """A kind of customer §1.3 lists is a customer."""
    facts = declared(kbase, "party", "kb:party-中央及地方各级政府部门信息中心") + declared(kbase, "category", "kb:cat-04")
    result = {r.node.id: r for r in evaluate(kbase, facts, Query("t", "h")).applicable}["kb:std-运维-1"]
    party = [r for r in result.reasons if r.facet == "party"]
    assert party and party[0].matched.id == "kb:party-需方" and party[0].strength == "inherited"


def test_a_deeper_value_beside_the_whole_scheme_is_evidence(kbase):
    """从业人员能力规范 covers all nine codes (no evidence, no gate) and 0106 training (evidence)."""
    assert for_code(kbase, "0106").ids() == ["kb:std-基础-3"]
    assert "kb:std-基础-3" not in for_code(kbase, "0403").ids()
    # the nine codes never exclude it: a use of its scope still finds it beside a category
    facts = declared(kbase, "category", "kb:cat-04") + declared(kbase, "activity", "kb:use-招聘和员工培养")
    assert "kb:std-基础-3" in evaluate(kbase, facts, Query("t", "u")).ids()


def test_reason_chain_walks_the_hierarchy_with_provenance(kbase):
    answer = for_code(kbase, "040301", "zh")
    first = answer.applicable[0]
    assert first.node.id == "kb:std-运维-1"
    reason = first.reasons[0]
    assert [s.predicate for s in reason.steps] == ["skos:broader", "skos:broader", "itss:appliesToCategory"]
    assert reason.steps[-1].inverse and reason.strength == "inherited"
    assert reason.text.startswith("040301 基础软件运维服务 --skos:broader--> 0403 软件运维服务")
    assert reason.text.endswith("<--itss:appliesToCategory-- GB/T 28827.1 信息技术服务 运行维护 第1部分：通用要求")
    sections = {ref.section for step in reason.steps for ref in step.sources}
    assert sections == {"3.2.1", "3.2.6"}  # 表3-1 for the codes, §3.2.6 for the standard's scope


def test_category_gate_excludes_when_both_sides_state_categories(kbase):
    facts = declared(kbase, "category", "kb:cat-040301") + declared(kbase, "activity", "kb:use-规范供方行为")
    answer = evaluate(kbase, facts, Query("test", "gate"))
    excluded = {e.node.id: e for e in answer.excluded}
    # 运维-5 (desktop, 040204) is anchored by the activity but its category does not match
    assert "kb:std-运维-5" in excluded and excluded["kb:std-运维-5"].facet == "category"
    assert "kb:std-运维-5" not in answer.ids()
    # without a declared category, nothing gates it
    alone = evaluate(kbase, declared(kbase, "activity", "kb:use-规范供方行为"), Query("test", "no gate"))
    assert "kb:std-运维-5" in alone.ids()


def test_business_type_gate_uses_the_standards_own_business_type(kbase):
    facts = declared(kbase, "activity", "kb:use-选择和评价供方")
    open_answer = evaluate(kbase, facts, Query("test", "x"))
    assert {"kb:std-管控-1", "kb:std-管控-3", "kb:std-外包-1"} <= set(open_answer.ids())
    gated = evaluate(kbase, facts + declared(kbase, "business_type", "kb:biz-服务外包"), Query("test", "y"))
    assert "kb:std-外包-1" in gated.ids()
    assert {e.node.id for e in gated.excluded} >= {"kb:std-管控-1", "kb:std-管控-3"}


def test_a_facet_covering_the_whole_scheme_is_no_evidence(kbase):
    """基础-3 states all nine top-level codes: any code would match it, so it is not anchored by one."""
    assert "kb:std-基础-3" not in for_code(kbase, "040301").ids()
    by_activity = evaluate(kbase, declared(kbase, "activity", "kb:use-招聘和员工培养"), Query("t", "a"))
    assert by_activity.ids() == ["kb:std-基础-3"]


def test_parties_are_not_a_gate_but_are_reported(kbase):
    facts = declared(kbase, "activity", "kb:use-信息技术服务质量评价") + declared(kbase, "party", "kb:party-行业主管部门")
    answer = evaluate(kbase, facts, Query("t", "p"))
    result = {r.node.id: r for r in answer.applicable}["kb:std-基础-2"]
    assert result.notes and "not" in result.notes[0]
    matched = evaluate(kbase, declared(kbase, "activity", "kb:use-信息技术服务质量评价")
                       + declared(kbase, "party", "kb:party-第三方"), Query("t", "q"))
    result = {r.node.id: r for r in matched.applicable}["kb:std-基础-2"]
    assert not result.notes and "party" in {r.facet for r in result.reasons}
    assert result.score["facets"] == 2


def test_standards_without_text_are_planned_not_applicable(kbase):
    answer = for_code(kbase, "040303")
    assert "kb:std-运维-6" not in answer.ids()  # 尚未启动
    planned = {r.node.id: r for r in answer.planned}
    assert planned["kb:std-运维-6"].status.id == "itss:NotStarted"
    assert not planned["kb:std-运维-6"].available


def test_related_matches_are_weaker(kbase):
    answer = evaluate(kbase, declared(kbase, "activity", "kb:use-评价供方服务质量"), Query("t", "r"))
    related = {r.node.id: r for r in answer.applicable}
    # 需方评价供方 (运维-1's scope) is a skos:closeMatch of 评价供方服务质量 (基础-2's)
    assert related["kb:std-运维-1"].reasons[0].strength == "related"
    assert related["kb:std-基础-2"].reasons[0].strength == "exact"
    assert answer.ids().index("kb:std-基础-2") < answer.ids().index("kb:std-运维-1")


def test_ranking_prefers_more_facets_then_specific_then_published(kbase):
    query, facts = query_for_ci_type(kbase, "database")
    answer = evaluate(kbase, facts, query)
    ids = answer.ids()
    assert ids[0] == "kb:std-运维-4"  # category and service object
    assert ids[1:4] == ["kb:std-运维-1", "kb:std-运维-2", "kb:std-运维-3"]  # published, by IRI
    keys = [(-r.score["facets"], -r.score["matches"], -r.score["depth"], r.score["status_order"])
            for r in answer.applicable]
    assert keys == sorted(keys)
    assert [r.rank for r in answer.applicable] == list(range(1, len(ids) + 1))


def test_comes_with_lists_what_the_standard_defines(kbase):
    result = for_code(kbase, "040301").applicable[0]
    assert result.node.id == "kb:std-运维-1"
    processes = {n.id for n in result.comes_with["definesProcess"]}
    assert {"kb:proc-事件管理", "kb:proc-问题管理", "kb:proc-变更管理"} <= processes
    assert {n.id for n in result.comes_with["definesResource"]} == {
        "kb:res-运维工具", "kb:res-服务台", "kb:res-备件库", "kb:res-知识库"}


def test_json_contract(kbase):
    doc = for_code(kbase, "040301").as_dict()
    assert set(doc) == {"query", "lang", "declared", "standards", "planned", "excluded", "narrower"}
    assert doc["query"] == {"kind": "code", "value": "040301", "label": "040301 Basic software O&M services"}
    first = doc["standards"][0]
    assert set(first) == {"rank", "id", "iri", "identifier", "title", "label", "status", "available",
                          "score", "reasons", "notes", "comes_with"}
    assert first["identifier"] == "GB/T 28827.1" and first["status"]["id"] == "itss:Published"
    reason = first["reasons"][0]
    assert set(reason) == {"facet", "declared", "matched", "strength", "sentence", "text", "chain", "sources"}
    assert reason["sentence"] == ("040301 Basic software O&M services is part of 04 Operation and maintenance "
                                  "services; GB/T 28827.1 applies to 04")
    step = reason["chain"][-1]
    assert set(step) == {"from", "predicate", "to", "direction", "sources"}
    assert set(step["sources"][0]) == {"unit", "label", "section", "kind", "start_line", "end_line",
                                       "line", "files"}


def test_unknown_subjects(kbase):
    with pytest.raises(UnknownSubjectError, match="unknown GB/T 29264 code '0999'"):
        declared_for_code(kbase, "0999")
    with pytest.raises(UnknownSubjectError, match="unknown CI type 'toaster'"):
        query_for_ci_type(kbase, "toaster")
    with pytest.raises(ValueError, match="unknown facet"):
        evaluate(kbase, [Declared("colour", "x")], Query("t", "x"))
    assert {f.name for f in FACETS} >= {"category", "service_object", "activity", "business_type", "party"}


@pytest.fixture
def small_store(tmp_path):
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore

    (tmp_path / "cis.csv").write_text(
        "id,name,type,category\n"
        "db1,orders db,database,\n"
        "app1,orders app,application,\n"
        "svc1,online orders,business-service,040303\n"
        "svc2,reporting,business-service,\n"
        "srv1,host,server,\n", encoding="utf-8")
    (tmp_path / "relations.csv").write_text(
        "source,type,target\n"
        "app1,DEPENDS_ON,db1\n"
        "app1,SUPPORTS,svc1\n"
        "db1,SUPPORTS,svc2\n"
        "db1,RUNS_ON,srv1\n", encoding="utf-8")
    store = SQLiteStore(tmp_path / "s.db")
    load_inventory([tmp_path], store)
    yield store
    store.close()


def test_ci_answers_through_its_type_and_the_services_it_supports(kbase, small_store):
    query, facts, extra = declared_for_ci(kbase, small_store, "db1", "en")
    assert query.kind == "ci" and extra["ci"]["type"] == "database"
    assert {s["id"] for s in extra["services"]} == {"svc1", "svc2"}
    by_value = {(d.facet, kbase.qname(d.value)): d for d in facts}
    assert ("category", "kb:cat-040301") in by_value  # from the CI type
    via_service = by_value[("category", "kb:cat-040303")]  # from svc1's category property
    assert [s.target.id for s in via_service.origin] == ["svc1", "kb:cat-040303"]
    assert via_service.origin[0].predicate.startswith("supports (down")
    answer = evaluate(kbase, facts, query)
    assert answer.ids()[:1] == ["kb:std-运维-4"]
    assert "kb:std-运维-6" in {r.node.id for r in answer.planned}  # application software, not started
    reason = next(r for r in answer.planned[0].reasons)
    assert reason.text.startswith("db1 (orders db) --supports")


def test_unknown_ci(kbase, small_store):
    from itss_graph.errors import UnknownCIError

    with pytest.raises(UnknownCIError):
        declared_for_ci(kbase, small_store, "nope")
