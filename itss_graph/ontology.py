"""Read the ontology's Turtle files into one RDF dataset, keeping provenance.

Layout (docs/kb-conventions.md):

* ``ontology/cmdb.ttl``, ``ontology/itss.ttl``, ``ontology/tbox/*.ttl`` — vocabulary (TBox);
* ``ontology/kb/*.ttl`` — the knowledge base (ABox), one file per *source unit* of the white
  paper (a section, table or figure). Each file declares exactly one ``itss:SourceUnit``.

Every knowledge-base file is read into the named graph of its source unit, and every subject it
describes gets ``dcterms:source <unit>``: so each fact can be traced to the part of the white
paper it comes from, in SPARQL (``GRAPH ?unit``) and in a plain Turtle export alike.

Example:
    >>> ds = load_dataset()
    >>> len(list(ds.graphs())) > 100       # the TBox files and one graph per source unit
    True
"""

from __future__ import annotations

import os
from collections import namedtuple

from itss_graph.errors import ItssError
from itss_graph.resources import resource_dir_names

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:  # rdflib is imported lazily: it costs ~0.1 s at start-up
    from pathlib import Path

    import rdflib

ITSS = "https://w3id.org/itss-graph/ontology#"
KB = "https://w3id.org/itss-graph/kb/"
SRC = "https://w3id.org/itss-graph/source/"
CMDB = "https://w3id.org/itss-graph/cmdb#"
TBOX_GRAPH_PREFIX = SRC + "file/"


class KnowledgeFileError(ItssError, ValueError):
    """A Turtle file of the ontology is malformed or breaks the provenance convention (the CLI
    reports it as one line, exit status 2)."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


class OntologyFiles(namedtuple("OntologyFiles", [
        "tbox",  # tuple[Path, ...]
        "kb",  # tuple[Path, ...]
        "shapes",  # tuple[Path, ...]
    ])):
    """The Turtle files of the ontology, split by role."""

    __slots__ = ()

    @property
    def all_data(self) -> tuple[Path, ...]:
        """TBox and knowledge-base files (not the SHACL shapes)."""
        return self.tbox + self.kb


def ontology_files() -> OntologyFiles:
    """Find the ontology's files in the built-in and user ontology directories.

    >>> files = ontology_files()
    >>> any(p.name == "cmdb.ttl" for p in files.tbox)
    True
    """
    from pathlib import Path

    names = ontology_file_names()
    return OntologyFiles(*(tuple(map(Path, group)) for group in names))


def ontology_file_names() -> OntologyFiles:
    """:func:`ontology_files` as plain strings (what the compiled caches are keyed by: a cold
    query reads them without importing pathlib), in the same order.

    >>> [str(p) for p in ontology_files().kb] == list(ontology_file_names().kb)
    True
    """
    tbox: list[str] = []
    kb: list[str] = []
    shapes: list[str] = []
    for base in resource_dir_names("ontology"):
        tbox.extend(_turtle_files(base))
        tbox.extend(_turtle_files(os.path.join(base, "tbox")))
        kb.extend(_turtle_files(os.path.join(base, "kb")))
        shapes.extend(_turtle_files(os.path.join(base, "shapes")))
    return OntologyFiles(tuple(tbox), tuple(kb), tuple(shapes))


def _turtle_files(directory: str) -> list[str]:
    """The ``*.ttl`` entries of a directory, sorted by name (as ``sorted(Path.glob("*.ttl"))``)."""
    try:
        names = os.listdir(directory)
    except OSError:  # missing, or not a directory
        return []
    prefix = os.path.join(directory, "")  # joined once: os.path.join per file costs ~0.3 ms a listing
    return [prefix + name for name in sorted(names) if name.endswith(".ttl")]


def source_unit_of(graph: "rdflib.Graph", path: Path) -> "rdflib.URIRef":
    """The one ``itss:SourceUnit`` a knowledge-base file declares."""
    from rdflib import RDF, URIRef

    units = list(graph.subjects(RDF.type, URIRef(ITSS + "SourceUnit")))
    if len(units) != 1:
        raise KnowledgeFileError(
            path, f"declares {len(units)} itss:SourceUnit resources; each kb file declares exactly one"
        )
    return units[0]  # type: ignore[return-value]


def parse_file(path: Path) -> "rdflib.Graph":
    """Parse one Turtle file, naming the file in any syntax error."""
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise KnowledgeFileError(path, f"not valid Turtle: {exc}") from exc
    return graph


def load_dataset(files: OntologyFiles | None = None) -> "rdflib.Dataset":
    """Load the vocabulary and the knowledge base into one dataset with provenance.

    TBox files go into a graph named after the file; each knowledge-base file into the graph
    of its source unit, with ``dcterms:source <unit>`` added to each subject it describes.
    """
    return load_dataset_and_units(files)[0]


def load_dataset_and_units(
    files: OntologyFiles | None = None,
) -> tuple["rdflib.Dataset", dict[Path, str]]:
    """:func:`load_dataset`, and the graph each file went into (TBox: ``src:file/<name>``;
    knowledge base: its source unit), so callers need not parse the files twice."""
    import rdflib
    from rdflib import DCTERMS, BNode

    files = files or ontology_files()
    dataset = rdflib.Dataset()
    graph_of: dict[Path, str] = {}
    for path in files.tbox:
        name = rdflib.URIRef(TBOX_GRAPH_PREFIX + path.name)
        target = dataset.graph(name)
        for triple in parse_file(path):
            target.add(triple)
        graph_of[path] = str(name)
    for path in files.kb:
        graph = parse_file(path)
        unit = source_unit_of(graph, path)
        target = dataset.graph(unit)
        for triple in graph:
            target.add(triple)
        for subject in set(graph.subjects()):
            if subject != unit and not isinstance(subject, BNode):
                target.add((subject, DCTERMS.source, unit))
        graph_of[path] = str(unit)
    return dataset, graph_of
