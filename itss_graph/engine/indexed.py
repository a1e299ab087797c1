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

from _thread import allocate_lock  # (threading itself imports more, ~0.7 ms)
from contextlib import contextmanager
from functools import cached_property

import numpy as np

from itss_graph.stores.graph_index import GraphIndex, edges_from

OK, DEGRADED_STATE, LOST, FAILED = 0, 1, 2, 3


class Closure:
    """Per-position state after propagation; ``lost``/``degraded`` list positions level by
    level, in the order they were reached (together, lost then degraded: the closure's rows).

    Why each reached position fell: its depth, via (relation code), origin (the position the
    failure came from) and cause (explanation class: 0 hard, 1 redundancy group, 2 degrading).
    Per row: ``depths`` and ``why`` — (via, origin, cause) as one int32 row per lost, then
    degraded position; per position: ``depth``, ``via``, ``origin``, ``cause``, arrays over the
    whole index, meaningful where state is not OK (-1 at a failed position, whose depth is 0).
    A kernel gives one form; the other is made when first read. A page of a large closure reads
    rows only, and never writes the 100k scattered entries of the per-position arrays (~2 ms at
    1M CIs); a chain walk reads ``origin`` by position. The compiled kernel gives each row as
    the edge that explains it and its origin (``steps``): ``why`` is made from them when first
    read, and :meth:`why_of` reads the relations and classes of a page's rows only.
    """

    def __init__(self, state: np.ndarray, lost: np.ndarray, degraded: np.ndarray, group_lost: np.ndarray,
                 *, failed: np.ndarray, per_position: tuple | None = None,
                 depths: np.ndarray | None = None, why: np.ndarray | None = None, steps: tuple | None = None):
        self.state, self.lost, self.degraded, self.failed = state, lost, degraded, failed
        self.group_lost = group_lost  # lost providers per redundancy-group slot
        if per_position is not None:
            self.depth, self.via, self.origin, self.cause = per_position
        if depths is not None:
            self.depths = depths
        if why is not None:
            self.why = why
        # the compiled walk's form of ``why``: per row, the edge that explains it and its
        # origin, (edge, origin) int32 rows, with the index's relation and class per edge
        self._steps = steps

    def why_of(self, rows: np.ndarray) -> np.ndarray:
        """``why[rows]``; from the walk's edges when ``why`` is not made yet (a page of rows
        reads the relations and classes of its rows only, not of the 100k others)."""
        if self._steps is None or "why" in self.__dict__:
            return self.why[rows]
        return _why_of_steps(self._steps, rows)

    @cached_property
    def reached(self) -> np.ndarray:
        """The positions of the rows: lost, then degraded."""
        return np.concatenate([self.lost, self.degraded]).astype(np.int64, copy=False)

    @cached_property
    def depths(self) -> np.ndarray:
        return self.depth[self.reached].astype(np.int32)

    @cached_property
    def why(self) -> np.ndarray:
        if self._steps is not None:
            return _why_of_steps(self._steps, slice(None))
        at = self.reached
        return np.stack([self.via[at], self.origin[at], self.cause[at]], axis=1).astype(np.int32)

    @cached_property
    def depth(self) -> np.ndarray:
        # np.zeros, not zeros(): in a long-running process the allocator serves these from its
        # heap (pages already mapped), where fresh pages of zeros() would fault one by one as a
        # 100k-CI closure touches nearly all of them (~13 ms at 1M CIs)
        depth = np.zeros(len(self.state), np.int32)
        depth[self.reached] = self.depths
        return depth

    @cached_property
    def _per_position(self) -> tuple:
        n, why, at = len(self.state), self.why, self.reached
        via, origin, cause = np.empty(n, np.int16), np.empty(n, np.int32), np.empty(n, np.int8)
        via[at], origin[at], cause[at] = why[:, 0], why[:, 1], why[:, 2]
        via[self.failed], origin[self.failed], cause[self.failed] = -1, -1, -1
        return via, origin, cause

    @cached_property
    def via(self) -> np.ndarray:
        return self._per_position[0]

    @cached_property
    def origin(self) -> np.ndarray:
        return self._per_position[1]

    @cached_property
    def cause(self) -> np.ndarray:
        return self._per_position[2]


