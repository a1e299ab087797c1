"""An unknown CI id, CI type, relation type, profile, query or command is answered with exit
status 2 and the closest matches, in the first line of stderr."""

from __future__ import annotations

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    from itss_graph.loading.example import example_store

    path = tmp_path_factory.mktemp("example") / "example.db"
    example_store(str(path)).close()
    return str(path)


@pytest.mark.parametrize("args", [
    ["impact", "Server:DB1"], ["blast-radius", "server:db-1"], ["root-cause", "DB host 1"],
    ["spof", "server:db01"], ["depends", "SERVER:DB1"], ["path", "server:db-1", "pdu:a"],
    ["change-impact", "server:db_1"], ["history", "server:db-1"], ["standards", "--ci", "DB host 1"],
    ["show", "ｓｅｒｖｅｒ:ｄｂ１"], ["view", "impact", "server:db-1", "-o", "x.html"],
    ["view", "deps", "server:db-1", "-o", "x.html"], ["report", "impact", "server:db-1", "-o", "x.html"],
])
def test_unknown_ci_ids_name_the_ci_meant(args, example_db, tmp_path):
    done = run(*args, "--store", example_db, cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    first = done.stderr.splitlines()[0]
    assert first.startswith("itss: error: unknown CI id: "), first
    assert first.endswith("(did you mean 'server:db1' DB host 1?)"), first


def test_several_unknown_ids_and_one_without_a_likely_match(example_db):
    done = run("impact", "server:db-1", "qqqqqqqq", "--store", example_db)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "itss: error: unknown CI ids: 'server:db-1' (did you mean 'server:db1' DB host 1?), 'qqqqqqqq'")


def test_a_near_miss_offers_the_closest_few(example_db):
    first = run("impact", "vm:web", "--store", example_db).stderr.splitlines()[0]
    assert first == "itss: error: unknown CI id: 'vm:web' (did you mean 'vm:web1' Web VM 1, 'vm:web2' Web VM 2?)"


@pytest.mark.parametrize("args", [
    ["find", "x", "--type", "swich"], ["orphans", "--type", "swich"], ["standards", "--ci-type", "swich"],
    ["report", "standards", "--ci-type", "swich", "-o", "x.html"],
    ["view", "standards", "--ci-type", "swich", "-o", "x.html"],
])
def test_unknown_ci_types(args, example_db, tmp_path):
    done = run(*args, "--store", example_db, cwd=tmp_path) if args[0] in ("find", "orphans") else run(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "itss: error: unknown CI type 'swich' (did you mean 'switch'?)"


def test_unknown_query_parameter_type_query_name_and_profile(example_db, tmp_path):
    done = run("query", "cis-of-type", "--param", "type=swich", "--store", example_db)
    assert done.returncode == 2
    assert "unknown CI type 'swich' (did you mean 'switch'?)" in done.stderr.splitlines()[0]
    done = run("queries", "--show", "spf")
    assert done.returncode == 2 and "(did you mean 'spof'?)" in done.stderr.splitlines()[0]
    done = run("query", "blast-radus", "--store", example_db)
    assert done.returncode == 2 and "(did you mean 'blast-radius'?)" in done.stderr.splitlines()[0]
    (tmp_path / "t.csv").write_text("a\n1\n", encoding="utf-8")
    done = run("load", "--profile", "cn-asset-regster", str(tmp_path / "t.csv"), "--store", str(tmp_path / "x.db"))
    assert done.returncode == 2 and "(did you mean 'cn-asset-register'?)" in done.stderr


def test_relation_types_by_name_label_or_alias():
    from itss_graph.errors import UnknownNameError
    from itss_graph.schema import load_schema

    schema = load_schema()
    assert schema.require_relation_type("runs on") == "RUNS_ON"
    with pytest.raises(UnknownNameError, match=r"unknown relation type 'RUN_ON' \(did you mean 'RUNS_ON'"):
        schema.require_relation_type("RUN_ON")


@pytest.mark.parametrize("typo,meant", [("impct", "impact"), ("blast", "blast-radius"), ("hist", "history"),
                                        ("fnd", "find")])
def test_command_typos(typo, meant):
    done = run(typo)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (f"itss: error: no such command {typo!r} (did you mean {meant!r}?); "
                                           "`itss --help` lists them")
    nested = run("kb", "serch", "x")
    assert nested.returncode == 2 and "Did you mean 'search'?" in nested.stderr
