"""Impact answers for the embedded store, from its closure index.

Example:
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> store = SQLiteStore(":memory:")
    >>> impact_indexed(store, store.closure_index(load_schema()), ["x"])
    Traceback (most recent call last):
    ...
    itss_graph.errors.UnknownCIError: unknown CI id: 'x'
"""

from __future__ import annotations

from functools import cached_property
from typing import Sequence


import numpy as np

from itss_graph.engine import indexed
from itss_graph.engine.indexed import propagate
from itss_graph.engine.lookup import require_cis
from itss_graph.engine.result import ImpactColumns, ImpactResult, make_result
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store
from itss_graph.stores.graph_index import GraphIndex


def impact_indexed(store: Store, index: GraphIndex, failed_ids: Sequence[str], *,
                   max_depth: int | None = None, schema: Schema | None = None,
                   with_props: bool = True) -> ImpactResult:
    """:func:`itss_graph.engine.impact.impact` from a store's closure index."""
    schema = schema or load_schema()
    failed_ids, sources = require_cis(store, failed_ids)
    closure = propagate(index, store.index_positions(index, failed_ids))
    impacted = _impacted_in_contract_order(index, closure, schema)
    props = {}
    if with_props and impacted:
        props = {i: ci.props for i, ci in store.get_cis(impacted.ids).items()}
    return make_result(schema, [sources[i] for i in failed_ids], impacted, None, props,
                       presorted=True).limited(max_depth)


class IndexedColumns(ImpactColumns):
    """Columns read lazily from the closure index: a table that shows 50 rows per type, or a
    count, never decodes the ids and names of the other 100k."""

    def __init__(self, index, positions, is_down, depth, via, origin, cause, closure=None):
        self._index, self._positions, self._is_down = index, positions, is_down
        self._depth, self._via, self._origin, self._cause = depth, via, origin, cause
        self._codes = index.type_code[positions]
        self.closure = closure  # the whole closure (for questions about one more failure)

    def __len__(self) -> int:
        return len(self._positions)

    def within(self, max_depth: int) -> "IndexedColumns":
        keep = self._depth <= max_depth
        return IndexedColumns(self._index, self._positions[keep], self._is_down[keep],
                              self._depth[keep], self._via[keep], self._origin[keep],
                              self._cause[keep], self.closure)

    @cached_property
    def classes(self) -> list[int]:
        return self._cause.tolist()

    @cached_property
    def types(self) -> list[str]:
        names = self._index.type_names
        return [names[c] for c in self._codes.tolist()]

    def count_down(self) -> int:
        return int(np.count_nonzero(self._is_down))

    def type_runs(self) -> list[tuple[str, int]]:
        """:meth:`ImpactColumns.type_runs` counted in type codes (no type name per row)."""
        codes = self._codes
        if not len(codes):
            return []
        starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
        counts = np.diff(np.append(starts, len(codes)))
        names = self._index.type_names
        return [(names[c], n) for c, n in zip(codes[starts].tolist(), counts.tolist())]

    @cached_property
    def effects(self) -> list[str]:
        return ["down" if d else "degraded" for d in self._is_down.tolist()]

    @cached_property
    def depths(self) -> list[int]:
        return self._depth.tolist()

    @cached_property
    def vias(self) -> list[str]:
        names = self._index.rel_names
        return [names[v] for v in self._via.tolist()]

    @cached_property
    def ids(self) -> list[str]:
        return self._index.ids_of(self._positions)

    @cached_property
    def names(self) -> list[str]:
        return self._index.names_of(self._positions)

    @cached_property
    def froms(self) -> list[str]:
        return self._index.ids_of(self._origin)

    def chain_at(self, k: int) -> list[dict]:
        """:meth:`ImpactColumns.chain_at` walked in index positions (decoded once at the end)."""
        return self.chains_at([k])[0]

    def chains_at(self, rows) -> list[list[dict]]:
        """The chains of several rows (:func:`chains_of_positions`)."""
        rows = np.asarray(list(rows), dtype=np.int64)
        return chains_of_positions(self._index, self.closure, self._positions[rows]) if len(rows) else []

    @property
    def index(self):
        """The closure index the rows were read from (reading it orders no row)."""
        return self._index

    def index_arrays(self) -> tuple:
        """(index, positions, is_down, via codes): for callers that work in index positions."""
        return self._index, self._positions, self._is_down, self._via

    def rows_in(self, start: int, stop: int) -> list[tuple]:
        """Rows ``start`` to ``stop`` (excluded), their ids and names decoded in one pass."""
        stop = min(stop, len(self))
        if stop <= start:
            return []
        part = slice(start, stop)
        return _rows(self._index, self._positions[part], self._codes[part], self._depth[part],
                     self._is_down[part], self._via[part], self._origin[part])

    def rows_of(self, ids, store=None) -> dict[str, int]:
        """Rows of ``ids`` found through the store's positions, without decoding every id."""
        ids = list(ids)
        if not ids:
            return {}
        if store is None:
            return super().rows_of(ids)
        rows = np.flatnonzero(np.isin(self._positions, store.index_positions(self._index, ids)))
        return dict(zip(self._index.ids_of(self._positions[rows]), rows.tolist()))

    def leading(self, kinds) -> int:
        """How many rows, from the first, have a type among ``kinds``, counted in type codes."""
        wanted = np.array([t in kinds for t in self._index.type_names] or [False], dtype=bool)
        other = np.flatnonzero(~wanted[self._codes])
        return int(other[0]) if len(other) else len(self)

    def row(self, k: int) -> tuple:
        index, pos = self._index, int(self._positions[k])
        return (index.id_of(pos), index.type_names[int(self._codes[k])], index.name_of(pos),
                int(self._depth[k]), "down" if self._is_down[k] else "degraded",
                index.rel_names[int(self._via[k])], index.id_of(int(self._origin[k])))


