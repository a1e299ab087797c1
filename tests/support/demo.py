"""The bank demo estate loaded into an embedded store, for fixtures at the scale they need."""

from __future__ import annotations

from pathlib import Path


def demo_store_at(directory: Path, scale: float):
    """Generate the demo estate at ``scale`` under ``directory`` and load it into a new
    SQLite store there (the caller closes it)."""
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore
    from itss_graph.synth import write_estate

    write_estate(directory / "estate", scale=scale)
    store = SQLiteStore(directory / "demo.db")
    load_inventory([directory / "estate"], store)
    return store
