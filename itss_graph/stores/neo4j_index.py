"""The closure index of a Neo4j database, kept by the client: plain Cypher at embedded speed.

Where ITSS Graph's server procedures cannot be installed (managed services), every impact
answer used to walk the graph by Cypher round trips: 8 s for a core switch at 200k CIs, 27
times the embedded store. This module gives the Neo4j store the embedded store's closure index
(:class:`~itss_graph.stores.graph_index.GraphIndex`), read with plain Cypher, so the same
engine answers from memory (:mod:`itss_graph.engine.indexed_impact` and its peers).

Freshness is proven, not assumed. A read transaction's bookmark names the last transaction the
database had committed when it ran (measured on Neo4j 5.26: the bookmark of ``RETURN 1``
changes with every commit and with nothing else), so the state is one tiny read
(:func:`~itss_graph.stores.neo4j_state.database_state`).
An index is built between two such tokens and kept only when they agree (no write committed
while it was read); it is used for as long as the token stays the same. A write by anyone, not
only ``itss load``, changes the token, and the next question reads the graph again — or, on a
large database whose server has ITSS Graph's procedures, is walked by them while a process of
its own reads the index (:func:`~itss_graph.stores.neo4j_state.read_in_background`).

Kept on disk under the cache directory (``neo4j-index/<server, user, database>/<generation>/``,
private to the user: it holds CI names) and in the process (:mod:`itss_graph.stores.neo4j_kept`)
while it is current, so a broker (:mod:`itss_graph.cli.broker`) answers from memory after a
token read.

Positions are the CIs in the order of their ids, so an id is found by bisection
(:func:`positions_of_ids`); ``keys`` are the positions themselves.
"""

from __future__ import annotations

import os

import numpy as np

from itss_graph.semantics import Rules, min_up_of
from itss_graph.stores.graph_index import BlobWriter, EdgeArrays, GraphIndex, kept_props
from itss_graph.stores.neo4j_state import database_state, generation_of, index_base, trusted_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from itss_graph.schema import Schema
    from itss_graph.stores.neo4j_read import Neo4jReads

# One page of CIs in the order of the id index, with the properties of those the index keeps
# (the kept types', and any that state a min_up); collect(): one record per page, not per CI.
INDEX_NODES_CYPHER = """MATCH (n:CI) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
RETURN collect(n.id), collect(coalesce(n.name, '')), collect(coalesce(n.type, '')),
       collect(CASE WHEN n.type IN $kept OR n.props CONTAINS '"min_up"' THEN coalesce(n.props, '{}')
                    ELSE '' END)"""

# The relationships leaving the CIs of one page (found by id: Neo4j's string ranges do not
# compare as its id index orders, measured with ids beyond the basic plane), as the engine's
# reads see them (neo4j_read.NEO4J_EDGES): redundancy group and min_up as texts, '' for none;
# collect() drops nulls, so a node without an id (no CI of the index) is left out first.
INDEX_RELATIONS_CYPHER = """UNWIND $ids AS id
MATCH (a:CI {id: id})-[r]->(b:CI) WHERE b.id IS NOT NULL
RETURN collect(id), collect(type(r)), collect(b.id),
       collect(coalesce(toString(r.redundancy_group), '')), collect(coalesce(toString(r.min_up), ''))"""

# Every CI in one stream: when the pages did not read each CI once (see read_index)
INDEX_ALL_NODES_CYPHER = """MATCH (n:CI) WHERE n.id IS NOT NULL
RETURN n.id, coalesce(n.name, ''), coalesce(n.type, ''),
       CASE WHEN n.type IN $kept OR n.props CONTAINS '"min_up"' THEN coalesce(n.props, '{}') ELSE '' END"""

PAGE = 50_000  # CIs per read: ~2 MB of ids and names per record
READER_WAIT_S = 180.0  # how long a question waits for another process's read (2M CIs: ~50 s)


def graph_index(store: Neo4jReads, schema: Schema) -> GraphIndex:
    """The index of the database as it is now: the one this process holds, the one saved for
    this generation, or one read now (and saved when no write committed meanwhile)."""
    from itss_graph.stores.neo4j_kept import keep_index, kept_index

    token, size = database_state(store)
    generation = generation_of(token, schema)
    where = (store.uri, store.user, store.database)
    index = kept_index(where)
    if index is None or index.generation != generation:
        directory = os.path.join(index_base(store), generation)
        index = _open(directory)
        if index is None:
            with _one_reader(store):
                # another process may have read it while this one waited (itss load's reader)
                index = _open(directory) or _read_until_still(store, schema, token, size, generation)
        keep_index(where, index)
    return index


