"""A small, fast query API over the compiled ITSS knowledge base.

:class:`KnowledgeBase` answers triple lookups, class membership, labels in Chinese or English
and provenance (which white-paper unit states a fact, with its section and lines) from the
compiled form of :mod:`itss_graph.knowledge.compiled`; it never imports rdflib. Terms are plain
strings (IRIs, blank nodes as ``"_:…"``) and :class:`Literal` tuples.

Example:
    >>> kb = KnowledgeBase.load()
    >>> std = kb.expand("kb:std-运维-1")
    >>> kb.label(std, "zh")
    '通用要求'
    >>> str(kb.value(std, "dcterms:identifier"))
    'GB/T 28827.1'
    >>> kb.is_a(std, "itss:Standard")
    True
    >>> "kb:cat-04" in [kb.qname(c) for c in kb.objects(std, "itss:appliesToCategory")]
    True
    >>> ref = kb.provenance(std, "dcterms:identifier", kb.value(std, "dcterms:identifier"))[0]
    >>> (ref.section, ref.start_line <= 3531 <= ref.end_line)
    ('3.2.6', True)
"""

from __future__ import annotations

from collections import deque, namedtuple
from collections.abc import Mapping
from functools import lru_cache

from itss_graph.frozen import Frozen
from itss_graph.knowledge.compiled import file_names, load_compiled
from itss_graph.ontology import CMDB, ITSS, KB, SRC, TBOX_GRAPH_PREFIX, OntologyFiles, ontology_file_names

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable, Union

    Term = Union[str, "Literal"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Prefixes used to shorten and expand IRIs (the project's vocabularies and those it reuses).
PREFIXES: dict[str, str] = {
    "itss": ITSS,
    "kb": KB,
    "src": SRC,
    "cmdb": CMDB,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": SKOS,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "sh": "http://www.w3.org/ns/shacl#",
}

TYPE = RDF + "type"
LABEL = RDFS + "label"
PREF_LABEL = SKOS + "prefLabel"
ALT_LABEL = SKOS + "altLabel"
NOTATION = SKOS + "notation"
TITLE = DCTERMS + "title"
SOURCE = DCTERMS + "source"
LINE = ITSS + "line"


class Literal(namedtuple("Literal", [
        "value",  # str
        "lang",  # str | None
        "datatype",  # str | None
    ], defaults=(None, None))):
    """An RDF literal: lexical form, language tag (or None), datatype IRI (or None).

    >>> str(Literal("运行维护", "zh"))
    '运行维护'
    """

    __slots__ = ()

    def __str__(self) -> str:
        return self.value


def is_literal(term: object) -> bool:
    """Whether a term is a literal (IRIs and blank nodes are strings)."""
    return isinstance(term, tuple)


class SourceRef(Frozen):
    """Where a fact comes from: a source unit of the white paper (or a TBox file).

    ``line`` is the finer line an entity cites with ``itss:line``, when it does.
    """

    __slots__ = ("unit", "label_zh", "label_en", "section", "kind", "start_line", "end_line", "files", "line")

    def __init__(self, unit: str, label_zh: str | None, label_en: str | None, section: str | None,
                 kind: str | None, start_line: int | None, end_line: int | None, files: tuple[str, ...] = (),
                 line: int | None = None):
        init = object.__setattr__
        init(self, "unit", unit)
        init(self, "label_zh", label_zh)
        init(self, "label_en", label_en)
        init(self, "section", section)
        init(self, "kind", kind)
        init(self, "start_line", start_line)
        init(self, "end_line", end_line)
        init(self, "files", files)
        init(self, "line", line)

    @property
    def is_tbox(self) -> bool:
        return self.unit.startswith(TBOX_GRAPH_PREFIX)

    def label(self, lang: str = "en") -> str:
        if lang == "zh":
            return self.label_zh or self.label_en or self.unit
        return self.label_en or self.label_zh or self.unit

    def lines(self) -> str:
        """``"3486-3516"``, or ``"3486-3516 (line 8426)"`` with a cited line; ``""`` for TBox files."""
        if self.start_line is None:
            return ""
        span = f"{self.start_line}-{self.end_line}"
        return f"{span} (line {self.line})" if self.line is not None else span

    def describe(self, lang: str = "en") -> str:
        """One line for people: ``图3-13 … §3.2.6, lines 3486-3516`` (in ``lang``)."""
        from itss_graph.i18n import translation

        _ = translation(lang).gettext
        if self.is_tbox:
            return _("{files} (vocabulary)").format(files=", ".join(self.files) or self.unit)
        parts = [self.label(lang)]
        if self.section:
            parts.append(f"§{self.section}")
        if self.start_line is not None:
            span = f"{self.start_line}-{self.end_line}"
            parts.append(_("lines {span} (line {line})").format(span=span, line=self.line) if self.line is not None
                         else _("lines {lines}").format(lines=span))
        return _(", ").join(parts)

    def as_dict(self, lang: str = "en") -> dict:
        """The stable JSON form of a provenance reference."""
        return {
            "unit": self.unit,
            "label": self.label(lang),
            "section": self.section,
            "kind": self.kind,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "line": self.line,
            "files": list(self.files),
        }


_EMPTY: dict = {}


class KnowledgeBase:
    """Read-only access to the compiled knowledge base (see the module docstring)."""

    def __init__(self, data: dict):
        self._graphs: list[str] = data["graphs"]
        self._spo: dict = data["spo"]
        self._ops: dict = data["ops"]
        self._units: dict = data["units"]
        self._graph_files: dict = data["graph_files"]
        self._names: Mapping = data["names"]
        self._subclass_lists: dict[str, list[str]] = data["subclasses"]
        self._subclasses: dict[str, set[str]] | None = None
        self._memos: dict[str, dict] = {}

    # -- loading ----------------------------------------------------------------------------
    @classmethod
    def load(cls, files: OntologyFiles | None = None) -> "KnowledgeBase":
        """The knowledge base of the ontology files (compiled once, then read from the cache).

        >>> KnowledgeBase.load() is KnowledgeBase.load()
        True
        """
        return _load(file_names(files) if files else ontology_file_names())

    def memo(self, name: str) -> dict:
        """A dictionary for what callers derive from the knowledge base (``name`` says what), kept
        as long as it is: a knowledge base never changes once loaded.

        >>> kb = KnowledgeBase.load()
        >>> kb.memo("doc") is kb.memo("doc")
        True
        """
        found = self._memos.get(name)
        if found is None:
            found = self._memos[name] = {}
        return found

    # -- names ------------------------------------------------------------------------------
    def expand(self, name: str) -> str:
        """A full IRI from ``prefix:local``, ``<iri>`` or a full IRI (returned unchanged).

        >>> KnowledgeBase.load().expand("itss:Standard")
        'https://w3id.org/itss-graph/ontology#Standard'
        """
        if name.startswith("http") and not name[-1].isspace():
            return name  # already full (answers pass full IRIs thousands of times)
        name = name.strip()
        if name.startswith("<") and name.endswith(">"):
            return name[1:-1]
        prefix, sep, local = name.partition(":")
        if sep and prefix in PREFIXES and not local.startswith("//"):
            return PREFIXES[prefix] + local
        return name

    def qname(self, iri: str) -> str:
        """The shortest ``prefix:local`` form of an IRI (the IRI itself if no prefix fits).

        >>> kb = KnowledgeBase.load()
        >>> kb.qname(kb.expand("kb:cat-04"))
        'kb:cat-04'
        """
        best = iri
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) - len(ns) + len(prefix) + 1 < len(best):
                best = f"{prefix}:{iri[len(ns):]}"
        return best

    # -- triples ----------------------------------------------------------------------------
    def _p(self, p: str) -> str:
        return self.expand(p) if ":" in p and not p.startswith("http") else p

    def objects(self, s: str, p: str) -> list[Term]:
        """Objects of ``s p ?o`` (``p`` may be a qname), in a stable order.

        >>> kb = KnowledgeBase.load()
        >>> [kb.qname(o) for o in kb.objects("kb:cat-040301", "skos:broader")]
        ['kb:cat-0403']
        """
        objs = self._spo.get(self.expand(s), _EMPTY).get(p if p.startswith("http") else self._p(p), _EMPTY)
        return [Literal(*o) if isinstance(o, tuple) else o for o in objs]

    def value(self, s: str, p: str, default: Term | None = None, *, lang: str | None = None) -> Term | None:
        """One object of ``s p ?o`` (the one in ``lang`` when asked and present), or ``default``."""
        objs = self.objects(s, p)
        if lang is not None:
            for o in objs:
                if is_literal(o) and o.lang == lang:
                    return o
        return objs[0] if objs else default

    def subjects(self, p: str, o: Term) -> list[str]:
        """Subjects of ``?s p o``.

        >>> kb = KnowledgeBase.load()
        >>> "kb:cat-040301" in [kb.qname(s) for s in kb.subjects("skos:broader", "kb:cat-0403")]
        True
        """
        if is_literal(o):
            key = tuple(o)
            p = self._p(p)
            return [s for s, preds in self._spo.items() if key in preds.get(p, _EMPTY)]
        return list(self._ops.get(self.expand(o), _EMPTY).get(self._p(p), ()))

    def has(self, s: str, p: str, o: Term) -> bool:
        """Whether the triple ``s p o`` is stated."""
        key = tuple(o) if is_literal(o) else self.expand(o)
        return key in self._spo.get(self.expand(s), _EMPTY).get(self._p(p), _EMPTY)

    def outgoing(self, s: str) -> list[tuple[str, Term]]:
        """Every ``(predicate, object)`` of a subject."""
        return [(p, Literal(*o) if isinstance(o, tuple) else o)
                for p, objs in self._spo.get(self.expand(s), _EMPTY).items() for o in objs]

    def incoming(self, o: str) -> list[tuple[str, str]]:
        """Every ``(subject, predicate)`` pointing at an IRI."""
        return [(s, p) for p, subjects in self._ops.get(self.expand(o), _EMPTY).items() for s in subjects]

    def subjects_all(self) -> Iterable[str]:
        """Every subject of the knowledge base."""
        return self._spo.keys()

    def triples(self) -> Iterable[tuple[str, str, Term, tuple[str, ...]]]:
        """Every triple with the graphs that state it (its provenance)."""
        graphs = self._graphs
        for s, preds in self._spo.items():
            for p, objs in preds.items():
                for o, where in objs.items():
                    yield s, p, (Literal(*o) if isinstance(o, tuple) else o), tuple(graphs[g] for g in where)

    def __len__(self) -> int:
        """The number of distinct triples (counted once: ``if kb`` asks this too)."""
        count = self.__dict__.get("_triples")
        if count is None:
            count = self._triples = sum(len(objs) for preds in self._spo.values() for objs in preds.values())
        return count

    def __contains__(self, iri: str) -> bool:
        iri = self.expand(iri)
        return iri in self._spo or iri in self._ops

    # -- classes ----------------------------------------------------------------------------
    def _subclass_map(self) -> dict[str, set[str]]:
        if self._subclasses is None:
            self._subclasses = {cls: set(members) for cls, members in self._subclass_lists.items()}
        return self._subclasses

    def subclasses(self, cls: str) -> set[str]:
        """A class and all its subclasses (rdfs:subClassOf, transitively)."""
        cls = self.expand(cls)
        return self._subclass_map().get(cls, {cls})

    def types(self, s: str) -> list[str]:
        """The rdf:type values of a subject."""
        return [t for t in self.objects(s, TYPE) if isinstance(t, str)]

    def is_a(self, s: str, cls: str) -> bool:
        """Whether ``s`` is typed ``cls`` or one of its subclasses."""
        classes = self.subclasses(cls)
        return any(t in classes for t in self.types(s))

    def instances(self, cls: str, *, include_subclasses: bool = True) -> list[str]:
        """Subjects typed ``cls`` (or a subclass), sorted.

        >>> kb = KnowledgeBase.load()
        >>> [kb.label(s, "zh") for s in kb.instances("itss:Element")]
        ['人员', '技术', '资源', '过程']
        """
        classes = self.subclasses(cls) if include_subclasses else {self.expand(cls)}
        found: set[str] = set()
        for c in classes:
            found.update(self._ops.get(c, _EMPTY).get(TYPE, ()))
        return sorted(found)

    # -- labels -----------------------------------------------------------------------------
    def labels(self, iri: str, prop: str = LABEL) -> dict[str, list[str]]:
        """Labels of an entity by language (``""`` for plain literals)."""
        out: dict[str, list[str]] = {}
        for o in self.objects(iri, prop):
            if is_literal(o):
                out.setdefault(o.lang or "", []).append(o.value)
        return out

    def label(self, iri: str, lang: str = "en") -> str:
        """The entity's name in ``lang`` (zh or en), falling back to the other language, a
        notation, then the qname.

        >>> kb = KnowledgeBase.load()
        >>> kb.label("kb:cat-040301", "zh"), kb.label("kb:cat-040301", "en")
        ('基础软件运维服务', 'Basic software O&M services')
        """
        if is_literal(iri):
            return str(iri)
        iri = self.expand(iri)
        other = "zh" if lang == "en" else "en"
        for wanted in (lang, other):
            for prop in (LABEL, PREF_LABEL, TITLE):
                for o in self._spo.get(iri, _EMPTY).get(prop, _EMPTY):
                    if isinstance(o, tuple) and (o[1] or "").startswith(wanted):
                        return o[0]
        for prop in (LABEL, PREF_LABEL, NOTATION):
            for o in self._spo.get(iri, _EMPTY).get(prop, _EMPTY):
                if isinstance(o, tuple):
                    return o[0]
        return self.qname(iri)

    def name_index(self) -> Mapping[str, list[tuple[int, str]]]:
        """``{normalised name: [(strength, subject), ...]}``, see :mod:`itss_graph.knowledge.names`."""
        return self._names

    def notation(self, iri: str) -> str | None:
        """skos:notation of an entity (e.g. a GB/T 29264 code), or None."""
        value = self.value(iri, NOTATION)
        return str(value) if value is not None else None

    # -- provenance -------------------------------------------------------------------------
    def source(self, graph: str, *, line: int | None = None) -> SourceRef:
        """The provenance record of a graph (a source unit, or a TBox file's graph)."""
        info = self._units.get(graph)
        files = tuple(self._graph_files.get(graph, ()))
        if info is None:
            return SourceRef(graph, None, None, None, "vocabulary", None, None, files, None)
        return SourceRef(graph, info["label"].get("zh"), info["label"].get("en"), info["section"],
                         info["kind"], info["start"], info["end"], files, line)

    def units(self) -> list[str]:
        """Every source unit, in document order (by start line)."""
        return sorted(self._units, key=lambda u: (self._units[u]["start"] or 0, u))

    def graphs(self, s: str, p: str, o: Term) -> tuple[str, ...]:
        """The graphs (source units or TBox files) that state the triple ``s p o``."""
        key = tuple(o) if is_literal(o) else self.expand(o)
        where = self._spo.get(self.expand(s), _EMPTY).get(self._p(p), _EMPTY).get(key, ())
        return tuple(self._graphs[g] for g in where)

    def provenance(self, s: str, p: str | None = None, o: Term | None = None) -> list[SourceRef]:
        """Where a triple (``s p o``) or a subject (``s`` alone: the units that describe it,
        from ``dcterms:source``) comes from; the subject's ``itss:line`` is carried along when
        it is inside the unit's lines.

        >>> kb = KnowledgeBase.load()
        >>> [r.section for r in kb.provenance("kb:cat-040301")]
        ['3.2.1']
        """
        s = self.expand(s)
        if p is not None and o is not None:
            graphs = self.graphs(s, p, o)
        else:
            graphs = tuple(g for g in self.objects(s, SOURCE) if isinstance(g, str) and g in self._units)
            if not graphs:
                graphs = tuple(dict.fromkeys(g for _, _, _, where in self._triples_of(s) for g in where))
        lines = sorted(int(v.value) for v in self.objects(s, LINE) if is_literal(v) and v.value.isdigit())
        refs = []
        for g in graphs:
            ref = self.source(g)
            cited = next((n for n in lines if ref.start_line is not None
                          and ref.start_line <= n <= (ref.end_line or n)), None)
            refs.append(self.source(g, line=cited) if cited is not None else ref)
        return sorted(refs, key=lambda r: (r.is_tbox, r.start_line or 0, r.unit))

    def _triples_of(self, s: str):
        graphs = self._graphs
        for p, objs in self._spo.get(s, _EMPTY).items():
            for o, where in objs.items():
                yield s, p, o, tuple(graphs[g] for g in where)

    # -- structure --------------------------------------------------------------------------
    def rdf_list(self, node: str) -> list[Term]:
        """The members of an RDF collection (``( a b c )``), in order."""
        out: list[Term] = []
        seen = set()
        while isinstance(node, str) and node != RDF + "nil" and node not in seen:
            seen.add(node)
            first = self.value(node, RDF + "first")
            if first is None:
                break
            out.append(first)
            node = self.value(node, RDF + "rest")  # type: ignore[assignment]
        return out

    def ancestors(self, start: str, prop: str) -> dict[str, list[str]]:
        """Every node reachable from ``start`` by ``prop`` (e.g. skos:broader), including
        ``start`` itself, each with the path of nodes from ``start`` to it.

        >>> kb = KnowledgeBase.load()
        >>> [kb.qname(n) for n in kb.ancestors("kb:cat-040301", "skos:broader")[kb.expand("kb:cat-04")]]
        ['kb:cat-040301', 'kb:cat-0403', 'kb:cat-04']
        """
        start, prop = self.expand(start), self._p(prop)
        paths = {start: [start]}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in self._spo.get(node, _EMPTY).get(prop, _EMPTY):
                if isinstance(nxt, str) and nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
        return paths

    # -- names (see itss_graph.knowledge.names; text search is itss_graph.knowledge.explore) ---
    def resolve(self, name: str, classes: Iterable[str] | None = None) -> list[str]:
        """Entities a name stands for, best match first: an IRI or qname the knowledge base knows,
        else the entities whose Chinese/English label, alternative label, notation or IRI key is
        the name (case, spaces and separators ignored, :func:`itss_graph.knowledge.names.normalize`).
        Only instances of ``classes`` (or their subclasses) when given; among label matches, those
        of the strongest naming property win (rdfs:label before skos:altLabel, ...), and the
        entity named after the text (``kb:proc-事件管理`` for 事件管理) comes first.

        >>> kb = KnowledgeBase.load()
        >>> [kb.qname(i) for i in kb.resolve("Incident management", ["itss:Process"])]
        ['kb:proc-事件管理']
        >>> [kb.qname(i) for i in kb.resolve("事件/事故管理", ["itss:Process"])]
        ['kb:proc-事件管理']
        >>> [kb.qname(i) for i in kb.resolve("040301")]
        ['kb:cat-040301']
        """
        allowed = None
        if classes is not None:
            allowed = set()
            for cls in classes:
                allowed |= self.subclasses(cls)

        def ok(iri: str) -> bool:
            return allowed is None or any(t in allowed for t in self.types(iri))

        text = name.strip()
        if not text:
            return []
        iri = self.expand(text)
        if (":" in text) and iri in self and ok(iri):
            return [iri]
        from itss_graph.knowledge.names import iri_key, normalize  # re: only to look a name up

        key = normalize(text)
        hits = [(rank, s) for rank, s in self._names.get(key, []) if ok(s)]
        if not hits:
            return []
        best = min(rank for rank, _ in hits)
        found = sorted({s for rank, s in hits if rank == best})
        keyed = [s for s in found if iri_key(s) == key]
        return keyed + [s for s in found if s not in keyed]


@lru_cache(maxsize=4)
def _load(files: OntologyFiles) -> KnowledgeBase:
    return KnowledgeBase(load_compiled(files))
