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

from itertools import repeat

import numpy as np

from itss_graph.engine.group_loss import MEMBER_PAGE, GroupLoss, Members, group_text
from itss_graph.engine.closure_services import closure_of, impacted_positions
from itss_graph.engine.indexed import LOST, distinct
from itss_graph.engine.loss_rows import LossRows
from itss_graph.engine.result import GROUP
from itss_graph.semantics import DOWN
from itss_graph.stores.base import INCOMING, OUTGOING
from itss_graph.stores.graph_index import concat_ranges


def losses_in_index(columns) -> LossRows:
    """The redundancy losses of a whole answer whose columns are
    :class:`itss_graph.engine.indexed_impact.IndexedColumns` (same list, same order as the
    store-read path: lost first, then by depth, id, group text and group key)."""
    index, closure = closure_of(columns)
    positions, _ = impacted_positions(columns)  # (the rows' order does not matter here)
    state = closure.state
    # the CIs the answer explains by a redundancy group, and their edges to group members
    owner_set = np.sort(positions[closure.cause[positions] == GROUP]).astype(np.int64)
    starts = index.up_ptr[owner_set]
    edges = concat_ranges(starts, index.up_ptr[owner_set + 1] - starts)
    slot_of = index.up_group[edges]  # (the index's own narrow types: fewer fresh pages per answer)
    grouped = slot_of >= 0
    if not grouped.all():
        edges, slot_of = edges[grouped], slot_of[grouped]
    provider = index.up_src[edges]
    # the slots that lost a member (a provider down or failed); each slot has one owner
    gone = state[provider] >= LOST
    slots = distinct_ints(slot_of[gone])
    if not len(slots):
        return []
    owners = index.group_owner[slots].astype(np.int64)
    at = np.searchsorted(slots, slot_of)
    mine = (at < len(slots)) & (slots[np.minimum(at, len(slots) - 1)] == slot_of)
    if not mine.all():  # (the members of groups that lost none)
        edges, at, provider, gone = edges[mine], at[mine], provider[mine], gone[mine]
    rel = index.up_rel[edges]
    outgoing = index.up_outgoing[edges]

    # relation types per slot (codes rank names: sorted codes are sorted names)
    pairs = distinct_ints(at * len(index.rel_names) + rel)
    rel_slot, rel_code = np.divmod(pairs, len(index.rel_names))
    direction = np.zeros(len(slots), dtype=np.int8)
    direction[at] = outgoing  # a group by relation type has one direction

    # members per slot, each once: the lost ones (down or failed) first, each part in id order
    key = at * 2  # (slot, lost first, id), built in place: fewer fresh pages for 128k members
    key += ~gone
    key *= index.size
    key += index.id_rank[provider]
    order = np.argsort(key, kind="stable")
    at_m, member, gone = at[order], provider[order], gone[order]
    first = np.ones(len(member), dtype=bool)
    first[1:] = (at_m[1:] != at_m[:-1]) | (member[1:] != member[:-1])
    if not first.all():  # a member in a group through several relations
        at_m, member, gone = at_m[first], member[first], gone[first]
    bounds = np.searchsorted(at_m, np.arange(len(slots) + 1))
    cuts = bounds[:-1] + np.bincount(at_m[gone], minlength=len(slots))
    # the ids an answer names: the first MEMBER_PAGE of each part (the rest only if someone
    # iterates over them: Members)
    part_starts = np.stack([bounds[:-1], cuts], axis=1).ravel()
    part_counts = np.stack([cuts - bounds[:-1], bounds[1:] - cuts], axis=1).ravel()
    shown = np.minimum(part_counts, MEMBER_PAGE)

    # each slot's relations and key, and its place in the order of the answer
    rel_names = index.rel_names
    names = index.group_name[slots].astype(np.int64)
    kind_of, kinds = slot_kinds(rel_slot, rel_code, len(rel_names), names, direction)
    sort_texts = []  # per kind: (group text, group key as text), the tie-breaks of the answer
    described = []  # per kind: (relations, direction, group)
    for codes, way, g in kinds:
        relations = tuple(rel_names[c] for c in codes)
        group = index.group_names[g] if g >= 0 else None
        key = ("prop", group) if group is not None else ("rel", relations[0], way)
        text = group_text(relations, group)
        described.append((relations, way, group))
        sort_texts.append((text, str(key)))
    kind_rank = np.empty(len(kinds), dtype=np.int64)
    kind_rank[sorted(range(len(kinds)), key=sort_texts.__getitem__)] = np.arange(len(kinds))
    down = state[owners] == LOST
    depths = closure.depth[owners]
    order = np.lexsort((kind_rank[kind_of], index.id_rank[owners], depths, ~down))

    # the answer's losses in its order (a core switch of a 200k estate loses 22k slots): the
    # effects now, the CIs' ids when asked, the rest of a row (name, members named) when read
    # (LossRows)
    owners, down, depths, kind_of = owners[order], down[order], depths[order], kind_of[order]
    min_up = index.group_min_up[slots][order]
    lost_parts = 2 * order  # each row's part of members lost; the part left follows it
    type_names = index.type_names

    def build(start: int, stop: int, ids) -> list[GroupLoss]:
        at = slice(start, stop)
        parts = np.stack([lost_parts[at], lost_parts[at] + 1], axis=1).ravel()
        pages = member_pages(index, member, part_starts[parts], part_counts[parts], shown[parts])
        return [new_loss(GroupLoss, row) for row in zip(
            index.ids_of(owners[at]) if ids is None else ids,
            [type_names[t] for t in index.type_code[owners[at]].tolist()], index.names_of(owners[at]),
            effects[at], depths[at].tolist(), *zip(*[described[k] for k in kind_of[at].tolist()]),
            min_up[at].tolist(), pages[0::2], pages[1::2], repeat(()))]

    effects = [DOWN if d else "degraded" for d in down.tolist()]
    return LossRows(lambda: index.ids_of(owners), effects, build)


