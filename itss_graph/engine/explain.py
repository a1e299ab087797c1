"""Why an impact answer is what it is: redundancy lost, and what one more failure would take.

For every CI whose explanation is a redundancy group (class 1 in
:mod:`itss_graph.engine.result`) — a CI *lost through a group* (every provider that had to go
is named) or *degraded* because a group lost members (it lost redundancy) — a
:class:`GroupLoss` names the group (the relation and side, or the ``redundancy_group``
name), its ``min_up``, the members lost and the members left.

:func:`next_failures` answers, for some CIs still up, which further CIs their own failure
would take down on top of the answer — the same fixpoint as failing them together with the
original failures, walked only from the new one (the closure index in numpy, or one batched
store read per level). The *new single points of failure* of a degraded CI are the members
left whose failure alone would now take it down.

Example:
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.engine.impact import impact
    >>> store = example_store()
    >>> for loss in redundancy_losses(store, impact(store, ["pdu:a"])):
    ...     print(loss.text())
    server:app1 down: lost 1 of 1 POWERED_BY providers (min_up 1): pdu:a; left: none
    server:db1 degraded: lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b
    application:shop degraded: lost 1 of 2 members of redundancy group 'web' (DEPENDS_ON) (min_up 1): vm:web1; left: vm:web2
"""

from __future__ import annotations

from itss_graph.engine.budget import UNLIMITED, EdgeBudget, small_first
from itss_graph.engine.group_loss import GroupLoss, group_text, with_spof
from itss_graph.engine.impact import further_losses, group_details
from itss_graph.engine.loss_rows import LossRows
from itss_graph.engine.result import GROUP, ImpactResult
from itss_graph.schema import Schema, load_schema
from itss_graph.semantics import DOWN, Rules
from itss_graph.stores.base import Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable, Mapping, Sequence

# at most this many CIs are failed one by one to find what a next failure would take down;
# the answer says when there were more (``complete`` false)
MAX_NEXT_FAILURES = 1000


def lost_ids(result: ImpactResult) -> set[str]:
    """The failed CIs and every CI the whole answer lists as down."""
    columns = result.whole.columns
    return {s.id for s in result.sources} | {i for i, e in zip(columns.ids, columns.effects) if e == DOWN}


def redundancy_losses(store: Store, result: ImpactResult, *, schema: Schema | None = None,
                      lost: set[str] | None = None) -> list[GroupLoss]:
    """The redundancy groups behind every CI the failure reached through a group (the whole
    answer, whatever its depth limit), lost ones first, then by depth and id."""
    schema = schema or load_schema()
    whole = result.whole
    columns = whole.columns
    if getattr(columns, "closure", None) is not None:  # the answer came from the closure index
        from itss_graph.engine.losses_indexed import losses_in_index

        return losses_in_index(columns)
    rows = [k for k, c in enumerate(columns.classes) if c == GROUP]
    if not rows:
        return []
    lost = lost_ids(result) if lost is None else lost
    reached = {columns.ids[k]: k for k in rows}
    details = group_details(store, Rules.from_schema(schema), reached)
    out = []
    for (ci, key), (providers, min_up, relations) in sorted(details.items(), key=lambda x: (x[0][0], str(x[0][1]))):
        gone = providers & lost
        if not gone:
            continue
        i, ci_type, name, depth, effect, _, _ = columns.row(reached[ci])
        out.append(GroupLoss(i, ci_type, name, effect, depth, tuple(sorted(relations)),
                             key[2] if key[0] == "rel" else None,
                             str(key[1]) if key[0] == "prop" else None, min_up,
                             tuple(sorted(gone)), tuple(sorted(providers - lost))))
    texts: dict[tuple, str] = {}  # (relations, group) -> group text: a core switch's 22k losses have a few

    def text_of(loss: GroupLoss) -> str:
        kind = (loss.relations, loss.group)
        text = texts.get(kind)
        if text is None:
            text = texts[kind] = group_text(*kind)
        return text

    out.sort(key=lambda g: (g.effect != DOWN, g.depth, g.id, text_of(g)))
    return out


class NextFailures:
    """What each candidate's failure would add to the answer, among ``targets``."""

    def __init__(self, takes: dict[str, set[str]] | None = None, candidates: int = 0):
        self.takes = {} if takes is None else takes  # candidate -> targets it takes down
        self.candidates = candidates  # how many there were (at most MAX_NEXT_FAILURES were tried)

    def __repr__(self) -> str:
        return f"NextFailures(takes={self.takes!r}, candidates={self.candidates!r})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.takes, self.candidates) == (other.takes, other.candidates)

    __hash__ = None  # mutable

    @property
    def complete(self) -> bool:
        return self.candidates <= len(self.takes)

    def of(self, target: str) -> list[str]:
        """The candidates whose failure takes ``target`` down."""
        by_target = self.__dict__.get("_by_target")
        if by_target is None:
            by_target = self.__dict__["_by_target"] = {}
            for c in sorted(self.takes):
                for hit in self.takes[c]:
                    by_target.setdefault(hit, []).append(c)
        return list(by_target.get(target, ()))


