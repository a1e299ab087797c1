"""Chains of a blast radius are built when read: a page of services builds the chains of the
page, and every chain equals the one built whole (the answer's chain to the CI that lost
redundancy, then the downstream walk's chain from it)."""

from __future__ import annotations

import pickle

import pytest

from itss_graph.engine.blast import blast_radius
from itss_graph.engine.chains import LazyChain
from itss_graph.engine.reach_paths import downstream_paths
from itss_graph.loading.example import example_store
from itss_graph.render.documents import blast_document


def _store(indexed: bool):
    store = example_store()
    if indexed:
        store.index_after_edges = 0  # every walk spends its budget at once: the index answers
    return store


@pytest.mark.parametrize("indexed", [False, True])
def test_a_page_builds_the_chains_of_its_services_only(indexed):
    radius = blast_radius(_store(indexed), ["pdu:a"])
    chains = [s.chain for s in radius.services]
    assert len(chains) == 2 and all(isinstance(c, LazyChain) and not c.built for c in chains)
    document = blast_document(radius, None, services_limit=1)
    assert [s["id"] for s in document["services"]] == ["service:shop"]
    assert [c.built for c in chains] == [True, False]
    assert radius.summary()["at_risk"] == 2 and not chains[1].built  # counting builds nothing


@pytest.mark.parametrize("indexed", [False, True])
def test_each_chain_is_the_answers_chain_then_the_walk_below(indexed):
    store = _store(indexed)
    radius = blast_radius(store, ["pdu:a"])
    below = {s.id: s for s in radius.services if s.lost_redundancy_at not in (None, s.id)}
    assert below, "the example puts services at risk below a CI that lost redundancy"
    for s in reversed(radius.services):  # read one at a time, last first
        start = s.lost_redundancy_at
        if s.id in below:
            path = downstream_paths(store, [start], only_types={"business-service"})[s.id]
            expected = radius.impact.chain(start) + path[1:]
        else:
            expected = radius.impact.chain(s.id)
        assert list(s.chain) == expected and s.depth == len(expected) - 1


def test_a_lazy_chain_reads_as_its_tuple():
    radius = blast_radius(example_store(), ["pdu:a"])
    chain = radius.services[0].chain
    steps = tuple(chain)
    assert chain == steps and steps == chain
    assert chain[1:] == steps[1:] and isinstance(chain[1:], tuple)
    assert repr(chain) == repr(steps) and chain + () == steps
    copied = pickle.loads(pickle.dumps(radius.services[0]))
    assert copied == radius.services[0] and type(copied.chain) is tuple
