"""What one more failure would take down, in plain Cypher (Neo4j servers without ITSS Graph's
procedures): :func:`itss_graph.engine.impact.further_losses` with its redundancy groups
evaluated inside the server.

The reference walks each candidate's losses one breadth-first level at a time and reads every
relation of each level (and every provider of each redundancy group met) back into Python: for
the demo core switch that is ~100k CIs and ~340k relations decoded per answer. Here each level
is one round trip for the walks of all candidates together (:data:`NEO4J_FURTHER_LEVEL`): the
server drops the relations into CIs already lost (the answer's, or this candidate's own),
counts for each redundancy group met the providers left outside them, and returns one row per
CI and group — nodes as internal ids, no properties but the ``min_up`` values the client
compares with. The client keeps what the reference decides in Python: the ``min_up`` of a group
(parsed exactly as the reference parses it), hence which CIs are lost at the level.

The answer's lost CIs are sent with every level: as internal ids when there are few, as ids when
there are many (a fan-in service loses ~21k: resolving them all cost more than the walks,
:data:`LOST_KEYS_MAX`).

One walk's exclusions are one parameter list for all walks: each (walk, CI) is the integer
``internal id * walks + walk``, so the server's ``IN`` check stays a hashed lookup. A product
beyond 64 bits (an internal id above 2^53 with 1,000 walks; Neo4j's record format stays below
2^35) makes the server refuse the arithmetic: the caller then falls back to the reference.
"""

from __future__ import annotations

from typing import Collection, Sequence

from itss_graph.semantics import DOWN, REDUNDANT, min_up_of
from itss_graph.stores.base import int_or_none

# The internal ids of the CIs among $ids.
NEO4J_NODE_KEYS = """UNWIND $ids AS id
MATCH (n:CI {id: id})
RETURN collect(n.id), collect(id(n))"""

# One level for every walk: $frontier holds [walk, internal id] pairs, $lost the answer's lost
# CIs (internal ids, or ids: below), $mine each walk's own losses (internal id * $walks + walk). A row per CI
# reached over a relation failure crosses: kind '' when the relation alone takes it down, else
# its redundancy group ('prop' by the relation's redundancy_group, 'rel' by a redundant
# relation type), with the providers left and the group's relations' min_up values.
_LEVEL = """UNWIND $frontier AS pair
MATCH (f) WHERE id(f) = pair[1]
MATCH (f)-[r]-(c:CI)
WITH pair[0] AS w, r, c, startNode(r) = f AS fromIsSource
WITH w, r, c, fromIsSource,
     CASE WHEN fromIsSource THEN $toward_target[type(r)] ELSE $toward_source[type(r)] END AS effect
WHERE effect IS NOT NULL AND c.id IS NOT NULL AND @c_not_lost@ AND NOT id(c) * $walks + w IN $mine
WITH w, c, effect, type(r) AS rel, fromIsSource, coalesce(toString(r.redundancy_group), '') AS g
WITH w, c, rel, fromIsSource, g,
     CASE WHEN g <> '' THEN CASE WHEN effect IN [$down, $redundant] THEN 'prop' END
          WHEN effect = $redundant THEN 'rel' END AS kind, effect
WHERE kind IS NOT NULL OR effect = $down
WITH DISTINCT w, c, coalesce(kind, '') AS kind,
     CASE kind WHEN 'prop' THEN g ELSE '' END AS g,
     CASE kind WHEN 'rel' THEN rel ELSE '' END AS rel,
     CASE kind WHEN 'rel' THEN NOT fromIsSource ELSE false END AS providersOut
CALL {
  WITH c, kind, g, rel, providersOut
  WITH c, kind, g, rel, providersOut WHERE kind <> ''
  MATCH (c)-[r2]-(p:CI)
  WITH kind, g, rel, providersOut, r2, p, startNode(r2) = c AS cIsSource
  WITH kind, g, rel, providersOut, r2, p, cIsSource,
       CASE WHEN cIsSource THEN $toward_source[type(r2)] ELSE $toward_target[type(r2)] END AS e2,
       coalesce(toString(r2.redundancy_group), '') AS g2
  WHERE e2 IS NOT NULL AND p.id IS NOT NULL
    AND ((kind = 'prop' AND g2 = g AND e2 IN [$down, $redundant])
         OR (kind = 'rel' AND g2 = '' AND e2 = $redundant AND type(r2) = rel AND cIsSource = providersOut))
  RETURN collect(DISTINCT @provider@) AS providers, collect(coalesce(toString(r2.min_up), '')) AS minUps
}
RETURN collect(w), collect(id(c)), collect(kind),
       collect(size([x IN providers WHERE @x_not_lost@NOT x * $walks + w IN $mine])),
       collect(CASE kind WHEN 'prop' THEN minUps ELSE [] END),
       collect(CASE kind WHEN 'rel' THEN c.id ELSE '' END)"""


