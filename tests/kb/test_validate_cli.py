"""`itss kb validate`: the knowledge base conforms; a user's broken file is named, node by node."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ITSS = str(Path(sys.executable).with_name("itss"))
REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, "kb", "validate", *args], capture_output=True, text=True,
                          timeout=600, cwd=REPO)


def test_a_user_standard_without_status_is_a_named_violation(tmp_path):
    mine = tmp_path / "my-standards.ttl"
    mine.write_text("""@prefix itss: <https://w3id.org/itss-graph/ontology#> .
@prefix kb:   <https://w3id.org/itss-graph/kb/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kb:std-mine a itss:Standard ; rdfs:label "我的标准"@zh , "my standard"@en .
""", encoding="utf-8")
    done = run(str(mine), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["conforms"] is False
    assert str(mine) in report["data_files"]
    mine_only = [v for v in report["violations"] if v["focus"] == "kb:std-mine"]
    assert mine_only and all(v["severity"] == "Violation" for v in mine_only)
    # everything else of the knowledge base still conforms: only the user's node is reported
    assert {v["focus"] for v in report["violations"]} == {"kb:std-mine"}


def test_the_shipped_knowledge_base_conforms_and_says_so():
    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("conforms")


def test_a_file_that_is_not_turtle_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .", encoding="utf-8")
    done = run(str(bad))
    assert done.returncode == 2
    assert str(bad) in done.stderr.splitlines()[0]
    assert "Traceback" not in done.stderr
