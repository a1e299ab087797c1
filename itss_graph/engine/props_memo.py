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


def names_and_props(store: Store, ids: Sequence[str], index,
                    positions: dict[str, int] | None = None) -> dict[str, tuple[str, dict]]:
    """:meth:`Store.names_and_props` of ``ids`` (the answer may hold other CIs too), those of
    the last calls on the same closure ``index`` remembered (None: read them all).
    ``positions`` (id -> index position, for some of ``ids``): those the index keeps the
    properties of (business services, ``GraphIndex.props_types``) are read from it.

    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.schema import load_schema
    >>> store = example_store()
    >>> index = store.closure_index(load_schema())
    >>> at = int(store.index_positions(index, ["service:reports"])[0])
    >>> from_index = names_and_props(store, ["service:reports"], index, {"service:reports": at})
    >>> from_index["service:reports"], from_index == store.names_and_props(["service:reports"])
    (('Sales reports', {'criticality': 'general', 'sla': '99.0', 'users': '40'}), True)
    """
    if index is None:
        return store.names_and_props(ids)
    global _remembered
    ref, known = _remembered
    if ref() is not index:
        known = {}
        _remembered = (weak_ref(index), known)
    missing = [i for i in ids if i not in known]
    if missing and positions:
        known.update(_kept_in_index(index, [(i, positions[i]) for i in missing if i in positions]))
        missing = [i for i in missing if i not in known]
    if missing:
        known.update(store.names_and_props(missing))
    return known


def _kept_in_index(index, located: list[tuple[str, int]]) -> dict[str, tuple[str, dict]]:
    """Names and properties of the located CIs whose properties the index keeps; the JSON
    decoded once per distinct text (thousands of services share a few hundred)."""
    if not located or not len(index.props_pos):
        return {}
    from itss_graph.model import decode_json

    at = [pos for _, pos in located]
    out: dict[str, tuple[str, dict]] = {}
    decoded: dict[str, dict] = {}
    for (ci_id, _), name, text in zip(located, index.names_of(at), index.props_texts(at)):
        if text is not None:
            props = decoded.get(text)
            if props is None:
                props = decoded[text] = decode_json(text)
            out[ci_id] = (name, props)
    return out


__all__ = ["names_and_props"]
