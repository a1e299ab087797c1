"""Impact analysis: checked against an independent oracle and on small hand-made graphs."""

from __future__ import annotations

import json

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


def test_an_answer_is_freed_with_its_last_reference(tmp_path):
    """``whole`` was an attribute holding the answer itself: every answer (with its closure's
    ~10 MB of arrays at 1M CIs) waited for the cyclic garbage collector, and a server's next
    answers faulted fresh memory in instead of reusing it."""
    import gc
    import weakref

    store = _store_with(tmp_path, "h,h,server,\nv,v,vm,\na,a,application,\n", "v,RUNS_ON,h\na,HOSTED_ON,v\n")
    whole = impact(store, ["h"])
    limited = whole.limited(1)
    assert (whole.whole, limited.whole, whole.limited(None)) == (whole, whole, whole)
    assert [i.id for i in limited.impacted] == ["v"] and limited.beyond_depth == 1
    refs = [weakref.ref(whole), weakref.ref(limited)]
    collecting = gc.isenabled()
    gc.disable()
    try:
        del whole, limited
        assert [ref() for ref in refs] == [None, None]
    finally:
        if collecting:
            gc.enable()


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


# -- the cases of issue 11: services, explanations, depth, criticality, connectivity ---------------

def _estate(tmp_path, cis: str, rels: str):
    """A store loaded from two CSV texts (headers included)."""
    from itss_graph.stores.sqlite import SQLiteStore

    (tmp_path / "cis.csv").write_text(cis, encoding="utf-8")
    (tmp_path / "relations.csv").write_text(rels, encoding="utf-8")
    store = SQLiteStore(tmp_path / "x.db")
    load_inventory([tmp_path], store)
    return store


def _both(store):
    """The store, and the same store answered without its closure index (per-level queries)."""
    from tests.test_engine_properties import WithoutIndex

    return [store, WithoutIndex(store)]


def test_a_failed_service_is_down_everywhere(tmp_path):
    from itss_graph.answers.change import change_impact
    from itss_graph.answers.obligations import obligations
    from itss_graph.engine.blast import blast_radius
    from itss_graph.render.impact_map import impact_view

    store = _estate(tmp_path, "id,name,type,criticality\napp,app,application,\nsvc,svc,business-service,critical\n",
                    "source,type,target\napp,SUPPORTS,svc\n")
    for s in _both(store):
        radius = blast_radius(s, ["svc"])
        assert [(x.id, x.status, x.failed, x.depth) for x in radius.services] == [("svc", "down", True, 0)]
        assert obligations(s, impact(s, ["svc"]))["event_level"]["level"] == 1
        answer = change_impact(s, ["svc"])
        assert answer["summary"]["services_down"] == 1
        assert (answer["window"]["criticality"], answer["window"]["driven_by"]) == ("critical", "svc")
        # the view's headline counts it too (it counted only the services the walk reached)
        view = impact_view(impact(s, ["svc"]), radius=radius)
        assert view.subtitle.endswith("; 1 business services down, 0 at risk")


def test_a_failed_service_with_redundancy_below_is_down_not_at_risk(tmp_path):
    from itss_graph.engine.blast import blast_radius

    store = _estate(tmp_path, "id,name,type,criticality\nm1,m1,server,\nm2,m2,server,\ng,g,redundancy-group,\n"
                              "svc,svc,business-service,critical\n",
                    "source,type,target\nm1,MEMBER_OF,g\nm2,MEMBER_OF,g\ng,SUPPORTS,svc\n")
    for s in _both(store):
        radius = blast_radius(s, ["svc", "m1"])
        assert [(x.id, x.status) for x in radius.services] == [("svc", "down")]


