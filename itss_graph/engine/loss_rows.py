"""The redundancy losses of an answer read from the closure index, built a block at a time.

A fan-in's answer loses redundancy in thousands of groups (5,927 for a 200k estate's DNS
service), but a table names the first 50 and the engine asks only which CIs they belong to.
:class:`LossRows` knows each row's effect at once, decodes the CIs' ids when first asked, and
builds the full :class:`~itss_graph.engine.group_loss.GroupLoss` rows (the CI's name, the
members named) when read: a slice's rows, or the block of rows around one row. Decoding the
names and member pages of every group cost ~15–40 ms of a cold fan-in question. Iterating over
all rows builds the rest in one pass.

Example:
    >>> from itss_graph.engine.group_loss import group_loss
    >>> built = []
    >>> def build(start, stop, ids):
    ...     built.append((start, stop))
    ...     return [group_loss(f"ci{k}", "server", f"CI {k}", "degraded", 1, ("POWERED_BY",), "out",
    ...                        None, 1, ("pdu:a",), ("pdu:b",)) for k in range(start, stop)]
    >>> rows = LossRows(lambda: [f"ci{k}" for k in range(5)], ["degraded"] * 5, build, block=2)
    >>> len(rows), rows.ids[4], rows.built, built
    (5, 'ci4', 0, [])
    >>> rows[3].name, built
    ('CI 3', [(2, 4)])
    >>> [g.id for g in rows[:2]], built
    (['ci0', 'ci1'], [(2, 4), (0, 2)])
    >>> [g.name for g in rows], built[-1]
    (['CI 0', 'CI 1', 'CI 2', 'CI 3', 'CI 4'], (4, 5))
"""

from __future__ import annotations

from collections.abc import Sequence as SequenceABC

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Callable, Sequence

    from itss_graph.engine.group_loss import GroupLoss

BLOCK = 64  # rows built together: a table's first page of 50 is one block


