"""The Neo4j client's start-up: what a cold `itss` process pays before its first query."""

from __future__ import annotations

import subprocess
import sys


def test_the_driver_is_imported_without_numpy_and_numpy_stays_importable():
    code = ("import sys\n"
            "from itss_graph.stores.neo4j_read import import_driver\n"
            "neo4j = import_driver()\n"
            "assert neo4j.GraphDatabase is not None\n"
            "assert 'numpy' not in sys.modules, 'the driver imported numpy'\n"
            "import numpy\n"
            "assert numpy.zeros(2).sum() == 0\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_numpy_already_imported_is_left_alone():
    code = ("import numpy, sys\n"
            "from itss_graph.stores.neo4j_read import import_driver\n"
            "import_driver()\n"
            "assert sys.modules['numpy'] is numpy\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
