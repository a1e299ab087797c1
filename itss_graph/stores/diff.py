"""Field-level differences between two versions of a CI or a relation, for row reports and the
change history. Properties are compared key by key and named ``props.KEY``; an absent value is
``None``.

Example:
    >>> ci_diff(("server", "db", '{"site":"DC1"}'), ("server", "db-01", '{"site":"DC2","os":"x"}'))
    {'name': ['db', 'db-01'], 'props.os': [None, 'x'], 'props.site': ['DC1', 'DC2']}
"""

from __future__ import annotations

import json
from typing import Any


def ci_diff(old: tuple[str, str, str], new: tuple[str, str, str]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` between (type, name, props_json) tuples."""
    out: dict[str, list[Any]] = {}
    for field, a, b in (("type", old[0], new[0]), ("name", old[1], new[1])):
        if a != b:
            out[field] = [a, b]
    out.update(props_diff(old[2], new[2]))
    return out


def props_diff(old_json: str | None, new_json: str | None) -> dict[str, list[Any]]:
    """``{"props.KEY": [old, new]}`` for the keys whose values differ."""
    if old_json == new_json:
        return {}
    old = json.loads(old_json or "{}")
    new = json.loads(new_json or "{}")
    return {f"props.{key}": [old.get(key), new.get(key)]
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def reverse(diff: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The diff that undoes ``diff``."""
    return {k: [v[1], v[0]] for k, v in diff.items()}
