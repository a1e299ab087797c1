"""CSV that opens correctly in Excel: on Chinese Windows, Excel reads a CSV file without a byte
order mark as GBK (mojibake for UTF-8), so a file meant for Excel is written either as UTF-8 with
a BOM (``utf-8-sig``, every character kept) or as GBK, with Windows line ends.

Example:
    >>> csv_bytes(["标准"], [["GB/T 28827.1"]], excel=True)
    b'\\xef\\xbb\\xbf\\xe6\\xa0\\x87\\xe5\\x87\\x86\\r\\nGB/T 28827.1\\r\\n'
    >>> csv_bytes(["名称"], [["运维"]], encoding="gbk")
    b'\\xc3\\xfb\\xb3\\xc6\\n\\xd4\\xcb\\xce\\xac\\n'
"""

from __future__ import annotations

import csv
import io
import json

from itss_graph.errors import ItssError
from itss_graph.i18n import M_

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any, Sequence

ENCODINGS = ("utf-8", "utf-8-sig", "gbk")


class CsvEncodingError(ItssError):
    """A value cannot be written in the chosen encoding (GBK lacks a character)."""


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str | None = None,
              excel: bool = False) -> bytes:
    """The table as CSV bytes. ``excel`` means Windows line ends and, unless an encoding is given,
    UTF-8 with a BOM. A character GBK cannot hold is a :class:`CsvEncodingError` naming its row
    and column (nothing is replaced silently)."""
    encoding = encoding or ("utf-8-sig" if excel else "utf-8")
    if encoding not in ENCODINGS:
        raise CsvEncodingError(M_("unknown CSV encoding {encoding!r}; use one of {encodings}", encoding=encoding, encodings=', '.join(ENCODINGS)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    table = [list(headers), *([_value(v) for v in row] for row in rows)]
    for number, row in enumerate(table):
        if encoding == "gbk":
            for column, value in zip(headers, row):
                text = str(value)
                try:
                    text.encode("gbk")
                except UnicodeEncodeError as exc:
                    char = text[exc.start]
                    where = "the header" if number == 0 else f"row {number}"
                    raise CsvEncodingError(
                        M_("cannot write {char!r} (U+{ord:04X}) in GBK: {where}, column {column!r}; use --encoding utf-8-sig (Excel reads it too)", char=char, ord=ord(char), where=where, column=column)) from None
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)
