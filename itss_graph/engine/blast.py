"""Blast radius: the services a failure affects, why, and how much more it would take.

Every answer that grades services uses these classes (``impact``, ``blast-radius``,
``change-impact`` and the ITSS obligations):

* **down** — the service failed itself (``failed``: it is one of the failed CIs) or the
  impact analysis lost it; ``chain`` is how the failure reached it, from a failed CI;
* **at risk** — still up, but it lost redundancy: its own (a redundancy group of the service
  lost members) or below it (it rests, through relations that can cost service, on a CI that
  lost redundancy: a group lost a member, a device lost one of its power feeds or uplinks).
  ``lost_redundancy_at`` is the nearest such CI, ``chain`` runs from a failed CI through it to
  the service, and ``next_failure`` lists the surviving redundant providers whose failure
  alone would now take the service down (redundancy-group CIs are never listed: a group fails
  only when its members do, as in ``spof``). A CI merely degraded by a lost link (a cable, a
  circuit) puts nothing at risk.

Ranking: down before at risk, then criticality (the policy of ``queries/criticality.yaml``:
tier 1/2/3, P1–P4, 关键/重要/一般, critical/high/medium/low …), then SLA (``sla``, e.g.
``99.99``), then users or customers (``users`` / ``customers``), then id.

Example:
    >>> criticality_rank({"tier": "关键"}), criticality_rank({"criticality": "general"})
    (0, 2)
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

from itss_graph.criticality import criticality_policy
from itss_graph.engine.chains import LazyChain, materialise
from itss_graph.engine.explain import GroupLoss, next_failures, redundancy_losses, with_new_spof
from itss_graph.engine.loss_rows import effects_of, ids_of, rows_of
from itss_graph.engine.impact import impact
from itss_graph.engine.props_memo import names_and_props
from itss_graph.engine.reach_paths import PathTree, downstream_tree
from itss_graph.engine.result import ImpactResult
from itss_graph.schema import Schema, load_schema
from itss_graph.semantics import DEGRADED, DOWN
from itss_graph.stores.base import Store

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Sequence

AT_RISK = "at-risk"


def criticality_rank(props: dict) -> int:
    """0 for the most critical level of the policy; unknown values rank after every level."""
    policy = criticality_policy()
    return policy.rank(policy.level_of(props))


def _number(value) -> float:
    """The first number in a property (``\\d+(\\.\\d+)?``, found without importing re), else 0.

    >>> _number("99.95%"), _number("about 5,000 users"), _number("v2."), _number(None), _number(7)
    (99.95, 5.0, 2.0, 0.0, 7.0)
    """
    return _number_in(str(value or ""))


@lru_cache(maxsize=4096)
def _number_in(text: str) -> float:  # SLAs and user counts repeat across services
    start, end = 0, len(text)
    while start < end and not text[start].isdecimal():  # (\d is what str.isdecimal accepts)
        start += 1
    if start == end:
        return 0.0
    stop = start + 1
    while stop < end and text[stop].isdecimal():
        stop += 1
    if stop + 1 < end and text[stop] == "." and text[stop + 1].isdecimal():
        stop += 2
        while stop < end and text[stop].isdecimal():
            stop += 1
    return float(text[start:stop])


class AffectedService(namedtuple("AffectedService", [
        "id",  # str
        "name",  # str
        "status",  # str: "down" or "at-risk"
        "criticality",  # str: a level of the criticality policy, "" when unknown
        "sla",  # str
        "users",  # str
        "depth",  # int | None: relations from a failed CI along ``chain`` (0: failed itself)
        "failed",  # bool
        "chain",  # Sequence[dict]: a tuple, or a LazyChain (built when first read; reads as its tuple)
        "lost_redundancy_at",  # str | None
        "next_failure",  # tuple[str, ...]
    ], defaults=(False, (), None, ()))):
    __slots__ = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "status": self.status,
                "criticality": self.criticality, "sla": self.sla, "users": self.users,
                "depth": self.depth, "failed": self.failed, "chain": list(self.chain),
                "lost_redundancy_at": self.lost_redundancy_at,
                "next_failure": list(self.next_failure)}

    def chain_text(self) -> str:
        """``site:dc1 -LOCATED_IN-> rack:a01 -…-> service:shop`` (each arrow names the relation
        the failure crossed)."""
        return chain_text(self.chain)


def chain_text(chain: Sequence[dict]) -> str:
    """Steps as one line.

    >>> chain_text([{"id": "h", "via": None}, {"id": "v", "via": "RUNS_ON"}])
    'h -RUNS_ON-> v'
    """
    parts = []
    for step in chain:
        if step.get("via"):
            parts.append(f" -{step['via']}-> ")
        parts.append(step["id"])
    return "".join(parts)


class BlastRadius:
    """The services an impact answer hits (down or at risk) and the redundancy it loses.

    A plain class, not a dataclass: a cold ``itss impact`` does not import :mod:`dataclasses`."""

    __slots__ = ("impact", "services", "losses", "next_failure_complete")

    def __init__(self, impact: ImpactResult, services: list[AffectedService], losses: list[GroupLoss] | None = None,
                 next_failure_complete: bool = True):
        self.impact = impact
        self.services = services
        self.losses = [] if losses is None else losses  # redundancy lost, per CI and group
        self.next_failure_complete = next_failure_complete

    def __repr__(self) -> str:
        return (f"BlastRadius(impact={self.impact!r}, services={self.services!r}, losses={self.losses!r}, "
                f"next_failure_complete={self.next_failure_complete!r})")

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return ((self.impact, self.services, self.losses, self.next_failure_complete)
                == (other.impact, other.services, other.losses, other.next_failure_complete))

    __hash__ = None  # mutable

    @property
    def down(self) -> list[AffectedService]:
        return [s for s in self.services if s.status == DOWN]

    @property
    def at_risk(self) -> list[AffectedService]:
        return [s for s in self.services if s.status == AT_RISK]

    def summary(self) -> dict:
        return {"down": len(self.down), "at_risk": len(self.at_risk),
                "impacted_cis": len(self.impact.whole.columns),
                "redundancy_lost": effects_of(self.losses).count(DEGRADED),
                "next_failure_complete": self.next_failure_complete}

    def services_page(self, offset: int = 0, limit: int | None = None) -> list[AffectedService]:
        """The ranked services from ``offset``, at most ``limit`` (None: all), their chains
        built together."""
        page = self.services[offset:None if limit is None else offset + limit]
        materialise(s.chain for s in page)
        return page

    def as_dict(self, services_offset: int = 0, services_limit: int | None = None) -> dict:
        """The answer; ``services`` a page of the ranked services when ``services_offset`` or
        ``services_limit`` say so (the summary counts them all)."""
        return {"sources": [{"id": s.id, "type": s.type, "name": s.name} for s in self.impact.sources],
                "services": [s.as_dict() for s in self.services_page(services_offset, services_limit)],
                "summary": self.summary(),
                "redundancy": [g.as_dict() for g in self.losses]}


def blast_radius(store: Store, failed: Sequence[str], *, schema: Schema | None = None,
                 with_props: bool = False) -> BlastRadius:
    """Services down or at risk when ``failed`` fail, most important first (``with_props``:
    the impact answer inside carries the impacted CIs' properties, for views).

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(s.id, s.status, s.criticality) for s in blast_radius(store, ["server:db1"]).services]
    [('service:shop', 'down', 'critical'), ('service:reports', 'down', 'general')]
    >>> answer = blast_radius(store, ["pdu:a"])
    >>> for s in answer.services:
    ...     print(s.id, s.status, s.lost_redundancy_at, s.next_failure)
    service:shop at-risk application:shop ('pdu:b', 'vm:web2')
    service:reports at-risk server:db1 ('pdu:b',)
    >>> answer.services[0].chain_text()
    'pdu:a -POWERED_BY-> server:app1 -RUNS_ON-> vm:web1 -DEPENDS_ON-> application:shop -SUPPORTS-> service:shop'
    """
    schema = schema or load_schema()
    return assess(store, impact(store, failed, schema=schema, with_props=with_props), schema=schema)


def assess(store: Store, result: ImpactResult, *, schema: Schema | None = None) -> BlastRadius:
    """The service classes of an impact answer (its whole closure, whatever its depth limit),
    with the redundancy each CI lost and what one more failure would take."""
    schema = schema or load_schema()
    services = schema.service_types()
    whole = result.whole
    columns = whole.columns
    losses = redundancy_losses(store, result, schema=schema)
    # (the losses' rows are built when read: only the degraded ones are)
    degraded_rows = [k for k, effect in enumerate(effects_of(losses)) if effect == DEGRADED]
    degraded = rows_of(losses, degraded_rows)
    weakened = sorted({g.id for g in degraded})
    is_weakened = set(weakened)

    # service id -> [status, depth, failed, chain, lost_redundancy_at] (AffectedService's fields)
    found: dict[str, list] = {}
    for source in result.sources:
        if source.type in services:
            found[source.id] = [DOWN, 0, True, ({"id": source.id, "type": source.type, "name": source.name,
                                                 "via": None},), None]
    # the impacted services (id, depth, down, key of its chain); the chains are built when
    # read (a screen shows a page of 1,500 services at risk)
    if getattr(columns, "closure", None) is not None:
        # from the closure index: read in positions (keys), the answer's rows left unsorted
        from itss_graph.engine.closure_services import ClosureChains, services_in_closure

        in_answer = ClosureChains(result)
        impacted = services_in_closure(columns, services)
        index = in_answer.index
    else:
        in_answer, index = _AnswerChains(whole), None
        impacted = [(i, depth, effect == DOWN, k) for k, (i, _, _, depth, effect, _, _)
                    in enumerate(columns.rows_in(0, columns.leading(services)))]
    for i, depth, down, key in impacted:
        if down:
            found[i] = [DOWN, depth, False, LazyChain(in_answer, key), None]
        elif i in is_weakened:
            found[i] = [AT_RISK, depth, False, LazyChain(in_answer, key), i]
    # every service lost (failed, or down in the answer) is in ``found`` already
    below = downstream_tree(store, weakened, schema=schema, only_types=services, except_ends=found)
    ends = below.ends
    starts = sorted({start for start, _ in ends.values()})  # CIs the answer lists as degraded
    to_start = dict(zip(starts, in_answer.chains_to(store, starts)))
    through = _ChainsThrough(to_start, below)
    for s in sorted(ends):
        start, level = ends[s]
        found[s] = [AT_RISK, len(to_start[start]) - 1 + level, False, LazyChain(through, s), start]

    at_risk = [s for s, f in found.items() if f[0] == AT_RISK]
    # a redundancy group fails only when its members do: never a single point of failure
    groups = {name for name, ci_type in schema.ci_types.items() if ci_type.is_group}
    left = sorted({c for g in degraded for c in g.left})
    candidates = [c for c, (ci_type, _) in store.headers(left).items() if ci_type not in groups]
    known = {i: key for i, _, _, key in impacted} if index is not None else {}  # keys are positions
    located = {**known, **below.positions}
    nexts = next_failures(store, result, candidates, [*at_risk, *weakened], schema=schema,
                          positions=located)
    losses = with_new_spof(losses, nexts)

    graded = _grades(criticality_policy())
    cis = names_and_props(store, sorted(found), index, located)
    none: dict = {}
    out, keys = [], []
    for s, (status, depth, failed, chain, lost_at) in found.items():
        name, props = cis.get(s) or (s, none)
        level, sla, users, rank = graded(props)
        out.append(new_service(AffectedService, (s, name, status, level, sla, users, depth, failed, chain, lost_at,
                                                 tuple(nexts.of(s)) if status == AT_RISK else ())))
        keys.append((status != DOWN, rank, s))
    return BlastRadius(result, [out[k] for k in sorted(range(len(out)), key=keys.__getitem__)], losses,
                       nexts.complete)


new_service = tuple.__new__  # an AffectedService from all its fields, no argument handling


def _grades(policy):
    """A service's (criticality level or "", SLA, users, rank): the fields of
    :class:`AffectedService` its properties give, and its place by them (criticality, then SLA
    and users, the larger first); remembered per properties dict (services with equal
    properties share one: 1,500 services of a what-if have ~20 distinct).

    >>> graded = _grades(criticality_policy())
    >>> graded({"tier": "1", "sla": 99.9, "customers": "12k"})
    ('critical', '99.9', '12k', (0, -99.9, -12.0))
    """
    level_of = _memo_levels(policy)
    known: dict[int, tuple] = {}  # id(props) -> (props, grades): props kept, so ids stay theirs

    def graded(props: dict) -> tuple:
        found = known.get(id(props))
        if found is None:
            level = level_of(props) or ""
            sla, users = str(props.get("sla", "")), str(props.get("users", props.get("customers", "")))
            found = known[id(props)] = (props, (level, sla, users,
                                                (policy.rank(level or None), -_number(sla), -_number(users))))
        return found[1]

    return graded


class _AnswerChains:
    """The chains of rows of an impact answer (:meth:`ImpactResult.chains_at`)."""

    def __init__(self, whole: ImpactResult):
        self.whole = whole

    def chains_of(self, rows: list[int]) -> list[list[dict]]:
        return self.whole.chains_at(rows)

    def chains_to(self, store: Store, ids: list[str]) -> list[list[dict]]:
        """The chains of some CIs of the answer, by id."""
        at_row = self.whole.columns.rows_of(ids, store)
        return self.whole.chains_at([at_row[i] for i in ids])


class _ChainsThrough:
    """The chains of services below a CI that lost redundancy: the answer's chain to that CI,
    then the tree's chain from it to the service."""

    def __init__(self, to_start: dict[str, list[dict]], tree: PathTree):
        self.to_start, self.tree = to_start, tree

    def chains_of(self, ids: list[str]) -> list[list[dict]]:
        return [self.to_start[path[0]["id"]] + path[1:] for path in self.tree.chains_of(ids)]


