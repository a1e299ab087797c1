"""Write CIs and relations in the canonical inventory format (the loader's input format).

``export → load`` gives back the same store: CSV for string properties (as CSV inventories
have), JSON or YAML for any property values. CSV tables start with their key columns —
``id,name,type`` for CIs, ``source,type,target`` for relations — which is how the loader tells
them apart even when CIs have properties named ``source`` and ``target``.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.model import CI, Relation
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> files = write_inventory([[CI("a", "vm", "a")]], [[Relation("a", "RUNS_ON", "a")]], out, "csv")
    >>> sorted(p.name for p in files)
    ['cis.csv', 'relations.csv']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Callable, Iterable

from itss_graph.model import CI, Relation


def write_inventory(ci_batches: Iterable[list[CI]], relation_batches: Iterable[list[Relation]],
                    target: Path, fmt: str) -> list[Path]:
    """Write to ``target`` (a directory for csv, a file for json/yaml); return files written."""
    if fmt == "csv":
        target.mkdir(parents=True, exist_ok=True)
        cis = [ci for batch in ci_batches for ci in batch]
        rels = [r for batch in relation_batches for r in batch]
        return [
            _write_csv(target / "cis.csv", ["id", "name", "type"], cis,
                       lambda c: {"id": c.id, "name": c.name, "type": c.type, **c.props}),
            _write_csv(target / "relations.csv", ["source", "type", "target"], rels,
                       lambda r: {"source": r.source, "type": r.type, "target": r.target, **r.props}),
        ]
    document = {
        "cis": [{"id": c.id, "name": c.name, "type": c.type, **c.props}
                for batch in ci_batches for c in batch],
        "relations": [{"source": r.source, "type": r.type, "target": r.target, **r.props}
                      for batch in relation_batches for r in batch],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        import yaml

        target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
    return [target]


def _write_csv(path: Path, fixed: list[str], items: list, as_row: Callable) -> Path:
    extra = sorted({k for item in items for k in item.props} - set(fixed))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fixed + extra, lineterminator="\n")
        writer.writeheader()
        for item in items:
            row = as_row(item)
            writer.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                                 else v) for k, v in row.items()})
    return path
