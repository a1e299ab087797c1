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
first by (class, relation type, from id) is reported — class 0 a lost hard dependency, 1 a
redundancy group, 2 a degrading relation — so every store gives the same answer.

``max_depth`` (``itss impact --depth N``) filters the answer, it does not cut the walk: the
closure is computed whole and the CIs more than N relations from a failed CI are left out of
the list (:meth:`ImpactResult.limited`). A listed CI's effect is therefore final — a CI
listed as degraded never has its redundancy exhausted by failures beyond the limit.

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

from collections import defaultdict

from itss_graph.engine.budget import UNLIMITED, EdgeBudget, Exhausted
from itss_graph.engine.headers import HeaderPrefetch
from itss_graph.engine.lookup import require_cis
from itss_graph.engine.result import ImpactResult, make_result, sorted_columns
from itss_graph.model import CI
from itss_graph.schema import Schema, load_schema
from itss_graph.semantics import DOWN, Rules, group_key
from itss_graph.stores.base import INCOMING, OUTGOING, Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable, Sequence


def impact(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
           schema: Schema | None = None, with_props: bool = True) -> ImpactResult:
    """Everything lost or degraded when all of ``failed_ids`` fail together.

    A store that keeps a closure index (the embedded store) answers a small question by
    SQL levels and a large one from the index in memory (:mod:`itss_graph.engine.budget`,
    :mod:`itss_graph.engine.indexed`); one that can walk by itself (Neo4j with ITSS Graph's
    procedures) does so in one call; any other through :func:`impact_by_queries`. All give
    the same answer. Raises :class:`UnknownCIError` naming any id that is not in the store.
    """
    schema = schema or load_schema()
    checked = None  # the failed CIs, read once for the walks below (the indexed one reads its own)
    if store.index_after_edges is not None and not store.closure_index_open():
        # small questions by SQL levels, no index (itss_graph.engine.budget); past a tenth
        # of the budget, the saved index is asked whether the levels would overrun it anyway
        checked = require_cis(store, failed_ids)
        limit = store.index_after_edges
        budget = EdgeBudget(limit, foresee_after=limit // 10,
                            foresee=lambda: store.walk_surely_exceeds(checked[0], schema, limit))
        try:
            return impact_by_queries(store, failed_ids, max_depth=max_depth, schema=schema,
                                     with_props=with_props, budget=budget, checked=checked)
        except Exhausted:
            pass
    index = store.closure_index(schema)
    if index is not None:
        from itss_graph.engine.indexed_impact import impact_indexed

        return impact_indexed(store, index, failed_ids, max_depth=max_depth, schema=schema,
                              with_props=with_props)
    checked = checked or require_cis(store, failed_ids)
    answer = impact_in_store(store, failed_ids, max_depth=max_depth, schema=schema,
                             with_props=with_props, checked=checked)
    if answer is not None:
        return answer
    return impact_by_queries(store, failed_ids, max_depth=max_depth, schema=schema,
                             with_props=with_props, checked=checked)


def impact_in_store(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
                    schema: Schema | None = None, with_props: bool = True,
                    checked: tuple[list[str], dict] | None = None) -> ImpactResult | None:
    """:func:`impact` walked by the store itself in one call (``Store.walk_impact``: on Neo4j,
    ITSS Graph's ``itss.impact`` procedure, with the ontology's semantics passed in), or None
    when the store cannot. Same level semantics as :func:`impact_by_queries`. ``checked``:
    what :func:`~itss_graph.engine.lookup.require_cis` returned for ``failed_ids``, when the
    caller has it (the failed CIs are then not read again)."""
    schema = schema or load_schema()
    failed_ids, sources = checked or require_cis(store, failed_ids)
    rules = Rules.from_schema(schema)
    walked = store.walk_impact(failed_ids, rules.toward_source, rules.toward_target, None)
    if walked is None:
        return None
    down, degraded, headers = walked
    return _result(store, schema, [sources[i] for i in failed_ids], down, degraded, max_depth,
                   None if with_props else headers)


