"""What the client knows of a Neo4j database for one question: the last transaction it has
committed and how many CIs it holds; from that, who walks the graph (the server's procedures
or the client's closure index, :mod:`itss_graph.stores.neo4j_index`), where the client's index
of each state is saved and whether it is at hand.

Numpy-free: a question answered by the server's procedures never imports the index's code.

>>> os.environ["ITSS_NEO4J_INDEX"] = "client"; client_walks(None, lambda: True)
True
>>> os.environ["ITSS_NEO4J_INDEX"] = "server"; client_walks(None, lambda: True), client_walks(None, lambda: False)
(False, True)
>>> del os.environ["ITSS_NEO4J_INDEX"]
"""

from __future__ import annotations

import os

from itss_graph.stores.index_files import FORMAT, schema_fingerprint
from itss_graph.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from itss_graph.schema import Schema
    from itss_graph.stores.neo4j_read import Neo4jReads

#: one read: the count store answers it without a scan, and its transaction's bookmark names
#: the database's last committed transaction
DATABASE_STATE_CYPHER = "MATCH (n:CI) RETURN count(n)"

#: up to this many CIs the client keeps the closure index by default (``ITSS_NEO4J_INDEX=auto``):
#: docs/scaling.md has the read time and size per million CIs
CLIENT_INDEX_MAX_CIS = 2_000_000

#: from this many CIs on, the client's index is read by a process of its own (after a load, or
#: while the server's procedures answer): below, reading it takes about a second at most
BACKGROUND_READ_CIS = 50_000


def database_state(store: Neo4jReads) -> tuple[str, int]:
    """(token, CIs), read now: the last committed transaction of the store's database as a
    read sees it (the bookmarks of one read transaction, after the store's own on a cluster)
    and how many CIs it holds (from the count store: no scan). Never cached: a store can live
    for hours (``itss serve``) while others write."""
    from itss_graph.stores.neo4j_read import read

    [(cis,)] = read(store, DATABASE_STATE_CYPHER, {})
    store.__dict__["_database_size"] = cis
    return "|".join(sorted(store.bookmarks.get_bookmarks())), cis


def database_size(store: Neo4jReads) -> int:
    """How many CIs the database held when this store first asked (or last read its state):
    only the choice of :func:`client_walks` depends on it, and either choice answers alike."""
    size = store.__dict__.get("_database_size")
    return database_state(store)[1] if size is None else size


def client_walks(store: Neo4jReads, has_procedures: Callable[[], bool]) -> bool:
    """Whether the engine answers from the client's index (else the server's procedures walk).
    ``ITSS_NEO4J_INDEX``: ``client`` always; ``server`` whenever the server has ITSS Graph's
    procedures; ``auto`` (the default) the client's while the database holds at most
    :data:`CLIENT_INDEX_MAX_CIS` CIs (docs/scaling.md: read in well under a minute and a few
    hundred MB), the server's beyond when it can. ``has_procedures()``: asked only when needed."""
    choice = os.environ.get("ITSS_NEO4J_INDEX", "auto").strip().lower()
    if choice == "client":
        return True
    if choice != "server" and database_size(store) <= CLIENT_INDEX_MAX_CIS:
        return True
    return not has_procedures()


def generation_of(token: str, schema: Schema) -> str:
    """The name of an index generation: database state, failure semantics, layout, code."""
    import hashlib

    digest = hashlib.sha256(token.encode()).hexdigest()[:24]
    return f"{digest}-{schema_fingerprint(schema)}-f{FORMAT}-v{__version__}"


def index_base(store: Neo4jReads) -> str:
    """The directory holding the index generations of one server, Neo4j user (what a user
    may read differs) and database (not created)."""
    import hashlib

    from itss_graph.cache_location import cache_home

    key = hashlib.sha256(f"{store.uri}\0{store.user or ''}\0{store.database or ''}".encode()).hexdigest()[:16]
    return os.path.join(cache_home(), "neo4j-index", key)


def index_is_ready(store: Neo4jReads, schema: Schema) -> bool:
    """Whether the client's index of the database as it is now is at hand: kept by this
    process or saved by another (``itss load``'s reader, an earlier question). Then even a
    small question answers from it (one more token read) instead of walking by Cypher levels."""
    from itss_graph.stores.neo4j_kept import kept_index

    generation = generation_of(database_state(store)[0], schema)
    kept = kept_index((store.uri, store.user, store.database))
    if kept is not None and kept.generation == generation:
        return True
    base = index_base(store)  # saved, in a folder neo4j_index would open
    return trusted_folder(base) and os.path.isfile(os.path.join(base, generation, "meta.json"))


def trusted_folder(directory: str) -> bool:
    """Whether saved indexes may be opened from ``directory``: it is this user's and nobody
    else's (a cache directory shared by mistake must not hand another user's planted index over)."""
    try:
        info = os.stat(directory)
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


def reading_elsewhere(store: Neo4jReads) -> bool:
    """Whether another process is reading the database's index now (holds the lock)."""
    import fcntl

    try:
        fd = os.open(os.path.join(index_base(store), ".reading"), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def read_in_background(store: Neo4jReads, schema: Schema, has_procedures: Callable[[], bool]) -> bool:
    """Whether this question is better walked by the server's procedures while another
    process reads the client's index: in ``auto`` mode, on a server that has the procedures,
    when the current index of a database of :data:`BACKGROUND_READ_CIS` CIs or more is not at
    hand (a write since it was read). The question then does not wait for the read (20–50 s at
    1–2M CIs); the next ones answer from the index. Starts that reader unless one is at work."""
    if os.environ.get("ITSS_NEO4J_INDEX", "auto").strip().lower() != "auto":
        return False
    if database_size(store) < BACKGROUND_READ_CIS or index_is_ready(store, schema) or not has_procedures():
        return False
    if not reading_elsewhere(store):
        start_index_reader(store.uri, store.user, getattr(store, "password", None), store.database)
    return True


def start_index_reader(uri: str, user: str | None, password: str | None, database: str | None):
    """A detached process reading the client's index of a Neo4j database (``python -m
    itss_graph.stores.index_at_load --neo4j``), returned; the settings by environment, so a
    password never shows in ``ps``."""
    import subprocess
    import sys

    given = {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}
    env = {k: v for k, v in os.environ.items() if k not in given}
    env.update((k, v) for k, v in given.items() if v)
    env["ITSS_NEO4J_INDEX"] = "client"  # it reads: it must not hand the read on to another reader
    return subprocess.Popen([sys.executable, "-m", "itss_graph.stores.index_at_load", "--neo4j"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