def _why_of_steps(steps: tuple, rows) -> np.ndarray:
    """(via, origin, cause) int32 rows of the walk's (edge, origin) ``rows``."""
    edge_rows, flow_rel, flow_class = steps
    picked = edge_rows[rows]
    why = np.empty((len(picked), 3), np.int32)
    edges = picked[:, 0]
    why[:, 0], why[:, 1], why[:, 2] = flow_rel[edges], picked[:, 1], flow_class[edges]
    return why


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


def distinct(values) -> np.ndarray:
    """The distinct values of a 1-D integer array, ascending: ``np.unique`` by one sort (numpy
    2.3+ answers ``np.unique`` through a hash table, several times slower on 100k random ints).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(np.asarray(values).ravel())
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class Winners:
    """For each distinct target of a level's edges, the edge of the smallest ordering key: a
    scatter of the best key per target into a scratch array over all positions (no sort; the
    scratch is zeroed lazily and cleared where written, so a small question touches few pages).

    >>> w = Winners(5)
    >>> sorted(w.first_per_target(np.array([3, 1, 3, 1]), np.array([7, 2, 5, 4])).tolist())
    [1, 2]
    >>> len(w.first_per_target(np.array([4, 4]), np.array([9, 9])))  # equal edges: one kept
    1
    """

    def __init__(self, n: int):
        self._best = zeros(n, np.int64)

    def first_per_target(self, targets: np.ndarray, order_key: np.ndarray) -> np.ndarray:
        """Indices (into ``targets``) of one edge of the smallest ``order_key`` per target
        (keys are below 2**62; edges of equal key to one target are equal answers)."""
        if not len(targets):
            return np.empty(0, dtype=np.int64)
        best = self._best
        flipped = _KEY_LIMIT - order_key  # > 0; 0 marks "no edge yet"
        np.maximum.at(best, targets, flipped)
        won = np.flatnonzero(best[targets] == flipped)
        best[targets[won]] = won  # several winners to one target (parallel edges): keep one
        won = won[best[targets[won]] == won]
        best[targets] = 0
        return won


_KEY_LIMIT = np.int64(1) << 62


def walk_up(up: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The chains from ``positions`` up the links ``up`` (a parent position, -1 at a chain's
    root), walked for all of them at once: one row per position, root first, -1 padding before
    it (a closure's ``origin``, a breadth-first walk's parents).

    >>> walk_up(np.array([-1, 0, 1, -1]), np.array([2, 3])).tolist()
    [[0, 1, 2], [-1, -1, 3]]
    """
    steps = [np.asarray(positions, dtype=np.int64)]
    while True:
        here = steps[-1]
        above = np.full(len(here), -1, dtype=np.int64)
        walking = np.flatnonzero(here >= 0)
        above[walking] = up[here[walking]]
        if not (above >= 0).any():
            return np.stack(steps[::-1], axis=1)
        steps.append(above)


def _count_lost_members(group_lost: np.ndarray, slot: np.ndarray, member: np.ndarray) -> None:
    """Add one to ``group_lost`` per distinct (slot, member) pair; ``member`` runs are
    contiguous (edges come per frontier position), so only members with several grouped edges
    can repeat a pair.

    >>> lost = np.zeros(3, dtype=np.int32)
    >>> _count_lost_members(lost, np.array([0, 0, 2, 0]), np.array([5, 5, 5, 6]))
    >>> lost.tolist()
    [2, 0, 1]
    """
    if len(member) > 1:
        same = member[1:] == member[:-1]
        if same.any():
            several = np.zeros(len(member), dtype=bool)
            several[1:] = same
            several[:-1] |= same
            pairs = distinct(member[several] * len(group_lost) + slot[several])
            slot = np.concatenate([slot[~several], pairs % len(group_lost)])
    np.add.at(group_lost, slot, np.ones(len(slot), dtype=group_lost.dtype))  # the array form is fast


