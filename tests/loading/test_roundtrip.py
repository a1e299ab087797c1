"""Valid inventories round-trip exactly (property-based): load → export → load gives the same
store — CSV for text properties (what CSV can carry), JSON and YAML for any JSON value."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itss_graph.loading.load import load_inventory
from itss_graph.render.inventory import write_inventory
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest import store_dump

TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
ID = st.text(TEXT, min_size=1, max_size=10).filter(lambda s: s == s.strip())
NAME = st.text(TEXT | st.sampled_from("\t\n"), min_size=1, max_size=12)
KEY = st.text(TEXT, min_size=1, max_size=8).filter(
    lambda s: s == s.strip() and s not in ("id", "name", "type", "source", "target"))
SCALAR = st.one_of(st.text(TEXT, min_size=1, max_size=10), st.integers(-2**53, 2**53),
                   st.floats(allow_nan=False, allow_infinity=False), st.booleans())
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(KEY, inner, max_size=3), max_leaves=6)
CI_TYPES = ["server", "vm", "cluster", "rack", "site", "application", "business-service"]
REL_TYPES = ["DEPENDS_ON", "CONNECTED_TO", "SUPPORTS", "POWERED_BY"]  # none of them acyclic


@st.composite
def inventories(draw, values):
    ids = draw(st.lists(ID, min_size=1, max_size=10, unique=True))
    cis = [{"id": i, "name": draw(NAME), "type": draw(st.sampled_from(CI_TYPES)),
            **draw(st.dictionaries(KEY, values, max_size=3))} for i in ids]
    relations = {}
    for _ in range(draw(st.integers(0, 10))):
        a, b, t = draw(st.sampled_from(ids)), draw(st.sampled_from(ids)), draw(st.sampled_from(REL_TYPES))
        if a != b:
            relations[(a, t, b)] = {"source": a, "type": t, "target": b,
                                    **draw(st.dictionaries(KEY, values, max_size=2))}
    return {"cis": cis, "relations": list(relations.values())}


def _round_trip(tmp_path, document, fmt: str) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    for suffix in ("", "-wal", "-shm"):
        for name in ("a.db", "b.db"):
            (tmp_path / (name + suffix)).unlink(missing_ok=True)
    with SQLiteStore(tmp_path / "a.db") as first, SQLiteStore(tmp_path / "b.db") as second:
        load_inventory([source], first)
        target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
        files = write_inventory(first.iter_cis(), first.iter_relations(), target, fmt)
        load_inventory(files, second)
        assert store_dump(second) == store_dump(first)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(document=inventories(st.text(TEXT | st.sampled_from("\t\n"), min_size=1, max_size=10)))
def test_csv_round_trip_is_exact(tmp_path, document):
    _round_trip(tmp_path, document, "csv")


@SETTINGS
@given(document=inventories(JSON_VALUE))
def test_json_round_trip_is_exact(tmp_path, document):
    _round_trip(tmp_path, document, "json")


@SETTINGS
@given(document=inventories(JSON_VALUE))
def test_yaml_round_trip_is_exact(tmp_path, document):
    _round_trip(tmp_path, document, "yaml")


def test_injection_like_ids_and_names_are_data(any_store, write):
    nasty = ["a'); DROP TABLE ci; --", "x}) DETACH DELETE n //", "${jndi:ldap://x}", "<script>alert(1)</script>",
             "Robert'); --", "`RUNS_ON`", "名称\"引号\"", "\\u0000"]
    document = {"cis": [{"id": text, "name": text, "type": "server", "note": text} for text in nasty],
                "relations": [{"source": nasty[0], "type": "DEPENDS_ON", "target": nasty[1]}]}
    load_inventory([write("nasty.json", json.dumps(document))], any_store)
    stored = any_store.get_cis(nasty)
    assert {i: (c.name, c.props["note"]) for i, c in stored.items()} == {t: (t, t) for t in nasty}
    assert any_store.stats()["relations"] == {"DEPENDS_ON": 1}
