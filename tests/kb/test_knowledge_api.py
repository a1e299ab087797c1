"""The compiled knowledge base and its query API (itss_graph.knowledge.kb): same facts and
provenance as the Turtle files, fast to load without rdflib, rebuilt when a file changes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from itss_graph.knowledge.kb import KnowledgeBase, Literal, is_literal


@pytest.fixture(scope="module")
def kbase():
    return KnowledgeBase.load()


def test_compiled_form_holds_every_quad_of_the_dataset(kbase, kb_dataset):
    import rdflib

    expected: dict[tuple, set[str]] = {}
    for s, p, o, g in kb_dataset.quads((None, None, None, None)):
        if isinstance(s, rdflib.BNode) or isinstance(o, rdflib.BNode):
            continue  # blank-node ids differ between two parses
        obj = (str(o), o.language, str(o.datatype) if o.datatype else None) \
            if isinstance(o, rdflib.Literal) else str(o)
        expected.setdefault((str(s), str(p), obj), set()).add(str(getattr(g, "identifier", g)))
    got = {(s, p, tuple(o) if is_literal(o) else o): set(where)
           for s, p, o, where in kbase.triples() if not s.startswith("_:") and not str(o).startswith("_:")}
    assert got == expected
    assert len(kbase) == len({(s, p, o) for s, p, o, _ in kb_dataset.quads((None, None, None, None))})


def test_triple_lookups_and_classes(kbase):
    std = kbase.expand("kb:std-运维-1")
    assert kbase.value(std, "dcterms:identifier") == Literal("GB/T 28827.1")
    assert kbase.has(std, "itss:appliesToCategory", "kb:cat-04")
    assert std in kbase.subjects("itss:appliesToCategory", "kb:cat-04")
    assert kbase.is_a(std, "dcterms:Standard")  # through itss:Standard rdfs:subClassOf dcterms:Standard
    assert kbase.expand("itss:StandardUse") in kbase.subclasses("itss:Activity")
    standards = kbase.instances("itss:Standard")
    assert std in standards and standards == sorted(standards)
    assert [kbase.qname(x) for x in kbase.instances("itss:Standard", include_subclasses=False)
            if x == std] == ["kb:std-运维-1"]


def test_labels_in_both_languages_with_fallbacks(kbase):
    assert kbase.label("kb:proc-事件管理", "zh") == "事件管理"
    assert kbase.label("kb:proc-事件管理", "en") == "Incident management"
    assert kbase.label("kb:cat-0403", "zh") == "软件运维服务"
    assert kbase.label("kb:no-such-thing", "en") == "kb:no-such-thing"
    assert kbase.labels("kb:proc-事件管理") == {"zh": ["事件管理"], "en": ["Incident management"]}


def test_provenance_of_a_triple_and_of_a_subject(kbase):
    refs = kbase.provenance("kb:std-运维-3", "dcterms:identifier", Literal("GB/T 28827.3"))
    assert [r.unit.rsplit("/", 1)[1] for r in refs] == ["s3-2-6-3"]
    ref = refs[0]
    assert (ref.section, ref.kind) == ("3.2.6", "section")
    assert ref.start_line <= 3697 <= ref.end_line
    assert ref.label("zh").startswith("3.2.6") and ref.files == ("s3-2-6-3-emergency-response.ttl",)
    assert "lines" in ref.describe("en")
    # a subject citing a line inside its unit carries it
    cited = [r for r in kbase.provenance("kb:cat-040301") if r.line]
    assert cited and cited[0].line == 2185
    # vocabulary facts come from the TBox files
    tbox = kbase.provenance("itss:Standard", "rdf:type", "owl:Class")
    assert tbox and tbox[0].is_tbox and tbox[0].files == ("itss.ttl",)


def test_structure_helpers(kbase):
    paths = kbase.ancestors("kb:cat-040301", "skos:broader")
    assert [kbase.qname(n) for n in paths[kbase.expand("kb:cat-04")]] == ["kb:cat-040301", "kb:cat-0403", "kb:cat-04"]
    members = kbase.rdf_list(kbase.value("kb:mcomp-通用运行维护服务能力模型-人员", "skos:memberList"))
    assert [kbase.notation(m) for m in members] == ["6.2", "6.3", "6.4", "6.5", "6.6"]


@pytest.mark.parametrize("name, classes, expected", [
    ("事件管理", ["itss:Process"], "kb:proc-事件管理"),
    ("incident management", ["itss:Process"], "kb:proc-事件管理"),
    ("事件/事故管理", ["itss:Process"], "kb:proc-事件管理"),        # altLabel of 表2-5
    ("040301", ["itss:ServiceCategory"], "kb:cat-040301"),          # a code
    ("Software O&M services", ["itss:ServiceCategory"], "kb:cat-0403"),
    ("kb:std-运维-2", None, "kb:std-运维-2"),                        # a qname
    ("需方评价供方", ["itss:Activity"], "kb:use-需方评价供方"),        # the IRI key
    ("customer (demand side)", ["itss:Party"], "kb:party-需方"),
    ("发包方", ["itss:Party"], "kb:party-需方"),                      # altLabel of 图3-8
])
def test_resolve_names(kbase, name, classes, expected):
    assert kbase.qname(kbase.resolve(name, classes)[0]) == expected


def test_search_finds_chinese_and_english(kbase):
    from itss_graph.knowledge.explore import search

    assert search(kbase, "应急响应")[0].node.id == "kb:proc-应急响应"
    hits = search(kbase, "emergency response")
    assert "kb:proc-应急响应" in [h.node.id for h in hits]
    assert all(h.sources for h in hits[:5])
    assert search(kbase, "   ") == []


def test_a_cold_process_answers_without_rdflib(tmp_path):
    """Once compiled, loading the knowledge base and answering never imports rdflib."""
    code = textwrap.dedent("""
        import sys
        from itss_graph.knowledge.kb import KnowledgeBase
        from itss_graph.knowledge.applicability import evaluate
        from itss_graph.knowledge.subjects import declared_for_code
        kb = KnowledgeBase.load()
        query, declared = declared_for_code(kb, "040301")
        answer = evaluate(kb, declared, query)
        assert answer.applicable, "no answer"
        print("rdflib" in sys.modules)
    """)
    env = {**os.environ}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # warm
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_an_added_ontology_file_is_compiled_in(tmp_path):
    """The cache is keyed by the files' contents: a user ontology directory with a new source unit
    and standard changes the answer at once."""
    user = tmp_path / "ontology" / "kb"
    user.mkdir(parents=True)
    (user / "x-local.ttl").write_text(textwrap.dedent("""
        @prefix itss: <https://w3id.org/itss-graph/ontology#> .
        @prefix kb:   <https://w3id.org/itss-graph/kb/> .
        @prefix src:  <https://w3id.org/itss-graph/source/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        src:x-local a itss:SourceUnit ; itss:sourceKind "section" ; itss:section "local" ;
            rdfs:label "本地"@zh , "local"@en ; itss:startLine 1 ; itss:endLine 2 ;
            dcterms:isPartOf src:whitepaper-2014 .
        kb:std-local a itss:Standard ; rdfs:label "本地数据库规范"@zh , "Local database rule"@en ;
            itss:status itss:Draft ; itss:statusText "草案"@zh ;
            itss:appliesToCategory kb:cat-040301 .
    """), encoding="utf-8")
    code = ("from itss_graph.knowledge.kb import KnowledgeBase\n"
            "from itss_graph.knowledge.applicability import evaluate\n"
            "from itss_graph.knowledge.subjects import declared_for_code\n"
            "kb = KnowledgeBase.load()\n"
            "q, d = declared_for_code(kb, '040301')\n"
            "a = evaluate(kb, d, q)\n"
            "r = [x for x in a.applicable if x.node.id == 'kb:std-local'][0]\n"
            "print(r.score['depth'], r.reasons[0].steps[-1].sources[0].section)\n")
    env = {**os.environ, "ITSS_ONTOLOGY_PATH": str(tmp_path / "ontology"),
           "ITSS_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "local"]  # 040301 is three levels deep; provenance is the new unit