class LossRows(SequenceABC):
    """Losses in the answer's order: ``effects`` (a list, one per row) at once, ``ids`` when
    first read, the rows from ``build(start, stop, ids)`` (the :class:`GroupLoss` of rows
    ``start`` to ``stop``, excluded; ``ids`` their CIs' ids when decoded already, else None)
    when read. Their ``new_spof`` are empty unless :meth:`replaced`. Equal to a list of the
    same losses."""

    __slots__ = ("_ids", "effects", "_build", "_rows", "_block")

    def __init__(self, ids: Sequence[str] | Callable[[], Sequence[str]], effects: Sequence[str],
                 build: Callable[[int, int, Sequence[str] | None], list[GroupLoss]], *, block: int = BLOCK):
        # ids: the list, or a function that decodes it (when first read)
        self._ids, self.effects, self._build, self._block = ids, effects, build, block
        self._rows: list = [None] * len(effects)

    @property
    def ids(self) -> Sequence[str]:
        """Each row's CI id (decoded on first use: an answer whose services lost no redundancy
        never asks)."""
        if callable(self._ids):
            self._ids = self._ids()
        return self._ids

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def built(self) -> int:
        """How many rows are built so far."""
        return len(self._rows) - self._rows.count(None)

    def _built(self, start: int, stop: int) -> list:
        """Rows ``start`` to ``stop`` built (those not built yet, in one call), in place."""
        rows = self._rows
        try:
            first = rows.index(None, start, stop)
        except ValueError:
            return rows  # all built already
        last = next(k for k in range(stop - 1, first - 1, -1) if rows[k] is None) + 1
        known = None if callable(self._ids) else self._ids[first:last]  # (not decoded twice)
        for k, row in zip(range(first, last), self._build(first, last, known)):
            if rows[k] is None:  # (a row replaced by :meth:`replaced` stays as replaced)
                rows[k] = row
        return rows

    def __getitem__(self, k):
        n = len(self._rows)
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            if start >= stop if step > 0 else start <= stop:
                return []
            low, high = (start, stop) if step > 0 else (stop + 1, start + 1)
            return self._built(low, high)[k]
        row = self._rows[k]  # (IndexError as a list's)
        if row is not None:
            return row
        k %= n
        start = k - k % self._block
        return self._built(start, min(start + self._block, n))[k]

    def rows_at(self, ks: Sequence[int]) -> list[GroupLoss]:
        """The rows ``ks`` (ascending), the blocks they fall in built together: one call for
        a run of neighbouring blocks (a core switch's 21k degraded rows are one run).

        >>> from itss_graph.engine.group_loss import group_loss
        >>> built = []
        >>> def build(start, stop, ids):
        ...     built.append((start, stop))
        ...     return [group_loss(f"ci{k}", "server", "", "down", 1, ("POWERED_BY",), "out", None, 1, (), ())
        ...             for k in range(start, stop)]
        >>> [g.id for g in LossRows(lambda: [], ["down"] * 9, build, block=2).rows_at([0, 3, 8])], built
        (['ci0', 'ci3', 'ci8'], [(0, 4), (8, 9)])
        """
        n, block = len(self._rows), self._block
        runs: list[list[int]] = []  # [first block, last block] of each run of touched blocks
        for b in sorted({k // block for k in ks}):
            if runs and runs[-1][1] == b - 1:
                runs[-1][1] = b
            else:
                runs.append([b, b])
        for first, last in runs:
            self._built(first * block, min((last + 1) * block, n))
        rows = self._rows
        return [rows[k] for k in ks]

    def __iter__(self):
        return iter(self._built(0, len(self._rows)))

    def __eq__(self, other) -> bool:
        if not isinstance(other, SequenceABC) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # (a list's equal is not hashable either)

    def __repr__(self) -> str:
        return repr(list(self))

    def replaced(self, changes: dict[int, GroupLoss]) -> LossRows:
        """A copy with the rows of ``changes`` (row -> loss) replaced; the others still built
        when read."""
        copy = LossRows(self._ids, self.effects, self._build, block=self._block)
        copy._rows = list(self._rows)
        for k, loss in changes.items():
            copy._rows[k] = loss
        return copy


def ids_of(losses: Sequence[GroupLoss]) -> Sequence[str]:
    """Each loss's CI id, in order, without building :class:`LossRows`' rows.

    >>> from itss_graph.engine.group_loss import group_loss
    >>> ids_of([group_loss("a", "server", "a", "down", 1, ("POWERED_BY",), "out", None, 1, (), ())])
    ['a']
    """
    return losses.ids if isinstance(losses, LossRows) else [g.id for g in losses]


def effects_of(losses: Sequence[GroupLoss]) -> list[str]:
    """Each loss's effect (``down`` or ``degraded``), in order, without building
    :class:`LossRows`' rows.

    >>> from itss_graph.engine.group_loss import group_loss
    >>> effects_of([group_loss("a", "server", "a", "down", 1, ("POWERED_BY",), "out", None, 1, (), ())])
    ['down']
    """
    return list(losses.effects) if isinstance(losses, LossRows) else [g.effect for g in losses]


def rows_of(losses: Sequence[GroupLoss], ks: Sequence[int]) -> list[GroupLoss]:
    """The losses at rows ``ks`` (ascending), built together when they are :class:`LossRows`.

    >>> from itss_graph.engine.group_loss import group_loss
    >>> rows_of([group_loss(i, "server", i, "down", 1, ("POWERED_BY",), "out", None, 1, (), ())
    ...          for i in "abc"], [0, 2])[1].id
    'c'
    """
    return losses.rows_at(ks) if isinstance(losses, LossRows) else [losses[k] for k in ks]


def first_row_of(losses: Sequence[GroupLoss]) -> dict[str, int]:
    """The row of each CI's first loss (a CI can lose redundancy in several groups).

    >>> from itss_graph.engine.group_loss import group_loss
    >>> first_row_of([group_loss(i, "server", i, "down", 1, ("POWERED_BY",), "out", None, 1, (), ())
    ...               for i in ("a", "b", "a")])
    {'a': 0, 'b': 1}
    """
    rows: dict[str, int] = {}
    for k, ci in enumerate(ids_of(losses)):
        rows.setdefault(ci, k)
    return rows


__all__ = ["BLOCK", "LossRows", "effects_of", "first_row_of", "ids_of", "rows_of"]
