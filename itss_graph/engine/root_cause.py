"""Root-cause candidates: given CIs or services seen failing, which single upstream failure
explains the most of them?

A candidate *explains* a symptom when its failure alone makes the symptom lost (it is in the
symptom's loss set, :mod:`itss_graph.engine.resilience`). Candidates are ranked by the number
of symptoms they explain, then by how close they sit to the symptoms they explain (``distance``:
relations to the nearest of them; the nearer, the more specific), then by layer and id. Symptoms no single candidate explains together point to several
independent failures; the answer says which.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> root_cause(SQLiteStore(":memory:"), [])
    Traceback (most recent call last):
    ...
    ValueError: root-cause needs at least one failing CI
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from itss_graph.engine.resilience import loss_sets, members
from itss_graph.engine.upstream import upstream_subgraph
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


@dataclass(frozen=True)
class Candidate:
    id: str
    type: str
    name: str
    explains: tuple[str, ...]
    distance: int

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "score": len(self.explains),
                "explains": list(self.explains), "distance": self.distance}


@dataclass
class RootCauseResult:
    symptoms: list[str]
    candidates: list[Candidate]

    @property
    def best_cover(self) -> list[str]:
        """Symptoms the top candidate explains."""
        return list(self.candidates[0].explains) if self.candidates else []

    def as_dict(self) -> dict:
        unexplained = sorted(set(self.symptoms) - set(self.best_cover))
        return {"symptoms": self.symptoms,
                "candidates": [c.as_dict() for c in self.candidates],
                "summary": {"candidates": len(self.candidates),
                            "top_explains": len(self.best_cover),
                            "not_explained_by_top": unexplained}}


def root_cause(store: Store, symptoms: Sequence[str], *, limit: int | None = 20,
               schema: Schema | None = None) -> RootCauseResult:
    """Ranked upstream candidates explaining the failing ``symptoms``: each candidate's
    single failure would explain the symptoms it lists (most explained first, then nearest).

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(c.id, len(c.explains), c.distance) for c in root_cause(store, ["service:shop", "service:reports"], limit=2).candidates]
    [('database:orders', 2, 1), ('server:db1', 2, 2)]
    """
    symptoms = list(dict.fromkeys(symptoms))
    if not symptoms:
        raise ValueError("root-cause needs at least one failing CI")
    schema = schema or load_schema()
    sub = upstream_subgraph(store, symptoms, schema=schema)
    d = loss_sets(sub)
    groups = {name for name, t in schema.ci_types.items() if t.is_group}
    explained: dict[int, list[str]] = {}
    for s in symptoms:
        for v in members(d[sub.position[s]]):
            if sub.types[v] not in groups:
                explained.setdefault(v, []).append(s)
    # a symptom explaining nothing but itself is no candidate
    explained = {v: found for v, found in explained.items() if found != [sub.ids[v]]}
    distance = _distances(sub, symptoms, explained)
    candidates = [Candidate(sub.ids[v], sub.types[v], sub.names[v], tuple(sorted(found)), distance[v])
                  for v, found in explained.items()]
    candidates.sort(key=lambda c: (-len(c.explains), c.distance, schema.layer(c.type), c.id))
    return RootCauseResult(symptoms, candidates[:limit] if limit else candidates)


def _distances(sub, symptoms: list[str], explained: dict[int, list[str]]) -> dict[int, int]:
    """Each candidate's distance to the nearest symptom it explains (relations upwards from
    the symptom, as the subgraph was walked): never to a symptom it does not explain."""
    from collections import deque

    best: dict[int, int] = {}
    for s in symptoms:
        start = sub.position[s]
        dist = {start: 0}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            for edge in sub.providers[v]:
                if edge.provider not in dist:
                    dist[edge.provider] = dist[v] + 1
                    queue.append(edge.provider)
        for v, found in explained.items():
            if s in found and v in dist and (v not in best or dist[v] < best[v]):
                best[v] = dist[v]
    return best
