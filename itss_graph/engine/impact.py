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
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

from itss_graph.semantics import DEGRADED, DOWN, Rules, group_key, min_up_of
from itss_graph.engine.lookup import require_cis
from itss_graph.model import CI
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store
from itss_graph.stores.traversal import HeaderPrefetch, edges_with_groups, flow_edges


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


class ImpactColumns:
    """The impacted CIs column by column (cheap to build and to print for 100k rows)."""

    def __init__(self, ids=None, types=None, names=None, depths=None, effects=None, vias=None, froms=None):
        self.ids: list[str] = ids or []
        self.types: list[str] = types or []
        self.names: list[str] = names or []
        self.depths: list[int] = depths or []
        self.effects: list[str] = effects or []
        self.vias: list[str] = vias or []
        self.froms: list[str] = froms or []

    def __len__(self) -> int:
        return len(self.types)

    def rows(self):
        """(id, type, name, depth, effect, via, from) tuples."""
        return zip(self.ids, self.types, self.names, self.depths, self.effects, self.vias, self.froms)

    def row(self, k: int) -> tuple:
        return (self.ids[k], self.types[k], self.names[k], self.depths[k], self.effects[k],
                self.vias[k], self.froms[k])

    @classmethod
    def from_records(cls, records: Iterable[ImpactedCI]) -> "ImpactColumns":
        columns = cls()
        for r in records:
            columns.ids.append(r.id)
            columns.types.append(r.type)
            columns.names.append(r.name)
            columns.depths.append(r.depth)
            columns.effects.append(r.effect)
            columns.vias.append(r.via)
            columns.froms.append(r.from_id)
        return columns


class ImpactResult:
    """The answer of :func:`impact`: the failed CIs and what they take with them.

    ``impacted`` is in the contract's order (services first, then by layer, type, effect,
    depth, id); ``columns`` holds the same data column by column.
    """

    def __init__(self, sources: list[CI], impacted: "list[ImpactedCI] | ImpactColumns",
                 max_depth: int | None, service_types: frozenset[str] = frozenset(),
                 props: dict[str, dict] | None = None):
        self.sources = sources
        self.columns = impacted if isinstance(impacted, ImpactColumns) else ImpactColumns.from_records(impacted)
        self.max_depth = max_depth
        self.service_types = frozenset(service_types)
        self.props = props or {}  # id -> properties (when asked for)

    @cached_property
    def impacted(self) -> list[ImpactedCI]:
        return [ImpactedCI(*row) for row in self.columns.rows()]

    @property
    def services(self) -> list[ImpactedCI]:
        out = []
        for k, ci_type in enumerate(self.columns.types):  # services come first
            if ci_type not in self.service_types:
                break
            out.append(ImpactedCI(*self.columns.row(k)))
        return out

    def summary(self) -> dict:
        effects = Counter(self.columns.effects)
        return {
            "total": len(self.columns),
            "by_type": dict(sorted(Counter(self.columns.types).items())),
            "by_effect": {e: effects.get(e, 0) for e in (DOWN, DEGRADED)},
            "services": [{"id": s.id, "name": s.name, "effect": s.effect} for s in self.services],
        }

    def head(self) -> dict:
        """The contract's fields before ``impacted``."""
        first = self.sources[0]
        return {
            "source": {"id": first.id, "type": first.type, "name": first.name},
            "sources": [{"id": s.id, "type": s.type, "name": s.name} for s in self.sources],
            "max_depth": self.max_depth,
        }

    def as_dict(self) -> dict:
        """The stable JSON contract (README, "impact JSON")."""
        return {**self.head(),
                "impacted": [{"id": i, "type": t, "name": n, "depth": d, "effect": e, "via": v, "from": f}
                             for i, t, n, d, e, v, f in self.columns.rows()],
                "summary": self.summary()}


def impact(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
           schema: Schema | None = None, with_props: bool = True) -> ImpactResult:
    """Everything lost or degraded when all of ``failed_ids`` fail together.

    The embedded store answers from its closure index (:mod:`itss_graph.engine.indexed`);
    other stores through :func:`impact_by_queries`. Both give the same answer.
    Raises :class:`UnknownCIError` naming any id that is not in the store.
    """
    if store.kind == "sqlite":
        from itss_graph.engine.indexed_impact import impact_indexed

        return impact_indexed(store, failed_ids, max_depth=max_depth, schema=schema,
                              with_props=with_props)
    if "itss.impact" in getattr(store, "procedures", ()):
        return impact_in_neo4j(store, failed_ids, max_depth=max_depth, schema=schema,
                               with_props=with_props)
    return impact_by_queries(store, failed_ids, max_depth=max_depth, schema=schema,
                             with_props=with_props)


