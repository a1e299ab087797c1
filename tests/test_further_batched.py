"""All further walks at once (engine/further_indexed.py) find what each walk alone finds.

``next_failures`` asks what each of a few hundred CIs still up would add to a closure; the
numpy path walks them together. Each set must equal the one-at-a-time walk of
``engine/indexed.further_losses`` — on random estates (every CI as the extra failure, with
redundancy groups by relation type and by property) and on the demo estate's largest closures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from itss_graph.engine import indexed
from itss_graph.engine.further_indexed import further_losses_each
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema
from itss_graph.stores.sqlite import SQLiteStore
from tests.test_engine_properties import SETTINGS, estates, loaded_store, two_relations_into_one_group


@pytest.fixture(autouse=True)
def _numpy_kernel():
    indexed._use_numpy_kernel()  # the one-at-a-time reference is the numpy walk


def _assert_each_as_alone(index, closure) -> int:
    extras = np.arange(index.size, dtype=np.int64)
    together = further_losses_each(index, closure, extras)
    assert len(together) == len(extras)
    for extra, found in zip(extras.tolist(), together):
        alone = indexed.further_losses(index, closure, extra)
        assert sorted(found.tolist()) == sorted(alone.tolist()), extra
        assert len(set(found.tolist())) == len(found)
    return sum(len(found) for found in together)


@SETTINGS
@given(estates(max_nodes=20))
def test_walks_together_find_what_each_walk_alone_finds(estate):
    nodes, edges, failed, _ = estate
    with loaded_store(nodes, edges) as store:
        index = store.closure_index(load_schema())
        _assert_each_as_alone(index, indexed.propagate(index, store.index_positions(index, failed)))
        # and from nothing failed yet: each CI's own closure, beyond itself
        _assert_each_as_alone(index, indexed.propagate(index, np.empty(0, dtype=np.int64)))


def test_walks_together_on_the_demo_estate():
    from itss_graph.synth import write_estate

    with tempfile.TemporaryDirectory() as tmp:
        write_estate(Path(tmp) / "estate", scale=1.0)
        store = SQLiteStore(Path(tmp) / "demo.db")
        try:
            load_inventory([Path(tmp) / "estate"], store)
            index = store.closure_index(load_schema())
            sizes = [(len(indexed.propagate(index, np.array([p])).lost), p) for p in range(index.size)]
            found = 0
            for _, p in sorted(sizes, reverse=True)[:3]:  # the largest closures, with many groups
                found += _assert_each_as_alone(index, indexed.propagate(index, np.array([p])))
            assert found > 1000  # the walks reached far
        finally:
            store.close()


def test_a_provider_with_two_relations_into_one_group_counts_once_in_each_walk():
    index = two_relations_into_one_group()
    nothing = indexed.propagate(index, np.empty(0, dtype=np.int64))
    assert [f.tolist() for f in further_losses_each(index, nothing, np.array([0, 1, 2]))] == [[], [], []]
    one = indexed.propagate(index, np.array([0]))
    assert [f.tolist() for f in further_losses_each(index, one, np.array([1, 0, 2]))] == [[2], [], []]