def impact_by_queries(store: Store, failed_ids: Sequence[str], *, max_depth: int | None = None,
                      schema: Schema | None = None, with_props: bool = True,
                      budget: EdgeBudget = UNLIMITED,
                      checked: tuple[list[str], dict] | None = None) -> ImpactResult:
    """:func:`impact` by one batched store read per breadth-first level (any store).

    Level semantics: the CIs lost at depth d (the failed CIs at depth 0) are expanded
    together. A neighbour reached over a ``down`` relation is lost at depth d+1; a redundancy
    group counts the providers lost at depths 0..d, and when fewer than its ``min_up`` remain
    up its CI is lost at depth d+1, otherwise degraded; a ``degraded`` relation degrades its
    neighbour at depth d+1. A lost CI is explained by the first of the edges that caused the
    loss at its level by (hard before group, relation name, from id); a degraded one likewise
    (group before degraded edge). ``max_depth`` filters the whole answer (module docstring).

    This is the reference implementation, valid for every store. The indexed one answers the
    same question from a CSR snapshot of the embedded store; the test suite holds the two to
    identical answers. Raises :class:`Exhausted` when the walk reads more relations than
    ``budget``. ``checked``: as for :func:`impact_in_store`.
    """
    schema = schema or load_schema()
    failed_ids, sources = checked or require_cis(store, failed_ids)
    rules = Rules.from_schema(schema)
    headers = None if with_props else HeaderPrefetch(store)
    walk = LevelWalk(store, rules, failed_ids, headers, budget)
    walk.run()
    return _result(store, schema, [sources[i] for i in failed_ids], walk.down, walk.degraded,
                   max_depth, None if headers is None else headers.result())


class LevelWalk:
    """The per-level walk of :func:`impact_by_queries`: ``down`` and ``degraded`` map ids to
    (depth, via, from, class) when :meth:`run` returns."""

    def __init__(self, store: Store, rules: Rules, failed: Iterable[str], headers=None,
                 budget: EdgeBudget = UNLIMITED):
        self.store, self.rules, self.headers, self.budget = store, rules, headers, budget
        self.failed = set(failed)
        self.down: dict[str, tuple[int, str, str, int]] = {}
        self.degraded: dict[str, tuple[int, str, str, int]] = {}
        self.groups: dict[tuple[str, tuple], tuple[set[str], int]] = {}  # (CI, key) -> (providers, min_up)
        self.lost_providers: dict[tuple[str, tuple], set[str]] = defaultdict(set)

    def run(self) -> None:
        frontier = sorted(self.failed)
        depth = 0
        store, rules, failed, down, degraded = self.store, self.rules, self.failed, self.down, self.degraded
        while frontier:
            depth += 1
            lost_now: dict[str, tuple] = {}  # CI -> (class, via, from), first wins
            degraded_now: dict[str, tuple] = {}
            touched: dict[tuple[str, tuple], tuple[str, str]] = {}
            # the explanation of each CI is the smallest (class, relation, from) among its causes
            for c, effect, rel, f, key in _candidates(store, rules, frontier, self.budget, self.headers):
                if c in failed or c in down:
                    continue
                if key is not None:
                    self.lost_providers[(c, key)].add(f)
                    _keep_first(touched, (c, key), (rel, f))
                elif effect == DOWN:
                    _keep_first(lost_now, c, (0, rel, f))
                else:
                    _keep_first(degraded_now, c, (2, rel, f))
            new_keys = [k for k in touched if k not in self.groups]
            if new_keys:
                self.groups.update(provider_groups(store, rules, {c for c, _ in new_keys}))
            for (c, key), (rel, f) in touched.items():
                providers, needed = self.groups[(c, key)]
                if len(providers) - len(self.lost_providers[(c, key)] & providers) < needed:
                    _keep_first(lost_now, c, (1, rel, f))
                else:
                    _keep_first(degraded_now, c, (1, rel, f))
            for c, (cls, rel, f) in lost_now.items():
                down[c] = (depth, rel, f, cls)
                degraded.pop(c, None)
            for c, (cls, rel, f) in degraded_now.items():
                if c not in down and c not in degraded:
                    degraded[c] = (depth, rel, f, cls)
            frontier = sorted(lost_now)
            if self.headers is not None:
                self.headers.add(frontier)
                self.headers.add(degraded_now)


def further_losses(store: Store, rules: Rules, lost: set[str], extras: Sequence[str],
                   budget: EdgeBudget = UNLIMITED) -> dict[str, set[str]]:
    """For each of ``extras``, the CIs its failure would take down on top of a closure whose
    lost CIs (failed ones included) are ``lost`` — the same fixpoint as a walk from ``lost``
    plus that one CI, walked only from it. The walks of all ``extras`` advance together, one
    batched store read per level for all of them (any store). Raises :class:`Exhausted` past
    ``budget``."""
    gone = {c: {c} for c in extras}  # CIs lost by each extra's failure, beyond ``lost``
    frontiers = {c: [c] for c in extras if c not in lost}
    groups: dict[tuple[str, tuple], tuple[set[str], int]] = {}
    while frontiers:
        union = sorted({f for frontier in frontiers.values() for f in frontier})
        reached: dict[str, list[tuple[str, str, tuple | None]]] = defaultdict(list)  # from -> (CI, effect, key)
        for c, effect, _, f, key in _candidates(store, rules, union, budget):
            if c not in lost:
                reached[f].append((c, effect, key))
        unknown = {c for hits in reached.values() for c, _, key in hits
                   if key is not None and (c, key) not in groups}
        if unknown:
            groups.update(provider_groups(store, rules, unknown))
        for extra, frontier in list(frontiers.items()):
            mine = gone[extra]
            lost_now = set()
            for f in frontier:
                for c, effect, key in reached.get(f, ()):
                    if c in mine or c in lost_now:
                        continue
                    if key is None:
                        if effect == DOWN:
                            lost_now.add(c)
                        continue
                    providers, needed = groups[(c, key)]
                    if len(providers - lost - mine) < needed:
                        lost_now.add(c)
            mine |= lost_now
            if lost_now:
                frontiers[extra] = sorted(lost_now)
            else:
                del frontiers[extra]
    return {c: gone[c] - {c} for c in extras}


