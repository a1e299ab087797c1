"""Chains built when read: a large answer ranks every service it grades, but a screen shows
a page of them, so the chain of each (how the failure reached it) is worked out only for the
services someone looks at.

A :class:`LazyChain` is an immutable sequence of steps (``{"id", "type", "name", "via"}``)
that asks its :class:`ChainSource` for its steps the first time it is read, then keeps them.
:func:`materialise` reads the chains of a page together: each source builds its pending chains
in one pass (one walk up the parent links for 50 services, not 50 walks).

Example:
    >>> class Squares:
    ...     def chains_of(self, keys):
    ...         print("built", keys)
    ...         return [[{"id": str(k * k), "via": None}] for k in keys]
    >>> source = Squares()
    >>> a, b = LazyChain(source, 2), LazyChain(source, 3)
    >>> materialise([a, b, (), a])
    built [2, 3]
    >>> a[0]["id"], len(b), a == ({"id": "4", "via": None},), list(b)
    ('4', 1, True, [{'id': '9', 'via': None}])
    >>> materialise([a])  # already built: nothing asked again
"""

from __future__ import annotations

from collections.abc import Sequence

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable, Protocol
else:
    Protocol = object  # a protocol is for type checkers; at run time a plain class


class ChainSource(Protocol):
    def chains_of(self, keys: list) -> Sequence[Sequence[dict]]:
        """The chain (a sequence of steps) of each key, in the order of ``keys``."""


class LazyChain(Sequence):
    """The steps of one chain, asked of ``source`` (by ``key``) on first read. Reads as the
    tuple of its steps: equal to it, the same ``repr``, slices are tuples.

    >>> class One:
    ...     def chains_of(self, keys):
    ...         return [[{"id": "h", "via": None}, {"id": "v", "via": "RUNS_ON"}] for _ in keys]
    >>> chain = LazyChain(One(), "v")
    >>> chain[-1]["id"], chain[1:] == ({"id": "v", "via": "RUNS_ON"},), tuple(chain) == chain
    ('v', True, True)
    """

    __slots__ = ("_source", "_key", "_steps")

    def __init__(self, source: ChainSource, key) -> None:
        self._source = source
        self._key = key
        self._steps: tuple[dict, ...] | None = None

    @property
    def steps(self) -> tuple[dict, ...]:
        steps = self._steps
        if steps is None:
            source = self._source
            if source is None:  # another thread built it meanwhile (steps are set first)
                return self._steps
            steps = tuple(source.chains_of([self._key])[0])
            self._set(steps)
        return steps

    def _set(self, steps: Iterable[dict]) -> None:
        self._steps = tuple(steps)
        self._source = None  # the source (and the arrays it holds) can go once all are built

    @property
    def built(self) -> bool:
        return self._steps is not None

    def __getitem__(self, item):
        return self.steps[item]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyChain):
            other = other.steps
        return self.steps == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.steps)

    def __add__(self, other):
        return self.steps + tuple(other)

    def __repr__(self) -> str:
        return repr(self.steps)

    def __reduce__(self):  # a copy or a pickle is the plain tuple
        return tuple, (self.steps,)


def materialise(chains: Iterable[Sequence[dict]]) -> None:
    """Build the pending :class:`LazyChain` among ``chains``, one call per source (other
    sequences are built already and left alone)."""
    pending: dict[int, tuple[ChainSource, dict]] = {}  # id(source) -> (source, key -> chains)
    for chain in chains:
        source = chain._source if isinstance(chain, LazyChain) else None
        if source is not None and not chain.built:
            by_key = pending.setdefault(id(source), (source, {}))[1]
            by_key.setdefault(chain._key, []).append(chain)
    for source, by_key in pending.values():
        keys = list(by_key)
        for key, steps in zip(keys, source.chains_of(keys)):
            steps = tuple(steps)
            for chain in by_key[key]:
                chain._set(steps)


__all__ = ["ChainSource", "LazyChain", "materialise"]
