"""A small real estate for examples and docstrings: a web shop in one rack.

One site and rack; two PDUs (``pdu:a``, ``pdu:b``); a database host powered by both (losing one
feed degrades it), two application hosts on one feed each; a core switch every host is cabled
to; a database, two web VMs that the shop application uses as a redundancy group ``web`` (one
of two must be up), and two business services: ``service:shop`` (critical, SLA 99.95, 12000
users) and ``service:reports`` (general). 14 CIs, 21 relations, in
``itss_graph/loading/example_estate/`` (canonical CSV).

Example:
    >>> store = example_store()
    >>> sum(store.stats()["cis"].values()), sum(store.stats()["relations"].values())
    (14, 21)
"""

from __future__ import annotations

from pathlib import Path

from itss_graph.stores.base import Store

ESTATE = Path(__file__).resolve().parent / "example_estate"


def example_store(path: str = ":memory:") -> Store:
    """The example estate loaded into a new embedded store (in memory unless ``path``)."""
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore

    store = SQLiteStore(path)
    load_inventory([ESTATE], store)
    return store
