"""A load that stops between its checks and its write, for concurrency tests.

    python -m tests.support.paused_load STORE INPUT CHECKED GO

Stages INPUT, runs the checks against STORE (a SQLite path or a bolt:// URI), creates the file
CHECKED, waits until the file GO exists, then writes. Exit status 0 when loaded, 2 with the
problems on stderr when the input was refused — as `itss load`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from itss_graph.errors import InputError
from itss_graph.loading.load import Loader
from itss_graph.stores import open_store


def main(store_target: str, source: str, checked: str, go: str) -> int:
    with open_store(store_target) as store, Loader(store) as loader:
        loader.stage_files([Path(source)])
        try:
            loader.check()
        except InputError as exc:
            Path(checked).touch()
            print(exc, file=sys.stderr)
            return 2
        Path(checked).touch()
        while not Path(go).exists():
            time.sleep(0.05)
        loader.apply()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
