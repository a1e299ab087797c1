"""The answer of an impact analysis: the failed CIs and what they take with them, in the JSON
contract's order (services first, then by layer, type, effect, depth, id).

Each impacted CI also carries the *class* of its explanation (not part of the JSON rows): 0 a
hard dependency was lost, 1 a redundancy group lost members (enough to lose the CI, or only
some: then the CI is degraded and has *lost redundancy*), 2 a degrading relation (a cable)
lost its other end. ``--depth N`` filters a whole answer (:meth:`ImpactResult.limited`):
what fails never depends on the limit, only what is listed.

Example:
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.model import CI
    >>> result = make_result(load_schema(), [CI("h", "server", "host", {})],
    ...                      [ImpactedCI("v", "vm", "web", 1, "down", "RUNS_ON", "h")], None, {})
    >>> result.summary()["by_effect"], [s.id for s in result.services]
    ({'down': 1, 'degraded': 0}, [])
"""

from __future__ import annotations

from collections import Counter, namedtuple
from functools import cached_property

from itss_graph.model import CI
from itss_graph.schema import Schema
from itss_graph.semantics import DEGRADED, DOWN

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable


class ImpactedCI(namedtuple("ImpactedCI", [
        "id",  # str
        "type",  # str
        "name",  # str
        "depth",  # int
        "effect",  # str: "down" or "degraded"
        "via",  # str: relation type crossed last
        "from_id",  # str: the CI it was reached from
    ])):
    """A CI lost or degraded by the failure, and how the failure reached it."""

    __slots__ = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "depth": self.depth,
                "effect": self.effect, "via": self.via, "from": self.from_id}


HARD, GROUP, LINK = 0, 1, 2  # explanation classes


class ImpactColumns:
    """The impacted CIs column by column (cheap to build and to print for 100k rows)."""

    def __init__(self, ids=None, types=None, names=None, depths=None, effects=None, vias=None, froms=None,
                 classes=None):
        self.ids: list[str] = ids or []
        self.types: list[str] = types or []
        self.names: list[str] = names or []
        self.depths: list[int] = depths or []
        self.effects: list[str] = effects or []
        self.vias: list[str] = vias or []
        self.froms: list[str] = froms or []
        self.classes: list[int] = classes or []

    def chain_at(self, k: int) -> list[dict]:
        """The steps from the failed CI to row ``k`` (the first step holds only the failed
        CI's id): each impacted CI names the CI it was reached from, so they form a tree."""
        rows = self.__dict__.get("_by_id")
        if rows is None:
            rows = self.__dict__["_by_id"] = {i: n for n, i in enumerate(self.ids)}
        steps = []
        while k is not None and len(steps) <= len(rows):
            i, ci_type, name, _, _, via, origin = self.row(k)
            steps.append({"id": i, "type": ci_type, "name": name, "via": via})
            k = rows.get(origin)
            if k is None:
                steps.append({"id": origin, "type": "", "name": "", "via": None})
        steps.reverse()
        return steps

    def rows_of(self, ids: Iterable[str], store=None) -> dict[str, int]:
        """The row of each of ``ids`` that is in the columns (``store``: where columns that
        hold index positions look ids up)."""
        rows = self.__dict__.get("_by_id")
        if rows is None:
            rows = self.__dict__["_by_id"] = {i: n for n, i in enumerate(self.ids)}
        return {i: rows[i] for i in ids if i in rows}

    def chains_at(self, rows: Iterable[int]) -> list[list[dict]]:
        """:meth:`chain_at` of several rows (columns that can, do it in one pass)."""
        return [self.chain_at(k) for k in rows]

    def within(self, max_depth: int) -> "ImpactColumns":
        """The rows at most ``max_depth`` relations from a failed CI, in the same order."""
        keep = [k for k, d in enumerate(self.depths) if d <= max_depth]
        return ImpactColumns(*([column[k] for k in keep] for column in (
            self.ids, self.types, self.names, self.depths, self.effects, self.vias, self.froms,
            self.classes)))

    def __len__(self) -> int:
        return len(self.types)

    def count_down(self) -> int:
        """How many of the rows are down (the others are degraded)."""
        return self.effects.count("down")

    def rows(self):
        """(id, type, name, depth, effect, via, from) tuples."""
        return zip(self.ids, self.types, self.names, self.depths, self.effects, self.vias, self.froms)

    def row(self, k: int) -> tuple:
        return (self.ids[k], self.types[k], self.names[k], self.depths[k], self.effects[k],
                self.vias[k], self.froms[k])

    def rows_in(self, start: int, stop: int) -> list[tuple]:
        """The rows ``start`` to ``stop`` (excluded), as :meth:`row` gives them."""
        return [self.row(k) for k in range(start, min(stop, len(self)))]

    def type_runs(self) -> list[tuple[str, int]]:
        """(type, how many rows) for each run of rows of one type, in row order (an answer's
        rows come grouped by type).

        >>> ImpactColumns(types=["vm", "vm", "server", "vm"]).type_runs()
        [('vm', 2), ('server', 1), ('vm', 1)]
        """
        from itertools import groupby

        return [(ci_type, sum(1 for _ in run)) for ci_type, run in groupby(self.types)]

    def leading(self, kinds) -> int:
        """How many rows, from the first, have a type among ``kinds`` (the services come first)."""
        n = 0
        for ci_type in self.types:
            if ci_type not in kinds:
                break
            n += 1
        return n

    @classmethod
    def from_records(cls, records: Iterable[ImpactedCI]) -> "ImpactColumns":
        columns = cls()
        for r in records:
            columns.ids.append(r.id)
            columns.types.append(r.type)
            columns.names.append(r.name)
            columns.depths.append(r.depth)
            columns.effects.append(r.effect)
            columns.vias.append(r.via)
            columns.froms.append(r.from_id)
            columns.classes.append(HARD if r.effect == DOWN else LINK)
        return columns


