"""A content-addressed cache for artefacts compiled from the ontology's Turtle files.

Parsing Turtle with rdflib costs ~4 s per 100k triples, too slow for every CLI call. Compiled
forms (the CMDB schema, the knowledge-base index) are stored under ``resources.cache_dir()``
in a file named after a hash of the inputs' contents, so an edit to any input rebuilds it and
an unchanged ontology costs one small read.

Hashing the 1.3 MB knowledge base (and importing hashlib) cost ~5 ms of every small question,
so the hash is remembered beside the inputs' ``stat`` (size, mtime, ctime, inode), as git's
index does: while no input's ``stat`` changes the remembered hash is used; any change hashes
the contents again. Inputs changed in the last two seconds are never remembered (an edit within
the same clock tick could leave ``stat`` unchanged).

Inputs are paths or plain strings (a cold query passes strings: it does not import pathlib).

Example:
    >>> from pathlib import Path
    >>> key = content_key([Path(__file__)], salt="doc")
    >>> len(key), key == content_key([__file__], salt="doc")
    (16, True)
"""

from __future__ import annotations

import os
import time
import zlib

try:  # the C unpickler alone: importing pickle.py (struct, its regular-expression scan of its own
    from _pickle import UnpicklingError, load  # names) costs a cold query ~1 ms more
except ImportError:  # an interpreter without the accelerator
    from pickle import UnpicklingError, load

from itss_graph.resources import cache_dir_name
from itss_graph.version import __version__

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Callable, Iterable, TypeVar

    T = TypeVar("T")

_FORMAT_VERSION = "2"  # 2: the schema and policies pickled as plain classes, not dataclasses


def content_key(paths: Iterable[str | Path], *, salt: str) -> str:
    """A short hash of the paths' names and contents, plus a salt naming the artefact and the
    package version: compiled objects are pickles of this version's classes, so a cache written
    by another version (with other fields) is never read."""
    paths = sorted(map(os.fspath, paths))
    header = f"{_FORMAT_VERSION}:{__version__}:{salt}"
    stamps = [os.stat(path) for path in paths]
    stamp = "\n".join([header] + [f"{path}\t{st.st_size}\t{st.st_mtime_ns}\t{st.st_ctime_ns}\t{st.st_ino}"
                                   for path, st in zip(paths, stamps)])
    inputs = zlib.crc32("\n".join([header, *map(str, paths)]).encode())  # one memo per set of inputs
    memo = os.path.join(cache_dir_name(), f"stamp-{salt}-{inputs:08x}.txt")
    try:
        with open(memo, encoding="utf-8") as fh:
            known, _, key = fh.read().rpartition("\n")
        if known == stamp:
            return key
    except OSError:
        pass
    key = _hash_contents(paths, header)
    settled = time.time_ns() - 2_000_000_000
    if all(max(st.st_mtime_ns, st.st_ctime_ns) < settled for st in stamps):
        _store(memo, f"{stamp}\n{key}".encode("utf-8"))
    return key


def _hash_contents(paths: list[str], header: str) -> str:
    import hashlib  # ~3 ms (OpenSSL): only when an input changed

    digest = hashlib.sha256(header.encode())
    for path in paths:
        digest.update(os.path.basename(path).encode())
        digest.update(_read_bytes(path))
    return digest.hexdigest()[:16]


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _store(target: str, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically; a read-only cache directory only costs speed."""
    from pathlib import Path

    from itss_graph.atomic_file import write_atomic  # tempfile: only to write, a warm cache only reads

    try:
        write_atomic(Path(target), lambda tmp: tmp.write_bytes(data))
    except OSError:
        pass


def cached(name: str, paths: Iterable[str | Path], build: Callable[[], T]) -> T:
    """Return the artefact ``name`` compiled from ``paths``, building and storing it if needed.

    The artefact is pickled; a corrupt or unreadable cache entry is rebuilt. Writes are atomic
    (:mod:`itss_graph.atomic_file`) so concurrent processes never read half a file.
    """
    paths = list(paths)
    target = os.path.join(cache_dir_name(), f"{name}-{content_key(paths, salt=name)}.pickle")
    try:
        with open(target, "rb") as fh:
            return load(fh)
    except (OSError, UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    import pickle

    _store(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value
