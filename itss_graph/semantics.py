"""How failure crosses relations: the ontology's rules, in the shape the engine uses.

A failed or lost CI ``f`` reaches a neighbour ``c`` over a relation in one of two ways:

* ``f`` is the *target* (``c -[r]-> f``): ``c`` gets ``r``'s ``onTargetFailure`` effect, and
  ``c``'s providers over ``r`` are its OUTGOING ``r`` edges;
* ``f`` is the *source* (``f -[r]-> c``): ``c`` gets ``r``'s ``onSourceFailure`` effect, and
  ``c``'s providers over ``r`` are its INCOMING ``r`` edges.

Redundancy (DESIGN.md §4): a CI's providers form *groups*; a group is lost when fewer than its
``min_up`` members remain up, and the CI with it. Groups come from

* the ontology — a relation whose effect is ``redundant`` (``POWERED_BY``, ``MEMBER_OF``) makes
  all of a CI's providers over it one group; ``min_up`` is the CI's own property (default 1);
* the inventory — relations carrying the property ``redundancy_group: NAME`` (any relation type
  whose effect is ``down``) form the group ``NAME`` of the relation's dependent end;
  ``min_up`` is the largest ``min_up`` property on those relations (default 1).

Example:
    >>> from itss_graph.schema import load_schema
    >>> rules = Rules.from_schema(load_schema())
    >>> rules.toward_source["RUNS_ON"], rules.toward_target["MEMBER_OF"]
    ('down', 'redundant')
"""

from __future__ import annotations

from itss_graph.frozen import Frozen
from itss_graph.schema import Schema

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Any

DOWN, DEGRADED, REDUNDANT = "down", "degraded", "redundant"
EFFECT_RANK = {DOWN: 0, REDUNDANT: 1, DEGRADED: 2}  # which candidate explains a CI first
GROUP_PROPERTY = "redundancy_group"


class Rules(Frozen):
    """Relation types grouped by the direction failure crosses them, with the effect."""

    __slots__ = (
        "toward_source",  # dict[str, str]: the target failed: effect on the source
        "toward_target",  # dict[str, str]: the source failed: effect on the target
    )

    def __init__(self, toward_source: dict[str, str], toward_target: dict[str, str]):
        object.__setattr__(self, "toward_source", toward_source)
        object.__setattr__(self, "toward_target", toward_target)

    @classmethod
    def from_schema(cls, schema: Schema) -> "Rules":
        rels = schema.relation_types.values()
        return cls(
            {r.name: r.on_target_failure for r in rels if r.on_target_failure != "none"},
            {r.name: r.on_source_failure for r in rels if r.on_source_failure != "none"},
        )


def min_up_of(props: dict[str, Any] | None) -> int:
    """A CI's or relation's ``min_up`` property as a positive integer (default 1).

    >>> min_up_of({"min_up": "2"}), min_up_of({}), min_up_of({"min_up": "x"})
    (2, 1, 1)
    """
    try:
        return max(1, int((props or {}).get("min_up", 1)))
    except (TypeError, ValueError):
        return 1


def group_key(effect: str, rel: str, provider_direction: str, group: str | None):
    """The redundancy group a provider edge belongs to, or None for a hard dependency.

    >>> group_key("redundant", "POWERED_BY", "out", None)
    ('rel', 'POWERED_BY', 'out')
    >>> group_key("down", "DEPENDS_ON", "out", "uplinks")
    ('prop', 'uplinks')
    >>> group_key("down", "DEPENDS_ON", "out", None) is None
    True
    """
    if group not in (None, ""):
        return ("prop", str(group)) if effect in (DOWN, REDUNDANT) else None
    if effect == REDUNDANT:
        return ("rel", rel, provider_direction)
    return None