def _open(directory: str) -> GraphIndex | None:
    return GraphIndex.open(directory) if trusted_folder(os.path.dirname(directory)) else None


class _one_reader:
    """Held while this process reads a database's index: one reader per server and database
    at a time (a lock file beside the saved indexes), so a question asked while another
    process reads (``itss load``'s reader) waits for its index instead of reading the graph a
    second time — for :data:`READER_WAIT_S` at most: a reader that hangs (a server that stopped
    answering) never holds the others up for longer; they then read for themselves. Without a
    writable cache directory, nothing is held."""

    def __init__(self, store: Neo4jReads):
        self._path = os.path.join(index_base(store), ".reading")
        self._fd: int | None = None

    def __enter__(self):
        import fcntl
        import time

        try:
            _private_dirs(os.path.dirname(self._path))
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            deadline = time.monotonic() + READER_WAIT_S
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        self._release()  # read without it
                        break
                    time.sleep(0.05)
        except OSError:
            self._release()
        return self

    def __exit__(self, *exc) -> None:
        self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def _private_dirs(base: str) -> None:
    """``base`` and its parent made, and the user's alone (CI names and properties)."""
    os.makedirs(base, mode=0o700, exist_ok=True)
    for directory in (os.path.dirname(base), base):
        os.chmod(directory, 0o700)


def _read_until_still(store: Neo4jReads, schema: Schema, token: str, size: int, generation: str
                      ) -> GraphIndex:
    """Read the index; save it when the database's token is the same after the read as
    before it. A write meanwhile: read again once from the new token; still moving, the
    last read is answered from but not saved (it is as current as a walk by queries)."""
    for _ in range(2):
        index = read_index(store, schema, generation, size)
        after, size = database_state(store)
        if after == token:
            _save(store, index)
            return index
        token, generation = after, generation_of(after, schema)
    index.generation = "unsaved-" + generation  # never equal to a generation read later
    return index


def _save(store: Neo4jReads, index: GraphIndex) -> None:
    import shutil

    base = index_base(store)
    try:
        _private_dirs(base)
        index.save(os.path.join(base, index.generation))
        for old in os.listdir(base):  # earlier generations are of no further use
            if old[0] != "." and old != index.generation and not old.startswith(index.generation):
                shutil.rmtree(os.path.join(base, old), ignore_errors=True)
    except OSError:
        pass  # an unwritable cache only costs speed: the next process reads the graph again


def read_index(store: Neo4jReads, schema: Schema, generation: str, expected: int) -> GraphIndex:
    """Read every CI by pages of :data:`PAGE` in the order of the id index, then the
    relationships leaving each page's CIs, each page turned into integer arrays at once (a
    few million relations never wait as Python strings), and build the index. ``expected``:
    how many CIs the database holds; pages that did not read each of them once are read
    again as one stream."""
    from itss_graph.stores.neo4j_read import read

    kept_types = sorted(schema.service_types())
    columns: tuple[list, list, list, list] = ([], [], [], [])
    pages: list[list[str]] = []
    after = ""
    while True:
        [page] = read(store, INDEX_NODES_CYPHER, {"after": after, "page": PAGE, "kept": kept_types})
        if not page[0]:
            break
        for column, values in zip(columns, page):
            column += values
        pages.append(page[0])
        after = page[0][-1]
        if len(page[0]) < PAGE:
            break
    if len(columns[0]) != expected:  # nodes without an id (another tool's) count there too
        [(expected,)] = read(store, "MATCH (n:CI) WHERE n.id IS NOT NULL RETURN count(n)", {})
    if len(columns[0]) != expected or len(set(columns[0])) != expected:
        columns = _stream_nodes(store, kept_types)
        pages = [columns[0][k:k + PAGE] for k in range(0, len(columns[0]), PAGE)]
    nodes = _Nodes(*columns, kept_types)
    del columns
    edges = _EdgeColumns(nodes.position)
    from concurrent.futures import ThreadPoolExecutor

    # the server reads the next two pages while this thread turns the last one into arrays
    # (two ahead, not all: pages waiting as Python strings would cost the memory arrays save;
    # one ahead measured 15 % slower at 200k)
    from collections import deque
    from itertools import islice

    with ThreadPoolExecutor(max_workers=2) as pool:
        reads = (pool.submit(read, store, INDEX_RELATIONS_CYPHER, {"ids": ids}) for ids in pages)
        ahead = deque(islice(reads, 2))
        while ahead:
            [found] = ahead.popleft().result()
            ahead.extend(islice(reads, 1))
            edges.add(*found)
    rules = Rules.from_schema(schema)
    positions = np.arange(nodes.size, dtype=np.int64)
    return GraphIndex.from_arrays(generation=generation, keys=positions, ids=nodes.id_blob,
                                  names=nodes.name_blob, type_names=nodes.type_names,
                                  type_code=nodes.type_code, min_up=nodes.min_up, edges=edges.arrays(),
                                  toward_source=rules.toward_source,
                                  toward_target=rules.toward_target, id_order=positions,
                                  props=kept_props(nodes.kept), props_types=kept_types)


