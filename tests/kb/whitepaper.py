"""Access to the source text of the knowledge base, for fidelity tests.

The white paper's text is kept in the repository, ``whitepaper/itss-whitepaper-2014.txt``
(override with ``ITSS_WHITEPAPER``).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO / "whitepaper" / "itss-whitepaper-2014.txt"

_PAGE_FOOTER = re.compile(r"^\s*\d*\s*www\.itss\.cn\s*\d*\s*$")
_INVISIBLE = re.compile(r"[\s\u3000\u200b\ufeff…]+")


def whitepaper_path() -> Path:
    return Path(os.environ.get("ITSS_WHITEPAPER", DEFAULT_PATH))


@functools.lru_cache(maxsize=1)
def lines() -> tuple[str, ...]:
    """The white paper's lines; index 0 is line 1."""
    path = whitepaper_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"white paper not found at {path}; set ITSS_WHITEPAPER to its location"
        )
    return tuple(path.read_text(encoding="utf-8").splitlines())


def normalize(text: str) -> str:
    """Remove what PDF extraction scatters: all whitespace, ideographic spaces, ellipsis dots."""
    return _INVISIBLE.sub("", text)


@functools.lru_cache(maxsize=4096)
def span(start: int, end: int) -> str:
    """Normalised text of lines ``start``..``end`` (1-based, inclusive), page footers dropped."""
    all_lines = lines()
    start = max(1, start)
    end = min(len(all_lines), end)
    kept = (ln for ln in all_lines[start - 1 : end] if not _PAGE_FOOTER.match(ln))
    return normalize("".join(kept))


def occurs(text: str, start: int, end: int) -> bool:
    """Whether ``text`` is written (modulo whitespace) within lines ``start``..``end``."""
    return normalize(text) in span(start, end)
