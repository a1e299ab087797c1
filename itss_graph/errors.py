"""Errors the product reports to people.

Each error says what went wrong in one line; input errors also say where (file, line, field),
formatted ``file:line: field: message`` like a compiler, so editors can jump to them.
"""

from __future__ import annotations

from dataclasses import dataclass


class ItssError(Exception):
    """Base class of errors shown to users (the CLI prints them and exits with status 2)."""

    exit_code = 2

    def localized(self) -> str:
        """The message in the language in use: a lower layer raises its error with an
        :class:`itss_graph.i18n.Message`, translated here, where it is shown."""
        from itss_graph.i18n import localize

        return localize(self.args[0]) if len(self.args) == 1 else str(self)


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


class InputError(ItssError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem], *, total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        first = str(problems[0]) if problems else "invalid input"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(first + more)


class UnknownCIError(ItssError):
    """A CI id asked for is not in the store; ``suggestions`` (id -> [(id, name), ...]) are
    the CIs that were probably meant, named in the message.

    >>> str(UnknownCIError(["dc1-core-sw-1", "x"], {"dc1-core-sw-1": [("switch:dc1-core-1", "dc1-core-sw-1")]}))
    "unknown CI ids: 'dc1-core-sw-1' (did you mean 'switch:dc1-core-1' dc1-core-sw-1?), 'x'"
    """

    def __init__(self, ci_ids: list[str], suggestions: dict[str, list[tuple[str, str]]] | None = None):
        self.ci_ids = ci_ids
        self.suggestions = suggestions or {}
        from itss_graph.i18n import ngettext

        names = ", ".join(repr(i) + self._hint(i) for i in ci_ids)
        super().__init__(ngettext("unknown CI id: {ids}", "unknown CI ids: {ids}", len(ci_ids)).format(ids=names))

    def _hint(self, ci_id: str) -> str:
        from itss_graph.textmatch import did_you_mean

        found = self.suggestions.get(ci_id)
        if not found:
            return ""
        return did_you_mean([f"{i!r}" + (f" {n}" if n and n != i else "") for i, n in found], quoted=True)


class UnknownNameError(ItssError):
    """A name someone typed — a CI type, a relation type, a profile — is not known; the
    message ends with the closest known names.

    >>> str(UnknownNameError("CI type", "sever", ["server"]))
    "unknown CI type 'sever' (did you mean 'server'?)"
    """

    def __init__(self, kind: str, name: str, suggestions=()):
        from itss_graph.textmatch import did_you_mean

        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        from itss_graph.i18n import _

        kinds = {"CI type": _("unknown CI type {name}"), "relation type": _("unknown relation type {name}")}
        text = kinds.get(kind, "unknown " + kind + " {name}").format(name=repr(name))
        super().__init__(text + did_you_mean(self.suggestions))


class SourceError(ItssError):
    """An inventory source (an API such as NetBox) failed or answered something unusable;
    nothing was written."""


class StoreError(ItssError):
    """The store cannot be opened or used (missing file, server unreachable, ...)."""
