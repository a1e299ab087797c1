"""Problems found in an input, located by file, line and field (the detail of an
:class:`itss_graph.errors.InputError`, and the warnings of a load).

Reached through :mod:`itss_graph.errors` as well (``from itss_graph.errors import Problem``),
which defines them on first use only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, located by file, line and field.

    ``column`` is the input's own column name when it differs from the field (a mapping
    profile reads ``资产名称`` into ``name``): the message names what people see in their file.
    ``value`` is the offending value, when there is one.

    >>> str(Problem("cis.csv", 7, "type", "unknown CI type 'sever'"))
    "cis.csv:7: type: unknown CI type 'sever'"
    >>> str(Problem("台账.xlsx[Sheet1]", 3, "type", "unknown CI type '打印机'", "打印机", column="类型"))
    "台账.xlsx[Sheet1]:3: 类型: unknown CI type '打印机'"
    """

    file: str
    line: int | None
    field: str | None
    message: str
    value: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        label = self.column or self.field
        field = f" {label}:" if label else ""
        return f"{where}:{field} {self.message}"

    def localized(self) -> str:
        """The problem as :meth:`__str__` writes it, its message in the language in use
        (``str()`` and :meth:`as_dict` keep the English, the same in every language)."""
        from itss_graph.i18n import localize

        where = self.file if self.line is None else f"{self.file}:{self.line}"
        label = self.column or self.field
        field = f" {label}:" if label else ""
        return f"{where}:{field} {localize(self.message)}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field,
                "column": self.column or self.field, "value": self.value,
                "message": self.message}


@dataclass(frozen=True)
class RowWarning(Problem):
    """Something worth knowing about a row that is loaded anyway (a folded duplicate, a value
    mapped by a profile's default, ...): same location and format as a Problem."""


@dataclass(frozen=True)
class IncompleteRead(RowWarning):
    """A part of the source that was not read (an endpoint missing from a NetBox export): the
    load goes on with a warning, but it is not a complete read of the source, so it may not
    prune (a prune would delete everything of that part)."""
