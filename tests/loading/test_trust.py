"""Loading you can trust (issue 12), beyond the refusals of the corpus: what must *succeed* and
how — real registers with the shipped profile, prune only after a provably complete read,
NetBox paging that cannot skip an object, decoding that is either right or refused, no store
file from a dry run or a failed load, staging files removed on any exit."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from itss_graph.errors import InputError, SourceError
from itss_graph.loading.load import load_inventory, load_items
from itss_graph.loading.netbox import netbox_rows
from itss_graph.loading.netbox.client import NetBoxClient
from itss_graph.loading.netbox.export import JsonExport
from itss_graph.loading.staging import PREFIX, Staging, sweep_stale
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest import REPO, store_dump
from tests.loading.netbox_fake import FakeNetBox, build_netbox, write_json_export
from tests.test_cli import run

MIXED = REPO / "examples" / "asset-register" / "综合台账-gbk.csv"


# -- real registers ------------------------------------------------------------------------------

def test_the_gbk_register_loads_with_the_shipped_profile(tmp_path):
    db = tmp_path / "r.db"
    done = run("load", "--profile", "cn-asset-register", str(MIXED), "--store", str(db),
               "--source", "综合台账", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {t: c["created"] for t, c in report["cis"].items()} == {
        "access-point": 1, "application": 1, "conference-device": 1, "database": 1, "desktop": 3,
        "laptop": 1, "peripheral": 1, "printer": 2, "room": 1, "security-appliance": 1,
        "self-service-device": 1, "server": 1, "tape-library": 1, "terminal": 1, "vm": 1}
    assert report["relations"]["RUNS_ON"]["created"] == 2  # the 运行于 column
    assert [w["message"] for w in report["warnings"]] == [
        "'调拨中' is not in the profile's map (tables[0].cis[0].properties.status.map); kept as is "
        "(this row and every other with it)"]
    assert report["warnings"][0]["column"] == "状态"
    store = SQLiteStore(db)
    cis = store.get_cis(["BG-2022-0202", "BG-2022-0302", "BG-2021-0102", "BG-2016-0099"])
    assert {i: (c.type, c.props["status"]) for i, c in cis.items()} == {
        "BG-2022-0202": ("desktop", "maintenance"), "BG-2022-0302": ("printer", "maintenance"),
        "BG-2021-0102": ("database", "active"), "BG-2016-0099": ("desktop", "调拨中")}
    store.close()
    # the database runs on the server: the server's failure takes it down
    impact = json.loads(run("impact", "BG-2021-0101", "--store", str(db), "--format", "json").stdout)
    assert [(c["id"], c["effect"]) for c in impact["impacted"]] == [("BG-2021-0102", "down")]


def test_register_device_classes_lead_to_their_itss_standards(tmp_path):
    done = run("standards", "--ci-type", "打印机", "--format", "json")
    assert done.returncode == 0, done.stderr
    ids = [s["id"] for s in json.loads(done.stdout)["standards"]]
    assert ids[0] == "kb:std-运维-5"  # the desktop and peripheral O&M specification


# -- prune only after a provably complete read ---------------------------------------------------

def test_an_empty_input_prunes_only_with_allow_empty(tmp_path, write):
    db = tmp_path / "p.db"
    write("in/cis.csv", "id,name,type\na,A,server\nb,B,vm\n")
    assert run("load", str(tmp_path / "in"), "--store", str(db), "--source", "s").returncode == 0
    write("in/cis.csv", "id,name,type\n")
    refused = run("load", str(tmp_path / "in"), "--store", str(db), "--source", "s", "--prune")
    assert refused.returncode == 2
    assert "holds no rows; with --prune this load would delete every CI and relation source 's'" in refused.stderr
    assert json.loads(run("stats", "--store", str(db), "--format", "json").stdout)["cis"] == {"server": 1, "vm": 1}
    allowed = run("load", str(tmp_path / "in"), "--store", str(db), "--source", "s", "--prune", "--allow-empty")
    assert allowed.returncode == 0, allowed.stderr
    assert "Pruned 2 CIs and 0 relations" in allowed.stdout


@pytest.fixture(scope="module")
def objects(netbox_dir):
    return build_netbox(netbox_dir)


def test_a_site_deleted_between_pages_never_makes_the_read_skip_one(objects, sqlite_store):
    """Offset paging skips the site after the deleted one (it moves back a place); keyset paging
    reads every site that exists, and the final count shows NetBox changed: nothing is written."""
    sites = sorted(o["id"] for o in objects["dcim/sites"])
    with FakeNetBox(copy.deepcopy(objects)) as fake:
        fake.delete_after = (1, "dcim/sites", sites[2])  # after the first page of 5
        client = NetBoxClient(fake.url, fake.token, page_size=5)
        read = []
        with pytest.raises(SourceError) as excinfo:
            for obj in client.iter_objects("dcim/sites"):
                read.append(obj["id"])
        assert str(excinfo.value) == ("NetBox changed while /api/dcim/sites/ was read "
                                      f"({len(sites)} objects read, {len(sites) - 1} there now); "
                                      "nothing was loaded: run it again")
        assert read == sites  # every site that still exists was read: none was skipped
        with FakeNetBox(copy.deepcopy(objects)) as again:
            again.delete_after = (1, "dcim/sites", sites[2])
            with pytest.raises(SourceError):
                load_items(netbox_rows(NetBoxClient(again.url, again.token, page_size=5)), sqlite_store,
                           source="netbox", prune=True)
        assert sqlite_store.stats() == {"cis": {}, "relations": {}}


def test_a_netbox_that_ignores_keyset_paging_is_a_loop_not_a_hang(objects):
    with FakeNetBox(copy.deepcopy(objects)) as fake:
        fake.ignore_id_filter = {"dcim/devices"}  # the same first page, again and again
        client = NetBoxClient(fake.url, fake.token, page_size=10)
        with pytest.raises(SourceError, match=r"did not page by id \(object \d+ after \d+\): a paging loop"):
            list(client.iter_objects("dcim/devices"))


def test_netbox_paging_has_a_page_limit(objects):
    with FakeNetBox(copy.deepcopy(objects)) as fake:
        client = NetBoxClient(fake.url, fake.token, page_size=10, max_pages=3)
        with pytest.raises(SourceError, match="goes on for more than 3 pages"):
            list(client.iter_objects("dcim/devices"))


def test_an_export_without_some_endpoints_loads_with_a_warning_but_cannot_prune(objects, tmp_path, sqlite_store):
    write_json_export(objects, tmp_path / "export")
    (tmp_path / "export" / "dcim.cables.json").unlink()
    report = load_items(netbox_rows(JsonExport(tmp_path / "export")), sqlite_store)
    assert [w.message for w in report.warnings] == [
        "no dcim.cables.json in the export: no cables were read"]
    assert report.totals()["cis"]["created"] == 440
    from itss_graph.loading.netbox import ENDPOINTS

    with pytest.raises(InputError, match="has no dcim.cables.json: --prune needs every NetBox endpoint"):
        JsonExport(tmp_path / "export", required=ENDPOINTS)


def test_the_library_refuses_to_prune_from_an_export_without_some_endpoints(objects, tmp_path, sqlite_store):
    """Without ``required`` (a program calling the library, not the CLI), the missing endpoint
    still makes the read incomplete: a prune is refused and nothing of the source is deleted."""
    write_json_export(objects, tmp_path / "export")
    load_items(netbox_rows(JsonExport(tmp_path / "export")), sqlite_store, source="netbox")
    before = store_dump(sqlite_store)
    (tmp_path / "export" / "dcim.cables.json").unlink()
    with pytest.raises(InputError) as excinfo:
        load_items(netbox_rows(JsonExport(tmp_path / "export")), sqlite_store, source="netbox",
                   prune=True, allow_empty=True)
    assert [str(p) for p in excinfo.value.problems] == [
        f"{tmp_path / 'export'}: no dcim.cables.json in the export: no cables were read: --prune "
        "needs a complete read of the source, or it would delete what was not read"]
    assert store_dump(sqlite_store) == before


def test_the_cli_refuses_to_prune_from_an_incomplete_export(objects, tmp_path):
    db = tmp_path / "n.db"
    write_json_export(objects, tmp_path / "export")
    assert run("load", "netbox", "--from", str(tmp_path / "export"), "--store", str(db),
               "--source", "netbox").returncode == 0
    before = json.loads(run("stats", "--store", str(db), "--format", "json").stdout)
    (tmp_path / "export" / "dcim.devices.json").unlink()
    done = run("load", "netbox", "--from", str(tmp_path / "export"), "--store", str(db),
               "--source", "netbox", "--prune")
    assert done.returncode == 2
    assert "has no dcim.devices.json: --prune needs every NetBox endpoint" in done.stderr
    assert json.loads(run("stats", "--store", str(db), "--format", "json").stdout) == before


# -- decode or refuse -----------------------------------------------------------------------------

def test_a_big5_file_loads_when_its_encoding_is_named(tmp_path, sqlite_store):
    path = tmp_path / "cis.csv"
    path.write_bytes("id,name,type\na,資料庫伺服器,伺服器\n".encode("big5"))
    with pytest.raises(InputError, match="it looks like Big5"):
        load_inventory([path], sqlite_store)
    load_inventory([path], sqlite_store, encoding="big5")
    assert sqlite_store.get_cis(["a"])["a"].name == "資料庫伺服器"


def test_control_characters_are_refused_on_every_encoding_path(tmp_path):
    """Detected GBK, declared GBK, UTF-8 and UTF-16: the same file, the same refusal."""
    text = "id,name,type\n核心,核心交换机,交换机\na\x00b,服务器\x1b[2J,服务器\n"
    expected = ["cis.csv:3: id: 'a\\x00b' contains a control character",
                "cis.csv:3: name: contains a control character: '服务器\\x1b[2J'"]
    for encoding, declared, bom in (("gbk", None, b""), ("gbk", "gbk", b""), ("utf-8", None, b""),
                                    ("utf-16-le", None, b"\xff\xfe")):
        path = tmp_path / encoding / (declared or "auto") / "cis.csv"
        path.parent.mkdir(parents=True)
        path.write_bytes(bom + text.encode(encoding))
        with pytest.raises(InputError) as excinfo:
            load_inventory([path], SQLiteStore(":memory:"), encoding=declared)
        assert [str(p).replace(f"{path.parent}/", "") for p in excinfo.value.problems] == expected


def test_a_clean_gbk_file_still_takes_the_bulk_path(tmp_path):
    from itss_graph.loading import fastcsv
    from itss_graph.loading.encoding import scan_file
    from itss_graph.schema import load_schema

    path = tmp_path / "cis.csv"
    path.write_bytes("id,name,type\na,核心交换机,交换机\n核心,交换机e\u0301\u200b,交换机\n".encode("gb18030"))
    with Staging() as staging:  # Chinese ids, odd names: the names are data
        assert fastcsv.stage_csv(staging, path, load_schema(), scan_file(path))
    # ids the bulk path must not take as written: read row by row (normalised, or refused)
    for odd in ("cafe\u0301", "srv\u200b1", "\ufeffsrv"):
        path.write_text(f"id,name,type\n{odd},A,server\n", encoding="utf-8")
        with Staging() as staging:
            assert not fastcsv.stage_csv(staging, path, load_schema(), scan_file(path)), odd
        ends = tmp_path / "relations.csv"
        ends.write_text(f"source,type,target\na,DEPENDS_ON,{odd}\n", encoding="utf-8")
        with Staging() as staging:
            assert not fastcsv.stage_csv(staging, ends, load_schema(), scan_file(ends)), odd


def test_ids_in_nfd_name_the_nfc_ci(tmp_path, sqlite_store, write):
    cis = write("in/cis.csv", "id,name,type\ncaf\u00e9,Café,server\n")
    rels = write("in/relations.csv", "source,type,target\nvm,RUNS_ON,cafe\u0301\n")
    write("in/more.json", json.dumps({"cis": [{"id": "vm", "type": "vm"}]}))
    load_inventory([cis, rels, tmp_path / "in" / "more.json"], sqlite_store)
    assert sqlite_store.existing_ids(["caf\u00e9", "cafe\u0301"]) == {"caf\u00e9"}
    assert sqlite_store.stats()["relations"] == {"RUNS_ON": 1}


def test_a_header_of_100000_columns_is_refused_not_a_hang(tmp_path, sqlite_store):
    path = tmp_path / "cis.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="the header has 100000 columns; at most 2000"):
        load_inventory([path], sqlite_store)


# -- no store file unless something is written ----------------------------------------------------

def test_dry_runs_and_failed_loads_create_no_store_file(tmp_path, write):
    write("ok/cis.csv", "id,name,type\na,A,server\n")
    write("bad/cis.csv", "id,name,type\na,A,toaster\n")
    db = tmp_path / "new.db"
    dry = run("load", str(tmp_path / "ok"), "--store", str(db), "--dry-run", "--format", "json")
    assert dry.returncode == 0 and json.loads(dry.stdout)["totals"]["cis"]["created"] == 1
    assert run("load", str(tmp_path / "bad"), "--store", str(db)).returncode == 2
    assert not any(tmp_path.glob("new.db*"))
    query = run("impact", "a", "--store", str(db))
    assert query.returncode == 2 and "no store at" in query.stderr  # not "unknown CI"
    assert run("load", str(tmp_path / "ok"), "--store", str(db)).returncode == 0
    assert db.exists()


# -- staging files removed on any exit -------------------------------------------------------------

def _staging_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(PREFIX + "*"))


def test_sigterm_during_a_load_removes_its_staging_files(tmp_path, netbox_dir):
    """A load stopped by SIGTERM (a service manager, `kill`) ends through its cleanup."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    slow = tmp_path / "slow"
    slow.mkdir()
    # a long load: a big JSON document is validated row by row
    (slow / "inventory.json").write_text(json.dumps({"cis": [
        {"id": f"c{i}", "type": "server", "note": "x" * 50} for i in range(400_000)]}), encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("itss")), "load", str(slow), "--store",
                             str(tmp_path / "s.db")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _staging_files(temp) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _staging_files(temp), "the load never started staging"
    time.sleep(0.2)  # into the staging itself (its set-up has a test of its own, below)
    assert proc.poll() is None, "the load ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM
    assert _staging_files(temp) == []
    assert not (tmp_path / "s.db").exists()


