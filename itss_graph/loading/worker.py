"""Entry point of a bulk-path worker process: ``python -m itss_graph.loading.worker`` reads one
job (JSON) on stdin, stages that piece of a file into its shard database
(:func:`itss_graph.loading.fastcsv.stage_chunk`) and writes progress lines ``P <bytes>`` and a
last line ``R <json result>`` on stdout. The loader side is :mod:`itss_graph.loading.processes`.
"""

from __future__ import annotations

import json
import sys

from itss_graph.loading.fastcsv import stage_chunk


def main() -> None:
    job = json.loads(sys.stdin.read())
    last = [0]

    def report(position: int) -> None:
        if position - last[0] >= 1 << 20:
            last[0] = position
            print(f"P {position}", flush=True)

    print("R " + json.dumps(stage_chunk(job, report)), flush=True)


if __name__ == "__main__":
    main()
