"""One CI's relations, each with what failure does across it: for a graph that grows on demand.

For each relation of the CI, the other end is a *provider* (its failure reaches the CI), a
*dependant* (the CI's failure reaches it), both, or only *related* (failure crosses the
relation neither way, e.g. ``OWNED_BY``), following the ontology's failure semantics: a
relation ``s -[r]-> t`` carries ``r``'s ``onTargetFailure`` effect from ``t`` to ``s`` and its
``onSourceFailure`` effect from ``s`` to ``t``.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> answer = neighbours(example_store(), "server:db1")
    >>> [(n.id, n.relation, n.roles) for n in answer.relations][1:]
    [('rack:a01', 'LOCATED_IN', ('provider',)), ('pdu:a', 'POWERED_BY', ('provider',)), ('pdu:b', 'POWERED_BY', ('provider',)), ('database:orders', 'RUNS_ON', ('dependant',))]
    >>> answer.relations[2].written, answer.relations[2].effect_on_dependant
    ('server:db1 -POWERED_BY-> pdu:a', 'redundant')
    >>> neighbours(example_store(), "server:db1", direction="dependants").counts
    {'dependant CONNECTED_TO': 1, 'dependant RUNS_ON': 1, 'provider CONNECTED_TO': 1}
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Collection

from itss_graph.engine.lookup import require_cis
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store

ROLES = ("provider", "dependant", "related")
DIRECTIONS = ("all", "providers", "dependants")
_ROLE_ORDER = {"provider": 0, "dependant": 1, "related": 2}


@dataclass(frozen=True)
class Neighbour:
    """The other end of one relation of the CI asked about."""

    id: str
    type: str
    name: str
    relation: str
    outgoing: bool  # the CI asked about is the relation's source
    roles: tuple[str, ...]  # of the other end: provider and/or dependant, or related
    effect_on_dependant: str | None  # down / degraded / redundant when failure crosses

    @property
    def written(self) -> str:
        """The relation as the CMDB states it (never in the direction failure travels)."""
        return f"{self._ask} -{self.relation}-> {self.id}" if self.outgoing else \
            f"{self.id} -{self.relation}-> {self._ask}"

    _ask: str = field(default="", repr=False, compare=False)

    def as_dict(self) -> dict:
        source, target = (self._ask, self.id) if self.outgoing else (self.id, self._ask)
        return {"id": self.id, "type": self.type, "name": self.name, "relation": self.relation,
                "source": source, "target": target, "roles": list(self.roles),
                "effect": self.effect_on_dependant}


@dataclass
class NeighbourAnswer:
    ci: dict
    relations: list[Neighbour]
    total: int  # relations matching the filter, before the limit
    counts: dict[str, int]  # "ROLE RELATION" -> relations of that kind (matching the filter)

    @property
    def truncated(self) -> bool:
        return len(self.relations) < self.total

    def as_dict(self) -> dict:
        return {"ci": self.ci, "relations": [n.as_dict() for n in self.relations],
                "total": self.total, "truncated": self.truncated, "counts": self.counts}


def _roles(schema: Schema, relation: str, outgoing: bool) -> tuple[tuple[str, ...], str | None]:
    rel = schema.relation_types.get(relation)
    if rel is None:
        return ("related",), None
    # the other end's failure reaches the CI asked about / the CI's failure reaches the other end
    reaches_me = rel.on_target_failure if outgoing else rel.on_source_failure
    reaches_it = rel.on_source_failure if outgoing else rel.on_target_failure
    roles = tuple(role for role, effect in (("provider", reaches_me), ("dependant", reaches_it))
                  if effect != "none")
    effect = reaches_me if reaches_me != "none" else (reaches_it if reaches_it != "none" else None)
    return roles or ("related",), effect


def neighbours(store: Store, ci_id: str, *, direction: str = "all",
               relation_types: Collection[str] | None = None, types: Collection[str] | None = None,
               limit: int = 200, schema: Schema | None = None) -> NeighbourAnswer:
    """The relations of ``ci_id``: providers first, then dependants, then the others, each
    ordered by relation and id. ``direction`` keeps only ``providers`` or ``dependants``;
    ``relation_types`` and ``types`` (of the other end) filter; at most ``limit`` relations
    come back, ``total`` and ``counts`` describe all that match. An unknown id raises
    :class:`~itss_graph.errors.UnknownCIError`. Costs one read of the CI's relations, and the
    types and names of only the ``limit`` kept (of all, with a ``types`` filter): a site with
    100k CIs located in it is expanded 50 at a time."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
    schema = schema or load_schema()
    _, found = require_cis(store, [ci_id])
    ci = found[ci_id]
    rel_names = sorted(schema.relation_types)
    if relation_types is not None:
        wanted = {schema.resolve_relation_type(r) or r for r in relation_types}
        rel_names = [r for r in rel_names if r in wanted]
    raw = [(other, rel, True) for _, rel, other in store.edges([ci_id], OUTGOING, rel_names)]
    raw += [(other, rel, False) for _, rel, other in store.edges([ci_id], INCOMING, rel_names)]
    keep_role = {"all": None, "providers": "provider", "dependants": "dependant"}[direction]
    rows = []
    for other, rel, outgoing in raw:
        roles, effect = _roles(schema, rel, outgoing)
        if keep_role is None or keep_role in roles:
            rows.append((other, rel, outgoing, roles, effect))
    if types is not None:
        wanted = {schema.resolve_ci_type(t) or t for t in types}
        headers = store.headers(sorted({row[0] for row in rows}))
        rows = [row for row in rows if headers.get(row[0], ("", ""))[0] in wanted]
    rows.sort(key=lambda row: (_ROLE_ORDER[row[3][0]], row[1], row[0], not row[2]))
    kept = rows[:max(0, limit)]
    if types is None:
        headers = store.headers(sorted({row[0] for row in kept}))
    counts = Counter(f"{role} {rel}" for _, rel, _, roles, _ in rows for role in roles)
    relations = [Neighbour(other, *headers.get(other, ("", "")), rel, outgoing, roles, effect, _ask=ci_id)
                 for other, rel, outgoing, roles, effect in kept]
    return NeighbourAnswer({"id": ci.id, "type": ci.type, "name": ci.name, "props": ci.props}, relations,
                           len(rows), dict(sorted(counts.items())))
