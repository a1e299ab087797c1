"""Frozen records without dataclasses: a base for small immutable classes with ``__slots__``.

Every query imports the model, the schema and the store settings; importing :mod:`dataclasses`
(with inspect, ast, dis and tokenize) and creating its classes cost a cold process ~10 ms, more
than a small answer's own work. A subclass names its fields in ``__slots__`` and sets them in
its ``__init__`` with ``object.__setattr__``; it is then, as a frozen dataclass was, equal to
another of its class with equal fields, hashed by its fields (unhashable when one is a dict),
shown as ``Name(field=value, ...)``, and refuses assignment; it pickles and copies by calling
the class with its fields in order.

>>> class Point(Frozen):
...     __slots__ = ("x", "y")
...     def __init__(self, x, y=0):
...         object.__setattr__(self, "x", x)
...         object.__setattr__(self, "y", y)
>>> Point(1), Point(1) == Point(1, 0), hash(Point(1)) == hash(Point(1, 0))
(Point(x=1, y=0), True, True)
>>> Point(1).x = 2
Traceback (most recent call last):
AttributeError: cannot assign to field 'x'

:class:`Record` is the mutable kind (as a dataclass that is not frozen): equal by its fields,
unhashable, shown ``Name(field=value, ...)`` without the fields named in ``_hidden``; a
subclass lists its fields in ``_fields_`` and sets them in its ``__init__``.

>>> class Tally(Record):
...     _fields_ = ("name", "count")
...     def __init__(self, name, count=0):
...         self.name, self.count = name, count
>>> t = Tally("a"); t.count += 1
>>> t, t == Tally("a", 1), t == Tally("a")
(Tally(name='a', count=1), True, False)
"""

from __future__ import annotations


class Frozen:
    """An immutable record whose fields are its ``__slots__`` (see the module's documentation)."""

    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field {name!r}")

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({inner})"

    def __reduce__(self):
        return (self.__class__, self._fields())


class Record:
    """A mutable record whose fields are named in ``_fields_`` (see the module's documentation)."""

    __slots__ = ()
    _fields_: tuple = ()
    _hidden: tuple = ()  # fields left out of the repr (``field(repr=False)`` of a dataclass)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields_)

    __hash__ = None  # mutable: unhashable, as a dataclass with eq and not frozen

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields_ if name not in self._hidden)
        return f"{self.__class__.__qualname__}({inner})"
