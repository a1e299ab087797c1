"""Mapping profiles on realistic files: the Chinese asset register (XLSX with a title row and
merged cells; the same as GBK CSV), identification by keys, references by name, the canonical
profile, NetBox CSV exports, user profile directories."""

from __future__ import annotations

import json

import pytest

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory
from itss_graph.loading.profiles import available_profiles, find_profile, load_profile
from itss_graph.loading.validate import ONTOLOGY_HINT
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest import REPO, store_dump

REGISTER = REPO / "examples" / "asset-register"
NETBOX_CSV = REPO / "examples" / "netbox-export" / "csv"


def test_built_in_profiles_are_found_and_valid():
    profiles = available_profiles()
    assert {"canonical", "cn-asset-register", "netbox"} <= set(profiles)
    for path in profiles.values():
        assert load_profile(path).tables


def test_asset_register_xlsx_maps_assets_rooms_racks_systems_and_hosts(sqlite_store):
    report = load_inventory([REGISTER / "资产台账.xlsx"], sqlite_store, profile="cn-asset-register")
    cis = {c.id: c for batch in sqlite_store.iter_cis() for c in batch}
    assert report.totals()["cis"]["created"] == len(cis) == 36
    core = cis["ZC-2019-0001"]
    assert (core.type, core.name) == ("switch", "核心交换机A")
    assert core.props["site"] == "一号机房" and core.props["owner"] == "张伟"
    assert core.props["status"] == "active" and core.props["criticality"] == "critical"
    assert core.props["序号"] == "1"  # unmapped columns are kept, nothing is lost
    assert core.props["rack_unit"] == "20-35"
    # the merged 所在机房 cells give every covered row its room; VMs have none of their own
    assert cis["ZC-2020-0014"].props["site"] == "一号机房"
    assert "site" not in cis["ZC-2021-0031"].props
    assert {cis[i].type for i in ("room:一号机房", "rack:一号机房/A01", "app:网上银行")} == {
        "room", "rack", "application"}
    rels = {(r.source, r.type, r.target) for batch in sqlite_store.iter_relations() for r in batch}
    assert ("ZC-2019-0001", "LOCATED_IN", "rack:一号机房/A01") in rels
    assert ("rack:一号机房/A01", "LOCATED_IN", "room:一号机房") in rels
    assert ("ZC-2021-0041", "LOCATED_IN", "room:一号机房") in rels  # no rack: the room
    assert ("app:网上银行", "DEPENDS_ON", "ZC-2019-0003") in rels
    # 宿主机 names hosts (two, separated by 、): resolved by name among the input
    assert {(s, t) for s, ty, t in rels if ty == "RUNS_ON" and s == "ZC-2021-0033"} == {
        ("ZC-2021-0033", "ZC-2020-0013"), ("ZC-2021-0033", "ZC-2020-0014")}
    # repeated stubs (the room named on every row) are folded without warnings
    assert report.warnings == []


def test_the_gbk_csv_register_gives_the_same_store_as_the_workbook(tmp_path):
    from itss_graph.stores.sqlite import SQLiteStore

    dumps = []
    for name, path in (("x", REGISTER / "资产台账.xlsx"), ("c", REGISTER / "资产台账-gbk.csv")):
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            load_inventory([path], store, profile="cn-asset-register")
            dumps.append(store_dump(store))
    assert dumps[0] == dumps[1]


def test_rows_identified_by_keys_update_the_one_match_and_create_the_others(sqlite_store):
    load_inventory([REGISTER / "资产台账.xlsx"], sqlite_store, profile="cn-asset-register")
    report = load_inventory([REGISTER / "无编号台账.csv"], sqlite_store, profile="cn-asset-register",
                            details=True)
    by_id = {r["id"]: r for r in report.rows if r["kind"] == "ci"}
    # 核心交换机A in 一号机房 is ZC-2019-0001: one match, updated (merged: other columns kept)
    assert by_id["ZC-2019-0001"]["outcome"] == "updated"
    assert by_id["ZC-2019-0001"]["diff"] == {"props.备注": [None, "巡检：2024-06"]}
    core = sqlite_store.get_cis(["ZC-2019-0001"])["ZC-2019-0001"]
    assert core.props["serial"] == "2102351931P0K1000021" and core.props["备注"] == "巡检：2024-06"
    # no match: created under the profile's id
    assert by_id["asset:一号机房/监控服务器"]["outcome"] == "created"
    assert by_id["asset:二号机房/堡垒机"]["outcome"] == "created"


def test_canonical_profile_loads_like_the_native_reader(tmp_path, netbox_dir):
    from itss_graph.stores.sqlite import SQLiteStore

    with SQLiteStore(tmp_path / "a.db") as a, SQLiteStore(tmp_path / "b.db") as b:
        load_inventory([netbox_dir], a)
        load_inventory([netbox_dir / "cis.csv", netbox_dir / "relations.csv"], b, profile="canonical")
        assert store_dump(a) == store_dump(b)


