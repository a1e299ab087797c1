"""SHACL validation of the knowledge base and of a user's own ontology files (``itss kb validate``).

The data graph is the whole ontology — vocabulary and knowledge base, built-in and from user
ontology directories (``ITSS_ONTOLOGY_PATH``) — plus any Turtle files named; the shapes are
``ontology/shapes/*.ttl`` plus any shapes files named. Reported per violation: the node, the
property path, the message and the severity, so a user who adds a standard or a CI class sees
exactly what the knowledge base expects of it.

Example:
    >>> report = validate_knowledge_base()
    >>> report.conforms, report.violations
    (True, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from itss_graph.ontology import ontology_files, parse_file

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    focus: str  # the node that fails a shape
    path: str  # the property concerned ("" for a node-level constraint)
    message: str
    severity: str  # Violation, Warning, Info

    def as_dict(self) -> dict:
        return {"focus": self.focus, "path": self.path, "message": self.message,
                "severity": self.severity}


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    data_files: list[str] = field(default_factory=list)
    shape_files: list[str] = field(default_factory=list)
    triples: int = 0

    def as_dict(self) -> dict:
        return {"conforms": self.conforms, "triples": self.triples,
                "data_files": self.data_files, "shape_files": self.shape_files,
                "violations": [v.as_dict() for v in self.violations],
                "summary": {"total": len(self.violations)}}


def validate_knowledge_base(extra_files: Sequence[Path] = (),
                            extra_shapes: Sequence[Path] = ()) -> ValidationReport:
    """Validate the ontology plus ``extra_files`` against the shapes plus ``extra_shapes``.
    A file that is not valid Turtle raises :class:`itss_graph.ontology.KnowledgeFileError`
    naming it."""
    import pyshacl
    import rdflib

    files = ontology_files()
    data_paths = [*files.all_data, *map(Path, extra_files)]
    shape_paths = [*files.shapes, *map(Path, extra_shapes)]
    data, shapes = rdflib.Graph(), rdflib.Graph()
    for target, paths in ((data, data_paths), (shapes, shape_paths)):
        for path in paths:
            graph = parse_file(path)
            target += graph
            for prefix, namespace in graph.namespaces():  # so reports read as the files do
                target.bind(prefix, namespace, override=False)
    conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                advanced=True, allow_warnings=True)
    violations = []
    for result in results.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")):
        value = lambda p: results.value(result, rdflib.URIRef(SH + p))  # noqa: E731
        violations.append(Violation(
            _short(data, value("focusNode")), _short(data, value("resultPath")),
            str(value("resultMessage") or ""), _short(data, value("resultSeverity")).removeprefix("sh:")))
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    return ValidationReport(bool(conforms), violations, [str(p) for p in data_paths],
                            [str(p) for p in shape_paths], len(data))


def _short(graph, node) -> str:
    """A node as people write it in Turtle (``kb:std-运维-1``), a path as its property."""
    if node is None:
        return ""
    try:
        return graph.namespace_manager.normalizeUri(node)
    except Exception:  # blank nodes and odd IRIs: as they are
        return str(node)
