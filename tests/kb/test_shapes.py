"""The knowledge base passes the SHACL shapes of ontology/shapes/ (run with pyshacl), and the shapes
catch what they are written for (each is shown failing on a small broken graph)."""

from __future__ import annotations

from collections import Counter

import pytest

SH = "http://www.w3.org/ns/shacl#"

PREFIXES = """
@prefix itss: <https://w3id.org/itss-graph/ontology#> .
@prefix kb:   <https://w3id.org/itss-graph/kb/> .
@prefix src:  <https://w3id.org/itss-graph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def shapes(kb_files):
    import rdflib

    assert kb_files.shapes, "ontology/shapes/ has no shapes"
    graph = rdflib.Graph()
    for path in kb_files.shapes:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def tbox(kb_files):
    import rdflib

    from itss_graph.ontology import parse_file

    graph = rdflib.Graph()
    for path in kb_files.tbox:
        graph += parse_file(path)
    return graph


def violations(data, shapes) -> Counter:
    import pyshacl
    import rdflib

    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                               advanced=True, allow_warnings=False)
    found: Counter = Counter()
    for result in report.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")):
        focus = report.value(result, rdflib.URIRef(SH + "focusNode"))
        message = report.value(result, rdflib.URIRef(SH + "resultMessage"))
        found[(str(focus).rsplit("/", 1)[-1], str(message))] += 1
    assert conforms == (not found)
    return found


def test_knowledge_base_conforms_to_the_shapes(kb, shapes):
    found = violations(kb, shapes)
    listing = "\n".join(f"{n} × {focus}: {message}" for (focus, message), n in found.most_common(40))
    assert not found, f"{sum(found.values())} SHACL violations:\n{listing}"


BROKEN = {
    "standard without number or status": (
        "kb:std-x a itss:Standard ; rdfs:label \"x\"@zh , \"x\"@en ; dcterms:source src:u .",
        "std-x", None),
    "two statuses": (
        "kb:std-x a itss:Standard ; itss:status itss:Draft , itss:Published ; "
        "itss:statusText \"本标准已颁布\"@zh ; rdfs:label \"x\"@zh , \"x\"@en .",
        "std-x", "status"),
    "status without the sentence stating it": (
        "kb:std-x a itss:Standard ; itss:status itss:Draft ; rdfs:label \"x\"@zh , \"x\"@en .",
        "std-x", "statusText"),
    "listed standard with a status": (
        "kb:std-x a itss:ListedStandard ; itss:status itss:Draft ; "
        "itss:standardCategory kb:stdcat-y . kb:stdcat-y a itss:StandardCategory .",
        "std-x", "no status"),
    "code without parent": (
        "kb:cat-0499 a itss:ServiceCategory ; skos:notation \"0499\" ; skos:prefLabel \"其他\"@zh ; "
        "skos:inScheme kb:scheme-gbt29264 .",
        "cat-0499", "has a parent"),
    "top-level code with a parent": (
        "kb:cat-05 a itss:ServiceCategory ; skos:notation \"05\" ; skos:prefLabel \"数据\"@zh ; "
        "skos:inScheme kb:scheme-gbt29264 ; skos:broader kb:cat-04 . "
        "kb:cat-04 a itss:ServiceCategory ; skos:notation \"04\" ; skos:prefLabel \"运维\"@zh ; "
        "skos:inScheme kb:scheme-gbt29264 .",
        "cat-05", "no parent"),
    "parent code not a prefix": (
        "kb:cat-0402 a itss:ServiceCategory ; skos:notation \"0402\" ; skos:prefLabel \"硬件\"@zh ; "
        "skos:inScheme kb:scheme-gbt29264 ; skos:broader kb:cat-03 . "
        "kb:cat-03 a itss:ServiceCategory ; skos:notation \"03\" ; skos:prefLabel \"集成\"@zh ; "
        "skos:inScheme kb:scheme-gbt29264 .",
        "cat-0402", "without its last two digits"),
    "entity without English label": (
        "kb:proc-x a itss:Process ; rdfs:label \"过程\"@zh ; dcterms:source src:u .",
        "proc-x", "English"),
    "two English labels": (
        "kb:proc-x a itss:Process ; rdfs:label \"过程\"@zh , \"a\"@en , \"b\"@en ; dcterms:source src:u .",
        "proc-x", "per language"),
    "untyped entity": (
        "kb:thing rdfs:label \"物\"@zh , \"thing\"@en ; dcterms:source src:u .",
        "thing", "rdf:type"),
    "applicability value of the wrong class": (
        "kb:std-x a itss:Standard ; dcterms:identifier \"GB/T 1\" ; rdfs:label \"x\"@zh , \"x\"@en ; "
        "itss:appliesToParty kb:proc-y . kb:proc-y a itss:Process .",
        "std-x", None),
    "scope use that is not a StandardUse": (
        "kb:std-x a itss:Standard ; dcterms:identifier \"GB/T 1\" ; itss:appliesToActivity kb:act-y . "
        "kb:act-y a itss:Activity .",
        "std-x", "StandardUse"),
    "obligation without the sentence that says so": (
        "kb:oblig-x a itss:Obligation ; itss:obligationOf kb:std-x ; itss:obligedParty kb:party-供方 ; "
        "itss:line 1 . kb:std-x a itss:Standard ; dcterms:identifier \"GB/T 1\" . kb:party-供方 a itss:Party .",
        "oblig-x", "quotes the sentence"),
    "obligation on something that is not a party": (
        "kb:oblig-x a itss:Obligation ; itss:obligationOf kb:std-x ; itss:obligedParty kb:std-x ; "
        "itss:text \"供方\"@zh ; itss:line 1 . kb:std-x a itss:Standard ; dcterms:identifier \"GB/T 1\" .",
        "oblig-x", "obliged party"),
    "obligation of neither a standard nor a kind": (
        "kb:oblig-x a itss:Obligation ; itss:obligedParty kb:party-供方 ; itss:text \"供方\"@zh ; itss:line 1 . "
        "kb:party-供方 a itss:Party .",
        "oblig-x", None),
    "specialisation of a process": (
        "kb:std-x a itss:Standard ; dcterms:identifier \"GB/T 1\" ; itss:specialises kb:proc-y . "
        "kb:proc-y a itss:Process .",
        "std-x", "specialises another standard"),
    "organisation type acting as two parties": (
        "kb:orgtype-x a itss:OrganizationType ; itss:actsAs kb:party-需方 , kb:party-供方 . "
        "kb:party-需方 a itss:Party . kb:party-供方 a itss:Party .",
        "orgtype-x", "one party"),
    "source unit with lines reversed": (
        "src:u a itss:SourceUnit ; itss:startLine 20 ; itss:endLine 10 ; itss:sourceKind \"table\" ; "
        "itss:section \"1\" ; rdfs:label \"表\"@zh , \"table\"@en ; "
        "dcterms:isPartOf src:whitepaper-2014 .",
        "u", None),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_shapes_catch_broken_facts(case, shapes, tbox):
    import rdflib

    triples, focus, message_part = BROKEN[case]
    data = rdflib.Graph()
    data += tbox
    data.parse(data=PREFIXES + triples, format="turtle")
    found = violations(data, shapes)
    hits = [message for (node, message) in found if node == focus]
    assert hits, f"{case}: no violation on {focus}: {dict(found)}"
    if message_part:
        assert any(message_part in m for m in hits), f"{case}: {hits}"
