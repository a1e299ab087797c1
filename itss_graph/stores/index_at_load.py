"""The closure index built by ``itss load`` for a large store, so that the first large question
after a load opens the index instead of building it (issue 14: no cliff after a load); on
Neo4j, the client's closure index or the snapshot the server's procedures walk
(:func:`warm_neo4j_after_load`).

Numpy-free: the build runs in a child process (``python -m itss_graph.stores.index_at_load``),
so the load's memory and the build's never add up and the loading process imports nothing more.

Example:
    >>> prepare_after_load(":memory:")
    False
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path


# From this many CIs on, `itss load` builds the index before it returns (in a process of its
# own, so the load's memory and the build's never add up): the first large question after a
# load then opens it instead of building it. Smaller stores build it lazily in well under a
# second, and only when a question reaches far (itss_graph.engine.budget).
INDEX_AT_LOAD_CIS = 50_000


def prepare_after_load(path: str) -> bool:
    """Build the closure index of the store at ``path`` now when the store is large (see
    :data:`INDEX_AT_LOAD_CIS`), in a child process; True when it was built. A failed build
    only costs speed later (the first large question builds it)."""
    if path == ":memory:" or not Path(path).exists():
        return False
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        size = db.execute("SELECT count(*) FROM ci").fetchone()[0]
    except sqlite3.Error:
        return False
    finally:
        db.close()
    if size < INDEX_AT_LOAD_CIS:
        return False
    release_free_memory()  # the build's memory and what the load freed must not add up
    done = subprocess.run([sys.executable, "-m", "itss_graph.stores.index_at_load", path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


def release_free_memory() -> bool:
    """Hand what the load freed back to the system before the build starts: glibc keeps freed
    blocks inside the heap (a 1M-CI load leaves ~260 MB resident, free but mapped, while the
    build's process grows to ~470 MB beside it). ``malloc_trim`` returns the free pages;
    False where there is no glibc to ask.

    >>> release_free_memory() in (True, False)
    True
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


def warm_neo4j_after_load(settings) -> subprocess.Popen | None:
    """After a load that changed the graph in the Neo4j database of ``settings`` (a
    :class:`~itss_graph.stores.StoreSettings`), make ready what the next question walks, so it
    does not pay the build: the client's closure index of a large database
    (:mod:`itss_graph.stores.neo4j_index`, read by a detached child process of its own, which
    is returned) or, when the server's procedures walk
    (:func:`~itss_graph.stores.neo4j_state.client_walks`), the snapshot they keep
    (``itss.snapshot``). Only speed depends on it: a server that cannot be reached now is the
    next command's to report."""
    from itss_graph.errors import StoreError
    from itss_graph.stores import open_store
    from itss_graph.stores.neo4j_read import warm_snapshot
    from itss_graph.stores.neo4j_state import BACKGROUND_READ_CIS, client_walks, database_size, start_index_reader

    try:
        store = open_store(settings)
    except StoreError:
        return None
    try:
        on_client = client_walks(store, store.has_procedures)
        if not on_client:
            warm_snapshot(store)
        large = database_size(store) >= BACKGROUND_READ_CIS  # smaller: read by the first question
    finally:
        store.close()
    if not (on_client and large):
        return None
    # not waited for: the load is done and committed; a question asked meanwhile waits for
    # this reader's index (neo4j_index._one_reader) instead of reading the graph again
    return start_index_reader(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                              settings.neo4j_database)


def _main(argv: list[str]) -> int:
    """``python -m itss_graph.stores.index_at_load STORE``: build (or find) the current index of
    the embedded store at STORE; ``--neo4j``: read (or find) the client's closure index of the
    Neo4j database the environment names (``NEO4J_URI`` …)."""
    from itss_graph.schema import load_schema
    from itss_graph.stores import open_store, settings_from_environment

    if argv == ["--neo4j"]:
        store = open_store(settings_from_environment())
    else:
        from itss_graph.stores.sqlite import SQLiteStore

        store = SQLiteStore(argv[0], create=False)
    try:
        store.closure_index(load_schema())
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