def next_failures(store: Store, result: ImpactResult, candidates: Iterable[str], targets: Iterable[str],
                  *, schema: Schema | None = None, lost: set[str] | None = None,
                  limit: int = MAX_NEXT_FAILURES, positions: Mapping[str, int] | None = None) -> NextFailures:
    """For each candidate (CIs still up; the first ``limit`` by id), which of ``targets`` its
    failure would take down on top of the whole answer. ``positions``: the closure-index
    positions of targets the caller knows (an answer from the index; the others are looked up
    by id)."""
    schema = schema or load_schema()
    candidates = sorted(set(candidates))
    targets = set(targets)
    answer = NextFailures(candidates=len(candidates))
    tried = candidates[:limit]
    if not tried or not targets:
        answer.takes = {c: set() for c in tried}
        return answer
    closure = getattr(result.whole.columns, "closure", None)
    # the index the answer came from (asking the store again could give a newer one whose
    # positions differ: a Neo4j database written meanwhile)
    index = result.whole.columns.index if closure is not None else None
    if index is not None:  # the answer came from the closure index: stay there
        _next_in_index(store, index, closure, tried, targets, answer, positions or {})
        return answer
    lost = lost_ids(result) if lost is None else lost
    rules = Rules.from_schema(schema)
    walked = store.walk_further(lost, tried, targets, rules.toward_source, rules.toward_target)
    if walked is not None:  # the same walks, by the store itself (a server-side procedure)
        answer.takes = {c: walked.get(c, set()) & targets for c in tried}
        return answer

    def by_levels(budget: EdgeBudget) -> None:
        found = further_losses(store, rules, lost, tried, budget)
        answer.takes = {c: found[c] & targets for c in tried}

    def by_index(index) -> None:  # the closure again, from the index this time
        from itss_graph.engine.indexed_impact import impact_indexed

        columns = impact_indexed(store, index, [s.id for s in result.sources], schema=schema,
                                 with_props=False).whole.columns
        if getattr(columns, "closure", None) is None:  # nothing impacted: nothing to add to
            by_levels(UNLIMITED)
        else:
            _next_in_index(store, index, columns.closure, tried, targets, answer)

    small_first(store, schema, by_levels, by_index)
    return answer


def _next_in_index(store: Store, index, closure, tried: list[str], targets: set[str],
                   answer: NextFailures, known: Mapping[str, int] = {}) -> None:
    import numpy as np

    from itss_graph.engine.indexed import compiled_kernel_in_use, further_losses

    # (1,500 services at risk of a 1M what-if: their positions known, not read again by id)
    wanted = np.array([known[t] for t in targets if t in known], dtype=np.int64)
    unknown = sorted(t for t in targets if t not in known)
    if unknown:
        wanted = np.concatenate([wanted, store.index_positions(index, unknown).astype(np.int64)])
    mask = np.zeros(index.size, dtype=bool)
    mask[wanted] = True
    positions = store.index_positions(index, tried).astype(np.int64)
    if compiled_kernel_in_use():  # one compiled walk each costs microseconds
        found = [further_losses(index, closure, int(pos)) for pos in positions.tolist()]
    else:  # numpy: all walks together, one set of array operations per level
        from itss_graph.engine.further_indexed import further_losses_each

        found = further_losses_each(index, closure, positions)
    hits = [hit[mask[hit]] for hit in found]
    # the targets hit, decoded once each for all candidates (460 walks of a core switch hit
    # the same few hundred services)
    named, at = np.unique(np.concatenate(hits) if hits else np.empty(0, dtype=np.int64), return_inverse=True)
    ids = np.array(index.ids_of(named), dtype=object)[at.reshape(-1)].tolist()
    end = 0
    for c, hit in zip(tried, hits):
        answer.takes[c] = set(ids[end:end + len(hit)])
        end += len(hit)


def with_new_spof(losses: Sequence[GroupLoss], found: NextFailures) -> Sequence[GroupLoss]:
    """The losses with, for degraded CIs, the members left whose failure takes them down.

    Only a degraded CI that some candidate takes down has members to look through (a group of
    a large closure can have thousands left, undecoded until then); every other loss is
    returned as it is (its ``new_spof`` is empty already). :class:`LossRows` stay so: the rows
    not changed are still built only when read.
    """
    taken_by: dict[str, set[str]] = {}  # degraded CI -> candidates whose failure takes it down
    for candidate, hits in found.takes.items():
        for hit in hits:
            taken_by.setdefault(hit, set()).add(candidate)
    if isinstance(losses, LossRows):  # its rows' new_spof are empty: only those taken change
        if not taken_by:
            return losses
        rows = [k for k, ci in enumerate(losses.ids) if ci in taken_by]
        return losses.replaced({k: _with_takers(loss, taken_by) for k, loss in zip(rows, losses.rows_at(rows))})
    out = list(losses)
    # only the losses to change are looked at (a core switch's answer has 66k, a few taken)
    for k in [k for k, loss in enumerate(out) if loss.new_spof or loss.id in taken_by]:
        out[k] = _with_takers(out[k], taken_by)
    return out


def _with_takers(loss: GroupLoss, taken_by: dict[str, set[str]]) -> GroupLoss:
    """``loss`` with its members left that some candidate of ``taken_by`` takes down with it
    (none for a CI that is down)."""
    takers = taken_by.get(loss.id) if loss.effect != DOWN else None
    if not takers:
        return loss if not loss.new_spof or loss.effect == DOWN else with_spof(loss, ())
    return with_spof(loss, tuple(c for c in loss.left if c in takers))


__all__ = ["GroupLoss", "NextFailures", "lost_ids", "redundancy_losses", "next_failures", "with_new_spof"]
