"""Valid inventories round-trip exactly (property-based): a document loaded, exported with the
canonical writer (`itss export`) and loaded again into another store gives exactly the
document's CIs and relations — CSV for text properties (what CSV can carry), JSON and YAML for
any JSON value. CI properties may be named ``source`` and ``target`` (a CSV table of CIs is
told from one of relations by its first column)."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from itss_graph.loading.encoding import INVISIBLE
from itss_graph.loading.load import load_inventory
from itss_graph.render.inventory import write_inventory
from itss_graph.stores.sqlite import SQLiteStore
from tests.conftest import store_dump

TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
ID = st.text(TEXT, min_size=1, max_size=10)
NAME = st.text(TEXT | st.sampled_from("\t\n"), min_size=1, max_size=12)
# never min_up: it is validated (a whole number >= 1), so a drawn key "min_up" with another value
# is refused, rightly, and the round trip has nothing to compare
CI_KEY = st.text(TEXT, min_size=1, max_size=8).filter(lambda s: s not in ("id", "name", "type", "min_up")) \
    | st.sampled_from(["source", "target"])
REL_KEY = st.text(TEXT, min_size=1, max_size=8).filter(lambda s: s not in ("source", "type", "target", "min_up")) \
    | st.just("id")
SCALAR = st.one_of(st.text(TEXT, min_size=1, max_size=10), st.integers(-2**53, 2**53),
                   st.floats(allow_nan=False, allow_infinity=False), st.booleans())
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(CI_KEY, inner, max_size=3), max_leaves=6)
CSV_VALUE = st.text(TEXT | st.sampled_from("\t\n"), min_size=1, max_size=10)
CI_TYPES = ["server", "vm", "cluster", "rack", "site", "application", "business-service", "desktop"]
REL_TYPES = ["DEPENDS_ON", "CONNECTED_TO", "SUPPORTS", "POWERED_BY"]  # none of them acyclic


def _valid_id(text: str) -> bool:
    """What the loader accepts as an id unchanged: no surrounding whitespace, no invisible
    characters, already in normal form C."""
    return (text == text.strip() and not INVISIBLE.search(text)
            and unicodedata.is_normalized("NFC", text))


def _valid_key(text: str) -> bool:
    return text == text.strip()


@st.composite
def inventories(draw, values):
    ids = draw(st.lists(ID, min_size=1, max_size=10, unique=True))
    assume(all(_valid_id(i) for i in ids))
    cis = []
    for i in ids:
        props = draw(st.dictionaries(CI_KEY, values, max_size=3))
        assume(all(_valid_key(k) for k in props))
        cis.append({"id": i, "name": draw(NAME), "type": draw(st.sampled_from(CI_TYPES)), **props})
    relations = {}
    for _ in range(draw(st.integers(0, 10))):
        a, b, t = draw(st.sampled_from(ids)), draw(st.sampled_from(ids)), draw(st.sampled_from(REL_TYPES))
        assume(a != b)
        props = draw(st.dictionaries(REL_KEY, values, max_size=2))
        assume(all(_valid_key(k) for k in props))
        relations[(a, t, b)] = {"source": a, "type": t, "target": b, **props}
    return {"cis": cis, "relations": list(relations.values())}


def _expected(document: dict) -> tuple[list, list]:
    """What a store must hold after loading ``document`` (in store_dump's shape, sorted)."""
    cis = [(c["id"], c["type"], c["name"], sorted((k, v) for k, v in c.items()
                                                  if k not in ("id", "name", "type")))
           for c in document["cis"]]
    rels = [(r["source"], r["type"], r["target"], sorted((k, v) for k, v in r.items()
                                                         if k not in ("source", "type", "target")))
            for r in document["relations"]]
    return sorted(cis), sorted(rels)


def _sorted(dump: tuple[list, list]) -> tuple[list, list]:
    return sorted(dump[0]), sorted(dump[1])


def _round_trip(tmp_path, document, fmt: str) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    for suffix in ("", "-wal", "-shm"):
        for name in ("a.db", "b.db"):
            (tmp_path / (name + suffix)).unlink(missing_ok=True)
    with SQLiteStore(tmp_path / "a.db") as first, SQLiteStore(tmp_path / "b.db") as second:
        load_inventory([source], first)
        assert _sorted(store_dump(first)) == _expected(document)
        target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
        files = write_inventory(first.iter_cis(), first.iter_relations(), target, fmt)
        load_inventory(files, second)
        assert _sorted(store_dump(second)) == _expected(document)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(document=inventories(CSV_VALUE))
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


def test_cis_with_properties_named_source_and_target_export_and_load_back_as_csv(tmp_path):
    document = {"cis": [{"id": "a", "name": "A", "type": "server", "source": "cmdb", "target": "prod"},
                        {"id": "b", "name": "B", "type": "vm"}],
                "relations": [{"source": "b", "type": "DEPENDS_ON", "target": "a", "id": "r1"}]}
    _round_trip(tmp_path, document, "csv")
    header = (tmp_path / "out" / "cis.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,name,type,source,target"


def test_injection_like_ids_and_names_are_data(any_store, write):
    nasty = ["a'); DROP TABLE ci; --", "x}) DETACH DELETE n //", "${jndi:ldap://x}", "<script>alert(1)</script>",
             "Robert'); --", "`RUNS_ON`", "名称\"引号\"", "\\u0000"]
    document = {"cis": [{"id": text, "name": text, "type": "server", "note": text} for text in nasty],
                "relations": [{"source": nasty[0], "type": "DEPENDS_ON", "target": nasty[1]}]}
    load_inventory([write("nasty.json", json.dumps(document))], any_store)
    stored = any_store.get_cis(nasty)
    assert {i: (c.name, c.props["note"]) for i, c in stored.items()} == {t: (t, t) for t in nasty}
    assert any_store.stats()["relations"] == {"DEPENDS_ON": 1}
