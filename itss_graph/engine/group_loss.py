"""One redundancy group that lost members in a failure, as answers report it.

Its members lost and left are complete sequences for the engine (next failures, new single
points of failure), but answers name a page of each: the first :data:`MEMBER_PAGE` in id order,
beside ``lost_count`` and ``left_count``. (A group of a million-CI estate can have 128k members:
naming them all made a what-if answer 6 MB of ids.) :class:`Members` holds a page decoded and
the rest undecoded until someone iterates over it.

Example:
    >>> loss = GroupLoss("server:db1", "server", "db1", "degraded", 1, ("POWERED_BY",), "out",
    ...                  None, 1, ("pdu:a",), ("pdu:b",))
    >>> loss.text()
    'server:db1 degraded: lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b'
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence as SequenceABC

from itss_graph.schema import load_schema

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Callable, Sequence

MEMBER_PAGE = 50  # members lost, and members left, named per group in answers (in id order)


class Members(SequenceABC):
    """Member ids in id order, ``count`` of them, of which the first ``page`` are decoded;
    ``all_ids`` decodes them all, on the first access beyond the page.

    >>> m = Members(("a", "b"), 3, lambda: ["a", "b", "c"])
    >>> len(m), m[:2], list(m), m == ("a", "b", "c")
    (3, ('a', 'b'), ['a', 'b', 'c'], True)
    """

    __slots__ = ("_page", "_count", "_all_ids", "_all")

    def __init__(self, page: Sequence[str], count: int, all_ids: Callable[[], Sequence[str]]):
        self._page, self._count, self._all_ids, self._all = tuple(page), count, all_ids, None

    def __len__(self) -> int:
        return self._count

    def _every(self) -> tuple[str, ...]:
        if self._all is None:
            self._all = self._page if len(self._page) == self._count else tuple(self._all_ids())
        return self._all

    def __getitem__(self, k):
        if isinstance(k, slice) and k.start in (None, 0) and k.step in (None, 1) \
                and k.stop is not None and 0 <= k.stop <= len(self._page):
            return self._page[:k.stop]
        return self._every()[k]

    def __iter__(self):
        return iter(self._every())

    def __eq__(self, other) -> bool:
        return isinstance(other, SequenceABC) and not isinstance(other, str) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._every())

    def __repr__(self) -> str:
        return f"Members({list(self._page)!r}, {self._count})"


def page_text(page: Sequence[str], count: int) -> str:
    """A page of ``count`` member ids, comma-separated, and how many more there are (a group's
    members here, or the ``lost``/``left`` page of an answer's ``redundancy`` entry).

    >>> page_text(["a", "b"], 2), page_text(["a", "b"], 5)
    ('a, b', 'a, b (and 3 more)')
    """
    from itss_graph.i18n import _

    text = ", ".join(page)
    return text + _(" (and {n} more)").format(n=count - len(page)) if count > len(page) else text


class GroupLoss(namedtuple("GroupLoss", [
        "id",  # str
        "type",  # str
        "name",  # str
        "effect",  # str: "down": lost through this group; "degraded": lost redundancy
        "depth",  # int
        "relations",  # tuple[str, ...]: relation types joining the CI to the group's members
        "direction",  # str | None: relation groups: "out" (members are targets) or "in"; else None
        "group",  # str | None: the redundancy_group property's value, for property groups
        "min_up",  # int
        "lost",  # Sequence[str]: every member lost (down or failed), in id order (a tuple or Members)
        "left",  # Sequence[str]: every member left, in id order
        "new_spof",  # tuple[str, ...]: members left whose failure alone now takes the CI down
    ], defaults=((),))):
    """A redundancy group of one CI that lost members in the failure (a named tuple: a core
    switch's answer builds tens of thousands, each ~5x cheaper than a frozen dataclass)."""

    __slots__ = ()

    @property
    def members(self) -> int:
        return len(self.lost) + len(self.left)

    def group_text(self) -> str:
        return group_text(self.relations, self.group)

    def reason(self, with_spof: bool = True) -> str:
        """``lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b`` (in the language
        in use)."""
        from itss_graph.i18n import _, ngettext

        relations = _relations_text(self.relations)
        what = (_("members of redundancy group {group!r} ({relations})").format(group=self.group, relations=relations)
                if self.group else _("{relations} providers").format(relations=relations))
        line = _("lost {lost} of {members} {what} (min_up {min_up}): {lost_ids}; left: {left}").format(
            lost=len(self.lost), members=self.members, what=what, min_up=self.min_up,
            lost_ids=page_text(self.lost[:MEMBER_PAGE], len(self.lost)),
            left=page_text(self.left[:MEMBER_PAGE], len(self.left)) or _("none"))
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
                "members": self.members, "lost_count": len(self.lost), "left_count": len(self.left),
                "lost": list(self.lost[:MEMBER_PAGE]), "left": list(self.left[:MEMBER_PAGE]),
                "new_spof": list(self.new_spof)}


def group_loss(*values) -> GroupLoss:
    """``GroupLoss(*values)`` without its ``__new__``'s argument handling: for answers that
    build tens of thousands.

    >>> args = ("server:db1", "server", "db1", "degraded", 1, ("POWERED_BY",), "out", None, 1,
    ...         ("pdu:a",), ("pdu:b",))
    >>> group_loss(*args) == GroupLoss(*args), group_loss(*args).new_spof
    (True, ())
    >>> group_loss(*args, ("pdu:b",)).new_spof
    ('pdu:b',)
    """
    return _tuple_new(GroupLoss, values if len(values) == _N_FIELDS else values + ((),))


def group_text(relations: Sequence[str], group: str | None) -> str:
    """How a group is named in answers: its ``redundancy_group`` and relations, or its relation
    types (in the language in use).

    >>> group_text(("DEPENDS_ON",), "web"), group_text(("POWERED_BY",), None)
    ("redundancy group 'web' (DEPENDS_ON)", 'POWERED_BY')
    """
    from itss_graph.i18n import _

    text = _relations_text(relations)
    return (_("redundancy group {group!r} ({relations})").format(group=group, relations=text)
            if group else text)


def with_spof(loss: GroupLoss, new_spof: tuple[str, ...]) -> GroupLoss:
    """``loss._replace(new_spof=new_spof)``, cheaper.

    >>> loss = group_loss("a", "server", "a", "degraded", 1, ("POWERED_BY",), "out", None, 1, ("p",), ("q",))
    >>> with_spof(loss, ("q",)).new_spof, loss.new_spof
    (('q',), ())
    """
    return _tuple_new(GroupLoss, loss[:-1] + (new_spof,))


_tuple_new = tuple.__new__
_N_FIELDS = len(GroupLoss._fields)


def _relations_text(relations: Sequence[str]) -> str:
    """Relation types joined by ``/``: their codes in English, their Chinese labels in zh."""
    from itss_graph.i18n import language

    if language() != "zh":
        return "/".join(relations)
    types = load_schema().relation_types
    return "/".join(types[r].label_zh if r in types and types[r].label_zh else r for r in relations)


__all__ = ["GroupLoss", "MEMBER_PAGE", "Members", "group_loss", "group_text", "page_text", "with_spof"]
