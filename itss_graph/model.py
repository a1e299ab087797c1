"""The CMDB's data model: configuration items and relations.

Example:
    >>> ci = CI("vm:1", "vm", "web-01", {"os": "linux"})
    >>> ci.props["os"]
    'linux'
    >>> Relation("vm:1", "RUNS_ON", "cluster:1").key
    ('vm:1', 'RUNS_ON', 'cluster:1')
"""

from __future__ import annotations

import json

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
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
