"""Runtime dependencies are exactly what the package imports (pyproject.toml vs the code)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Distributions that provide an import name another declared distribution also provides:
# neo4j-rust-ext is the Neo4j driver's Rust codec (same `neo4j` package, faster decoding).
PROVIDES_THE_SAME = {"neo4j-rust-ext": "neo4j"}


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}


def _imported_top_level() -> set[str]:
    names = set()
    for path in (REPO / "itss_graph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "itss_graph"}


def test_declared_dependencies_are_exactly_the_imported_ones():
    by_module = packages_distributions()
    imported = {d.lower() for name in _imported_top_level() for d in by_module.get(name, [name])}
    declared = _declared()
    undeclared = imported - declared
    unused = {d for d in declared - imported if PROVIDES_THE_SAME.get(d) not in _imported_top_level()}
    assert not undeclared, f"imported but not declared in pyproject.toml: {sorted(undeclared)}"
    assert not unused, f"declared but never imported (move to an extra or drop): {sorted(unused)}"
