"""The canonical inventory loader: formats, validation with located errors, atomicity, idempotence."""

from __future__ import annotations

import json
import shutil

import pytest

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory
from itss_graph.loading.validate import ONTOLOGY_HINT
from tests.conftest import store_dump

CIS = "id,name,type,site\nsrv-1,db host,server,DC1\nvm-1,web vm,vm,DC1\ncl-1,pool,cluster,DC1\n"
RELS = "source,type,target\nvm-1,RUNS_ON,cl-1\ncl-1,HOSTED_ON,srv-1\n"


def _problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_csv_pair_json_and_yaml_give_the_same_store(tmp_path, write):
    from itss_graph.stores.sqlite import SQLiteStore

    write("csv/cis.csv", CIS)
    write("csv/relations.csv", RELS)
    doc = {"cis": [{"id": "srv-1", "name": "db host", "type": "server", "site": "DC1"},
                   {"id": "vm-1", "name": "web vm", "type": "vm", "site": "DC1"},
                   {"id": "cl-1", "name": "pool", "type": "cluster", "site": "DC1"}],
           "relations": [{"source": "vm-1", "type": "RUNS_ON", "target": "cl-1"},
                         {"source": "cl-1", "type": "HOSTED_ON", "target": "srv-1"}]}
    write("doc.json", json.dumps(doc))
    import yaml
    write("doc.yaml", yaml.safe_dump(doc, allow_unicode=True))
    dumps = []
    for name, inputs in (("a", [tmp_path / "csv"]), ("b", [tmp_path / "doc.json"]),
                         ("c", [tmp_path / "doc.yaml"])):
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            load_inventory(inputs, store)
            dumps.append(store_dump(store))
    assert dumps[0] == dumps[1] == dumps[2]
    assert dumps[0][0][0] == ("cl-1", "cluster", "pool", [("site", "DC1")])


