"""Errors the product reports to people.

Each error says what went wrong in one line; input errors also say where (file, line, field),
formatted ``file:line: field: message`` like a compiler, so editors can jump to them.
"""

from __future__ import annotations

from dataclasses import dataclass


class ItssError(Exception):
    """Base class of errors shown to users (the CLI prints them and exits with status 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, located by file, line and field.

    >>> str(Problem("cis.csv", 7, "type", "unknown CI type 'sever'"))
    "cis.csv:7: type: unknown CI type 'sever'"
    """

    file: str
    line: int | None
    field: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field,
                "message": self.message, "value": self.value}


class InputError(ItssError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem], *, total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        first = str(problems[0]) if problems else "invalid input"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(first + more)


class UnknownCIError(ItssError):
    """A CI id asked for is not in the store."""

    def __init__(self, ci_ids: list[str]):
        self.ci_ids = ci_ids
        names = ", ".join(repr(i) for i in ci_ids)
        super().__init__(f"unknown CI id{'s' if len(ci_ids) > 1 else ''}: {names}")


class StoreError(ItssError):
    """The store cannot be opened or used (missing file, server unreachable, ...)."""
