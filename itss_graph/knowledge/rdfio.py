"""The knowledge base as RDF again: rdflib dataset, export, and read-only SPARQL.

These are the only answers that need rdflib (imported here, lazily). The dataset is rebuilt from
the compiled knowledge base — the same triples in the same named graphs as
:func:`itss_graph.ontology.load_dataset`, without parsing Turtle again.

Example:
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> kb = KnowledgeBase.load()
    >>> result = sparql(kb, "SELECT ?id WHERE { ?s dcterms:identifier ?id } ORDER BY ?id LIMIT 1")
    >>> result.columns, result.rows[0][0].startswith("GB/T")
    (['id'], True)
    >>> q = "SELECT ?code WHERE { ?c skos:notation ?code ; skos:broader ?p } ORDER BY ?code LIMIT 2"
    >>> sparql(kb, q, {"p": "kb:cat-0403"}).rows
    [['040301'], ['040302']]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.knowledge.kb import PREFIXES

if TYPE_CHECKING:
    import rdflib

    from itss_graph.knowledge.kb import KnowledgeBase

#: export format -> (rdflib serializer, keeps named graphs)
EXPORT_FORMATS = {"turtle": ("turtle", False), "trig": ("trig", True), "json-ld": ("json-ld", True),
                  "nt": ("nt", False), "nquads": ("nquads", True)}


class SparqlError(ItssError):
    """A SPARQL query that cannot be parsed, is not read-only, or fails."""


def _term(value: Any):
    from rdflib import BNode, Literal, URIRef

    if isinstance(value, tuple):
        return Literal(value[0], lang=value[1], datatype=URIRef(value[2]) if value[2] else None)
    if value.startswith("_:"):
        return BNode(value[2:])
    return URIRef(value)


def to_dataset(kb: "KnowledgeBase") -> "rdflib.Dataset":
    """An rdflib Dataset with every triple in the named graph(s) that state it."""
    return _dataset(id(kb), kb)


@lru_cache(maxsize=2)
def _dataset(_key: int, kb: "KnowledgeBase") -> "rdflib.Dataset":
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns, replace=True)
    graphs: dict[str, Any] = {}
    for s, p, o, where in kb.triples():
        triple = (_term(s), _term(p), _term(tuple(o) if isinstance(o, tuple) else o))
        for g in where:
            graph = graphs.get(g)
            if graph is None:
                graph = graphs[g] = dataset.graph(rdflib.URIRef(g))
            graph.add(triple)
    return dataset


def union_graph(kb: "KnowledgeBase") -> "rdflib.Graph":
    """Every triple of the knowledge base in one graph (provenance stays in dcterms:source)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, replace=True)
    for s, p, o, _where in kb.triples():
        graph.add((_term(s), _term(p), _term(tuple(o) if isinstance(o, tuple) else o)))
    return graph


def export(kb: "KnowledgeBase", fmt: str = "turtle") -> str:
    """The whole knowledge base serialised: ``turtle``/``nt`` (one graph, provenance in
    dcterms:source), ``trig``/``json-ld``/``nquads`` (a named graph per source unit)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    serializer, named = EXPORT_FORMATS[fmt]
    target = to_dataset(kb) if named else union_graph(kb)
    if fmt == "json-ld":
        context = {prefix: ns for prefix, ns in PREFIXES.items()}
        return target.serialize(format=serializer, context=context, auto_compact=True)
    return target.serialize(format=serializer)


@dataclass
class SparqlResult:
    """A query's answer: ``kind`` select (columns, rows), ask (boolean) or graph (triples)."""

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool | None = None
    graph_text: str = ""

    def as_dict(self) -> dict:
        if self.kind == "ask":
            return {"kind": "ask", "boolean": self.boolean}
        if self.kind == "graph":
            return {"kind": "graph", "columns": self.columns, "rows": self.rows, "turtle": self.graph_text}
        return {"kind": "select", "columns": self.columns,
                "rows": [dict(zip(self.columns, r)) for r in self.rows]}


def _plain(value: Any, qnames: bool) -> Any:
    from rdflib import Literal, URIRef

    if value is None:
        return None
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, URIRef) and qnames:
        text = str(value)
        for prefix, ns in PREFIXES.items():
            if text.startswith(ns):
                return f"{prefix}:{text[len(ns):]}"
        return text
    return str(value)


def sparql(kb: "KnowledgeBase", query: str, bindings: dict[str, str] | None = None, *,
           qnames: bool = True) -> SparqlResult:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the knowledge base.

    The default graph is the union of all graphs; ``GRAPH ?unit { … }`` reaches the source
    units. The prefixes of :data:`itss_graph.knowledge.kb.PREFIXES` are predeclared. ``bindings``
    (``{"var": "kb:std-运维-1"}``, an IRI/qname, or a plain value bound as a literal) are passed
    to rdflib as ``initBindings`` — values are never pasted into the query text.
    """
    from rdflib import Literal, URIRef
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query, initNs=PREFIXES)
    except Exception as exc:  # pyparsing and rdflib raise several types
        text = query.lstrip().upper()
        if any(text.startswith(w) or f"\n{w}" in text for w in ("INSERT", "DELETE", "LOAD", "CLEAR",
                                                                  "DROP", "CREATE", "ADD", "MOVE", "COPY")):
            raise SparqlError(M_("only read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are allowed")) from None
        raise SparqlError(M_("invalid SPARQL: {error}", error=(str(exc).splitlines() or [""])[0])) from None
    init = {}
    for var, value in (bindings or {}).items():
        iri = kb.expand(value)
        init[var.lstrip("?$")] = URIRef(iri) if (iri != value or value.startswith("http") or iri in kb) \
            else Literal(value)
    try:
        result = to_dataset(kb).query(prepared, initBindings=init)
    except Exception as exc:
        raise SparqlError(M_("query failed: {error}", error=(str(exc).splitlines() or [""])[0])) from None
    if result.type == "ASK":
        return SparqlResult("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, replace=True)
        rows = [[_plain(s, qnames), _plain(p, qnames), _plain(o, qnames)] for s, p, o in sorted(graph)]
        return SparqlResult("graph", ["subject", "predicate", "object"], rows,
                            graph_text=graph.serialize(format="turtle"))
    columns = [str(v) for v in result.vars]
    rows = [[_plain(row[i], qnames) for i in range(len(columns))] for row in result]
    return SparqlResult("select", columns, rows)