def _level(c_not_lost: str, provider: str, x_not_lost: str) -> str:
    return (_LEVEL.replace("@c_not_lost@", c_not_lost).replace("@provider@", provider)
            .replace("@x_not_lost@", x_not_lost))


# $lost as internal ids (a hashed integer set) ...
NEO4J_FURTHER_LEVEL = _level("NOT id(c) IN $lost", "id(p)", "NOT x IN $lost AND ")
# ... or as ids, checked against each CI reached (collect() drops the nulls of lost providers)
NEO4J_FURTHER_LEVEL_BY_ID = _level("NOT c.id IN $lost", "CASE WHEN NOT p.id IN $lost THEN id(p) END", "")

_LIMIT = 2**63
# Up to this many lost CIs are resolved to internal ids (one lookup, then an integer set per
# level); a larger lost set is sent as ids and checked against each CI reached (a property read
# per row instead of a lookup of every lost CI). bench/neo4j_further_lost.py, demo 200k, warm,
# client + server CPU of the further walks (bench/reported/neo4j-further-lost-demo-200k.json):
# fan-in service (21,415 lost) 0.18 s by internal ids, 0.08 s by ids; core switch (1 lost, a
# walk of ~100k CIs) 1.99 s by internal ids, 2.04 s by ids.
LOST_KEYS_MAX = 5_000


class Unrepresentable(Exception):
    """A (walk, CI) key does not fit Cypher's 64-bit integers."""


def further_in_cypher(store, lost: Collection[str], candidates: Sequence[str], targets: Collection[str],
                      toward_source: dict, toward_target: dict) -> dict[str, set[str]]:
    """For each candidate, the ``targets`` its failure takes down on top of the ``lost`` CIs,
    as :func:`itss_graph.engine.impact.further_losses` (then intersected with ``targets``),
    one round trip per level for all candidates. Candidates unknown to the store or already
    lost take nothing. Raises :class:`Unrepresentable` when internal ids are too large to
    pack (the caller walks by the reference instead)."""
    candidates = list(dict.fromkeys(candidates))
    if len(lost) > LOST_KEYS_MAX:
        keys = _node_keys(store, {*candidates, *targets})
        lost_set = {keys[i] for i in lost if i in keys}
        lost_param = sorted(lost)
        level = NEO4J_FURTHER_LEVEL_BY_ID
    else:
        keys = _node_keys(store, {*lost, *candidates, *targets})
        lost_param = sorted(keys[i] for i in lost if i in keys)
        lost_set = set(lost_param)
        level = NEO4J_FURTHER_LEVEL
    walks = len(candidates)
    gone: list[set[int]] = [set() for _ in candidates]
    frontier: list[list[int]] = []
    for w, c in enumerate(candidates):
        if c in keys and keys[c] not in lost_set:
            gone[w].add(keys[c])
            frontier.append([w, keys[c]])
    mine = [_pack(k, walks, w) for w, k in frontier]
    node_min_up: dict[str, int] = {}
    params = {"toward_source": dict(toward_source), "toward_target": dict(toward_target),
              "walks": walks, "lost": lost_param, "down": DOWN, "redundant": REDUNDANT}
    while frontier:
        [(ws, ends, kinds, ups, edge_min_ups, ids)] = store._read(
            level, frontier=frontier, mine=mine, **params)
        unknown = {i for kind, i in zip(kinds, ids) if kind == "rel" and i not in node_min_up}
        if unknown:
            node_min_up.update(store.min_ups(sorted(unknown)))
        lost_now: set[tuple[int, int]] = set()
        for w, c, kind, up, values, i in zip(ws, ends, kinds, ups, edge_min_ups, ids):
            if kind == "":
                lost_now.add((w, c))
            elif kind == "prop":
                if up < max([1, *(int_or_none(v or None) or 1 for v in values)]):
                    lost_now.add((w, c))
            elif up < node_min_up.get(i, min_up_of(None)):
                lost_now.add((w, c))
        frontier = sorted([w, c] for w, c in lost_now)
        for w, c in frontier:
            gone[w].add(c)
        mine += [_pack(c, walks, w) for w, c in frontier]
    wanted = {keys[t]: t for t in targets if t in keys}
    out: dict[str, set[str]] = {}
    for w, c in enumerate(candidates):
        own = keys.get(c)
        out[c] = {wanted[k] for k in gone[w] if k != own and k in wanted}
    return out


def _node_keys(store, ids: Collection[str]) -> dict[str, int]:
    """id -> internal id of the CIs among ``ids``."""
    out: dict[str, int] = {}
    ids = sorted(ids)
    for start in range(0, len(ids), 10_000):
        for found, keys in store._read(NEO4J_NODE_KEYS, ids=ids[start:start + 10_000]):
            out.update(zip(found, keys))
    return out


def _pack(key: int, walks: int, walk: int) -> int:
    """(walk, internal id) as one integer, as the level statement computes it.

    >>> _pack(7, 3, 2)
    23
    """
    packed = key * walks + walk
    if packed >= _LIMIT:
        raise Unrepresentable(key)
    return packed
