"""Rows for layered layouts, so a wide level does not become a line thousands of pixels long.

vis-network's hierarchical layout puts every node of a level on one row. A service's power
layer alone can hold a few hundred PDUs and feeds, and a row that long shrinks the whole picture
to a thread. :func:`banded_rows` turns each level into a *band* of consecutive rows: nodes of a
level are ordered by a sub-key (e.g. CI type, in the order the types depend on each other), each
sub-key starts a new row, and a row holds at most ``width`` nodes. The bands keep the levels'
order, so "above" and "below" keep their meaning.

Example:
    >>> rows = banded_rows({"a": (0, "x"), "b": (1, "y"), "c": (1, "y"), "d": (1, "z")}, width=1)
    >>> [rows[k] for k in "abcd"]
    [0, 1, 2, 3]
    >>> banded_rows({"a": (0, "x"), "b": (1, "y"), "c": (1, "y")}, width=5)
    {'a': 0, 'b': 1, 'c': 1}
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Hashable, Iterable

#: Drawings aim to be this many times wider than high (a screen, a page in landscape).
ASPECT = 1.4


def fit_row_width(level_sizes: Iterable[int], along: float, across: float, aspect: float = 1.4,
                  minimum: int = 6) -> int:
    """How many nodes a row may hold so the drawing is about ``aspect`` times as long along the
    rows as across them, when each level of ``level_sizes`` nodes wraps into rows (``along``:
    distance between nodes of a row; ``across``: distance between rows).

    >>> fit_row_width([1, 400], along=140, across=120)
    23
    >>> fit_row_width([3, 5], along=140, across=120)  # small levels: no wrapping
    6
    """
    sizes = [n for n in level_sizes if n > 0]
    if not sizes:
        return minimum
    best, best_score = minimum, float("inf")
    for width in range(minimum, max(max(sizes), minimum) + 1):
        rows = sum(-(-n // width) for n in sizes)
        ratio = (min(width, max(sizes)) * along) / (rows * across)
        score = abs(math.log(ratio / aspect))
        if score < best_score - 1e-9:
            best, best_score = width, score
    return best


def banded_rows(placement: dict[str, tuple[int, Hashable]], width: int,
                sub_order: Iterable[Hashable] | None = None) -> dict[str, int]:
    """Row of each node from ``{id: (level, sub_key)}``: levels in ascending order, within a
    level one run of rows per sub-key (in ``sub_order`` when given, else sorted by text), at
    most ``width`` nodes per row. Nodes keep their input order within a row run."""
    order = {k: i for i, k in enumerate(sub_order or ())}
    by_level: dict[int, dict[Hashable, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, (level, sub) in placement.items():
        by_level[level][sub].append(node)
    rows: dict[str, int] = {}
    row = 0
    for level in sorted(by_level):
        subs = by_level[level]
        # a level that fits on one row stays one row, whatever its sub-keys
        if sum(len(v) for v in subs.values()) <= width:
            for members in subs.values():
                for node in members:
                    rows[node] = row
            row += 1
            continue
        for sub in sorted(subs, key=lambda s: (order.get(s, len(order)), str(s))):
            members = subs[sub]
            for start in range(0, len(members), width):
                for node in members[start:start + width]:
                    rows[node] = row
                row += 1
    return rows


def dependency_order(pairs: Iterable[tuple[Hashable, Hashable]], keys: Iterable[Hashable]) -> list[Hashable]:
    """``keys`` ordered so that a key comes before the keys it depends on (``(a, b)``: a rests
    on b), ties and cycles broken by text: e.g. pdu, power-feed, power-panel, ups.

    >>> dependency_order([("pdu", "power-feed"), ("power-feed", "power-panel")], ["power-panel", "pdu", "power-feed"])
    ['pdu', 'power-feed', 'power-panel']
    """
    keys = sorted(set(keys), key=str)
    after: dict[Hashable, set[Hashable]] = {k: set() for k in keys}
    indegree = {k: 0 for k in keys}
    for a, b in pairs:
        if a in after and b in after and a != b and b not in after[a]:
            after[a].add(b)
            indegree[b] += 1
    out: list[Hashable] = []
    ready = [k for k in keys if indegree[k] == 0]
    placed: set[Hashable] = set()
    while len(out) < len(keys):
        if not ready:  # a cycle: take the first remaining key by text
            ready = [next(k for k in keys if k not in placed)]
        ready.sort(key=str)
        k = ready.pop(0)
        if k in placed:
            continue
        placed.add(k)
        out.append(k)
        for b in sorted(after[k], key=str):
            indegree[b] -= 1
            if indegree[b] == 0 and b not in placed:
                ready.append(b)
    return out


def layered_positions(levels: dict[str, int], links: Iterable[tuple[str, str]], *,
                      spacing: float = 140, separation: float = 120, direction: str = "UD",
                      sweeps: int = 2) -> dict[str, tuple[float, float]]:
    """Coordinates for a layered drawing computed here rather than in the browser (vis-network's
    hierarchical layout packs each subtree beside the others, which turns a big tree into a
    thin line, and takes seconds on thousands of nodes). Rows are the levels; within a row
    nodes are ordered by the mean position of their neighbours in the rows already placed
    (barycentre heuristic, swept down then up ``sweeps`` times) and centred.

    >>> pos = layered_positions({"r": 0, "a": 1, "b": 1}, [("r", "a"), ("r", "b")], spacing=10, separation=5)
    >>> pos["r"], sorted([pos["a"], pos["b"]])
    ((0.0, 0.0), [(-5.0, 5.0), (5.0, 5.0)])
    """
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        if a in levels and b in levels and a != b:
            neighbours[a].append(b)
            neighbours[b].append(a)
    rows: dict[int, list[str]] = defaultdict(list)
    for node, level in levels.items():
        rows[level].append(node)
    order = sorted(rows)
    slot: dict[str, float] = {}

    def place(row: list[str]) -> None:
        start = -(len(row) - 1) / 2
        for i, node in enumerate(row):
            slot[node] = start + i

    def sweep(sequence: list[int], placed_only: bool) -> None:
        for level in sequence:
            row = rows[level]
            keyed = []
            for k, node in enumerate(row):
                near = [slot[n] for n in neighbours[node] if n in slot and levels[n] != level]
                if near:
                    key = sum(near) / len(near)
                else:  # nothing placed around it yet: keep its place (or its input order)
                    key = 1e9 if placed_only else slot.get(node, 1e9)
                keyed.append((key, k, node))
            keyed.sort()
            rows[level] = [node for _, _, node in keyed]
            place(rows[level])

    sweep(order, placed_only=True)
    for _ in range(max(0, sweeps - 1)):
        sweep(list(reversed(order[:-1])), placed_only=False)
        sweep(order[1:], placed_only=False)
    out: dict[str, tuple[float, float]] = {}
    for node, level in levels.items():
        along, across = slot[node] * spacing, level * separation
        out[node] = (float(along), float(across)) if direction == "UD" else (float(across), float(along))
    return out
