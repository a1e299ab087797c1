"""`itss export` as GraphML/GEXF: the CMDB, or the CIs around some, readable by graph tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ITSS = str(Path(sys.executable).with_name("itss"))


@pytest.fixture(scope="module")
def netbox_store(tmp_path_factory, netbox_dir) -> Path:
    db = tmp_path_factory.mktemp("export") / "nb.db"
    done = subprocess.run([ITSS, "load", str(netbox_dir), "--store", str(db)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return db


def export(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, "export", *args, "--store", str(store)], capture_output=True, text=True,
                          timeout=300)


def test_the_whole_store_as_graphml_keeps_every_ci_and_relation(netbox_store, tmp_path):
    done = export(netbox_store, str(tmp_path / "all.graphml"))
    assert done.returncode == 0, done.stderr
    graph = nx.read_graphml(tmp_path / "all.graphml")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (440, 451)
    assert graph.nodes["vm:441"]["type"] == "vm" and graph.nodes["vm:441"]["name"] == "vm81"
    assert {d["type"] for _, _, d in graph.edges(data=True)} >= {"RUNS_ON", "LOCATED_IN", "POWERED_BY"}


def test_a_neighbourhood_as_gexf(netbox_store, tmp_path):
    done = export(netbox_store, str(tmp_path / "site.gexf"), "--around", "site:21", "--depth", "1")
    assert done.returncode == 0, done.stderr
    graph = nx.read_gexf(tmp_path / "site.gexf")
    assert "site:21" in graph
    # depth 1: the site and what is directly related to it, nothing two steps away
    assert all(graph.has_edge(n, "site:21") or graph.has_edge("site:21", n) for n in graph if n != "site:21")


def test_around_needs_a_graph_format_and_a_known_ci(netbox_store, tmp_path):
    assert export(netbox_store, str(tmp_path / "x"), "--around", "site:21").returncode == 2
    unknown = export(netbox_store, str(tmp_path / "x.graphml"), "--around", "site:nope")
    assert unknown.returncode == 2 and "site:nope" in unknown.stderr
