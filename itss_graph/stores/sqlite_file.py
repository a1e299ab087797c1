"""What the embedded store's read modules need of it, as a protocol: the store class imports
those modules (its SQL reads, the closure index), not the other way round; this module imports
nothing heavy, so the small query path never pulls in numpy through it."""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from typing import Protocol
else:
    Protocol = object  # a protocol is for type checkers; at run time a plain class


class SQLiteFile(Protocol):
    """An open embedded store: its file path, its connection and its content generation."""

    path: str
    db: sqlite3.Connection

    def generation(self) -> str: ...
