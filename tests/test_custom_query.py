"""``itss query``: query files with their own Cypher/SQL, run read-only with bound parameters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from itss_graph.engine.custom import run_custom_query
from itss_graph.errors import ItssError
from itss_graph.loading.load import load_inventory
from itss_graph.catalogue import catalogue, get

ITSS = str(Path(sys.executable).with_name("itss"))

USER_QUERIES = {
    "wipe.yaml": """name: wipe
parameters: []
sql: DELETE FROM ci
cypher: MATCH (n) DETACH DELETE n
""",
    "by-name.yaml": """name: by-name
parameters:
  - {name: name, required: true}
  - {name: ids, multiple: true}
sql: |
  SELECT id FROM ci WHERE name = :name
  UNION SELECT id FROM ci WHERE id IN (SELECT value FROM json_each(:ids))
  ORDER BY id
cypher: |
  MATCH (c:CI) WHERE c.name = $name OR c.id IN coalesce($ids, [])
  RETURN c.id AS id ORDER BY id
""",
}


@pytest.fixture
def user_queries(tmp_path, monkeypatch):
    directory = tmp_path / "queries"
    directory.mkdir()
    for name, text in USER_QUERIES.items():
        (directory / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("ITSS_QUERIES_PATH", str(directory))
    return directory


def _rows(store, query_name, **values):
    return run_custom_query(store, get(query_name), values).as_dict()


def test_shipped_example_answers_the_same_on_both_stores(any_store, netbox_dir, sqlite_store):
    for store in {id(any_store): any_store, id(sqlite_store): sqlite_store}.values():
        if store.is_empty():
            load_inventory([netbox_dir], store)
    answer = _rows(any_store, "cis-of-type", type="虚拟机", limit="5")
    assert answer["columns"] == ["id", "name", "supports"]
    assert len(answer["rows"]) == 5
    assert answer == _rows(sqlite_store, "cis-of-type", type="vm", limit="5")
    assert [r[0] for r in answer["rows"]] == sorted(r[0] for r in answer["rows"])


def test_statements_cannot_write(any_store, netbox_dir, user_queries):
    load_inventory([netbox_dir], any_store)
    before = any_store.stats()
    with pytest.raises(ItssError, match="failed on"):
        _rows(any_store, "wipe")
    assert any_store.stats() == before


def test_values_are_bound_never_pasted(any_store, netbox_dir, user_queries):
    load_inventory([netbox_dir], any_store)
    first = next(ci for batch in any_store.iter_cis() for ci in batch)
    assert [first.id] in _rows(any_store, "by-name", name=first.name)["rows"]
    assert _rows(any_store, "by-name", name="x' OR '1'='1")["rows"] == []
    assert _rows(any_store, "by-name", name="-", ids=f"{first.id},nope")["rows"] == [[first.id]]


def test_parameter_mistakes_name_the_parameter(sqlite_store, user_queries):
    with pytest.raises(ItssError, match="needs --param name=VALUE"):
        _rows(sqlite_store, "by-name")
    with pytest.raises(ItssError, match="no parameter 'colour'"):
        _rows(sqlite_store, "by-name", name="a", colour="red")
    with pytest.raises(ItssError, match="must be an integer"):
        _rows(sqlite_store, "cis-of-type", type="vm", limit="many")
    with pytest.raises(ItssError, match="answered by its own command"):
        _rows(sqlite_store, "spof")


def test_cli_runs_a_user_query_file(tmp_path, netbox_dir, user_queries):
    db = tmp_path / "cmdb.db"
    subprocess.run([ITSS, "load", str(netbox_dir), "--store", str(db)], check=True, capture_output=True)
    assert "by-name" in catalogue()
    done = subprocess.run([ITSS, "query", "by-name", "--param", "name=nobody", "--param", "ids=site:21",
                           "--store", str(db), "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"query": "by-name", "columns": ["id"], "rows": [["site:21"]]}
    bad = subprocess.run([ITSS, "query", "by-name", "--param", "oops", "--store", str(db)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "KEY=VALUE" in bad.stderr
