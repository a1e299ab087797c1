"""Choosing the path by what a question reaches: store reads level by level while they stay
small, the closure index beyond.

A small question (a typical CI reaches a few dozen others) is answered by a handful of batched
SQL reads in milliseconds; opening the closure index costs importing numpy (~0.1 s) and, on
the first question after a load, building the index. So on a store that keeps an index
(:attr:`Store.index_after_edges` is not None) the engine walks level by level with a budget of
relations read; a walk that spends it stops (:class:`Exhausted`) and the index answers
instead. Both paths give the same answer (tests/test_engine_properties.py holds them to it),
so the budget only moves the cost: at most ``index_after_edges`` relations are read in vain
before a large question turns to the index (and about a tenth of that when the store can
foresee the overrun from its saved index: :meth:`Store.walk_surely_exceeds`).

Example:
    >>> budget = EdgeBudget(10)
    >>> budget.spend(4); budget.spend(6)
    >>> budget.spend(1)
    Traceback (most recent call last):
    ...
    itss_graph.engine.budget.Exhausted: more than 10 relations read level by level
    >>> EdgeBudget(None).spend(10**9)  # no index to turn to: no limit
"""

from __future__ import annotations

from itss_graph.schema import Schema
from itss_graph.stores.base import Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Callable, Sequence, TypeVar

    T = TypeVar("T")


class Exhausted(Exception):
    """A level-by-level walk read more relations than its budget."""


class EdgeBudget:
    """Relations a walk may still read (None: any number).

    ``foresee`` (optional) tells whether the walk is sure to overrun the budget anyway; it is
    asked once, when the walk is about to spend more than ``foresee_after`` relations, so a
    small walk never pays for asking and a large one stops before its first large read.

    >>> budget = EdgeBudget(100, foresee=lambda: True, foresee_after=10)
    >>> budget.spend(10)  # not past 10 yet: not asked
    >>> budget.spend(1)
    Traceback (most recent call last):
    ...
    itss_graph.engine.budget.Exhausted: more than 100 relations read level by level (foreseen)
    """

    def __init__(self, limit: int | None, *, foresee: Callable[[], bool] | None = None,
                 foresee_after: int = 0):
        self.limit = self.left = limit
        self._foresee, self._foresee_after = foresee, foresee_after

    def read(self, count: Callable[[int], int], read: Callable[[], list]) -> list:
        """``read()`` a level if it fits what is left: ``count(limit)`` first (how many rows
        the read would return, counted up to ``limit``; cheap on a store that counts from
        its indexes), so a level that would exhaust the budget is never read at all.

        >>> rows = list(range(8))
        >>> EdgeBudget(10).read(lambda limit: min(len(rows), limit), lambda: rows)
        [0, 1, 2, 3, 4, 5, 6, 7]
        >>> EdgeBudget(5).read(lambda limit: min(len(rows), limit), lambda: rows)
        Traceback (most recent call last):
        ...
        itss_graph.engine.budget.Exhausted: more than 5 relations read level by level
        >>> UNLIMITED.read(lambda limit: 1 / 0, lambda: rows)  # no budget: no count
        [0, 1, 2, 3, 4, 5, 6, 7]
        """
        if self.left is not None:
            self.spend(count(max(self.left, 0) + 1))
        return read()

    def read_level(self, store: Store, frontier: Sequence[str], direction: str,
                   rel_types: Sequence[str]) -> list:
        """A walk's level of ``store.edges_with_groups``, within the budget: at least a relation
        per frontier CI is spent first (a wide frontier stops before counting), then the level
        is counted and read as :meth:`read` does."""
        self.spend(len(frontier))
        return self.read(lambda limit: store.count_edges(frontier, direction, rel_types, limit=limit),
                         lambda: store.edges_with_groups(frontier, direction, rel_types))

    def spend(self, n: int) -> None:
        if self.left is None:
            return
        self.left -= n
        if self.left < 0:
            raise Exhausted(f"more than {self.limit} relations read level by level")
        if self._foresee is not None and self.limit - self.left > self._foresee_after:
            foresee, self._foresee = self._foresee, None
            if foresee():
                raise Exhausted(f"more than {self.limit} relations read level by level (foreseen)")


UNLIMITED = EdgeBudget(None)


def small_first(store: Store, schema: Schema, by_levels: Callable[[EdgeBudget], T],
                by_index: Callable[[object], T]) -> T:
    """``by_levels(budget)`` while it stays within the store's budget, else ``by_index(index)``
    (or ``by_levels`` without a limit when the store has no index after all). Once this
    process has opened the index, it answers directly."""
    limit = getattr(store, "index_after_edges", None)
    if limit is not None and not store.closure_index_open():
        try:
            return by_levels(EdgeBudget(limit))
        except Exhausted:
            pass
    index = store.closure_index(schema)
    if index is not None:
        return by_index(index)
    return by_levels(UNLIMITED)