class ImpactResult:
    """The answer of :func:`impact`: the failed CIs and what they take with them.

    ``impacted`` is in the contract's order (services first, then by layer, type, effect,
    depth, id); ``columns`` holds the same data column by column.
    """

    def __init__(self, sources: list[CI], impacted: "list[ImpactedCI] | ImpactColumns",
                 max_depth: int | None, service_types: frozenset[str] = frozenset(),
                 props: dict[str, dict] | None = None):
        self.sources = sources
        self.columns = impacted if isinstance(impacted, ImpactColumns) else ImpactColumns.from_records(impacted)
        self.max_depth = max_depth
        self.service_types = frozenset(service_types)
        self.props = props or {}  # id -> properties (when asked for)
        self._whole: ImpactResult | None = None  # the unfiltered answer, when limited

    @property
    def whole(self) -> "ImpactResult":
        """The unfiltered answer (see :meth:`limited`): this one unless it is limited. (Not an
        attribute holding ``self``: such a cycle left every answer, and its closure's ~10 MB of
        arrays at 1M CIs, to the cyclic garbage collector, so a server's next answers faulted
        fresh memory in instead of reusing theirs.)"""
        return self if self._whole is None else self._whole

    def limited(self, max_depth: int | None) -> "ImpactResult":
        """This answer listing only the CIs at most ``max_depth`` relations from a failed CI.

        The closure is always computed whole, so a listed CI's effect is final: a CI listed as
        degraded never has its redundancy exhausted by CIs beyond the limit. ``whole`` keeps
        the full answer (service classes and obligations are graded on it)."""
        if max_depth is None:
            return self
        out = ImpactResult(self.sources, self.columns.within(max_depth), max_depth,
                           self.service_types, self.props)
        out._whole = self
        return out

    @property
    def beyond_depth(self) -> int:
        """Impacted CIs left out by the depth limit."""
        return len(self.whole.columns) - len(self.columns)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """id -> row number in ``columns``."""
        return {i: k for k, i in enumerate(self.columns.ids)}

    def chain(self, ci_id: str) -> list[dict]:
        """How the failure reached ``ci_id``: the steps from a failed CI to it, each
        ``{"id", "type", "name", "via"}`` (``via``: the relation crossed to reach the step;
        None for the failed CI). Empty when ``ci_id`` is neither failed nor impacted.

        Uses the whole answer, so it is complete under a depth limit too."""
        whole = self.whole
        sources = {s.id: s for s in whole.sources}
        if ci_id in sources:
            source = sources[ci_id]
            return [{"id": source.id, "type": source.type, "name": source.name, "via": None}]
        k = whole.row_of.get(ci_id)
        if k is None:
            return []
        return self.chains_at([k])[0]

    def chains_at(self, rows: Iterable[int]) -> list[list[dict]]:
        """:meth:`chain` of the CIs at ``rows`` of the whole answer's columns, in one pass
        (an answer from the closure index decodes the ids and names of all chains at once)."""
        whole = self.whole
        return from_sources(whole.columns.chains_at(rows), {s.id: s for s in whole.sources})

    @cached_property
    def impacted(self) -> list[ImpactedCI]:
        return [ImpactedCI(*row) for row in self.columns.rows()]

    @property
    def services(self) -> list[ImpactedCI]:
        columns = self.columns
        return [ImpactedCI(*row) for row in columns.rows_in(0, columns.leading(self.service_types))]

    def summary(self) -> dict:
        effects = Counter(self.columns.effects)
        out = {
            "total": len(self.columns),
            "by_type": dict(sorted(Counter(self.columns.types).items())),
            "by_effect": {e: effects.get(e, 0) for e in (DOWN, DEGRADED)},
            "services": [{"id": s.id, "name": s.name, "effect": s.effect} for s in self.services],
        }
        if self.max_depth is not None:
            out["beyond_depth"] = self.beyond_depth
        return out

    def head(self) -> dict:
        """The contract's fields before ``impacted``."""
        first = self.sources[0]
        return {
            "source": {"id": first.id, "type": first.type, "name": first.name},
            "sources": [{"id": s.id, "type": s.type, "name": s.name} for s in self.sources],
            "max_depth": self.max_depth,
        }

    def as_dict(self) -> dict:
        """The stable JSON contract (README, "impact JSON")."""
        return {**self.head(),
                "impacted": [{"id": i, "type": t, "name": n, "depth": d, "effect": e, "via": v, "from": f}
                             for i, t, n, d, e, v, f in self.columns.rows()],
                "summary": self.summary()}


