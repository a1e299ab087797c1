"""Where the embedded store's closure index lives on disk, and a look into it without numpy.

:mod:`itss_graph.stores.sqlite_index` builds and memory-maps the index with numpy; this module
holds what a cold process needs *before* deciding to pay for numpy (~0.1 s to import): the
name of the current index's directory (store generation, failure semantics, array format,
package version) and :func:`surely_reads_beyond`, which walks the saved failure-flow arrays
with the standard library alone to tell whether a walk by SQL levels is bound to overrun
its budget.

Example (the example inventory's rack: everything in it is lost with it, over hard relations):
    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.schema import load_schema
    >>> import tempfile, os
    >>> store = example_store(os.path.join(tempfile.mkdtemp(), "x.db"))
    >>> _ = store.closure_index(load_schema())  # the first large question saves it
    >>> directory = current_index_dir(store, load_schema())
    >>> keys = [k for (k,) in store.db.execute("SELECT n FROM ci WHERE id = 'rack:a01'")]
    >>> surely_reads_beyond(directory, keys, 1000), surely_reads_beyond(directory, keys, 3)
    (False, True)
"""

from __future__ import annotations

import mmap
import os
import zlib
from bisect import bisect_left

from itss_graph.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from itss_graph.schema import Schema
    from itss_graph.stores.sqlite_file import SQLiteFile

#: the array layout of a saved index (:class:`itss_graph.stores.graph_index.GraphIndex`)
FORMAT = 5

#: explanation class of a flow edge that loses its target outright (no redundancy group)
HARD = 0


def schema_fingerprint(schema: Schema) -> str:
    """The failure semantics an index encodes: a changed ontology must not reuse an old index
    (a checksum, not a digest: ``hashlib`` costs a cold process ~5 ms)."""
    text = "|".join(f"{r.name}:{r.on_target_failure}:{r.on_source_failure}"
                    for r in schema.relation_types.values())
    return f"{zlib.crc32(text.encode()):08x}"


def index_generation(store: SQLiteFile, schema: Schema) -> str:
    """The name of the index directory that matches the store and code as they are now."""
    generation = f"{store.generation()}-{schema_fingerprint(schema)}"
    if store.path != ":memory:":
        # the array layout (FORMAT) and the code that reads it (the package version) key the files
        generation = f"{generation}-f{FORMAT}-v{__version__}"
    return generation


def index_base(store: SQLiteFile, *, create: bool) -> str:
    """The directory holding the store's index generations: ``<database>.index`` beside the
    database, or a per-database folder of the user cache when that cannot be created (with
    ``create``; without it, the folder beside the database when it exists)."""
    beside = store.path + ".index"
    try:
        if create:
            os.makedirs(beside, exist_ok=True)
            return beside
        if os.path.isdir(beside):
            return beside
    except OSError:
        pass
    import hashlib

    from itss_graph.cache_location import cache_home

    key = hashlib.sha256(os.path.realpath(store.path).encode()).hexdigest()[:16]
    return os.path.join(cache_home(), "graph-index", key)


def current_index_dir(store: SQLiteFile, schema: Schema) -> str | None:
    """The saved index of the store's current generation, or None (none saved yet, an
    in-memory store). Looks only: never creates a directory."""
    if store.path == ":memory:":
        return None
    directory = os.path.join(index_base(store, create=False), index_generation(store, schema))
    return directory if os.path.isfile(os.path.join(directory, "meta.json")) else None


def surely_reads_beyond(directory: str, keys: Sequence[int], limit: int) -> bool:
    """Whether a walk by SQL levels from the CIs with these store keys (``ci.n``) is certain
    to read more than ``limit`` relations (:class:`itss_graph.engine.budget.EdgeBudget`).

    Such a walk spends a relation per CI of each level's frontier plus every failure-flow
    relation leaving it, for each CI it loses. The CIs reached over hard relations alone are
    lost whatever the redundancy, so their spending is a lower bound: above ``limit``, the
    walk would overrun and its reads would be wasted. Walks the saved ``flow_*`` arrays level
    by level and stops as soon as the bound passes ``limit``; False when the arrays cannot be
    read (the engine then tries SQL levels as before)."""
    try:
        arrays = _Arrays(directory)
    except (OSError, ValueError, TypeError):  # TypeError: a truncated array
        return False
    with arrays:
        try:
            return _hard_walk_spends_more(arrays, keys, limit)
        except IndexError:  # arrays that do not fit together (a damaged file): no opinion
            return False


