"""How one CI changed across loads, from the store's load history."""

from __future__ import annotations

from itss_graph.errors import UnknownCIError
from itss_graph.stores.base import Store


def history(store: Store, ci_id: str) -> dict:
    """``{"id", "exists", "current", "events"}``: the CI as it is now (type and name, None when
    deleted) and each load that created, changed (with the field diff) or
    deleted the CI, oldest first. A CI the store never held is an :class:`UnknownCIError`.

    >>> from itss_graph.loading.example import example_store
    >>> answer = history(example_store(), "server:db1")
    >>> answer["exists"], [e["event"] for e in answer["events"]]
    (True, ['created'])
    """
    events = store.history(ci_id)
    current = store.get_cis([ci_id]).get(ci_id)
    if not events and current is None:
        raise UnknownCIError([ci_id])
    return {"id": ci_id, "exists": current is not None,
            "current": None if current is None else {"type": current.type, "name": current.name},
            "events": events}
