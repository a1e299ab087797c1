"""Pick the impact probes of an estate automatically, from a loaded store.

Three kinds of question, whatever the estate's shape:

* **typical** — a CI whose failure reaches tens of CIs, both for ``itss impact`` and for the
  naive closure (a deterministic sample of the estate, the one nearest 30 on both, on a log
  scale): the question people ask most;
* **core switch** — of the switches whose ``role`` is ``core`` or ``spine`` (all switches when
  none is), the one whose ``itss impact`` reaches most;
* **fan-in service** — the CI, not a redundancy group, with the most direct dependants over
  the failure-flow edges (an AD/DNS-like service).

Run as a script (a fresh process: it builds the closure index of the store if needed):

    .venv/bin/python bench/probes.py STORE.db > probes.json
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TYPICAL_TARGET = 30
SAMPLE = 600  # candidates for the typical probe
EVALUATED = 80  # of which at most this many are asked to itss
CORE_ROLES = ("core", "spine")


def pick(db: Path) -> dict:
    from bench.flowgraph import FlowGraph
    from itss_graph.engine.impact import impact
    from itss_graph.schema import load_schema
    from itss_graph.stores.sqlite import SQLiteStore

    schema = load_schema()
    graph = FlowGraph(db)
    store = SQLiteStore(db, create=False)
    groups = sorted(name for name, t in schema.ci_types.items() if t.is_group)

    def itss_reach(ci_id: str) -> int:
        return len(impact(store, [ci_id], schema=schema, with_props=False).columns)

    def entry(ci_id: str, **extra) -> dict:
        ci_type = store.db.execute("SELECT type FROM ci WHERE id = ?", (ci_id,)).fetchone()[0]
        return {"id": ci_id, "type": ci_type, "itss_reached": itss_reach(ci_id),
                "naive_reached": graph.reach(ci_id), **extra}

    try:
        # fan-in: most direct dependants, groups left out
        degree = graph.direct_dependants()
        keys = {n: i for i, n in graph.ids.items()}
        kinds = dict(store.db.execute("SELECT n, type FROM ci"))
        order = degree.argsort()[::-1]
        fan_in = next(int(n) for n in order if kinds.get(int(n)) not in groups)
        picks = {"fan-in service": entry(keys[fan_in], direct_dependants=int(degree[fan_in]))}

        # core switch: the core/spine switch whose impact reaches most
        marks = ", ".join("?" for _ in CORE_ROLES)
        switches = [r[0] for r in store.db.execute(
            f"SELECT id FROM ci WHERE type = 'switch' AND json_extract(props, '$.role') IN ({marks}) ORDER BY id",
            CORE_ROLES)] or [r[0] for r in store.db.execute("SELECT id FROM ci WHERE type = 'switch' ORDER BY id")]
        switches = sorted(switches, key=lambda s: (-graph.reach(s), s))[:40]
        reaches = {s: itss_reach(s) for s in switches}
        core = min(reaches, key=lambda s: (-reaches[s], s))
        picks["core switch"] = entry(core, candidates=len(reaches))

        # typical: nearest TYPICAL_TARGET on both answers, from a deterministic sample
        total = store.db.execute("SELECT count(*) FROM ci").fetchone()[0]
        step = max(1, total // SAMPLE)
        marks = ", ".join("?" for _ in groups) or "''"
        sample = [r[0] for r in store.db.execute(
            f"SELECT id FROM ci WHERE n % ? = 0 AND type NOT IN ({marks}) ORDER BY n", (step, *groups))]
        naive = {s: graph.reach(s) for s in sample}
        near = sorted(sample, key=lambda s: (abs(math.log(max(1, naive[s]) / TYPICAL_TARGET)), s))[:EVALUATED]

        def score(s: str) -> float:
            return sum(abs(math.log(max(1, x) / TYPICAL_TARGET)) for x in (naive[s], itss_reach(s)))

        typical = min(near, key=lambda s: (score(s), s))
        picks = {"typical": entry(typical, sampled=len(sample)), **picks}
    finally:
        store.close()
    return picks


if __name__ == "__main__":
    json.dump(pick(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1)
