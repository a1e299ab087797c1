"""Stores for a long-running reader such as ``itss serve``: many questions, several threads,
while ``itss load`` may rewrite the store underneath.

:class:`ReadSessions` hands each thread its own connection and answers each question inside
one read snapshot: on the embedded store a read transaction (SQLite's WAL lets a load commit
meanwhile; the question sees the store entirely before or entirely after it, never half of
it). The closure index of each store generation is kept in memory once opened, so questions
after the first skip opening it again; a load changes the generation and the next question
opens (or builds) the new index. Neo4j stores are shared (the driver is thread-safe) and read
as they are: each engine read is its own transaction there.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.stores import StoreSettings
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.db"
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> SQLiteStore(path).close()
    >>> sessions = ReadSessions(StoreSettings(path=str(path)))
    >>> with sessions.reading() as store:
    ...     store.stats()
    {'cis': {}, 'relations': {}}
    >>> sessions.generation()
    '0'
    >>> sessions.close()
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from itss_graph.stores import StoreSettings, open_store
from itss_graph.stores.base import Store
from itss_graph.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from itss_graph.schema import Schema
    from itss_graph.stores.graph_index import GraphIndex

_KEPT_INDEXES = 2  # the current generation and the one a running question may still use


class _IndexCache:
    """Closure indexes by (store generation, schema), shared by the threads' connections."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[tuple[str, int], "GraphIndex"] = {}

    def get(self, store, schema: "Schema") -> "GraphIndex | None":
        key = (store.generation(), id(schema))
        with self._lock:
            found = self._indexes.get(key)
        if found is not None:
            return found
        index = SQLiteStore.closure_index(store, schema)
        with self._lock:
            self._indexes[key] = index
            while len(self._indexes) > _KEPT_INDEXES:
                self._indexes.pop(next(iter(self._indexes)))
        return index


class ServedSQLiteStore(SQLiteStore):
    """The embedded store with the closure index of its generation kept in memory."""

    def __init__(self, path: str, cache: _IndexCache):
        super().__init__(path, create=False)
        self._index_cache = cache

    def closure_index(self, schema):
        return self._index_cache.get(self, schema)


class ReadSessions:
    """Per-thread stores, each question read in one snapshot (see the module docstring)."""

    def __init__(self, settings: StoreSettings):
        self.settings = settings
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []
        self._indexes = _IndexCache()
        self._shared: Store | None = None
        if settings.kind == "sqlite":
            self._store()  # open once here: a missing store fails now, not on a question
        else:
            self._shared = open_store(settings, create=False)

    def _store(self) -> Store:
        if self._shared is not None:
            return self._shared
        store = getattr(self._local, "store", None)
        if store is None:
            store = ServedSQLiteStore(self.settings.path, self._indexes)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """This thread's store, inside one read snapshot for the ``with`` block."""
        store = self._store()
        db = getattr(store, "db", None)
        if db is None or db.in_transaction:
            yield store
            return
        db.execute("BEGIN")
        db.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # the snapshot starts at the first read
        try:
            yield store
        finally:
            if db.in_transaction:
                db.execute("COMMIT")

    def generation(self) -> str:
        """The store's current generation token (changes with every load that changes it)."""
        with self.reading() as store:
            return store.generation()

    def interrupt(self, store: Store) -> None:
        """Abort the SQL statement ``store`` is running (from another thread), if it can."""
        db = getattr(store, "db", None)
        if db is not None:
            db.interrupt()

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            try:
                store.close()
            except Exception:  # another thread's connection: closing may race its last use
                pass
        if self._shared is not None:
            self._shared.close()
