"""A Neo4j connection lost in the middle of a load — cut for real by a TCP proxy between the
driver and the test server — fails with a clear message; running the load again completes it,
with no duplicate node or relationship."""

from __future__ import annotations

import urllib.parse

import pytest

from itss_graph.errors import StoreError
from itss_graph.loading.load import load_inventory
from tests.conftest import store_dump
from tests.loading.tcp_proxy import CuttableProxy

pytestmark = pytest.mark.neo4j


@pytest.fixture
def estate(tmp_path):
    from itss_graph.synth import write_estate

    directory = tmp_path / "estate"
    n_cis, n_rels = write_estate(directory, scale=1.0)
    return directory, n_cis, n_rels


@pytest.mark.parametrize("cut_after_bytes, phase", [(1_000_000, "cis"), (3_000_000, "relations")])
def test_lost_connection_mid_load_is_clear_and_a_rerun_completes(neo4j_server, neo4j_driver, estate,
                                                                tmp_path, cut_after_bytes, phase,
                                                                monkeypatch):
    """Cut while the CIs are written (1 MB from the driver: the schema, a few batches of
    CIs), or while the relationships are (3 MB: CREATE batches with replay markers): the rerun
    completes the load without duplicates either way."""
    from itss_graph.stores import neo4j_write
    from itss_graph.stores.neo4j import Neo4jStore
    from itss_graph.stores.sqlite import SQLiteStore

    # batches of 2,000 rows: the cuts then fall between batches of either phase of this estate
    monkeypatch.setattr(neo4j_write, "WRITE_BATCH", 2_000)

    directory, n_cis, n_rels = estate
    target = urllib.parse.urlsplit(neo4j_server.uri)
    proxy = CuttableProxy((target.hostname, target.port), cut_after_bytes=cut_after_bytes)
    uri = f"bolt://127.0.0.1:{proxy.port}"
    try:
        store = Neo4jStore(uri, user=neo4j_server.user, password=neo4j_server.password, retry_seconds=2)
        with pytest.raises(StoreError) as excinfo:
            load_inventory([directory], store, source="synth")
        store.close()
        message = str(excinfo.value)
        assert message.startswith(f"connection to Neo4j at {uri} lost during the load after ")
        assert message.endswith("every batch is idempotent: run the same load again to complete it")
        assert proxy.cuts == 1
        written, _, _ = neo4j_driver.execute_query(
            "MATCH (n:CI) OPTIONAL MATCH (n)-[r]->(:CI) RETURN count(DISTINCT n) + count(r) AS rows")
        assert 0 < written[0]["rows"] < n_cis + n_rels  # cut in the middle, for real
        relations, _, _ = neo4j_driver.execute_query("MATCH (:CI)-[r]->(:CI) RETURN count(r) AS n")
        assert (relations[0]["n"] > 0) == (phase == "relations")

        proxy.restore()
        with Neo4jStore(uri, user=neo4j_server.user, password=neo4j_server.password) as again:
            report = load_inventory([directory], again, source="synth")
            assert report.totals()["cis"]["created"] + report.totals()["cis"]["unchanged"] == n_cis
            with SQLiteStore(tmp_path / "ref.db") as reference:
                load_inventory([directory], reference)
                assert store_dump(again) == store_dump(reference)
    finally:
        proxy.close()
    nodes, _, _ = neo4j_driver.execute_query("MATCH (n:CI) RETURN count(n) AS n, count(DISTINCT n.id) AS ids")
    assert nodes[0]["n"] == nodes[0]["ids"] == n_cis
    rels, _, _ = neo4j_driver.execute_query(
        "MATCH (a:CI)-[r]->(b:CI) WITH a, type(r) AS t, b, count(*) AS c "
        "RETURN count(*) AS pairs, sum(c) AS total, max(c) AS most")
    assert rels[0]["total"] == rels[0]["pairs"] and rels[0]["most"] == 1
