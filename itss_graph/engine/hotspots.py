"""Hotspots: the CIs with the largest blast radius.

Ranked by the number of business services their single failure takes down (exact, from the
single points of failure of every service, :func:`itss_graph.engine.spof.estate_spof`), then
by the number of CIs they take down (a full impact closure, computed for the top ones only).

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> hotspots(SQLiteStore(":memory:"))["hotspots"]
    []
"""

from __future__ import annotations

from typing import Callable

from itss_graph.engine.impact import impact
from itss_graph.engine.spof import estate_spof
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


def hotspots(store: Store, *, top: int = 20, schema: Schema | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """The ``top`` CIs whose single failure takes down the most services (ties broken by the
    CIs lost with them): where an outage hurts most.

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(h["id"], h["services_down"], h["cis_lost"]) for h in hotspots(store, top=2)["hotspots"]]
    [('site:dc1', 2, 12), ('rack:a01', 2, 11)]
    """
    schema = schema or load_schema()
    ranked = estate_spof(store, schema=schema, progress=progress)
    # closures only for a shortlist: ties on services are broken by CIs lost
    shortlist = ranked.entries[:max(top * 3, top)]
    scored = []
    for entry in shortlist:
        lost = sum(1 for e in impact(store, [entry.id], schema=schema, with_props=False).columns.effects
                   if e == "down")
        scored.append({"id": entry.id, "type": entry.type, "name": entry.name,
                       "services_down": len(entry.services), "cis_lost": lost,
                       "services": list(entry.services)})
    scored.sort(key=lambda h: (-h["services_down"], -h["cis_lost"], h["id"]))
    return {"services_examined": ranked.services_examined, "hotspots": scored[:top],
            "summary": {"single_points_of_failure": len(ranked.entries)}}