@pytest.mark.parametrize("relation", ["SUPPORTS", "DEPENDS_ON"])
def test_a_service_that_lost_its_own_redundancy_is_at_risk(tmp_path, relation):
    from itss_graph.answers.change import change_impact
    from itss_graph.engine.blast import blast_radius

    edges = (f"a1,SUPPORTS,svc,g\na2,SUPPORTS,svc,g\n" if relation == "SUPPORTS"
             else "svc,DEPENDS_ON,a1,g\nsvc,DEPENDS_ON,a2,g\n")
    store = _estate(tmp_path, "id,name,type,criticality\na1,a1,application,\na2,a2,application,\n"
                              "svc,svc,business-service,critical\n",
                    "source,type,target,redundancy_group\n" + edges)
    for s in _both(store):
        assert [(i.id, i.effect) for i in impact(s, ["a1"]).impacted] == [("svc", "degraded")]
        radius = blast_radius(s, ["a1"])
        [service] = radius.services
        assert (service.status, service.lost_redundancy_at, service.next_failure) == ("at-risk", "svc", ("a2",))
        [loss] = radius.losses
        assert (loss.lost, loss.left, loss.min_up, loss.new_spof, loss.group) == (("a1",), ("a2",), 1, ("a2",), "g")
        answer = change_impact(s, ["a1"])
        assert answer["summary"]["services_at_risk"] == 1
        assert answer["window"]["criticality"] == "at_risk"


def test_at_risk_services_have_a_depth_a_chain_and_a_reason(tmp_path):
    from itss_graph.engine.blast import blast_radius

    store = _estate(tmp_path, "id,name,type,min_up\npa,pa,pdu,\npb,pb,pdu,\nsrv,srv,server,\nvm,vm,vm,\n"
                              "svc,svc,business-service,\n",
                    "source,type,target\nsrv,POWERED_BY,pa\nsrv,POWERED_BY,pb\nvm,RUNS_ON,srv\nvm,SUPPORTS,svc\n")
    for s in _both(store):
        radius = blast_radius(s, ["pa"])
        [service] = radius.services
        assert service.status == "at-risk" and service.depth == 3
        assert [step["id"] for step in service.chain] == ["pa", "srv", "vm", "svc"]
        assert service.lost_redundancy_at == "srv" and service.next_failure == ("pb",)
        [loss] = radius.losses
        assert loss.text() == ("srv degraded: lost 1 of 2 POWERED_BY providers (min_up 1): pa; left: pb; "
                               "now single point of failure: pb")


def test_a_ci_lost_through_a_group_names_every_provider_that_had_to_go(tmp_path):
    from itss_graph.engine.blast import blast_radius

    store = _estate(tmp_path, "id,name,type,min_up\npa,pa,pdu,\npb,pb,pdu,\nsrv,srv,server,\n",
                    "source,type,target\nsrv,POWERED_BY,pa\nsrv,POWERED_BY,pb\n")
    for s in _both(store):
        [loss] = blast_radius(s, ["pa", "pb"]).losses
        assert (loss.id, loss.effect, loss.lost, loss.left) == ("srv", "down", ("pa", "pb"), ())


def test_a_group_larger_than_the_page_is_named_by_counts_and_a_page(tmp_path):
    # 130 servers in one group (min_up 1); 70 of them rest on pa: its failure degrades the group
    from itss_graph.engine.blast import blast_radius
    from itss_graph.engine.group_loss import MEMBER_PAGE
    from itss_graph.render.impact import explain_text

    members = [f"n{k:03d}" for k in range(130)]
    lost, left = members[:70], members[70:]
    store = _estate(tmp_path, "id,name,type,min_up\npa,pa,pdu,\ng,g,redundancy-group,1\nsvc,svc,business-service,\n"
                    + "".join(f"{m},{m},server,\n" for m in members),
                    "source,type,target\ng,SUPPORTS,svc\n" + "".join(f"{m},MEMBER_OF,g\n" for m in members)
                    + "".join(f"{m},POWERED_BY,pa\n" for m in lost))
    store.index_after_edges = 0  # the first answer from the closure index, the other by queries
    answers = []
    for s in _both(store):
        radius = blast_radius(s, ["pa"])
        [loss] = [g for g in radius.losses if g.id == "g"]  # (each server lost its one feed too)
        assert (loss.effect, list(loss.lost), list(loss.left)) == ("degraded", lost, left)
        doc = loss.as_dict()
        assert (doc["members"], doc["lost_count"], doc["left_count"]) == (130, 70, 60)
        assert (doc["lost"], doc["left"]) == (lost[:MEMBER_PAGE], left[:MEMBER_PAGE])
        assert loss.text() == ("g degraded: lost 70 of 130 MEMBER_OF providers (min_up 1): "
                               f"{', '.join(lost[:MEMBER_PAGE])} (and 20 more); "
                               f"left: {', '.join(left[:MEMBER_PAGE])} (and 10 more)")
        explained = explain_text({"id": "g", "type": "redundancy-group", "name": "g", "status": "degraded",
                                  "depth": 1, "chain": [], "redundancy": [doc]})
        assert "lost 70 of 130" in explained and "(and 20 more)" in explained and "(and 10 more)" in explained
        answers.append(radius.as_dict())
    assert answers[0] == answers[1]


