"""The ontology is the one list of CI types, aliases and relation semantics."""

from __future__ import annotations

import pytest

from itss_graph.schema import compile_schema, load_schema

REQUIRED_CI_TYPES = {
    "site", "room", "rack", "power-feed", "power-panel", "pdu", "ups", "cooling", "router",
    "switch", "firewall", "load-balancer", "server", "storage-array", "hypervisor-host",
    "cluster", "vm", "container", "os", "database", "middleware", "web-server", "application",
    "business-service", "circuit", "provider", "patch-panel", "data-set",
}
REQUIRED_RELATIONS = {
    "DEPENDS_ON", "RUNS_ON", "HOSTED_ON", "LOCATED_IN", "POWERED_BY", "CONNECTED_TO",
    "MEMBER_OF", "SUPPORTS", "PROVIDED_BY", "CIRCUIT_TERMINATES", "UPLINKED_TO",
}


def test_every_required_ci_type_and_relation_is_in_the_ontology():
    schema = load_schema()
    assert REQUIRED_CI_TYPES <= set(schema.ci_types)
    assert REQUIRED_RELATIONS <= set(schema.relation_types)


def test_every_netbox_demo_type_is_known(netbox_dir):
    import csv

    schema = load_schema()
    with (netbox_dir / "cis.csv").open(encoding="utf-8") as fh:
        types = {row["type"] for row in csv.DictReader(fh)}
    assert {t: schema.resolve_ci_type(t) for t in types} == {t: t for t in types}


@pytest.mark.parametrize("alias, expected", [
    ("服务器", "server"), ("Server", "server"), ("power feed", "power-feed"),
    ("Power_Panel", "power-panel"), ("虚拟机", "vm"), ("业务服务", "business-service"),
    ("数据库", "database"), ("配线架", "patch-panel"), ("机柜", "rack"),
])
def test_aliases_resolve_to_inventory_names(alias, expected):
    assert load_schema().resolve_ci_type(alias) == expected


def test_relation_aliases_and_case_resolve():
    schema = load_schema()
    assert schema.resolve_relation_type("runs on") == "RUNS_ON"
    assert schema.resolve_relation_type("运行于") == "RUNS_ON"
    assert schema.resolve_relation_type("depends-on") == "DEPENDS_ON"
    assert schema.resolve_relation_type("IS_NEAR") is None


def test_failure_semantics_come_from_the_ontology():
    rels = load_schema().relation_types
    assert (rels["RUNS_ON"].on_target_failure, rels["RUNS_ON"].on_source_failure) == ("down", "none")
    assert (rels["SUPPORTS"].on_target_failure, rels["SUPPORTS"].on_source_failure) == ("none", "down")
    assert rels["POWERED_BY"].on_target_failure == "redundant"
    assert rels["MEMBER_OF"].on_source_failure == "redundant"
    assert (rels["CONNECTED_TO"].on_target_failure, rels["CONNECTED_TO"].on_source_failure) == (
        "degraded", "degraded")
    # a cable by which the source reaches the network: lost with all its uplinks
    assert (rels["UPLINKED_TO"].on_target_failure, rels["UPLINKED_TO"].on_source_failure) == (
        "redundant", "degraded")


def test_network_tiers_orient_cables_from_the_edge_to_the_core():
    types = load_schema().ci_types
    tiers = [types[t].network_tier for t in ("router", "firewall", "switch", "load-balancer",
                                              "patch-panel", "server")]
    assert tiers == sorted(tiers) and None not in tiers
    assert types["pdu"].network_tier is None and types["circuit"].network_tier is None


def test_a_user_ontology_file_adds_an_alias_without_code(tmp_path, monkeypatch):
    (tmp_path / "site-aliases.ttl").write_text(
        "@prefix cmdb: <https://w3id.org/itss-graph/cmdb#> .\n"
        'cmdb:Server cmdb:alias "刀片服务器" .\n'
        'cmdb:Firewall cmdb:alias "WAF" .\n', encoding="utf-8")
    monkeypatch.setenv("ITSS_ONTOLOGY_PATH", str(tmp_path))
    schema = compile_schema()
    assert schema.resolve_ci_type("刀片服务器") == "server"
    assert schema.resolve_ci_type("waf") == "firewall"


def test_schema_cache_is_rebuilt_when_the_ontology_changes(tmp_path, monkeypatch):
    extra = tmp_path / "x.ttl"
    extra.write_text("@prefix cmdb: <https://w3id.org/itss-graph/cmdb#> .\n"
                     'cmdb:VM cmdb:alias "云主机" .\n', encoding="utf-8")
    monkeypatch.setenv("ITSS_ONTOLOGY_PATH", str(tmp_path))
    load_schema.cache_clear()
    try:
        assert load_schema().resolve_ci_type("云主机") == "vm"
        extra.write_text("@prefix cmdb: <https://w3id.org/itss-graph/cmdb#> .\n"
                         'cmdb:VM cmdb:alias "弹性云主机" .\n', encoding="utf-8")
        load_schema.cache_clear()
        schema = load_schema()
        assert schema.resolve_ci_type("弹性云主机") == "vm"
        assert schema.resolve_ci_type("云主机") is None
    finally:
        load_schema.cache_clear()
