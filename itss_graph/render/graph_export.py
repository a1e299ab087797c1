"""CMDB graphs as GraphML or GEXF files, for Gephi, yEd, Cytoscape (networkx's writers).

Nodes carry ``type``, ``name`` and the CI's properties; edges carry the relation ``type`` and
its properties. GraphML and GEXF take strings, numbers and booleans: other property values
(lists, objects) are written as their JSON text.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.model import CI, Relation
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> write_graph({"a": CI("a", "vm", "web", {"tier": 1}), "h": CI("h", "server", "host")},
    ...             [Relation("a", "RUNS_ON", "h")], path, "graphml")
    (2, 1)
    >>> "RUNS_ON" in path.read_text(encoding="utf-8")
    True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from itss_graph.model import CI, Relation

GRAPH_FORMATS = ("graphml", "gexf")


def write_graph(cis: Mapping[str, CI] | Iterable[CI], relations: Iterable[Relation], path: Path,
                fmt: str) -> tuple[int, int]:
    """Write the CIs and the relations among them to ``path``; return (nodes, edges) written."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for ci in (cis.values() if isinstance(cis, Mapping) else cis):
        graph.add_node(ci.id, **_attributes(ci.props), type=ci.type, name=ci.name, label=ci.name or ci.id)
    for rel in relations:
        if rel.source in graph and rel.target in graph:
            graph.add_edge(rel.source, rel.target, key=rel.type, **_attributes(rel.props), type=rel.type)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(graph, path, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(graph, path, encoding="utf-8")
    else:
        raise ValueError(f"graph format must be one of {GRAPH_FORMATS}, not {fmt!r}")
    return graph.number_of_nodes(), graph.number_of_edges()


def _attributes(props: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in props.items():
        if key in ("type", "name", "label", "id", "key"):
            key = f"prop_{key}"  # never shadow the attributes every node and edge has
        out[key] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value, ensure_ascii=False)
    return out
