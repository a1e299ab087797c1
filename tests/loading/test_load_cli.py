"""`itss load` and `itss history` as people run them: flags, exit codes, formats, progress."""

from __future__ import annotations

import csv
import io
import json

from itss_graph.loading.validate import ONTOLOGY_HINT
from tests.conftest import REPO
from tests.test_cli import run

REGISTER = REPO / "examples" / "asset-register"


def test_skip_exits_1_lists_every_skipped_row_and_loads_the_rest(tmp_path, write):
    write("in/cis.csv", "id,name,type\na,A,server\nb,B,toaster\nc,C,vm\n")
    db = tmp_path / "x.db"
    done = run("load", str(tmp_path / "in"), "--store", str(db), "--on-error", "skip")
    assert done.returncode == 1
    assert "Skipped rows (1):" in done.stdout
    assert (f"  {tmp_path}/in/cis.csv:3: type: unknown CI type 'toaster' (did you mean 'router'?); "
            f"{ONTOLOGY_HINT}") in done.stdout
    assert done.stderr.strip() == "itss: 1 row skipped (listed in the report); the others were loaded"
    stats = json.loads(run("stats", "--store", str(db), "--format", "json").stdout)
    assert stats["cis"] == {"server": 1, "vm": 1}


def test_stop_exits_2_and_json_reports_skipped_rows_in_skip_mode(tmp_path, write):
    write("in/cis.csv", "id,name,type\na,A,server\nb,B,toaster\n")
    db = tmp_path / "x.db"
    assert run("load", str(tmp_path / "in"), "--store", str(db)).returncode == 2
    done = run("load", str(tmp_path / "in"), "--store", str(db), "--on-error", "skip", "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["skipped_total"] == 1 and report["complete"] is False
    assert report["skipped"][0] == {"file": f"{tmp_path}/in/cis.csv", "line": 3, "field": "type",
                                    "column": "type", "value": "toaster",
                                    "message": "unknown CI type 'toaster' (did you mean 'router'?); "
                                               + ONTOLOGY_HINT}


def test_rows_report_in_every_format(tmp_path, write):
    write("in/cis.csv", "id,name,type\na,A,server\n")
    db = tmp_path / "x.db"
    run("load", str(tmp_path / "in"), "--store", str(db))
    write("in/cis.csv", "id,name,type\na,A2,server\nb,B,vm\n")
    table = run("load", str(tmp_path / "in"), "--store", str(db), "--rows", "--dry-run")
    assert "Would load (dry run) into" in table.stdout
    assert "updated  name: A → A2" in table.stdout
    as_json = json.loads(run("load", str(tmp_path / "in"), "--store", str(db), "--rows", "--dry-run",
                             "--format", "json").stdout)
    assert [(r["id"], r["outcome"], r.get("diff")) for r in as_json["rows"]] == [
        ("a", "updated", {"name": ["A", "A2"]}), ("b", "created", None)]
    rows = list(csv.reader(io.StringIO(run("load", str(tmp_path / "in"), "--store", str(db), "--rows",
                                           "--dry-run", "--format", "csv").stdout)))
    assert rows[0] == ["file", "line", "kind", "id", "outcome", "diff"]
    assert rows[1][3:] == ["a", "updated", '{"name": ["A", "A2"]}']


def test_prune_needs_a_source(tmp_path, write):
    write("in/cis.csv", "id,name,type\na,A,server\n")
    done = run("load", str(tmp_path / "in"), "--store", str(tmp_path / "x.db"), "--prune")
    assert done.returncode == 2
    assert "--prune needs --source NAME" in done.stderr


def test_source_prune_and_history_from_the_command_line(tmp_path, write):
    db = tmp_path / "x.db"
    write("in/cis.csv", "id,name,type\na,A,server\nb,B,vm\n")
    assert run("load", str(tmp_path / "in"), "--store", str(db), "--source", "inv").returncode == 0
    write("in/cis.csv", "id,name,type\na,A1,server\n")
    done = run("load", str(tmp_path / "in"), "--store", str(db), "--source", "inv", "--prune")
    assert done.returncode == 0
    assert "Pruned 1 CIs and 0 relations that source 'inv' no longer has." in done.stdout
    history = json.loads(run("history", "a", "--store", str(db), "--format", "json").stdout)
    assert [e["event"] for e in history["events"]] == ["created", "updated"]
    gone = run("history", "b", "--store", str(db))
    assert gone.returncode == 0 and "(now: deleted)" in gone.stdout
    unknown = run("history", "nope", "--store", str(db))
    assert unknown.returncode == 2 and unknown.stderr.strip() == "itss: error: unknown CI id: 'nope'"


def test_progress_goes_to_stderr_and_json_stays_clean(tmp_path):
    done = run("load", "--profile", "cn-asset-register", str(REGISTER / "资产台账.xlsx"),
               "--store", str(tmp_path / "x.db"), "--format", "json", "--progress")
    assert done.returncode == 0
    json.loads(done.stdout)  # nothing but the document on stdout
    assert "reading 资产台账.xlsx" in done.stderr and "writing" in done.stderr
    quiet = run("load", "--profile", "cn-asset-register", str(REGISTER / "资产台账.xlsx"),
                "--store", str(tmp_path / "y.db"), "--format", "json")
    assert quiet.stderr == ""  # not a terminal, not asked for


def test_gbk_register_with_declared_encoding(tmp_path):
    path = REGISTER / "资产台账-gbk.csv"
    ok = run("load", "--profile", "cn-asset-register", str(path), "--encoding", "gbk",
             "--store", str(tmp_path / "x.db"), "--format", "json")
    assert json.loads(ok.stdout)["totals"]["cis"]["created"] == 36
    wrong = run("load", "--profile", "cn-asset-register", str(path), "--encoding", "utf-8",
                "--store", str(tmp_path / "y.db"))
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[1].startswith(f"  {path}:1: cannot decode as utf-8: byte 0x")


def test_netbox_flags_belong_to_netbox(tmp_path, write):
    write("in/cis.csv", "id,name,type\na,A,server\n")
    done = run("load", str(tmp_path / "in"), "--extras", "--store", str(tmp_path / "x.db"))
    assert done.returncode == 2 and "belong to `itss load netbox`" in done.stderr