def test_a_depth_limit_never_contradicts_the_whole_answer(tmp_path):
    # c needs one of p1, p2; p1 is lost at depth 1, p2 at depth 2: c is lost at depth 3
    store = _estate(tmp_path, "id,name,type\nf,f,server\np1,p1,vm\np2,p2,vm\nx,x,vm\nc,c,application\n",
                    "source,type,target,redundancy_group\np1,RUNS_ON,f,\nx,RUNS_ON,f,\np2,DEPENDS_ON,x,\n"
                    "c,DEPENDS_ON,p1,g\nc,DEPENDS_ON,p2,g\n")
    for s in _both(store):
        limited = impact(s, ["f"], max_depth=2)
        assert {(i.id, i.effect) for i in limited.impacted} == {("p1", "down"), ("x", "down"), ("p2", "down")}
        assert limited.summary()["beyond_depth"] == 1
        assert [(i.id, i.effect, i.depth) for i in impact(s, ["f"]).impacted if i.id == "c"] == [("c", "down", 3)]


def test_criticality_is_policy_and_ranks_and_grades(tmp_path):
    from itss_graph.answers.obligations import obligations
    from itss_graph.engine.blast import blast_radius

    store = _estate(tmp_path, "id,name,type,criticality,tier,sla,users\nh,h,server,,,,\n"
                              "s1,s1,business-service,,3,99.9,10\ns2,s2,business-service,P1,,99.9,10\n"
                              "s3,s3,business-service,,1,99.5,5\ns4,s4,business-service,重要,,,\n",
                    "source,type,target\nh,SUPPORTS,s1\nh,SUPPORTS,s2\nh,SUPPORTS,s3\nh,SUPPORTS,s4\n")
    radius = blast_radius(store, ["h"])
    assert [(s.id, s.criticality) for s in radius.services] == [
        ("s2", "critical"), ("s3", "critical"), ("s4", "important"), ("s1", "general")]
    assert obligations(store, radius.impact, radius=radius)["event_level"]["level"] == 1


def test_a_single_homed_server_goes_down_with_its_switch_and_a_dual_homed_one_degrades(tmp_path):
    from itss_graph.engine.blast import blast_radius

    store = _estate(tmp_path, "id,name,type\nsw1,sw1,switch\nsw2,sw2,switch\none,one,server\ntwo,two,server\n"
                              "app,app,application\nsvc,svc,business-service\n",
                    "source,type,target\none,UPLINKED_TO,sw1\ntwo,UPLINKED_TO,sw1\ntwo,UPLINKED_TO,sw2\n"
                    "app,RUNS_ON,two\napp,SUPPORTS,svc\n")
    for s in _both(store):
        result = impact(s, ["sw1"])
        assert {(i.id, i.effect, i.via) for i in result.impacted} == {
            ("one", "down", "UPLINKED_TO"), ("two", "degraded", "UPLINKED_TO")}
        [service] = blast_radius(s, ["sw1"]).services
        assert (service.id, service.status, service.next_failure) == ("svc", "at-risk", ("sw2",))
        # the switch only loses a port when a server fails: nothing at risk
        assert [(i.id, i.effect) for i in impact(s, ["two"]).impacted] == [
            ("svc", "down"), ("app", "down"), ("sw1", "degraded"), ("sw2", "degraded")]
        assert blast_radius(s, ["one"]).services == []