def impact_by_queries(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
                      schema: Schema | None = None, with_props: bool = True) -> ImpactResult:
    """:func:`impact` by one batched store read per breadth-first level (any store).

    Level semantics: the CIs lost at depth d (the failed CIs at depth 0) are expanded
    together. A neighbour reached over a ``down`` relation is lost at depth d+1; a redundancy
    group counts the providers lost at depths 0..d, and when fewer than its ``min_up`` remain
    up its CI is lost at depth d+1, otherwise degraded; a ``degraded`` relation degrades its
    neighbour at depth d+1. A lost CI is explained by the first of the edges that caused the
    loss at its level by (hard before group, relation name, from id); a degraded one likewise
    (group before degraded edge).

    This is the reference implementation, valid for every store. The indexed one answers the
    same question from a CSR snapshot of the embedded store; the test suite holds the two to
    identical answers.
    """
    schema = schema or load_schema()
    failed_ids, sources = require_cis(store, failed_ids)
    rules = Rules.from_schema(schema)
    failed = set(failed_ids)
    down: dict[str, tuple[int, str, str]] = {}  # id -> (depth, via, from)
    degraded: dict[str, tuple[int, str, str]] = {}
    groups: dict[tuple[str, tuple], tuple[set[str], int]] = {}  # (CI, key) -> (providers, min_up)
    lost_providers: dict[tuple[str, tuple], set[str]] = defaultdict(set)
    frontier = sorted(failed)
    depth = 0
    headers = None if with_props else HeaderPrefetch(store)
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        lost_now: dict[str, tuple] = {}  # CI -> (class, via, from), first wins
        degraded_now: dict[str, tuple] = {}
        touched: dict[tuple[str, tuple], tuple[str, str]] = {}
        # the explanation of each CI is the smallest (class, relation, from) among its causes
        for c, effect, rel, f, key in _candidates(store, rules, frontier):
            if c in failed or c in down:
                continue
            if key is not None:
                lost_providers[(c, key)].add(f)
                _keep_first(touched, (c, key), (rel, f))
            elif effect == DOWN:
                _keep_first(lost_now, c, (0, rel, f))
            else:
                _keep_first(degraded_now, c, (2, rel, f))
        new_keys = [k for k in touched if k not in groups]
        if new_keys:
            groups.update(provider_groups(store, rules, {c for c, _ in new_keys}))
        for (c, key), (rel, f) in touched.items():
            providers, needed = groups[(c, key)]
            if len(providers) - len(lost_providers[(c, key)] & providers) < needed:
                _keep_first(lost_now, c, (1, rel, f))
            else:
                _keep_first(degraded_now, c, (1, rel, f))
        for c, (_, rel, f) in lost_now.items():
            down[c] = (depth, rel, f)
            degraded.pop(c, None)
        for c, (_, rel, f) in degraded_now.items():
            if c not in down and c not in degraded:
                degraded[c] = (depth, rel, f)
        frontier = sorted(lost_now)
        if headers is not None:
            headers.add(frontier)
            headers.add(degraded_now)
    return _result(store, schema, [sources[i] for i in failed_ids], down, degraded, max_depth,
                   None if headers is None else headers.result())


def _keep_first(table: dict, key: str, value: tuple) -> None:
    if key not in table or value < table[key]:
        table[key] = value


def _candidates(store: Store, rules: Rules, frontier: list[str]):
    """(CI, effect, relation, from, group key) for every neighbour failure reaches from the
    frontier (in no particular order: the caller keeps the smallest explanation)."""
    toward_target, toward_source = rules.toward_target, rules.toward_source
    for f, rel, c, f_is_source, group, _ in flow_edges(store, frontier, list(toward_source),
                                                        list(toward_target)):
        if f_is_source:
            effect = toward_target[rel]
            yield c, effect, rel, f, group_key(effect, rel, INCOMING, group)
        else:
            effect = toward_source[rel]
            yield c, effect, rel, f, group_key(effect, rel, OUTGOING, group)