_compiled = None  # the module engine/indexed_jit once use_compiled_kernel() ran (itss serve only)


def use_compiled_kernel() -> None:
    """From now on, walk closures with the numba kernel (:mod:`itss_graph.engine.indexed_jit`):
    the same arrays, ~6× faster on a 100k-CI closure. Imports numba and compiles (or loads the
    compiled code from its disk cache) on a tiny graph first, so the first question does not
    pay it: for a long-running process; a one-shot CLI question keeps the numpy kernel.

    >>> use_compiled_kernel(); compiled_kernel_in_use()
    True
    >>> _use_numpy_kernel()
    """
    global _compiled
    from itss_graph.engine import indexed_jit

    idx = GraphIndex.build(generation="warm", keys=[1, 2], ids=["h", "v"], names=["h", "v"],
                           types=["server", "vm"], min_up=[1, 1], edges=[(1, "RUNS_ON", 0, None, None)],
                           toward_source={"RUNS_ON": "down"}, toward_target={})
    for read_only in (False, True):  # a saved index is memory-mapped read-only: another signature
        if read_only:
            for array in vars(idx).values():
                if isinstance(array, np.ndarray):
                    array.setflags(write=False)
        closure = _propagate_compiled(indexed_jit.walk, idx, np.array([0], dtype=np.int64), None)
        # and the pass ordering a page of rows (engine/indexed_impact.ContractOrderColumns)
        rows, bucket = closure.reached, np.zeros(len(closure.reached), np.int32)
        indexed_jit.page_buckets(idx.type_code, rows, closure.depths, len(closure.lost),
                                 np.zeros(len(idx.type_names), np.int32), 2, bucket, np.zeros(8, np.int64))
        indexed_jit.page_candidates(bucket, 0, 1, idx.id_rank, rows, np.empty(len(rows), np.int64),
                                    np.empty(len(rows), np.int64))
    _compiled = indexed_jit


def compiled_kernel_in_use() -> bool:
    return _compiled is not None


def _use_numpy_kernel() -> None:
    """Back to the numpy kernel (tests compare the two)."""
    global _compiled
    _compiled = None


class _Scratch:
    """The compiled walk's scratch arrays for one walk at a time, kept from question to question:
    a fresh array's pages fault one by one as a walk first touches them (~3 µs each here; a
    100k-CI closure of a 1M index touches nearly all), a reused one's are mapped already. The
    walk leaves ``counted_by`` all zeros; the edge buffers grow to the largest level seen.
    Positions and edge numbers are 32-bit (``indexed_jit.fits``): half the memory traffic."""

    def __init__(self, n: int, groups: int):
        self.shape = (n, groups)
        self.counted_by = np.zeros(groups, np.int32)
        self.slot_of = np.empty(n, np.int32)
        self.lost_out, self.deg_out = np.empty(n, np.int32), np.empty(n, np.int32)
        self.lost_depth, self.deg_depth = np.empty(n, np.int32), np.empty(n, np.int32)
        self.lost_steps, self.deg_steps = np.empty((n, 2), np.int32), np.empty((n, 2), np.int32)
        self.edge_buffers = _edge_buffers(1024)

    def grow(self, most_edges: int) -> None:
        if most_edges > len(self.edge_buffers[0]):
            self.edge_buffers = _edge_buffers(most_edges)


def _edge_buffers(size: int):
    """A level's losing edges and their from positions, then its degrading ones."""
    return tuple(np.empty(size, np.int32) for _ in range(4))


class _ScratchPool:
    """Scratch sets shared by the server's threads, the last one given back handed out first:
    one question after another reuses one set, whose pages are mapped and partly in cache (a
    set per thread went cold as questions moved between the server's workers)."""

    def __init__(self):
        self._free: list[_Scratch] = []
        self._lock = allocate_lock()

    @contextmanager
    def taken(self, n: int, groups: int):
        with self._lock:
            # sets for another index (before a load) are dropped
            self._free = [kept for kept in self._free if kept.shape == (n, groups)]
            scratch = self._free.pop() if self._free else None
        scratch = scratch or _Scratch(n, groups)
        yield scratch  # not given back after an error: a walk stopped midway leaves marks
        with self._lock:
            self._free.append(scratch)


