"""ITSS Graph: a knowledge-graph and CMDB query tool for IT service management under ITSS.

Everything the ``itss`` command does is a function here (the CLI and ``itss serve`` are thin
layers over them)::

    >>> import itss_graph as itss
    >>> store = itss.example_store()                 # a 14-CI web shop, in memory
    >>> answer = itss.impact(store, ["server:db1"])
    >>> [(s.id, s.effect) for s in answer.services]
    [('service:reports', 'down'), ('service:shop', 'down')]
    >>> itss.obligations(store, answer)["event_level"]["level"]
    1
    >>> [(s.id, s.status) for s in itss.blast_radius(store, ["pdu:a"]).services]
    [('service:shop', 'at-risk'), ('service:reports', 'at-risk')]

Your own inventory: ``store = itss.open_store("itss.db"); itss.load(["inventory/"], store)``.
Heavy modules load on first use, so ``import itss_graph`` stays cheap.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs a cold process ~4 ms: annotations only
    from typing import Any

from itss_graph.version import __version__

# public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    # stores and loading
    "open_store": ("itss_graph.stores", "open_store"),
    "StoreSettings": ("itss_graph.stores", "StoreSettings"),
    "settings_from_environment": ("itss_graph.stores", "settings_from_environment"),
    "ReadSessions": ("itss_graph.stores.readers", "ReadSessions"),
    "read_config": ("itss_graph.stores", "read_config"),
    "keep_neo4j_connections": ("itss_graph.stores.neo4j_kept", "keep_connections"),
    "close_neo4j_connections": ("itss_graph.stores.neo4j_kept", "close_kept"),
    "example_store": ("itss_graph.loading.example", "example_store"),
    "load": ("itss_graph.loading.load", "load_inventory"),
    "load_inventory": ("itss_graph.loading.load", "load_inventory"),
    "load_into": ("itss_graph.loading.run", "load_into"),
    "NetBoxSource": ("itss_graph.loading.run", "NetBoxSource"),
    "prepare_after_load": ("itss_graph.stores.index_at_load", "prepare_after_load"),
    "warm_neo4j_after_load": ("itss_graph.stores.index_at_load", "warm_neo4j_after_load"),
    "export_inventory": ("itss_graph.render.inventory", "write_inventory"),
    "write_graph": ("itss_graph.render.graph_export", "write_graph"),
    "history": ("itss_graph.answers.history", "history"),
    "write_demo_estate": ("itss_graph.synth", "write_estate"),
    # the ontology
    "load_schema": ("itss_graph.schema", "load_schema"),
    "ontology_files": ("itss_graph.ontology", "ontology_files"),
    "CI": ("itss_graph.model", "CI"),
    "Relation": ("itss_graph.model", "Relation"),
    # impact and the canned questions
    "impact": ("itss_graph.engine.impact", "impact"),
    "blast_radius": ("itss_graph.engine.blast", "blast_radius"),
    "use_compiled_kernel": ("itss_graph.engine.indexed", "use_compiled_kernel"),
    "compiled_kernel_in_use": ("itss_graph.engine.indexed", "compiled_kernel_in_use"),
    "assess_impact": ("itss_graph.engine.blast", "assess"),
    "explain_ci": ("itss_graph.engine.blast", "explain_ci"),
    "criticality_policy": ("itss_graph.criticality", "criticality_policy"),
    "spof": ("itss_graph.engine.spof", "spof"),
    "estate_spof": ("itss_graph.engine.spof", "estate_spof"),
    "root_cause": ("itss_graph.engine.root_cause", "root_cause"),
    "depends": ("itss_graph.engine.depends", "depends"),
    "paths": ("itss_graph.engine.depends", "paths"),
    "orphans": ("itss_graph.engine.orphans", "orphans"),
    "hotspots": ("itss_graph.engine.hotspots", "hotspots"),
    "upstream_subgraph": ("itss_graph.engine.upstream", "upstream_subgraph"),
    "neighbours": ("itss_graph.engine.neighbours", "neighbours"),
    "services_supported": ("itss_graph.engine.supports", "services_supported"),
    "downstream": ("itss_graph.engine.reach", "downstream"),
    "failure_links": ("itss_graph.engine.links", "failure_links"),
    "locations_of": ("itss_graph.engine.locations", "locations_of"),
    "neighbourhood": ("itss_graph.engine.neighbourhood", "neighbourhood"),
    "run_custom_query": ("itss_graph.engine.custom", "run_custom_query"),
    "query_statement": ("itss_graph.engine.custom", "statement_for"),
    "canned_query": ("itss_graph.catalogue", "get"),
    "search_queries": ("itss_graph.catalogue", "search"),
    "reference_cypher": ("itss_graph.catalogue", "reference_cypher"),
    "engine_statements": ("itss_graph.stores", "engine_statements"),
    # the ITSS knowledge base
    "validate_knowledge_base": ("itss_graph.knowledge.validate", "validate_knowledge_base"),
    "KnowledgeBase": ("itss_graph.knowledge.kb", "KnowledgeBase"),
    "load_profile": ("itss_graph.knowledge.profile", "load_profile"),
    "applicability_answer": ("itss_graph.knowledge.questions", "applicability_answer"),
    "gap_for_profile": ("itss_graph.knowledge.gap", "gap_for_profile"),
    "kb_stats": ("itss_graph.knowledge.explore", "stats"),
    "kb_search": ("itss_graph.knowledge.explore", "search"),
    "kb_show": ("itss_graph.knowledge.explore", "show"),
    "kb_export": ("itss_graph.knowledge.rdfio", "export"),
    "kb_sparql": ("itss_graph.knowledge.rdfio", "sparql"),
    # answers joining the CMDB with the ITSS knowledge base
    "obligations": ("itss_graph.answers.obligations", "obligations"),
    "change_impact": ("itss_graph.answers.change", "change_impact"),
    "dependency_map": ("itss_graph.answers.maps", "dependency_map"),
    "service_map": ("itss_graph.answers.maps", "service_map"),
    "find": ("itss_graph.answers.find", "find"),
    "closest_cis": ("itss_graph.answers.find", "closest_cis"),
    "unknown_ci_error": ("itss_graph.answers.find", "unknown_ci_error"),
    "closest_names": ("itss_graph.textmatch", "closest"),
    "did_you_mean": ("itss_graph.textmatch", "did_you_mean"),
    "resolve_ci_types": ("itss_graph.answers.find", "resolve_types"),
    "show": ("itss_graph.answers.show", "show"),
    "standards_for_ci": ("itss_graph.answers.ci_standards", "standards_for_ci"),
    # views (one offline HTML file each) and reports
    "impact_view": ("itss_graph.render.impact_map", "impact_view"),
    "dependency_view": ("itss_graph.render.depmap", "dependency_view"),
    "service_view": ("itss_graph.render.depmap", "service_view"),
    "depends_view": ("itss_graph.render.answer_views", "depends_view"),
    "paths_view": ("itss_graph.render.answer_views", "paths_view"),
    "write_html": ("itss_graph.render.graphview", "write_html"),
    "impact_report": ("itss_graph.render.report_impact", "impact_report"),
    "write_report_html": ("itss_graph.render.report", "write_report_html"),
    "report_markdown": ("itss_graph.render.markdown", "report_markdown"),
    "standards_report": ("itss_graph.render.report_knowledge", "standards_report"),
    "gap_report": ("itss_graph.render.report_knowledge", "gap_report"),
    "write_docx": ("itss_graph.render.word", "write_docx"),
    "write_xlsx": ("itss_graph.render.spreadsheet", "write_xlsx"),
    "write_atomic": ("itss_graph.atomic_file", "write_atomic"),
    "cache_home": ("itss_graph.cache_location", "cache_home"),
    "report_tables": ("itss_graph.render.spreadsheet", "report_tables"),
    "SheetTable": ("itss_graph.render.spreadsheet", "SheetTable"),
    # the web explorer (itss serve)
    "serve": ("itss_graph.serve.app", "run"),
    "serve_app": ("itss_graph.serve.app", "create_app"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'itss_graph' has no attribute {name!r}")
    __import__(target[0])  # (not importlib.import_module: importlib imports warnings, ~1 ms cold)
    value = getattr(sys.modules[target[0]], target[1])
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
