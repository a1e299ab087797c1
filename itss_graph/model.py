"""The CMDB's data model: configuration items and relations.

Example:
    >>> ci = CI("vm:1", "vm", "web-01", {"os": "linux"})
    >>> ci.props["os"]
    'linux'
    >>> Relation("vm:1", "RUNS_ON", "cluster:1").key
    ('vm:1', 'RUNS_ON', 'cluster:1')
"""

from __future__ import annotations

from itss_graph.frozen import Frozen

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any

CI_FIELDS = ("id", "name", "type")
RELATION_FIELDS = ("source", "type", "target")

class CI(Frozen):
    """A configuration item: stable id, ontology type, display name and free properties.

    >>> CI("vm:1", "vm", "web-01") == CI("vm:1", "vm", "web-01", {}), CI("vm:1", "vm", "w")
    (True, CI(id='vm:1', type='vm', name='w', props={}))
    """

    __slots__ = ("id", "type", "name", "props")

    def __init__(self, id: str, type: str, name: str, props: dict[str, Any] | None = None):
        init = object.__setattr__
        init(self, "id", id)
        init(self, "type", type)
        init(self, "name", name)
        init(self, "props", {} if props is None else props)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, **self.props}


class Relation(Frozen):
    """A typed, directed relation SOURCE -[TYPE]-> TARGET with free properties."""

    __slots__ = ("source", "type", "target", "props")

    def __init__(self, source: str, type: str, target: str, props: dict[str, Any] | None = None):
        init = object.__setattr__
        init(self, "source", source)
        init(self, "type", type)
        init(self, "target", target)
        init(self, "props", {} if props is None else props)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "type": self.type, "target": self.target, **self.props}


def canonical_json(value: Any) -> str:
    """Deterministic JSON used to store and compare property maps.

    >>> canonical_json({"b": 1, "a": "中"})
    '{"a":"中","b":1}'
    """
    import json  # (not at the top: a small impact decodes and never encodes, see decode_json)

    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_scan = None  # the C scanner of json.loads, made on first use (False where there is none)


def decode_json(text: str) -> Any:
    """``json.loads(text)``, without importing ``json`` for the text a store writes.

    The json package imports re and enum (~5 ms of a cold process, more than a small impact
    reads from SQLite): the properties :func:`canonical_json` wrote (no whitespace) are
    decoded by the C scanner ``json.loads`` itself runs, with the same settings; any other
    text (whitespace around it, an error, no C accelerator) goes to ``json.loads``, so the
    value or the error is always that of ``json.loads``.

    >>> decode_json('{"a":[1,2.5,null,true,"中"],"b":{"c":-1e3}}')
    {'a': [1, 2.5, None, True, '中'], 'b': {'c': -1000.0}}
    >>> decode_json(' {"a": NaN} ')
    {'a': nan}
    >>> decode_json('{"a":1} x')
    Traceback (most recent call last):
    ...
    json.decoder.JSONDecodeError: Extra data: line 1 column 9 (char 8)
    """
    global _scan
    if _scan is None:
        _scan = _c_scanner()
    if _scan:
        try:
            value, end = _scan(text, 0)
        except Exception:  # (StopIteration, a decoding error: json.loads raises its own below)
            pass
        else:
            if end == len(text):
                return value
    import json

    return json.loads(text)


class _Settings:
    """The attributes the C scanner reads from a ``json.JSONDecoder()`` (its defaults; the
    scanner keeps its own memo of keys, as the one ``json.loads`` shares between calls does)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def _c_scanner():
    try:
        from _json import make_scanner
    except ImportError:  # (no C accelerator: json.loads)
        return False
    return make_scanner(_Settings())