_scratch = _ScratchPool()


def _walk_compiled(walk, index: GraphIndex, state, group_lost, frontier, max_depth, record: bool = False):
    """(lost positions, degraded positions) of the compiled walk (see ``indexed_jit.walk`` for
    the order); with ``record``, also the rows' positions (lost, then degraded: ``lost`` and
    ``degraded`` are its two parts), their depths and the (edge, origin) that explains each.
    Copies: the scratch goes back to the pool."""
    with _scratch.taken(index.size, len(index.group_owner)) as scratch:
        lost, degraded, most = walk(
            index.flow_ptr, index.flow_dst, index.flow_class, index.flow_rel, index.flow_group,
            index.group_size, index.group_min_up, index.id_rank,
            state, group_lost, frontier.astype(np.int32), -1 if max_depth is None else max_depth, record,
            scratch.lost_out, scratch.deg_out, scratch.lost_depth, scratch.deg_depth,
            scratch.lost_steps, scratch.deg_steps, scratch.slot_of,
            scratch.counted_by, *scratch.edge_buffers)
        scratch.grow(most)
        if not record:
            return scratch.lost_out[:lost].astype(np.int64), scratch.deg_out[:degraded].astype(np.int64)
        # the rows of the closure, in one copy each
        reached = np.empty(lost + degraded, np.int64)
        reached[:lost], reached[lost:] = scratch.lost_out[:lost], scratch.deg_out[:degraded]
        return (reached[:lost], reached[lost:], reached,
                np.concatenate([scratch.lost_depth[:lost], scratch.deg_depth[:degraded]]),
                np.concatenate([scratch.lost_steps[:lost], scratch.deg_steps[:degraded]]))


def _propagate_compiled(walk, index: GraphIndex, failed: np.ndarray, max_depth: int | None) -> Closure:
    state = np.zeros(index.size, np.int8)  # np.zeros: see Closure.depth
    group_lost = np.zeros(len(index.group_owner), np.int32)
    failed = distinct(np.asarray(failed, dtype=np.int64))
    state[failed] = FAILED
    lost, degraded, reached, depths, steps = _walk_compiled(walk, index, state, group_lost, failed, max_depth,
                                                            record=True)
    still = state[degraded] == DEGRADED_STATE  # some were lost later
    if not still.all():
        keep = np.concatenate([np.ones(len(lost), dtype=bool), still])
        degraded, reached, depths, steps = degraded[still], reached[keep], depths[keep], steps[keep]
        lost = reached[:len(lost)]
    closure = Closure(state, lost, degraded, group_lost, failed=failed, depths=depths,
                      steps=(steps, index.flow_rel, index.flow_class))
    closure.reached = reached
    return closure


def propagate(index: GraphIndex, failed: np.ndarray, max_depth: int | None = None) -> Closure:
    """Failure propagation from the ``failed`` positions (see the level semantics in
    :func:`itss_graph.engine.impact.impact_by_queries`), up to ``max_depth`` levels (None: the
    whole closure; answers filter by depth afterwards, see ``ImpactResult.limited``)."""
    if _compiled is not None and _compiled.fits(index):
        return _propagate_compiled(_compiled.walk, index, failed, max_depth)
    n = index.size
    state = zeros(n, np.int8)
    depth = zeros(n, np.int32)
    # written only where the closure reaches (np.empty: a small closure of a million-CI index
    # touches a few pages, not 7 MB); -1 at the failed positions
    via = np.empty(n, dtype=np.int16)
    origin = np.empty(n, dtype=np.int32)
    cause = np.empty(n, dtype=np.int8)
    group_lost = zeros(len(index.group_owner), np.int32)
    failed = distinct(np.asarray(failed, dtype=np.int64))
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
    return Closure(state, lost, degraded, group_lost, failed=failed, per_position=(depth, via, origin, cause))


