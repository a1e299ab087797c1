"""The NetBox loader against a fake NetBox (tests/loading/netbox_fake.py) serving the demo data
as NetBox 4.2 API answers: it must give back exactly the CIs and relations of cis.csv +
relations.csv (and relations_extra.csv with extras), page by page, with token auth; failed or
inconsistent reads must write nothing."""

from __future__ import annotations

import copy
import json

import pytest

from itss_graph.errors import SourceError
from itss_graph.loading.load import load_inventory, load_items
from itss_graph.loading.netbox import netbox_rows
from itss_graph.loading.netbox.client import NetBoxClient
from itss_graph.loading.netbox.export import JsonExport
from tests.conftest import REPO, store_dump
from tests.loading.netbox_fake import FakeNetBox, build_netbox


@pytest.fixture(scope="module")
def objects(netbox_dir):
    return build_netbox(netbox_dir)


@pytest.fixture
def fake(objects):
    with FakeNetBox(copy.deepcopy(objects)) as server:
        yield server


def _demo_dump(store_factory, files):
    store = store_factory()
    load_inventory(files, store)
    return store_dump(store)


@pytest.mark.parametrize("extras", [False, True])
def test_api_load_reproduces_the_demo_data(any_store, fake, netbox_dir, tmp_path, extras):
    from itss_graph.stores.sqlite import SQLiteStore

    client = NetBoxClient(fake.url, fake.token, page_size=25)
    report = load_items(netbox_rows(client, extras=extras), any_store, inputs=[fake.url])
    files = [netbox_dir] + ([netbox_dir / "relations_extra.csv"] if extras else [])
    expected = _demo_dump(lambda: SQLiteStore(tmp_path / "demo.db"), files)
    assert store_dump(any_store) == expected
    assert report.totals()["cis"]["created"] == 440
    assert report.totals()["relations"]["created"] == (535 if extras else 451)
    assert report.warnings == []
    # every endpoint read page by page, 25 objects a page, by id (keyset), then counted again
    pages = [p for p in fake.requests if "/api/dcim/devices/" in p]
    assert len(pages) == 4 and all("limit=25&ordering=id" in p for p in pages[:3])
    assert "id__gt" not in pages[0] and all("id__gt=" in p for p in pages[1:3])
    assert pages[3].endswith("?limit=1")


def test_json_export_in_examples_gives_the_demo_data(sqlite_store, netbox_dir, tmp_path):
    from itss_graph.stores.sqlite import SQLiteStore

    export = JsonExport(REPO / "examples" / "netbox-export" / "json")
    load_items(netbox_rows(export), sqlite_store)
    assert store_dump(sqlite_store) == _demo_dump(lambda: SQLiteStore(tmp_path / "d.db"), [netbox_dir])


def test_the_token_is_sent_and_a_refused_token_is_a_clear_error_without_it(sqlite_store, fake):
    client = NetBoxClient(fake.url, "wrong-token-value")
    with pytest.raises(SourceError) as excinfo:
        load_items(netbox_rows(client), sqlite_store)
    assert str(excinfo.value) == f"NetBox at {fake.url} refused the token (HTTP 403: Invalid token)"
    assert "wrong-token-value" not in str(excinfo.value)
    assert sqlite_store.stats() == {"cis": {}, "relations": {}}


def test_server_errors_are_retried(sqlite_store, fake):
    fake.fail_on = {3: 503, 4: "drop"}
    client = NetBoxClient(fake.url, fake.token, page_size=100, backoff=0.01)
    report = load_items(netbox_rows(client), sqlite_store)
    assert report.totals()["cis"]["created"] == 440


def test_a_read_that_keeps_failing_writes_nothing(sqlite_store, fake, netbox_dir):
    load_inventory([netbox_dir], sqlite_store)
    before = store_dump(sqlite_store)
    fake.fail_on = {n: 500 for n in range(6, 40)}
    client = NetBoxClient(fake.url, fake.token, page_size=100, retries=2, backoff=0.01)
    with pytest.raises(SourceError) as excinfo:
        load_items(netbox_rows(client), sqlite_store, source="netbox", prune=True)
    assert "after 3 attempts: HTTP 500: Internal Server Error" in str(excinfo.value)
    assert store_dump(sqlite_store) == before


def test_netbox_changing_during_the_read_is_refused(sqlite_store, fake):
    fake.mutate_after = 1  # a device appears after the first page of devices was read
    client = NetBoxClient(fake.url, fake.token, page_size=25)
    with pytest.raises(SourceError) as excinfo:
        load_items(netbox_rows(client), sqlite_store)
    assert "NetBox changed while /api/dcim/devices/ was read" in str(excinfo.value)
    assert sqlite_store.stats() == {"cis": {}, "relations": {}}


def test_unreachable_netbox_is_a_clear_error(sqlite_store):
    client = NetBoxClient("http://127.0.0.1:9", "t", retries=1, backoff=0.01, timeout=2)
    with pytest.raises(SourceError, match=r"cannot read http://127.0.0.1:9/api/dcim/sites/ from NetBox after 2 attempts"):
        load_items(netbox_rows(client), sqlite_store)


def test_roles_without_a_type_use_the_default_with_one_warning(sqlite_store, objects):
    changed = copy.deepcopy(objects)
    for device in changed["dcim/devices"]:
        if device["role"]["slug"] == "pdu":
            device["role"] = {"id": 99, "name": "Smart Rack Strip", "slug": "smart-rack-strip"}
    report = load_items(netbox_rows(_Static(changed)), sqlite_store)
    assert [w.message for w in report.warnings] == [
        "device role 'Smart Rack Strip' has no CI type in the netbox profile; 'server' is used "
        "for every device with it"]
    assert sqlite_store.get_cis(["device:27"])["device:27"].type == "server"


def test_netbox_4_1_circuit_terminations_with_a_site_field(sqlite_store, objects):
    old = copy.deepcopy(objects)
    for t in old["circuits/circuit-terminations"]:
        if t.pop("termination_type") == "dcim.site":
            t["site"] = t["termination"]
        t.pop("termination_id"), t.pop("termination")
    load_items(netbox_rows(_Static(old)), sqlite_store)
    assert sqlite_store.stats()["relations"]["CIRCUIT_TERMINATES"] == 32


class _Static:
    """Objects in memory, served like a client."""

    def __init__(self, objects):
        self.objects = objects

    def iter_objects(self, endpoint):
        return iter(self.objects.get(endpoint, []))


def test_cli_loads_netbox_with_token_from_the_environment(fake, tmp_path):
    from tests.test_cli import run

    db = tmp_path / "nb.db"
    done = run("load", "netbox", "--url", fake.url, "--store", str(db), "--source", "netbox",
               "--format", "json", env={"NETBOX_TOKEN": fake.token})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["totals"]["cis"]["created"] == 440 and report["source"] == "netbox"
    assert fake.token not in done.stdout + done.stderr
    refused = run("load", "netbox", "--url", fake.url, "--store", str(db), env={"NETBOX_TOKEN": "bad"})
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"itss: error: NetBox at {fake.url} refused the token (HTTP 403: Invalid token)"


def test_cli_reads_a_json_export(tmp_path):
    from tests.test_cli import run

    done = run("load", "netbox", "--from", str(REPO / "examples" / "netbox-export" / "json"),
               "--extras", "--store", str(tmp_path / "x.db"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["relations"]["created"] == 535
