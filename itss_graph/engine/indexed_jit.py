"""The closure walk of :mod:`itss_graph.engine.indexed` compiled by numba, for the warm server.

One loop over the level's edges instead of a dozen numpy passes over them: the same levels, the
same winner per target (the explanation of the smallest (class, relation, from id) key, the
last of equal edges, as ``Winners``), positions reported in the same order, so every array of
the :class:`~itss_graph.engine.indexed.Closure` is identical to the numpy kernel's
(tests/test_closure_kernels.py checks it on random estates and on the demo estate).

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

LOST, FAILED, OK, DEGRADED_STATE = 2, 3, 0, 1


# A candidate edge's rank within its level, one int64: the explanation key (class, relation,
# from id) in the high bits, then the edge's reverse place in the level (of equal keys the last
# edge wins, as in Winners). Keys stay below 2**31 while 3 * relations * positions does.
_PLACES = 1 << 31


def fits(index) -> bool:
    """Whether ``index`` is small enough for the packed ranks (3 classes × relations × CIs
    below 2**31: 10M CIs with 70 relation types) and for the level buffers' 32-bit edge
    numbers (half the memory traffic of 64-bit ones: ~10 % of a 100k-CI walk)."""
    return 3 * max(len(index.rel_names), 1) * max(index.size, 1) < _PLACES and len(index.flow_dst) < _PLACES


@njit(cache=True, nogil=True, inline="always")
def _write_row(rows, k, level, edge, origin, flow_rel, flow_class):  # pragma: no cover - compiled
    """Row ``k``: why a position was reached (depth, via, origin, cause) by ``edge`` from ``origin``."""
    rows[k, 0] = level
    rows[k, 1] = flow_rel[edge]
    rows[k, 2] = origin
    rows[k, 3] = flow_class[edge]


@njit(cache=True, nogil=True)
def walk(flow_ptr, flow_dst, flow_class, flow_rel, flow_group, group_size, group_min_up, id_rank,
         rel_count, state, group_lost, frontier, max_depth, record, lost_rows, deg_rows,
         best, counted_by, lost_out, deg_out, edges, froms, targets, ranks, causes):  # pragma: no cover - compiled; parity tested
    """Walks the levels from ``frontier`` (distinct positions), updating ``state`` and
    ``group_lost``. Writes the lost positions in the order reached to ``lost_out`` and the
    degraded ones to ``deg_out`` (one slot per position each) and, with ``record``, why each was
    reached to the same row of ``lost_rows`` / ``deg_rows`` (depth, via, origin, cause: rows
    written in order, not scattered over the index); returns (lost count, degraded count, the
    most edges a level had).

    Scratch, reused from question to question (fresh pages cost a fault each, ~3 µs here):
    ``best`` (one int32 per position: 1 + the level's edge that explains the position so far,
    half the memory of keeping the rank itself) and ``counted_by`` (one per group slot) hold
    zeros and are left so; ``edges``, ``froms``, ``targets``, ``ranks``, ``causes`` hold a
    level's live edges (a level with more allocates its own)."""
    n = state.shape[0]
    n_lost = 0
    n_deg = 0
    level = 0
    start = 0
    most = 0
    cur = frontier
    while cur.shape[0] > 0 and (max_depth < 0 or level < max_depth):
        level += 1
        total = 0
        for k in range(cur.shape[0]):
            f = cur[k]
            total += flow_ptr[f + 1] - flow_ptr[f]
        most = max(most, total)
        if total > edges.shape[0]:
            edges = np.empty(total, dtype=np.int32)
            froms = np.empty(total, dtype=np.int32)
            targets = np.empty(total, dtype=np.int32)
            ranks = np.empty(total, dtype=np.int64)
            causes = np.empty(total, dtype=np.bool_)
        m = 0
        # the level's live edges, frontier order then CSR order, each with the high part of its
        # rank (class, relation, from id); a group slot counts each lost provider once
        # (counted_by: 1 + the provider that counted it, this level)
        for k in range(cur.shape[0]):
            f = cur[k]
            from_rank = np.int64(id_rank[f])
            for e in range(flow_ptr[f], flow_ptr[f + 1]):
                c = flow_dst[e]
                if state[c] >= LOST:
                    continue
                cls = flow_class[e]
                edges[m] = e
                froms[m] = f
                targets[m] = c
                ranks[m] = ((np.int64(cls) * rel_count + flow_rel[e]) * n + from_rank) * _PLACES
                m += 1
                if cls == 1:
                    slot = flow_group[e]
                    if counted_by[slot] != f + 1:
                        counted_by[slot] = f + 1
                        group_lost[slot] += 1
        # whether each edge loses its target (a group's once its counts are complete), the
        # rank's low part, and per target the lost candidate of the smallest rank
        for j in range(m):
            e = edges[j]
            cls = flow_class[e]
            if cls == 1:
                slot = flow_group[e]
                counted_by[slot] = 0
                loses = group_size[slot] - group_lost[slot] < group_min_up[slot]
            else:
                loses = cls == 0
            causes[j] = loses
            rank = ranks[j] + (_PLACES - 1 - j) + 1
            ranks[j] = rank
            if loses:
                c = targets[j]
                if best[c] == 0 or rank < ranks[best[c] - 1]:
                    best[c] = j + 1
        # the lost, reported in edge order
        start = n_lost
        for j in range(m):
            if causes[j]:
                c = targets[j]
                if best[c] == j + 1:
                    best[c] = 0
                    state[c] = LOST
                    lost_out[n_lost] = c
                    if record:
                        _write_row(lost_rows, n_lost, level, edges[j], froms[j], flow_rel, flow_class)
                    n_lost += 1
        # the degraded: targets still OK after this level's losses
        for j in range(m):
            if not causes[j]:
                c = targets[j]
                if state[c] == OK and (best[c] == 0 or ranks[j] < ranks[best[c] - 1]):
                    best[c] = j + 1
        for j in range(m):
            if not causes[j]:
                c = targets[j]
                if state[c] == OK and best[c] == j + 1:
                    best[c] = 0
                    state[c] = DEGRADED_STATE
                    deg_out[n_deg] = c
                    if record:
                        _write_row(deg_rows, n_deg, level, edges[j], froms[j], flow_rel, flow_class)
                    n_deg += 1
        cur = lost_out[start:n_lost]
    return n_lost, n_deg, most