def test_staging_interrupted_while_it_sets_up_deletes_its_file(tmp_path, monkeypatch):
    """A signal right after the staging file appears (inside ``Staging()``, before any caller
    holds the object that would close it) still leaves no file behind."""
    import sqlite3

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sqlite3, "connect", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Staging(tmp_path)
    assert _staging_files(tmp_path) == []


def test_staging_files_of_killed_loads_are_swept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [tmp_path / f"{PREFIX}{dead.pid}-abc.db", tmp_path / f"{PREFIX}{dead.pid}-abc.db.shard0",
            tmp_path / f"{PREFIX}{dead.pid}-abc.db-journal"]
    mine = tmp_path / f"{PREFIX}{os.getpid()}-live.db"
    for path in (*left, mine):
        path.write_bytes(b"")
    with Staging(tmp_path) as staging:  # starting a load sweeps what dead loads left
        assert sorted(_staging_files(tmp_path)) == sorted([mine, staging.path])
    assert _staging_files(tmp_path) == [mine]
    assert sweep_stale(tmp_path) == []


def test_xlsx_whose_dimension_lies_loads_every_row_and_column(tmp_path, sqlite_store):
    from tests.loading.make_corpus import lying_dimension, workbook

    path = tmp_path / "cis.xlsx"
    path.write_bytes(lying_dimension(workbook([["id", "name", "type", "site"]]
                                              + [[f"c{i}", f"C{i}", "server", "DC1"] for i in range(10)])))
    load_inventory([path], sqlite_store)
    assert sqlite_store.stats()["cis"] == {"server": 10}
    assert sqlite_store.get_cis(["c9"])["c9"].props == {"site": "DC1"}


