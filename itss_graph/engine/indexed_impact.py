"""Impact answers for the embedded store, from its closure index.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> impact_indexed(SQLiteStore(":memory:"), ["x"])
    Traceback (most recent call last):
    ...
    itss_graph.errors.UnknownCIError: unknown CI id: 'x'
"""

from __future__ import annotations

from typing import Sequence


import numpy as np

from itss_graph.engine.impact import ImpactColumns, ImpactResult, make_result
from itss_graph.engine.indexed import propagate
from itss_graph.errors import UnknownCIError
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.sqlite import SQLiteStore
from itss_graph.stores.sqlite_index import graph_index


def impact_indexed(store: SQLiteStore, failed_ids: Sequence[str], *, max_depth: int | None = None,
                   schema: Schema | None = None, with_props: bool = True) -> ImpactResult:
    """:func:`itss_graph.engine.impact.impact` for the embedded store."""
    schema = schema or load_schema()
    failed_ids = list(dict.fromkeys(failed_ids))
    sources = store.get_cis(failed_ids)
    missing = [i for i in failed_ids if i not in sources]
    if missing:
        raise UnknownCIError(missing)
    index = graph_index(store, schema)
    keys = [row[0] for row in store.db.execute(
        f"SELECT n FROM ci WHERE id IN ({','.join('?' * len(failed_ids))})", failed_ids)]
    closure = propagate(index, index.positions_of_keys(keys), max_depth)
    impacted = _impacted_in_contract_order(index, closure, schema)
    props = {}
    if with_props and impacted:
        props = {i: ci.props for i, ci in store.get_cis(impacted.ids).items()}
    return make_result(schema, [sources[i] for i in failed_ids], impacted, max_depth, props,
                       presorted=True)


def _impacted_in_contract_order(index, closure, schema: Schema) -> ImpactColumns:
    """The impacted CIs as columns, sorted like make_result sorts them, the sort in numpy."""
    positions = np.concatenate([closure.lost, closure.degraded]).astype(np.int64)
    if not len(positions):
        return ImpactColumns()
    services = schema.service_types()
    type_is_service = np.array([t in services for t in index.type_names], dtype=bool)
    type_layer = np.array([schema.layer(t) for t in index.type_names], dtype=np.int32)
    codes = index.type_code[positions]
    is_down = np.zeros(len(positions), dtype=bool)
    is_down[:len(closure.lost)] = True
    order = np.lexsort((index.id_rank[positions], closure.depth[positions], ~is_down, codes,
                        type_layer[codes], ~type_is_service[codes]))
    positions, is_down, codes = positions[order], is_down[order], codes[order]
    type_names = index.type_names
    rel_names = index.rel_names
    return ImpactColumns(
        ids=index.ids_of(positions),
        types=[type_names[c] for c in codes.tolist()],
        names=index.names_of(positions),
        depths=closure.depth[positions].tolist(),
        effects=["down" if d else "degraded" for d in is_down.tolist()],
        vias=[rel_names[v] for v in closure.via[positions].tolist()],
        froms=index.ids_of(closure.origin[positions]),
    )


__all__ = ["impact_indexed"]