def _keep_first(table: dict, key: str, value: tuple) -> None:
    if key not in table or value < table[key]:
        table[key] = value


def _candidates(store: Store, rules: Rules, frontier: list[str], budget: EdgeBudget,
                headers: HeaderPrefetch | None = None):
    """(CI, effect, relation, from, group key) for every neighbour failure reaches from the
    frontier (in no particular order: the caller keeps the smallest explanation). With
    ``headers``, the neighbours' headers the store reads with the edges are handed to it."""
    toward_target, toward_source = rules.toward_target, rules.toward_source
    budget.spend(len(frontier))  # at least a relation each: a wide frontier stops before reading
    # a level that would exhaust the budget is counted (from the indexes), never read
    sources, targets = list(toward_source), list(toward_target)
    if headers is None:
        read = lambda: store.flow_edges(frontier, sources, targets)  # noqa: E731
    else:
        def read():
            edges, found = store.flow_edges_headed(frontier, sources, targets)
            headers.known(found)
            return edges
    edges = budget.read(lambda limit: store.count_flow_edges(frontier, sources, targets, limit=limit),
                        read)
    for f, rel, c, f_is_source, group, _ in edges:
        if f_is_source:
            effect = toward_target[rel]
            yield c, effect, rel, f, group_key(effect, rel, INCOMING, group)
        else:
            effect = toward_source[rel]
            yield c, effect, rel, f, group_key(effect, rel, OUTGOING, group)


def provider_groups(store: Store, rules: Rules, ids: Iterable[str]) -> dict[tuple[str, tuple], tuple[set[str], int]]:
    """Every redundancy group of these CIs: (CI, group key) -> (providers, min_up)."""
    return {k: (providers, min_up) for k, (providers, min_up, _) in group_details(store, rules, ids).items()}


def group_details(store: Store, rules: Rules, ids: Iterable[str]
                  ) -> dict[tuple[str, tuple], tuple[set[str], int, set[str]]]:
    """Every redundancy group of these CIs: (CI, group key) -> (providers, min_up, relation
    types of its edges)."""
    ids = sorted(set(ids))
    found = store.group_details(ids, rules.toward_source, rules.toward_target)
    if found is not None:  # computed by the store (Neo4j's itss.groups): only the groups sent
        return found
    members: dict[tuple[str, tuple], set[str]] = defaultdict(set)
    relations: dict[tuple[str, tuple], set[str]] = defaultdict(set)
    edge_min_up: dict[tuple[str, tuple], int] = {}
    outgoing, incoming, node_min_up = store.provider_edges(ids, list(rules.toward_source),
                                                           list(rules.toward_target))
    for direction, table, edges in ((OUTGOING, rules.toward_source, outgoing),
                                    (INCOMING, rules.toward_target, incoming)):
        for c, rel, p, group, m in edges:
            key = group_key(table[rel], rel, direction, group)
            if key is not None:
                members[(c, key)].add(p)
                relations[(c, key)].add(rel)
                if key[0] == "prop":
                    edge_min_up[(c, key)] = max(edge_min_up.get((c, key), 1), m or 1)
    if node_min_up is None:
        node_min_up = store.min_ups(ids) if members else {}
    return {k: (v, edge_min_up[k] if k[1][0] == "prop" else node_min_up.get(k[0], 1), relations[k])
            for k, v in members.items()}


def _result(store: Store, schema: Schema, sources: list[CI], down: dict, degraded: dict,
            max_depth: int | None, headers: dict | None) -> ImpactResult:
    """The whole answer, limited to ``max_depth``. ``headers`` (id -> (type, name)) when
    known; without them, CIs are read with properties."""
    if headers is None:
        cis = store.get_cis([*down, *degraded])
        headers = {i: (ci.type, ci.name) for i, ci in cis.items()}
        props = {i: ci.props for i, ci in cis.items()}
    else:
        props = {}
    return make_result(schema, sources, sorted_columns(schema, headers, down, degraded),
                       None, props, presorted=True).limited(max_depth)


