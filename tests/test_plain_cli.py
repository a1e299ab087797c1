"""The plain command line (itss_graph.cli.plain) prints what the click command line prints.

Every argv form runs in two fresh interpreters: through the entry point (``itss_graph.cli.main``:
the plain path first, click for the rest) and through the click application alone
(``itss_graph.cli.app``). Standard output, standard error and the exit status must be the same,
byte for byte; the plain forms must be answered without importing click, every other form
(errors included) by click. No times are asserted (bench/query_paths.py measures them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from itss_graph.loading.example import example_store

_RUN = """
import atexit, json, sys
import itss_graph.cli.main as entry
from itss_graph.cli.{module} import main
marker, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["itss", *args]
def mark():
    open(marker, "w").write("click" if "click" in sys.modules else "plain")
atexit.register(mark)
ends = entry.end_cold_process
def end():  # a plain answer ends the process without atexit's work: mark first
    mark()
    ends()
entry.end_cold_process = end
main()
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "shop.db"
    example_store(str(path)).close()
    return str(path)


def _run(module: str, args: list[str], env: dict, tmp_path) -> tuple[str, bytes, bytes, int]:
    marker = tmp_path / f"marker-{module}"
    done = subprocess.run([sys.executable, "-c", _RUN.format(module=module), str(marker), json.dumps(args)],
                          capture_output=True, env=env, timeout=300)
    return marker.read_text(), done.stdout, done.stderr, done.returncode


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "ITSS_LANG", "ITSS_STORE", "LANGUAGE")}
    env.update(PYTHONIOENCODING="utf-8", ITSS_CACHE_DIR=str(tmp_path / "cache"), **extra)
    return env


def _same(args: list[str], env: dict, tmp_path) -> tuple[str, bytes, bytes, int]:
    """Run ``args`` both ways; return the entry point's path (plain or click) and its output."""
    click_path, click_out, click_err, click_code = _run("app", args, env, tmp_path)  # first: it writes the help cache
    path, out, err, code = _run("main", args, env, tmp_path)
    assert click_path == "click"
    assert (out.decode(), err.decode(), code) == (click_out.decode(), click_err.decode(), click_code)
    return path, out, err, code


PLAIN = [
    ["impact", "server:db1", "--store", "{db}"],
    ["impact", "pdu:a", "server:db1", "--store", "{db}", "--format", "json"],
    ["impact", "--store", "{db}", "pdu:a", "--format", "csv"],
    ["impact", "switch:core1", "--lang", "zh", "--store", "{db}"],
    ["impact", "server:db1", "--store", "{db}", "--lang", "en", "--format", "json"],
    ["standards", "--ci-type", "database"],
    ["standards", "--ci-type", "server", "--lang", "zh"],
    ["standards", "--format", "json", "--ci-type", "database"],
    ["standards", "--ci-type", "database", "--format", "csv"],
]

FALLBACK = [  # (argv, exit status)
    (["impact", "server:nope", "--store", "{db}"], 2),                 # unknown CI: ids suggested
    (["impact", "server:db1", "--store", "{db}.missing"], 2),          # no such store
    (["impact", "server:db1", "--store", "{db}", "--format", "xml"], 2),  # not a format
    (["impact", "server:db1", "--store", "{db}", "--lang", "fr"], 2),
    (["impact", "--store", "{db}"], 2),                                  # no CI id
    (["impact", "server:db1", "--store"], 2),                            # an option without its value
    (["impact", "", "--store", "{db}"], 2),
    (["impact", "server:db1", "--store", "{db}", "--store", "{db}"], 0),  # an option twice
    (["impact", "server:db1", "--store={db}"], 0),
    (["impact", "server:db1", "--depth", "1", "--store", "{db}"], 0),
    (["impact", "--", "server:db1", "--store", "{db}"], 2),
    (["impact", "--help"], 0),
    (["standards", "--ci-type", "no-such-type"], 2),
    (["standards", "--ci-type", "database", "--code", "04"], 2),
    (["standards", "--ci-type", "database", "--brief"], 0),
    (["standards", "database"], 2),
    (["standards"], 2),
    (["nosuch", "server:db1"], 2),
    (["--version"], 0),
    (["--lang", "zh", "--help"], 0),
]


