"""The Neo4j test server itself, exercised for real: no mocks anywhere."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ConstraintError

from tests.support.ci import in_ci
from tests.support.neo4j_server import REPO_ROOT, Neo4jTestServer, neo4j_available, start_server

pytest_plugins = ["tests.conftest_neo4j"]

pytestmark = pytest.mark.neo4j


@pytest.fixture
def launcher():
    """For tests that start servers of their own (not the shared session one)."""
    if not neo4j_available():
        if in_ci():
            pytest.fail("CI=true but java/mvn are missing", pytrace=False)
        pytest.skip("needs java and mvn on PATH")
    return start_server


def _process_gone(pid: int) -> bool:
    """True once pid no longer runs; a zombie awaiting its reaper counts as gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return bool(re.search(r"^State:\s+Z", status, re.M))


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _process_gone(pid):
            return True
        time.sleep(0.2)
    return _process_gone(pid)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _temp_home(server: Neo4jTestServer) -> Path:
    match = re.search(r"neo4j-test-server: home (\S+) \(temporary\)", server.stderr_tail(200))
    assert match, f"launcher did not report its home dir:\n{server.stderr_tail()}"
    return Path(match.group(1))


def test_server_is_up_and_is_neo4j_5_26(neo4j_server):
    assert neo4j_server.uri.startswith("bolt://")
    with GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
        )
    assert records[0]["name"] == "Neo4j Kernel"
    if isinstance(neo4j_server, Neo4jTestServer):  # not an external ITSS_TEST_NEO4J_URI server
        assert neo4j_server.is_running()
        assert re.match(r"bolt://127\.0\.0\.1:\d+$", neo4j_server.uri)
        assert records[0]["version"].startswith("5.26.")
        assert records[0]["edition"] == "community"


def test_write_then_read_round_trips(neo4j_driver):
    neo4j_driver.execute_query(
        "CREATE (:CI {id: $id, name: $name, tags: $tags})-[:DEPENDS_ON {since: 2024}]->(:CI {id: 'db-1'})",
        id="app-1",
        name="订单服务",  # non-ASCII survives the Bolt round trip
        tags=["prod", "tier-1"],
    )
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (a:CI {id: 'app-1'})-[r:DEPENDS_ON]->(b:CI) RETURN a.name AS name, a.tags AS tags, r.since AS since, b.id AS dep"
    )
    assert [r.data() for r in records] == [{"name": "订单服务", "tags": ["prod", "tier-1"], "since": 2024, "dep": "db-1"}]


def test_each_test_starts_from_an_empty_database(neo4j_driver):
    # Runs after the round-trip test wrote data: the fixture must have wiped it.
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0
    records, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS YIELD name")
    assert records == []
    records, _, _ = neo4j_driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")
    assert records == []


def test_uniqueness_constraint_is_created_and_enforced(neo4j_driver):
    neo4j_driver.execute_query("CREATE CONSTRAINT ci_id_unique FOR (c:CI) REQUIRE c.id IS UNIQUE")
    records, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS YIELD name, type")
    assert [(r["name"], r["type"]) for r in records] == [("ci_id_unique", "UNIQUENESS")]

    neo4j_driver.execute_query("CREATE (:CI {id: 'srv-1'})")
    with pytest.raises(ConstraintError):
        neo4j_driver.execute_query("CREATE (:CI {id: 'srv-1'})")
    records, _, _ = neo4j_driver.execute_query("MATCH (c:CI {id: 'srv-1'}) RETURN count(c) AS n")
    assert records[0]["n"] == 1


def test_password_auth_then_stop_leaves_nothing_behind(launcher):
    server = launcher(password="s3cret-pw")
    try:
        assert server.user == "neo4j" and server.password == "s3cret-pw"
        with GraphDatabase.driver(server.uri, auth=("neo4j", "wrong-password")) as driver:
            with pytest.raises(AuthError):
                driver.verify_connectivity()
        with GraphDatabase.driver(server.uri) as driver:  # no credentials at all
            with pytest.raises(AuthError):
                driver.verify_connectivity()
        with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
        home = _temp_home(server)
        assert home.is_dir()
    finally:
        rc = server.stop()

    assert rc == 0  # stdin EOF is the clean-shutdown path
    assert not server.is_running()
    assert _process_gone(server.pid)
    assert not _port_open(server.port)
    assert not home.exists(), "temporary data dir should be deleted on exit"


@pytest.mark.slow
def test_sigterm_shuts_down_cleanly(launcher):
    server = launcher()
    home = _temp_home(server)
    os.kill(server.pid, signal.SIGTERM)
    assert _wait_gone(server.pid, 60)
    rc = server.stop()  # reaps it
    assert rc == 128 + signal.SIGTERM  # the JVM's exit status after running its shutdown hooks
    assert not home.exists()


@pytest.mark.slow
def test_server_exits_when_its_parent_is_killed(launcher):
    # A parent Python process that starts a server and is then SIGKILLed:
    # no atexit runs, so only the launcher's stdin-EOF watch can end the JVM.
    code = (
        "import sys, time\n"
        "from tests.support.neo4j_server import start_server\n"
        "s = start_server()\n"
        "print(s.pid, s.port, flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as parent:
        try:
            line = parent.stdout.readline()
            assert line, f"parent failed to start a server:\n{parent.stderr.read()[-3000:]}"
            java_pid, port = (int(x) for x in line.split())
            assert not _process_gone(java_pid)
            parent.kill()
            parent.wait(10)
            assert _wait_gone(java_pid, 60), "orphaned Neo4j JVM still running after its parent died"
            assert not _port_open(port)
        finally:
            if parent.poll() is None:
                parent.kill()
