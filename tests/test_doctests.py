"""The docstring examples of the modules below are true (they document the API people call)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["itss_graph.textmatch", "itss_graph.errors", "itss_graph.stores.base",
           "itss_graph.stores.sqlite_read", "itss_graph.answers.find", "itss_graph.answers.show",
           "itss_graph.render.ci", "itss_graph.render.table", "itss_graph.render.formats",
           "itss_graph.cli.options"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
