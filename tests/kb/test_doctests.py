"""The docstring examples of the knowledge modules are true (they document the query API)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kb", "names", "display", "reasons", "wording", "applicability", "subjects", "profile", "gap",
           "questions", "explore", "rdfio", "compiled", "__init__"]
#: modules outside the knowledge package whose examples run on the knowledge base
OTHER_MODULES = ["itss_graph.answers.ci_standards"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # examples name repository paths
    module = importlib.import_module("itss_graph.knowledge" + ("" if name == "__init__" else f".{name}"))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "compiled"


@pytest.mark.parametrize("name", OTHER_MODULES)
def test_docstring_examples_outside_the_package(name, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
