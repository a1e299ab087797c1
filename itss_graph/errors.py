"""Errors the product reports to people.

Each error says what went wrong in one line; input errors also say where (file, line, field),
formatted ``file:line: field: message`` like a compiler, so editors can jump to them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.problems import Problem


class ItssError(Exception):
    """Base class of errors shown to users (the CLI prints them and exits with status 2)."""

    exit_code = 2

    def localized(self) -> str:
        """The message in the language in use: a lower layer raises its error with an
        :class:`itss_graph.i18n.Message`, translated here, where it is shown."""
        from itss_graph.i18n import localize

        return localize(self.args[0]) if len(self.args) == 1 else str(self)


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


def __getattr__(name: str):
    """``Problem``, ``RowWarning`` and ``IncompleteRead`` live in :mod:`itss_graph.problems`:
    creating their dataclasses costs ~1.5 ms, which a question that reads no input should not
    pay (every command imports this module)."""
    if name in ("Problem", "RowWarning", "IncompleteRead"):
        from itss_graph import problems

        return getattr(problems, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
