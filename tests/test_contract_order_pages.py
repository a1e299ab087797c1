"""A page of an indexed impact answer's rows, ordered without ordering the rest
(engine/indexed_impact.ContractOrderColumns): the same rows, in the same order, as the fully
sorted answer, for any page, on random estates and on the demo estate's largest closures; with
the numpy kernel (the CLI's) and with the compiled one, whose pages are ordered by compiled passes
(the server's)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itss_graph.engine import indexed
from itss_graph.engine.indexed import propagate
from itss_graph.engine.indexed_impact import ContractOrderColumns
from itss_graph.schema import load_schema
from tests.test_engine_properties import SETTINGS, estates, loaded_store


def _columns(store, failed) -> ContractOrderColumns:
    schema = load_schema()
    index = store.closure_index(schema)
    return ContractOrderColumns(index, propagate(index, store.index_positions(index, failed)), schema)


@pytest.fixture(autouse=True, scope="module")
def _numpy_kernel_after():
    yield
    indexed._use_numpy_kernel()


def _use(kernel: str) -> None:
    if kernel == "compiled":
        indexed.use_compiled_kernel()
    else:
        indexed._use_numpy_kernel()


def _assert_pages_as_sorted(store, failed, pages) -> None:
    _use("numpy")
    sorted_rows = _columns(store, failed)
    sorted_rows.ids  # noqa: B018 - any column sorts every row
    assert "_positions" in sorted_rows.__dict__
    for kernel in ("numpy", "compiled"):
        _use(kernel)
        whole = _columns(store, failed)
        every_row = whole.rows_in(0, len(whole) + 1) if len(whole) <= ContractOrderColumns.PAGE else None
        for start, stop in pages:
            page = _columns(store, failed)
            assert page.rows_in(start, stop) == sorted_rows.rows_in(start, stop), (kernel, start, stop)
            if stop - start <= ContractOrderColumns.PAGE:
                assert "_positions" not in page.__dict__  # the page alone was ordered
        if every_row is not None:
            assert every_row == sorted_rows.rows_in(0, len(sorted_rows)), kernel
        whole.ids  # noqa: B018 - and the whole order, from the same buckets
        assert whole.rows_in(0, len(whole)) == sorted_rows.rows_in(0, len(sorted_rows)), kernel


@SETTINGS
@given(estates(max_nodes=30), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), min_size=1, max_size=4))
def test_any_page_of_a_random_answer_is_the_sorted_answers(estate, pages):
    nodes, edges, failed, _ = estate
    with loaded_store(nodes, edges) as store:
        _assert_pages_as_sorted(store, failed, [(start, start + size) for start, size in pages])


@pytest.mark.parametrize("failed", [["switch:dc1-core-1", "switch:dc1-core-2"], ["provider:ct"], ["site:dc1"],
                                    ["storage-array:dc1-san1", "switch:dc1-core-1"]])
def test_pages_of_the_demo_estates_large_closures_are_the_sorted_answers(demo_store, failed):
    total = len(_columns(demo_store, failed))
    assert total > 1500  # many pages, buckets of many rows
    _assert_pages_as_sorted(demo_store, failed, [(0, 100), (0, 1), (7, 19), (100, 200), (total // 2, total // 2 + 100),
                                                    (total - 50, total + 50), (total, total + 10), (0, total)])
