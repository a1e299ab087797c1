"""Which business services each CI supports: the services whose service rests on it through
loss-capable relations (plain reachability, see :mod:`itss_graph.engine.reach`). For grouping
a graph by service.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> services_supported(example_store(), ["server:db1", "service:shop", "pdu:a"])
    {'server:db1': ['service:reports', 'service:shop'], 'service:shop': ['service:shop'], 'pdu:a': ['service:reports', 'service:shop']}
"""

from __future__ import annotations

from typing import Sequence

from itss_graph.engine.reach import downstream
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


def services_supported(store: Store, ids: Sequence[str], *, schema: Schema | None = None) -> dict[str, list[str]]:
    """``{id: [service id, ...]}`` (sorted) for the known CIs among ``ids``; a service supports
    itself. One closure per CI: meant for the few hundred CIs a graph shows."""
    schema = schema or load_schema()
    services = schema.service_types()
    headers = store.headers(list(dict.fromkeys(ids)))
    out: dict[str, list[str]] = {}
    for ci_id in dict.fromkeys(ids):
        if ci_id not in headers:
            continue
        own = {ci_id} if headers[ci_id][0] in services else set()
        out[ci_id] = sorted(own | downstream(store, [ci_id], schema=schema, only_types=services))
    return out
