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
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from itss_graph.model import CI, Relation

if TYPE_CHECKING:
    from itss_graph.stores.batch import Batch

OUTGOING = "out"
INCOMING = "in"


@dataclass
class LoadReport:
    """What a load did (or, with dry_run, would do): counts per CI type and relation type, and
    — filled by the loader and the store — the row report, warnings, skipped rows and pruning.

    ``rows`` (only when asked for) holds one entry per input row: ``{"file", "line", "kind",
    "id" | "source"/"type"/"target", "outcome"}`` with outcome created / updated / unchanged,
    and for updated rows a ``diff`` ``{field: [old, new]}`` (properties as ``props.KEY``).
    ``skipped`` are the problems of rows left out under ``--on-error skip``.
    """

    cis: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_zero_counts))
    relations: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_zero_counts))
    dry_run: bool = False
    rows: list[dict] | None = None
    warnings: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    skipped_total: int = 0
    pruned: dict[str, int] = field(default_factory=lambda: {"cis": 0, "relations": 0})
    pruned_ids: list[str] = field(default_factory=list)
    source: str | None = None
    load_id: int | None = None
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, type_name: str, outcome: str, n: int = 1) -> None:
        table = self.cis if kind == "ci" else self.relations
        table[type_name][outcome] += n

    def totals(self) -> dict[str, dict[str, int]]:
        out = {}
        for kind, table in (("cis", self.cis), ("relations", self.relations)):
            total = _zero_counts()
            for counts in table.values():
                for k, v in counts.items():
                    total[k] += v
            out[kind] = total
        return out

    @property
    def changed(self) -> bool:
        totals = self.totals()
        return (any(t["created"] or t["updated"] for t in totals.values())
                or any(self.pruned.values()))

    def as_dict(self) -> dict:
        out = {
            "dry_run": self.dry_run,
            "cis": {k: dict(v) for k, v in sorted(self.cis.items())},
            "relations": {k: dict(v) for k, v in sorted(self.relations.items())},
            "totals": self.totals(),
            "source": self.source,
            "load": self.load_id,
            "complete": self.complete,
            "pruned": dict(self.pruned),
            "warnings": [w.as_dict() for w in self.warnings],
            "skipped": [p.as_dict() for p in self.skipped],
            "skipped_total": self.skipped_total,
            "notes": list(self.notes),
        }
        if self.pruned_ids:
            out["pruned_ids"] = list(self.pruned_ids)
        if self.rows is not None:
            out["rows"] = self.rows
        return out


def _zero_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


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

    def generation(self) -> str:
        """A token that changes whenever the store's content changes (for caches of derived
        data such as closure indexes). Stores that cannot tell return a fresh token."""
        import uuid

        return uuid.uuid4().hex

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

    def load_lock(self) -> AbstractContextManager:
        """Serialise loads: held by a loader from its checks against the store to the end of
        :meth:`apply` (re-entrant), so another load cannot change what the checks saw — two
        loads that each add half of a cycle cannot both pass. Readers are never blocked."""
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
