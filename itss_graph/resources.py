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
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_KINDS = ("ontology", "loaders", "queries")


def builtin_dir(kind: str) -> Path:
    """The built-in directory of one resource kind (``ontology``, ``loaders`` or ``queries``)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {_KINDS}")
    bundled = _PACKAGE_DIR / "_resources" / kind
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / kind  # source checkout or editable install


def user_dirs(kind: str) -> list[Path]:
    """User directories that extend a resource kind, in priority order (existing ones only)."""
    dirs: list[Path] = []
    env = os.environ.get(f"ITSS_{kind.upper()}_PATH", "")
    dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", "~/.config")).expanduser()
    dirs.append(config_home / "itss-graph" / kind)
    return [d for d in dirs if d.is_dir()]


def resource_dirs(kind: str) -> list[Path]:
    """The built-in directory followed by the user directories of a resource kind."""
    return [builtin_dir(kind), *user_dirs(kind)]


def cache_dir() -> Path:
    """Directory for compiled caches (``ITSS_CACHE_DIR`` or ``~/.cache/itss-graph``)."""
    from itss_graph.cache_location import cache_home

    path = Path(cache_home())
    path.mkdir(parents=True, exist_ok=True)
    return path
