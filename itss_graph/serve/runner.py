"""Questions answered off the event loop: a thread pool, one read snapshot per question, a time
limit, a bound on waiting work, and answers cached per store generation.

A question is a function of a store (and a :class:`Ticket` it may consult in long loops). It runs
in a worker thread inside :meth:`ReadSessions.reading`, so it sees the store entirely before or
entirely after a concurrent ``itss load``. The store's generation is read in the same snapshot
and keys the cache: an answer computed before a load is never served after it.

Each answer says how long it took to compute (``Server-Timing: answer;dur=MS``, 0 and
``desc="cached"`` when it came from the cache), and the parts it measured
(:mod:`itss_graph.serve.timing`, e.g. ``closure;dur=MS``: walking a failure's closure). When a question outlives the limit the client gets 504 at once; the worker is told to stop (the
SQL statement it runs is interrupted, long loops check their ticket). When more questions are in
flight than the pool and its queue allow, new ones get 503 instead of waiting without end.

Example:
    >>> cache = AnswerCache(10)
    >>> cache.put(("g1", "k"), b"12345"); cache.get(("g1", "k"))
    b'12345'
    >>> cache.put(("g1", "j"), b"123456789"); cache.get(("g1", "k")) is None   # evicted: over 10 bytes
    True
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from itss_graph.serve import timing
from itss_graph.serve.options import Limits


class Busy(Exception):
    """Too many questions in flight."""


class TooSlow(Exception):
    """The question outlived the time limit."""


@dataclass
class Ticket:
    """What a running question may consult: whether it should stop."""

    cancelled: bool = False
    store: Any = None

    def check(self, *_: Any) -> None:
        """Raise :class:`TooSlow` when the question was given up (usable as a progress callback)."""
        if self.cancelled:
            raise TooSlow()


@dataclass(frozen=True)
class Rendered:
    """An answer ready to send."""

    body: bytes
    media_type: str
    filename: str | None = None
    generation: str = ""
    headers: dict = field(default_factory=dict)


class AnswerCache:
    """A byte-bounded least-recently-used map, shared by the worker threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any, size: int | None = None) -> None:
        size = len(value) if size is None else size
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._total -= self._sizes.pop(key)
                del self._items[key]
            self._items[key] = value
            self._sizes[key] = size
            self._total += size
            while self._total > self.max_bytes:
                old, _ = self._items.popitem(last=False)
                self._total -= self._sizes.pop(old)


class Runner:
    """The pool answering questions (see the module docstring)."""

    def __init__(self, sessions, limits: Limits):
        self.sessions = sessions
        self.limits = limits
        self.cache = AnswerCache(limits.cache_bytes)
        self._executor = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="itss-answer")
        self._in_flight = 0
        self._lock = threading.Lock()

    async def run(self, question: Callable[[Any, Ticket], Rendered], key: Hashable | None = None) -> Rendered:
        """Answer ``question(store, ticket)``; ``key`` (arguments of the question) caches it."""
        with self._lock:
            if self._in_flight >= self.limits.workers + self.limits.waiting:
                raise Busy()
            self._in_flight += 1
        ticket = Ticket()
        try:
            future = self._executor.submit(self._work, question, key, ticket)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.limits.query_seconds)
        except asyncio.TimeoutError:
            ticket.cancelled = True
            if ticket.store is not None:
                self.sessions.interrupt(ticket.store)
            raise TooSlow() from None

    def _done(self, _future) -> None:
        with self._lock:
            self._in_flight -= 1

    def _work(self, question, key, ticket: Ticket) -> Rendered:
        if ticket.cancelled:  # given up while waiting for a worker
            raise TooSlow()
        with self.sessions.reading() as store:
            ticket.store = store
            generation = store.generation()
            if key is not None:
                hit = self.cache.get((generation, key))
                if hit is not None:
                    return Rendered(hit.body, hit.media_type, hit.filename, generation,
                                    {**hit.headers, "server-timing": 'answer;dur=0;desc="cached"'})
            timing.taken()  # nothing left from an earlier question of this thread
            started = time.perf_counter()
            answer = question(store, ticket)
            took = (time.perf_counter() - started) * 1000
            parts = "".join(f", {name};dur={ms:.1f}" for name, ms in timing.taken())
            answer = Rendered(answer.body, answer.media_type, answer.filename, generation,
                              {**answer.headers, "server-timing": f"answer;dur={took:.1f}{parts}"})
            if key is not None:
                self.cache.put((generation, key), answer, len(answer.body))
            return answer

    def generation(self) -> str:
        return self.sessions.generation()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.sessions.close()
