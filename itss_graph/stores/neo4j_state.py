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
    return ((kept is not None and kept.generation == generation)
            or os.path.isfile(os.path.join(index_base(store), generation, "meta.json")))