def provider_groups(store: Store, rules: Rules, ids: Iterable[str]) -> dict[tuple[str, tuple], tuple[set[str], int]]:
    """Every redundancy group of these CIs: (CI, group key) -> (providers, min_up)."""
    ids = sorted(set(ids))
    members: dict[tuple[str, tuple], set[str]] = defaultdict(set)
    edge_min_up: dict[tuple[str, tuple], int] = {}
    for direction, table in ((OUTGOING, rules.toward_source), (INCOMING, rules.toward_target)):
        for c, rel, p, group, m in edges_with_groups(store, ids, direction, list(table)):
            key = group_key(table[rel], rel, direction, group)
            if key is not None:
                members[(c, key)].add(p)
                if key[0] == "prop":
                    edge_min_up[(c, key)] = max(edge_min_up.get((c, key), 1), m or 1)
    node_min_up = {ci.id: min_up_of(ci.props) for ci in store.get_cis(ids).values()}
    return {k: (v, edge_min_up[k] if k[1][0] == "prop" else node_min_up.get(k[0], 1))
            for k, v in members.items()}


def impact_in_neo4j(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
                    schema: Schema | None = None, with_props: bool = True) -> ImpactResult:
    """:func:`impact` computed inside Neo4j by the ``itss.impact`` procedure
    (``tools/neo4j-plugin``): the same level semantics as :func:`impact_by_queries` in one
    round trip. The semantics are passed in from the ontology."""
    from itss_graph.stores.traversal import impact_procedure

    schema = schema or load_schema()
    failed_ids, sources = require_cis(store, failed_ids)
    rules = Rules.from_schema(schema)
    down, degraded, headers = impact_procedure(store, failed_ids, rules.toward_source,
                                               rules.toward_target, max_depth)
    return _result(store, schema, [sources[i] for i in failed_ids], down, degraded, max_depth,
                   None if with_props else headers)


def _result(store: Store, schema: Schema, sources: list[CI], down: dict, degraded: dict,
            max_depth: int | None, headers: dict | None) -> ImpactResult:
    """``headers`` (id -> (type, name)) when known; without them, CIs are read with properties."""
    if headers is None:
        cis = store.get_cis([*down, *degraded])
        headers = {i: (ci.type, ci.name) for i, ci in cis.items()}
        props = {i: ci.props for i, ci in cis.items()}
    else:
        props = {}
    return make_result(schema, sources, _sorted_columns(schema, headers, down, degraded),
                       max_depth, props, presorted=True)


def _sorted_columns(schema: Schema, headers: dict, down: dict, degraded: dict) -> "ImpactColumns":
    """The impacted CIs as columns in the contract's order (services first, then layer, type,
    effect, depth, id), sorted once over plain keys instead of per-row records."""
    services = schema.service_types()
    type_key = {t: (t not in services, schema.layer(t), t) for t, _ in set(headers.values())}
    rows = [(type_key[headers[i][0]], effect, d, i, via, f)
            for effect, table in ((DOWN, down), (DEGRADED, degraded))
            for i, (d, via, f) in table.items()]
    rows.sort(key=lambda r: (r[0], r[1] != DOWN, r[2], r[3]))
    ids = [r[3] for r in rows]
    return ImpactColumns(ids, [r[0][2] for r in rows], [headers[i][1] for i in ids],
                         [r[2] for r in rows], [r[1] for r in rows], [r[4] for r in rows],
                         [r[5] for r in rows])


def make_result(schema: Schema, sources: list[CI], impacted: "list[ImpactedCI] | ImpactColumns",
                max_depth: int | None, props: dict[str, dict], *, presorted: bool = False) -> ImpactResult:
    """An ImpactResult in the contract's order: services first, then by layer, type, effect,
    depth and id (``presorted``: the caller already ordered ``impacted`` so)."""
    services = frozenset(schema.service_types())
    if not presorted:
        impacted.sort(key=lambda x: (x.type not in services, schema.layer(x.type), x.type,
                                     x.effect != DOWN, x.depth, x.id))
    return ImpactResult(sources, impacted, max_depth, services, props)
