"""Reconciliation of the areas' vocabularies (docs/kb-conventions.md §3):

* every ``itss:`` term the knowledge base uses is declared in ontology/itss.ttl or ontology/tbox/;
* an entity has at most one rdfs:label per language;
* uses named in a standard's scope are one scheme: ``kb:use-…`` typed ``itss:StandardUse``;
  ``kb:act-…`` are operational activities (of a service type), never a scope use;
* ``kb:party-…`` are parties and stakeholders, ``kb:orgtype-…`` kinds of organisation named in
  scopes: each applicability property takes its own;
* the PDCA steps of the implementation control map to the generic PDCA cycle;
* standards only listed in a framework are not itss:Standard.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import RDF, RDFS, SKOS, Namespace, URIRef

from itss_graph.ontology import ITSS as ITSS_NS
from itss_graph.ontology import KB as KB_NS
from itss_graph.ontology import parse_file

ITSS = Namespace(ITSS_NS)
KB = Namespace(KB_NS)


def test_every_itss_term_used_in_the_knowledge_base_is_declared(kb_files):
    declared = set()
    for path in kb_files.tbox:
        declared |= {s for s in parse_file(path).subjects() if str(s).startswith(ITSS_NS)}
    undeclared: dict[str, set[str]] = {}
    for path in kb_files.kb:
        for triple in parse_file(path):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(ITSS_NS) and term not in declared:
                    undeclared.setdefault(str(term)[len(ITSS_NS):], set()).add(path.name)
    assert not undeclared, "itss: terms used but declared nowhere: " + "; ".join(
        f"{t} ({', '.join(sorted(f)[:3])})" for t, f in sorted(undeclared.items()))


def test_the_provenance_annotations_are_declared(kb):
    for prop in (ITSS.composedLabel, ITSS.correctedFrom):
        assert (prop, RDF.type, None) in kb
        assert any(o.language == "en" for o in kb.objects(prop, RDFS.comment))


def test_at_most_one_label_per_language(kb):
    offenders = []
    for s in set(kb.subjects(RDFS.label, None)):
        langs = Counter(o.language or "" for o in kb.objects(s, RDFS.label))
        offenders += [f"{s} @{lang}: {n}" for lang, n in langs.items() if n > 1]
    assert not offenders, "entities with several labels in one language:\n" + "\n".join(offenders[:30])


def test_scope_uses_are_one_scheme(kb):
    uses = set(kb.objects(None, ITSS.appliesToActivity))
    # every use named in a scope is applied by some standard or scope item, and only uses are
    assert uses == set(kb.subjects(RDF.type, ITSS.StandardUse))
    for use in uses:
        assert str(use).startswith(KB_NS + "use-"), use
        assert (use, RDF.type, ITSS.StandardUse) in kb, use
    acts = {s for s in kb.subjects(RDF.type, None) if str(s).startswith(KB_NS + "act-")}
    assert acts, "operational activities kb:act- exist (data-centre specification)"
    for act in acts:
        assert (act, RDF.type, ITSS.StandardUse) not in kb, act
        assert (None, ITSS.appliesToActivity, act) not in kb, act
    for use in {s for s in kb.subjects(RDF.type, ITSS.StandardUse)}:
        assert str(use).startswith(KB_NS + "use-"), use


@pytest.mark.parametrize("area_use", ["use-分类", "use-选择和评价供方", "use-需方评价供方", "use-招聘和员工培养"])
def test_uses_of_every_area_share_the_scheme(kb, area_use):
    assert (KB[area_use], RDF.type, ITSS.StandardUse) in kb


def test_parties_and_organisation_types_are_kept_apart(kb):
    for party in set(kb.objects(None, ITSS.appliesToParty)):
        assert str(party).startswith(KB_NS + "party-"), party
        assert (party, RDF.type, ITSS.Party) in kb
    for org in set(kb.objects(None, ITSS.appliesToOrganizationType)):
        assert str(org).startswith(KB_NS + "orgtype-"), org
        assert (org, RDF.type, ITSS.OrganizationType) in kb
    for name in ("需方", "供方", "第三方", "行业主管部门"):
        assert (KB[f"party-{name}"], RDF.type, ITSS.Party) in kb
    # 基础-3 names two kinds of organisation beside the parties
    assert {KB["orgtype-劳务派遣组织"], KB["orgtype-教育培训机构"]} <= set(
        kb.objects(KB["std-基础-3"], ITSS.appliesToOrganizationType))


def test_pdca_steps_map_to_the_generic_cycle(kb):
    for step in ("策划", "实施", "检查", "改进"):
        control, generic = KB[f"impctlstep-{step}"], KB[f"pdca-{step}"]
        assert (control, SKOS.broadMatch, generic) in kb
        zh = {str(o) for o in kb.objects(control, RDFS.label) if o.language == "zh"}
        assert zh == {str(o) for o in kb.objects(generic, RDFS.label) if o.language == "zh"} == {step}


def test_listed_standards_are_not_itss_standards(kb):
    listed = set(kb.subjects(RDF.type, ITSS.ListedStandard))
    figure_3_8 = {s for s in kb.subjects(ITSS.partOf, KB["content-服务外包标准框架"])
                  if str(s).startswith(KB_NS + "std-")}
    assert len(figure_3_8) == 15 and figure_3_8 | {KB["std-指南"]} <= listed
    assert not {s for s in listed if (s, RDF.type, ITSS.Standard) in kb}