def test_netbox_switch_failures_now_take_what_rests_on_them(netbox_store):
    from itss_graph.engine.blast import blast_radius

    # a distribution switch is the only uplink of its patch panel; a core switch one of two
    dist = impact(netbox_store, ["device:93"])
    assert [(i.id, i.effect, i.via) for i in dist.impacted] == [("device:90", "down", "UPLINKED_TO")]
    core = blast_radius(netbox_store, ["device:96"])
    assert {(g.id, g.effect, g.left, g.new_spof) for g in core.losses} == {
        (pp, "degraded", ("device:97",), ("device:97",)) for pp in ("device:87", "device:88", "device:89")}
    both = impact(netbox_store, ["device:96", "device:97"])
    assert {i.id for i in both.impacted if i.effect == "down"} == {"device:87", "device:88", "device:89"}
    # a router is the only uplink of its access switch
    assert [(i.id, i.effect) for i in impact(netbox_store, ["device:1"]).impacted] == [("device:14", "down")]


def test_impact_cli_puts_the_headline_first_and_explains_one_ci(tmp_path):
    from tests.test_cli import run

    store = _estate(tmp_path, "id,name,type,criticality,sla,users\npa,pa,pdu,,,\npb,pb,pdu,,,\nsrv,srv,server,,,\n"
                              "vm,vm,vm,,,\nsvc,svc,business-service,tier 2,99.9,300\n",
                    "source,type,target\nsrv,POWERED_BY,pa\nsrv,POWERED_BY,pb\nvm,RUNS_ON,srv\nvm,SUPPORTS,svc\n")
    path = str(store.path)
    store.close()
    text = run("impact", "pa", "--store", path).stdout.splitlines()
    assert text[0] == ("Failure of pa (pdu, pa): 0 services down, 1 at risk — event level: "
                       "Level IV: loss of redundancy or of components only (四级：冗余丧失或组件故障).")
    services = text.index("Business services (1), most critical first:")
    assert text[services + 1].split() == ["status", "id", "name", "criticality", "sla", "users", "depth"]
    assert text[services + 3].split() == ["at", "risk", "svc", "svc", "important", "99.9", "300", "3"]
    explained = run("impact", "pa", "--store", path, "--explain", "svc").stdout
    assert explained.splitlines()[:2] == ["svc (business-service, svc): at risk at depth 3",
                                          "  pa -POWERED_BY-> srv -RUNS_ON-> vm -SUPPORTS-> svc"]
    assert "next failure that takes it down: pb" in explained
    doc = json.loads(run("impact", "pa", "--store", path, "--explain", "srv", "--format", "json").stdout)
    assert (doc["status"], doc["redundancy"][0]["new_spof"]) == ("degraded", ["pb"])
    whole = json.loads(run("impact", "pa", "--store", path, "--format", "json").stdout)
    assert whole["summary"]["services_at_risk"] == 1 and whole["services"][0]["next_failure"] == ["pb"]


def test_the_impact_view_shows_the_services_and_why():
    from itss_graph.engine.blast import blast_radius
    from itss_graph.loading.example import example_store
    from itss_graph.render.impact_map import impact_view

    store = example_store()
    radius = blast_radius(store, ["pdu:a"])
    [panel] = impact_view(radius.impact, radius=radius).panels
    groups = dict(panel.groups)
    assert panel.intro == "0 down, 2 at risk" and list(groups) == ["At risk (2)", "Redundancy lost (3)"]
    shop, note = groups["At risk (2)"][0]
    assert shop == "service:shop Online shop 网上商城 (critical)"
    assert note.endswith("next failure that takes it down: pdu:b, vm:web2")
