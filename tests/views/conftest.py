"""Fixtures of the view and report tests: a small demo estate, an estate whose names are
script-injection attempts, and an organisation profile written the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

#: What an attacker would put in a CI name: each must show as text and run nothing.
XSS = {
    "svc": "<img src=x onerror=alert(1)>",
    "app": "</script><script>alert(2)</script>",
    "srv": "<img src=x onerror=alert(3)>|`x`*",
    "rack": "<b onmouseover=alert(4)>R1</b>",
    "site": "<svg onload=alert(5)>",
}


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The bank demo estate at a tenth of its size (≈1.5k CIs), loaded once."""
    from tests.support.demo import demo_store_at

    store = demo_store_at(tmp_path_factory.mktemp("demo"), scale=0.1)
    yield store
    store.close()


@pytest.fixture(scope="session")
def xss_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("xss")
    rows = [("svc", "business-service", 'critical'), ("app", "application", ""), ("srv", "server", ""),
            ("rack", "rack", ""), ("site", "site", "")]
    lines = ["id,name,type,criticality,note"]
    for ci_id, ci_type, crit in rows:
        name = XSS[ci_id].replace('"', '""')
        lines.append(f'{ci_id},"{name}",{ci_type},{crit},"<iframe src=javascript:alert(9)>"')
    (d / "cis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "relations.csv").write_text(
        "source,type,target\napp,SUPPORTS,svc\napp,HOSTED_ON,srv\nsrv,LOCATED_IN,rack\nrack,LOCATED_IN,site\n",
        encoding="utf-8")
    return d


@pytest.fixture
def xss_store(tmp_path, xss_dir):
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "xss.db")
    load_inventory([xss_dir], store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def xss_profile(tmp_path_factory) -> Path:
    """Scenario 2 of the white paper, renamed and given an unknown capability, both as markup."""
    import yaml

    source = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "scenario-2.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["name"] = XSS["svc"]
    has = data.get("has") or {}
    if not isinstance(has, dict):
        has = {}
    has.setdefault("capabilities", [])
    has["capabilities"] = list(has["capabilities"] or []) + [XSS["app"]]
    data["has"] = has
    path = tmp_path_factory.mktemp("profile") / "xss.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
