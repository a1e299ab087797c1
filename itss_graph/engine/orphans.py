"""Orphans: CIs that support no service.

A CI supports a service when the service rests on it through loss-capable relations
(:func:`itss_graph.engine.reach.upstream`). Orphans are candidates for clean-up — or evidence
of a missing relation in the inventory. Services and redundancy groups are not listed.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> orphans(SQLiteStore(":memory:")).cis
    []
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from itss_graph.engine.reach import upstream
from itss_graph.engine.spof import business_services
from itss_graph.model import CI
from itss_graph.schema import Schema, load_schema
from itss_graph.stores.base import Store


@dataclass
class OrphansResult:
    services: int
    cis: list[CI]

    def as_dict(self) -> dict:
        return {"orphans": [{"id": c.id, "type": c.type, "name": c.name} for c in self.cis],
                "summary": {"total": len(self.cis), "services_examined": self.services,
                            "by_type": dict(sorted(Counter(c.type for c in self.cis).items()))}}


def orphans(store: Store, *, types: set[str] | None = None, schema: Schema | None = None) -> OrphansResult:
    """Every CI (of ``types``, if given) on which no service rests.

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [ci.id for ci in orphans(store).cis]
    ['switch:core1']
    """
    schema = schema or load_schema()
    services = business_services(store, schema)
    supporting = upstream(store, services, schema=schema)
    skip = schema.service_types() | {n for n, t in schema.ci_types.items() if t.is_group}
    found = [ci for batch in store.iter_cis() for ci in batch
             if ci.id not in supporting and ci.type not in skip and (types is None or ci.type in types)]
    found.sort(key=lambda c: (schema.layer(c.type), c.type, c.id))
    return OrphansResult(len(services), found)