def from_sources(chains: Iterable[list[dict]], sources: dict) -> list[list[dict]]:
    """Chains whose first step is a failed CI named as the answer names it (``sources``: id ->
    CI); a chain from elsewhere is empty. Each chain's list is changed in place.

    >>> from itss_graph.model import CI
    >>> from_sources([[{"id": "a", "via": None}, {"id": "b", "via": "RUNS_ON"}], [{"id": "x"}]],
    ...              {"a": CI("a", "server", "A")})[0][0]
    {'id': 'a', 'type': 'server', 'name': 'A', 'via': None}
    """
    out = []
    for steps in chains:
        source = sources.get(steps[0]["id"])
        if source is None:
            out.append([])
            continue
        steps[0] = {"id": source.id, "type": source.type, "name": source.name, "via": None}
        out.append(steps)
    return out


def sorted_columns(schema: Schema, headers: dict, down: dict, degraded: dict) -> "ImpactColumns":
    """The impacted CIs as columns in the contract's order (services first, then layer, type,
    effect, depth, id), sorted once over plain keys instead of per-row records. ``down`` and
    ``degraded`` map ids to (depth, via, from, class)."""
    services = schema.service_types()
    type_key = {t: (t not in services, schema.layer(t), t) for t, _ in set(headers.values())}
    rows = [(type_key[headers[i][0]], effect, d, i, via, f, c)
            for effect, table in ((DOWN, down), (DEGRADED, degraded))
            for i, (d, via, f, c) in table.items()]
    rows.sort(key=lambda r: (r[0], r[1] != DOWN, r[2], r[3]))
    ids = [r[3] for r in rows]
    return ImpactColumns(ids, [r[0][2] for r in rows], [headers[i][1] for i in ids],
                         [r[2] for r in rows], [r[1] for r in rows], [r[4] for r in rows],
                         [r[5] for r in rows], [r[6] for r in rows])


def make_result(schema: Schema, sources: list[CI], impacted: "list[ImpactedCI] | ImpactColumns",
                max_depth: int | None, props: dict[str, dict], *, presorted: bool = False) -> ImpactResult:
    """An ImpactResult in the contract's order: services first, then by layer, type, effect,
    depth and id (``presorted``: the caller already ordered ``impacted`` so)."""
    services = frozenset(schema.service_types())
    if not presorted:
        impacted.sort(key=lambda x: (x.type not in services, schema.layer(x.type), x.type,
                                     x.effect != DOWN, x.depth, x.id))
    return ImpactResult(sources, impacted, max_depth, services, props)
