"""Every query verb answers exactly as recorded in tests/golden/answers (see tests/golden/cases.py)."""

from __future__ import annotations

import pytest

from tests.golden.cases import ANSWERS, CASES, build_stores, run_case


@pytest.fixture(scope="module")
def golden_stores(tmp_path_factory):
    return build_stores(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name,store,args", CASES, ids=[c[0] for c in CASES])
def test_answer_is_unchanged(golden_stores, name, store, args):
    expected = (ANSWERS / f"{name}.json").read_text(encoding="utf-8")
    assert run_case(args, golden_stores.get(store)) == expected
