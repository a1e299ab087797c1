"""Progress of a load on stderr: one line redrawn in place, only when asked for or when stderr is
a terminal — never on stdout, so JSON and CSV output stay clean.

Reading is measured in bytes of the input (the bulk path reads them without a Python loop, so
a row count is not known until the end); later phases are named as they start.

Example:
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(enabled=True, stream=out, min_interval=0)
    >>> p.start("reading cis.csv", total=200); p.update(100); p.done()
    >>> "50%" in out.getvalue()
    True
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from itss_graph.i18n import localize, ngettext

WIDTH = 24


class Progress:
    """A progress line; every method is a no-op when disabled."""

    def __init__(self, enabled: bool = False, stream: TextIO | None = None,
                 min_interval: float = 0.1):
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval = min_interval
        self.label = ""
        self.total = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = False

    @classmethod
    def auto(cls, requested: bool | None) -> "Progress":
        """Enabled with ``--progress``, disabled with ``--no-progress``, else when stderr is a TTY."""
        enabled = requested if requested is not None else sys.stderr.isatty()
        return cls(enabled=enabled)

    def start(self, label: str, total: int = 0) -> None:
        """A new phase; ``total`` in bytes or rows (0: unknown, the count so far is shown)."""
        self.label, self.total = localize(label), total
        self._last = 0.0
        self.update(0, force=True)

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        elapsed = now - self.started
        if self.total:
            share = min(1.0, done / self.total)
            filled = int(share * WIDTH)
            bar = "█" * filled + "·" * (WIDTH - filled)
            text = f"{self.label} {bar} {share:4.0%}"
        elif done:
            text = ngettext("{label} {n} row", "{label} {n} rows", done).format(label=self.label, n=f"{done:,}")
        else:
            text = f"{self.label} …"
        self.stream.write(f"\r\x1b[K{text}  {elapsed:5.1f}s")
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        """Finish the current phase's line."""
        if self.enabled and self._drawn:
            self.update(self.total, force=True)
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False
