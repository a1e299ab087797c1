"""Export → re-import → the same triples (and, for trig/json-ld, the same named graphs) as loading
the Turtle files of the ontology.

Literals are compared by value (``"40"^^xsd:decimal`` and ``40.0`` are the same literal value:
serialisers write canonical forms); blank nodes up to renaming (isomorphism).
"""

from __future__ import annotations

import pytest

from itss_graph.knowledge.kb import KnowledgeBase
from itss_graph.knowledge.rdfio import export


def _key(term):
    """A term compared by value: literals with a datatype by their Python value."""
    import rdflib

    if isinstance(term, rdflib.Literal):
        value = term.toPython() if term.datatype is not None else str(term)
        return ("literal", value if not isinstance(value, rdflib.Literal) else str(value),
                term.language, term.datatype)
    return term


def _signatures(graph) -> dict:
    """A name for each blank node from what it contains (its outgoing triples, recursively):
    blank nodes here are trees (RDF lists, nested descriptions), so equal content means equal
    structure, and renaming blank nodes does not change the names."""
    import rdflib

    out: dict = {}
    outgoing: dict = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.BNode):
            outgoing.setdefault(s, []).append((p, o))

    def sig(node, depth=0):
        if node in out:
            return out[node]
        assert depth < 1000, "cyclic blank nodes"
        out[node] = ("bnode", tuple(sorted(
            (str(p), repr(sig(o, depth + 1) if isinstance(o, rdflib.BNode) else _key(o)))
            for p, o in outgoing.get(node, ()))))
        return out[node]

    for node in outgoing:
        sig(node)
    return out


def same_triples(a, b) -> tuple[bool, str]:
    """Equal triples, literals compared by value and blank nodes by content."""
    import rdflib

    def keys(g):
        names = _signatures(g)
        return {tuple(names.get(x, ("bnode", ())) if isinstance(x, rdflib.BNode) else _key(x) for x in t)
                for t in g}

    ka, kb_ = keys(a), keys(b)
    if ka != kb_:
        only_a, only_b = list(ka - kb_)[:3], list(kb_ - ka)[:3]
        return False, f"{len(ka - kb_)} only in the source (e.g. {only_a}), {len(kb_ - ka)} only re-imported (e.g. {only_b})"
    return len(a) == len(b), f"{len(a)} triples vs {len(b)}"


@pytest.fixture(scope="module")
def kbase():
    return KnowledgeBase.load()


def test_turtle_round_trip(kbase, kb):
    import rdflib

    reimported = rdflib.Graph()
    reimported.parse(data=export(kbase, "turtle"), format="turtle")
    ok, why = same_triples(kb, reimported)
    assert ok, why


@pytest.mark.parametrize("fmt", ["trig", "json-ld"])
def test_named_graph_round_trip(kbase, kb_dataset, fmt):
    import rdflib

    reimported = rdflib.Dataset()
    reimported.parse(data=export(kbase, fmt), format=fmt)
    source_graphs = {g.identifier: g for g in kb_dataset.graphs() if len(g)}
    back = {g.identifier: g for g in reimported.graphs() if len(g)}
    assert set(source_graphs) == set(back)
    for name, graph in source_graphs.items():
        ok, why = same_triples(graph, back[name])
        assert ok, f"{name}: {why}"


def test_unknown_export_format(kbase):
    with pytest.raises(ValueError, match="unknown export format"):
        export(kbase, "rdfxml-pretty")
