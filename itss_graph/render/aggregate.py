"""Aggregation: above a size, draw groups of CIs instead of a hairball.

A view too large to read (thousands of nodes) is redrawn with one node per group — CIs of one
type, in one rack, at one site, or leading to one business service — and one edge per pair of
connected groups, labelled with the relations it stands for. Nodes the key leaves out (the
failed CIs, the target, services) stay as they are. Group nodes carry the ids of their members,
so the page can list them and its search finds a CI inside its group.

Example:
    >>> from itss_graph.render.graphview import ViewNode, ViewEdge
    >>> nodes = [ViewNode("s", "S"), ViewNode("a", "A", details={"type": "vm"}),
    ...          ViewNode("b", "B", details={"type": "vm"})]
    >>> edges = [ViewEdge("s", "a", "RUNS_ON"), ViewEdge("s", "b", "RUNS_ON")]
    >>> key = lambda n: None if n.id == "s" else n.details["type"]
    >>> grouped, links = aggregate(nodes, edges, key, lambda k, m: group_node(k, f"{k} × {len(m)}", m))
    >>> [(n.label, n.members) for n in grouped]
    [('S', None), ('vm × 2', ['a', 'b'])]
    >>> [(e.source == "s", e.label, e.count) for e in links]
    [(True, 'RUNS_ON ×2', 2)]
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Hashable, Iterable

from itss_graph.render.graphview import ViewEdge, ViewNode

#: Group node ids start with a control character, which no CI id may contain (the loader
#: rejects them), so a group can never collide with a CI.
GROUP_PREFIX = "\x1fgroup\x1f"

#: Ways to group CIs; each view accepts those that make sense for it.
GROUP_BY = ("type", "rack", "site", "service")

NO_PLACE = {"rack": "no rack", "site": "no site", "service": "no service"}


def group_id(key: Hashable) -> str:
    """The node id of a group (never a CI id).

    >>> group_id(("vm", "down")).startswith(GROUP_PREFIX)
    True
    """
    text = key if isinstance(key, str) else "\x1f".join(map(str, key))  # type: ignore[arg-type]
    return GROUP_PREFIX + text


def group_node(key: Hashable, label: str, members: list[ViewNode], *, color: str = "#c7c7c7",
               level: int | None = None, details: dict | None = None, tooltip: str = "") -> ViewNode:
    """A box standing for ``members``: searchable by their ids and names, with their ids listed."""
    ids = [m.id for m in members]
    sample = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
    return ViewNode(group_id(key), label, color=color, shape="box", size=20, level=level,
                    tooltip=tooltip or f"{label}\n{sample}",
                    details={"group": label, "count": len(ids), **(details or {})},
                    search=" ".join([label, *(m.search or m.label for m in members)]),
                    members=ids, kind="group")


def merge_edges(bucket: list[ViewEdge]) -> ViewEdge:
    """One edge for several relations between the same two groups: the most frequent relation
    names its label, with the count; dashed only when all are."""
    first = bucket[0]
    relations = Counter(e.label for e in bucket)
    main, _ = relations.most_common(1)[0]
    label = main + (f" ×{len(bucket)}" if len(bucket) > 1 else "")
    if len(relations) > 1:
        label += " …"
    return ViewEdge(first.source, first.target, label=label, color=first.color,
                    dashes=all(e.dashes for e in bucket),
                    tooltip="\n".join(f"{rel}: {n}" for rel, n in relations.most_common()),
                    details={"relations": dict(relations.most_common()), "count": len(bucket)},
                    width=1.0 + min(len(bucket), 50) ** 0.5 / 2, count=len(bucket))


def aggregate(nodes: Iterable[ViewNode], edges: Iterable[ViewEdge],
              key: Callable[[ViewNode], Hashable | None],
              make_group: Callable[[Hashable, list[ViewNode]], ViewNode],
              merge: Callable[[list[ViewEdge]], ViewEdge] = merge_edges) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Replace the nodes ``key`` maps to a group key by one node per group (``make_group``),
    and the edges by one per pair of distinct endpoints (``merge``). Nodes whose key is None
    are kept. Edges inside one group disappear; the order of first appearance is kept."""
    kept: list[ViewNode] = []
    groups: dict[Hashable, list[ViewNode]] = {}
    owner: dict[str, str] = {}
    order: list[Hashable | ViewNode] = []
    for node in nodes:
        k = key(node)
        if k is None:
            kept.append(node)
            order.append(node)
            continue
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(node)
        owner[node.id] = group_id(k)
    out_nodes: list[ViewNode] = []
    for item in order:
        if isinstance(item, ViewNode):
            out_nodes.append(item)
        else:
            group = make_group(item, groups[item])
            group.id = group_id(item)
            out_nodes.append(group)
    buckets: dict[tuple[str, str], list[ViewEdge]] = {}
    for edge in edges:
        a, b = owner.get(edge.source, edge.source), owner.get(edge.target, edge.target)
        if a == b:
            continue
        if a == edge.source and b == edge.target:
            buckets.setdefault((a, b), []).append(edge)
        else:
            buckets.setdefault((a, b), []).append(
                ViewEdge(a, b, edge.label, edge.color, edge.dashes, edge.tooltip, edge.details))
    out_edges = []
    for (a, b), bucket in buckets.items():
        grouped = a.startswith(GROUP_PREFIX) or b.startswith(GROUP_PREFIX)
        out_edges.append(merge(bucket) if grouped or len(bucket) > 1 else bucket[0])
    return out_nodes, out_edges


def location_key(by: str, node_type: str, place: str | None) -> str:
    """The group label of a CI grouped by ``by`` (rack, site or service) when it is at
    ``place`` — or, when it has none, ``"no rack · server"`` (grouped by type within).

    >>> location_key("rack", "server", "R1"), location_key("rack", "vm", None)
    ('R1', 'no rack · vm')
    """
    if by == "type":
        return node_type
    return place if place else f"{NO_PLACE.get(by, 'no ' + by)} · {node_type}"


def fallback_note(asked: str, max_nodes: int, lang: str = "en") -> str:
    """The note of a view that was asked to group by ``asked`` but had to group by type, since
    the groups themselves would have been too many.

    >>> fallback_note("site", 100)
    'Grouped by site, the view would still draw more than 100 nodes, so it groups by type.'
    """
    from itss_graph.i18n import N_, translation

    _ = translation(lang).gettext
    names = {"rack": N_("rack"), "site": N_("site"), "service": N_("business service")}
    return _("Grouped by {asked}, the view would still draw more than {max_nodes} nodes, so it groups by type.").format(
        asked=_(names[asked]) if asked in names else asked, max_nodes=max_nodes)
