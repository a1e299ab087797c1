"""An independent oracle for impact answers, used to check the engine.

It reads the failure semantics straight from ``ontology/cmdb.ttl`` with rdflib (not through the
product's schema module) and computes the answer as a least fixpoint over the whole relation
list — slow, simple and obviously right — instead of the engine's breadth-first expansion.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

CMDB = "https://w3id.org/itss-graph/cmdb#"
ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "cmdb.ttl"


def relation_semantics() -> dict[str, tuple[str, str]]:
    """relation name -> (effect on source when target fails, effect on target when source fails)"""
    import rdflib
    from rdflib.namespace import SKOS

    g = rdflib.Graph().parse(ONTOLOGY)
    out = {}
    for node, name in g.subject_objects(rdflib.URIRef(CMDB + "relationName")):
        on_target = g.value(g.value(node, rdflib.URIRef(CMDB + "onTargetFailure")), SKOS.notation)
        on_source = g.value(g.value(node, rdflib.URIRef(CMDB + "onSourceFailure")), SKOS.notation)
        out[str(name)] = (str(on_target), str(on_source))
    return out


def read_csv_pair(directory: Path, extra: list[Path] = ()) -> tuple[dict[str, dict], list[tuple[str, str, str]]]:
    with (directory / "cis.csv").open(encoding="utf-8-sig") as fh:
        cis = {row["id"]: row for row in csv.DictReader(fh)}
    rels: set[tuple[str, str, str]] = set()
    for path in [directory / "relations.csv", *extra]:
        with path.open(encoding="utf-8-sig") as fh:
            rels.update((r["source"], r["type"], r["target"]) for r in csv.DictReader(fh))
    return cis, sorted(rels)


def expected_impact(cis: dict[str, dict], rels: list[tuple[str, str, str]],
                    failed: set[str]) -> tuple[set[str], set[str]]:
    """(down, degraded) when every CI of ``failed`` fails, by fixpoint iteration."""
    semantics = relation_semantics()
    # dependent -> list of (effect, relation, provider)
    deps: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, r, t in rels:
        on_target, on_source = semantics[r]
        if on_target != "none":
            deps[s].append((on_target, r, t))
        if on_source != "none":
            deps[t].append((on_source, r, s))

    def min_up(ci: str) -> int:
        try:
            return max(1, int(cis.get(ci, {}).get("min_up") or 1))
        except ValueError:
            return 1

    lost = set(failed)
    changed = True
    while changed:
        changed = False
        for ci, providers in deps.items():
            if ci in lost:
                continue
            hard = any(e == "down" and p in lost for e, _, p in providers)
            groups: dict[str, list[str]] = defaultdict(list)
            for e, r, p in providers:
                if e == "redundant":
                    groups[r].append(p)
            redundant = any(sum(p not in lost for p in ps) < min_up(ci)
                            and any(p in lost for p in ps) for ps in groups.values())
            if hard or redundant:
                lost.add(ci)
                changed = True
    down = lost - set(failed)
    degraded = {
        ci for ci, providers in deps.items()
        if ci not in lost and any(e in ("degraded", "redundant") and p in lost for e, _, p in providers)
    }
    return down, degraded
