"""The CLI pays only for what a question reaches: heavy libraries stay off the small paths.

Each command runs in a fresh interpreter (as people run the CLI) and reports which modules it
imported. No times are asserted: what is imported is what costs (bench/query_paths.py measures
the times, side by side with a naive peer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from itss_graph.loading.example import example_store

HEAVY = ("numpy", "rdflib", "neo4j", "pyvis", "networkx", "openpyxl", "scipy", "jinja2", "yaml")

# the modules are listed before json is imported to report them (json imports re)
_RUN = """
import sys
sys.argv = ["itss", *sys.argv[1:]]
import itss_graph.cli.main as entry
def report():
    modules = sorted(sys.modules)
    import json
    sys.stdout.flush()
    sys.stderr.write("\\nMODULES " + json.dumps(modules) + "\\n")
    sys.stderr.flush()
ends = entry.end_cold_process
def end():  # a plain answer ends the cold process at once: report first
    report()
    ends()
entry.end_cold_process = end
try:
    entry.main()
except SystemExit as exc:
    assert not exc.code, exc.code
report()
"""


def _modules(*args: str, env: dict | None = None) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _RUN, *args],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_help_imports_click_and_the_command_table_only_then_nothing_of_click(tmp_path):
    env = {**os.environ, "ITSS_CACHE_DIR": str(tmp_path)}
    modules = _modules("--help", env=env)  # no cached help yet: click renders it (and stores it)
    assert not _heavy(modules)
    ours = {m for m in modules if m.startswith("itss_graph")}
    assert ours <= {"itss_graph", "itss_graph.version", "itss_graph.cli", "itss_graph.cli.main",
                    "itss_graph.cli.plain", "itss_graph.cli.output", "itss_graph.cli.help_cache",
                    "itss_graph.cache_location", "itss_graph.cli.commands", "itss_graph.cli.app",
                    "itss_graph.cli.options", "itss_graph.i18n", "itss_graph.render",
                    "itss_graph.render.formats"}, ours
    assert "wcwidth" not in modules
    modules = _modules("--help", env=env)  # the help click printed, from the cache
    assert "click" not in modules and "itss_graph.cli.app" not in modules
    assert not {"typing", "gettext", "pathlib", "dataclasses"} & modules, {"typing", "gettext", "pathlib",
                                                                          "dataclasses"} & modules


def test_a_small_impact_walks_by_sql_without_numpy_or_the_closure_index(tmp_path):
    db = tmp_path / "x.db"
    example_store(str(db)).close()
    _modules("impact", "pdu:a", "--store", str(db))  # compiled caches (schema, KB) warm
    modules = _modules("impact", "pdu:a", "--store", str(db))
    assert not _heavy(modules), _heavy(modules)
    assert "itss_graph.stores.graph_index" not in modules
    assert not (tmp_path / "x.db.index").exists()  # no index was built for it
    # the same question in JSON, and a failure that reaches more, walk the same way
    assert not _heavy(_modules("impact", "server:db1", "--format", "json", "--store", str(db)))


def test_a_small_impact_imports_no_dataclasses_pathlib_gettext_or_re(tmp_path):
    # dataclasses pulls in inspect, ast, dis and tokenize and creates each class at import:
    # ~10 ms of a cold process, more than the answer (the model, schema, settings, blast radius
    # and obligations on this path are plain classes; loads may still use dataclasses).
    # pathlib brings urllib.parse and ipaddress (~4 ms: the caches are keyed by plain strings),
    # gettext and locale are for Chinese only, pickle.py and copy have cheaper equivalents.
    db = tmp_path / "x.db"
    example_store(str(db)).close()
    _modules("impact", "pdu:a", "--store", str(db))  # compiled caches (schema, KB) warm
    for args in (("impact", "pdu:a"), ("impact", "server:db1", "--format", "json"),
                 ("impact", "pdu:a", "--lang", "zh")):
        modules = _modules(*args, "--store", str(db))
        assert "itss_graph.cli.app" not in modules  # the plain entry answered
        unwanted = {"dataclasses", "inspect", "ast", "pathlib", "urllib.parse", "ipaddress", "pickle",
                    # contextlib (loads take the lock), importlib and warnings (itss_graph's lazy
                    # names use __import__), the tables' layout (the store keeps their version)
                    "contextlib", "importlib", "warnings", "itss_graph.stores.layout"}
        if "zh" not in args:
            unwanted |= {"gettext", "locale", "copy", "weakref"}  # (gettext's catalogue imports copy)
        if len(args) == 2:
            # a table: the properties are decoded by json's C scanner without the json package,
            # which imports re and enum (~5 ms); JSON output brings them, Chinese (gettext) re
            unwanted |= {"json", "re", "enum"}
        assert not unwanted & modules, (args, unwanted & modules)
    # in a narrow terminal the long lines are wrapped under their list markers, read without re
    modules = _modules("impact", "pdu:a", "--store", str(db), env={**os.environ, "COLUMNS": "40"})
    assert not {"json", "re", "enum"} & modules, {"json", "re", "enum"} & modules


def test_a_large_impact_turns_to_the_closure_index(tmp_path, monkeypatch):
    # a budget of no relations at all: every walk goes to the index (numpy), same answer
    db = tmp_path / "x.db"
    example_store(str(db)).close()
    small = subprocess.run([sys.executable, "-m", "itss_graph.cli.main", "impact", "pdu:a",
                            "--format", "json", "--store", str(db)], capture_output=True, text=True)
    monkeypatch.setenv("ITSS_INDEX_AFTER_EDGES", "0")
    modules = _modules("impact", "pdu:a", "--store", str(db))
    assert "numpy" in modules and "itss_graph.stores.graph_index" in modules
    assert "numba" not in {m.split(".")[0] for m in modules}  # the compiled kernel is the server's
    large = subprocess.run([sys.executable, "-m", "itss_graph.cli.main", "impact", "pdu:a",
                            "--format", "json", "--store", str(db)], capture_output=True, text=True)
    assert small.returncode == large.returncode == 0, small.stderr + large.stderr
    assert json.loads(small.stdout) == json.loads(large.stdout)


def test_standards_of_a_ci_type_read_the_compiled_knowledge_base_without_rdflib():
    _modules("standards", "--ci-type", "database")  # the compiled cache is warm from here on
    modules = _modules("standards", "--ci-type", "database")
    assert not _heavy(modules), _heavy(modules)


def test_standards_of_a_ci_type_import_no_dataclasses_pathlib_or_re(tmp_path):
    # as a small impact (above): the answer's records (applicability, reasons, SourceRef) are
    # plain classes, the compiled knowledge base is keyed by file names, the schema's name keys
    # are folded without re; a table sent to a pipe or a file imports neither re nor enum (JSON
    # and CSV bring re with the json and csv modules, Chinese with gettext).
    env = {**os.environ, "ITSS_CACHE_DIR": str(tmp_path)}
    _modules("standards", "--ci-type", "database", env=env)  # compiled caches (schema, KB) warm
    for args in (("--ci-type", "database"), ("--ci-type", "数据库"), ("--ci-type", "database", "--format", "json"),
                 ("--ci-type", "database", "--format", "csv"), ("--ci-type", "database", "--lang", "zh")):
        modules = _modules("standards", *args, env=env)
        assert "itss_graph.cli.app" not in modules  # the plain entry answered
        unwanted = {"dataclasses", "inspect", "ast", "pathlib", "urllib.parse", "ipaddress", "pickle", "typing",
                    "itss_graph.textmatch", "unicodedata"}
        if "zh" not in args:
            unwanted |= {"gettext", "locale", "copy"}
        if len(args) == 2:
            unwanted |= {"re", "enum"}
        assert not unwanted & modules, (args, unwanted & modules)