def chains_of_positions(index, closure, positions) -> list[list[dict]]:
    """The chain of each of ``positions`` (reached by ``closure``), walked back along ``origin``
    for all at once; each position on them is decoded once, and its step is one dict that
    every chain passing through it shares (steps are read, never changed)."""
    from itss_graph.engine.indexed import FAILED, distinct, walk_up

    # per position: -1 padding, then the failed CI .. the CI (origin is -1 at a failed CI)
    walks = walk_up(closure.origin, np.asarray(positions, dtype=np.int64))
    on_chains = distinct(walks[walks >= 0])
    rel_names, type_names = index.rel_names, index.type_names
    failed = (closure.state[on_chains] == FAILED).tolist()
    step = {p: {"id": i, "type": type_names[t], "name": name, "via": None if first else rel_names[v]}
            for p, i, t, name, v, first in zip(
                on_chains.tolist(), index.ids_of(on_chains), index.type_code[on_chains].tolist(),
                index.names_of(on_chains), closure.via[on_chains].tolist(), failed)}
    return [[step[p] for p in chain if p >= 0] for chain in walks.tolist()]


def _rows(index, positions, codes, depth, is_down, via, origin) -> list[tuple]:
    """Rows (id, type, name, depth, effect, via, from) of ``positions``, decoded in one pass."""
    types, rels = index.type_names, index.rel_names
    return list(zip(index.ids_of(positions), [types[c] for c in codes.tolist()], index.names_of(positions),
                    depth.tolist(), ["down" if d else "degraded" for d in is_down.tolist()],
                    [rels[v] for v in via.tolist()], index.ids_of(origin)))


