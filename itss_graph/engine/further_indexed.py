"""What each of many more failures would take down on top of a closure: all their walks at once.

"Next failures" (:func:`itss_graph.engine.explain.next_failures`) asks, for up to a few hundred
CIs still up, what each one's failure would add to a whole closure. Walked one at a time
(:func:`itss_graph.engine.indexed.further_losses`), each small walk pays numpy's per-call cost
at every level: 460 walks of the foreign 200k core switch made 2,140 levels, ~0.15 s. Here the
walks advance together, one set of array operations per level for all of them: each walk's
state is kept as (walk, position) pairs beside the closure's own state, which no walk changes.

Same level semantics as :func:`itss_graph.engine.indexed._levels` (a CI is lost when a hard
edge reaches it from a CI lost in the same walk, or when its redundancy group keeps fewer than
``min_up`` providers, counting the closure's losses and the walk's); only the sets lost matter
here, not the order or the explanation, so degrading edges are not followed.

Example:
    >>> from itss_graph.engine.indexed import propagate
    >>> from itss_graph.stores.graph_index import GraphIndex
    >>> idx = GraphIndex.build(
    ...     generation="1", keys=[1, 2, 3, 4], ids=["a", "b", "h", "v"], names=["a", "b", "h", "v"],
    ...     types=["server", "server", "server", "vm"], min_up=[1, 1, 1, 1],
    ...     edges=[(3, "RUNS_ON", 0, None, None), (3, "RUNS_ON", 1, None, None), (2, "RUNS_ON", 0, None, None)],
    ...     toward_source={"RUNS_ON": "redundant"}, toward_target={})
    >>> closure = propagate(idx, np.array([0]))  # a fails: v keeps b, h had only a
    >>> [idx.ids_of(found) for found in further_losses_each(idx, closure, np.array([1, 3]))]
    [['v'], []]
"""

from __future__ import annotations

import numpy as np

from itss_graph.engine.indexed import LOST, Closure, distinct
from itss_graph.stores.graph_index import GraphIndex, edges_from


def further_losses_each(index: GraphIndex, closure: Closure, extras: np.ndarray) -> list[np.ndarray]:
    """For each position of ``extras``, the positions its failure would take down on top of
    ``closure`` (a whole closure), as :func:`itss_graph.engine.indexed.further_losses` answers
    for one (the same sets, in no particular order). The closure is left as it was."""
    extras = np.asarray(extras, dtype=np.int64)
    walks = np.flatnonzero(closure.state[extras] < LOST)  # one already lost adds nothing
    n = np.int64(max(index.size, 1))
    slots = np.int64(max(len(index.group_owner), 1))
    # (walk, position) pairs as walk * n + position, sorted: what each walk has lost so far
    lost = np.sort(walks * n + extras[walks])
    frontier_walk, frontier = walks, extras[walks]
    # (walk, slot) pairs as walk * slots + slot, sorted, and the members each walk took from them
    taken_keys = np.empty(0, dtype=np.int64)
    taken = np.empty(0, dtype=np.int64)
    found = []
    while len(frontier):
        edge, walk, member = edges_from(index.flow_ptr, frontier, frontier_walk, frontier)
        c = index.flow_dst[edge].astype(np.int64)
        pair = walk * n + c
        alive = (closure.state[c] < LOST) & ~_contains(lost, pair)
        edge, walk, member, c, pair = edge[alive], walk[alive], member[alive], c[alive], pair[alive]
        cls = index.flow_class[edge]
        causes_loss = cls == 0
        grouped = np.flatnonzero(cls == 1)
        if len(grouped):
            slot = index.flow_group[edge[grouped]].astype(np.int64)
            group_pair = walk[grouped] * slots + slot
            # each (walk, slot, member) counts once, as a member lost with several edges into
            # the group does in the walk of one failure
            counted = distinct(group_pair * n + member[grouped]) // n
            taken_keys, taken = _add_counts(taken_keys, taken, counted)
            at = np.searchsorted(taken_keys, group_pair)
            left = index.group_size[slot] - closure.group_lost[slot] - taken[at]
            causes_loss[grouped[left < index.group_min_up[slot]]] = True
        new = distinct(pair[causes_loss])
        if not len(new):
            break
        found.append(new)
        lost = np.sort(np.concatenate([lost, new]))  # new pairs were alive: none is in lost yet
        frontier_walk, frontier = np.divmod(new, n)
    everything = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    owner, position = np.divmod(everything, n)
    order = np.argsort(owner, kind="stable")
    owner, position = owner[order], position[order]
    bounds = np.searchsorted(owner, np.arange(len(extras) + 1))
    return [position[bounds[k]:bounds[k + 1]] for k in range(len(extras))]


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` are in ``sorted_keys``."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _add_counts(keys: np.ndarray, counts: np.ndarray, more: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted ``keys`` with their ``counts``, plus one count per element of ``more``.

    >>> k, c = _add_counts(np.array([2, 5]), np.array([1, 1]), np.array([5, 3, 5]))
    >>> k.tolist(), c.tolist()
    ([2, 3, 5], [1, 1, 3])
    """
    keys = np.concatenate([keys, more])
    counts = np.concatenate([counts, np.ones(len(more), dtype=np.int64)])
    if not len(keys):
        return keys, counts
    order = np.argsort(keys, kind="stable")  # not np.unique: numpy 2.3+ hashes, several times slower
    keys, counts = keys[order], counts[order]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[starts], np.add.reduceat(counts, starts)

__all__ = ["further_losses_each"]
