"""The client's closure index of a Neo4j database (itss_graph/stores/neo4j_index.py), on the
test server: read with plain Cypher, it answers exactly as the engines that walk the server and
as the embedded store; any write, by anyone, makes the next question read the graph again; an
index read while writes committed is never saved; the choice of who walks follows
``ITSS_NEO4J_INDEX``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from itss_graph.engine.impact import impact, impact_by_queries
from itss_graph.engine.indexed_impact import impact_indexed
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema
from itss_graph.stores import neo4j_index, neo4j_kept, neo4j_state
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest_neo4j import wipe_database
from tests.test_engine_properties import _write, estates

ITSS = str(Path(sys.executable).with_name("itss"))


def _saved(base: str) -> list[str]:
    """The index generations saved in ``base`` (not the readers' lock file)."""
    return [name for name in os.listdir(base) if not name.startswith(".")]


@pytest.fixture(autouse=True)
def client_index():
    """Every test here asks for the client's index (not monkeypatch: hypothesis reuses the
    function's fixtures), and starts with no index kept by this process."""
    saved = os.environ.get("ITSS_NEO4J_INDEX")
    os.environ["ITSS_NEO4J_INDEX"] = "client"
    neo4j_kept._indexes.clear()
    yield
    neo4j_kept._indexes.clear()
    if saved is None:
        del os.environ["ITSS_NEO4J_INDEX"]
    else:
        os.environ["ITSS_NEO4J_INDEX"] = saved


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(estates())
def test_the_client_index_answers_as_the_server_walks_and_the_embedded_store(neo4j_store, neo4j_driver,
                                                                             estate):
    from itss_graph.engine.blast import blast_radius

    nodes, edges, failed, depth = estate
    wipe_database(neo4j_driver)
    neo4j_index.PAGE = 4  # several pages of CIs and of their relationships
    try:
        with tempfile.TemporaryDirectory() as tmp:
            directory = _write(Path(tmp) / "in", nodes, edges)
            load_inventory([directory], neo4j_store)
            sqlite = SQLiteStore(Path(tmp) / "x.db")
            load_inventory([directory], sqlite)
            embedded = impact_indexed(sqlite, sqlite.closure_index(load_schema()), failed, max_depth=depth)
            embedded_radius = blast_radius(sqlite, failed).as_dict()
            sqlite.close()
        index = neo4j_store.closure_index(load_schema())
    finally:
        neo4j_index.PAGE = 50_000
    assert index is not None and index.size == len(nodes)
    client = impact_indexed(neo4j_store, index, failed, max_depth=depth)
    by_queries = impact_by_queries(neo4j_store, failed, max_depth=depth)
    assert client.as_dict() == by_queries.as_dict() == embedded.as_dict()
    assert client.columns.classes == by_queries.columns.classes == embedded.columns.classes
    assert blast_radius(neo4j_store, failed).as_dict() == embedded_radius


def test_ids_beyond_the_basic_plane_are_found_in_pythons_order(neo4j_store, neo4j_driver, tmp_path,
                                                               monkeypatch):
    # Neo4j orders strings by UTF-16 units: U+FF21 after U+1F600's surrogates there, before it here
    ids = ["a\U0001F600", "a\uFF21", "b", "a"]
    nodes = [(i, "server", "", "") for i in ids]
    edges = {(ids[0], "DEPENDS_ON", ids[1]): ("", ""), (ids[2], "DEPENDS_ON", ids[0]): ("", "")}
    load_inventory([_write(tmp_path / "in", nodes, edges)], neo4j_store)
    neo4j_index.PAGE = 1
    try:
        index = neo4j_store.closure_index(load_schema())
    finally:
        neo4j_index.PAGE = 50_000
    assert index.ids_of(range(4)) == sorted(ids)
    wanted = [ids[1], "missing", ids[0], ids[3]]
    assert index.ids_of(neo4j_index.positions_of_ids(index, wanted)) == [ids[1], ids[0], ids[3]]
    many = (ids + ["missing", "a\U0001F600-longer-than-every-id-stored"]) * 50  # not by bisection
    assert index.ids_of(neo4j_index.positions_of_ids(index, many)) == ids * 50
    monkeypatch.setattr(neo4j_index, "_FIXED_WIDTH_MAX_BYTES", 0)  # through the table of every id
    index.__dict__.pop("_fixed_ids")
    assert index.ids_of(neo4j_index.positions_of_ids(index, many)) == ids * 50
    assert impact(neo4j_store, [ids[1]]).as_dict()["summary"]["total"] == 2
    assert (impact(neo4j_store, [ids[1]]).as_dict()
            == impact_by_queries(neo4j_store, [ids[1]]).as_dict())
    # pages that seem to miss a CI (a count of 5) are read again as one stream: the same index
    streamed = neo4j_index.read_index(neo4j_store, load_schema(), "g", 5)
    assert streamed.ids_of(range(4)) == index.ids_of(range(4))
    assert streamed.flow_dst.tolist() == index.flow_dst.tolist() and len(index.flow_dst) == 2


def test_a_write_by_anyone_makes_the_next_question_read_the_graph_again(neo4j_store, neo4j_driver,
                                                                       tmp_path):
    nodes = [("h", "server", "", ""), ("v", "vm", "", "")]
    load_inventory([_write(tmp_path / "in", nodes, {("v", "RUNS_ON", "h"): ("", "")})], neo4j_store)
    first = neo4j_store.closure_index(load_schema())
    assert neo4j_store.closure_index(load_schema()) is first  # nothing committed: kept
    assert impact(neo4j_store, ["h"]).as_dict()["summary"]["total"] == 1
    # another client adds a VM on the same host, not through this store
    neo4j_driver.execute_query("MATCH (h:CI {id: 'h'}) CREATE (:CI {id: 'w', type: 'vm', name: 'w', "
                               "props: '{}'})-[:RUNS_ON]->(h)")
    second = neo4j_store.closure_index(load_schema())
    assert second.generation != first.generation and second.size == 3
    assert impact(neo4j_store, ["h"]).as_dict()["summary"]["total"] == 2


def test_an_index_read_while_writes_commit_is_answered_from_but_never_saved(neo4j_store, neo4j_driver,
                                                                            tmp_path, monkeypatch):
    load_inventory([_write(tmp_path / "in", [("h", "server", "", "")], {})], neo4j_store)
    base = neo4j_index.index_base(neo4j_store)
    shutil.rmtree(base, ignore_errors=True)  # what earlier tests saved
    read_index = neo4j_index.read_index
    writes = []

    def read_while_writing(store, schema, generation, expected):
        index = read_index(store, schema, generation, expected)
        neo4j_driver.execute_query("CREATE (:CI {id: $id, type: 'vm', name: $id, props: '{}'})",
                                   id=f"w{len(writes)}")
        writes.append(generation)
        return index

    monkeypatch.setattr(neo4j_index, "read_index", read_while_writing)
    index = neo4j_store.closure_index(load_schema())
    assert len(writes) == 2  # read again once from the new state, which moved again
    assert index.generation.startswith("unsaved-")
    assert not os.path.isdir(base) or not _saved(base)
    monkeypatch.setattr(neo4j_index, "read_index", read_index)
    settled = neo4j_store.closure_index(load_schema())  # still now: read, saved and kept
    assert settled.size == 3 and _saved(base) == [settled.generation]


def test_a_saved_index_is_opened_not_read_and_is_the_users_alone(neo4j_server, neo4j_store, tmp_path,
                                                                  monkeypatch):
    from itss_graph.stores.neo4j import Neo4jStore

    nodes = [("h", "server", "", ""), ("v", "vm", "", "")]
    load_inventory([_write(tmp_path / "in", nodes, {("v", "RUNS_ON", "h"): ("", "")})], neo4j_store)
    saved = neo4j_store.closure_index(load_schema())
    base = neo4j_index.index_base(neo4j_store)
    for directory in (base, os.path.dirname(base)):
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    neo4j_kept._indexes.clear()  # as a new process
    other = Neo4jStore(neo4j_server.uri, user=neo4j_server.user, password=neo4j_server.password)
    reads = []
    original = other._read
    monkeypatch.setattr(other, "_read", lambda query, **params: reads.append(query) or original(query, **params))
    try:
        opened = other.closure_index(load_schema())
    finally:
        other.close()
    assert opened.generation == saved.generation and opened.ids_of([0, 1]) == ["h", "v"]
    assert not any("ORDER BY n.id" in query for query in reads)  # opened from disk, not read


def test_a_small_question_goes_to_the_index_only_while_it_is_current(neo4j_store, neo4j_driver, tmp_path):
    nodes = [("h", "server", "", ""), ("v", "vm", "", "")]
    load_inventory([_write(tmp_path / "in", nodes, {("v", "RUNS_ON", "h"): ("", "")})], neo4j_store)
    assert not neo4j_store.closure_index_open()  # none read yet: Cypher levels first
    neo4j_store.closure_index(load_schema())
    assert neo4j_store.closure_index_open()
    neo4j_kept._indexes.clear()  # as a new process: the saved one is current
    assert neo4j_store.closure_index_open()
    neo4j_driver.execute_query("CREATE (:CI {id: 'w', type: 'vm', name: 'w', props: '{}'})")
    assert not neo4j_store.closure_index_open()  # a write: levels again, until a large question reads it


def test_who_walks_follows_the_setting_and_the_databases_size(neo4j_store, monkeypatch, netbox_dir):
    load_inventory([netbox_dir], neo4j_store)
    schema = load_schema()
    assert "itss.impact" in neo4j_store.procedures
    monkeypatch.setenv("ITSS_NEO4J_INDEX", "server")
    assert neo4j_store.closure_index(schema) is None and neo4j_store.index_after_edges is None
    monkeypatch.setenv("ITSS_NEO4J_INDEX", "auto")
    assert neo4j_store.closure_index(schema) is not None  # a small database: the client's, read now
    monkeypatch.setattr(neo4j_state, "CLIENT_INDEX_MAX_CIS", 1)
    assert neo4j_store.closure_index(schema) is None  # larger than that: the server's procedures
    monkeypatch.setattr(neo4j_store, "procedures", frozenset())
    assert neo4j_store.closure_index(schema) is not None  # none installed: the client's anyway
    monkeypatch.setenv("ITSS_NEO4J_INDEX", "client")
    monkeypatch.setattr(neo4j_store, "procedures", frozenset({"itss.impact"}))
    assert neo4j_store.closure_index(schema) is not None


def test_the_cli_answers_alike_whoever_walks(neo4j_server, neo4j_store, netbox_dir):
    load_inventory([netbox_dir], neo4j_store)

    def cli(**env):
        done = subprocess.run([ITSS, "impact", "site:21", "--format", "json", "--no-obligations"],
                              capture_output=True, text=True,
                              env={**os.environ, "NEO4J_URI": neo4j_server.uri, "ITSS_BROKER": "0", **env})
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    client = cli(ITSS_NEO4J_INDEX="client")
    assert client["summary"]["total"] > 0
    assert client == cli(ITSS_NEO4J_INDEX="server") == cli(ITSS_NEO4J_INDEX="client", ITSS_NEO4J_PROCEDURES="off")


def test_a_load_leaves_the_client_index_read(neo4j_server, neo4j_store, netbox_dir, monkeypatch):
    from itss_graph.stores import StoreSettings, index_at_load

    load_inventory([netbox_dir], neo4j_store)
    base = neo4j_index.index_base(neo4j_store)
    shutil.rmtree(base, ignore_errors=True)
    monkeypatch.setattr(neo4j_state, "BACKGROUND_READ_CIS", 1)  # the demo data counts as large
    reader = index_at_load.warm_neo4j_after_load(StoreSettings(
        neo4j_uri=neo4j_server.uri, neo4j_user=neo4j_server.user, neo4j_password=neo4j_server.password))
    assert reader.wait(timeout=120) == 0  # detached: the load does not wait for it
    token, _ = neo4j_state.database_state(neo4j_store)
    assert _saved(base) == [neo4j_index.generation_of(token, load_schema())]


def test_a_question_asked_while_another_process_reads_waits_for_its_index(neo4j_store, tmp_path,
                                                                        monkeypatch):
    import fcntl
    import threading

    load_inventory([_write(tmp_path / "in", [("h", "server", "", "")], {})], neo4j_store)
    base = neo4j_index.index_base(neo4j_store)
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    held = os.open(os.path.join(base, ".reading"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)  # as another process reading the index
    read_index = neo4j_index.read_index
    reads = []
    monkeypatch.setattr(neo4j_index, "read_index", lambda *a: reads.append(a) or 1 / 0)
    answer = {}
    asking = threading.Thread(target=lambda: answer.update(index=neo4j_store.closure_index(load_schema())))
    asking.start()
    asking.join(timeout=1)
    assert asking.is_alive() and not reads  # waiting, not reading
    token, size = neo4j_state.database_state(neo4j_store)
    generation = neo4j_index.generation_of(token, load_schema())
    read_index(neo4j_store, load_schema(), generation, size).save(os.path.join(base, generation))
    os.close(held)  # the other process is done: its index is saved
    asking.join(timeout=60)
    assert not reads and answer["index"].generation == generation


def test_nodes_without_an_id_are_left_out_of_the_index(neo4j_store, neo4j_driver, tmp_path):
    nodes = [("h", "server", "", ""), ("v", "vm", "", "")]
    load_inventory([_write(tmp_path / "in", nodes, {("v", "RUNS_ON", "h"): ("", "")})], neo4j_store)
    # written by another tool: a CI node with no id, tied to the host both ways
    neo4j_driver.execute_query("MATCH (h:CI {id: 'h'}) CREATE (x:CI {type: 'vm'}), (x)-[:RUNS_ON]->(h), "
                               "(h)-[:CONNECTED_TO]->(x)")
    # and a service (a type whose properties the index keeps) with none
    neo4j_driver.execute_query("CREATE (:CI {id: 's', type: 'business-service', name: 's'})")
    index = neo4j_store.closure_index(load_schema())
    assert index.ids_of(range(index.size)) == ["h", "s", "v"] and len(index.flow_dst) == 1
    assert index.props_texts([1]) == ["{}"]
    assert impact(neo4j_store, ["h"]).as_dict() == impact_by_queries(neo4j_store, ["h"]).as_dict()


def test_without_a_current_index_the_procedures_answer_while_a_process_reads_it(neo4j_store, netbox_dir,
                                                                                monkeypatch):
    load_inventory([netbox_dir], neo4j_store)
    shutil.rmtree(neo4j_index.index_base(neo4j_store), ignore_errors=True)
    monkeypatch.setenv("ITSS_NEO4J_INDEX", "auto")
    monkeypatch.setattr(neo4j_state, "BACKGROUND_READ_CIS", 1)  # the demo data counts as large
    start_index_reader = neo4j_state.start_index_reader
    readers = []
    monkeypatch.setattr(neo4j_state, "start_index_reader", lambda *a: readers.append(start_index_reader(*a)))
    calls = []
    read = neo4j_store._read
    monkeypatch.setattr(neo4j_store, "_read", lambda query, **p: calls.append(query) or read(query, **p))
    # a question past the budget of Cypher levels asks for the index: none at hand
    assert neo4j_store.closure_index(load_schema()) is None and len(readers) == 1
    answer = impact(neo4j_store, ["site:21"], with_props=False).as_dict()
    assert any("itss.impact" in q for q in calls)  # the server walks this question
    assert readers[0].wait(timeout=120) == 0
    neo4j_store._server_until = 0.0  # as the next question's store
    calls.clear()
    assert neo4j_store.closure_index_open()  # the index the reader saved
    assert impact(neo4j_store, ["site:21"], with_props=False).as_dict() == answer
    assert not any("itss.impact" in q for q in calls)


def test_the_reader_process_reads_and_never_hands_the_read_on(monkeypatch):
    import subprocess as sp

    started = {}

    class Recorded:
        def __init__(self, args, env, **options):
            started.update(args=args, env=env, options=options)

    monkeypatch.setenv("ITSS_NEO4J_INDEX", "auto")
    monkeypatch.setattr(sp, "Popen", Recorded)
    neo4j_state.start_index_reader("bolt://h:7687", "u", "secret", None)
    assert started["env"]["ITSS_NEO4J_INDEX"] == "client"  # not auto: it would start another reader
    assert started["env"]["NEO4J_PASSWORD"] == "secret" and "secret" not in " ".join(started["args"])
    assert started["options"]["start_new_session"] and "NEO4J_DATABASE" not in started["env"]
