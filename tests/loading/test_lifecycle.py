"""Reconciliation and lifecycle on both stores: the per-row report, --source claims and --prune
(never after a partial read), the change history, --on-error skip."""

from __future__ import annotations

import json

import pytest

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory
from itss_graph.loading.validate import ONTOLOGY_HINT
from tests.conftest import store_dump


def _inventory(write, name: str, cis: list[dict], relations: list[dict] | None = None):
    return write(name, json.dumps({"cis": cis, "relations": relations or []}, ensure_ascii=False))


def _ci(ci_id, ci_type="server", name=None, **props):
    return {"id": ci_id, "type": ci_type, "name": name or ci_id, **props}


def test_row_report_says_created_updated_with_diff_and_unchanged(any_store, write):
    first = _inventory(write, "a.json", [_ci("a", site="DC1"), _ci("b")],
                       [{"source": "a", "type": "DEPENDS_ON", "target": "b"}])
    report = load_inventory([first], any_store, details=True)
    assert [(r["kind"], r.get("id"), r["outcome"]) for r in report.rows] == [
        ("ci", "a", "created"), ("ci", "b", "created"), ("relation", None, "created")]
    second = _inventory(write, "b.json", [_ci("a", name="A!", site="DC2", os="linux"), _ci("b")],
                        [{"source": "a", "type": "DEPENDS_ON", "target": "b", "weight": 2}])
    report = load_inventory([second], any_store, details=True)
    rows = {(r["kind"], r.get("id") or r["source"]): r for r in report.rows}
    assert rows[("ci", "a")]["outcome"] == "updated"
    assert rows[("ci", "a")]["diff"] == {"name": ["a", "A!"], "props.os": [None, "linux"],
                                         "props.site": ["DC1", "DC2"]}
    assert rows[("ci", "b")]["outcome"] == "unchanged" and "diff" not in rows[("ci", "b")]
    assert rows[("relation", "a")] == {"file": str(second), "line": 1, "kind": "relation", "source": "a",
                                       "type": "DEPENDS_ON", "target": "b", "outcome": "updated",
                                       "diff": {"props.weight": [None, 2]}}


def test_history_records_creation_updates_and_deletion(any_store, write):
    load_inventory([_inventory(write, "1.json", [_ci("x", site="DC1")])], any_store, source="s")
    load_inventory([_inventory(write, "2.json", [_ci("x", site="DC2")])], any_store, source="s")
    load_inventory([_inventory(write, "3.json", [_ci("y")])], any_store, source="s", prune=True)
    events = any_store.history("x")
    assert [(e["event"], e["source"]) for e in events] == [("created", "s"), ("updated", "s"),
                                                           ("deleted", "s")]
    assert events[1]["diff"] == {"props.site": ["DC1", "DC2"]}
    assert events[2]["diff"] == {"type": ["server", None], "name": ["x", None],
                                 "props.site": ["DC2", None]}
    assert [e["load"] for e in events] == sorted(e["load"] for e in events)
    assert any_store.get_cis(["x"]) == {}
    assert [e["event"] for e in any_store.history("y")] == ["created"]


def test_prune_removes_only_what_the_source_no_longer_has(any_store, write):
    load_inventory([_inventory(write, "other.json", [_ci("shared"), _ci("manual")])], any_store)
    load_inventory([_inventory(write, "nb1.json", [_ci("keep"), _ci("gone"), _ci("shared")],
                               [{"source": "keep", "type": "DEPENDS_ON", "target": "gone"},
                                {"source": "keep", "type": "DEPENDS_ON", "target": "shared"}])],
                   any_store, source="netbox")
    load_inventory([_inventory(write, "x1.json", [_ci("shared")])], any_store, source="excel")
    report = load_inventory([_inventory(write, "nb2.json", [_ci("keep")])], any_store,
                            source="netbox", prune=True, details=True)
    # 'gone' only came from netbox: deleted; 'shared' is also excel's: kept; untagged 'manual' kept
    assert report.pruned == {"cis": 1, "relations": 2}
    assert report.pruned_ids == ["gone"]
    assert sorted(any_store.existing_ids(["keep", "gone", "shared", "manual"])) == ["keep", "manual", "shared"]
    assert any_store.stats()["relations"] == {}


def test_dry_run_prune_counts_and_deletes_nothing(any_store, write):
    load_inventory([_inventory(write, "a.json", [_ci("a"), _ci("b")])], any_store, source="s")
    before = store_dump(any_store)
    report = load_inventory([_inventory(write, "b.json", [_ci("a")])], any_store, source="s",
                            prune=True, dry_run=True)
    assert report.pruned == {"cis": 1, "relations": 0} and report.dry_run
    assert store_dump(any_store) == before