def _stream_nodes(store: Neo4jReads, kept_types: list[str]) -> tuple[list, list, list, list]:
    """Every CI's columns, one record each (slower than pages: the driver's cost per record)."""
    import neo4j

    columns: tuple[list, list, list, list] = ([], [], [], [])
    with store.driver.session(database=store.database, default_access_mode=neo4j.READ_ACCESS,
                              bookmark_manager=store.bookmarks, fetch_size=PAGE) as session:
        for record in session.run(INDEX_ALL_NODES_CYPHER, {"kept": kept_types}):
            for column, value in zip(columns, record.values()):
                column.append(value)
    return columns


class _Nodes:
    """The CIs read, sorted by id in Python's order (code points; Neo4j's is not guaranteed
    to be the same): blobs of ids and names, type codes, min_up, the kept properties and the
    position of each id."""

    def __init__(self, ids: list[str], names: list[str], types: list[str], props: list[str],
                 kept_types: list[str]):
        order = sorted(range(len(ids)), key=ids.__getitem__)
        self.size = n = len(order)
        sorted_ids = [ids[k] for k in order]
        self.position = dict(zip(sorted_ids, range(n)))
        self.type_names = sorted(set(types))
        lookup = {t: k for k, t in enumerate(self.type_names)}
        self.type_code = np.fromiter((lookup[types[k]] for k in order), dtype=np.int16, count=n)
        self.min_up = np.ones(n, dtype=np.int32)
        self.kept: list[tuple[int, str]] = []
        wanted = set(kept_types)
        for at, k in enumerate(order):
            text = props[k]
            if text:  # read only for the kept types and CIs that state a min_up
                if '"min_up"' in text:
                    self.min_up[at] = min_up_of(_json(text))
                if types[k] in wanted:
                    self.kept.append((at, text))
        id_blob, name_blob = BlobWriter(n), BlobWriter(n)
        id_blob.add(sorted_ids)
        name_blob.add([names[k] for k in order])
        self.id_blob, self.name_blob = id_blob.arrays(), name_blob.arrays()


class _EdgeColumns:
    """Relationship pages as integer arrays: positions, relation codes, redundancy groups
    (codes into their names) and min_up (0: none), as :class:`EdgeArrays` takes them."""

    def __init__(self, position: dict[str, int]):
        self._position = position
        self._rel_names: dict[str, int] = {}
        self._group_names: dict[str, int] = {}
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, src: list[str], rel: list[str], dst: list[str], groups: list[str],
            min_ups: list[str]) -> None:
        """One page. A relationship to a CI the pages of CIs did not hold (created since they
        were read) is left out: a write committed meanwhile, so this read is not saved
        (:func:`_read_until_still`)."""
        from itss_graph.stores.base import int_or_none

        m, at = len(src), self._position.get
        codes, names = self._rel_names, self._group_names
        part = (np.fromiter((at(s, -1) for s in src), dtype=np.int32, count=m),
                np.fromiter((codes.setdefault(r, len(codes)) for r in rel), dtype=np.int16, count=m),
                np.fromiter((at(d, -1) for d in dst), dtype=np.int32, count=m),
                np.fromiter((names.setdefault(g, len(names)) if g else -1 for g in groups), dtype=np.int32, count=m),
                np.fromiter(((int_or_none(v) or 0) if v else 0 for v in min_ups), dtype=np.int32, count=m))
        known = (part[0] >= 0) & (part[2] >= 0)
        self._parts.append(part if known.all() else tuple(column[known] for column in part))

    def arrays(self) -> EdgeArrays:
        empty = (np.int32, np.int16, np.int32, np.int32, np.int32)
        columns = [np.concatenate([part[k] for part in self._parts]) if self._parts
                   else np.empty(0, dtype=empty[k]) for k in range(5)]
        return EdgeArrays(*columns, list(self._rel_names), list(self._group_names))


