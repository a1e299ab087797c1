"""Compile the ontology's Turtle files into plain Python structures that load in milliseconds.

rdflib parses the knowledge base in seconds and costs ~0.12 s to import; answers must not pay
that. :func:`compile_kb` reads the dataset once (with rdflib, through
:func:`itss_graph.ontology.load_dataset`) and turns it into dictionaries of strings and
tuples only, so unpickling it never imports rdflib. :func:`load_compiled` caches the result by
the content of the ontology files (:mod:`itss_graph.cache`).

Terms of the compiled form:

* an IRI is a ``str`` (``"https://w3id.org/itss-graph/kb/std-运维-1"``);
* a blank node is a ``str`` starting with ``"_:"``;
* a literal is a tuple ``(lexical form, language or None, datatype IRI or None)``.

Structure (a ``dict``, see :data:`FORMAT`):

* ``graphs``: graph IRIs, indexed by position (source units, and ``src:file/<name>`` for TBox files);
* ``spo``: ``{subject: {predicate: {object: (graph index, ...)}}}`` — every triple with the
  graphs that state it, which is its provenance;
* ``ops``: ``{object IRI: {predicate: [subject, ...]}}`` — the inverse index (IRI objects only);
* ``units``: ``{unit IRI: {"label": {lang: text}, "section", "kind", "start", "end", "files"}}``;
* ``graph_files``: ``{graph IRI: [file name, ...]}``;
* ``names``: ``{normalised name: [(strength, subject), ...]}`` (:mod:`itss_graph.knowledge.names`).

Example:
    >>> data = load_compiled()                                   # doctest: +SKIP
    >>> sorted(data)[:3]                                         # doctest: +SKIP
    ['format', 'graph_files', 'graphs']
"""

from __future__ import annotations

import gc
from functools import lru_cache
from typing import Any

from itss_graph.cache import cached
from itss_graph.knowledge.names import build_name_index
from itss_graph.ontology import ITSS, OntologyFiles, ontology_files

FORMAT = 4
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _term(node: Any, intern: dict) -> Any:
    from rdflib import BNode, Literal

    if isinstance(node, Literal):
        value = (str(node), node.language or None, str(node.datatype) if node.datatype else None)
    elif isinstance(node, BNode):
        value = "_:" + str(node)
    else:
        value = str(node)
    return intern.setdefault(value, value)


def _order(term: Any) -> tuple:
    return (1, term[0], term[1] or "", term[2] or "") if isinstance(term, tuple) else (0, term, "", "")


def compile_kb(files: OntologyFiles | None = None) -> dict:
    """Parse the ontology with rdflib and return the compiled form (slow: use :func:`load_compiled`)."""
    from itss_graph.ontology import load_dataset_and_units

    files = files or ontology_files()
    dataset, graph_of = load_dataset_and_units(files)
    intern: dict = {}
    graphs: list[str] = []
    graph_index: dict[str, int] = {}
    spo: dict[str, dict[str, dict[Any, list[int]]]] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = str(g.identifier if hasattr(g, "identifier") else g)
        gi = graph_index.get(name)
        if gi is None:
            gi = graph_index[name] = len(graphs)
            graphs.append(intern.setdefault(name, name))
        by_object = spo.setdefault(_term(s, intern), {}).setdefault(_term(p, intern), {})
        where = by_object.setdefault(_term(o, intern), [])
        if gi not in where:
            where.append(gi)
    # sorted, so that answers do not depend on the order rdflib happens to return triples in
    frozen = {s: {p: {o: tuple(sorted(objs[o])) for o in sorted(objs, key=_order)}
                  for p, objs in sorted(preds.items())}
              for s, preds in sorted(spo.items())}
    ops: dict[str, dict[str, list[str]]] = {}
    for s, preds in frozen.items():
        for p, objs in preds.items():
            for o in objs:
                if isinstance(o, str):
                    ops.setdefault(o, {}).setdefault(p, []).append(s)

    graph_files: dict[str, list[str]] = {}
    for path, graph in graph_of.items():
        graph_files.setdefault(graph, []).append(path.name)

    units = {}
    unit_type = ITSS + "SourceUnit"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for unit, preds in frozen.items():
        if unit_type not in preds.get(rdf_type, {}):
            continue

        def first(prop: str) -> Any:
            values = list(preds.get(ITSS + prop, {}))
            return values[0][0] if values and isinstance(values[0], tuple) else None

        labels = {}
        for value in preds.get(RDFS_LABEL, {}):
            if isinstance(value, tuple):
                labels.setdefault(value[1] or "", value[0])
        start, end = first("startLine"), first("endLine")
        units[unit] = {
            "label": labels,
            "section": first("section"),
            "kind": first("sourceKind"),
            "start": int(start) if start is not None else None,
            "end": int(end) if end is not None else None,
            "files": sorted(graph_files.get(unit, [])),
        }
    return {
        "format": FORMAT,
        "names": build_name_index(frozen),
        "graphs": graphs,
        "spo": frozen,
        "ops": ops,
        "units": units,
        "graph_files": graph_files,
    }


@lru_cache(maxsize=4)
def _load(files: OntologyFiles) -> dict:
    # Unpickling tens of thousands of small containers is twice as fast without the cyclic GC.
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = cached(f"kb-compiled-v{FORMAT}", files.all_data, lambda: compile_kb(files))
    finally:
        if enabled:
            gc.enable()
    return data


def load_compiled(files: OntologyFiles | None = None) -> dict:
    """The compiled knowledge base, from the cache when no ontology file changed."""
    return _load(files or ontology_files())