def test_no_prune_after_a_partial_read(any_store, write):
    load_inventory([_inventory(write, "a.json", [_ci("a"), _ci("b"), _ci("c")])], any_store, source="s")
    partial = _inventory(write, "b.json", [_ci("a"), {"id": "b", "type": "toaster"}])
    report = load_inventory([partial], any_store, source="s", prune=True, on_error="skip")
    assert report.skipped_total == 1 and not report.complete
    assert report.pruned == {"cis": 0, "relations": 0}
    assert report.notes == ["not pruned: 1 row could not be read or was skipped, so this is not a "
                            "complete load of the source"]
    assert sorted(any_store.existing_ids(["a", "b", "c"])) == ["a", "b", "c"]


def test_skip_loads_the_good_rows_and_reports_every_skipped_one(any_store, write):
    cis = write("in/cis.csv", "id,name,type\na,A,server\nb,B,toaster\nc,C,vm\n,D,vm\n")
    rels = write("in/relations.csv", "source,type,target\nc,RUNS_ON,a\nc,RUNS_ON,b\nc,RUNS_INTO,a\n")
    report = load_inventory([cis, rels], any_store, on_error="skip")
    skipped = [str(p).replace(f"{cis.parent}/", "") for p in report.skipped]
    assert skipped == [
        f"cis.csv:3: type: unknown CI type 'toaster' (did you mean 'router'?); {ONTOLOGY_HINT}",
        "cis.csv:5: id: missing id",
        "relations.csv:3: target: unknown CI 'b': its row has errors",
        f"relations.csv:4: type: unknown relation type 'RUNS_INTO' (did you mean 'RUNS_ON'?); {ONTOLOGY_HINT}",
    ]
    assert report.skipped_total == 4
    assert sorted(any_store.existing_ids(["a", "b", "c"])) == ["a", "c"]
    assert any_store.stats()["relations"] == {"RUNS_ON": 1}


def test_stop_is_the_default_and_writes_nothing(any_store, write):
    path = write("cis.csv", "id,name,type\na,A,server\nb,B,toaster\n")
    with pytest.raises(InputError):
        load_inventory([path], any_store)
    assert any_store.stats() == {"cis": {}, "relations": {}}


def test_identification_keys_on_both_stores(any_store, write):
    load_inventory([_inventory(write, "a.json", [_ci("srv-7", name="web", site="DC1"),
                                                 _ci("srv-8", name="web", site="DC2")])], any_store)
    profile = write("p.yaml", "name: k\ntables:\n  - match: {columns: [name, site]}\n    cis:\n"
                              "      - {as: c, id: \"new:{site}/{name}\", name: \"{name}\", type: server,"
                              " identify: [name, site], properties: {site: site, os: os}}\n")
    table = write("t.csv", "name,site,os\nweb,DC1,linux\nweb,DC3,bsd\n")
    report = load_inventory([table], any_store, profile=str(profile), details=True)
    assert [(r["id"], r["outcome"]) for r in report.rows] == [("srv-7", "updated"), ("new:DC3/web", "created")]
    assert any_store.get_cis(["srv-7"])["srv-7"].props == {"site": "DC1", "os": "linux"}


def test_a_version_1_store_is_migrated_and_keeps_its_data(tmp_path, write):
    import sqlite3

    from itss_graph.stores.layout import sqlite_ddl
    from itss_graph.stores.sqlite import SQLiteStore

    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    db.executescript(";".join(sqlite_ddl(version=1)))
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.execute("INSERT INTO ci (id, type, name, props) VALUES ('old', 'server', 'Old', '{}')")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
        assert store.get_cis(["old"])["old"].name == "Old"
        load_inventory([_inventory(write, "n.json", [_ci("old", name="Old 2"), _ci("new")])], store)
        events = store.history("old")
        assert [(e["event"], e.get("note")) for e in events] == [
            ("created", "before the store kept history"), ("updated", None)]
        assert [e["event"] for e in store.history("new")] == ["created"]


def test_relations_checked_when_the_store_filled_up_since_the_checks(sqlite_store, write):
    from itss_graph.loading.load import Loader

    path = _inventory(write, "a.json", [_ci("a"), _ci("b")],
                      [{"source": "a", "type": "DEPENDS_ON", "target": "b", "w": 1},
                       {"source": "a", "type": "DEPENDS_ON", "target": "b", "w": 2}])
    with Loader(sqlite_store) as loader:
        loader.stage_files([path])
        loader.check()  # the store was empty: duplicates are left for the store to find
        load_inventory([_inventory(write, "other.json", [_ci("z")])], sqlite_store)  # meanwhile
        with pytest.raises(InputError) as excinfo:
            loader.apply()
    assert "is also given, with other properties" in str(excinfo.value)
    assert sqlite_store.existing_ids(["a", "b", "z"]) == {"z"}
