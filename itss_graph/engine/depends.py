"""What a CI rests on: its upstream closure, and the paths from one CI to another.

``depends`` lists every CI whose failure can cost the target service (loss-capable relations,
see :mod:`itss_graph.engine.upstream`), each with its distance, the relation and CI it is
linked through on the way to the target, and whether it is a single point of failure.
``paths`` explains *how* A depends on B: the shortest chain, and every simple chain up to a
length bound (enumerating paths is only ever done here, bounded, never for closures).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> paths(SQLiteStore(":memory:"), "a", "a")
    Traceback (most recent call last):
    ...
    itss_graph.errors.UnknownCIError: unknown CI id: 'a'
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from itss_graph.engine.resilience import loss_sets, members
from itss_graph.engine.upstream import Subgraph, upstream_subgraph
from itss_graph.engine.lookup import require_cis
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


@dataclass(frozen=True)
class Dependency:
    id: str
    type: str
    name: str
    distance: int
    via: str  # relation linking it towards the target
    to: str  # the CI it is linked to, one step nearer the target
    spof: bool

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "distance": self.distance,
                "via": self.via, "to": self.to, "spof": self.spof}


@dataclass
class DependsResult:
    target: dict
    dependencies: list[Dependency]

    def as_dict(self) -> dict:
        by_type: dict[str, int] = {}
        for d in self.dependencies:
            by_type[d.type] = by_type.get(d.type, 0) + 1
        return {"target": self.target,
                "dependencies": [d.as_dict() for d in self.dependencies],
                "summary": {"total": len(self.dependencies), "by_type": dict(sorted(by_type.items())),
                            "spof": sum(d.spof for d in self.dependencies)}}


def depends(store: Store, target: str, *, max_depth: int | None = None,
            schema: Schema | None = None) -> DependsResult:
    """The upstream closure of ``target``, nearest first, single points of failure marked.

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(d.id, d.distance, d.spof) for d in depends(store, "service:shop", max_depth=2).dependencies]
    [('application:shop', 1, True), ('database:orders', 2, True), ('vm:web1', 2, False), ('vm:web2', 2, False)]
    """
    schema = schema or load_schema()
    sub = upstream_subgraph(store, [target], schema=schema)
    t = sub.position[target]
    spofs = set(members(loss_sets(sub)[t]))
    nearest = _nearest_dependant(sub)
    groups = {name for name, ci_type in schema.ci_types.items() if ci_type.is_group}
    out = []
    for v in range(len(sub.ids)):
        if v == t or (max_depth is not None and sub.distance[v] > max_depth):
            continue
        to, via = nearest[v]
        out.append(Dependency(sub.ids[v], sub.types[v], sub.names[v], sub.distance[v], via,
                              sub.ids[to], v in spofs and sub.types[v] not in groups))
    out.sort(key=lambda d: (d.distance, schema.layer(d.type), d.type, d.id))
    return DependsResult({"id": sub.ids[t], "type": sub.types[t], "name": sub.names[t]}, out)


def _nearest_dependant(sub: Subgraph) -> list[tuple[int, str]]:
    """For each CI, the dependant one level nearer the targets (smallest id, then relation)."""
    best: list[tuple[int, str] | None] = [None] * len(sub.ids)
    for v, edges in enumerate(sub.providers):
        for e in edges:
            p = e.provider
            if sub.distance[p] != sub.distance[v] + 1:
                continue
            candidate = (v, e.relation)
            current = best[p]
            if current is None or (sub.ids[v], e.relation) < (sub.ids[current[0]], current[1]):
                best[p] = candidate
    return [b if b is not None else (v, "") for v, b in enumerate(best)]


@dataclass
class PathsResult:
    source: str  # the CI that depends (A)
    target: str  # the CI depended on (B)
    shortest: list[dict]
    paths: list[list[dict]]
    truncated: bool

    def as_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "depends": bool(self.shortest),
                "shortest": self.shortest, "paths": self.paths,
                "summary": {"paths": len(self.paths), "truncated": self.truncated,
                            "shortest_length": max(len(self.shortest) - 1, 0)}}


def paths(store: Store, dependant: str, provider: str, *, max_length: int = 8, max_paths: int = 20,
          schema: Schema | None = None) -> PathsResult:
    """How ``dependant`` depends on ``provider``: chains of relations along which the
    provider's failure travels to the dependant (each step: id, relation to the next).

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [step["id"] for step in paths(store, "service:shop", "pdu:b").shortest]
    ['pdu:b', 'server:app2', 'vm:web2', 'application:shop', 'service:shop']
    """
    schema = schema or load_schema()
    require_cis(store, [dependant, provider])
    sub = upstream_subgraph(store, [dependant], schema=schema)
    if provider not in sub.position:
        return PathsResult(dependant, provider, [], [], False)
    dependants = sub.dependants()
    for lst in dependants:
        lst.sort(key=lambda link: (sub.ids[link[0]], link[1], link[2]))
    start, goal = sub.position[provider], sub.position[dependant]
    shortest = _shortest(sub, dependants, start, goal)
    found: list[list[dict]] = []
    truncated = _simple_paths(sub, dependants, start, goal, max_length, max_paths, found)
    found.sort(key=lambda p: (len(p), [step["id"] for step in p]))
    return PathsResult(dependant, provider, shortest, found, truncated)


Link = tuple[int, str, bool]  # (next CI, relation, written next -[relation]-> this CI)


def _steps(sub: Subgraph, chain: list[int], links: list[Link]) -> list[dict]:
    """Each step: the CI and how it links to the next one, e.g. ``{"relation": "RUNS_ON",
    "direction": "<-"}`` when the next CI RUNS_ON this one."""
    steps = []
    for k, v in enumerate(chain):
        step = {"id": sub.ids[v], "type": sub.types[v], "name": sub.names[v]}
        if k < len(links):
            _, rel, next_points_here = links[k]
            step.update(relation=rel, direction="<-" if next_points_here else "->")
        steps.append(step)
    return steps


def _shortest(sub, dependants, start, goal) -> list[dict]:
    previous: dict[int, tuple[int, Link | None]] = {start: (-1, None)}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        if v == goal:
            break
        for link in dependants[v]:
            if link[0] not in previous:
                previous[link[0]] = (v, link)
                queue.append(link[0])
    if goal not in previous:
        return []
    chain, links = [goal], []
    v = goal
    while previous[v][0] != -1:
        v, link = previous[v]
        chain.append(v)
        links.append(link)
    chain.reverse()
    links.reverse()
    return _steps(sub, chain, links)


def _simple_paths(sub, dependants, start, goal, max_length, max_paths, out) -> bool:
    """Depth-first enumeration of simple chains start→goal; True when a bound cut it short."""
    truncated = False
    stack: list[tuple[int, list[int], list[Link]]] = [(start, [start], [])]
    while stack:
        v, chain, links = stack.pop()
        if v == goal:
            if len(out) >= max_paths:
                return True
            out.append(_steps(sub, chain, links))
            continue
        if len(chain) > max_length:
            truncated = True
            continue
        for link in reversed(dependants[v]):
            if link[0] not in chain:
                stack.append((link[0], chain + [link[0]], links + [link]))
    return truncated
