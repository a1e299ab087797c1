"""The `itss` command as people run it: real processes, exit codes, stdout and stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from itss_graph.loading.validate import ONTOLOGY_HINT as _HINT

ITSS = str(Path(sys.executable).with_name("itss"))


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([ITSS, *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=300)


@pytest.fixture
def loaded(tmp_path, netbox_dir) -> Path:
    db = tmp_path / "nb.db"
    done = run("load", str(netbox_dir), "--store", str(db))
    assert done.returncode == 0, done.stderr
    return db


def test_help_lists_every_verb_with_examples():
    done = run("--help")
    assert done.returncode == 0
    for verb in ("load", "impact", "stats", "export", "types", "demo"):
        assert verb in done.stdout
    assert "Examples" in run("impact", "--help").stdout


def test_load_prints_counts_per_type_and_is_idempotent(tmp_path, netbox_dir):
    db = tmp_path / "x.db"
    first = run("load", str(netbox_dir), "--store", str(db), "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["cis"]["vm"] == {"created": 180, "updated": 0, "unchanged": 0}
    second = json.loads(run("load", str(netbox_dir), "--store", str(db), "--format", "json").stdout)
    assert second["totals"]["cis"] == {"created": 0, "updated": 0, "unchanged": 440}
    assert second["totals"]["relations"] == {"created": 0, "updated": 0, "unchanged": 451}


def test_bad_input_exits_2_with_located_problems_and_writes_nothing(tmp_path, write):
    db = tmp_path / "x.db"
    write("bad/cis.csv", "id,name,type\na,A,server\nb,B,toaster\n")
    write("bad/relations.csv", "source,type,target\na,DEPENDS_ON,zzz\n")
    done = run("load", str(tmp_path / "bad"), "--store", str(db))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    # every problem in one pass: the row's unknown type and the dangling reference together
    assert lines == [
        "itss: error: 2 problems in the input; nothing was written",
        f"  {tmp_path}/bad/cis.csv:3: type: unknown CI type 'toaster' (did you mean 'router'?)"
        f"{ONTOLOGY_HINT}",
        f"  {tmp_path}/bad/relations.csv:2: target: unknown CI 'zzz': not in the input nor in the store"]
    assert done.stdout == ""
    assert not db.exists()  # a failed load leaves no (empty) store file behind


ONTOLOGY_HINT = "; " + _HINT


def test_impact_formats(loaded):
    table = run("impact", "cluster:1", "--store", str(loaded))
    assert table.returncode == 0
    assert table.stdout.startswith("Failure of cluster:1 (cluster, ")
    assert "vm (20)" in table.stdout
    doc = json.loads(run("impact", "cluster:1", "--store", str(loaded), "--format", "json").stdout)
    assert doc["summary"]["total"] == 20
    rows = list(csv.reader(io.StringIO(
        run("impact", "cluster:1", "--store", str(loaded), "--format", "csv").stdout)))
    assert rows[0] == ["id", "type", "name", "depth", "effect", "via", "from"]
    assert len(rows) == 21 and {r[6] for r in rows[1:]} == {"cluster:1"}


def test_impact_of_several_cis_with_depth(loaded):
    doc = json.loads(run("impact", "site:21", "powerpanel:1", "--depth", "1", "--store", str(loaded),
                         "--format", "json").stdout)
    assert [s["id"] for s in doc["sources"]] == ["site:21", "powerpanel:1"]
    assert {i["depth"] for i in doc["impacted"]} == {1}


def test_unknown_ci_exits_2_naming_it(loaded):
    done = run("impact", "no-such-ci", "--store", str(loaded))
    assert done.returncode == 2
    assert done.stderr.strip() == "itss: error: unknown CI id: 'no-such-ci'"


def test_querying_a_missing_store_is_an_error_not_an_empty_answer(tmp_path):
    done = run("impact", "x", "--store", str(tmp_path / "none.db"))
    assert done.returncode == 2
    assert "no store at" in done.stderr
    assert not (tmp_path / "none.db").exists()


def test_store_location_from_environment(tmp_path, netbox_dir):
    env = {"ITSS_STORE": str(tmp_path / "env.db")}
    assert run("load", str(netbox_dir), env=env).returncode == 0
    assert (tmp_path / "env.db").exists()
    assert json.loads(run("stats", "--format", "json", env=env).stdout)["cis"]["vm"] == 180


def test_default_store_is_itss_db_in_the_working_directory(tmp_path, netbox_dir):
    assert run("load", str(netbox_dir), cwd=tmp_path).returncode == 0
    assert (tmp_path / "itss.db").exists()


def test_impact_html_is_written(loaded, tmp_path):
    out = tmp_path / "v.html"
    done = run("impact", "cluster:1", "--store", str(loaded), "--html", str(out))
    assert done.returncode == 0 and out.exists()
    assert "View written to" in done.stderr
    assert "https://" not in out.read_text(encoding="utf-8").split("<script>")[0]


def test_export_then_load_gives_the_same_store(loaded, tmp_path):
    out = tmp_path / "exported"
    assert run("export", str(out), "--store", str(loaded)).returncode == 0
    again = tmp_path / "again.db"
    assert run("load", str(out), "--store", str(again)).returncode == 0
    a = json.loads(run("stats", "--store", str(loaded), "--format", "json").stdout)
    b = json.loads(run("stats", "--store", str(again), "--format", "json").stdout)
    assert (a["cis"], a["relations"]) == (b["cis"], b["relations"])


def test_types_lists_the_ontology(tmp_path):
    doc = json.loads(run("types", "--format", "json").stdout)
    names = {t["name"] for t in doc["ci_types"]}
    assert {"server", "business-service", "patch-panel"} <= names
    rel = {r["name"]: r for r in doc["relation_types"]}
    assert rel["RUNS_ON"]["on_target_failure"] == "down"


def test_demo_runs_end_to_end(tmp_path):
    done = run("demo", "--dir", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo" / "impact.html").exists()
    assert "Business services impacted" in done.stdout
    # the joined answer: what ITSS obliges (a storage array takes important services down)
    assert "event level: Level II" in done.stdout
    assert "预案启动" in done.stdout and "事件管理" in done.stdout
    assert "预案启动" in (tmp_path / "demo" / "impact.html").read_text(encoding="utf-8")  # the panel
    # the estate has the bank's proportions
    from collections import Counter

    with (tmp_path / "demo" / "estate" / "cis.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    types = Counter(r["type"] for r in rows)
    tiers = Counter(r["tier"] for r in rows if r["type"] == "business-service")
    assert types["server"] + types["hypervisor-host"] >= 1000
    assert sum(types[t] for t in ("router", "switch", "firewall", "load-balancer", "patch-panel")) >= 4800
    assert types["business-service"] >= 230
    assert (tiers["关键"], tiers["重要"]) == (23, 53)
    assert {r["site"] for r in rows if r["type"] == "site" and r["id"] in ("site:dc1", "site:dc2")} == {
        "主数据中心", "同城灾备中心"}
