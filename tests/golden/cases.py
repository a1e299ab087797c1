"""The golden answers: the JSON of every query verb on the demo estate and the NetBox sample.

They pin behaviour across refactors: ``tests/test_golden.py`` re-runs every case and compares
byte for byte. When an answer changes on purpose, record again and review the diff::

    .venv/bin/python -m tests.golden.cases        # rewrites tests/golden/answers/*.json

Each case is ``(name, store, args)``; ``store`` is ``demo`` (the bank estate of ``itss demo``
at scale 1), ``netbox`` (``samples/netbox-demo``) or ``kb`` (no store: the knowledge base only).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ANSWERS = Path(__file__).resolve().parent / "answers"
ITSS = str(Path(sys.executable).with_name("itss"))
PROFILE = str(REPO / "examples" / "profiles" / "scenario-2.yaml")

CASES: list[tuple[str, str, list[str]]] = [
    ("impact-san", "demo", ["impact", "storage-array:dc1-san1"]),
    ("impact-two-core-switches", "demo", ["impact", "switch:dc1-core-1", "switch:dc1-core-2"]),
    ("impact-site-depth-2", "demo", ["impact", "site:dc1", "--depth", "2"]),
    ("blast-radius-core-switch", "demo", ["blast-radius", "switch:dc1-core-1"]),
    ("root-cause", "demo", ["root-cause", "service:0024", "service:0028", "service:0032"]),
    ("spof-service", "demo", ["spof", "service:0030"]),
    ("spof-estate", "demo", ["spof", "--limit", "0"]),
    ("depends", "demo", ["depends", "service:0030", "--depth", "3"]),
    ("path", "demo", ["path", "service:0030", "storage-array:dc1-san1"]),
    ("orphans", "demo", ["orphans", "--type", "server", "--type", "vm"]),
    ("hotspots", "demo", ["hotspots", "--top", "10"]),
    ("change-impact", "demo", ["change-impact", "server:dc1-db0030p"]),
    ("stats-demo", "demo", ["stats"]),
    ("standards-ci-type", "demo", ["standards", "--ci-type", "database"]),
    ("standards-code", "demo", ["standards", "--code", "040301"]),
    ("standards-ci", "demo", ["standards", "--ci", "database:0030p"]),
    ("gap-profile", "kb", ["gap", "--profile", PROFILE]),
    ("queries", "kb", ["queries"]),
    ("types", "kb", ["types"]),
    ("impact-cluster", "netbox", ["impact", "cluster:1"]),
    ("impact-site", "netbox", ["impact", "site:21", "--depth", "2"]),
    ("impact-router", "netbox", ["impact", "device:1"]),
    ("blast-radius-site", "netbox", ["blast-radius", "site:21"]),
    ("spof-netbox", "netbox", ["spof", "--limit", "0"]),
    ("depends-vm", "netbox", ["depends", "vm:361"]),
    ("path-vm-site", "netbox", ["path", "vm:361", "site:21"]),
    ("orphans-netbox", "netbox", ["orphans"]),
    ("hotspots-netbox", "netbox", ["hotspots", "--top", "5"]),
    ("stats-netbox", "netbox", ["stats"]),
]


def build_stores(directory: Path) -> dict[str, Path]:
    """The demo estate and the NetBox sample loaded into two SQLite files under ``directory``."""
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore
    from itss_graph.synth import write_estate

    write_estate(directory / "estate", scale=1.0)
    paths = {"demo": directory / "demo.db", "netbox": directory / "netbox.db"}
    for name, source in (("demo", directory / "estate"), ("netbox", REPO / "samples" / "netbox-demo")):
        with SQLiteStore(paths[name]) as store:
            load_inventory([source], store)
    return paths


def run_case(args: list[str], store: Path | None) -> str:
    # run beside the store and name it relatively: answers that say where the store is stay equal
    store_args = [] if store is None else ["--store", store.name]
    done = subprocess.run([ITSS, *args, *store_args, "--format", "json"],
                          capture_output=True, text=True, timeout=300,
                          cwd=REPO if store is None else store.parent,
                          env={**os.environ, "ITSS_LANG": "en"})
    if done.returncode != 0:
        raise AssertionError(f"itss {' '.join(args)} exited {done.returncode}: {done.stderr}")
    # answers name files of the repository (policies, profiles): equal wherever it is cloned
    return done.stdout.replace(str(REPO), "<repo>")


def record() -> None:
    import tempfile

    ANSWERS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stores = build_stores(Path(tmp))
        for name, store, args in CASES:
            (ANSWERS / f"{name}.json").write_text(run_case(args, stores.get(store)), encoding="utf-8")
            print("recorded", name)


if __name__ == "__main__":
    record()
