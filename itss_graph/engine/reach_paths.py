"""The shortest chain from some CIs to every CI resting on them (as :func:`itss_graph.engine.reach.downstream`
reaches them), each chain built only when asked for.

A :class:`PathTree` is the breadth-first walk's answer: every CI reached (its ``ends``) with
the start its chain leaves from and how many relations it crosses, known without a chain; the
chains themselves come from :meth:`PathTree.chains_of`, for the CIs someone reads (the what-if
of a 1M estate puts 1,500 services at risk, a screen shows 50). The walk is one batched query
per level while that stays small, the embedded store's CSR arrays beyond
(:mod:`itss_graph.engine.budget`); a store that walks the chains itself (Neo4j's procedure)
hands them over whole.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> tree = downstream_tree(example_store(), ["server:db1"], only_types={"business-service"})
    >>> tree.ends
    {'service:reports': ('server:db1', 2), 'service:shop': ('server:db1', 3)}
    >>> [step["id"] for step in tree.chains_of(["service:reports"])[0]]
    ['server:db1', 'database:orders', 'service:reports']
"""

from __future__ import annotations

from itss_graph.engine.budget import EdgeBudget, small_first
from itss_graph.schema import Schema, load_schema
from itss_graph.semantics import Rules
from itss_graph.stores.base import INCOMING, OUTGOING, Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Collection, Iterable


class PathTree:
    """Chains known whole (a small walk, or a store's own): ``ends`` maps each CI reached to
    (the start its chain leaves from, the relations it crosses), in the walk's order."""

    positions: dict[str, int] = {}  # CI of ``ends`` -> its closure-index position, when walked there

    def __init__(self, chains: dict[str, list[dict]]):
        self._chains = chains
        self.ends: dict[str, tuple[str, int]] = {i: (chain[0]["id"], len(chain) - 1) for i, chain in chains.items()}

    def chains_of(self, ids: Iterable[str]) -> list[list[dict]]:
        """The chain to each of ``ids`` (CIs of ``ends``): steps ``{"id", "type", "name", "via"}``
        from the start (``via`` None) to the CI."""
        return [self._chains[i] for i in ids]


def downstream_tree(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
                    only_types: Collection[str] | None = None,
                    except_ends: Collection[str] = ()) -> PathTree:
    """Every CI resting on ``ids`` (as :func:`itss_graph.engine.reach.downstream`) with its
    shortest chain to one of them. Breadth first from all of ``ids`` at once; a CI reached at
    one level from several CIs keeps the first by (relation name, id). With ``only_types``,
    only CIs of those types end chains; ``except_ends``: not these CIs (a caller that knows them
    already; the walk still passes through them)."""
    schema = schema or load_schema()
    start = sorted(set(ids))
    if not start or (only_types is not None and not only_types):
        return PathTree({})
    skip = frozenset(except_ends)
    return small_first(store, schema,
                       lambda budget: PathTree(_paths_levels(store, schema, start, only_types, budget, skip)),
                       lambda index: IndexPathTree(store, index, start, only_types, skip))


def downstream_paths(store: Store, ids: Iterable[str], *, schema: Schema | None = None,
                     only_types: Collection[str] | None = None,
                     except_ends: Collection[str] = ()) -> dict[str, list[dict]]:
    """Every chain of :func:`downstream_tree` at once: CI -> steps ``{"id", "type", "name", "via"}``
    from the start (``via`` None) to the CI (``via``: the relation crossed to reach the step).

    >>> from itss_graph.loading.example import example_store
    >>> chain = downstream_paths(example_store(), ["server:db1"], only_types={"business-service"})["service:shop"]
    >>> [(step["id"], step["via"]) for step in chain]
    [('server:db1', None), ('database:orders', 'RUNS_ON'), ('application:shop', 'DEPENDS_ON'), ('service:shop', 'SUPPORTS')]
    """
    tree = downstream_tree(store, ids, schema=schema, only_types=only_types, except_ends=except_ends)
    return dict(zip(tree.ends, tree.chains_of(list(tree.ends))))


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


