"""The verbs of ``itss``: where each lives and its one-line help (``itss --help`` lists them
from here, so listing them imports none of them)."""

# verb -> (module, function, one-line help)
COMMANDS = {
    # CMDB
    "load": ("itss_graph.cli.load_cmd", "load", "Validate inventories and load them into the store."),
    "find": ("itss_graph.cli.find_cmd", "find", "Find CIs by id, name or any property, ranked."),
    "show": ("itss_graph.cli.find_cmd", "show", "Everything about one CI: relations, services, standards."),
    "history": ("itss_graph.cli.history_cmd", "history", "How a CI changed across loads."),
    "stats": ("itss_graph.cli.store_cmd", "stats", "Count the CIs and relations in the store."),
    "export": ("itss_graph.cli.store_cmd", "export", "Export the store in the canonical inventory format."),
    "types": ("itss_graph.cli.schema_cmd", "types", "List CI types and relation types from the ontology."),
    # impact analysis (canned queries)
    "impact": ("itss_graph.cli.impact_cmd", "impact", "What breaks or degrades when CIs fail."),
    "queries": ("itss_graph.cli.queries_cmd", "queries", "List and search the canned queries."),
    "query": ("itss_graph.cli.custom_cmd", "query", "Run a query file's own Cypher/SQL, read-only."),
    "blast-radius": ("itss_graph.cli.queries_cmd", "blast_radius", "Services a failure affects, ranked."),
    "root-cause": ("itss_graph.cli.queries_cmd", "root_cause", "Upstream CIs that explain failing CIs."),
    "spof": ("itss_graph.cli.queries_cmd", "spof", "Single points of failure of a service or the estate."),
    "depends": ("itss_graph.cli.queries_cmd", "depends", "Everything a CI or service depends on."),
    "path": ("itss_graph.cli.queries_cmd", "path", "How one CI depends on another."),
    "orphans": ("itss_graph.cli.queries_cmd", "orphans", "CIs that support no service."),
    "hotspots": ("itss_graph.cli.queries_cmd", "hotspots", "CIs with the largest blast radius."),
    "change-impact": ("itss_graph.cli.queries_cmd", "change_impact", "What a planned change touches, and how to run it."),
    # ITSS knowledge
    "standards": ("itss_graph.cli.standards_cmd", "standards", "Which ITSS standards apply, and why."),
    "gap": ("itss_graph.cli.gap_cmd", "gap", "What an organisation lacks against the applicable standards."),
    "kb": ("itss_graph.cli.kb_cmd", "kb", "Explore the ITSS knowledge base: stats, search, show, export, SPARQL."),
    # views
    "view": ("itss_graph.cli.view_cmd", "view", "Interactive HTML maps of dependencies, services, standards."),
    "report": ("itss_graph.cli.report_cmd", "report", "Self-contained HTML or Markdown reports."),
    "demo": ("itss_graph.cli.demo_cmd", "demo", "Generate the bank demo estate, load it, ask what breaks."),
    "serve": ("itss_graph.cli.serve_cmd", "serve", "Explore the store and the standards in a web browser."),
    "broker": ("itss_graph.cli.broker_cmd", "broker", "Show or stop the processes that answer read-only questions on Neo4j."),
}
