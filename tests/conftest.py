"""Shared fixtures: data locations, fresh stores, the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.conftest_neo4j"]

REPO = Path(__file__).resolve().parents[1]
NETBOX_DEMO = REPO / "samples" / "netbox-demo"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Compiled-ontology caches go to a per-run directory, not the developer's ~/.cache."""
    os.environ["ITSS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("ITSS_STORE", None)
    os.environ.pop("NEO4J_URI", None)
    # output as in a pipe: tables not fitted to the developer's terminal, English labels
    for name in ("COLUMNS", "LINES", "ITSS_LANG"):
        os.environ.pop(name, None)
    # no resident broker outlives a test (tests/test_broker.py turns it on where it is tested)
    os.environ["ITSS_BROKER"] = "0"


@pytest.fixture(autouse=True)
def _language_per_test():
    """A test that answers in Chinese in this process (CliRunner, --lang zh) must not leave the
    next test in Chinese: the language in use and the LANGUAGE variable it sets are restored."""
    from itss_graph import i18n

    saved = os.environ.get("LANGUAGE")
    yield
    i18n._language = i18n._translation = None
    if saved is None:
        os.environ.pop("LANGUAGE", None)
    else:
        os.environ["LANGUAGE"] = saved


@pytest.fixture(scope="session")
def netbox_dir() -> Path:
    if not (NETBOX_DEMO / "cis.csv").is_file():
        pytest.fail(f"NetBox demo data not found at {NETBOX_DEMO}")
    return NETBOX_DEMO


@pytest.fixture
def sqlite_store(tmp_path):
    from itss_graph.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "itss.db")
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The demo estate (scale 1, as ``itss demo`` loads it) in an embedded store, read-only
    for the tests that share it."""
    from tests.support.demo import demo_store_at

    store = demo_store_at(tmp_path_factory.mktemp("demo"), 1.0)
    yield store
    store.close()


@pytest.fixture
def write(tmp_path):
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    return _write


def store_dump(store) -> tuple[list, list]:
    """Everything a store holds, comparable with ==."""
    cis = [(c.id, c.type, c.name, sorted(c.props.items())) for batch in store.iter_cis() for c in batch]
    rels = [(r.source, r.type, r.target, sorted(r.props.items()))
            for batch in store.iter_relations() for r in batch]
    return cis, rels


@pytest.fixture
def neo4j_store(neo4j_server, neo4j_driver):
    """A Neo4jStore on the test server, database wiped."""
    from itss_graph.stores.neo4j import Neo4jStore

    store = Neo4jStore(neo4j_server.uri, user=neo4j_server.user, password=neo4j_server.password)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "neo4j"])
def any_store(request, tmp_path):
    """Each test using it runs once per store."""
    if request.param == "sqlite":
        from itss_graph.stores.sqlite import SQLiteStore

        store = SQLiteStore(tmp_path / "itss.db")
        yield store
        store.close()
    else:
        yield request.getfixturevalue("neo4j_store")
