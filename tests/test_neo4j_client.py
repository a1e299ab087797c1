"""The Neo4j client's start-up: what a cold `itss` process pays before its first query."""

from __future__ import annotations

import subprocess
import sys


def _python_succeeds(code: str) -> None:
    """Run ``code`` in a fresh interpreter (module state as a cold ``itss`` process has it)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_driver_is_imported_without_numpy_and_numpy_stays_importable():
    code = ("import sys\n"
            "from itss_graph.stores.neo4j_read import import_driver\n"
            "neo4j = import_driver()\n"
            "assert neo4j.GraphDatabase is not None\n"
            "assert 'numpy' not in sys.modules, 'the driver imported numpy'\n"
            "import numpy\n"
            "assert numpy.zeros(2).sum() == 0\n")
    _python_succeeds(code)


def test_numpy_already_imported_is_left_alone():
    code = ("import numpy, sys\n"
            "from itss_graph.stores.neo4j_read import import_driver\n"
            "import_driver()\n"
            "assert sys.modules['numpy'] is numpy\n")
    _python_succeeds(code)


def test_every_optional_module_hidden_for_the_driver_is_restored():
    """numpy, pandas and pyarrow are hidden only while the driver imports: afterwards none is
    left mapped to None (which would make every later import of it fail), and a module already
    imported — here a stand-in for pyarrow — is the same object as before."""
    code = ("import sys, types\n"
            "fake = sys.modules['pyarrow'] = types.ModuleType('pyarrow')\n"
            "from itss_graph.stores.neo4j_read import _DRIVER_OPTIONAL, import_driver\n"
            "import_driver()\n"
            "assert sys.modules['pyarrow'] is fake\n"
            "left = [n for n in _DRIVER_OPTIONAL if n in sys.modules and sys.modules[n] is None]\n"
            "assert not left, left\n"
            "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules\n"
            "import neo4j._optional_deps as deps\n"
            "assert deps.np is None and deps.pd is None\n"
            "import numpy\n"
            "assert numpy.arange(3).tolist() == [0, 1, 2]\n"
            "try:\n"
            "    import pandas\n"
            "except ImportError as exc:\n"
            "    assert 'halted' not in str(exc), exc  # not installed: fine; hidden: not fine\n")
    _python_succeeds(code)
