"""The relations along which failed CIs reach impacted CIs directly, beyond the one ``from``
an impact answer keeps per CI.

When several CIs fail together, a CI lost because all of its redundant providers failed (a
server behind both core switches) is reached from each of them; the answer names one. A view
drawing only the recorded ``from`` would leave the other failed CIs unconnected.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.engine.impact import impact
    >>> store = example_store()
    >>> result = impact(store, ["pdu:a", "pdu:b"])
    >>> [(i.id, i.from_id) for i in result.impacted if i.id == "server:db1"]
    [('server:db1', 'pdu:a')]
    >>> failure_links(store, result)
    [('pdu:b', 'POWERED_BY', 'server:db1')]
"""

from __future__ import annotations

from itss_graph.engine.result import ImpactResult
from itss_graph.schema import Schema, load_schema
from itss_graph.semantics import Rules
from itss_graph.stores.base import Store


def failure_links(store: Store, result: ImpactResult, *, schema: Schema | None = None) -> list[tuple[str, str, str]]:
    """``(failed id, relation type, impacted id)`` for each relation failure crosses from a
    failed CI straight to an impacted CI the answer records as reached from another CI."""
    rules = Rules.from_schema(schema or load_schema())
    reached_from = dict(zip(result.columns.ids, result.columns.froms))
    failed = [s.id for s in result.sources]
    found = {(i, relation, other)
             for i, relation, other, *_ in store.flow_edges(failed, list(rules.toward_source), list(rules.toward_target))
             if other in reached_from and reached_from[other] != i}
    return sorted(found)
