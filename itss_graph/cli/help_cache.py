"""``itss --help`` served from click's own rendering, cached.

Rendering the help imports click (~40 ms of a cold process). Whenever the click command line
prints the top-level help (``itss --help``, ``itss -h``, ``itss`` alone) it also stores the text
(:func:`store`), keyed by the language, the width click's formatter uses, the package version
and the size and time of every file the text comes from (the command table, the options, the
message catalogue, click's formatter). The plain command line (:mod:`itss_graph.cli.plain`)
prints the stored text (:func:`cached`) while all of them are unchanged; otherwise click renders
it again. tests/test_plain_cli.py compares the two paths.
"""

from __future__ import annotations

import os
import sys

import itss_graph as itss
from itss_graph.version import __version__

HELP_FORMS = ([], ["--help"], ["-h"])


def help_width() -> int:
    """The width of click's help formatter: the terminal's columns (``COLUMNS`` first, as
    ``shutil.get_terminal_size`` has it, else 80), at most 80, less 2, at least 50."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, 80) - 2, 50)


def _path(lang: str, width: int) -> str:
    return os.path.join(itss.cache_home(), f"help-{lang}-{width}.txt")


def _stamp(lang: str, click_file: str) -> str:
    """One line naming the version, click, and every source file with its size and modification time."""
    parts = [__version__, click_file]
    for source in sources(lang, click_file):
        st = os.stat(source)
        parts.append(f"{source}\x1f{st.st_size}\x1f{st.st_mtime_ns}")
    return "\x1e".join(parts)


def sources(lang: str, click_file: str) -> list[str]:
    """The files the top-level help is made of."""
    here = os.path.dirname(os.path.abspath(__file__))
    package = os.path.dirname(here)
    files = [os.path.join(here, name) for name in ("app.py", "commands.py", "options.py")]
    files += [os.path.join(package, "i18n.py"), os.path.join(package, "version.py")]
    catalogue = os.path.join(package, "locale", lang, "LC_MESSAGES", "itss.mo")
    if os.path.exists(catalogue):
        files.append(catalogue)
    click_dir = os.path.dirname(os.path.abspath(click_file))
    files += [os.path.join(click_dir, name) for name in ("core.py", "formatting.py", "decorators.py")]
    return files


def store(text: str, lang: str, click_file: str) -> None:
    """Remember the help text click rendered (best effort: a read-only cache is no error)."""
    path = _path(lang, help_width())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write(_stamp(lang, click_file) + "\n" + text)
        os.replace(tmp, path)
    except OSError:
        pass


def cached(lang: str) -> str | None:
    """The stored help text for ``lang`` at this width, or None if absent or out of date."""
    try:
        with open(_path(lang, help_width()), encoding="utf-8", newline="") as cache:
            stamp, _, text = cache.read().partition("\n")
        version, click_file = stamp.split("\x1e", 2)[:2]
        return text if version == __version__ and _stamp(lang, click_file) == stamp else None
    except (OSError, ValueError):
        return None
