"""`itss kb`: stats, search, show, export, sparql — formats, languages, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ITSS = str(Path(sys.executable).with_name("itss"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, env={**os.environ}, timeout=300)


def test_stats():
    doc = json.loads(run("kb", "stats", "--format", "json").stdout)
    assert doc["triples"] > 20000 and doc["source_units"] == len(doc["units"]) > 100
    assert doc["classes"]["itss:ServiceCategory"] == 55
    assert sum(u["triples"] for u in doc["units"]) <= doc["triples"] + sum(u["triples"] for u in doc["units"])
    unit = next(u for u in doc["units"] if u["unit"] == "src:t3-1")
    assert unit["section"] == "3.2.1" and unit["files"] == ["t3-1-ci-class-links.ttl", "t3-1-service-categories.ttl"]
    table = run("kb", "stats").stdout
    assert "Instances by class" in table and "Triples by source unit" in table


@pytest.mark.parametrize("text, expected", [("事件管理", "kb:proc-事件管理"), ("Spare-parts store", "kb:res-备件库"),
                                            ("28827.2", "kb:std-运维-2")])
def test_search_in_either_language(text, expected):
    doc = json.loads(run("kb", "search", text, "--format", "json").stdout)
    assert doc["hits"][0]["id"] == expected
    assert doc["hits"][0]["sources"]


def test_show_entity_neighbourhood_with_provenance():
    done = run("kb", "show", "应急响应规范", "--lang", "zh", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["id"] == "kb:std-运维-3"
    out = {(e["predicate"], (e["node"] or {}).get("id") or e["value"]) for e in doc["outgoing"]}
    assert ("itss:definesProcess", "kb:proc-应急响应") in out
    assert ("dcterms:identifier", "GB/T 28827.3") in out
    incoming = {e["node"]["id"] for e in doc["incoming"]}
    assert "kb:series-运行维护" in incoming
    assert all(e["sources"] for e in doc["outgoing"])
    text = run("kb", "show", "kb:std-运维-3").stdout
    assert text.startswith("GB/T 28827.3 Information technology service") and "Pointed at by" in text


def test_show_unknown_exits_2():
    done = run("kb", "show", "no such thing at all")
    assert done.returncode == 2 and done.stderr.startswith("itss: error: no entity named 'no such thing at all'")


def test_sparql_select_ask_construct_bindings_and_files(tmp_path):
    q = 'SELECT ?code WHERE { ?c skos:notation ?code ; skos:broader ?p } ORDER BY ?code'
    done = run("kb", "sparql", q, "--bind", "p=kb:cat-0403", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [r["code"] for r in json.loads(done.stdout)["rows"]] == ["040301", "040302", "040303", "040399"]
    assert run("kb", "sparql", "ASK { kb:std-运维-1 a itss:Standard }").stdout.strip() == "true"
    path = tmp_path / "q.rq"
    path.write_text("CONSTRUCT { ?s itss:status ?st } WHERE { ?s itss:status ?st ; dcterms:identifier ?id }",
                    encoding="utf-8")
    csv_out = run("kb", "sparql", f"@{path}", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "subject,predicate,object" and "itss:Published" in csv_out
    named = run("kb", "sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH src:t3-1 { ?c skos:notation ?x } }",
                "--format", "csv").stdout
    assert named.splitlines()[1] == "55"
    # a bound value is data, never query text
    injected = run("kb", "sparql", "SELECT ?s WHERE { ?s skos:notation ?n }", "--bind", 'n=04" } #',
                   "--format", "json")
    assert injected.returncode == 0 and json.loads(injected.stdout)["rows"] == []


@pytest.mark.parametrize("query, message", [
    ("INSERT DATA { kb:a kb:b kb:c }", "only read-only queries"),
    ("DELETE WHERE { ?s ?p ?o }", "only read-only queries"),
    ("SELEKT ?x", "invalid SPARQL"),
    ("@/no/such/file.rq", "cannot read the query file"),
])
def test_sparql_errors_exit_2(query, message):
    done = run("kb", "sparql", query)
    assert done.returncode == 2 and message in done.stderr


def test_export_to_a_file(tmp_path):
    out = tmp_path / "kb.trig"
    done = run("kb", "export", "--format", "trig", "-o", str(out))
    assert done.returncode == 0, done.stderr
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(out, format="trig")
    assert len(list(dataset.graphs())) > 100
    assert run("kb", "export", "--format", "rdfxml").returncode == 2
