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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from itss_graph.model import CI, Relation

if TYPE_CHECKING:
    from itss_graph.loading.staging import Staging

OUTGOING = "out"
INCOMING = "in"


@dataclass
class LoadReport:
    """What a load did (or, with dry_run, would do): counts per CI type and relation type."""

    cis: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_zero_counts))
    relations: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_zero_counts))
    dry_run: bool = False

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
        return any(t["created"] or t["updated"] for t in totals.values())

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "cis": {k: dict(v) for k, v in sorted(self.cis.items())},
            "relations": {k: dict(v) for k, v in sorted(self.relations.items())},
            "totals": self.totals(),
        }


def _zero_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


class Store(ABC):
    """A graph store of CIs and relations."""

    kind: str = "abstract"

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
    def apply(self, staging: "Staging", *, dry_run: bool = False) -> LoadReport:
        """Merge validated, staged rows into the store and report what changed.

        CIs are matched by id; a matched CI takes the staged type, name and properties.
        Relations are matched by (source, type, target). Nothing is deleted.
        With ``dry_run`` the counts are computed and nothing is written.
        """

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
