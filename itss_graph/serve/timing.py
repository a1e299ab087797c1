"""Parts of an answer's time, for its ``Server-Timing`` header: a question runs in one worker
thread, so what it measures is kept per thread until the runner reads it.

Example:
    >>> _ = taken()  # whatever this thread measured before
    >>> with measured("closure"):
    ...     pass
    >>> [name for name, _ in taken()], taken()
    (['closure'], [])
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

_parts = threading.local()


@contextmanager
def measured(name: str):
    """Time the block as part ``name`` of this thread's current answer."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _list().append((name, (time.perf_counter() - started) * 1000))


def taken() -> list[tuple[str, float]]:
    """The parts measured in this thread since the last call, (name, ms), and forget them."""
    parts = _list()
    _parts.items = []
    return parts


def _list() -> list:
    if not hasattr(_parts, "items"):
        _parts.items = []
    return _parts.items
