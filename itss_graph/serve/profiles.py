"""Organisation profiles the standards explorer offers: the YAML files of a directory, and the
ones people upload (kept in a private temporary directory while the server runs, named by
their content's hash, at most a bounded number). A profile is asked for by file name only;
nothing outside these two places can be named.

Example:
    >>> import tempfile, pathlib
    >>> shelf = ProfileShelf(None, kept=2)
    >>> name = shelf.add(b"name: x\\n")
    >>> name.startswith("upload-") and shelf.path(name).read_bytes() == b"name: x\\n"
    True
    >>> shelf.path("../etc/passwd") is None
    True
    >>> shelf.close()
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from pathlib import Path

_NAME = re.compile(r"^[\w.-]{1,120}\.ya?ml$")


class ProfileShelf:
    def __init__(self, directory: Path | None, *, kept: int = 50):
        self.directory = Path(directory) if directory else None
        self.kept = kept
        self._uploads = Path(tempfile.mkdtemp(prefix="itss-serve-profiles-"))
        self._order: list[str] = []
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The offered profiles: the directory's (sorted), then the uploads (oldest first)."""
        found = []
        if self.directory is not None and self.directory.is_dir():
            found = sorted(p.name for p in self.directory.iterdir() if p.is_file() and _NAME.match(p.name))
        with self._lock:
            return found + list(self._order)

    def path(self, name: str) -> Path | None:
        """The file of an offered profile, or None."""
        if not _NAME.match(name or ""):
            return None
        with self._lock:
            if name in self._order:
                return self._uploads / name
        if self.directory is not None and (self.directory / name).is_file():
            return self.directory / name
        return None

    def add(self, content: bytes) -> str:
        """Keep an uploaded profile; its name (the same content always gets the same name)."""
        name = f"upload-{hashlib.sha256(content).hexdigest()[:16]}.yaml"
        with self._lock:
            if name not in self._order:
                (self._uploads / name).write_bytes(content)
                self._order.append(name)
                while len(self._order) > self.kept:
                    (self._uploads / self._order.pop(0)).unlink(missing_ok=True)
        return name

    def forget(self, name: str) -> None:
        with self._lock:
            if name in self._order:
                self._order.remove(name)
                (self._uploads / name).unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self._uploads, ignore_errors=True)
