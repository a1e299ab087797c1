"""One redundancy group that lost members in a failure, as answers report it.

Example:
    >>> loss = GroupLoss("server:db1", "server", "db1", "degraded", 1, ("POWERED_BY",), "out",
    ...                  None, 1, ("pdu:a",), ("pdu:b",))
    >>> loss.text()
    'server:db1 degraded: lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from itss_graph.schema import load_schema


@dataclass(frozen=True)
class GroupLoss:
    """A redundancy group of one CI that lost members in the failure."""

    id: str
    type: str
    name: str
    effect: str  # "down": lost through this group; "degraded": lost redundancy
    depth: int
    relations: tuple[str, ...]  # relation types joining the CI to the group's members
    direction: str | None  # relation groups: "out" (members are targets) or "in"; else None
    group: str | None  # the redundancy_group property's value, for property groups
    min_up: int
    lost: tuple[str, ...]
    left: tuple[str, ...]
    new_spof: tuple[str, ...] = ()  # members left whose failure alone now takes the CI down

    @property
    def members(self) -> int:
        return len(self.lost) + len(self.left)

    def group_text(self) -> str:
        from itss_graph.i18n import _

        relations = _relations_text(self.relations)
        return (_("redundancy group {group!r} ({relations})").format(group=self.group, relations=relations)
                if self.group else relations)

    def reason(self, with_spof: bool = True) -> str:
        """``lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b`` (in the language
        in use)."""
        from itss_graph.i18n import _, ngettext

        relations = _relations_text(self.relations)
        what = (_("members of redundancy group {group!r} ({relations})").format(group=self.group, relations=relations)
                if self.group else _("{relations} providers").format(relations=relations))
        line = _("lost {lost} of {members} {what} (min_up {min_up}): {lost_ids}; left: {left}").format(
            lost=len(self.lost), members=self.members, what=what, min_up=self.min_up,
            lost_ids=", ".join(self.lost), left=", ".join(self.left) or _("none"))
        if self.new_spof and with_spof:
            line += ngettext("; now single point of failure: {ids}", "; now single points of failure: {ids}",
                             len(self.new_spof)).format(ids=", ".join(self.new_spof))
        return line

    def text(self) -> str:
        """``server:db1 degraded: lost 1 of 2 POWERED_BY providers …``."""
        from itss_graph.i18n import _

        return _("{id} {effect}: {reason}").format(id=self.id, effect=_(self.effect), reason=self.reason())

    def as_dict(self) -> dict:
        group = ({"kind": "property", "name": self.group, "relations": list(self.relations)}
                 if self.group else
                 {"kind": "relation", "relation": self.relations[0], "direction": self.direction})
        return {"id": self.id, "type": self.type, "name": self.name, "effect": self.effect,
                "depth": self.depth, "group": group, "min_up": self.min_up,
                "members": self.members, "lost": list(self.lost), "left": list(self.left),
                "new_spof": list(self.new_spof)}


def _relations_text(relations: Sequence[str]) -> str:
    """Relation types joined by ``/``: their codes in English, their Chinese labels in zh."""
    from itss_graph.i18n import language

    if language() != "zh":
        return "/".join(relations)
    types = load_schema().relation_types
    return "/".join(types[r].label_zh if r in types and types[r].label_zh else r for r in relations)


__all__ = ["GroupLoss"]
