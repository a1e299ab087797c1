"""Where CIs are: the rack and site each one sits in, for grouping views by place."""

from __future__ import annotations

from typing import Iterable

from itss_graph.schema import Schema
from itss_graph.stores.base import OUTGOING, Store


def locations_of(store: Store, ids: Iterable[str], schema: Schema) -> dict[str, dict[str, str]]:
    """Where CIs are, for grouping: ``{id: {"rack": label, "site": label}}``.

    Follows LOCATED_IN relations from each CI (device → rack → room → site, one batched read
    per level) and takes the first rack and site on the way; a CI with none falls back to its
    ``rack`` / ``site`` properties (a property naming a site CI by id or name gets that site's
    label). Labels are the CI names (ids when unnamed).

    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.schema import load_schema
    >>> locations_of(example_store(), ["server:db1", "service:shop"], load_schema())
    {'server:db1': {'rack': 'Rack A01', 'site': 'Main data centre'}, 'service:shop': {}}
    """
    ids = sorted(set(ids))
    rack_type = schema.resolve_ci_type("rack") or "rack"
    site_type = schema.resolve_ci_type("site") or "site"
    located = schema.resolve_relation_type("LOCATED_IN") or "LOCATED_IN"
    parent: dict[str, str] = {}
    seen = set(ids)
    frontier = ids
    for _ in range(8):  # device, rack, row, room, floor, building, site...: deep enough
        if not frontier:
            break
        found: dict[str, str] = {}
        for ci, _rel, where in store.edges(frontier, OUTGOING, [located]):
            if ci not in found or where < found[ci]:
                found[ci] = where
        parent.update(found)
        frontier = sorted(set(found.values()) - seen)
        seen.update(frontier)
    cis = store.get_cis(sorted(seen))
    sites = {c.id: c for c in cis.values() if c.type == site_type}
    by_name = {c.name: c for c in sites.values() if c.name}
    out: dict[str, dict[str, str]] = {}
    for ci_id in ids:
        place: dict[str, str] = {}
        node, hops = ci_id, 0
        while node is not None and hops < 10:
            ci = cis.get(node)
            if ci is not None:
                if ci.type == rack_type:
                    place.setdefault("rack", ci.name or ci.id)
                if ci.type == site_type:
                    place.setdefault("site", ci.name or ci.id)
            node, hops = parent.get(node), hops + 1
        ci = cis.get(ci_id)
        props = ci.props if ci is not None else {}
        if "rack" not in place and props.get("rack"):
            place["rack"] = str(props["rack"])
        if "site" not in place and props.get("site"):
            value = str(props["site"])
            match = sites.get(value) or sites.get(f"{site_type}:{value}") or by_name.get(value)
            place["site"] = (match.name or match.id) if match is not None else value
        out[ci_id] = place
    return out
