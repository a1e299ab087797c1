"""Fixtures for knowledge-base tests: the dataset is loaded once per session."""

from __future__ import annotations

import pytest

from itss_graph.ontology import load_dataset, ontology_files


@pytest.fixture(scope="session")
def kb_files():
    return ontology_files()


@pytest.fixture(scope="session")
def kb_dataset(kb_files):
    """The whole ontology as an rdflib Dataset (named graph per source unit)."""
    return load_dataset(kb_files)


@pytest.fixture(scope="session")
def kb(kb_dataset):
    """The union of all graphs, for plain SPARQL and triple lookups."""
    import rdflib

    union = rdflib.Graph()
    for s, p, o, _g in kb_dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    for prefix, ns in kb_dataset.namespaces():
        union.bind(prefix, ns, replace=True)
    return union
