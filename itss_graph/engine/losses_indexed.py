"""Redundancy lost, read from the closure index: :func:`itss_graph.engine.explain.redundancy_losses`
for an answer that came from the index, without reading a relation from the store.

The members of each redundancy-group slot are its owner's ``up_*`` edges, the closure's
``state`` says which of them are lost, and the slot's key (relation and direction, or the
``redundancy_group`` name) is in the index too. Only the ids of the owners and members of
slots that lost members are decoded, once each. (``Closure.group_lost`` is not enough: the
walk stops counting a slot's losses once its owner is lost, and the answer names every
member lost.)

Example:
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.engine.indexed_impact import impact_indexed
    >>> from itss_graph.schema import load_schema
    >>> store = example_store()
    >>> answer = impact_indexed(store, store.closure_index(load_schema()), ["pdu:a"])
    >>> for loss in losses_in_index(answer.whole.columns):
    ...     print(loss.text())
    server:app1 down: lost 1 of 1 POWERED_BY providers (min_up 1): pdu:a; left: none
    server:db1 degraded: lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b
    application:shop degraded: lost 1 of 2 members of redundancy group 'web' (DEPENDS_ON) (min_up 1): vm:web1; left: vm:web2
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from itss_graph.engine.group_loss import MEMBER_PAGE, GroupLoss, Members
from itss_graph.engine.indexed import LOST, distinct
from itss_graph.engine.result import GROUP
from itss_graph.semantics import DOWN
from itss_graph.stores.base import INCOMING, OUTGOING
from itss_graph.stores.graph_index import concat_ranges


def losses_in_index(columns) -> list[GroupLoss]:
    """The redundancy losses of a whole answer whose columns are
    :class:`itss_graph.engine.indexed_impact.IndexedColumns` (same list, same order as the
    store-read path: lost first, then by depth, id, group text and group key)."""
    index, positions, _, _ = columns.index_arrays()
    closure = columns.closure
    state = closure.state
    # the CIs the answer explains by a redundancy group, and their edges to group members
    owner_set = np.sort(positions[closure.cause[positions] == GROUP]).astype(np.int64)
    starts = index.up_ptr[owner_set]
    edges = concat_ranges(starts, index.up_ptr[owner_set + 1] - starts)
    slot_of = index.up_group[edges].astype(np.int64)
    edges, slot_of = edges[slot_of >= 0], slot_of[slot_of >= 0]
    provider = index.up_src[edges].astype(np.int64)
    # the slots that lost a member (a provider down or failed); each slot has one owner
    slots = distinct(slot_of[state[provider] >= LOST])
    if not len(slots):
        return []
    owners = index.group_owner[slots].astype(np.int64)
    at = np.searchsorted(slots, slot_of)
    mine = (at < len(slots)) & (slots[np.minimum(at, len(slots) - 1)] == slot_of)
    edges, at, provider = edges[mine], at[mine], provider[mine]
    rel = index.up_rel[edges].astype(np.int64)
    outgoing = index.up_outgoing[edges]

    # relation types per slot (codes rank names: sorted codes are sorted names)
    pairs = distinct(at * len(index.rel_names) + rel)
    rel_slot, rel_code = np.divmod(pairs, len(index.rel_names))
    rel_bounds = np.searchsorted(rel_slot, np.arange(len(slots) + 1))
    direction = np.zeros(len(slots), dtype=np.int8)
    direction[at] = outgoing  # a group by relation type has one direction

    # members per slot, each once: the lost ones (down or failed) first, each part in id order
    gone = state[provider] >= LOST
    order = np.argsort((at * 2 + ~gone) * index.size + index.id_rank[provider], kind="stable")  # (slot, lost first, id)
    at_m, member, gone = at[order], provider[order], gone[order]
    first = np.ones(len(member), dtype=bool)
    first[1:] = (at_m[1:] != at_m[:-1]) | (member[1:] != member[:-1])
    at_m, member, gone = at_m[first], member[first], gone[first]
    bounds = np.searchsorted(at_m, np.arange(len(slots) + 1))
    cuts = bounds[:-1] + np.bincount(at_m[gone], minlength=len(slots))
    # the ids an answer names: the first MEMBER_PAGE of each part, decoded in one pass (the
    # rest only if someone iterates over them: Members)
    part_starts = np.stack([bounds[:-1], cuts], axis=1).ravel()
    part_counts = np.stack([cuts - bounds[:-1], bounds[1:] - cuts], axis=1).ravel()
    shown = np.minimum(part_counts, MEMBER_PAGE)
    page_ids = index.ids_of(member[concat_ranges(part_starts, shown)])
    page_at = np.concatenate([[0], np.cumsum(shown)]).tolist()
    part_starts, part_counts = part_starts.tolist(), part_counts.tolist()

    def members(part: int) -> Sequence[str]:
        start, count = part_starts[part], part_counts[part]
        page = tuple(page_ids[page_at[part]:page_at[part + 1]])
        if count <= MEMBER_PAGE:  # all decoded: most groups (a Members each cost ~0.2 kB and
            return page  # ~1 us, 0.4 s and 100 MB for the 441k parts of a 1M core switch)
        return Members(page, count, lambda: index.ids_of(member[start:start + count]))

    # each slot's relations and key, and its place in the order of the answer
    rel_names, group_names = index.rel_names, index.group_names
    names, directions = index.group_name[slots].tolist(), direction.tolist()
    rel_bounds, rel_codes = rel_bounds.tolist(), rel_code.tolist()
    kinds: dict[tuple, int] = {}  # (relations, direction, group) -> kind number
    kind_of = np.empty(len(slots), dtype=np.int64)
    for k in range(len(slots)):
        g = names[k]
        kind = (tuple(rel_codes[rel_bounds[k]:rel_bounds[k + 1]]),
                None if g >= 0 else (OUTGOING if directions[k] else INCOMING),
                group_names[g] if g >= 0 else None)
        kind_of[k] = kinds.setdefault(kind, len(kinds))
    described = []  # per kind: (relations, direction, group)
    sort_texts = []  # per kind: (group text, group key as text), the tie-breaks of the answer
    for codes, way, group in kinds:
        relations = tuple(rel_names[c] for c in codes)
        key = ("prop", group) if group is not None else ("rel", relations[0], way)
        text = GroupLoss("", "", "", "", 0, relations, way, group, 1, (), ()).group_text()
        described.append((relations, way, group))
        sort_texts.append((text, str(key)))
    kind_rank = np.empty(len(kinds), dtype=np.int64)
    kind_rank[sorted(range(len(kinds)), key=sort_texts.__getitem__)] = np.arange(len(kinds))
    down = state[owners] == LOST
    depths = closure.depth[owners]
    order = np.lexsort((kind_rank[kind_of], index.id_rank[owners], depths, ~down)).tolist()

    owner_ids, owner_names = index.ids_of(owners), index.names_of(owners)
    type_names = index.type_names
    types, depths, down = index.type_code[owners].tolist(), depths.tolist(), down.tolist()
    min_ups, kind_of = index.group_min_up[slots].tolist(), kind_of.tolist()
    out = []
    for k in order:
        relations, way, group = described[kind_of[k]]
        out.append(GroupLoss(owner_ids[k], type_names[types[k]], owner_names[k],
                             DOWN if down[k] else "degraded", depths[k], relations, way, group,
                             min_ups[k], members(2 * k), members(2 * k + 1)))
    return out

__all__ = ["losses_in_index"]