def test_netbox_csv_exports_give_the_demo_cis_and_their_references(sqlite_store, netbox_dir):
    report = load_inventory([NETBOX_CSV], sqlite_store, profile="netbox")
    demo = {}
    import csv

    with (netbox_dir / "cis.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            demo[row["id"]] = row
    cis = {c.id: c for batch in sqlite_store.iter_cis() for c in batch}
    assert set(cis) == set(demo)
    for ci_id, ci in cis.items():
        assert (ci.type, ci.name) == (demo[ci_id]["type"], demo[ci_id]["name"]), ci_id
        for key in ("status", "role", "tenant", "platform", "manufacturer", "model", "rack"):
            assert ci.props.get(key, "") == demo[ci_id][key], (ci_id, key)
    with (netbox_dir / "relations.csv").open(encoding="utf-8") as fh:
        expected = {(r["source"], r["type"], r["target"]) for r in csv.DictReader(fh)
                    if r["type"] in ("LOCATED_IN", "RUNS_ON", "PROVIDED_BY", "CIRCUIT_TERMINATES")
                    or r["source"].startswith("powerfeed:")}
    got = {(r.source, r.type, r.target) for batch in sqlite_store.iter_relations() for r in batch}
    assert got == expected  # cables need the API or a JSON export
    # circuits ending at a provider network have no site: left out with a warning each
    assert report.warnings and all("relation left out" in w.message for w in report.warnings)


def test_profile_problems_name_the_profiles_own_columns(sqlite_store, write):
    path = write("台账.csv", "资产编号,资产名称,类型\nA1,机房保险柜,保险柜\n")
    with pytest.raises(InputError) as excinfo:
        load_inventory([path], sqlite_store, profile="cn-asset-register")
    problem = excinfo.value.problems[0]
    assert (problem.line, problem.column, problem.field, problem.value) == (2, "类型", "type", "保险柜")
    assert "map it in profile 'cn-asset-register' (tables[0].cis[0].type.map)" in problem.message
    # and how to add a type or an alias without touching the profile
    assert problem.message.endswith("or " + ONTOLOGY_HINT)


def test_user_profiles_come_from_itss_loaders_path_and_replace_built_ins(tmp_path, monkeypatch, write,
                                                                       sqlite_store):
    user = tmp_path / "user-loaders"
    user.mkdir()
    (user / "canonical.yaml").write_text(
        "name: canonical\ntables:\n  - match: {columns: [编号, 类型]}\n    cis:\n"
        "      - {as: ci, id: \"{编号}\", type: {column: 类型}}\n", encoding="utf-8")
    monkeypatch.setenv("ITSS_LOADERS_PATH", str(user))
    assert find_profile("canonical").path == user / "canonical.yaml"
    report = load_inventory([write("x.csv", "编号,类型\nk1,服务器\n")], sqlite_store, profile="canonical")
    assert report.totals()["cis"]["created"] == 1
    assert sqlite_store.get_cis(["k1"])["k1"].type == "server"


def test_unknown_profile_lists_the_available_ones():
    with pytest.raises(InputError) as excinfo:
        find_profile("nope")
    assert "no mapping profile 'nope'; available: canonical, cn-asset-register, netbox" in str(excinfo.value)


def test_stubs_never_overwrite_a_richer_record(sqlite_store, write):
    load_inventory([write("rooms.json", json.dumps({"cis": [
        {"id": "room:一号机房", "name": "一号机房", "type": "room", "floor": "3F", "area_m2": 420}]}))],
        sqlite_store)
    report = load_inventory([REGISTER / "资产台账.xlsx"], sqlite_store, profile="cn-asset-register")
    room = sqlite_store.get_cis(["room:一号机房"])["room:一号机房"]
    assert room.props == {"floor": "3F", "area_m2": 420}
    assert report.cis["room"]["unchanged"] == 1


def test_the_user_ontology_file_of_loaders_readme_adds_a_type_and_an_alias(tmp_path, monkeypatch, write):
    """The unknown-type message sends people to loaders/README.md; its example must work."""
    from itss_graph.schema import load_schema

    readme = (REPO / "loaders" / "README.md").read_text(encoding="utf-8")
    turtle = readme.split("```turtle\n", 1)[1].split("```", 1)[0]
    register = write("台账.csv", "资产编号,资产名称,类型\nA1,机房保险柜,保险柜\nA2,柜面凭条打印机,凭条打印机\n")
    with pytest.raises(InputError) as excinfo:
        load_inventory([register], SQLiteStore(tmp_path / "a.db"), profile="cn-asset-register")
    assert [p.value for p in excinfo.value.problems] == ["保险柜", "凭条打印机"]
    user = tmp_path / "ontology"
    user.mkdir()
    (user / "site-types.ttl").write_text(turtle, encoding="utf-8")
    monkeypatch.setenv("ITSS_ONTOLOGY_PATH", str(user))
    load_schema.cache_clear()
    try:
        store = SQLiteStore(tmp_path / "b.db")
        load_inventory([register], store, profile="cn-asset-register")
        assert {c.id: c.type for c in store.get_cis(["A1", "A2"]).values()} == {"A1": "safe", "A2": "printer"}
    finally:
        load_schema.cache_clear()
