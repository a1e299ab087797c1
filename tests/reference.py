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


Rel = tuple  # (source, type, target) or (source, type, target, redundancy_group, min_up)


def read_csv_pair(directory: Path, extra: list[Path] = ()) -> tuple[dict[str, dict], list[Rel]]:
    with (directory / "cis.csv").open(encoding="utf-8-sig") as fh:
        cis = {row["id"]: row for row in csv.DictReader(fh)}
    rels: set[Rel] = set()
    for path in [directory / "relations.csv", *extra]:
        with path.open(encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                group, min_up = r.get("redundancy_group") or None, r.get("min_up") or None
                rels.add((r["source"], r["type"], r["target"], group, min_up))
    return cis, sorted(rels, key=lambda t: tuple(str(x) for x in t))


def _positive(value) -> int:
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def expected_impact(cis: dict[str, dict], rels: list[Rel],
                    failed: set[str]) -> tuple[set[str], set[str]]:
    """(down, degraded) when every CI of ``failed`` fails, by fixpoint iteration.

    Relations may carry a ``redundancy_group`` (and ``min_up``): providers of one CI sharing a
    group name are redundant; a ``redundant`` relation type makes all of a CI's providers over
    it one group, which needs the CI's own ``min_up``.
    """
    semantics = relation_semantics()
    hard: dict[str, set[str]] = defaultdict(set)
    soft: dict[str, set[str]] = defaultdict(set)  # degrading neighbours
    groups: dict[tuple, set[str]] = defaultdict(set)
    needed: dict[tuple, int] = {}
    for rel in rels:
        s, r, t = rel[:3]
        group = rel[3] if len(rel) > 3 else None
        edge_min_up = _positive(rel[4]) if len(rel) > 4 else 1
        on_target, on_source = semantics[r]
        for effect, dependant, provider, direction in ((on_target, s, t, "out"), (on_source, t, s, "in")):
            if effect == "none":
                continue
            if effect == "degraded":
                soft[dependant].add(provider)
            elif group:
                key = (dependant, "prop", group)
                groups[key].add(provider)
                needed[key] = max(needed.get(key, 1), edge_min_up)
            elif effect == "redundant":
                key = (dependant, "rel", r, direction)
                groups[key].add(provider)
                needed[key] = _positive(cis.get(dependant, {}).get("min_up"))
            else:
                hard[dependant].add(provider)
    lost = set(failed)
    changed = True
    while changed:
        changed = False
        for ci in set(hard) | {k[0] for k in groups}:
            if ci in lost:
                continue
            by_hard = any(p in lost for p in hard.get(ci, ()))
            by_group = any(len(ps - lost) < needed[k] and ps & lost
                           for k, ps in groups.items() if k[0] == ci)
            if by_hard or by_group:
                lost.add(ci)
                changed = True
    down = lost - set(failed)
    degraded = {ci for ci, ps in soft.items() if ci not in lost and ps & lost}
    degraded |= {k[0] for k, ps in groups.items() if k[0] not in lost and ps & lost}
    return down, degraded


def service_types(flag: str = "isService") -> set[str]:
    """CI type names whose class the ontology marks ``cmdb:isService true`` (or another flag,
    e.g. ``isGroup``)."""
    import rdflib

    g = rdflib.Graph().parse(ONTOLOGY)
    marked = rdflib.URIRef(CMDB + flag)
    return {str(g.value(node, rdflib.URIRef(CMDB + "typeName")))
            for node in g.subjects(marked, rdflib.Literal(True))}


def _provider_sides(rels: list[Rel]):
    """(dependant, provider, effect, group key) for every relation end failure can cross."""
    semantics = relation_semantics()
    for rel in rels:
        s, r, t = rel[:3]
        group = rel[3] if len(rel) > 3 else None
        on_target, on_source = semantics[r]
        for effect, dependant, provider, direction in ((on_target, s, t, "out"), (on_source, t, s, "in")):
            if effect in ("none", "degraded"):
                yield dependant, provider, effect, None
            elif group:
                yield dependant, provider, effect, (dependant, "prop", group)
            elif effect == "redundant":
                yield dependant, provider, effect, (dependant, "rel", r, direction)
            else:
                yield dependant, provider, effect, None


def expected_services(cis: dict[str, dict], rels: list[Rel], failed: set[str]) -> dict:
    """The service classes of a failure, straight from their definition:

    * down: services failed or lost;
    * lost redundancy: CIs still up with a redundancy group that lost a member;
    * at risk: services not down that lost redundancy themselves or rest (over relations whose
      effect is down or redundant, any number of steps) on a CI that lost redundancy;
    * next failure of a service at risk: the surviving members of those groups whose failure,
      together with ``failed``, takes the service down (a whole new fixpoint each); members
      that are redundancy groups themselves are no candidates (a group fails only when its
      members do).
    """
    types = service_types()
    services = {i for i, row in cis.items() if row.get("type") in types}
    down, _ = expected_impact(cis, rels, failed)
    lost = down | set(failed)
    members: dict[tuple, set[str]] = defaultdict(set)
    dependants: dict[str, set[str]] = defaultdict(set)
    for dependant, provider, effect, key in _provider_sides(rels):
        if key is not None:
            members[key].add(provider)
        if effect in ("down", "redundant"):
            dependants[provider].add(dependant)
    weakened = {key[0] for key, ps in members.items() if key[0] not in lost and ps & lost}
    reach, todo = set(weakened), list(weakened)
    while todo:
        for d in dependants.get(todo.pop(), ()):
            if d not in reach:
                reach.add(d)
                todo.append(d)
    at_risk = (reach & services) - lost
    groups = service_types("isGroup")
    candidates = {p for key, ps in members.items() if key[0] in weakened and ps & lost for p in ps - lost
                  if cis.get(p, {}).get("type") not in groups}
    next_failure = {s: set() for s in at_risk}
    spof = defaultdict(set)
    for c in sorted(candidates):
        more, _ = expected_impact(cis, rels, set(failed) | {c})
        for s in at_risk & more:
            next_failure[s].add(c)
        for w in weakened & more:
            spof[w].add(c)
    new_spof = {w: {c for c in spof[w] if any(key[0] == w and c in ps and ps & lost
                                              for key, ps in members.items())}
                for w in weakened}
    return {"down": services & lost, "at_risk": at_risk, "weakened": weakened,
            "next_failure": next_failure, "new_spof": new_spof}