def _json(text: str):
    import json

    return json.loads(text)


def engine_statements() -> list[tuple[str, str]]:
    """What ``--show-query`` prints of the client's index: (what it does, marked for the
    catalogue; the statement)."""
    from itss_graph.i18n import N_
    from itss_graph.stores.neo4j_state import DATABASE_STATE_CYPHER

    return [(N_("Neo4j, before each answer: the database's state (the bookmark of this read "
                "transaction names its last committed transaction)"), DATABASE_STATE_CYPHER),
            (N_("Neo4j up to 2M CIs (ITSS_NEO4J_INDEX): the client's closure index, read once per "
                "state of the database: every CI, by pages in the order of the id index"),
             INDEX_NODES_CYPHER),
            (N_("Neo4j: the relationships leaving the CIs of each page"), INDEX_RELATIONS_CYPHER)]


def positions_of_ids(index: GraphIndex, ids: Sequence[str]) -> np.ndarray:
    """Positions of CIs given by id, in the order asked, unknown ids skipped: a few by
    bisection over the sorted ids (~40 µs each at 200k CIs), many by one vectorised search
    in the ids as fixed-width bytes (made once per index, ~20 ms at 200k; a table of every
    id instead takes ~160 ms), or through such a table when the longest id would make the
    fixed-width copy large.

    >>> index = GraphIndex.build(generation="1", keys=[0, 1, 2], ids=["a", "b", "c"],
    ...     names=["a", "b", "c"], types=["vm"] * 3, min_up=[1] * 3, edges=[],
    ...     toward_source={}, toward_target={})
    >>> positions_of_ids(index, ["c", "x", "a"]).tolist(), positions_of_ids(index, ["b", "x"] * 200)[:3].tolist()
    ([2, 0], [1, 1, 1])
    """
    ids = list(ids)
    n = index.size
    if len(ids) < 256 or not n:
        from bisect import bisect_left

        found = []
        for ci_id in ids:
            at = bisect_left(range(n), ci_id, key=index.id_of)
            if at < n and index.id_of(at) == ci_id:
                found.append(at)
        return np.array(found, dtype=np.int64)
    fixed = _fixed_width_ids(index)
    if fixed is None or any("\0" in i for i in ids):
        table = index.__dict__.get("_position_of")
        if table is None:
            table = index.__dict__["_position_of"] = dict(zip(index.ids_of(np.arange(n)), range(n)))
        return np.fromiter((at for at in map(table.get, ids) if at is not None), dtype=np.int64)
    wanted = np.array([i.encode("utf-8") for i in ids], dtype=fixed.dtype)
    at = np.minimum(np.searchsorted(fixed, wanted), n - 1)
    # an id longer than the widest is cut by the dtype: it must not match a stored prefix
    whole = np.fromiter((len(i.encode("utf-8")) <= fixed.dtype.itemsize for i in ids), dtype=bool, count=len(ids))
    return at[(fixed[at] == wanted) & whole].astype(np.int64)


_FIXED_WIDTH_MAX_BYTES = 64 << 20


def _fixed_width_ids(index: GraphIndex) -> np.ndarray | None:
    """The sorted ids as one array of zero-padded bytes (UTF-8 orders as code points, as the
    positions are sorted), kept on the index; None when it would pass 64 MB or an id holds
    a NUL."""
    if "_fixed_ids" not in index.__dict__:
        lengths = np.diff(index.id_off)
        width = max(int(lengths.max()), 1)
        fixed = None
        # (numpy's bytes drop trailing NULs: an id holding one is found through the table)
        if index.size * width <= _FIXED_WIDTH_MAX_BYTES and not (index.id_blob == 0).any():
            rows = np.zeros((index.size, width), dtype=np.uint8)
            rows[np.arange(width)[None, :] < lengths[:, None]] = index.id_blob
            fixed = rows.view(f"S{width}").reshape(index.size)
        index.__dict__["_fixed_ids"] = fixed
    return index.__dict__["_fixed_ids"]
