"""render.formats.to_json writes exactly the text of json.dumps(indent=2, ensure_ascii=False)."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itss_graph.render.formats import to_json

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
documents = st.recursive(
    scalars,
    lambda inner: (st.lists(inner, max_size=6) | st.lists(st.text(), max_size=6)
                   | st.lists(inner, max_size=4).map(tuple) | st.dictionaries(keys, inner, max_size=5)),
    max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_to_json_is_the_standard_pretty_text(document):
    assert to_json(document) == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_unknown_objects_are_refused_as_the_standard_encoder_does():
    for bad in (object(), {1, 2}, {(1, 2): "tuple key"}):
        try:
            json.dumps(bad)
        except TypeError:
            pass
        else:
            raise AssertionError("the standard encoder accepted it")
        try:
            to_json(bad)
        except TypeError:
            continue
        raise AssertionError(f"to_json accepted {bad!r}")
