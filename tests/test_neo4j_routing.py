"""Routing URIs (``neo4j://``) and bookmarks, against the real test server.

What this can test: Neo4j Community serves a routing table naming itself as router, reader and
writer, so a ``neo4j://`` URI really goes through the driver's routing (routing table fetched,
reads sent to a reader in read transactions, writes to a writer); every read ITSS Graph makes
is a read transaction (the server refuses a write in one); a load's bookmarks reach the next
read, in the same process and, through the cache directory, in the next process.

What it cannot: Community has no clustering, so no read actually lands on a secondary and no
secondary lags behind a bookmark. That part rests on the driver's and the server's contract
(a read transaction carrying bookmarks waits until the member has applied them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j.exceptions import Neo4jError

from itss_graph.loading.load import load_inventory
from itss_graph.stores import open_store
from itss_graph.stores.neo4j import Neo4jStore
from itss_graph.stores.neo4j_read import _bookmarks_file, saved_bookmarks

pytestmark = pytest.mark.neo4j
ITSS = str(Path(sys.executable).with_name("itss"))


def _routing_uri(server) -> str:
    return server.uri.replace("bolt://", "neo4j://", 1)


def _inventory(directory: Path, vms: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cis.csv").write_text(
        "id,name,type\nhost:1,host one,server\n"
        + "".join(f"vm:{i},vm {i},vm\n" for i in range(vms)), encoding="utf-8")
    (directory / "relations.csv").write_text(
        "source,type,target\n" + "".join(f"vm:{i},RUNS_ON,host:1\n" for i in range(vms)), encoding="utf-8")
    return directory


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ITSS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def routing_store(neo4j_server, neo4j_driver, cache):
    store = Neo4jStore(_routing_uri(neo4j_server), user=neo4j_server.user, password=neo4j_server.password)
    yield store
    store.close()


def test_a_routing_uri_gets_a_routing_table_naming_the_server(routing_store, neo4j_server):
    routing_store._read("RETURN 1")
    table = routing_store.driver._pool.routing_tables[routing_store.database or "neo4j"]
    address = neo4j_server.uri.split("://", 1)[1]
    for role in (table.routers, table.readers, table.writers):
        assert [f"{a.host}:{a.port}" for a in role] == [address]


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_every_read_is_a_read_transaction(scheme, neo4j_server, neo4j_driver, cache):
    store = Neo4jStore(neo4j_server.uri.replace("bolt", scheme, 1), user=neo4j_server.user,
                       password=neo4j_server.password)
    try:
        with pytest.raises(Neo4jError, match="(?i)read"):
            store._read("CREATE (:RoutingProbe)")
        assert neo4j_driver.execute_query("MATCH (n:RoutingProbe) RETURN count(n)").records[0][0] == 0
    finally:
        store.close()


def test_a_load_then_a_read_on_a_routing_uri_sees_the_load(routing_store, tmp_path):
    load_inventory([_inventory(tmp_path / "in", 5)], routing_store)
    after_load = routing_store.bookmarks.get_bookmarks()
    assert after_load, "a load leaves bookmarks"
    answer = routing_store.stats()
    assert answer["cis"] == {"server": 1, "vm": 5}
    # the read carried the load's bookmarks (and moved none forward: it wrote nothing)
    assert routing_store.bookmarks.get_bookmarks() == after_load


def test_the_next_process_reads_after_the_last_load(neo4j_server, neo4j_driver, cache, tmp_path):
    uri = _routing_uri(neo4j_server)
    env = {"ITSS_CACHE_DIR": str(cache), "NEO4J_USER": neo4j_server.user or "neo4j",
           **({"NEO4J_PASSWORD": neo4j_server.password} if neo4j_server.password else {})}
    import os

    env = {**os.environ, **env}
    env.pop("NEO4J_URI", None)
    done = subprocess.run([ITSS, "load", str(_inventory(tmp_path / "in", 3)), "--neo4j-uri", uri,
                           "--format", "json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    kept = saved_bookmarks(uri, None)
    assert kept, "the load process kept its bookmarks for the next one"
    # a new process starts from them: its reads wait for the load
    store = open_store(uri)
    try:
        assert sorted(store.bookmarks.get_bookmarks()) == sorted(kept)
    finally:
        store.close()
    done = subprocess.run([ITSS, "impact", "host:1", "--neo4j-uri", uri, "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["total"] == 3


def test_bookmarks_the_server_does_not_know_are_dropped(neo4j_server, neo4j_driver, cache):
    """Bookmarks left by another server once at the same address (a test server, a restored
    dump) must not make every read fail or wait: the read drops them and runs."""
    uri = _routing_uri(neo4j_server)
    path = _bookmarks_file(uri, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    import time

    path.write_text(json.dumps({"uri": uri, "database": None, "at": time.time(),
                                "bookmarks": ["FB:not-a-bookmark-of-this-server"]}), encoding="utf-8")
    store = open_store(uri)
    try:
        assert store.bookmarks.get_bookmarks() == {"FB:not-a-bookmark-of-this-server"}
        assert store._read("RETURN 1") == [(1,)]
        assert not path.exists()
    finally:
        store.close()


def test_bolt_uris_keep_no_bookmarks_between_processes(neo4j_store, cache, tmp_path):
    """One server: a committed load is visible to every later read, nothing to carry over."""
    load_inventory([_inventory(tmp_path / "in", 2)], neo4j_store)
    neo4j_store.close()
    assert _bookmarks_file(neo4j_store.uri, None) is None
    assert not (cache / "neo4j-bookmarks").exists()
