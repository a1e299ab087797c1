"""The ``questions`` group of bench/run.py: cold-CLI ``spof`` and ``root-cause`` on an estate.

Services are picked from a sample of the estate's business services by the size of their
upstream closure (nearest ~5k CIs: one for ``spof``, three for ``root-cause``), and ``spof`` of
the largest sampled service shows how it grows. (Folded in from the earlier bench/run.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.measure import repeat

SPOF_TARGET_SIZE = 5000


def pick_services(db: Path, wanted: int = SPOF_TARGET_SIZE, sample: int = 400) -> dict:
    from itss_graph.engine.reach import upstream
    from itss_graph.engine.spof import business_services
    from itss_graph.schema import load_schema
    from itss_graph.stores.sqlite import SQLiteStore

    store = SQLiteStore(db, create=False)
    try:
        services = business_services(store, load_schema())
        step = max(1, len(services) // sample)
        sizes = {s: len(upstream(store, [s])) for s in services[::step]}
    finally:
        store.close()
    nearest = sorted(sizes, key=lambda s: (abs(sizes[s] - wanted), s))
    return {"spof": nearest[0], "spof_upstream": sizes[nearest[0]],
            "root_cause": nearest[:3], "root_cause_upstream": [sizes[s] for s in nearest[:3]],
            "largest": max(sizes, key=sizes.get), "largest_upstream": max(sizes.values())}


def questions_group(db: Path, itss: str, times: int, env: dict) -> dict:
    picks = pick_services(db)
    store = ["--store", str(db)]
    out_file = db.parent / "question.json"

    def cold(args: list[str], n: int) -> tuple[float, dict]:
        measured = repeat([itss, *args, "--format", "json", *store], n, env=env, stdout=out_file)
        return measured["wall_s"], json.loads(out_file.read_text(encoding="utf-8"))

    out: dict = {"picks": picks}
    wall, answer = cold(["spof", picks["spof"]], times)
    out["spof ~5k"] = {"target": picks["spof"], "upstream": picks["spof_upstream"],
                       "spof_found": answer["summary"]["total"], "cold_cli_s": wall}
    wall, answer = cold(["root-cause", *picks["root_cause"]], times)
    out["root-cause 3 services"] = {"symptoms": picks["root_cause"], "upstream": picks["root_cause_upstream"],
                                    "candidates": answer["summary"]["candidates"], "cold_cli_s": wall}
    wall, _ = cold(["spof", picks["largest"]], 1)
    out["spof largest sampled"] = {"target": picks["largest"], "upstream": picks["largest_upstream"],
                                   "cold_cli_s": wall}
    return out
