"""Matching what people type against what the CMDB and the ontology hold.

* :func:`fold` makes text comparable: Unicode NFKC (full-width ``ＤＢ１`` is ``DB1``, the
  ideographic space a space) then lower case, so ``Switch:DC1-CORE-1`` finds
  ``switch:dc1-core-1``; every store folds the same way (Neo4j's ``normalize(…, NFKC)`` and
  ``toLower``), which is why this is ``lower`` and not ``casefold``.
* :func:`tier` grades one stored value against a folded needle: exact, prefix, substring.
* :func:`loose` drops separators and the leading zeros of numbers, so ``switch:dc1-core1`` and
  ``service:30`` meet ``switch:dc1-core-1`` and ``service:0030``.
* :func:`closest` is the "did you mean" of every name people type (CI types, relation types,
  profiles, commands): the closest by spelling, by name and by alias, one line.

Example:
    >>> fold("ＤＢ１　Server"), tier(fold("db"), "DB1 server"), loose("service:0030")
    ('db1 server', 'prefix', 'service30')
    >>> closest("databse", ["database", "data-set", "server"])
    ['database', 'data-set']
    >>> did_you_mean(["database"])
    " (did you mean 'database'?)"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Iterable

TIERS = ("exact", "prefix", "substring", "similar")

_SEPARATORS = re.compile(r"[\W_]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def fold(text: object) -> str:
    """Text as compared: NFKC-normalised, lower case, surrounding white space removed.

    >>> fold("  核心交换机（主）Ａ ")
    '核心交换机(主)a'
    """
    return unicodedata.normalize("NFKC", str(text)).lower().strip()


def loose(text: object) -> str:
    """A key that ignores separators, case, width and the leading zeros of numbers.

    >>> loose("Switch:DC1-Core-1") == loose("switch:dc1-core1"), loose("vm:0007_a")
    (True, 'vm7a')
    """
    return _LEADING_ZEROS.sub("", _SEPARATORS.sub("", fold(text)))


def tier(needle: str, value: object) -> str | None:
    """How ``value`` matches the folded ``needle``: "exact", "prefix", "substring" or None.

    >>> [tier("core", v) for v in ("CORE", "core-1", "dc1-core", "edge")]
    ['exact', 'prefix', 'substring', None]
    """
    text = fold(value)
    if text == needle:
        return "exact"
    if text.startswith(needle):
        return "prefix"
    if needle in text:
        return "substring"
    return None


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1 (difflib's ratio on folded text; 1.0 when loosely equal).

    >>> similarity("switch:dc1-core1", "switch:dc1-core-1"), round(similarity("databse", "database"), 2)
    (1.0, 0.93)
    """
    import difflib

    if loose(a) == loose(b) and loose(a):
        return 1.0
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


def closest(text: str, choices: Iterable[str] | Mapping[str, str], *, n: int = 3,
            cutoff: float = 0.6) -> list[str]:
    """The choices closest to ``text``, best first: loosely equal ones, then those containing
    it or contained in it, then the most similar spellings (at least ``cutoff``).

    ``choices`` may map other names (aliases, Chinese labels) to the choice they stand for:
    a match on an alias suggests the choice itself.

    >>> closest("服务器", {"server": "server", "服务器": "server", "switch": "switch"})
    ['server']
    >>> closest("impct", ["impact", "import", "history"])
    ['impact', 'import']
    """
    names = dict(choices) if isinstance(choices, Mapping) else {c: c for c in choices}
    want = fold(text)
    want_loose = loose(text)
    scored: dict[str, float] = {}
    for name, target in names.items():
        key = fold(name)
        if not key:
            continue
        if want_loose and loose(name) == want_loose:
            score = 2.0
        elif want and len(want) >= 3 and (want in key or key in want):
            score = 1.5 - abs(len(key) - len(want)) / (10 * max(len(key), len(want)))
        else:
            score = similarity(want, key)
            if score < cutoff:
                continue
        if score > scored.get(target, -1.0):
            scored[target] = score
    ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    # only those nearly as close as the best: "sever" suggests server, not web-server too
    return [target for target, score in ranked[:n] if score >= ranked[0][1] - 0.2]


def suggest_known(text: str, known: Iterable[str]) -> str:
    """The loader's hint for a name not in ``known``: the one closest spelling
    (``" (did you mean 'server'?)"``), else the whole list when it is short.

    >>> suggest_known("sever", ["server", "switch"]), suggest_known("zz", ["a", "b"])
    (" (did you mean 'server'?)", '; known: a, b')
    """
    import difflib

    from itss_graph.i18n import M_

    known = list(known)
    close = difflib.get_close_matches(text.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
    if close:
        match = next(k for k in known if k.lower() == close[0])
        return M_(" (did you mean {names}?)", names=repr(match))
    if len(known) <= 40:
        return M_("; known: {names}", names=", ".join(sorted(known)))
    return M_(" (`itss types` lists the {n} known ones)", n=len(known))


def did_you_mean(suggestions: Iterable[str], *, quoted: bool = False, deferred: bool = False) -> str:
    """The hint appended to an error message: `` (did you mean 'a', 'b'?)`` or ``""``
    (``quoted``: the suggestions are already written as they should show; ``deferred``: a
    :class:`~itss_graph.i18n.Message`, translated where it is shown).

    >>> did_you_mean([]), did_you_mean(["a", "b"])
    ('', " (did you mean 'a', 'b'?)")
    """
    from itss_graph.i18n import M_, _

    found = list(suggestions) if quoted else [repr(s) for s in suggestions]
    if not found:
        return ""
    if deferred:
        return M_(" (did you mean {names}?)", names=", ".join(found))
    return _(" (did you mean {names}?)").format(names=", ".join(found))
