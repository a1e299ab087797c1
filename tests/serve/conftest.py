"""Fixtures of the server tests: the demo estate (scale 1, as ``itss demo`` loads it), the
NetBox sample, and in-process clients of the application on them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROFILES = REPO / "examples" / "profiles"
LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="session")
def stores(tmp_path_factory) -> dict[str, Path]:
    """``{"demo": path, "netbox": path}``: the golden test's two SQLite stores."""
    from tests.golden.cases import build_stores

    return build_stores(tmp_path_factory.mktemp("serve-stores"))


def make_client(store: Path, **options):
    from fastapi.testclient import TestClient

    import itss_graph as itss
    from itss_graph.serve.app import create_app
    from itss_graph.serve.options import ServeOptions

    app = create_app(itss.StoreSettings(path=str(store)), ServeOptions(profiles_dir=PROFILES, **options))
    return TestClient(app, base_url=LOCAL)


@pytest.fixture(scope="session")
def demo_client(stores):
    with make_client(stores["demo"]) as client:
        yield client


@pytest.fixture(scope="session")
def netbox_client(stores):
    with make_client(stores["netbox"]) as client:
        yield client


@pytest.fixture(scope="session")
def demo_server(stores):
    """``itss serve`` on the demo estate, in its own process."""
    from tests.serve.support import running_server

    with running_server(stores["demo"]) as server:
        yield server