def _hard_walk_spends_more(arrays: _Arrays, keys: Sequence[int], limit: int) -> bool:
    """:func:`surely_reads_beyond` on opened arrays."""
    ptr, dst, cls, index_keys = arrays.ptr, arrays.dst, arrays.cls, arrays.keys
    seen = set()
    for key in keys:
        at = bisect_left(index_keys, key)
        if at < len(index_keys) and index_keys[at] == key:
            seen.add(at)
    frontier = sorted(seen)
    spent = 0
    while frontier:
        spent += len(frontier)
        for f in frontier:
            spent += ptr[f + 1] - ptr[f]
        if spent > limit:
            return True
        following = []
        for f in frontier:
            for e in range(ptr[f], ptr[f + 1]):
                if cls[e] == HARD:
                    c = dst[e]
                    if c not in seen:
                        seen.add(c)
                        following.append(c)
        frontier = following
    return False


class _Arrays:
    """The index's ``flow_ptr``, ``flow_dst``, ``flow_class`` and ``keys`` as memoryviews of
    their ``.npy`` files (memory-mapped), closed on exit."""

    def __init__(self, directory: str):
        self._maps: list[mmap.mmap] = []
        self._views: list[memoryview] = []
        try:
            self.ptr = self._open(directory, "flow_ptr")
            self.dst = self._open(directory, "flow_dst")
            self.cls = self._open(directory, "flow_class")
            self.keys = self._open(directory, "keys")
        except BaseException:
            self.__exit__()
            raise

    def _open(self, directory: str, name: str) -> memoryview:
        mapped, start, descr, count = map_npy(os.path.join(directory, f"{name}.npy"))
        self._maps.append(mapped)
        view = memoryview(mapped)[start:]
        self._views.append(view)
        typed = view.cast(TYPECODES[descr])
        self._views.append(typed)
        if len(typed) != count:
            raise ValueError(f"{name}.npy: {len(typed)} items, header says {count}")
        return typed

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for view in reversed(self._views):
            view.release()
        for mapped in self._maps:
            mapped.close()


#: the ``.npy`` element types of a saved index, with their ``struct`` typecodes
TYPECODES = {"<i8": "q", "<i4": "i", "<i2": "h", "|i1": "b", "|u1": "B"}


def map_npy(path: str) -> tuple[mmap.mmap, int, str, int]:
    """A saved array memory-mapped read-only: (the map, data offset, element type as numpy
    writes it, item count). Reads the header itself: ``numpy.load(mmap_mode=...)`` parses it
    with ``ast.literal_eval``: 7–8.5 ms for the 28 arrays of a 200k index, 2.4–3.3 ms this way. An empty file
    cannot be mapped (ValueError), nor can it be an index array."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        return (mapped, *npy_layout(mapped))
    except BaseException:
        mapped.close()
        raise


def npy_layout(data) -> tuple[int, str, int]:
    """(data offset, element type, item count) of a one-dimensional, C-ordered ``.npy`` file
    of little-endian integers or bytes (:data:`TYPECODES`), as numpy saves the index's
    arrays; ValueError otherwise.

    >>> import io, struct
    >>> header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"
    >>> header += b" " * (117 - len(header)) + b"\\n"
    >>> npy_layout(b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(header)) + header)
    (128, '<i4', 3)
    """
    if bytes(data[:6]) != b"\x93NUMPY":
        raise ValueError("not a .npy file")
    major = data[6]
    if major == 1:
        size, start = int.from_bytes(data[8:10], "little"), 10
    elif major in (2, 3):
        size, start = int.from_bytes(data[8:12], "little"), 12
    else:
        raise ValueError(f".npy version {major}")
    header = bytes(data[start:start + size]).decode("latin-1")
    descr = _field(header, "descr").strip("'\"")
    shape = _field(header, "shape")
    if descr not in TYPECODES or _field(header, "fortran_order") != "False":
        raise ValueError(f"unexpected array layout {header!r}")
    if not (shape.startswith("(") and shape.endswith(",)") and shape[1:-2].strip().isdigit()):
        raise ValueError(f"not a one-dimensional array: {header!r}")
    return start + size, descr, int(shape[1:-2])


def _field(header: str, name: str) -> str:
    """The text of one value of a .npy header dictionary (values hold no commas but shapes)."""
    at = header.find(f"'{name}':")
    if at < 0:
        raise ValueError(f"no {name} in .npy header")
    rest = header[at + len(name) + 3:].lstrip()
    end = rest.find(")") + 1 if rest.startswith("(") else rest.find(",")
    if end < 1:
        raise ValueError(f"unreadable {name} in .npy header")
    return rest[:end].strip()
