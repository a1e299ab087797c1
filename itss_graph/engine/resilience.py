"""Single points of failure and root causes, taking redundancy into account.

For each CI ``v`` of an upstream subgraph we compute ``D(v)``: the set of CIs whose failure
*alone* makes ``v`` lost (``v`` itself included). With only hard dependencies ``D(v)`` is
everything upstream; with redundancy it is the generalised dominator set of the failure-flow
graph::

    D(v) = {v} ∪ ⋃ D(p) over hard providers p
               ∪ ⋃ over redundancy groups G of v:  {c : c ∈ D(p) for at least t members p of G}
    where t = max(1, |G| - min_up(G) + 1)   (losing t members leaves fewer than min_up)

Sets are Python sets of subgraph positions; "at least t of the members' sets" is computed by
counting, in time proportional to the sets' total size (a 128k-member group with a 90%
threshold costs one pass, not 128k × 12.8k set operations). Strongly connected parts (mutual
dependencies) are iterated to their least fixpoint, which is what the impact engine computes
for a single failure.

Example:
    >>> from itss_graph.engine.upstream import Subgraph, ProviderEdge
    >>> g = Subgraph(); s = g.add_node("svc", "business-service", "svc", 0)
    >>> a = g.add_node("a", "server", "a", 1); b = g.add_node("b", "server", "b", 1)
    >>> g.group_owner, g.group_members, g.group_min_up = [s], [{a, b}], [1]
    >>> g.providers[s] = [ProviderEdge(a, "SUPPORTS", 0), ProviderEdge(b, "SUPPORTS", 0)]
    >>> members(loss_sets(g)[s])   # a or b alone cannot take the service down
    [0]
    >>> g.group_min_up = [2]          # needing both: either alone takes it down
    >>> members(loss_sets(g)[s])
    [0, 1, 2]
"""

from __future__ import annotations

from itss_graph.engine.upstream import Subgraph


def members(bits) -> list[int]:
    """Positions in a loss set, ascending (loss sets are Python sets; ints are read as bitsets)."""
    if isinstance(bits, int):
        out = []
        while bits:
            low = bits & -bits
            out.append(low.bit_length() - 1)
            bits ^= low
        return out
    return sorted(bits)


def _at_least(threshold: int, sets: list[frozenset]) -> set[int]:
    """The members found in at least ``threshold`` of ``sets``, by counting: O(total size)."""
    if threshold <= 1:
        return set().union(*sets)
    if threshold > len(sets):
        return set()
    counts: dict[int, int] = {}
    for s in sets:
        for c in s:
            counts[c] = counts.get(c, 0) + 1
    return {c for c, k in counts.items() if k >= threshold}


def loss_sets(sub: Subgraph) -> list[frozenset]:
    """``D(v)`` for every position of the subgraph."""
    n = len(sub.ids)
    d: list[frozenset] = [frozenset((v,)) for v in range(n)]
    groups_of: list[list[int]] = [[] for _ in range(n)]
    for slot, owner in enumerate(sub.group_owner):
        groups_of[owner].append(slot)

    def evaluate(v: int) -> frozenset:
        parts = [d[e.provider] for e in sub.providers[v] if e.group < 0]
        for slot in groups_of[v]:
            group = sub.group_members[slot]
            threshold = max(1, len(group) - sub.group_min_up[slot] + 1)
            parts.append(_at_least(threshold, [d[p] for p in group]))
        if not parts:
            return d[v]
        value = set(d[v])
        value.update(*parts)
        return frozenset(value)

    for component in _components_providers_first(sub):
        changed = True
        while changed:
            changed = False
            for v in component:
                value = evaluate(v)
                if value != d[v]:
                    d[v] = value
                    changed = len(component) > 1
    return d


def _components_providers_first(sub: Subgraph) -> list[list[int]]:
    """Strongly connected components of provider → dependant edges, providers first
    (Tarjan's algorithm, iterative)."""
    n = len(sub.ids)
    successors: list[list[int]] = [[] for _ in range(n)]
    for v, edges in enumerate(sub.providers):
        for e in edges:
            successors[e.provider].append(v)
    index = [0] * n
    low = [0] * n
    on_stack = [False] * n
    visited = [False] * n
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 1
    for root in range(n):
        if visited[root]:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                visited[v] = True
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            recurse = False
            while i < len(successors[v]):
                w = successors[v][i]
                i += 1
                if not visited[w]:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    components.reverse()  # Tarjan emits sinks (dependants) first
    return components
