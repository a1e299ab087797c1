"""The interface every store implements: the embedded SQLite store and Neo4j.

The engine only needs a few batched reads (CIs by id, the edges around a set of CIs); loaders
only need :meth:`Store.apply`. Keeping the interface this small is what lets both stores give
identical answers: the semantics live in the engine, not in store-specific query text.

Example:
    >>> from itss_graph.stores import open_store
    >>> store = open_store(":memory:")
    >>> store.kind
    'sqlite'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cache

from itss_graph.errors import StoreError
from itss_graph.i18n import M_
from itss_graph.model import CI, Relation

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Sequence
    from itss_graph.schema import Schema
    from itss_graph.stores.batch import Batch
    from itss_graph.stores.graph_index import GraphIndex
    from itss_graph.stores.load_report import LoadReport



def __getattr__(name: str):
    """``LoadReport`` lives in :mod:`itss_graph.stores.load_report` (a dataclass: only loads
    import it, so a query's cold process does not import :mod:`dataclasses`)."""
    if name == "LoadReport":
        from itss_graph.stores.load_report import LoadReport

        return LoadReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


OUTGOING = "out"
INCOMING = "in"

Edge = tuple[str, str, str, "str | None", "int | None"]  # (id, type, other, group, min_up)
# (id, type, other, id is the relation's source, group, min_up)
FlowEdge = tuple[str, str, str, bool, "str | None", "int | None"]
# (down, degraded, headers): id -> (depth, via, from, explanation class); id -> (type, name)
ImpactWalk = tuple[dict, dict, dict]
# a CI on a chain of Store.walk_paths: (type, name, relation reached over, CI reached from)
PathStep = tuple[str, str, "str | None", "str | None"]


def text_values(props: Mapping[str, Any]) -> Iterator[str]:
    """The property values of a CI as text, lists item by item (what ``find`` looks in).

    >>> list(text_values({"site": "DC1", "tags": ["a", 2], "rack": None}))
    ['DC1', 'a', '2']
    """
    for value in props.values():
        for item in value if isinstance(value, list) else (value,):
            if item is not None and not isinstance(item, dict):
                yield str(item)


def where_matches(ci: CI, key: str, folded_value: str) -> bool:
    """True when the CI's field ``key`` (id, type, name or a property; a list: one item) folds
    to ``folded_value``.

    >>> where_matches(CI("a", "server", "A", {"site": "ＤＣ1"}), "site", "dc1")
    True
    """
    from itss_graph.textmatch import fold

    value = {"id": ci.id, "type": ci.type, "name": ci.name}.get(key, ci.props.get(key))
    if value is None or isinstance(value, dict):
        return False
    items = value if isinstance(value, list) else [value]
    return any(fold(item) == folded_value for item in items if item is not None)


def int_or_none(value) -> int | None:
    """A property read back from a store as an integer, or None (absent or not a number)."""
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


class RelationDuplicates(Exception):
    """Raised by :meth:`Store.apply` when the batch's relations were not checked for duplicates
    yet (:attr:`Batch.relations_checked` false) and it found some, or cannot look for them
    itself; nothing was written. The loader then folds or reports them and applies again."""


@cache
def key_whitespace() -> str:
    """The characters trimmed from key values before they are compared (those ``str.strip``
    removes), for stores that compare in SQL."""
    return "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


def key_text(value) -> str | None:
    """A stored value as an identification key compares: trimmed text (None stays None).

    >>> key_text(" web-01 "), key_text(7), key_text(None)
    ('web-01', '7', None)
    """
    return None if value is None else str(value).strip()


class Store(ABC):
    """A graph store of CIs and relations."""

    kind: str = "abstract"
    # True when apply() detects duplicate staged relations itself while writing into an empty
    # store (raising RelationDuplicates), so loaders need not sort every relation beforehand
    detects_relation_duplicates: bool = False

    # -- reads used by the engine -------------------------------------------------------------
    @abstractmethod
    def get_cis(self, ids: Iterable[str]) -> dict[str, CI]:
        """The CIs with these ids (missing ids are simply absent from the result)."""

    @abstractmethod
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids are in the store."""

    @abstractmethod
    def edges(self, ids: Sequence[str], direction: str,
              rel_types: Sequence[str]) -> list[tuple[str, str, str]]:
        """Edges of the given types around ``ids``.

        ``direction`` OUTGOING gives ``(id, type, target)`` for ``id -[type]-> target``;
        INCOMING gives ``(id, type, source)`` for ``source -[type]-> id``.
        """

    # -- the engine's read protocol -------------------------------------------------------------
    # The engine applies the ontology's failure semantics itself; a store only answers these
    # batched reads. Defaults are built on the methods above, so a new store works with the
    # engine once it has get_cis and edges; the optional capabilities (a graph snapshot, walks
    # inside a server) only make answers faster, never different.

    #: reads are round trips worth overlapping (a server): the engine then fetches CI headers
    #: in the background while it walks the next level
    concurrent_reads: bool = False
    #: the language of user statements run by :meth:`run_read_only`: "sql" or "cypher"
    query_language: str = "sql"
    #: for a store that keeps a closure index: how many relations the engine reads level by
    #: level before it turns to the index (:mod:`itss_graph.engine.budget`); None: no index
    index_after_edges: int | None = None

    def edges_with_groups(self, ids: Sequence[str], direction: str,
                          rel_types: Sequence[str]) -> list[Edge]:
        """:meth:`edges` plus each relation's ``redundancy_group`` and ``min_up`` properties
        (None where absent): ``(id, type, other, group, min_up)``."""
        return [(i, t, o, None, None) for i, t, o in self.edges(ids, direction, rel_types)]

    def count_edges(self, ids: Sequence[str], direction: str, rel_types: Sequence[str], *,
                    limit: int) -> int:
        """How many edges :meth:`edges_with_groups` would return, counted up to ``limit``
        (asked only of stores that keep a closure index, by a walk that must know whether a
        level fits its budget before reading it, see :mod:`itss_graph.engine.budget`)."""
        return min(len(self.edges_with_groups(ids, direction, rel_types)), limit)

    def flow_edges(self, ids: Sequence[str], toward_source: Sequence[str],
                   toward_target: Sequence[str]) -> list[FlowEdge]:
        """Edges failure can cross from ``ids``: ``(id, type, other, id is the source, group,
        min_up)``. ``toward_source`` relation types are crossed from their target to their
        source, ``toward_target`` ones from source to target."""
        if not ids:
            return []
        return ([(i, t, o, False, g, m) for i, t, o, g, m in self.edges_with_groups(ids, INCOMING, toward_source)]
                + [(i, t, o, True, g, m) for i, t, o, g, m in self.edges_with_groups(ids, OUTGOING, toward_target)])

    def flow_edges_headed(self, ids: Sequence[str], toward_source: Sequence[str],
                          toward_target: Sequence[str]) -> tuple[list[FlowEdge], dict[str, tuple[str, str]]]:
        """:meth:`flow_edges`, and the headers (id -> (type, name)) of the other ends when the
        store reads them in the same round trip (a server: one round trip less per level of a
        walk); ``{}`` when it does not, and the engine asks :meth:`headers` for those it needs."""
        return self.flow_edges(ids, toward_source, toward_target), {}

    def provider_edges(self, ids: Sequence[str], outgoing: Sequence[str], incoming: Sequence[str]
                       ) -> tuple[list[Edge], list[Edge], "dict[str, int] | None"]:
        """The relations a redundancy group is made of, around ``ids``: :meth:`edges_with_groups`
        OUTGOING over ``outgoing`` types, INCOMING over ``incoming`` types, and :meth:`min_ups`
        of ``ids`` when the store reads them in the same round trip (None when it does not: the
        engine then asks for them only if a group was found)."""
        return (self.edges_with_groups(ids, OUTGOING, outgoing),
                self.edges_with_groups(ids, INCOMING, incoming), None)

    def group_details(self, ids: Sequence[str], toward_source: dict[str, str], toward_target: dict[str, str]
                      ) -> "dict[tuple[str, tuple], tuple[set[str], int, set[str]]] | None":
        """:func:`itss_graph.engine.impact.group_details` of ``ids`` computed by the store itself
        (Neo4j with ITSS Graph's procedures: ``itss.groups``, only the groups sent back), or
        None when it cannot: the engine then groups :meth:`provider_edges` itself."""
        return None

    def count_flow_edges(self, ids: Sequence[str], toward_source: Sequence[str],
                         toward_target: Sequence[str], *, limit: int) -> int:
        """How many edges :meth:`flow_edges` would return, counted up to ``limit``."""
        if not ids:
            return 0
        counted = self.count_edges(ids, INCOMING, toward_source, limit=limit)
        if counted >= limit:
            return limit
        return counted + self.count_edges(ids, OUTGOING, toward_target, limit=limit - counted)

    def headers(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """id -> (type, name) for the CIs among ``ids`` (no properties: cheaper than get_cis)."""
        return {ci.id: (ci.type, ci.name) for ci in self.get_cis(ids).values()}

    def names_and_props(self, ids: Sequence[str]) -> dict[str, tuple[str, dict]]:
        """id -> (name, properties) for the CIs among ``ids``, for answers that only read the
        properties: CIs with equal properties may share one dict (never change it)."""
        return {ci.id: (ci.name, ci.props) for ci in self.get_cis(ids).values()}

    def min_ups(self, ids: Sequence[str]) -> dict[str, int]:
        """id -> ``min_up`` (:func:`itss_graph.semantics.min_up_of`) for the CIs among ``ids``."""
        from itss_graph.semantics import min_up_of

        return {ci.id: min_up_of(ci.props) for ci in self.get_cis(ids).values()}

    def closure_index(self, schema: "Schema") -> "GraphIndex | None":
        """A CSR snapshot of the failure-flow graph (:mod:`itss_graph.stores.graph_index`) when
        this store keeps one, so the engine can walk it in memory; None otherwise."""
        return None

    def closure_index_open(self) -> bool:
        """Whether :meth:`closure_index` has already been opened by this process (so using it
        again costs nothing more)."""
        return False

    def walk_surely_exceeds(self, failed: Sequence[str], schema: "Schema", limit: int) -> bool:
        """Whether a walk by levels from the ``failed`` CIs is certain to read more than
        ``limit`` relations, known cheaply (without opening the closure index): the engine
        then goes to the index at once instead of reading levels in vain. False when the
        store cannot tell; the answer never depends on it."""
        return False

    def index_positions(self, index: "GraphIndex", ids: Sequence[str]):
        """Positions in ``index`` of the CIs with these ids (unknown ids skipped), as a numpy
        array; only called with an index this store returned."""
        raise NotImplementedError

    def walk_impact(self, failed: Sequence[str], toward_source: dict[str, str],
                    toward_target: dict[str, str], max_depth: int | None) -> "ImpactWalk | None":
        """The whole impact walk done by the store itself (a server-side procedure with the
        semantics passed in), or None when it cannot: ``(down, degraded, headers)`` with
        id -> (depth, via, from, class) for lost and degraded CIs (class 0 a hard dependency,
        1 a redundancy group, 2 a degrading relation: :mod:`itss_graph.engine.impact`) and
        id -> (type, name) for both."""
        return None

    def walk_reach(self, start: Sequence[str], incoming: Sequence[str], outgoing: Sequence[str],
                   only_types: Collection[str] | None) -> set[str] | None:
        """CIs reachable from ``start`` (excluded) over ``incoming`` relation types against their
        direction and ``outgoing`` ones along it, computed by the store itself; None when it
        cannot."""
        return None

    def walk_paths(self, start: Sequence[str], incoming: Sequence[str], outgoing: Sequence[str],
                   only_types: Collection[str] | None) -> "dict[str, PathStep] | None":
        """The shortest chains from ``start`` (as :meth:`walk_reach` walks), computed by the store
        itself, or None when it cannot: id -> (type, name, via, from) for every CI on a chain to
        a reached CI (of ``only_types``), ``via`` and ``from`` None for start CIs. A CI first
        reached at a level keeps the smallest (relation, from id) of that level."""
        return None

    def walk_further(self, lost: Collection[str], candidates: Sequence[str], targets: Collection[str],
                     toward_source: dict[str, str], toward_target: dict[str, str]
                     ) -> "dict[str, set[str]] | None":
        """For each candidate, the ``targets`` its failure would take down on top of the ``lost``
        CIs (:func:`itss_graph.engine.impact.further_losses`), computed by the store itself, or
        None when it cannot."""
        return None

    def run_read_only(self, statement: str, params: dict) -> tuple[list[str], list[list]]:
        """Run a user's statement (in :attr:`query_language`) read-only with bound parameters:
        (column names, rows). Raises :class:`StoreError` when the store refuses it."""
        raise StoreError(M_("this store runs no {query_language} statements", query_language=self.query_language))

    def generation(self) -> str:
        """A token that changes whenever the store's content changes (for caches of derived
        data such as closure indexes). Stores that cannot tell return a fresh token."""
        import uuid

        return uuid.uuid4().hex

    # -- finding CIs by what people type (itss find, closest matches) ---------------------------
    def find_cis(self, needle: str, *, types: Collection[str] | None = None,
                 where: Mapping[str, str] | None = None, limit: int = 1000) -> list[CI]:
        """CIs whose id, name or a property value contains ``needle`` (text already folded by
        :func:`itss_graph.textmatch.fold`; ``""`` matches every CI), of one of ``types``, and
        whose ``where`` fields (``id``, ``type``, ``name`` or a property) fold to the given
        values (for a list, one of its items does). Those whose id or name equals the needle come
        first, then those starting with it, then the rest by id; at most ``limit``.

        Stores may return a superset of the substring matches (the caller grades every CI with
        :func:`itss_graph.textmatch.tier`) but never miss one within ``limit``. This default
        reads every CI; stores override it with one query."""
        from itss_graph.textmatch import tier

        def order(ci: CI):
            grades = [tier(needle, ci.id), tier(needle, ci.name)]
            return (0 if "exact" in grades else 1 if "prefix" in grades else 2, ci.id)

        found = []
        for batch in self.iter_cis():
            for ci in batch:
                if types is not None and ci.type not in types:
                    continue
                if where and not all(where_matches(ci, k, v) for k, v in where.items()):
                    continue
                if needle and not any(tier(needle, v) for v in (ci.id, ci.name, *text_values(ci.props))):
                    continue
                found.append(ci)
        return sorted(found, key=order)[:limit]

    def iter_headers(self, types: Collection[str] | None = None,
                     batch: int = 100_000) -> Iterator[list[tuple[str, str, str]]]:
        """``(id, type, name)`` of every CI (of ``types``), in batches: the pool closest matches
        are looked for in, without the properties."""
        for cis in self.iter_cis(batch):
            rows = [(c.id, c.type, c.name) for c in cis if types is None or c.type in types]
            if rows:
                yield rows

    # -- whole-store reads --------------------------------------------------------------------
    @abstractmethod
    def stats(self) -> dict[str, dict[str, int]]:
        """Counts: ``{"cis": {type: n}, "relations": {type: n}}``."""

    @abstractmethod
    def iter_cis(self, batch: int = 10000) -> Iterator[list[CI]]:
        """All CIs, in batches, ordered by id."""

    @abstractmethod
    def iter_relations(self, batch: int = 10000) -> Iterator[list[Relation]]:
        """All relations, in batches, ordered by (source, type, target)."""

    # -- writes -------------------------------------------------------------------------------
    @abstractmethod
    def apply(self, batch: "Batch", *, dry_run: bool = False, details: bool = False,
              progress: Callable[[int], None] | None = None) -> LoadReport:
        """Merge a checked batch (:mod:`itss_graph.stores.batch`) into the store and report
        what changed.

        CIs are matched by id; a matched CI takes the staged type, name and properties (rows
        staged ``ENSURE`` — stubs — only create absent CIs; ``MERGE`` rows merge their
        properties over the stored ones). Relations are matched by (source, type, target).
        With ``batch.source`` the rows are claimed by that source; with ``batch.prune`` too,
        CIs and relations claimed by it that are absent from the batch lose the claim and are
        deleted when no other source claims them. Each load is recorded in the store's history
        with the changes it made to each CI. With ``dry_run`` the counts are computed and
        nothing is written. ``details`` fills :attr:`LoadReport.rows`; ``progress`` (if given)
        is told the number of staged rows dealt with so far, when the store works in steps.
        Applies run under :meth:`load_lock`.
        """

    def prepare_load(self) -> None:
        """Called by a load before it reads its input: a store may get ready meanwhile (Neo4j
        makes its schema on a thread). Nothing by default."""

    def load_lock(self) -> AbstractContextManager:
        """Serialise loads: held by a loader from its checks against the store to the end of
        :meth:`apply` (re-entrant), so another load cannot change what the checks saw — two
        loads that each add half of a cycle cannot both pass. Readers are never blocked."""
        from contextlib import nullcontext  # (loads only: a query does not import contextlib)

        return nullcontext()

    def is_empty(self) -> bool:
        """True when the store holds no CI."""
        return not any(self.stats()["cis"].values())

    def match_keys(self, fields: Sequence[str], values: Sequence[tuple[str, ...]], *,
                   with_types: bool = False) -> dict[tuple[str, ...], list]:
        """CIs whose ``fields`` (``id``, ``type``, ``name`` or property names) have one of the
        given value tuples, compared as trimmed text: ``{values: [id, ...]}``, or
        ``[(id, type), ...]`` with ``with_types``. Used to identify CIs by keys."""
        wanted = set(values)
        out: dict[tuple[str, ...], list] = defaultdict(list)
        for batch in self.iter_cis():
            for ci in batch:
                key_t = tuple(key_text({"id": ci.id, "type": ci.type, "name": ci.name}.get(f, ci.props.get(f)))
                              for f in fields)
                if key_t in wanted:
                    out[key_t].append((ci.id, ci.type) if with_types else ci.id)
        return dict(out)

    def history(self, ci_id: str) -> list[dict]:
        """The recorded changes of one CI, oldest first: ``{"load", "at", "source", "event",
        "diff"}`` with event created / updated / deleted (empty when the store keeps none)."""
        return []

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