class IndexPathTree(PathTree):
    """The walk over the closure index's CSR arrays. Kept after it: the CIs on its chains
    (``nodes``, sorted positions), each one's parent as a place in ``nodes`` (-1 at a start)
    and the relation from it: ~20k entries for the 1M what-if, not arrays over the whole
    index (a server keeps a large answer's blast radius for its next pages). Each end's start
    and level come from walking these links up; a chain's steps are decoded when asked for."""

    def __init__(self, store: Store, index, start: list[str], only_types, skip: frozenset = frozenset()):
        import numpy as np

        from itss_graph.engine.indexed import Winners, distinct, walk_up, zeros
        from itss_graph.stores.graph_index import edges_from

        n = index.size
        winners = Winners(n)
        # the walk's scratch, written only where it passes (np.empty: a small walk of a
        # million-CI index touches a few pages, not megabytes), let go after it
        parent = np.empty(n, dtype=np.int64)
        via = np.empty(n, dtype=np.int64)
        seen = zeros(n, bool)
        frontier = starts = distinct(store.index_positions(index, start).astype(np.int64))
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
        nodes = np.sort(np.concatenate([starts, *found]))
        up = parent[nodes]
        self._nodes, self._via = nodes, via[nodes]
        self._up = np.where(up >= 0, np.searchsorted(nodes, np.maximum(up, 0)), -1)
        reached = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
        if only_types is not None:  # (before sorting: the services among 20k CIs reached)
            wanted = np.array([name in only_types for name in index.type_names], dtype=bool)
            reached = reached[wanted[index.type_code[reached]]]
        reached = np.sort(reached)
        ids = index.ids_of(reached)
        if skip:
            kept = [k for k, i in enumerate(ids) if i not in skip]
            reached, ids = reached[kept], [ids[k] for k in kept]
        self._index = index
        self.positions = dict(zip(ids, reached.tolist()))
        self.ends = {}
        if len(reached):  # each end's start and level from the parent links (no chain decoded)
            walks = walk_up(self._up, np.searchsorted(nodes, reached))  # -1 padding, then start .. end
            padding = (walks < 0).sum(axis=1)
            roots, root_at = np.unique(nodes[walks[np.arange(len(reached)), padding]], return_inverse=True)
            root_ids = index.ids_of(roots)  # each start decoded once
            self.ends = dict(zip(ids, zip([root_ids[k] for k in root_at.reshape(-1).tolist()],
                                          (walks.shape[1] - 1 - padding).tolist())))

    def chains_of(self, ids: Iterable[str]) -> list[list[dict]]:
        import numpy as np

        from itss_graph.engine.indexed import distinct, walk_up

        index, nodes = self._index, self._nodes
        wanted = np.array([self.positions[i] for i in ids], dtype=np.int64)
        if not len(wanted):
            return []
        walks = walk_up(self._up, np.searchsorted(nodes, wanted))  # places in nodes: -1 padding, start .. CI
        on_chains = distinct(walks[walks >= 0])
        positions = nodes[on_chains]
        names = index.names_of(positions)
        rel_names, type_names = index.rel_names, index.type_names
        types = [type_names[t] for t in index.type_code[positions].tolist()]
        vias = [rel_names[v] if v >= 0 else None  # a start has no parent (and no via written)
                for v in np.where(self._up[on_chains] >= 0, self._via[on_chains], -1).tolist()]
        # one step dict per CI, shared by the chains through it (steps are read, never changed)
        steps = {k: {"id": i, "type": t, "name": name, "via": v}
                 for k, i, t, name, v in zip(on_chains.tolist(), index.ids_of(positions), types, names, vias)}
        return [[steps[p] for p in walk if p >= 0] for walk in walks.tolist()]


__all__ = ["IndexPathTree", "PathTree", "downstream_paths", "downstream_tree"]