def member_pages(index, member: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                 shown: np.ndarray) -> list:
    """The members of parts (``member[starts[k]:starts[k] + counts[k]]``, in id order) as ids:
    a tuple of the first ``shown[k]`` of each, decoded in one pass, or a :class:`Members` for a
    part beyond a page."""
    # (the same few providers are lost by thousands of slots: each decoded once)
    named, named_at = np.unique(member[concat_ranges(starts, shown)], return_inverse=True)
    page_ids = tuple(np.array(index.ids_of(named), dtype=object)[named_at.reshape(-1)].tolist())
    page_at = np.concatenate([[0], np.cumsum(shown)]).tolist()
    # every part's page as a tuple, sliced in C; a Members for the few parts beyond a page (a
    # Members each cost ~0.2 kB and ~1 us: 0.4 s and 100 MB for the 441k parts of a 1M core switch)
    pages: list = list(map(page_ids.__getitem__, map(slice, page_at, page_at[1:])))
    for part in np.flatnonzero(counts > MEMBER_PAGE).tolist():
        start, count = int(starts[part]), int(counts[part])
        pages[part] = Members(pages[part], count,
                              lambda start=start, count=count: index.ids_of(member[start:start + count]))
    return pages


def slot_kinds(rel_slot: np.ndarray, rel_code: np.ndarray, n_relations: int, group: np.ndarray,
               direction: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Each slot's kind — (its relation codes, ascending; its direction, ``OUTGOING`` or
    ``INCOMING`` for a group by relation type, else None; its group-name index, -1 for none) —
    as a kind number per slot and the kinds, found in arrays: each slot's relation codes as a
    bit set (64 codes a word), beside its direction and group, numbered densely a column at a
    time.
    ``rel_slot``/``rel_code`` are the distinct (slot, relation code) pairs in ascending order.

    >>> kind_of, kinds = slot_kinds(np.array([0, 0, 1, 2]), np.array([1, 3, 1, 3]), 4,
    ...                             np.array([-1, -1, 5]), np.array([1, 0, 0], dtype=np.int8))
    >>> [kinds[k] for k in kind_of]
    [((1, 3), 'out', -1), ((1,), 'in', -1), ((3,), None, 5)]
    """
    n_slots = len(group)
    slot_starts = np.searchsorted(rel_slot, np.arange(n_slots))  # every slot has a relation
    way = np.where(group >= 0, 2, direction.astype(np.int64))  # 2: no direction (a property group)
    # the kind as one dense number, a column at a time
    kind_of = dense_ranks(way * (int(group.max()) + 2) + group + 1)
    for word in range(max(1, -(-n_relations // 64))):
        in_word = rel_code // 64 == word
        # distinct codes of a slot: their bits' sum is their bit set
        bits = np.where(in_word, np.left_shift(np.uint64(1), (rel_code % 64).astype(np.uint64)), np.uint64(0))
        mask = dense_ranks(np.add.reduceat(bits, slot_starts))
        kind_of = dense_ranks(kind_of * (int(mask.max()) + 1) + mask)
    first = np.full(int(kind_of.max()) + 1, n_slots, dtype=np.int64)
    np.minimum.at(first, kind_of, np.arange(n_slots))  # a slot of each kind
    kinds = []
    for slot in first.tolist():
        codes = rel_code[np.searchsorted(rel_slot, slot):np.searchsorted(rel_slot, slot, "right")]
        w, g = int(way[slot]), int(group[slot])
        kinds.append((tuple(codes.tolist()), None if w == 2 else (OUTGOING if w else INCOMING), g))
    return kind_of, kinds


def distinct_ints(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, ascending: counted in a table when they span
    a small range (the 128k members of a 1M estate's group fall in three slots), else sorted.

    >>> distinct_ints(np.array([9, 7, 9, 8])).tolist(), distinct_ints(np.array([5, 2**40])).tolist()
    ([7, 8, 9], [5, 1099511627776])
    """
    if not len(values):
        return values
    low, high = int(values.min()), int(values.max())
    if high - low < 4 * len(values) + 1024:
        return np.flatnonzero(np.bincount(values - low, minlength=high - low + 1)) + low
    return distinct(values)


def dense_ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values (0, 1, …): by a table when the values are
    small numbers (a kind's parts are), else by sorting.

    >>> dense_ranks(np.array([7, 3, 7, 0])).tolist(), dense_ranks(np.array([2**63, 5], dtype=np.uint64)).tolist()
    ([2, 1, 2, 0], [1, 0])
    """
    if len(values) and values.dtype.kind in "iu" and 0 <= values.min() and values.max() < 4 * len(values) + 1024:
        present = np.zeros(int(values.max()) + 1, dtype=np.int64)
        present[values] = 1
        return (np.cumsum(present) - 1)[values]
    return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)


new_loss = tuple.__new__  # a GroupLoss from its fields, no argument handling

__all__ = ["dense_ranks", "distinct_ints", "losses_in_index", "member_pages", "slot_kinds"]
