"""Where the declarative resources live: ontology, mapping profiles, canned queries.

The repository keeps them at its top level (``ontology/``, ``loaders/``, ``queries/``); a wheel
carries them in ``itss_graph/_resources/``. Users add their own through directories named in
``ITSS_ONTOLOGY_PATH``, ``ITSS_LOADERS_PATH`` and ``ITSS_QUERIES_PATH`` (``os.pathsep``-separated)
or under ``~/.config/itss-graph/{ontology,loaders,queries}``.

Example:
    >>> from itss_graph.resources import resource_dirs
    >>> resource_dirs("ontology")[0].name
    'ontology'
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib (with urllib.parse and ipaddress) costs a cold query ~4 ms:
    from pathlib import Path  # the *_names functions answer in plain strings without it

_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
_KINDS = ("ontology", "loaders", "queries")


def builtin_dir_name(kind: str) -> str:
    """The built-in directory of one resource kind (``ontology``, ``loaders`` or ``queries``)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {_KINDS}")
    bundled = os.path.join(_PACKAGE_DIR, "_resources", kind)
    if os.path.isdir(bundled):
        return bundled
    return os.path.join(os.path.dirname(_PACKAGE_DIR), kind)  # source checkout or editable install


def user_dir_names(kind: str) -> list[str]:
    """User directories that extend a resource kind, in priority order (existing ones only)."""
    dirs: list[str] = []
    env = os.environ.get(f"ITSS_{kind.upper()}_PATH", "")
    dirs.extend(os.path.normpath(os.path.expanduser(p)) for p in env.split(os.pathsep) if p)
    config_home = os.path.expanduser(os.environ.get("XDG_CONFIG_HOME", "~/.config"))
    dirs.append(os.path.normpath(os.path.join(config_home, "itss-graph", kind)))
    return [d for d in dirs if os.path.isdir(d)]


def resource_dir_names(kind: str) -> list[str]:
    """The built-in directory followed by the user directories of a resource kind.

    >>> resource_dir_names("queries")[0] == str(builtin_dir("queries"))
    True
    """
    return [builtin_dir_name(kind), *user_dir_names(kind)]


def builtin_dir(kind: str) -> Path:
    """:func:`builtin_dir_name` as a path."""
    from pathlib import Path

    return Path(builtin_dir_name(kind))


def user_dirs(kind: str) -> list[Path]:
    """:func:`user_dir_names` as paths."""
    from pathlib import Path

    return [Path(d) for d in user_dir_names(kind)]


def resource_dirs(kind: str) -> list[Path]:
    """:func:`resource_dir_names` as paths."""
    from pathlib import Path

    return [Path(d) for d in resource_dir_names(kind)]


def cache_dir_name() -> str:
    """Directory for compiled caches (``ITSS_CACHE_DIR`` or ``~/.cache/itss-graph``), created."""
    from itss_graph.cache_location import cache_home

    path = cache_home()
    os.makedirs(path, exist_ok=True)
    return path


def cache_dir() -> Path:
    """:func:`cache_dir_name` as a path."""
    from pathlib import Path

    return Path(cache_dir_name())
