"""Where a cold Neo4j client's fixed cost goes, phase by phase, in one fresh process: importing
the driver (as ``itss`` does: :func:`itss_graph.stores.neo4j_read.import_driver`), creating the
driver, ``verify_connectivity`` (connection, Bolt handshake, HELLO/LOGON; with ``neo4j://`` also
the routing table), the first and a second query (round trips), and one record of 100k
integers and 100k strings (result transfer: the driver's codec). Wall and this process's CPU per
phase, with the load average; ``--runs`` fresh processes.

Usage (any server: a test server, or one loaded by bench/neo4j_side_by_side.py --keep)::

    .venv/bin/python bench/neo4j_startup.py bolt://127.0.0.1:7687 --runs 3
    .venv/bin/python bench/neo4j_startup.py neo4j://127.0.0.1:7687

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

PHASES = """
import json, sys, time
marks = [("start", time.perf_counter(), time.process_time())]
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
from itss_graph.stores.neo4j_read import import_driver
neo4j = import_driver(); mark("import the driver")
driver = neo4j.GraphDatabase.driver(sys.argv[1], auth=None, notifications_min_severity="OFF"); mark("driver object")
driver.verify_connectivity(); mark("verify_connectivity")
driver.execute_query("RETURN 1", routing_="r"); mark("first query")
driver.execute_query("RETURN 1", routing_="r"); mark("second query")
driver.execute_query("UNWIND range(1, 100000) AS i RETURN collect(i), collect(toString(i))", routing_="r")
mark("100k integers + 100k strings")
driver.close()
print(json.dumps([[b, round(1000 * (w1 - w0), 1), round(1000 * (c1 - c0), 1)]
                  for (a, w0, c0), (b, w1, c1) in zip(marks, marks[1:])]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("uri")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}")
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", PHASES, args.uri], capture_output=True, text=True, check=True)
        for name, wall, cpu in json.loads(out.stdout):
            print(f"{name:32s} wall {wall:7.1f} ms  CPU {cpu:7.1f} ms")
        print()
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
