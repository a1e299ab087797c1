"""The store one load checks against and writes to, created only whole.

An embedded store that does not exist yet is created only when something is written, and only
whole: it is written under a private name beside its path (``.NAME.PID.new``) and linked into
place when the load succeeded, so a dry run or a load that fails leaves no store file behind
(after which queries would answer "unknown CI" instead of "no store"). Until then the checks run
against an empty in-memory store; if another load creates the store meanwhile, this one checks
again against it and loads into it. An existing store (or Neo4j) is simply opened.

Example (what the loader does, see :func:`itss_graph.loading.run.load_into`):
    >>> import pathlib, tempfile
    >>> from itss_graph.stores import StoreSettings
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "new.db"
    >>> with StoreForLoad(StoreSettings(path=str(path)), dry_run=False) as stores:
    ...     stores.for_checks.is_empty(), path.exists()   # checked against an empty store
    ...     store = stores.for_writing()                  # the new store, under its private name
    ...     stores.written(), path.exists()               # linked into place
    (True, False)
    (True, True)
"""

from __future__ import annotations

from itss_graph.i18n import M_

import os
from pathlib import Path

# what SQLite and the load lock (stores/sqlite_write.py) put beside a store file
_COMPANIONS = ("", "-wal", "-shm", "-journal", ".load-lock")


class StoreForLoad:
    """See the module docstring. Use as a context manager: it closes what it opened and
    removes a new store that was not moved into place."""

    def __init__(self, settings, dry_run: bool):
        self.settings = settings
        self.dry_run = dry_run
        self.target: Path | None = None  # a store to create
        self.temp: Path | None = None
        self.store = None
        self.checks = None
        self.recheck = False  # the store appeared while this load was checked

    def __enter__(self) -> "StoreForLoad":
        from itss_graph.stores import open_store

        settings = self.settings
        if settings.kind == "sqlite" and settings.path != ":memory:" \
                and not Path(settings.path).exists():
            from itss_graph.stores.sqlite import SQLiteStore

            self.checks = SQLiteStore(":memory:")
            self.target = Path(settings.path)
        else:
            self.store = open_store(settings, create=True)
        return self

    @property
    def for_checks(self):
        """The store to check against: the existing one, or an empty one in memory."""
        return self.checks if self.checks is not None else self.store

    def for_writing(self):
        """The store to apply to: the existing one, or a new one under its private name."""
        from itss_graph.stores import open_store

        if self.store is not None or self.dry_run:
            return self.store if self.store is not None else self.checks
        if self.target.exists():  # created by another load while this one was checked
            self.store = open_store(self.settings, create=True)
            self.target, self.recheck = None, True
            return self.store
        from itss_graph.stores.sqlite import SQLiteStore

        from itss_graph.errors import StoreError

        self.temp = self.target.with_name(f".{self.target.name}.{os.getpid()}.new")
        self._remove_temp()
        try:
            self.store = SQLiteStore(self.temp, create=True)
        except StoreError as exc:  # name the store asked for, not the private name
            cause = exc.__cause__ or exc
            raise StoreError(M_("cannot create store {target}: {cause}; nothing was written", target=self.target, cause=cause)) from None
        return self.store

    def written(self) -> bool:
        """Move a new store into place; False when a store appeared at the path meanwhile (the
        caller then loads into that one)."""
        if self.temp is None:
            return True
        self.store.close()  # the last connection: SQLite folds its WAL into the file
        self.store = None
        try:
            os.link(self.temp, self.target)  # atomic, and only where no store is
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if self.target.exists():
                return False
            os.replace(self.temp, self.target)
        finally:
            self._remove_temp()
            self.temp = None
        self.target = None
        return True

    def _remove_temp(self) -> None:
        for suffix in _COMPANIONS:
            Path(str(self.temp) + suffix).unlink(missing_ok=True)

    def __exit__(self, *exc) -> None:
        for store in (self.checks, self.store):
            if store is not None:
                store.close()
        if self.temp is not None:  # the load failed after starting a new store: nothing stays
            self._remove_temp()
