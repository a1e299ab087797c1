"""Impact analysis: checked against an independent oracle and on small hand-made graphs."""

from __future__ import annotations

import pytest

from itss_graph.engine.impact import impact
from itss_graph.errors import UnknownCIError
from itss_graph.loading.load import load_inventory
from tests.reference import expected_impact, read_csv_pair

NETBOX_PROBES = ["site:21", "site:15", "rack:1", "rack:22", "cluster:1", "cluster:5",
                 "powerpanel:1", "powerfeed:1", "provider:1", "provider:4", "device:1",
                 "device:96", "device:13", "circuit:1"]


@pytest.fixture
def netbox_store(sqlite_store, netbox_dir):
    load_inventory([netbox_dir], sqlite_store)
    return sqlite_store


@pytest.mark.parametrize("ci_id", NETBOX_PROBES)
def test_netbox_impact_matches_the_oracle(netbox_store, netbox_dir, ci_id):
    cis, rels = read_csv_pair(netbox_dir)
    down, degraded = expected_impact(cis, rels, {ci_id})
    result = impact(netbox_store, [ci_id])
    assert {i.id for i in result.impacted if i.effect == "down"} == down
    assert {i.id for i in result.impacted if i.effect == "degraded"} == degraded


def test_netbox_impact_with_the_optional_edges_matches_the_oracle(netbox_store, netbox_dir):
    extra = netbox_dir / "relations_extra.csv"
    load_inventory([extra], netbox_store)
    cis, rels = read_csv_pair(netbox_dir, [extra])
    for ci_id in ("site:21", "powerpanel:2", "powerfeed:7", "provider:3"):
        down, degraded = expected_impact(cis, rels, {ci_id})
        result = impact(netbox_store, [ci_id])
        assert {i.id for i in result.impacted if i.effect == "down"} == down, ci_id
        assert {i.id for i in result.impacted if i.effect == "degraded"} == degraded, ci_id


def test_netbox_site_failure_takes_down_its_racks_and_their_devices(netbox_store):
    result = impact(netbox_store, ["site:21"])
    by_id = {i.id: i for i in result.impacted}
    # racks sit directly in the site; devices are one level further, via their rack
    assert by_id["rack:14"].depth == 1 and by_id["rack:14"].via == "LOCATED_IN"
    assert by_id["device:96"].effect == "down" and by_id["device:96"].depth == 2
    assert by_id["device:96"].from_id == "rack:16"
    # circuits terminating at the site are lost with it
    assert all(i.effect == "down" for i in result.impacted if i.type == "circuit")


def test_netbox_cluster_failure_takes_down_exactly_its_vms(netbox_store, netbox_dir):
    import csv

    with (netbox_dir / "relations.csv").open() as fh:
        vms = {r["source"] for r in csv.DictReader(fh) if r["type"] == "RUNS_ON" and r["target"] == "cluster:1"}
    result = impact(netbox_store, ["cluster:1"])
    assert {i.id for i in result.impacted} == vms
    assert {(i.effect, i.depth, i.via) for i in result.impacted} == {("down", 1, "RUNS_ON")}


def _store_with(tmp_path, cis: str, rels: str):
    from itss_graph.stores.sqlite import SQLiteStore

    (tmp_path / "cis.csv").write_text("id,name,type,min_up\n" + cis, encoding="utf-8")
    (tmp_path / "relations.csv").write_text("source,type,target\n" + rels, encoding="utf-8")
    store = SQLiteStore(tmp_path / "x.db")
    load_inventory([tmp_path], store)
    return store


def test_dual_power_degrades_and_losing_both_feeds_takes_the_device_down(tmp_path):
    store = _store_with(tmp_path,
                        "srv,srv,server,\npduA,A,pdu,\npduB,B,pdu,\napp,app,application,\n",
                        "srv,POWERED_BY,pduA\nsrv,POWERED_BY,pduB\napp,HOSTED_ON,srv\n")
    one = impact(store, ["pduA"])
    assert [(i.id, i.effect) for i in one.impacted] == [("srv", "degraded")]
    both = impact(store, ["pduA", "pduB"])
    assert {(i.id, i.effect) for i in both.impacted} == {("srv", "down"), ("app", "down")}