def further_losses(index: GraphIndex, closure: Closure, extra: int) -> np.ndarray:
    """Positions that the failure of ``extra`` would take down on top of ``closure`` (a whole
    closure): the same fixpoint as a walk from the closure's failures plus ``extra``, walked
    only from ``extra``. The closure is left as it was."""
    state = closure.state.copy()
    if state[extra] >= LOST:
        return np.empty(0, dtype=np.int64)
    group_lost = closure.group_lost.copy()
    state[extra] = FAILED
    if _compiled is not None and _compiled.fits(index):
        return _walk_compiled(_compiled.walk, index, state, group_lost, np.array([extra], dtype=np.int64), None)[0]
    found = [lost_c for _, lost_c, _, _ in _levels(index, state, group_lost,
                                                   np.array([extra], dtype=np.int64), None)]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _levels(index: GraphIndex, state: np.ndarray, group_lost: np.ndarray, frontier: np.ndarray,
            max_depth: int | None):
    """The level walk: yields (level, lost positions, degraded positions, ((via, from, class)
    of the lost, (via, from, class) of the degraded)) per level, updating ``state`` and
    ``group_lost`` in place. The frontier holds distinct positions. A level's positions come in
    the order of their first edge that loses (degrades) them, as in ``indexed_jit.walk``: hard
    dependencies in edge order, then redundancy groups; each is explained by its edge of the
    smallest (class, relation, from id) key."""
    n = index.size
    rel_count = max(len(index.rel_names), 1)
    winners = Winners(n)
    level = 0
    while len(frontier) and (max_depth is None or level < max_depth):
        level += 1
        edge, f = edges_from(index.flow_ptr, frontier, frontier)
        c = index.flow_dst[edge]
        alive = np.flatnonzero(state[c] < LOST)
        edge, c, f = edge[alive], c[alive], f[alive]
        cls = index.flow_class[edge]
        rel = index.flow_rel[edge]
        causes_loss = cls == 0
        loss = np.flatnonzero(causes_loss)
        grouped = np.flatnonzero(cls == 1)
        if len(grouped):
            slot = index.flow_group[edge[grouped]]
            _count_lost_members(group_lost, slot, f[grouped])
            gone = grouped[index.group_size[slot] - group_lost[slot] < index.group_min_up[slot]]
            causes_loss[gone] = True
            loss = np.concatenate([loss, gone])
        # ordering key of an explanation: (class, relation name, from id), as one int64
        key = (cls.astype(np.int64) * rel_count + rel) * n + index.id_rank[f]
        loss = _first_reached(winners, c, key, loss)
        lost_c = c[loss[0]].astype(np.int64)
        state[lost_c] = LOST
        degrades = _first_reached(winners, c, key, np.flatnonzero(~causes_loss & (state[c] == OK)))
        deg_c = c[degrades[0]].astype(np.int64)
        state[deg_c] = DEGRADED_STATE
        lost_why = (rel[loss[1]], f[loss[1]], cls[loss[1]])
        deg_why = (rel[degrades[1]], f[degrades[1]], cls[degrades[1]])
        yield level, lost_c, deg_c, (lost_why, deg_why)
        frontier = lost_c


def _first_reached(winners: Winners, target: np.ndarray, key: np.ndarray, edges: np.ndarray) -> tuple:
    """Of ``edges`` (indices, in the order they reach their targets): (the first edge to each
    distinct target, in order; the edge of the smallest ``key`` to the same target, aligned).

    >>> first, best = _first_reached(Winners(9), np.array([7, 5, 7, 5]), np.array([4, 3, 1, 9]), np.arange(4))
    >>> first.tolist(), best.tolist()
    ([0, 1], [2, 1])
    """
    if not len(edges):
        return edges, edges
    at = target[edges]
    first = edges[winners.first_per_target(at, np.arange(len(edges), dtype=np.int64))]
    best = edges[winners.first_per_target(at, key[edges])]
    if len(best) > 1:  # align by target: best's targets sorted, looked up from first's
        by_target = np.argsort(target[best], kind="stable")
        best = best[by_target][np.searchsorted(target[best][by_target], target[first])]
    return first, best
