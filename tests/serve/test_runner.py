"""The pool behind the server: a question over the time limit is given up (and told to stop),
more questions than the pool and its queue allow are refused at once, answers are cached per
store generation. Driven with questions that wait on events: no timing is asserted."""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager

import pytest

from itss_graph.serve.options import Limits
from itss_graph.serve.runner import Busy, Rendered, Runner, TooSlow


class FakeStore:
    def __init__(self, sessions):
        self.sessions = sessions

    def generation(self) -> str:
        return self.sessions.current


class FakeSessions:
    """Stands for ReadSessions: one store, a settable generation, interruptions recorded."""

    def __init__(self):
        self.current = "g1"
        self.interrupted = []
        self.store = FakeStore(self)

    @contextmanager
    def reading(self):
        yield self.store

    def interrupt(self, store):
        self.interrupted.append(store)

    def generation(self):
        return self.current

    def close(self):
        pass


def answer(text: str) -> Rendered:
    return Rendered(text.encode(), "text/plain")


def test_a_question_over_the_limit_is_given_up_and_told_to_stop():
    sessions = FakeSessions()
    runner = Runner(sessions, Limits(query_seconds=0.05, workers=1, waiting=0))
    release = threading.Event()
    seen_cancel = []

    def slow(store, ticket):
        release.wait(30)
        seen_cancel.append(ticket.cancelled)
        return answer("late")

    with pytest.raises(TooSlow):
        asyncio.run(runner.run(slow))
    assert sessions.interrupted == [sessions.store]  # its SQL statement is interrupted
    release.set()
    runner._executor.shutdown(wait=True)
    assert seen_cancel == [True]  # and its ticket says so, for loops that check it


def test_long_loops_stop_at_their_ticket():
    runner = Runner(FakeSessions(), Limits(query_seconds=0.05, workers=1))
    stopped = threading.Event()

    def looping(store, ticket):
        try:
            while True:
                ticket.check()  # what estate-wide questions pass as their progress callback
                threading.Event().wait(0.01)
        except TooSlow:
            stopped.set()
            raise

    with pytest.raises(TooSlow):
        asyncio.run(runner.run(looping))
    assert stopped.wait(30)


def test_more_questions_than_the_pool_and_queue_allow_are_refused():
    runner = Runner(FakeSessions(), Limits(query_seconds=30, workers=1, waiting=1))
    release = threading.Event()
    started = threading.Event()

    def blocking(store, ticket):
        started.set()
        release.wait(30)
        return answer("done")

    async def scenario():
        first = asyncio.ensure_future(runner.run(blocking))
        second = asyncio.ensure_future(runner.run(blocking))  # waits in the queue
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
        with pytest.raises(Busy):
            await runner.run(blocking)  # the third: neither a worker nor a place in the queue
        release.set()
        return [r.body for r in await asyncio.gather(first, second)]

    assert asyncio.run(scenario()) == [b"done", b"done"]
    assert asyncio.run(runner.run(lambda s, t: answer("after"))).body == b"after"  # the pool is free again


def test_answers_are_cached_per_store_generation():
    sessions = FakeSessions()
    runner = Runner(sessions, Limits())
    calls = []

    def question(store, ticket):
        calls.append(store.generation())
        return answer(f"answer at {store.generation()}")

    first = asyncio.run(runner.run(question, key="q"))
    again = asyncio.run(runner.run(question, key="q"))
    sessions.current = "g2"  # itss load changed the store
    after = asyncio.run(runner.run(question, key="q"))
    assert calls == ["g1", "g2"]
    assert (first.body, again.body, after.body) == (b"answer at g1", b"answer at g1", b"answer at g2")
    assert (first.generation, after.generation) == ("g1", "g2")


def test_what_the_server_loaded_is_left_out_of_garbage_collections(demo_client):
    # numba's ~90k long-lived objects made every full collection of the server ~45 ms, paid by
    # whichever question triggered it: warm-up freezes what it loaded (app.keep_out_of_collections)
    import gc

    assert demo_client.get("/api/status").status_code == 200
    assert gc.get_freeze_count() > 0  # nothing else in the package freezes


def test_the_warm_server_asks_no_transparent_huge_pages_unless_told(stores, monkeypatch):
    """Huge-page faults on a fragmented machine stalled typical answers 20–120 ms at random
    (serve/app.without_huge_pages); a user's NUMPY_MADVISE_HUGEPAGE still decides."""
    from numpy._core import multiarray

    from tests.serve.conftest import make_client

    before = multiarray._get_madvise_hugepage()
    try:
        for told, expected in ((None, False), ("1", True)):
            multiarray._set_madvise_hugepage(True)
            if told is None:
                monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
            else:
                monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", told)
            with make_client(stores["demo"]) as client:
                assert client.get("/api/status").status_code == 200
                assert multiarray._get_madvise_hugepage() is expected
    finally:
        multiarray._set_madvise_hugepage(before)
