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
  of every ``itss standards`` (then ~6 ms to unpickle, and tens of microseconds per subject read).
  The entries are packed (:meth:`LazyIndex.pack`: the keys as one text, the entries as one
  bytes): unpickling a bytes object per entry cost another ~2 ms;
* ``units``: ``{unit IRI: {"label": {lang: text}, "section", "kind", "start", "end", "files"}}``;
* ``graph_files``: ``{graph IRI: [file name, ...]}``;
* ``names``: ``{normalised name: [(strength, subject), ...]}`` (:mod:`itss_graph.knowledge.names`),
  stored marshalled whole and read as a :class:`PackedIndex`, decoded when a name is first looked
  up: an answer about a CI type looks up none, and unpickling its 6,000 keys cost ~3 ms;
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

FORMAT = 6  # 6: ``names`` marshalled whole, ``spo`` and ``ops`` packed
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
        "names": marshal.dumps(build_name_index(frozen)),
        "subclasses": _subclass_closure(ops),
        "graphs": graphs,
        "spo": LazyIndex.pack(frozen),
        "ops": LazyIndex.pack(ops),
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
    """A read-only mapping whose values are stored marshalled and decoded on first access;
    stored as :meth:`pack` made it: the keys in one text, the values one after the other in one
    bytes, with the offset each ends at.

    >>> index = LazyIndex(LazyIndex.pack({"s": {"p": ["o"]}, "t": {}}))
    >>> index["s"], index.get("t"), index.get("u"), "s" in index, list(index), len(index)
    ({'p': ['o']}, {}, None, True, ['s', 't'], 2)
    """

    __slots__ = ("_keys", "_at", "_ends", "_blob", "_decoded")

    @staticmethod
    def pack(mapping: dict[str, Any]) -> tuple[str, tuple[int, ...], bytes]:
        """``(keys joined by newlines, end offsets, marshalled values)`` of ``mapping``."""
        if any("\n" in key for key in mapping):
            raise ValueError("a key of a packed index holds a newline")
        values = [marshal.dumps(value) for value in mapping.values()]
        ends, end = [], 0
        for value in values:
            end += len(value)
            ends.append(end)
        return "\n".join(mapping), tuple(ends), b"".join(values)

    def __init__(self, packed: tuple[str, tuple[int, ...], bytes]):
        keys, self._ends, blob = packed
        self._keys = keys.split("\n") if keys else []
        self._at = dict(zip(self._keys, range(len(self._keys))))
        self._blob = memoryview(blob)  # slices without copying
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._decoded.get(key)
        if value is None:
            i = self._at.get(key)
            if i is None:
                return default
            value = self._decoded[key] = marshal.loads(self._blob[self._ends[i - 1] if i else 0:self._ends[i]])
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


_MISSING = object()


class PackedIndex(Mapping):
    """A read-only mapping stored marshalled whole, decoded when it is first read.

    >>> index = PackedIndex(marshal.dumps({"k": [(1, "s")]}))
    >>> index.get("k"), "x" in index, len(index)
    ([(1, 's')], False, 1)
    """

    __slots__ = ("_raw", "_decoded")

    def __init__(self, raw: bytes):
        self._raw = raw
        self._decoded: dict | None = None

    def _index(self) -> dict:
        if self._decoded is None:
            self._decoded = marshal.loads(self._raw)
        return self._decoded

    def __getitem__(self, key: str) -> Any:
        return self._index()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._index().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())


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
    return {**data, **{key: LazyIndex(data[key]) for key in ("spo", "ops")}, "names": PackedIndex(data["names"])}


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