def test_a_load_refused_by_the_store_itself_leaves_no_new_store(tmp_path, write):
    """Conflicting duplicate relations into a new store are found while writing (the store
    detects them): the load fails after starting the store, and still no file stays."""
    write("in/cis.csv", "id,name,type\na,A,vm\nb,B,server\n")
    write("in/relations.csv", "source,type,target,note\na,RUNS_ON,b,x\na,RUNS_ON,b,y\n")
    done = run("load", str(tmp_path / "in"), "--store", str(tmp_path / "new.db"))
    assert done.returncode == 2 and "is also given, with other properties" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["in"]


def test_a_store_created_by_another_load_meanwhile_is_checked_and_loaded_into(tmp_path, write):
    from itss_graph.stores.for_load import StoreForLoad
    from itss_graph.stores import StoreSettings

    target = tmp_path / "shared.db"
    with StoreForLoad(StoreSettings(path=str(target)), dry_run=False) as stores:
        assert stores.for_checks.is_empty() and not target.exists()
        load_inventory([write("other.json", json.dumps({"cis": [{"id": "x", "type": "vm"}]}))],
                       SQLiteStore(target))  # another load, meanwhile
        store = stores.for_writing()
        assert stores.recheck and store.existing_ids(["x"]) == {"x"}
    # the other way round: the store appears while this load writes its new one
    other = tmp_path / "late.db"
    with StoreForLoad(StoreSettings(path=str(other)), dry_run=False) as stores:
        stores.for_writing()
        load_inventory([tmp_path / "other.json"], SQLiteStore(other))
        assert not stores.written()  # not moved over the other load's store
        assert stores.for_writing().existing_ids(["x"]) == {"x"}
    assert not list(tmp_path.glob(".*.new*"))  # the new store it had started is gone


def test_a_store_that_cannot_be_created_is_named_as_asked_for(tmp_path, write):
    """The error names the path given, not the private name the new store is written under."""
    write("in/cis.csv", "id,name,type\na,A,vm\n")
    done = run("load", str(tmp_path / "in"), "--store", str(tmp_path / "no-such-dir" / "x.db"))
    assert done.returncode == 2
    assert done.stderr == (f"itss: error: cannot create store {tmp_path / 'no-such-dir' / 'x.db'}: "
                           "unable to open database file; nothing was written\n")
