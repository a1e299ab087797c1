"""The names and properties of CIs, remembered for the closure index an answer came from: a
warm server's what-ifs grade the same 1,500 services question after question, and reading
them again by id costs more than the rest of the ranking.

The index stands for one generation of the store, and a load that changes a CI (its
properties too) changes the generation, so what is remembered for an index holds while the
index does. One index at a time is remembered (a server answers from the current one); an
answer that did not come from an index reads the store each time.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.schema import load_schema
    >>> store = example_store()
    >>> index = store.closure_index(load_schema())
    >>> names_and_props(store, ["service:shop"], index)["service:shop"][0]
    'Online shop 网上商城'
    >>> store.db.execute("UPDATE ci SET name = 'renamed' WHERE id = 'service:shop'") and None
    >>> names_and_props(store, ["service:shop"], index)["service:shop"][0]  # the index's generation
    'Online shop 网上商城'
    >>> names_and_props(store, ["service:shop"], None)["service:shop"][0]
    'renamed'
"""

from __future__ import annotations

from _weakref import ref as weak_ref  # (weakref.ref itself: weakref.py imports more, ~0.7 ms)

from itss_graph.stores.base import Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Sequence

_remembered: tuple = (lambda: None, {})  # (weak reference to an index, id -> (name, props))


def names_and_props(store: Store, ids: Sequence[str], index) -> dict[str, tuple[str, dict]]:
    """:meth:`Store.names_and_props` of ``ids`` (the answer may hold other CIs too), those of
    the last calls on the same closure ``index`` remembered (None: read them all)."""
    if index is None:
        return store.names_and_props(ids)
    global _remembered
    ref, known = _remembered
    if ref() is not index:
        known = {}
        _remembered = (weak_ref(index), known)
    missing = [i for i in ids if i not in known]
    if missing:
        known.update(store.names_and_props(missing))
    return known


__all__ = ["names_and_props"]
