"""Single points of failure and root causes, taking redundancy into account.

For each CI ``v`` of an upstream subgraph we compute ``D(v)``: the set of CIs whose failure
*alone* makes ``v`` lost (``v`` itself included). With only hard dependencies ``D(v)`` is
everything upstream; with redundancy it is the generalised dominator set of the failure-flow
graph::

    D(v) = {v} ∪ ⋃ D(p) over hard providers p
               ∪ ⋃ over redundancy groups G of v:  {c : c ∈ D(p) for at least t members p of G}
    where t = max(1, |G| - min_up(G) + 1)   (losing t members leaves fewer than min_up)

Sets are Python integers used as bitsets over the subgraph's positions, so a service with a
few thousand upstream CIs is answered in milliseconds. Strongly connected parts (mutual
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
"""

from __future__ import annotations

from itss_graph.engine.upstream import Subgraph


def members(bits: int) -> list[int]:
    """Positions set in a bitset, ascending."""
    out = []
    while bits:
        low = bits & -bits
        out.append(low.bit_length() - 1)
        bits ^= low
    return out


def _at_least(threshold: int, sets: list[int], everything: int) -> int:
    """The members found in at least ``threshold`` of ``sets``."""
    if threshold <= 1:
        result = 0
        for s in sets:
            result |= s
        return result
    if threshold > len(sets):
        return 0
    counts = [everything] + [0] * threshold  # counts[j]: members in at least j sets so far
    for s in sets:
        for j in range(threshold, 0, -1):
            counts[j] |= counts[j - 1] & s
    return counts[threshold]


def loss_sets(sub: Subgraph) -> list[int]:
    """``D(v)`` for every position of the subgraph, as bitsets."""
    n = len(sub.ids)
    everything = (1 << n) - 1
    d = [1 << v for v in range(n)]
    groups_of: list[list[int]] = [[] for _ in range(n)]
    for slot, owner in enumerate(sub.group_owner):
        groups_of[owner].append(slot)

    def evaluate(v: int) -> int:
        value = 1 << v
        for e in sub.providers[v]:
            if e.group < 0:
                value |= d[e.provider]
        for slot in groups_of[v]:
            group = sub.group_members[slot]
            threshold = max(1, len(group) - sub.group_min_up[slot] + 1)
            value |= _at_least(threshold, [d[p] for p in group], everything)
        return value

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
