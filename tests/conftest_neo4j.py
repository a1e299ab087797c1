"""pytest fixtures for tests that need a real Neo4j.

Enable with ``pytest_plugins = ["tests.conftest_neo4j"]`` in tests/conftest.py.

* ``neo4j_server`` (session): a running server with ``.uri``, ``.user``,
  ``.password`` (``None`` = auth disabled), ``.auth`` and ``.stop()``.
  With ``ITSS_TEST_NEO4J_URI`` set (plus ``ITSS_TEST_NEO4J_USER`` /
  ``ITSS_TEST_NEO4J_PASSWORD``) an already-running server is used instead.
  Under ``CI=true`` a server that cannot be started fails the run; elsewhere a
  machine without java/mvn skips these tests, but one that has them must start it.
* ``neo4j_driver`` (function): a driver to that server, database wiped first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests.support.ci import in_ci
from tests.support.neo4j_server import Neo4jLauncherError, neo4j_available, start_server


@dataclass
class ExternalNeo4j:
    """A server someone else runs; stop() leaves it alone."""

    uri: str
    user: str
    password: str | None

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password is not None else None

    def stop(self) -> None:
        pass


@pytest.fixture(scope="session")
def neo4j_server():
    uri = os.environ.get("ITSS_TEST_NEO4J_URI")
    if uri:
        yield ExternalNeo4j(
            uri=uri,
            user=os.environ.get("ITSS_TEST_NEO4J_USER", "neo4j"),
            password=os.environ.get("ITSS_TEST_NEO4J_PASSWORD"),
        )
        return

    if not neo4j_available():
        reason = "Neo4j test server needs java and mvn on PATH (tools/neo4j-test-server)"
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)

    try:
        server = start_server()
    except Neo4jLauncherError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        # Fail, never skip: the tools are here, so a broken server is a real failure.
        pytest.fail(f"could not start the Neo4j test server: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def wipe_database(driver) -> None:
    """Empty the default database: data, constraints and indexes.

    Constraints go first because they own their backing indexes. The built-in
    token LOOKUP indexes stay: they are part of a fresh database's state.
    """
    driver.execute_query("MATCH (n) DETACH DELETE n")
    records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name")
    for record in records:
        driver.execute_query(f"DROP CONSTRAINT {_quote(record['name'])} IF EXISTS")
    records, _, _ = driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")
    for record in records:
        driver.execute_query(f"DROP INDEX {_quote(record['name'])} IF EXISTS")


@pytest.fixture
def neo4j_driver(neo4j_server):
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth)
    try:
        driver.verify_connectivity()
        wipe_database(driver)
        yield driver
    finally:
        driver.close()
