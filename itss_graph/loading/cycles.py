"""Cycles over relation types the ontology declares acyclic (``cmdb:acyclic true``: a rack cannot
be located in itself through a room, a VM cannot run on itself through a cluster).

The graph checked is the staged relations of each such type together with the store's relations
of that type reachable from them (fetched level by level through :meth:`Store.edges`), so a row
that closes a cycle through what is already stored is caught too. Nodes on no cycle are peeled
off with numpy (repeatedly dropping nodes without incoming, then without outgoing, edges); what
remains, usually nothing, is searched for concrete cycles. Each cycle is reported once, at the
staged row that closes it (the last one in file order), listing the whole cycle.

Example:
    >>> _cycle_text(["a", "b", "c"], "LOCATED_IN")
    'a -[LOCATED_IN]-> b -[LOCATED_IN]-> c -[LOCATED_IN]-> a'
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from itss_graph.errors import Problem
from itss_graph.i18n import M_
from itss_graph.stores.base import OUTGOING


def _cycle_text(nodes: list[str], rel_type: str) -> str:
    arrow = f" -[{rel_type}]-> "
    return arrow.join(nodes + nodes[:1])


def find_cycles(staging, store, schema, *, limit: int, drop: bool, store_empty: bool) -> list[Problem]:
    """Problems for rows that close cycles over acyclic relation types (see the module doc)."""
    types = schema.acyclic_types()
    if not types:
        return []
    names = _Names(staging)
    problems: list[Problem] = []
    for rel_type, (src, dst) in _staged_edges(staging, types, names).items():
        if len(problems) >= limit:
            break
        problems += _check_type(staging, store, names, rel_type, src, dst,
                                limit - len(problems), drop, store_empty)
    return problems


def _staged_edges(staging, types: list[str], names: "_Names") -> dict[str, tuple]:
    """Staged edges of the given types as numpy arrays of node numbers, read in one scan
    (integers travel as one comma-separated text, parsed by numpy)."""
    import numpy as np

    marks = ",".join("?" * len(types))
    case = "CASE type " + " ".join(f"WHEN ? THEN {i}" for i in range(len(types))) + " END"
    (flat,) = staging.db.execute(
        f"""SELECT group_concat({case} || ',' || src || ',' || dst) FROM rel
            WHERE type IN ({marks}) AND typeof(src) = 'integer' AND typeof(dst) = 'integer'""",
        (*types, *types)).fetchone()
    triples = (np.fromstring(flat, dtype=np.int64, sep=",").reshape(-1, 3) if flat
               else np.empty((0, 3), np.int64))
    out: dict[str, tuple] = {}
    for code, rel_type in enumerate(types):
        rows = triples[triples[:, 0] == code]
        src, dst = rows[:, 1].copy(), rows[:, 2].copy()
        if staging.has_text_ends:  # ends that are CIs of the store get numbers of their own
            extra = staging.db.execute(
                """SELECT src, dst FROM rel WHERE type = ?
                   AND (typeof(src) = 'text' OR typeof(dst) = 'text')""", (rel_type,)).fetchall()
            if extra:
                names.learn({x for edge in extra for x in edge if isinstance(x, str)})
                src = np.concatenate([src, np.array([names.number(a) for a, _ in extra], np.int64)])
                dst = np.concatenate([dst, np.array([names.number(b) for _, b in extra], np.int64)])
        if len(src):
            out[rel_type] = (src, dst)
    return out


def _check_type(staging, store, names: "_Names", rel_type: str, src, dst, limit: int,
                drop: bool, store_empty: bool) -> list[Problem]:
    import numpy as np

    db = staging.db
    staged_count = len(src)
    if not store_empty:
        stored = _stored_edges(store, rel_type, names, np.unique(dst))
        if stored:
            src = np.concatenate([src, np.array([s for s, _ in stored], np.int64)])
            dst = np.concatenate([dst, np.array([d for _, d in stored], np.int64)])
    keep = _on_cycles(src, dst)
    if not keep.any():
        return []
    # a small graph is left: find concrete cycles in Python
    edges: dict[int, set[int]] = defaultdict(set)
    staged_edges: set[tuple[int, int]] = set()
    for i in np.nonzero(keep)[0]:
        a, b = int(src[i]), int(dst[i])
        edges[a].add(b)
        if i < staged_count:
            staged_edges.add((a, b))
    problems: list[Problem] = []
    while len(problems) < limit:
        cycle = _one_cycle(edges)
        if cycle is None:
            break
        pairs = list(zip(cycle, cycle[1:] + cycle[:1]))
        staged_pairs = [p for p in pairs if p in staged_edges]
        labels = [names.label(n) for n in cycle]
        if not staged_pairs:  # already in the store: not this input's doing
            a, b = pairs[0]
            staging.warn("(store)", None, None,
                         M_("the store already holds a cycle over {rel_type}: {cycle_text}",
                            rel_type=rel_type, cycle_text=_cycle_text(labels, rel_type)))
            edges[a].discard(b)
            continue
        rows = [_row_of(staging, rel_type, names, a, b) for a, b in staged_pairs]
        rowid, file, line = max(rows, key=lambda r: (r[1], r[2] or 0))
        culprit = next(p for p, r in zip(staged_pairs, rows) if r[0] == rowid)
        start = cycle.index(culprit[1])  # list the cycle from the CI this row points to
        labels = labels[start:] + labels[:start]
        problems.append(Problem(
            file, line, "target",
            M_("closes a cycle of {rel_type} relations, which the ontology forbids: {cycle_text}",
               rel_type=rel_type, cycle_text=_cycle_text(labels, rel_type))))
        edges[culprit[0]].discard(culprit[1])
        staged_edges.discard(culprit)
        if drop:
            db.execute("DELETE FROM rel WHERE rowid = ?", (rowid,))
            staging.rows_deleted()
    return problems


def _on_cycles(src, dst):
    """Boolean mask of the edges left after peeling nodes that are on no cycle."""
    import numpy as np

    nodes, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    n = len(nodes)
    s, d = inverse[:len(src)], inverse[len(src):]
    alive = np.ones(len(s), dtype=bool)
    for a, b in ((s, d), (d, s)):  # drop sources, then sinks
        order = np.argsort(a[alive], kind="stable")
        live_index = np.nonzero(alive)[0][order]
        starts = np.searchsorted(a[live_index], np.arange(n + 1))
        degree = np.bincount(b[alive], minlength=n)
        frontier = np.nonzero((degree == 0) & (np.bincount(np.concatenate([a[alive], b[alive]]),
                                                           minlength=n) > 0))[0]
        removed = np.zeros(n, dtype=bool)
        while frontier.size:
            removed[frontier] = True
            counts = starts[frontier + 1] - starts[frontier]
            total = int(counts.sum())
            if not total:
                break
            offsets = np.repeat(starts[frontier] - np.cumsum(counts) + counts, counts) + np.arange(total)
            gone = live_index[offsets]
            alive[gone] = False
            targets = b[gone]
            np.subtract.at(degree, targets, 1)
            candidates = np.unique(targets)
            frontier = candidates[(degree[candidates] == 0) & ~removed[candidates]]
        if not alive.any():
            break
    return alive


def _one_cycle(edges: dict[int, set[int]]) -> list[int] | None:
    """A cycle (list of nodes) in a small graph, or None (iterative depth-first search)."""
    state: dict[int, int] = {}  # 1 on the stack, 2 done
    for root in sorted(edges):
        if state.get(root):
            continue
        stack: list[tuple[int, Any]] = [(root, iter(sorted(edges[root])))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child):]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges.get(child, ())))))
    return None


class _Names:
    """Numbers for graph nodes: staged CIs are their key ``k``; CIs of the store get numbers
    above every staged key."""

    def __init__(self, staging):
        self.staging = staging
        self.next = (staging.db.execute("SELECT coalesce(max(k), 0) FROM ci").fetchone()[0]) + 1
        self.by_text: dict[str, int] = {}
        self.texts: dict[int, str] = {}

    def number(self, end: int | str) -> int:
        if isinstance(end, int):
            return end
        found = self.by_text.get(end)
        if found is None:
            row = self.staging.db.execute("SELECT min(k) FROM ci WHERE id = ?", (end,)).fetchone()
            if row[0] is not None:
                found = row[0]
            else:
                found = self.next
                self.next += 1
                self.texts[found] = end
            self.by_text[end] = found
        return found

    def label(self, number: int) -> str:
        return self.texts.get(number) or self.staging.end_label(number)

    def ids_of(self, numbers: list[int]) -> list[str]:
        """The ids of many numbers at once."""
        import json

        staged = [n for n in numbers if n not in self.texts]
        found: dict[int, str] = {}
        for start in range(0, len(staged), 100_000):
            found.update(self.staging.db.execute(
                "SELECT k, id FROM ci WHERE k IN (SELECT value FROM json_each(?))",
                (json.dumps(staged[start:start + 100_000]),)))
        return [self.texts.get(n) or found.get(n) or self.staging.end_label(n) for n in numbers]

    def learn(self, ids: set[str]) -> None:
        """Number many text ids at once (staged ones become their key)."""
        import json

        todo = [i for i in ids if i not in self.by_text]
        for start in range(0, len(todo), 100_000):
            chunk = todo[start:start + 100_000]
            for ci_id, k in self.staging.db.execute(
                    "SELECT id, min(k) FROM ci WHERE id IN (SELECT value FROM json_each(?)) GROUP BY id",
                    (json.dumps(chunk),)):
                self.by_text[ci_id] = k
        for ci_id in todo:
            if ci_id not in self.by_text:
                self.by_text[ci_id] = self.next
                self.texts[self.next] = ci_id
                self.next += 1


def _stored_edges(store, rel_type: str, names: _Names, targets) -> list[tuple[int, int]]:
    """Stored edges of ``rel_type`` reachable from the staged edges' targets."""
    frontier = names.ids_of([int(t) for t in targets])
    seen = set(frontier)
    out: list[tuple[str, str]] = []
    while frontier:
        next_frontier = []
        for start in range(0, len(frontier), 50_000):
            for a, _t, b in store.edges(frontier[start:start + 50_000], OUTGOING, [rel_type]):
                out.append((a, b))
                if b not in seen:
                    seen.add(b)
                    next_frontier.append(b)
        frontier = next_frontier
    names.learn({x for edge in out for x in edge})
    return [(names.number(a), names.number(b)) for a, b in out]


def _row_of(staging, rel_type: str, names: _Names, a: int, b: int) -> tuple[int, str, int | None]:
    """(rowid, file, line) of the staged row a -[rel_type]-> b."""
    line = staging.line_sql("rel", "r")
    ends = []
    for number in (a, b):
        ends.append(number if number not in names.texts else names.texts[number])
    row = staging.db.execute(
        f"""SELECT r.rowid, f.name, {line} FROM rel r JOIN file f USING (fid)
            WHERE r.type = ? AND r.src IS ? AND r.dst IS ? ORDER BY r.rowid LIMIT 1""",
        (rel_type, ends[0], ends[1])).fetchone()
    return row