def test_load_reports_created_then_unchanged_then_updated(sqlite_store, write):
    write("cis.csv", CIS)
    write("relations.csv", RELS)
    paths = [write("cis.csv", CIS).parent]
    first = load_inventory(paths, sqlite_store)
    assert first.totals() == {"cis": {"created": 3, "updated": 0, "unchanged": 0},
                              "relations": {"created": 2, "updated": 0, "unchanged": 0}}
    assert first.cis["server"] == {"created": 1, "updated": 0, "unchanged": 0}
    before = store_dump(sqlite_store)
    second = load_inventory(paths, sqlite_store)
    assert second.totals()["cis"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert second.totals()["relations"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert store_dump(sqlite_store) == before
    write("cis.csv", CIS.replace("web vm", "web vm 2"))
    third = load_inventory(paths, sqlite_store)
    assert third.cis["vm"] == {"created": 0, "updated": 1, "unchanged": 0}


def test_types_may_be_given_by_alias_and_are_stored_canonically(sqlite_store, write):
    path = write("cis.csv", "id,name,type\na,主机A,服务器\nb,虚机B,虚拟机\n")
    load_inventory([path], sqlite_store)
    assert {c.id: c.type for c in sqlite_store.get_cis(["a", "b"]).values()} == {"a": "server", "b": "vm"}


@pytest.mark.parametrize("cis, rels, expected", [
    ("id,name,type\na,A,sever\n", None,
     ["cis.csv:2: type: unknown CI type 'sever' (did you mean 'server'?); " + ONTOLOGY_HINT]),
    ("id,name,type\n,A,server\n", None, ["cis.csv:2: id: missing id"]),
    ("id,name,type\na,A,\n", None, ["cis.csv:2: type: missing CI type"]),
    ("id,name,type\na,A,server\n", "source,type,target\na,RUNS_INTO,a2\n",
     ["relations.csv:2: type: unknown relation type 'RUNS_INTO' (did you mean 'RUNS_ON'?); " + ONTOLOGY_HINT]),
    ("id,name,type\na,A,server\n", "source,type,target\na,DEPENDS_ON,ghost\n",
     ["relations.csv:2: target: unknown CI 'ghost': not in the input nor in the store"]),
    ("id,name,type\na,A,server\na,A2,server\n", None,
     ["cis.csv:3: id: CI 'a' is also defined, differently, at cis.csv:2"]),
    ("id,name,type\na,A,server\n", "source,type,target\na,DEPENDS_ON,a\n",
     ["relations.csv:2: target: relation from 'a' to itself"]),
    ("id,name,type\na,A,server,extra\n", None,
     ["cis.csv:2: row has 4 fields but the header has 3"]),
    ("id,name,type\n a,A,server\n", None,
     ["cis.csv:2: id: ' a' has leading or trailing whitespace"]),
])
def test_each_problem_names_file_line_and_field(tmp_path, sqlite_store, write, cis, rels, expected):
    files = [write("in/cis.csv", cis)]
    if rels:
        files.append(write("in/relations.csv", rels))
    with pytest.raises(InputError) as excinfo:
        load_inventory(files, sqlite_store)
    prefix = str(tmp_path / "in") + "/"
    assert [p.replace(prefix, "") for p in _problems(excinfo)] == expected


def test_all_problems_of_all_files_are_reported_together(tmp_path, sqlite_store, write):
    a = write("cis.csv", "id,name,type\nx,X,bogus\n,Y,server\nz,Z,server\n")
    b = write("relations.csv", "source,type,target\nz,NOPE,z2\n")
    with pytest.raises(InputError) as excinfo:
        load_inventory([a, b], sqlite_store)
    lines = [(p.file.rsplit("/", 1)[-1], p.line, p.field) for p in excinfo.value.problems]
    assert lines == [("cis.csv", 2, "type"), ("cis.csv", 3, "id"), ("relations.csv", 2, "type")]


def test_identical_duplicate_rows_are_folded_not_errors(sqlite_store, write):
    path = write("cis.csv", "id,name,type\na,A,server\na,A,server\n")
    report = load_inventory([path], sqlite_store)
    assert report.totals()["cis"]["created"] == 1


def test_relations_may_point_at_cis_already_in_the_store(sqlite_store, write):
    load_inventory([write("cis.csv", "id,name,type\nhost,H,server\n")], sqlite_store)
    later = write("more/cis.csv", "id,name,type\nvm,V,vm\n")
    rels = write("more/relations.csv", "source,type,target\nvm,RUNS_ON,host\n")
    report = load_inventory([later, rels], sqlite_store)
    assert report.totals()["relations"]["created"] == 1


def test_any_error_leaves_the_store_exactly_as_it_was(tmp_path, netbox_dir, write):
    from itss_graph.stores.sqlite import SQLiteStore

    db = tmp_path / "itss.db"
    with SQLiteStore(db) as store:
        load_inventory([netbox_dir], store)
        before = store_dump(store)
    bad = tmp_path / "bad"
    shutil.copytree(netbox_dir, bad)
    with (bad / "cis.csv").open("a", encoding="utf-8") as fh:
        fh.write("new:1,new CI,server,,,,,,,,,\n")  # valid on its own
        fh.write("device:1,renamed,router,,,,,,,,,\n")  # conflicts with the first device:1 row
    with SQLiteStore(db) as store:
        with pytest.raises(InputError):
            load_inventory([bad], store)
        assert store_dump(store) == before


def test_dry_run_counts_but_writes_nothing(sqlite_store, netbox_dir):
    report = load_inventory([netbox_dir], sqlite_store, dry_run=True)
    assert report.totals()["cis"]["created"] == 440
    assert sqlite_store.stats() == {"cis": {}, "relations": {}}


def test_netbox_demo_loads_completely(sqlite_store, netbox_dir):
    report = load_inventory([netbox_dir], sqlite_store)
    stats = sqlite_store.stats()
    assert sum(stats["cis"].values()) == 440
    assert stats["cis"]["vm"] == 180 and stats["cis"]["power-feed"] == 48
    # 479 rows, of which 28 repeat a (source, type, target) already given: parallel cables
    assert sum(stats["relations"].values()) == 451
    assert stats["relations"]["RUNS_ON"] == 180
    assert report.totals()["relations"]["created"] == 451


def test_a_directory_means_its_canonical_files_only(sqlite_store, netbox_dir):
    load_inventory([netbox_dir], sqlite_store)
    assert "UPLINKED_TO" in sqlite_store.stats()["relations"]
    # relations_extra.csv is loaded only when named
    report = load_inventory([netbox_dir / "relations_extra.csv"], sqlite_store)
    assert report.relations["POWERED_BY"]["created"] == 48


def test_gb18030_csv_with_chinese_headers_values_is_read(sqlite_store, write):
    path = write("cis.csv", "id,name,type,负责人\nsrv,核心数据库服务器,服务器,张三\n", encoding="gb18030")
    load_inventory([path], sqlite_store)
    ci = sqlite_store.get_cis(["srv"])["srv"]
    assert (ci.name, ci.type, ci.props) == ("核心数据库服务器", "server", {"负责人": "张三"})


def test_utf8_bom_is_not_part_of_the_first_header(sqlite_store, write):
    path = write("cis.csv", "\ufeffid,name,type\na,A,server\n")
    load_inventory([path], sqlite_store)
    assert sqlite_store.existing_ids(["a"]) == {"a"}


def test_json_errors_give_the_line_of_the_element(sqlite_store, write):
    path = write("inv.json", '{\n "cis": [\n  {"id": "a", "type": "server"},\n'
                             '  {"id": "b", "type": "toaster"}\n ]\n}\n')
    with pytest.raises(InputError) as excinfo:
        load_inventory([path], sqlite_store)
    assert [(p.line, p.field) for p in excinfo.value.problems] == [(4, "type")]


def test_yaml_errors_give_the_line_of_the_element(sqlite_store, write):
    path = write("inv.yaml", "cis:\n  - id: a\n    type: server\n  - id: b\n    type: toaster\n")
    with pytest.raises(InputError) as excinfo:
        load_inventory([path], sqlite_store)
    assert [(p.line, p.field) for p in excinfo.value.problems] == [(4, "type")]


def test_malformed_json_names_its_line(sqlite_store, write):
    path = write("inv.json", '{"cis": [\n{"id": "a",}\n]}')
    with pytest.raises(InputError) as excinfo:
        load_inventory([path], sqlite_store)
    assert excinfo.value.problems[0].line == 2
    assert "malformed JSON" in excinfo.value.problems[0].message
