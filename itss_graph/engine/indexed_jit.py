"""The closure walk of :mod:`itss_graph.engine.indexed` compiled by numba, for the warm server.

One loop over the level's edges instead of a dozen numpy passes over them: the same levels, the
same winner per target (the explanation of the smallest (class, relation, from id) key, the
last of equal edges, as ``Winners``), positions reported in the same order, so every array of
the :class:`~itss_graph.engine.indexed.Closure` is identical to the numpy kernel's
(tests/test_closure_kernels.py checks it on random estates and on the demo estate). Beside
it, the two passes that find a page of a closure's rows in the contract's order
(``page_buckets``, ``page_candidates``: ``ContractOrderColumns`` uses them once the compiled
kernel is in use; tests/test_contract_order_pages.py holds their pages to the sorted answer).

Only ``itss serve`` uses it (:func:`itss_graph.engine.indexed.use_compiled_kernel`, called in a
background thread at start): importing numba and compiling cost ~1 s and ~100 MB that a
one-shot CLI question must not pay. Compiled code is cached on disk (``NUMBA_CACHE_DIR``, set
here to a user cache directory when the package directory is not writable).
"""

from __future__ import annotations

import os


def _cache_dir() -> None:
    """Point numba's on-disk cache at a user directory when the package's own ``__pycache__``
    cannot be written (a read-only install); an explicit ``NUMBA_CACHE_DIR`` wins."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    here = os.path.dirname(os.path.abspath(__file__))
    if os.access(here, os.W_OK):
        return
    from itss_graph.resources import cache_dir

    os.environ["NUMBA_CACHE_DIR"] = str(cache_dir() / "numba")


_cache_dir()

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

OK, DEGRADED_STATE, LOST, FAILED = 0, 1, 2, 3
# candidates of the level being walked (never left in state), with the class of the edge that
# explains them so far: PENDING_LOST + class (class 0 hard, 1 a redundancy group: 4 or 5),
# PENDING_DEGRADED + class (1 a group that still holds, 2 degrading: 6 or 7)
PENDING_LOST, PENDING_DEGRADED = 4, 5


def fits(index) -> bool:
    """Whether ``index`` fits the walk's packed explanation keys (class, relation code below
    2**16, from id rank below 2**32: one int64) and its 32-bit positions and edge numbers (half
    the memory traffic of 64-bit ones)."""
    return len(index.rel_names) < 1 << 16 and index.size < 1 << 31 and len(index.flow_dst) < 1 << 31


@njit(cache=True, nogil=True, inline="always")
def _key(cls, rel, from_rank):  # pragma: no cover - compiled
    """The explanation order of an edge, (class, relation code, from id rank), as one int64."""
    return (np.int64(cls) << 48) | (np.int64(rel) << 32) | np.int64(from_rank)


@njit(cache=True, nogil=True, inline="always")
def _weigh_set_aside(edges, froms, count, out, start, end, rows, slot_of, flow_dst, flow_class,
                     flow_rel, id_rank):  # pragma: no cover - compiled
    """The edges a level set aside (the first ``count`` of ``edges``/``froms``: each reaches a
    CI placed at this level, rows ``start``..``end`` of ``out``) weighed against the edge that
    placed it: the smaller key explains the row. Runs only in a level with such edges."""
    for i in range(start, end):
        slot_of[out[i]] = i
    for j in range(count):
        e = edges[j]
        row = slot_of[flow_dst[e]]
        won = rows[row, 0]
        if _key(flow_class[e], flow_rel[e], id_rank[froms[j]]) < _key(
                flow_class[won], flow_rel[won], id_rank[rows[row, 1]]):
            rows[row, 0] = e
            rows[row, 1] = froms[j]


@njit(cache=True, nogil=True)
def walk(flow_ptr, flow_dst, flow_class, flow_rel, flow_group, group_size, group_min_up, id_rank,
         state, group_lost, frontier, max_depth, record, lost_out, deg_out, lost_depth, deg_depth,
         lost_rows, deg_rows, slot_of, counted_by,
         lose_e, lose_f, pend_e, pend_f):  # pragma: no cover - compiled; parity tested
    """Walks the levels from ``frontier`` (distinct positions), updating ``state`` and
    ``group_lost``; returns (lost count, degraded count, the most edges a level had).

    Writes the lost positions to ``lost_out`` and their depths to ``lost_depth``, the degraded
    ones to ``deg_out`` / ``deg_depth``: level by level, a level's positions in the order of
    their first edge that loses (degrades) them — hard dependencies in the level's edge order
    (frontier order, then CSR order), then redundancy groups lost by the level's counts.

    With ``record``, also why each was reached, to the same row of ``lost_rows`` / ``deg_rows``:
    (edge, origin), the edge of the smallest (class, relation, from id) key and the position it
    comes from; a row's key is read back from its edge when another edge reaches its CI at the
    same level. The edge's relation and class (the row's via and cause) are read by whoever
    needs them (``Closure.why``, ``Closure.why_of``): reading them here for every row, from
    arrays the walk otherwise never touches, cost ~2-3 ms of a 128k-CI walk, and a page of rows
    needs them for its 100 rows only. Without ``record`` (the walks for one more failure, which
    count what they reach) the walk skips the rows and the keys.

    Scratch, reused from question to question (fresh pages cost a fault each): ``slot_of`` (per
    position: its row, written only in a level where a second edge reaches a CI already placed),
    ``counted_by`` (per group slot, left all zeros), ``lose_*`` / ``pend_*`` (a level's losing
    and degrading edges and their from positions; a level with more edges allocates its own)."""
    n_lost = 0
    n_deg = 0
    level = 0
    most = 0
    cur = frontier
    while cur.shape[0] > 0 and (max_depth < 0 or level < max_depth):
        level += 1
        total = 0
        for k in range(cur.shape[0]):
            f = cur[k]
            total += flow_ptr[f + 1] - flow_ptr[f]
        most = max(most, total)
        if total > lose_e.shape[0]:
            lose_e = np.empty(total, dtype=np.int32)
            lose_f = np.empty(total, dtype=np.int32)
            pend_e = np.empty(total, dtype=np.int32)
            pend_f = np.empty(total, dtype=np.int32)
        # the level's live edges: hard ones lose their target, grouped ones wait for the
        # level's counts (each lost provider counted once per slot), degrading ones for the
        # level's losses
        n_lose = 0
        n_pend = 0
        for k in range(cur.shape[0]):
            f = cur[k]
            for e in range(flow_ptr[f], flow_ptr[f + 1]):
                s = state[flow_dst[e]]
                if s == LOST or s == FAILED:
                    continue
                cls = flow_class[e]
                if cls == 0:
                    lose_e[n_lose] = e
                    lose_f[n_lose] = f
                    n_lose += 1
                else:
                    if cls == 1:
                        slot = flow_group[e]
                        if counted_by[slot] != f + 1:
                            counted_by[slot] = f + 1
                            group_lost[slot] += 1
                    pend_e[n_pend] = e
                    pend_f[n_pend] = f
                    n_pend += 1
        # grouped edges: a slot whose lost providers leave fewer than its minimum up loses
        kept = 0
        for j in range(n_pend):
            e = pend_e[j]
            if flow_class[e] == 1:
                slot = flow_group[e]
                counted_by[slot] = 0
                if group_size[slot] - group_lost[slot] < group_min_up[slot]:
                    lose_e[n_lose] = e
                    lose_f[n_lose] = pend_f[j]
                    n_lose += 1
                    continue
            pend_e[kept] = e
            pend_f[kept] = pend_f[j]
            kept += 1
        n_pend = kept
        # candidates, losses first: a target's first edge places it, the smallest key explains
        # it (the two loops differ in their arrays only: one loop choosing them, or a helper for the
        # explanation, ran 40 % slower)
        # (an edge reaching a CI already placed at this level is set aside, moved to the front
        # of its buffer, and weighed once the level's rows are written: rows are found by
        # ``slot_of`` only in a level that has such edges, and the comparisons run in the same
        # order; writing ``slot_of`` for every row, scattered over the index, cost ~0.5 ms of
        # a 128k-CI walk whose one level with such edges has a single row)
        start, d_start = n_lost, n_deg
        again = 0
        for j in range(n_lose):
            e = lose_e[j]
            c = flow_dst[e]
            s = state[c]
            if s < PENDING_LOST or s > PENDING_LOST + 1:
                state[c] = PENDING_LOST + flow_class[e]
                lost_out[n_lost] = c
                lost_depth[n_lost] = level
                if record:
                    lost_rows[n_lost, 0] = e
                    lost_rows[n_lost, 1] = lose_f[j]
                n_lost += 1
            elif record and flow_class[e] <= s - PENDING_LOST:  # (a higher class never explains it)
                lose_e[again] = e
                lose_f[again] = lose_f[j]
                again += 1
        if again:
            _weigh_set_aside(lose_e, lose_f, again, lost_out, start, n_lost, lost_rows, slot_of,
                             flow_dst, flow_class, flow_rel, id_rank)
        again = 0
        for j in range(n_pend):
            e = pend_e[j]
            c = flow_dst[e]
            s = state[c]
            if s == OK:
                state[c] = PENDING_DEGRADED + flow_class[e]
                deg_out[n_deg] = c
                deg_depth[n_deg] = level
                if record:
                    deg_rows[n_deg, 0] = e
                    deg_rows[n_deg, 1] = pend_f[j]
                n_deg += 1
            elif s > PENDING_LOST + 1 and record and flow_class[e] <= s - PENDING_DEGRADED:
                pend_e[again] = e
                pend_f[again] = pend_f[j]
                again += 1
        if again:
            _weigh_set_aside(pend_e, pend_f, again, deg_out, d_start, n_deg, deg_rows, slot_of,
                             flow_dst, flow_class, flow_rel, id_rank)
        for i in range(start, n_lost):
            state[lost_out[i]] = LOST
        for i in range(d_start, n_deg):
            state[deg_out[i]] = DEGRADED_STATE
        cur = lost_out[start:n_lost]
    return n_lost, n_deg, most


@njit(cache=True, nogil=True)
def page_buckets(type_code, positions, depths, lost, first_of_type, levels, bucket, counts):  # pragma: no cover - compiled; parity tested
    """The buckets of a closure's rows in the contract's order (``ContractOrderColumns``):
    per row (``positions``, the lost rows first), ``first_of_type[type code] + depth``, plus
    ``levels`` past the lost rows, to ``bucket``; the rows of each bucket added to ``counts``.
    One pass instead of numpy's five over 100k rows."""
    for i in range(positions.shape[0]):
        b = first_of_type[type_code[positions[i]]] + depths[i]
        if i >= lost:
            b += levels
        bucket[i] = b
        counts[b] += 1


@njit(cache=True, nogil=True)
def page_candidates(bucket, first, last, id_rank, positions, chosen, key):  # pragma: no cover - compiled; parity tested
    """The rows whose bucket is ``first`` to ``last``, to ``chosen``, and their order (bucket,
    then id rank) as one key to ``key``; returns how many."""
    n = 0
    for i in range(bucket.shape[0]):
        b = bucket[i]
        if b >= first and b <= last:
            chosen[n] = i
            key[n] = (np.int64(b) << 32) | np.int64(id_rank[positions[i]])
            n += 1
    return n
