"""The bulk CSV path must stage exactly what the row-by-row path stages — same CIs, relations,
canonical JSON, line numbers — for any canonical CSV (property-based), and several worker
processes exactly what one process does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itss_graph.loading import fastcsv
from itss_graph.loading.encoding import scan_file
from itss_graph.loading.load import Loader
from itss_graph.loading.readers import read_rows
from itss_graph.loading.staging import Staging
from itss_graph.schema import load_schema

SCHEMA = load_schema()
# ids may hold any text but spaces, control and invisible (format, Cf) characters
ID = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp"),
                           blacklist_characters="\u0085\u115f\u1160\u3164\uffa0"),
             min_size=1, max_size=12)
# names and values may hold any text but control characters other than TAB and LF
VALUE = st.one_of(st.just(""), st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"),
                                       max_size=15))
CI_TYPE = st.sampled_from(["server", "vm", "服务器", "Virtual Machine", "rack", "业务服务", "cluster"])
REL_TYPE = st.sampled_from(["RUNS_ON", "DEPENDS_ON", "depends on", "位于", "CONNECTED_TO"])


@st.composite
def inventories(draw):
    ids = draw(st.lists(ID, min_size=1, max_size=12, unique=True))
    extras = draw(st.lists(st.sampled_from(["site", "owner", "负责人", "note"]), unique=True, max_size=3))
    cis = [[i, draw(VALUE), draw(CI_TYPE), *[draw(VALUE) for _ in extras]] for i in ids]
    rels = []
    for _ in range(draw(st.integers(0, 12))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if a != b:
            rels.append([a, draw(REL_TYPE), b])
    return ["id", "name", "type", *extras], cis, rels


def _csv(header, rows, *, crlf: bool, blank_every: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if blank_every and n % blank_every == 0:
            buffer.write("\r\n" if crlf else "\n")
    return buffer.getvalue()


def _staged(staging: Staging) -> tuple[list, list]:
    cis = sorted(tuple(r[:4]) + (r[5], r[6]) for batch in staging.iter_ci_rows() for r in batch)
    rels = sorted(tuple(r) for batch in staging.iter_relation_rows() for r in batch)
    return cis, rels


def _stage(paths: list[Path], bulk: bool, workers: int | None = None,
           encoding: str | None = None) -> tuple[list, list]:
    staging = Staging()
    try:
        for path in paths:
            scan = scan_file(path, encoding)
            if not (bulk and fastcsv.stage_csv(staging, path, SCHEMA, scan, workers=workers)):
                for row in read_rows(path, encoding=encoding):
                    from itss_graph.loading.validate import validate_row

                    result = validate_row(row, SCHEMA)
                    assert not isinstance(result, list), result
                    staging.add(result)
        staging.finish()
        return _staged(staging)
    finally:
        staging.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inventory=inventories(), crlf=st.booleans(), blank_every=st.sampled_from([0, 0, 3]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_bulk_and_row_by_row_staging_agree(tmp_path, inventory, crlf, blank_every, encoding):
    header, cis, rels = inventory
    ci_path, rel_path = tmp_path / "cis.csv", tmp_path / "relations.csv"
    ci_path.write_bytes(_csv(header, cis, crlf=crlf, blank_every=blank_every).encode(encoding))
    rel_path.write_bytes(_csv(["source", "type", "target"], rels, crlf=crlf, blank_every=0).encode(encoding))
    # random characters are not Chinese text: GB18030 is declared, not left to detection
    declared = "gb18030" if encoding == "gb18030" else None
    assert (_stage([ci_path, rel_path], bulk=True, encoding=declared)
            == _stage([ci_path, rel_path], bulk=False, encoding=declared))


def test_bulk_path_is_really_taken_for_clean_files(tmp_path):
    path = tmp_path / "cis.csv"
    path.write_text("id,name,type,site\na,A,服务器,DC1\nb,\"B, quoted\",vm,\n", encoding="utf-8")
    with Staging() as staging:
        assert fastcsv.stage_csv(staging, path, SCHEMA)
        assert staging.db.execute("SELECT id, type, name, props FROM ci ORDER BY k").fetchall() == [
            ("a", "server", "A", '{"site":"DC1"}'), ("b", "vm", "B, quoted", "{}")]


@pytest.mark.parametrize("name, content", [
    ("cis.csv", "id,name,type\na,A,sever\n"),            # unknown type
    ("cis.csv", "id,name,type\n a,A,server\n"),          # whitespace around an id
    ("cis.csv", "id,name,type\na,A,server,x\n"),         # ragged
    ("cis.csv", "id,name,type\na\x07,A,server\n"),       # control character (byte scan)
    ("cis.csv", "id,name,type\n\"a\nb\",A,server\n"),    # line break inside an id
    ("cis.csv", "id,name,type\n" + "x" * 513 + ",A,server\n"),
    ("cis.csv", "id,name,type,min_up\na,A,server,1\nb,B,server,01\n"),  # a min_up only the careful path judges
    ("relations.csv", "source,type,target\na,RUNS_ON,b\nb,RUNS_ON,c\u200b\n"),  # an end (a stored CI's id) with an invisible character
    ("relations.csv", "source,type,target\na,RUNS_ON,b\nb,RUNS_ON,\" c\"\n"),   # an end with a space before it
    ("relations.csv", "source,type,target,min_up\na,RUNS_ON,b,2\nb,RUNS_ON,c,2.5\n"),  # a min_up only the careful path judges
])
def test_bulk_path_declines_files_it_cannot_prove_clean_and_leaves_nothing(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with Staging() as staging:
        assert not fastcsv.stage_csv(staging, path, SCHEMA)
        assert staging.ci_count() == 0
        assert staging.db.execute("SELECT count(*) FROM rel").fetchone() == (0,)


def test_bulk_path_takes_relation_files_whose_ends_and_min_up_are_sound(tmp_path):
    path = tmp_path / "relations.csv"
    path.write_text("source,type,target,min_up\na,RUNS_ON,b,2\nb,RUNS_ON,c,\n", encoding="utf-8")
    with Staging() as staging:
        assert fastcsv.stage_csv(staging, path, SCHEMA)
        assert staging.db.execute("SELECT src, type, dst, props FROM rel ORDER BY rowid").fetchall() == [
            ("a", "RUNS_ON", "b", '{"min_up":"2"}'), ("b", "RUNS_ON", "c", "{}")]


@pytest.mark.parametrize("quoted, crlf, blank, encoding", [
    (False, False, False, "utf-8"), (True, True, False, "utf-8-sig"), (True, False, True, "gb18030"),
])
def test_worker_processes_stage_what_one_process_stages(tmp_path, monkeypatch, quoted, crlf, blank, encoding):
    cis = [[f"c{i}", f"名称 {i}" + (",\n续" if quoted and i % 7 == 0 else ""), "server" if i % 2 else "服务器",
            f"DC{i % 3}"] for i in range(3000)]
    rels = [[f"c{i}", "DEPENDS_ON", f"c{(i * 7 + 1) % 3000}"] for i in range(3000) if i != (i * 7 + 1) % 3000]
    ci_path, rel_path = tmp_path / "cis.csv", tmp_path / "relations.csv"
    ci_path.write_bytes(_csv(["id", "name", "type", "site"], cis, crlf=crlf, blank_every=97 if blank else 0)
                        .encode(encoding))
    rel_path.write_bytes(_csv(["source", "type", "target"], rels, crlf=crlf, blank_every=0).encode(encoding))
    one = _stage([ci_path, rel_path], bulk=True, workers=1)
    monkeypatch.setattr(fastcsv, "PARALLEL_MIN_BYTES", 0)
    several = _stage([ci_path, rel_path], bulk=True, workers=3)
    assert several == one == _stage([ci_path, rel_path], bulk=False)


def test_a_whole_load_through_the_loader_counts_types_per_file(tmp_path, sqlite_store):
    (tmp_path / "cis.csv").write_text("id,name,type\na,A,服务器\nb,B,vm\n", encoding="utf-8")
    (tmp_path / "relations.csv").write_text("source,type,target\nb,运行于,a\n", encoding="utf-8")
    with Loader(sqlite_store) as loader:
        loader.stage_files([tmp_path])
        assert loader.staging.type_counts("ci") == [("server", 1), ("vm", 1)]
        assert loader.staging.type_counts("relation") == [("RUNS_ON", 1)]


def test_without_worker_processes_one_process_stages_the_file(tmp_path, monkeypatch):
    path = tmp_path / "cis.csv"
    path.write_text("id,name,type\n" + "".join(f"c{i},N{i},server\n" for i in range(500)), encoding="utf-8")
    expected = _stage([path], bulk=False)

    def no_workers(jobs, progress):
        raise RuntimeError("a loader worker process failed")

    monkeypatch.setattr(fastcsv, "run_workers", no_workers)
    monkeypatch.setattr(fastcsv, "PARALLEL_MIN_BYTES", 0)
    assert _stage([path], bulk=True, workers=2) == expected
