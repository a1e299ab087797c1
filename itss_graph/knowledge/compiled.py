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

  both are stored with each subject's (object's) entry marshalled on its own and are read as
  :class:`LazyIndex` mappings that decode an entry when it is first asked for: an answer
  reads a few hundred of the 3,500 subjects, and unpickling the whole nested index cost ~16 ms
  of every ``itss standards`` (now ~6 ms to unpickle, then tens of microseconds per subject read);
* ``units``: ``{unit IRI: {"label": {lang: text}, "section", "kind", "start", "end", "files"}}``;
* ``graph_files``: ``{graph IRI: [file name, ...]}``;
* ``names``: ``{normalised name: [(strength, subject), ...]}`` (:mod:`itss_graph.knowledge.names`),
  also read as a :class:`LazyIndex`;
* ``subclasses``: ``{class: [the class and its subclasses, transitively]}`` (rdfs:subClassOf),
  computed here so that no answer scans the inverse index for it.

Example:
    >>> data = load_compiled()
    >>> sorted(data)[:3]
    ['format', 'graph_files', 'graphs']
    >>> data["spo"]["https://w3id.org/itss-graph/kb/cat-04"]["http://www.w3.org/2004/02/skos/core#notation"]
    {('04', None, None): (...,)}
"""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Mapping
from functools import lru_cache

from itss_graph.cache import cached
from itss_graph.ontology import ITSS, OntologyFiles, ontology_file_names

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any, Iterator

FORMAT = 5
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


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
    from pathlib import Path

    from itss_graph.knowledge.names import build_name_index
    from itss_graph.ontology import load_dataset_and_units

    files = OntologyFiles(*(tuple(map(Path, group)) for group in (files or ontology_file_names())))
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
        "names": {key: marshal.dumps(hits) for key, hits in build_name_index(frozen).items()},
        "subclasses": _subclass_closure(ops),
        "graphs": graphs,
        "spo": {s: marshal.dumps(preds) for s, preds in frozen.items()},
        "ops": {o: marshal.dumps(preds) for o, preds in ops.items()},
        "units": units,
        "graph_files": graph_files,
    }


def _subclass_closure(ops: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """``{class: sorted [class, subclasses...]}`` for every class that has a subclass."""
    direct: dict[str, set[str]] = {}
    for sup, preds in ops.items():
        for sub in preds.get(SUBCLASS, ()):
            direct.setdefault(sup, set()).add(sub)
    closure: dict[str, list[str]] = {}
    for cls in sorted(direct):
        seen, todo = {cls}, [cls]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closure[cls] = sorted(seen)
    return closure


class LazyIndex(Mapping):
    """A read-only mapping whose values are stored marshalled and decoded on first access.

    >>> index = LazyIndex({"s": marshal.dumps({"p": ["o"]})})
    >>> index["s"], index.get("t"), "s" in index, len(index)
    ({'p': ['o']}, None, True, 1)
    """

    __slots__ = ("_raw", "_decoded")

    def __init__(self, raw: dict[str, bytes]):
        self._raw = raw
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self._decoded.get(key)
        if value is None:
            value = self._decoded[key] = marshal.loads(self._raw[key])
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._raw else default

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


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
    return {**data, **{key: LazyIndex(data[key]) for key in ("spo", "ops", "names")}}


def load_compiled(files: OntologyFiles | None = None) -> dict:
    """The compiled knowledge base, from the cache when no ontology file changed (``files``:
    :func:`~itss_graph.ontology.ontology_files` or their names; by default the names, as a cold
    query reads them without importing pathlib)."""
    return _load(file_names(files) if files else ontology_file_names())


def file_names(files: OntologyFiles) -> OntologyFiles:
    """``files`` as plain strings, so that paths and their names find the same compiled form.

    >>> from itss_graph.ontology import ontology_files
    >>> file_names(ontology_files()) == ontology_file_names()
    True
    """
    return OntologyFiles(*(tuple(map(os.fspath, group)) for group in files))
