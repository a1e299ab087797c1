"""The parts of the views without a browser: aggregation, layered rows, Markdown escaping, the
page's escaping of user data, CI locations."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from itss_graph.render.aggregate import GROUP_PREFIX, aggregate, group_node
from itss_graph.render.graphview import GraphView, ViewEdge, ViewNode, render_html
from itss_graph.render.layout import banded_rows, dependency_order, fit_row_width, layered_positions
from itss_graph.render.markdown import md_escape
from tests.views.conftest import XSS

ids = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(ids, st.one_of(st.none(), st.sampled_from("XYZ")), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=60))
def test_aggregation_keeps_every_node_once_and_maps_every_edge(keys, pairs):
    nodes = [ViewNode(i, i) for i in keys]
    names = list(keys)
    edges = [ViewEdge(names[a % len(names)], names[b % len(names)], "R") for a, b in pairs]
    out_nodes, out_edges = aggregate(nodes, edges, lambda n: keys[n.id],
                                     lambda k, members: group_node(k, f"{k} × {len(members)}", members))
    seen = [m for n in out_nodes for m in (n.members or [n.id])]
    assert sorted(seen) == sorted(keys)
    owner = {m: n.id for n in out_nodes for m in (n.members or [n.id])}
    assert all(n.id.startswith(GROUP_PREFIX) == (n.members is not None) for n in out_nodes)
    expected = Counter((owner[e.source], owner[e.target]) for e in edges if owner[e.source] != owner[e.target])
    assert {(e.source, e.target): e.count for e in out_edges} == dict(expected)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(ids, st.tuples(st.integers(-3, 3), st.sampled_from("pqr")), min_size=1, max_size=40),
       st.integers(1, 8))
def test_bands_keep_the_order_of_levels_and_the_width_of_rows(placement, width):
    rows = banded_rows(placement, width)
    for a, (la, _) in placement.items():
        for b, (lb, _) in placement.items():
            if la < lb:
                assert rows[a] < rows[b]
    assert all(count <= width for count in Counter(rows.values()).values())


def test_rows_of_a_layer_follow_how_types_rest_on_each_other():
    order = dependency_order([("pdu", "power-feed"), ("power-feed", "power-panel"), ("power-panel", "ups")],
                             ["ups", "power-panel", "pdu", "power-feed"])
    assert order == ["pdu", "power-feed", "power-panel", "ups"]
    placement = {f"{t}{k}": (7, t) for t in order for k in range(3)}
    rows = banded_rows(placement, 4, order)  # 12 nodes do not fit a row of 4: one run per type
    assert [rows[f"{t}0"] for t in order] == [0, 1, 2, 3]


def test_computed_positions_put_each_node_on_its_row_without_overlap():
    levels = {f"n{k}": k % 5 for k in range(200)}
    links = [(f"n{k}", f"n{k + 1}") for k in range(199)]
    pos = layered_positions(levels, links, spacing=100, separation=80)
    assert all(pos[n][1] == levels[n] * 80 for n in levels)
    for level in range(5):
        xs = sorted(pos[n][0] for n in levels if levels[n] == level)
        assert all(b - a == 100 for a, b in zip(xs, xs[1:]))
    assert fit_row_width([5, 3], along=140, across=120) >= 5  # small levels never wrap


def _unescape(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\n\r\t")),
               max_size=40))
def test_markdown_escaping_is_inert_and_loses_nothing(text):
    out = md_escape(text)
    assert "<" not in out and ">" not in out and "\n" not in out and "\r" not in out
    assert not re.search(r"(?<!\\)[|`*_\[\]]", out)
    assert not re.match(r"\s*([#+\-=>]|\d{1,9}[.)](\s|$))", out)
    if "\n" not in text and "\r" not in text:
        assert _unescape(out) == text


def test_the_page_carries_user_data_as_json_only():
    node = ViewNode("a", XSS["app"], tooltip=XSS["svc"], details={"note": XSS["site"]})
    html = render_html(GraphView(XSS["rack"], [node], [], subtitle=XSS["srv"], notes=[XSS["svc"]]))
    body = html.split("<body>", 1)[1]
    # nothing of the user data appears as markup: not in the title, not in the inlined JSON
    for text in XSS.values():
        assert text not in body
    assert "<\\/script>" not in body and "\\u003c/script\\u003e\\u003cscript\\u003e" in body
    assert "<title>&lt;b onmouseover=alert(4)&gt;R1&lt;/b&gt;</title>" in html


def test_locations_come_from_located_in_then_properties(xss_store):
    from itss_graph.engine.locations import locations_of
    from itss_graph.schema import load_schema

    where = locations_of(xss_store, ["srv", "app", "rack"], load_schema())
    assert where["srv"] == {"rack": XSS["rack"], "site": XSS["site"]}
    assert where["rack"] == {"rack": XSS["rack"], "site": XSS["site"]}
    assert where["app"] == {}