def _args(form: list[str], db: str) -> list[str]:
    return [arg.format(db=db) for arg in form]


@pytest.mark.parametrize("form", PLAIN, ids=" ".join)
def test_plain_forms_answer_without_click_as_click_does(form, db, tmp_path):
    path, out, err, code = _same(_args(form, db), _env(tmp_path), tmp_path)
    assert path == "plain" and code == 0 and out and not err


@pytest.mark.parametrize(("form", "status"), FALLBACK, ids=[" ".join(form) for form, _ in FALLBACK])
def test_every_other_form_and_every_error_is_clicks(form, status, db, tmp_path):
    path, out, err, code = _same(_args(form, db), _env(tmp_path), tmp_path)
    assert path == "click" and code == status, err
    if status == 2:
        assert not out and err


def test_the_store_of_the_environment_and_chinese_of_the_environment(db, tmp_path):
    path, out, _, code = _same(["impact", "server:db1"], _env(tmp_path, ITSS_STORE=db, ITSS_LANG="zh"), tmp_path)
    assert path == "plain" and code == 0 and "服务" in out.decode()


def test_a_stream_click_would_re_encode_is_left_to_click(db, tmp_path):
    env = _env(tmp_path)
    env["PYTHONIOENCODING"] = "ascii"
    path, out, _, code = _same(_args(["impact", "switch:core1", "--store", "{db}", "--lang", "zh"], db), env, tmp_path)
    assert path == "click" and code == 0 and "服务" in out.decode()


@pytest.mark.parametrize("extra", [{}, {"ITSS_LANG": "zh"}, {"COLUMNS": "60"}, {"COLUMNS": "200"}],
                         ids=["en", "zh", "60 columns", "200 columns"])
def test_help_is_clicks_own_rendering_from_the_cache(extra, tmp_path):
    env = _env(tmp_path, **extra)
    for form in (["--help"], ["-h"], []):
        first = _same(form, env, tmp_path)   # the click path ran first in each pair: the cache is warm
        assert first[0] == "plain", form
        assert first[3] == (2 if not form else 0)
        usage = "用法：" if extra.get("ITSS_LANG") == "zh" else "Usage:"
        assert (first[1] if form else first[2]).decode().startswith(f"{usage} itss [OPTIONS] COMMAND")


def test_help_without_its_cache_is_clicks(tmp_path):
    path, out, _, code = _run("main", ["--help"], _env(tmp_path), tmp_path)
    assert (path, code) == ("click", 0) and out.startswith(b"Usage: itss")
    assert _run("main", ["--help"], _env(tmp_path), tmp_path)[:2] == ("plain", out)


def test_a_cached_help_is_dropped_when_a_file_it_comes_from_changes(tmp_path, monkeypatch):
    from itss_graph.cli import help_cache

    source = tmp_path / "commands.py"
    source.write_text("one")
    monkeypatch.setenv("ITSS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(help_cache, "sources", lambda lang, click_file: [str(source), click_file])
    help_cache.store("Usage: itss\n", "en", help_cache.__file__)
    assert help_cache.cached("en") == "Usage: itss\n"
    source.write_text("two, longer")
    assert help_cache.cached("en") is None


def test_an_interrupt_is_reported_as_click_reports_it(db, tmp_path):
    # the answer interrupted (Ctrl-C) before it is printed: "Aborted." and exit 130, both ways
    code = ("import sys, signal, os\n"
            "from itss_graph.cli import impact_run\n"
            "def interrupted(*args):\n"
            "    raise KeyboardInterrupt\n"
            "impact_run.run_impact = interrupted\n"
            "from itss_graph.cli.{module} import main\n"
            "sys.argv = ['itss', 'impact', 'server:db1', '--store', sys.argv[1]]\n"
            "main()\n")
    outs = [subprocess.run([sys.executable, "-c", code.format(module=module), db], capture_output=True,
                           env=_env(tmp_path), timeout=300) for module in ("main", "app")]
    assert outs[0].returncode == outs[1].returncode == 130
    assert outs[0].stderr == outs[1].stderr == b"\nAborted.\n"
    assert outs[0].stdout == outs[1].stdout == b""