def _memo_levels(policy):
    """``policy.level_of`` remembered per combination of the policy's property values: 17k
    services of an estate share a handful (each call folds the values by NFKC).

    >>> level_of = _memo_levels(criticality_policy())
    >>> level_of({"tier": "1"}), level_of({"tier": "1", "x": 2}), level_of({"tier": ["1"]})
    ('critical', 'critical', None)
    >>> level_of({"tier": 1}), level_of({"tier": 1.0})
    ('critical', None)
    """
    known: dict[tuple, str | None] = {}
    keys = policy.properties

    def level_of(props: dict) -> str | None:
        # with the types: 1, 1.0 and True are equal keys but fold to different texts
        values = tuple(map(props.get, keys))
        key = (values, tuple(map(type, values)))
        try:
            return known[key]
        except KeyError:
            level = known[key] = policy.level_of(props)
            return level
        except TypeError:  # a value that is a list or a mapping
            return policy.level_of(props)

    return level_of


def services_at_risk(store: Store, result: ImpactResult, schema: Schema) -> set[str]:
    """Ids of the services the failure leaves at risk (see the module docstring)."""
    return {s.id for s in assess(store, result, schema=schema).at_risk}


def explain_ci(store: Store, radius: BlastRadius, ci_id: str) -> dict:
    """Why one CI is in the answer (``itss impact --explain ID``): its status, the chain from a
    failed CI, the redundancy lost along it; for a service, its class and next failures.

    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> answer = explain_ci(store, blast_radius(store, ["pdu:a"]), "vm:web1")
    >>> answer["status"], chain_text(answer["chain"])
    ('down', 'pdu:a -POWERED_BY-> server:app1 -RUNS_ON-> vm:web1')
    >>> [g["id"] for g in answer["redundancy"]]
    ['server:app1']
    """
    from itss_graph.engine.lookup import require_cis

    require_cis(store, [ci_id])
    result = radius.impact
    whole = result.whole
    sources = {s.id: s for s in result.sources}
    service = next((s for s in radius.services if s.id == ci_id), None)
    out: dict = {"id": ci_id}
    if ci_id in sources:
        source = sources[ci_id]
        out.update(type=source.type, name=source.name, status="failed", depth=0)
    elif ci_id in whole.row_of:
        i, ci_type, name, depth, effect, via, origin = whole.columns.row(whole.row_of[ci_id])
        out.update(type=ci_type, name=name, status=effect, depth=depth, via=via, **{"from": origin})
    else:
        ci_type, name = store.headers([ci_id]).get(ci_id, ("", ""))
        out.update(type=ci_type, name=name, status="not impacted", depth=None)
    if service is not None:
        out.update(status=service.status if not service.failed else "failed", depth=service.depth,
                   service=service.as_dict())
        chain = list(service.chain)
    else:
        chain = result.chain(ci_id)
    out["chain"] = chain
    on_chain = {step["id"] for step in chain} | {ci_id}
    out["redundancy"] = [g.as_dict() for g in rows_of(radius.losses, [k for k, i in enumerate(ids_of(radius.losses))
                                                                        if i in on_chain])]
    return out
