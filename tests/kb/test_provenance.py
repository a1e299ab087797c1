"""Every fact of the knowledge base traces to the white paper.

For each file of ``ontology/kb/``: it declares one source unit with a line range inside the
white paper, and every Chinese literal it states is written in that range (or near the
``itss:line`` its subject cites). Labels that had to be composed (n-ary table cells) carry
``itss:composedLabel true``; labels that repair a PDF-extraction error carry the text as
written in ``itss:correctedFrom``.
"""

from __future__ import annotations

import pytest

from itss_graph.ontology import ITSS, parse_file, source_unit_of
from tests.kb import whitepaper

LINE_WINDOW = 6  # an item cited at line N may wrap over the next lines


def _kb_files():
    from itss_graph.ontology import ontology_files

    return ontology_files().kb


def _untraced_literals(path):
    from rdflib import RDFS, Literal, URIRef

    graph = parse_file(path)
    unit = source_unit_of(graph, path)
    start = int(graph.value(unit, URIRef(ITSS + "startLine")))
    end = int(graph.value(unit, URIRef(ITSS + "endLine")))
    assert 1 <= start <= end <= len(whitepaper.lines()), f"{path.name}: bad line range {start}-{end}"
    composed = URIRef(ITSS + "composedLabel")
    corrected = URIRef(ITSS + "correctedFrom")
    cited_line = URIRef(ITSS + "line")
    problems = []
    for s, p, o in graph:
        if not (isinstance(o, Literal) and (o.language or "").startswith("zh")):
            continue
        if s == unit:
            continue  # the unit's own label names the table or section
        if p == RDFS.label and (
            graph.value(s, composed) is not None or graph.value(s, corrected) is not None
        ):
            continue
        if whitepaper.occurs(str(o), start, end):
            continue
        lines = [int(n) for n in graph.objects(s, cited_line)]
        if any(whitepaper.occurs(str(o), n, n + LINE_WINDOW) for n in lines):
            continue
        problems.append(f"{s.n3(graph.namespace_manager)} {p.n3(graph.namespace_manager)} {str(o)!r}")
    return problems


@pytest.mark.parametrize("path", _kb_files(), ids=lambda p: p.name)
def test_every_chinese_literal_is_written_in_its_source_unit(path):
    problems = _untraced_literals(path)
    assert not problems, f"{path.name}: not found in its source lines:\n" + "\n".join(problems[:40])


def test_every_entity_has_a_source(kb_dataset):
    """The loader records a dcterms:source for every subject of every knowledge-base file."""
    from rdflib import DCTERMS, RDF, URIRef

    unit_class = URIRef(ITSS + "SourceUnit")
    kb_prefix = "https://w3id.org/itss-graph/kb/"
    missing = [
        s
        for s in set(kb_dataset.subjects(RDF.type, None))
        if str(s).startswith(kb_prefix)
        and (s, RDF.type, unit_class) not in kb_dataset
        and kb_dataset.value(s, DCTERMS.source) is None
    ]
    assert not missing, f"entities without provenance: {missing[:20]}"
