"""Properties the impact engine reads are checked at load (``min_up``, ``redundancy_group``,
criticality, SLA, users), and NetBox data cables are oriented by the ontology's network tiers."""

from __future__ import annotations

import json

import pytest

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory, load_items
from itss_graph.loading.netbox.transform import NetBoxTransform


def _load(store, tmp_path, cis: str, rels: str = "source,type,target\n", name: str = "cis.csv"):
    (tmp_path / name).write_text(cis, encoding="utf-8")
    (tmp_path / "relations.csv").write_text(rels, encoding="utf-8")
    return load_inventory([tmp_path / name, tmp_path / "relations.csv"], store)


@pytest.mark.parametrize("value", ["two", "0", "-1", "2.5", "1e3"])
def test_a_min_up_that_is_not_a_whole_number_is_a_located_error(sqlite_store, tmp_path, value):
    # a large clean file goes the bulk path first: the bad value sends it to the row checks
    rows = "".join(f"s{i},s{i},server,\n" for i in range(300))
    with pytest.raises(InputError) as excinfo:
        _load(sqlite_store, tmp_path, f"id,name,type,min_up\n{rows}g,g,redundancy-group,{value}\n")
    [problem] = excinfo.value.problems
    assert (problem.line, problem.field) == (302, "min_up")
    assert f"{value!r} is not a whole number of at least 1" in problem.message
    assert sqlite_store.stats()["cis"] == {}


def test_a_relation_min_up_and_group_are_checked_too(sqlite_store, tmp_path):
    doc = {"cis": [{"id": "a", "type": "application"}, {"id": "b", "type": "vm"}, {"id": "c", "type": "vm"}],
           "relations": [{"source": "a", "type": "DEPENDS_ON", "target": "b", "redundancy_group": "web",
                          "min_up": "x"},
                         {"source": "a", "type": "DEPENDS_ON", "target": "c", "redundancy_group": ["web"]}]}
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        load_inventory([path], sqlite_store)
    assert [(p.field, p.message.split(" is not")[0]) for p in excinfo.value.problems] == [
        ("min_up", "'x'"), ("redundancy_group", "['web']")]


def test_whole_numbers_load_as_numbers_or_text(sqlite_store, tmp_path):
    doc = {"cis": [{"id": "g", "type": "redundancy-group", "min_up": 2.0},
                   {"id": "h", "type": "redundancy-group", "min_up": " 3 "}]}
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = load_inventory([path], sqlite_store)
    assert report.totals()["cis"]["created"] == 2


def test_unknown_criticality_sla_and_users_of_services_are_reported(sqlite_store, tmp_path):
    report = _load(sqlite_store, tmp_path,
                   "id,name,type,tier,criticality,sla,users\n"
                   "s1,s1,business-service,gold,,99.9%,1000\n"
                   "s2,s2,business-service,Tier 1,P2,n/a,many\n"
                   "s3,s3,server,gold,,,\n")
    assert [(w.line, w.field, w.value) for w in report.warnings] == [
        (2, "tier", "gold"), (3, "sla", "n/a"), (3, "users", "many")]
    assert "criticality value 'gold' is not in" in report.warnings[0].message
    assert sqlite_store.stats()["cis"] == {"business-service": 2, "server": 1}  # loaded anyway


def _cable(n: int, a: int, b: int) -> dict:
    def end(device: int) -> dict:
        return {"object_type": "dcim.interface", "object": {"id": device * 10, "device": {"id": device}}}

    return {"id": n, "a_terminations": [end(a)], "b_terminations": [end(b)]}


def test_netbox_data_cables_are_uplinks_between_tiers_and_peer_links_within_one():
    roles = {1: "router", 2: "access-switch", 3: "access-switch", 4: "application-server"}
    devices = [{"id": i, "name": f"d{i}", "role": {"slug": role, "name": role}} for i, role in roles.items()]
    cables = [_cable(1, 1, 2), _cable(2, 2, 3), _cable(3, 2, 4), _cable(4, 4, 3)]
    transform = NetBoxTransform({"device_roles": {"router": "router", "access-switch": "switch",
                                                  "application-server": "server"}})
    rows = [r.fields for r in transform.rows({"dcim/devices": devices, "dcim/cables": cables})
            if r.kind == "relation"]
    assert [(r["source"], r["type"], r["target"]) for r in rows] == [
        ("device:2", "UPLINKED_TO", "device:1"),  # the switch reaches the network through the router
        ("device:2", "CONNECTED_TO", "device:3"),  # two switches: a peer link, A side first
        ("device:4", "UPLINKED_TO", "device:2"),  # a server to its switch, whichever side is A
        ("device:4", "UPLINKED_TO", "device:3"),
    ]


def test_a_netbox_server_on_one_switch_goes_down_with_it(sqlite_store):
    from itss_graph.engine.impact import impact

    roles = {1: "access-switch", 2: "access-switch", 3: "application-server", 4: "application-server"}
    devices = [{"id": i, "name": f"d{i}", "role": {"slug": role, "name": role}} for i, role in roles.items()]
    cables = [_cable(1, 3, 1), _cable(2, 4, 1), _cable(3, 2, 4)]
    options = {"device_roles": {"access-switch": "switch", "application-server": "server"}}
    load_items(NetBoxTransform(options).rows({"dcim/devices": devices, "dcim/cables": cables}), sqlite_store)
    assert {(i.id, i.effect) for i in impact(sqlite_store, ["device:1"]).impacted} == {
        ("device:3", "down"), ("device:4", "degraded")}
