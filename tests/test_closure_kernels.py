"""The compiled closure kernel (numba, engine/indexed_jit.py) gives the numpy kernel's arrays.

Every array of the :class:`~itss_graph.engine.indexed.Closure` — state, depth, group_lost, the
order of ``lost`` and ``degraded``, and via, origin and cause wherever the closure reaches — and
every ``further_losses`` answer, on the random estates of test_engine_properties.py and on the
demo estate; and the answers the server builds on them are the same JSON.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from itss_graph.engine import indexed
from itss_graph.schema import load_schema
from itss_graph.stores.sqlite import SQLiteStore
from tests.test_engine_properties import SETTINGS, estates, loaded_store, two_relations_into_one_group


@pytest.fixture(autouse=True, scope="module")
def _compiled():
    indexed.use_compiled_kernel()
    yield
    indexed._use_numpy_kernel()


def _closure(kernel: str, index, failed, depth=None):
    if kernel == "numpy":
        indexed._use_numpy_kernel()
    else:
        indexed.use_compiled_kernel()
    return indexed.propagate(index, failed, max_depth=depth)


def _assert_same(a: indexed.Closure, b: indexed.Closure) -> None:
    for name in ("state", "depth", "lost", "degraded", "group_lost", "depths"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    reached = a.state != indexed.OK  # via, origin, cause: written where the closure reaches
    for name in ("via", "origin", "cause"):
        assert np.array_equal(getattr(a, name)[reached], getattr(b, name)[reached]), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name


def _further(kernel: str, index, closure, extra):
    if kernel == "numpy":
        indexed._use_numpy_kernel()
    else:
        indexed.use_compiled_kernel()
    return indexed.further_losses(index, closure, extra)


def _compare_on(index, failed, depth, further=True) -> int:
    a = _closure("numpy", index, failed, depth)
    b = _closure("numba", index, failed, depth)
    _assert_same(a, b)
    if depth is None and further:
        for extra in range(index.size):
            assert np.array_equal(_further("numpy", index, a, extra), _further("numba", index, a, extra))
    return len(a.lost) + len(a.degraded)


@SETTINGS
@given(estates(max_nodes=20))
def test_the_compiled_kernel_gives_the_numpy_kernels_arrays(estate):
    nodes, edges, failed, depth = estate
    with loaded_store(nodes, edges) as store:
        index = store.closure_index(load_schema())
        _compare_on(index, store.index_positions(index, failed), depth)


def test_the_compiled_kernel_gives_the_numpy_kernels_arrays_on_the_demo_estate(demo_store):
    index = demo_store.closure_index(load_schema())
    reached = []
    # every CI failing alone (every third with a depth limit), then pairs of those reaching most
    for position in range(index.size):
        depth = 2 if position % 3 == 0 else None
        reached.append((_compare_on(index, np.array([position]), depth, further=False), position))
    top = [p for _, p in sorted(reached, reverse=True)[:5]]
    for i, p in enumerate(top):
        for q in top[i + 1:]:
            _compare_on(index, np.array([p, q]), None)
    assert max(reached)[0] > 1000  # the comparison covered large closures


def test_answers_are_the_same_json_with_either_kernel(demo_store):
    from itss_graph.serve import verbs

    index = demo_store.closure_index(load_schema())
    biggest = max(range(index.size), key=lambda p: len(indexed.propagate(index, np.array([p])).lost))
    failed = [index.id_of(biggest), index.id_of(int(np.argmax(index.flow_ptr[1:] - index.flow_ptr[:-1])))]
    texts = []
    for kernel in ("numpy", "numba"):
        _closure(kernel, index, np.array([biggest]))  # selects the kernel
        texts.append((verbs.blast_radius(demo_store, failed).json_text(),
                      verbs.impact(demo_store, failed).json_text()))
    assert texts[0] == texts[1]
    assert '"impacted_cis": 0,' not in texts[0][0]


def test_a_provider_with_two_relations_into_one_redundancy_group_counts_once():
    index = two_relations_into_one_group()
    for kernel in ("numpy", "numba"):
        one = _closure(kernel, index, np.array([0]))
        assert one.state.tolist() == [indexed.FAILED, indexed.OK, indexed.DEGRADED_STATE], kernel
        both = _closure(kernel, index, np.array([0, 1]))
        assert both.state.tolist() == [indexed.FAILED, indexed.FAILED, indexed.LOST], kernel
        assert _further(kernel, index, one, 1).tolist() == [2], kernel
