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
        """The chains of several rows, walked back along ``origin`` for all rows at once; each
        position on them is decoded once, and its step is one dict that every chain passing
        through it shares (steps are read, never changed)."""
        from itss_graph.engine.indexed import FAILED, distinct, walk_up

        rows = np.asarray(list(rows), dtype=np.int64)
        if not len(rows):
            return []
        closure, index = self.closure, self._index
        state = closure.state
        # per row: -1 padding, then the failed CI .. the row's CI (origin is -1 at a failed CI)
        walks = walk_up(closure.origin, self._positions[rows])
        on_chains = distinct(walks[walks >= 0])
        rel_names, type_names = index.rel_names, index.type_names
        failed = (state[on_chains] == FAILED).tolist()
        step = {p: {"id": i, "type": type_names[t], "name": name, "via": None if first else rel_names[v]}
                for p, i, t, name, v, first in zip(
                    on_chains.tolist(), index.ids_of(on_chains), index.type_code[on_chains].tolist(),
                    index.names_of(on_chains), closure.via[on_chains].tolist(), failed)}
        return [[step[p] for p in chain if p >= 0] for chain in walks.tolist()]

    def index_arrays(self) -> tuple:
        """(index, positions, is_down, via codes): for callers that work in index positions."""
        return self._index, self._positions, self._is_down, self._via

    def rows_in(self, start: int, stop: int) -> list[tuple]:
        """Rows ``start`` to ``stop`` (excluded), their ids and names decoded in one pass."""
        stop = min(stop, len(self))
        if stop <= start:
            return []
        index, part = self._index, slice(start, stop)
        positions = self._positions[part]
        types, rels = index.type_names, index.rel_names
        return list(zip(index.ids_of(positions), [types[c] for c in self._codes[part].tolist()],
                        index.names_of(positions), self._depth[part].tolist(),
                        ["down" if d else "degraded" for d in self._is_down[part].tolist()],
                        [rels[v] for v in self._via[part].tolist()], index.ids_of(self._origin[part])))

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


def _impacted_in_contract_order(index, closure, schema: Schema) -> ImpactColumns:
    """The impacted CIs as lazy columns, sorted like make_result sorts them, in numpy."""
    positions = np.concatenate([closure.lost, closure.degraded]).astype(np.int64)
    if not len(positions):
        return ImpactColumns()
    services = schema.service_types()
    # (services first, layer, type code) as one rank per type code; small keys sort by radix
    by_type = sorted(range(len(index.type_names)),
                     key=lambda c: (index.type_names[c] not in services, schema.layer(index.type_names[c]), c))
    type_rank = np.empty(len(by_type), dtype=np.int16)
    type_rank[by_type] = np.arange(len(by_type))
    codes = index.type_code[positions]
    is_down = np.zeros(len(positions), dtype=bool)
    is_down[:len(closure.lost)] = True
    depth = closure.depth[positions]
    order = np.lexsort((index.id_rank[positions], depth.astype(np.int16) if depth.max() < 1 << 15 else depth,
                        ~is_down, type_rank[codes]))
    positions = positions[order]
    return IndexedColumns(index, positions, is_down[order], depth[order],
                          closure.via[positions], closure.origin[positions].astype(np.int64),
                          closure.cause[positions], closure)


__all__ = ["impact_indexed"]
