"""Impact analysis over a :class:`GraphIndex`: the reference semantics, vectorised.

Same answers as :func:`itss_graph.engine.impact.impact` (the test suite checks them against
each other on random graphs); each breadth-first level is a handful of numpy operations over
the CSR arrays instead of a store query, so a closure reaching 100k CIs of a million-CI estate
costs milliseconds.

Example:
    >>> from itss_graph.stores.graph_index import GraphIndex
    >>> idx = GraphIndex.build(
    ...     generation="1", keys=[1, 2], ids=["h", "v"], names=["h", "v"], types=["server", "vm"],
    ...     min_up=[1, 1], edges=[(1, "RUNS_ON", 0, None, None)],
    ...     toward_source={"RUNS_ON": "down"}, toward_target={})
    >>> closure = propagate(idx, np.array([0]))
    >>> [(idx.id_of(p), int(closure.depth[p])) for p in closure.lost]
    [('v', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from itss_graph.stores.graph_index import GraphIndex, concat_ranges as _ranges

OK, DEGRADED_STATE, LOST, FAILED = 0, 1, 2, 3


@dataclass
class Closure:
    """Per-position state after propagation; ``lost``/``degraded`` list positions in the order
    they were reached."""

    state: np.ndarray
    depth: np.ndarray
    via: np.ndarray  # relation code (via, origin, cause: meaningful where state is not OK)
    origin: np.ndarray  # position the failure came from
    lost: np.ndarray
    degraded: np.ndarray
    cause: np.ndarray  # explanation class per position: 0 hard, 1 redundancy group, 2 degrading
    group_lost: np.ndarray  # lost providers per redundancy-group slot


def zeros(n: int, dtype) -> np.ndarray:
    """``np.zeros(n, dtype)`` whose pages the kernel zeroes when first touched: a question
    that reaches a few hundred CIs of a million-CI index writes a few pages, not megabytes.
    (A long-running process's allocator serves megabyte arrays from its heap, which calloc
    then clears in full: ~0.4 ms each, several per question.)

    >>> zeros(3, np.int8).tolist(), int(zeros(1 << 21, np.int32)[-1])
    ([0, 0, 0], 0)
    """
    dtype = np.dtype(dtype)
    if n * dtype.itemsize < 1 << 20:
        return np.zeros(n, dtype=dtype)
    import mmap

    return np.frombuffer(mmap.mmap(-1, n * dtype.itemsize), dtype=dtype, count=n)


def _first_per_target(targets: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """Indices of the smallest ``order_key`` for each distinct target."""
    order = np.lexsort((order_key, targets))
    sorted_targets = targets[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_targets[1:] != sorted_targets[:-1]
    return order[first]


def propagate(index: GraphIndex, failed: np.ndarray, max_depth: int | None = None) -> Closure:
    """Failure propagation from the ``failed`` positions (see the level semantics in
    :func:`itss_graph.engine.impact.impact_by_queries`), up to ``max_depth`` levels (None: the
    whole closure; answers filter by depth afterwards, see ``ImpactResult.limited``)."""
    n = index.size
    state = zeros(n, np.int8)
    depth = zeros(n, np.int32)
    # written only where the closure reaches (np.empty: a small closure of a million-CI index
    # touches a few pages, not 7 MB); -1 at the failed positions
    via = np.empty(n, dtype=np.int16)
    origin = np.empty(n, dtype=np.int32)
    cause = np.empty(n, dtype=np.int8)
    group_lost = zeros(len(index.group_owner), np.int32)
    failed = np.unique(np.asarray(failed, dtype=np.int64))
    state[failed] = FAILED
    via[failed], origin[failed], cause[failed] = -1, -1, -1
    lost_order: list[np.ndarray] = []
    degraded_order: list[np.ndarray] = []
    for level, lost_c, deg_c, record in _levels(index, state, group_lost, failed, max_depth):
        depth[lost_c] = level
        depth[deg_c] = level
        for positions, (rel, came_from, cls) in ((lost_c, record[0]), (deg_c, record[1])):
            via[positions] = rel
            origin[positions] = came_from
            cause[positions] = cls
        lost_order.append(lost_c)
        degraded_order.append(deg_c)
    lost = np.concatenate(lost_order) if lost_order else np.empty(0, dtype=np.int64)
    degraded = np.concatenate(degraded_order) if degraded_order else np.empty(0, dtype=np.int64)
    degraded = degraded[state[degraded] == DEGRADED_STATE]  # some were lost later
    return Closure(state, depth, via, origin, lost, degraded, cause, group_lost)


def further_losses(index: GraphIndex, closure: Closure, extra: int) -> np.ndarray:
    """Positions that the failure of ``extra`` would take down on top of ``closure`` (a whole
    closure): the same fixpoint as a walk from the closure's failures plus ``extra``, walked
    only from ``extra``. The closure is left as it was."""
    state = closure.state.copy()
    if state[extra] >= LOST:
        return np.empty(0, dtype=np.int64)
    group_lost = closure.group_lost.copy()
    state[extra] = FAILED
    found = [lost_c for _, lost_c, _, _ in _levels(index, state, group_lost,
                                                   np.array([extra], dtype=np.int64), None)]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _levels(index: GraphIndex, state: np.ndarray, group_lost: np.ndarray, frontier: np.ndarray,
            max_depth: int | None):
    """The level walk: yields (level, lost positions, degraded positions, ((via, from, class)
    of the lost, (via, from, class) of the degraded)) per level, updating ``state`` and
    ``group_lost`` in place."""
    n = index.size
    rel_count = max(len(index.rel_names), 1)
    level = 0
    # ordering key of an explanation: (class, relation name, from id), as one int64
    while len(frontier) and (max_depth is None or level < max_depth):
        level += 1
        starts = index.flow_ptr[frontier]
        counts = index.flow_ptr[frontier + 1] - starts
        edge = _ranges(starts, counts)
        f = np.repeat(frontier, counts)
        c = index.flow_dst[edge].astype(np.int64)
        alive = state[c] < LOST
        edge, f, c = edge[alive], f[alive], c[alive]
        cls = index.flow_class[edge].astype(np.int64)
        rel = index.flow_rel[edge].astype(np.int64)
        slot = index.flow_group[edge].astype(np.int64)
        grouped = cls == 1
        if grouped.any():
            pairs = np.unique(slot[grouped] * n + f[grouped])
            np.add.at(group_lost, pairs // n, 1)
        group_gone = np.zeros(len(c), dtype=bool)
        group_gone[grouped] = (index.group_size[slot[grouped]] - group_lost[slot[grouped]]
                               < index.group_min_up[slot[grouped]])
        key = (cls * rel_count + rel) * n + index.id_rank[f]
        causes_loss = (cls == 0) | group_gone
        loss = _first_per_target(c[causes_loss], key[causes_loss])
        lost_c = c[causes_loss][loss]
        state[lost_c] = LOST
        lost_why = (rel[causes_loss][loss], f[causes_loss][loss], cls[causes_loss][loss])
        degrades = ~causes_loss & (state[c] == OK)
        deg = _first_per_target(c[degrades], key[degrades])
        deg_c = c[degrades][deg]
        state[deg_c] = DEGRADED_STATE
        deg_why = (rel[degrades][deg], f[degrades][deg], cls[degrades][deg])
        yield level, lost_c, deg_c, (lost_why, deg_why)
        frontier = np.sort(lost_c)
