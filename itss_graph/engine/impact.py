"""Impact analysis: what is lost or degraded when some CIs fail.

Failure travels across relations as the ontology says (``cmdb:onTargetFailure`` /
``cmdb:onSourceFailure``, see ``ontology/cmdb.ttl``):

* ``down``      — the CI on the other end is lost, and its own dependents are examined next;
* ``degraded``  — it keeps working with less redundancy or capacity; degradation stops there;
* ``redundant`` — it is lost when fewer than ``min_up`` (its property, default 1) of its
  providers over that relation type remain up, and degraded otherwise;
* ``none``      — failure does not cross the relation in that direction.

The closure is a breadth-first expansion, one batched store read per level: its cost is what
it reaches, never the number of paths. When two failures reach a CI at the same depth the
first by (id, relation type, from id) is reported, so every store gives the same answer.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> from itss_graph.loading.load import load_inventory
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "cis.csv").write_text("id,name,type\\nvm1,web,vm\\nc1,prod,cluster\\n")
    >>> _ = (d / "relations.csv").write_text("source,type,target\\nvm1,RUNS_ON,c1\\n")
    >>> store = SQLiteStore(":memory:"); _ = load_inventory([d], store)
    >>> [(i.id, i.effect, i.via, i.from_id) for i in impact(store, ["c1"]).impacted]
    [('vm1', 'down', 'RUNS_ON', 'c1')]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from itss_graph.errors import UnknownCIError
from itss_graph.model import CI
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store

DOWN, DEGRADED = "down", "degraded"


@dataclass(frozen=True)
class ImpactedCI:
    """A CI lost or degraded by the failure, and how the failure reached it."""

    id: str
    type: str
    name: str
    depth: int
    effect: str  # "down" or "degraded"
    via: str  # relation type crossed last
    from_id: str  # the CI it was reached from

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "depth": self.depth,
                "effect": self.effect, "via": self.via, "from": self.from_id}


@dataclass
class ImpactResult:
    """The answer of :func:`impact`: the failed CIs and what they take with them."""

    sources: list[CI]
    impacted: list[ImpactedCI]
    max_depth: int | None
    service_types: frozenset[str] = field(default_factory=frozenset)
    props: dict[str, dict] = field(default_factory=dict, repr=False)  # id -> properties

    @property
    def services(self) -> list[ImpactedCI]:
        return [i for i in self.impacted if i.type in self.service_types]

    def summary(self) -> dict:
        return {
            "total": len(self.impacted),
            "by_type": dict(sorted(Counter(i.type for i in self.impacted).items())),
            "by_effect": {e: sum(1 for i in self.impacted if i.effect == e) for e in (DOWN, DEGRADED)},
            "services": [{"id": s.id, "name": s.name, "effect": s.effect} for s in self.services],
        }

    def as_dict(self) -> dict:
        """The stable JSON contract (README, "impact JSON")."""
        first = self.sources[0]
        return {
            "source": {"id": first.id, "type": first.type, "name": first.name},
            "sources": [{"id": s.id, "type": s.type, "name": s.name} for s in self.sources],
            "max_depth": self.max_depth,
            "impacted": [i.as_dict() for i in self.impacted],
            "summary": self.summary(),
        }


@dataclass(frozen=True)
class _Rules:
    """Relation types grouped by the direction failure crosses them, with the effect."""

    across_incoming: dict[str, str]  # failed CI is the target: effect on the source
    across_outgoing: dict[str, str]  # failed CI is the source: effect on the target

    @classmethod
    def from_schema(cls, schema: Schema) -> "_Rules":
        rels = schema.relation_types.values()
        return cls(
            {r.name: r.on_target_failure for r in rels if r.on_target_failure != "none"},
            {r.name: r.on_source_failure for r in rels if r.on_source_failure != "none"},
        )


_EFFECT_RANK = {"down": 0, "redundant": 1, "degraded": 2}


def impact(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
           schema: Schema | None = None) -> ImpactResult:
    """Everything lost or degraded when all of ``failed_ids`` fail together.

    Raises :class:`UnknownCIError` naming any id that is not in the store.
    """
    schema = schema or load_schema()
    failed_ids = list(dict.fromkeys(failed_ids))
    sources = store.get_cis(failed_ids)
    missing = [i for i in failed_ids if i not in sources]
    if missing:
        raise UnknownCIError(missing)
    rules = _Rules.from_schema(schema)
    failed = set(failed_ids)
    down: dict[str, tuple[int, str, str]] = {}  # id -> (depth, via, from)
    degraded: dict[str, tuple[int, str, str]] = {}
    frontier = sorted(failed)
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        candidates = [(c, rules.across_incoming[r], r, f, OUTGOING)
                      for f, r, c in store.edges(frontier, INCOMING, list(rules.across_incoming))]
        candidates += [(c, rules.across_outgoing[r], r, f, INCOMING)
                       for f, r, c in store.edges(frontier, OUTGOING, list(rules.across_outgoing))]
        candidates.sort(key=lambda t: (t[0], _EFFECT_RANK[t[1]], t[2], t[3]))
        next_frontier: list[str] = []
        redundant: dict[tuple[str, str, str], str] = {}
        for c, effect, rel, f, provider_direction in candidates:
            if c in failed or c in down:
                continue
            if effect == DOWN:
                down[c] = (depth, rel, f)
                degraded.pop(c, None)
                next_frontier.append(c)
            elif effect == DEGRADED:
                degraded.setdefault(c, (depth, rel, f))
            else:
                redundant.setdefault((c, rel, provider_direction), f)
        for c, rel, f, lost in _check_redundancy(store, redundant, failed, down):
            if c in down:
                continue
            if lost:
                down[c] = (depth, rel, f)
                degraded.pop(c, None)
                next_frontier.append(c)
            else:
                degraded.setdefault(c, (depth, rel, f))
        frontier = next_frontier
    return _result(store, schema, list(sources[i] for i in failed_ids), down, degraded, max_depth)


def _check_redundancy(store: Store, checks: dict[tuple[str, str, str], str],
                      failed: set[str], down: dict) -> Iterable[tuple[str, str, str, bool]]:
    """For each (CI, relation, provider direction): is the CI lost (too few providers up)?"""
    if not checks:
        return []
    providers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    by_query: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c, rel, direction in checks:
        by_query[(rel, direction)].append(c)
    for (rel, direction), ids in by_query.items():
        for c, r, p in store.edges(ids, direction, [rel]):
            providers[(c, r, direction)].add(p)
    min_up = {ci.id: _min_up(ci.props) for ci in store.get_cis({c for c, _, _ in checks}).values()}
    out = []
    for key in sorted(checks):
        c, rel, direction = key
        up = sum(1 for p in providers[key] if p not in failed and p not in down)
        out.append((c, rel, checks[key], up < min_up.get(c, 1)))
    return out


def _min_up(props: dict) -> int:
    try:
        return max(1, int(props.get("min_up", 1)))
    except (TypeError, ValueError):
        return 1


def _result(store: Store, schema: Schema, sources: list[CI], down: dict, degraded: dict,
            max_depth: int | None) -> ImpactResult:
    cis = store.get_cis([*down, *degraded])
    services = frozenset(schema.service_types())
    impacted = [
        ImpactedCI(i, cis[i].type, cis[i].name, d, effect, via, f)
        for effect, table in ((DOWN, down), (DEGRADED, degraded))
        for i, (d, via, f) in table.items()
    ]
    impacted.sort(key=lambda x: (x.type not in services, schema.layer(x.type), x.type,
                                 x.effect != DOWN, x.depth, x.id))
    return ImpactResult(sources, impacted, max_depth, services,
                        {i: cis[i].props for i in cis})