def test_redundancy_group_honours_min_up(tmp_path):
    store = _store_with(
        tmp_path,
        "g,pool,redundancy-group,2\nn1,n1,server,\nn2,n2,server,\nn3,n3,server,\nsvc,svc,business-service,\n",
        "n1,MEMBER_OF,g\nn2,MEMBER_OF,g\nn3,MEMBER_OF,g\ng,SUPPORTS,svc\n")
    assert [(i.id, i.effect) for i in impact(store, ["n1"]).impacted] == [("g", "degraded")]
    two = impact(store, ["n1", "n2"])
    assert [(i.id, i.effect, i.depth) for i in two.impacted] == [("svc", "down", 2), ("g", "down", 1)]


def test_degradation_does_not_travel_further(tmp_path):
    store = _store_with(tmp_path, "a,a,switch,\nb,b,switch,\nvm,vm,vm,\n",
                        "a,CONNECTED_TO,b\nvm,RUNS_ON,b\n")
    assert [(i.id, i.effect) for i in impact(store, ["a"]).impacted] == [("b", "degraded")]


def test_depth_limit_and_services_first(tmp_path):
    store = _store_with(
        tmp_path, "h,h,server,\nv,v,vm,\na,a,application,\ns,s,business-service,\n",
        "v,RUNS_ON,h\na,HOSTED_ON,v\na,SUPPORTS,s\n")
    assert [i.id for i in impact(store, ["h"]).impacted] == ["s", "a", "v"]
    assert [i.id for i in impact(store, ["h"], max_depth=2).impacted] == ["a", "v"]
    assert [(i.id, i.depth) for i in impact(store, ["h"], max_depth=1).impacted] == [("v", 1)]


def test_multiple_failures_are_not_reported_as_impacted(tmp_path):
    store = _store_with(tmp_path, "h,h,server,\nv,v,vm,\n", "v,RUNS_ON,h\n")
    assert [i.id for i in impact(store, ["h", "v"]).impacted] == []


def test_unknown_ci_is_an_error_naming_it(netbox_store):
    with pytest.raises(UnknownCIError) as excinfo:
        impact(netbox_store, ["cluster:1", "nope:42"])
    assert "nope:42" in str(excinfo.value) and "cluster:1" not in str(excinfo.value)


def test_json_contract_shape(netbox_store):
    doc = impact(netbox_store, ["cluster:1"]).as_dict()
    assert doc["source"] == {"id": "cluster:1", "type": "cluster", "name": doc["source"]["name"]}
    first = doc["impacted"][0]
    assert set(first) == {"id", "type", "name", "depth", "effect", "via", "from"}
    assert doc["summary"]["total"] == len(doc["impacted"]) == 20
    assert doc["summary"]["by_type"] == {"vm": 20}
    assert doc["summary"]["services"] == []


def test_demo_estate_matches_the_oracle(tmp_path):
    from itss_graph.stores.sqlite import SQLiteStore
    from itss_graph.synth import write_estate

    write_estate(tmp_path / "estate", scale=0.2)
    cis, rels = read_csv_pair(tmp_path / "estate")
    with SQLiteStore(tmp_path / "demo.db") as store:
        load_inventory([tmp_path / "estate"], store)
        for failed in (["storage-array:dc1-san1"], ["switch:dc1-core-1"],
                       ["switch:dc1-core-1", "switch:dc1-core-2"], ["site:dc1"],
                       ["power-panel:dc1-1-A"], ["cooling:dc1-1-1", "cooling:dc1-1-2"]):
            down, degraded = expected_impact(cis, rels, set(failed))
            result = impact(store, failed)
            assert {i.id for i in result.impacted if i.effect == "down"} == down, failed
            assert {i.id for i in result.impacted if i.effect == "degraded"} == degraded, failed
