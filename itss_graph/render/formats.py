"""Machine-readable output: JSON documents and CSV rows.

Example:
    >>> print(to_csv(["id", "name"], [["a", "x,y"]]).strip())
    id,name
    a,"x,y"
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any, Sequence


FORMATS = ("table", "json", "csv")
# json and csv are imported where used: the CLI imports this module for FORMATS, and
# `itss --help` imports nothing but click and the catalogue


class OneLine(list):
    """A list that :func:`to_json` writes one item per line, each item as ``json.dumps`` writes
    it (the C encoder): long lists of records (the services of a blast radius, the redundancy
    groups) stay readable and cost the encoder's time, not one Python step per value.

    >>> print(to_json({"services": OneLine([{"id": "a", "chain": [1, 2]}, {"id": "b"}]), "n": OneLine()}), end="")
    {
      "services": [
        {"id": "a", "chain": [1, 2]},
        {"id": "b"}
      ],
      "n": []
    }
    """


def to_json(document: Any) -> str:
    """Pretty, UTF-8 (not \\u-escaped) JSON with a trailing newline: the text of
    ``json.dumps(document, ensure_ascii=False, indent=2)``, written by joining strings the C
    encoder escapes. (With ``indent`` the standard library encodes in pure Python, one
    generator step per value: seconds for an answer naming 100k CIs.)

    >>> print(to_json({"a": [1, "名", None], "b": {}, "c": [], "d": 1.5}), end="")
    {
      "a": [
        1,
        "名",
        null
      ],
      "b": {},
      "c": [],
      "d": 1.5
    }
    """
    from json.encoder import encode_basestring

    out: list[str] = []
    _write(document, "\n", out, encode_basestring)
    out.append("\n")
    return "".join(out)


def _write(value: Any, newline: str, out: list[str], encode) -> None:
    """Append ``value`` pretty-printed as ``json.dumps(indent=2)`` does, at the indentation
    that ``newline`` ends with."""
    if isinstance(value, str):
        out.append(encode(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float_text(value))
    elif type(value) is OneLine:
        if not value:
            out.append("[]")
            return
        import json

        inner = newline + "  "
        line = json.JSONEncoder(ensure_ascii=False).encode
        out.append("[" + inner + ("," + inner).join(map(line, value)) + newline + "]")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        if all(type(item) is str for item in value):  # lists of ids: one join
            out.append("[" + inner + ("," + inner).join(map(encode, value)) + newline + "]")
            return
        out.append("[")
        sep = inner
        for item in value:
            out.append(sep)
            sep = "," + inner
            _write(item, inner, out, encode)
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        sep = inner
        for key, item in value.items():
            out.append(sep + encode(_key_text(key)) + ": ")
            sep = "," + inner
            _write(item, inner, out, encode)
        out.append(newline + "}")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    """A dict key as the standard encoder writes it (its keys may be str, numbers, bools, None)."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float_text(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


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
