"""What a load did: counts per CI type and relation type, warnings, skipped rows and pruning.

>>> report = LoadReport()
>>> report.count("ci", "server", "created", 2)
>>> report.totals()["cis"], report.changed
({'created': 2, 'updated': 0, 'unchanged': 0}, True)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


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

