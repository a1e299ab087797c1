"""Machine-readable output: JSON documents and CSV rows.

Example:
    >>> print(to_csv(["id", "name"], [["a", "x,y"]]).strip())
    id,name
    a,"x,y"
"""

from __future__ import annotations

from typing import Any, Sequence

FORMATS = ("table", "json", "csv")
# json and csv are imported where used: the CLI imports this module for FORMATS, and
# `itss --help` imports nothing but click and the catalogue


def to_json(document: Any) -> str:
    """Pretty, UTF-8 (not \\u-escaped) JSON with a trailing newline."""
    import json

    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
