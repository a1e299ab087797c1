"""The package's version: the single source for pyproject.toml, ``itss --version`` and the keys
of compiled caches (an upgrade never reads a cache written by another version)."""

__version__ = "0.2.0"
