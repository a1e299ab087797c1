"""Neo4j drivers kept open across stores, for a resident process (the CLI's broker,
:mod:`itss_graph.cli.broker`): each store opened with the same URI, user, password, database
and retry time reuses one driver (its connection pool) instead of connecting again.

Off by default: a store then creates its own driver and closes it with itself, as a cold
process must. :func:`keep_connections` turns keeping on for the rest of the process;
:func:`close_kept` closes every kept driver (when the resident process exits). A kept driver is
checked (``verify_connectivity``) each time a store takes it, so a server that went away or
changed its credentials gives the error a fresh connection gives.

>>> kept_driver(("bolt://h", "neo4j", "pw", None, 30.0)) is None   # keeping is off
True
>>> releases(object())                                               # a store closes its own
True
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_kept: dict | None = None  # key -> driver, when keeping is on
_indexes: dict = {}  # (uri, user, database) -> the closure index this process last used (neo4j_index)


def keep_connections() -> None:
    """Keep every Neo4j driver a store opens from now on."""
    global _kept
    if _kept is None:
        _kept = {}


def kept_driver(key: tuple) -> Any | None:
    """The kept driver of ``key`` (uri, user, password, database, retry seconds), or None."""
    return None if _kept is None else _kept.get(key)


def keep(key: tuple, driver: Any) -> None:
    """Keep ``driver`` for ``key`` when keeping is on (else nothing: its store closes it)."""
    if _kept is not None:
        _kept[key] = driver


def forget(key: tuple) -> None:
    """Stop keeping the driver of ``key`` (it failed its check) and close it."""
    driver = None if _kept is None else _kept.pop(key, None)
    if driver is not None:
        try:
            driver.close()
        except Exception:  # a broken driver's close may fail too; it is dropped either way
            pass


def releases(driver: Any) -> bool:
    """Whether a store closing with ``driver`` must close it (it is not kept)."""
    return _kept is None or all(kept is not driver for kept in _kept.values())


def close_kept() -> None:
    """Close every kept driver (keeping stays on)."""
    for key in list(_kept or ()):
        forget(key)


def kept_index(where: tuple) -> Any | None:
    """The closure index (:mod:`itss_graph.stores.neo4j_index`) this process last used for
    ``where`` (uri, Neo4j user, database), current or not; None when it used none. Kept in any process:
    a cold one uses it for the rest of its answer, a broker for its next ones."""
    return _indexes.get(where)


def keep_index(where: tuple, index: Any) -> None:
    _indexes[where] = index
