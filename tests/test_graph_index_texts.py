"""The closure index decodes ids and names by three paths (each one, a gathered part, the
whole blob): every path gives back exactly the texts it was built from."""

import random

import pytest

from itss_graph.stores.graph_index import GraphIndex

ALPHABET = ["a", "Z", "-", ":", "漢", "字", "é", " ", "\n", "\r", "😀"]


def _index(names: list[str]) -> GraphIndex:
    n = len(names)
    return GraphIndex.build(generation="t", keys=list(range(n)), ids=[f"ci:{k}" for k in range(n)],
                            names=names, types=["server"] * n, min_up=[1] * n, edges=[],
                            toward_source={}, toward_target={})


@pytest.mark.parametrize("seed", range(6))
def test_texts_of_any_selection_are_the_texts_built_from(seed):
    rng = random.Random(seed)
    newline = seed % 2 == 0  # with and without a newline in some name
    letters = ALPHABET if newline else [c for c in ALPHABET if c != "\n"]
    names = ["".join(rng.choice(letters) for _ in range(rng.randrange(0, 6))) for _ in range(600)]
    index = _index(names)
    for size in (0, 1, 5, 63, 64, 65, 150, 199, 200, 201, 400, 600):
        chosen = sorted(rng.sample(range(len(names)), size))
        assert index.names_of(chosen) == [names[p] for p in chosen]
        assert index.ids_of(chosen) == [f"ci:{p}" for p in chosen]
    repeated = [5, 5, 0, 599] * 30  # unsorted, with repeats
    assert index.names_of(repeated) == [names[p] for p in repeated]