class ContractOrderColumns(IndexedColumns):
    """:class:`IndexedColumns` of a closure, put in the contract's order (services first, then
    by layer, type, effect, depth and id) only when a caller first needs more than a page.

    The order sorts every impacted CI: ~3 ms of a 128k-CI closure, a quarter of the walk. A
    page of rows (the server's ``/api/impacted``) needs only the rows it shows: rows fall in
    buckets of equal (type rank, effect, depth), whose sizes a count gives, so a page sorts
    only the buckets it spans, by id. Any other use sorts all rows once (the same order).
    """

    PAGE = 1000  # rows_in beyond this many rows sorts everything

    _SORTED = ("_positions", "_is_down", "_depth", "_via", "_origin", "_cause", "_codes")

    def __init__(self, index, closure, schema: Schema):
        self._index, self.closure = index, closure
        self._unsorted = closure.reached
        services = schema.service_types()
        # (services first, layer, type code) as one rank per type code
        by_type = sorted(range(len(index.type_names)),
                         key=lambda c: (index.type_names[c] not in services, schema.layer(index.type_names[c]), c))
        self._type_rank = np.empty(len(by_type), dtype=np.int64)
        self._type_rank[by_type] = np.arange(len(by_type))

    def __len__(self) -> int:
        return len(self._unsorted)

    def count_down(self) -> int:
        return len(self.closure.lost)

    def __getattr__(self, name: str):
        # the sorted columns, made on first use (IndexedColumns' methods read them)
        if name not in self._SORTED:
            raise AttributeError(name)
        self._sort()
        return self.__dict__[name]

    @cached_property
    def _buckets(self) -> np.ndarray:
        """Per unsorted row, its bucket: (type rank, degraded, depth) as one number that sorts
        as the three do, ``(type rank * 2 + degraded) * levels + depth``; 32-bit while it fits.
        The lost rows come first. With the compiled kernel in use (the server), one compiled
        pass that also counts the rows per bucket (``_bucket_ends``)."""
        depth, lost = self.closure.depths, len(self.closure.lost)
        levels = int(depth.max(initial=0)) + 1
        fits = 2 * len(self._type_rank) * levels < 1 << 31
        first_of_type = (self._type_rank * (2 * levels)).astype(np.int32 if fits else np.int64)
        compiled = indexed._compiled
        if compiled is not None:
            bucket = np.empty(len(self._unsorted), first_of_type.dtype)
            counts = np.zeros(2 * len(self._type_rank) * levels, np.int64)
            compiled.page_buckets(self._index.type_code, self._unsorted, depth, lost, first_of_type, levels,
                                  bucket, counts)
            self.__dict__["_bucket_ends"] = np.cumsum(counts)
            return bucket
        bucket = first_of_type[self._index.type_code[self._unsorted]]
        bucket += depth
        bucket[lost:] += levels
        return bucket

    @cached_property
    def _bucket_ends(self) -> np.ndarray:
        """Rows up to the end of each bucket."""
        return np.cumsum(np.bincount(self._buckets))

    def _sort(self) -> None:
        index, closure, positions = self._index, self.closure, self._unsorted
        order = np.lexsort((index.id_rank[positions], self._buckets))
        positions, why = positions[order], closure.why[order]
        self.__dict__.update(_positions=positions, _is_down=order < len(closure.lost), _depth=closure.depths[order],
                             _via=why[:, 0], _origin=why[:, 1].astype(np.int64),
                             _cause=why[:, 2], _codes=index.type_code[positions])

    def rows_in(self, start: int, stop: int) -> list[tuple]:
        stop = min(stop, len(self))
        if "_positions" in self.__dict__ or stop <= start or stop - start > self.PAGE:
            return super().rows_in(start, stop)
        index, closure, positions, bucket = self._index, self.closure, self._unsorted, self._buckets
        ends = self._bucket_ends
        first, last = (int(b) for b in np.searchsorted(ends, [start, stop - 1], side="right"))
        before = int(ends[first - 1]) if first else 0
        # the rows of the buckets the page spans, with their order (bucket, then id: ids are
        # distinct) as one key; the page shows the first stop - before of them at most, and the
        # last bucket may hold 20k rows of which it shows a few: those are picked (a partition)
        # and only they are sorted
        compiled = indexed._compiled
        if compiled is not None:
            chosen, key = np.empty(len(bucket), np.int64), np.empty(len(bucket), np.int64)
            found = compiled.page_candidates(bucket, first, last, index.id_rank, positions, chosen, key)
            chosen, key = chosen[:found], key[:found]
        else:
            chosen = np.flatnonzero((bucket >= first) & (bucket <= last))
            key = bucket[chosen].astype(np.int64) << 32
            key |= index.id_rank[positions[chosen]]
        shown = stop - before
        if shown < len(chosen):
            some = np.argpartition(key, shown - 1)[:shown]
            chosen, key = chosen[some], key[some]
        chosen = chosen[np.argsort(key)][start - before:]
        at, why = positions[chosen], closure.why_of(chosen)
        return _rows(index, at, index.type_code[at], closure.depths[chosen], chosen < len(closure.lost),
                     why[:, 0], why[:, 1].astype(np.int64))


def _impacted_in_contract_order(index, closure, schema: Schema) -> ImpactColumns:
    """The impacted CIs as lazy columns, sorted like make_result sorts them, in numpy."""
    if not len(closure.lost) + len(closure.degraded):
        return ImpactColumns()
    return ContractOrderColumns(index, closure, schema)


__all__ = ["impact_indexed"]
