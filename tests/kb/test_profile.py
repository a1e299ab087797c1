"""Organisation profiles: names in Chinese or English (labels, aliases, codes), every problem
located by file, line and field, unknown `has` names kept and reported."""

from __future__ import annotations

import pytest

from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.profile import ProfileError, load_profile


@pytest.fixture(scope="module")
def kbase():
    return KnowledgeBase.load()


def write(tmp_path, text: str, name: str = "org.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(kbase, path) -> list[str]:
    with pytest.raises(ProfileError) as err:
        load_profile(path, kbase)
    return [str(p) for p in err.value.problems]


def test_chinese_english_and_aliases_resolve_to_the_same_entities(kbase, tmp_path):
    zh = load_profile(write(tmp_path, "party: 需方\nbusiness_types: [运行维护]\ncategories: ['040301']\n"
                                      "has:\n  processes: [事件管理]\n  resources: [备件库]\n", "zh.yaml"), kbase)
    en = load_profile(write(tmp_path, "party: customer (demand side)\n"
                                      "business_types: [Operations and maintenance]\n"
                                      "categories: [Basic software O&M services]\n"
                                      "has:\n  processes: [incident management]\n"
                                      "  resources: [Spare-parts store]\n", "en.yaml"), kbase)
    alias = load_profile(write(tmp_path, "party: 发包方\nbusiness_types: [运维]\ncategories: ['040301']\n"
                                         "has:\n  processes: [事件/事故管理]\n  resources: [备件库]\n",
                               "alias.yaml"), kbase)
    for profile in (en, alias):
        assert [(d.facet, d.value) for d in profile.declared] == [(d.facet, d.value) for d in zh.declared]
        assert profile.has_iris() == zh.has_iris()
    assert zh.has_iris() == {kbase.expand("kb:proc-事件管理"), kbase.expand("kb:res-备件库")}


def test_ci_types_declare_their_categories_and_service_objects(kbase, tmp_path):
    profile = load_profile(write(tmp_path, "ci_types: [数据库, Server]\n"), kbase)
    values = {(d.facet, kbase.qname(d.value)) for d in profile.declared}
    assert {("category", "kb:cat-040301"), ("category", "kb:cat-040202"),
            ("service_object", "kb:svcobj-数据库")} <= values
    assert profile.ci_types == ["database", "server"]


def test_unknown_names_are_errors_with_file_line_field_and_suggestion(kbase, tmp_path):
    path = write(tmp_path, "name: x\nparty: 需放\nbusiness_types:\n  - 运行维护\n  - 运营维护\n"
                           "categories: ['0499', '9999']\nci_types: [toaster]\n")
    found = problems(kbase, path)
    assert found[0] == f"{path}:2: party: unknown party '需放' (did you mean '需方'?)"
    assert found[1].startswith(f"{path}:5: business_types: unknown business type '运营维护'")
    assert found[2] == f"{path}:6: categories: unknown GB/T 29264 category '9999'"
    assert found[3] == f"{path}:7: ci_types: unknown CI type 'toaster' (see `itss types`)"
    assert len(found) == 4


@pytest.mark.parametrize("text, expected", [
    ("standards: [GB/T 28827.1]\n", ":1: standards: unknown field — a profile describes the organisation"),
    ("- a\n- b\n", ":1: a profile is a mapping of fields"),
    ("party: [需方\n", ": malformed YAML"),
    ("", ": the profile is empty"),
    ("name: [a]\n", ":1: name: expected text"),
    ("party: {a: 1}\n", ":1: party: expected a name (text)"),
    ("has: [服务台]\n", ":1: has: expected a mapping with keys roles, processes"),
    ("has:\n  tools: [x]\n", ":2: has.tools: unknown field; expected one of roles"),
])
def test_invalid_files_are_located(kbase, tmp_path, text, expected):
    path = write(tmp_path, text)
    assert expected in problems(kbase, path)[0]


def test_missing_file(kbase, tmp_path):
    assert problems(kbase, tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file"]


def test_unknown_has_names_are_kept_not_errors(kbase, tmp_path):
    profile = load_profile(write(tmp_path, "has:\n  resources: [服务台, Zabbix]\n  roles:\n"), kbase)
    assert [d.name for d in profile.unknown] == ["Zabbix"]
    assert profile.unknown[0].line == 2 and profile.unknown[0].field == "has.resources"
    assert profile.as_dict()["unknown"][0]["name"] == "Zabbix"
