"""Plain reachability along failure-flow edges that can cost service (no thresholds).

``downstream`` answers "what could these CIs' failure ever touch" and ``upstream`` "what do
these CIs rest on": both ignore redundancy (a CI behind a redundancy group is reachable even if
one failure cannot take it down) and degrading relations. Used for at-risk services, orphans
and the like. Costs what it reaches: one batched query per level while that stays small, the
embedded store's CSR arrays beyond (:mod:`itss_graph.engine.budget`).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> downstream(SQLiteStore(":memory:"), [])
    set()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection, Iterable

from itss_graph.engine.budget import EdgeBudget, small_first
from itss_graph.semantics import Rules
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import INCOMING, OUTGOING, Store

if TYPE_CHECKING:
    import numpy as np


def downstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
               only_types: Collection[str] | None = None) -> set[str]:
    """CIs whose service rests, through any chain of loss-capable relations, on ``ids``
    (``ids`` themselves excluded); with ``only_types``, only the CIs of those types (cheaper
    than filtering afterwards when the closure is large)."""
    return _walk(store, ids, schema, forward=True, only_types=only_types)


def upstream(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
             only_types: Collection[str] | None = None) -> set[str]:
    """CIs that ``ids`` rest on (``ids`` themselves excluded), optionally only of ``only_types``."""
    return _walk(store, ids, schema, forward=False, only_types=only_types)


def _walk(store: Store, ids: Iterable[str], schema: Schema | None, forward: bool,
          only_types: Collection[str] | None) -> set[str]:
    schema = schema or load_schema()
    start = sorted(set(ids))
    if not start:
        return set()
    return small_first(store, schema,
                       lambda budget: _walk_levels(store, schema, start, forward, only_types, budget),
                       lambda index: _walk_index(store, index, start, forward, only_types))


def _walk_levels(store: Store, schema: Schema, start: list[str], forward: bool,
                 only_types: Collection[str] | None, budget: EdgeBudget) -> set[str]:
    if only_types is not None and not only_types:
        return set()
    rules = Rules.from_schema(schema)
    # forward (failure travels provider -> dependant): a failed target reaches sources (INCOMING)
    steps = ((INCOMING, rules.toward_source), (OUTGOING, rules.toward_target)) if forward else \
            ((OUTGOING, rules.toward_source), (INCOMING, rules.toward_target))
    steps = [(direction, [r for r, effect in table.items() if effect != "degraded"])
             for direction, table in steps]
    types = dict(steps)
    walked = store.walk_reach(start, types[INCOMING], types[OUTGOING], only_types)
    if walked is not None:
        return walked
    seen = set(start)
    frontier = start
    while frontier:
        found = set()
        for direction, rels in steps:
            edges = budget.read_level(store, frontier, direction, rels)
            found.update(edge[2] for edge in edges)
        frontier = sorted(found - seen)
        seen.update(frontier)
    reached = seen - set(start)
    if only_types is None:
        return reached
    wanted = set(only_types)
    return {i for i, (ci_type, _) in store.headers(sorted(reached)).items() if ci_type in wanted}


def _walk_index(store: Store, index, start: list[str], forward: bool,
                only_types: Collection[str] | None) -> set[str]:
    import numpy as np

    reached = closure_mask(index, store.index_positions(index, start), forward=forward,
                           only_types=only_types)
    return set(index.ids_of(np.flatnonzero(reached)))


def closure_mask(index, start, *, forward: bool = True,
                 only_types: Collection[str] | None = None) -> "np.ndarray":
    """Boolean mask over the closure index of the CIs reachable from the positions ``start``
    (``start`` itself excluded), downstream (``forward``) or upstream; optionally only CIs of
    ``only_types``. Stays in positions, so callers that already hold positions decode nothing.

    >>> from itss_graph.stores.graph_index import EdgeArrays, GraphIndex
    >>> index = GraphIndex.build(generation="1", keys=[1, 2], ids=["h", "v"], names=["h", "v"],
    ...     types=["server", "vm"], min_up=[1, 1],
    ...     edges=EdgeArrays.from_tuples([(1, "RUNS_ON", 0, None, None)]),
    ...     toward_source={"RUNS_ON": "down"}, toward_target={})
    >>> closure_mask(index, [0]).tolist(), closure_mask(index, [1], forward=False).tolist()
    ([False, True], [True, False])
    """
    import numpy as np

    from itss_graph.engine.indexed import distinct
    from itss_graph.stores.graph_index import edges_from

    ptr, nxt, cls = ((index.flow_ptr, index.flow_dst, index.flow_class) if forward
                     else (index.up_ptr, index.up_src, index.up_class))
    seen = np.zeros(index.size, dtype=bool)
    frontier = distinct(np.asarray(start, dtype=np.int64))
    seen[frontier] = True
    origin = frontier.copy()
    while len(frontier):
        edges, = edges_from(ptr, frontier)
        edges = edges[cls[edges] != 2]  # degrading relations cost no service
        found = distinct(nxt[edges])
        frontier = found[~seen[found]]
        seen[frontier] = True
    seen[origin] = False
    if only_types is not None:
        wanted = set(only_types)
        seen &= np.isin(index.type_code, [i for i, name in enumerate(index.type_names) if name in wanted])
    return seen


def downstream_paths(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
                     only_types: Collection[str] | None = None,
                     except_ends: Collection[str] = ()) -> dict[str, list[dict]]:
    """For every CI resting on ``ids`` (as :func:`downstream`), the shortest chain that links it
    to one of them: steps ``{"id", "type", "name", "via"}`` from the start (``via`` None) to the
    CI (``via``: the relation crossed to reach the step). Breadth first from all of ``ids`` at
    once; a CI reached at one level from several CIs keeps the first by (relation name, id).
    With ``only_types``, only chains ending at CIs of those types; ``except_ends``: no chains
    to these CIs (a caller that knows them already; the walk still passes through them).

    >>> from itss_graph.loading.example import example_store
    >>> chain = downstream_paths(example_store(), ["server:db1"], only_types={"business-service"})["service:shop"]
    >>> [(step["id"], step["via"]) for step in chain]
    [('server:db1', None), ('database:orders', 'RUNS_ON'), ('application:shop', 'DEPENDS_ON'), ('service:shop', 'SUPPORTS')]
    """
    schema = schema or load_schema()
    start = sorted(set(ids))
    if not start or (only_types is not None and not only_types):
        return {}
    skip = frozenset(except_ends)
    return small_first(store, schema,
                       lambda budget: _paths_levels(store, schema, start, only_types, budget, skip),
                       lambda index: _paths_index(store, index, start, only_types, skip))


def _paths_levels(store: Store, schema: Schema, start: list[str], only_types,
                  budget: EdgeBudget, skip: frozenset = frozenset()) -> dict[str, list[dict]]:
    rules = Rules.from_schema(schema)
    steps = [(direction, [r for r, effect in table.items() if effect != "degraded"])
             for direction, table in ((INCOMING, rules.toward_source), (OUTGOING, rules.toward_target))]
    walked = store.walk_paths(start, dict(steps)[INCOMING], dict(steps)[OUTGOING], only_types)
    if walked is not None:  # the chains' CIs with their parent links, from the store itself
        starts = set(start)
        ends = [i for i in sorted(walked) if i not in starts and i not in skip
                and (only_types is None or walked[i][0] in only_types)]
        return _chains({i: None if i in starts or v is None else (v, f) for i, (_, _, v, f) in walked.items()},
                       ends, {i: (t, n) for i, (t, n, _, _) in walked.items()}, store)
    parent: dict[str, tuple[str, str] | None] = {s: None for s in start}
    frontier = start
    while frontier:
        best: dict[str, tuple[str, str]] = {}  # CI -> (relation, from), smallest wins
        for direction, rels in steps:
            edges = budget.read_level(store, frontier, direction, rels)
            for f, rel, c, _, _ in edges:
                if c not in parent and (c not in best or (rel, f) < best[c]):
                    best[c] = (rel, f)
        parent.update(best)
        frontier = sorted(best)
    reached = sorted(i for i in parent if parent[i] is not None and i not in skip)
    headers = store.headers(reached)
    if only_types is not None:
        wanted = set(only_types)
        reached = [i for i in reached if headers.get(i, ("", ""))[0] in wanted]
    return _chains(parent, reached, headers, store)


def _chains(parent: dict, reached: list[str], headers: dict, store: Store) -> dict[str, list[dict]]:
    """The chain to each of ``reached`` from the parent links (CI -> (relation, from), None at
    a start CI); ``headers`` (id -> (type, name)) are completed from the store where missing."""
    chains = []
    for ci in reached:
        chain, here = [], ci
        while parent[here] is not None:
            rel, came_from = parent[here]
            chain.append((here, rel))
            here = came_from
        chain.append((here, None))
        chains.append(chain[::-1])
    headers.update(store.headers(sorted({c[0][0] for c in chains} - set(headers))))
    return {chain[-1][0]: [{"id": i, "type": headers[i][0], "name": headers[i][1], "via": via}
                           for i, via in chain] for chain in chains}


def _paths_index(store: Store, index, start: list[str], only_types,
                 skip: frozenset = frozenset()) -> dict[str, list[dict]]:
    import numpy as np

    from itss_graph.stores.graph_index import edges_from

    from itss_graph.engine.indexed import Winners, distinct, walk_up, zeros

    n = index.size
    winners = Winners(n)
    # parent and via are written only where a chain passes (np.empty: a small walk of a
    # million-CI index touches a few pages, not 16 MB)
    parent = np.empty(n, dtype=np.int64)
    via = np.empty(n, dtype=np.int64)
    seen = zeros(n, bool)
    frontier = distinct(store.index_positions(index, start).astype(np.int64))
    seen[frontier] = True
    parent[frontier] = -1
    found = []
    while len(frontier):
        edges, f = edges_from(index.flow_ptr, frontier, frontier)
        keep = index.flow_class[edges] != 2  # degrading relations cost no service
        edges, f = edges[keep], f[keep]
        c = index.flow_dst[edges].astype(np.int64)
        new = ~seen[c]
        edges, f, c = edges[new], f[new], c[new]
        rel = index.flow_rel[edges].astype(np.int64)
        # per CI: the smallest (relation, from id)
        first = winners.first_per_target(c, rel * n + index.id_rank[f])
        c, f, rel = c[first], f[first], rel[first]
        parent[c], via[c], seen[c] = f, rel, True
        found.append(c)
        frontier = c
    reached = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    if only_types is not None:
        codes = [k for k, name in enumerate(index.type_names) if name in set(only_types)]
        reached = reached[np.isin(index.type_code[reached], codes)]
    if skip:
        reached = np.array([p for p, i in zip(reached.tolist(), index.ids_of(reached)) if i not in skip],
                           dtype=np.int64)
    if not len(reached):
        return {}
    walks = walk_up(parent, reached)  # per reached CI: -1 padding, then start .. CI
    positions = distinct(walks[walks >= 0])
    ids, names = index.ids_of(positions), index.names_of(positions)
    rel_names, type_names = index.rel_names, index.type_names
    types = [type_names[t] for t in index.type_code[positions].tolist()]
    vias = [rel_names[v] if v >= 0 else None  # a start has no parent (and no via written)
            for v in np.where(parent[positions] >= 0, via[positions], -1).tolist()]
    # one step dict per CI, shared by the chains through it (1,500 chains of the 1M estate's
    # what-if pass a few thousand CIs; steps are read, never changed). A chain's first step is
    # a start, whose via is None already
    steps = {p: {"id": ids[k], "type": types[k], "name": names[k], "via": vias[k]}
             for k, p in enumerate(positions.tolist())}
    out = {}
    for walk in walks.tolist():
        chain = [steps[p] for p in walk if p >= 0]
        out[chain[-1]["id"]] = chain
    return out
