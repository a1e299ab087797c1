"""`itss standards` as people run it: exactly one subject, formats, languages, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ITSS = str(Path(sys.executable).with_name("itss"))
PROFILES = Path(__file__).resolve().parents[1] / "examples" / "profiles"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, cwd=cwd, env={**os.environ},
                          timeout=120)


def test_ci_type_json_is_ranked_with_reasons_and_provenance():
    done = run("standards", "--ci-type", "database", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["query"] == {"kind": "ci-type", "value": "database", "label": "database"}
    ranked = [s["id"] for s in doc["standards"]]
    assert ranked[:4] == ["kb:std-运维-4", "kb:std-运维-1", "kb:std-运维-2", "kb:std-运维-3"]
    chain = doc["standards"][1]["reasons"][0]["chain"]
    assert chain[0]["from"]["id"] == "cmdb:Database" and chain[0]["predicate"] == "itss:category"
    assert chain[-1]["predicate"] == "itss:appliesToCategory" and chain[-1]["direction"] == "inverse"
    assert chain[-1]["sources"][0]["section"] == "3.2.6"


def test_code_table_in_chinese_shows_reasons_and_sources():
    done = run("standards", "--code", "040301", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "适用的标准：code 040301 (040301 基础软件运维服务)"
    assert "GB/T 28827.1 信息技术服务 运行维护 第1部分：通用要求" in out
    assert "--skos:broader--> 04 运行维护服务 <--itss:appliesToCategory--" in out
    assert "↳ 表3-1 信息技术服务分类代码表, §3.2.1" in out


def test_profile_brief_and_planned():
    done = run("standards", "--profile", str(PROFILES / "scenario-1.yaml"), "--brief")
    assert done.returncode == 0, done.stderr
    assert "Planned (no text yet" in done.stdout
    assert "--skos:broader-->" not in done.stdout  # brief: no reasons


def test_csv_has_one_row_per_reason():
    done = run("standards", "--code", "040301", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["id"] == "kb:std-运维-1" and rows[0]["facet"] == "category"
    assert rows[0]["chain"].endswith("GB/T 28827.1 Information technology service — Operation and maintenance — "
                                     "Part 1: General requirements")
    assert "lines 1941-2289" in rows[0]["sources"]


def test_ci_in_a_store(tmp_path):
    (tmp_path / "cis.csv").write_text("id,name,type,category\ndb1,db,database,\nsvc,pay,business-service,040303\n")
    (tmp_path / "relations.csv").write_text("source,type,target\ndb1,SUPPORTS,svc\n")
    db = tmp_path / "s.db"
    assert run("load", str(tmp_path), "--store", str(db)).returncode == 0
    done = run("standards", "--ci", "db1", "--store", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["services"][0]["id"] == "svc" and doc["services"][0]["category"] == "040303"
    assert "kb:std-运维-6" in [p["id"] for p in doc["planned"]]
    missing = run("standards", "--ci", "nope", "--store", str(db))
    assert missing.returncode == 2 and missing.stderr.startswith("itss: error: unknown CI id: 'nope'")


@pytest.mark.parametrize("args, message", [
    ((), "give exactly one of --ci, --ci-type, --code or --profile"),
    (("--code", "04", "--ci-type", "vm"), "(got --ci-type, --code)"),
    (("--code", "0999"), "itss: error: unknown GB/T 29264 code '0999'"),
    (("--ci-type", "toaster"), "itss: error: unknown CI type 'toaster'"),
    (("--format", "xml", "--code", "04"), "Invalid value for '--format'"),
])
def test_usage_and_input_errors_exit_2(args, message):
    done = run("standards", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_invalid_profile_names_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("party: 需方\nactivities: [飞行]\n", encoding="utf-8")
    done = run("standards", "--profile", str(bad))
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == f"itss: error: {bad}:2: activities: unknown activity '飞行'"
