"""ITSS Graph: a knowledge-graph and CMDB query tool for IT service management under ITSS.

The Python API mirrors the CLI (``itss``)::

    from itss_graph import open_store, load_inventory, impact
    store = open_store("itss.db")
    load_inventory(["inventory/"], store)
    answer = impact(store, ["core-switch-01"], max_depth=3)

Heavy modules load on first use, so ``import itss_graph`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "open_store": "itss_graph.stores",
    "StoreSettings": "itss_graph.stores",
    "load_inventory": "itss_graph.loading.load",
    "impact": "itss_graph.engine.impact",
    "load_schema": "itss_graph.schema",
    "CI": "itss_graph.model",
    "Relation": "itss_graph.model",
    "KnowledgeBase": "itss_graph.knowledge.kb",
    "load_profile": "itss_graph.knowledge.profile",
    "applicability_answer": "itss_graph.knowledge.questions",
    "gap_for_profile": "itss_graph.knowledge.gap",
    "standards_for_ci": "itss_graph.answers.ci_standards",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'itss_graph' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
