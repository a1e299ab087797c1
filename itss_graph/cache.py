"""A content-addressed cache for artefacts compiled from the ontology's Turtle files.

Parsing Turtle with rdflib costs ~4 s per 100k triples, too slow for every CLI call. Compiled
forms (the CMDB schema, the knowledge-base index) are stored under ``resources.cache_dir()``
in a file named after a hash of the inputs' contents, so an edit to any input rebuilds it and
an unchanged ontology costs one small read.

Example:
    >>> from pathlib import Path
    >>> key = content_key([Path(__file__)], salt="doc")
    >>> len(key)
    16
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from itss_graph.resources import cache_dir
from itss_graph.version import __version__

T = TypeVar("T")
_FORMAT_VERSION = "1"


def content_key(paths: Iterable[Path], *, salt: str) -> str:
    """A short hash of the paths' names and contents, plus a salt naming the artefact and the
    package version: compiled objects are pickles of this version's classes, so a cache written
    by another version (with other fields) is never read."""
    digest = hashlib.sha256(f"{_FORMAT_VERSION}:{__version__}:{salt}".encode())
    for path in sorted(paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(name: str, paths: Iterable[Path], build: Callable[[], T]) -> T:
    """Return the artefact ``name`` compiled from ``paths``, building and storing it if needed.

    The artefact is pickled; a corrupt or unreadable cache entry is rebuilt. Writes are atomic
    (temporary file + rename) so concurrent processes never read half a file.
    """
    paths = list(paths)
    target = cache_dir() / f"{name}-{content_key(paths, salt=name)}.pickle"
    try:
        with target.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a read-only cache only costs speed
    return value
