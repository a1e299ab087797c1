"""The broker process: ``python -m itss_graph.cli.broker.server SOCKET IDLE_SECONDS [STORE]``
(STORE: the store it was started for, as ``StoreSettings.describe`` has it: for its log).

Started detached by :func:`~itss_graph.cli.broker.client.spawn`, it takes the lock beside its
socket (``SOCKET.lock``: a second broker for the same key exits at once), replaces a stale
socket file, listens (socket mode 0600 in the private directory) and keeps every Neo4j driver
the commands open (:func:`itss_graph.keep_neo4j_connections`): the driver, click and the
commands are imported by the first request that needs them, once. It serves one connection at
a time: the peer's user id must be its own (``SO_PEERCRED``), the request a read-only verb
(:data:`~itss_graph.cli.broker.place.READ_VERBS`, checked again here), else it declines and
the client answers in-process. After ``IDLE_SECONDS`` without a request, on ``itss broker stop``
(a request to stop), on SIGTERM, or when a source file of the package it runs has changed
(declining that request) it removes its socket and exits. Its own messages go to
``SOCKET.log``.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import sys

from itss_graph.cli.broker import wire
from itss_graph.cli.broker.place import READ_VERBS

STOP = "--stop-broker"  # the argv of a request to stop (sent by `itss broker stop`)


def main(argv: list[str]) -> int:
    path, idle, store = os.path.abspath(argv[0]), float(argv[1]), " ".join(argv[2:3])
    # the broker changes directory per request: the package must not be found relative to one
    sys.path[:] = [os.path.abspath(p or os.curdir) for p in sys.path]
    os.chdir("/")  # (the directory it was started in may be removed while it lives)
    lock = _take_lock(path + ".lock")
    if lock is None:
        return 0  # another broker serves this key
    _log_to(path + ".log")
    seat = Seat(path, _listen(path, store), lock)
    try:
        _prepare()
        serve(seat, idle)
    finally:
        seat.leave()
        from itss_graph import close_neo4j_connections

        close_neo4j_connections()
    return 0


class Seat:
    """The broker's socket and lock; :meth:`leave` gives both up (a new broker for the key can
    start at once, while this one finishes closing its drivers)."""

    def __init__(self, path: str, listener: socket.socket, lock: int):
        self.path, self.listener, self.lock = path, listener, lock

    def leave(self) -> None:
        if self.listener is None:
            return
        self.listener.close()
        try:
            os.unlink(self.path)  # (still ours: the lock is held until the next line)
        except FileNotFoundError:
            pass
        os.close(self.lock)
        self.listener = None


def _take_lock(path: str, wait_seconds: float = 2.0):
    """The lock of the key (its file descriptor), waiting a little for a broker that is leaving;
    None when another broker keeps it."""
    import fcntl
    import time

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            if time.monotonic() > deadline:
                os.close(fd)
                return None
            time.sleep(0.02)


def _log_to(path: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)


def _listen(path: str, store: str) -> socket.socket:
    """Listen at ``path`` (a file left there by a broker that died is removed: this process
    holds the lock, so no live broker owns it)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    listener.listen(16)
    print(f"broker {os.getpid()} listening at {path} for {store or 'any store'}", file=sys.stderr)
    return listener


def _prepare() -> None:
    """Keep the Neo4j drivers the commands open; stop cleanly on SIGTERM. Nothing is imported
    ahead: the first request (whose client waits) imports what it needs, once."""
    import itss_graph as itss

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # (blocked while a request runs)
    itss.keep_neo4j_connections()


def serve(seat: Seat, idle: float) -> None:
    """Answer connections one at a time until ``idle`` seconds pass without one, a stop, or a
    change of the package's code."""
    seat.listener.settimeout(idle)
    stamps = CodeStamps()
    while True:
        try:
            conn, _ = seat.listener.accept()
        except socket.timeout:
            print("idle: exiting", file=sys.stderr)
            return
        with conn:
            conn.settimeout(None)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # a request runs to its end
            try:
                # (each message before leaving: a new broker for the key starts its log afresh)
                if stamps.changed():  # the client answers in-process; the next one starts a new broker
                    print("the package's code changed: exiting", file=sys.stderr)
                    seat.leave()
                    conn.sendall(wire.frame(wire.DECLINE, b""))
                    return
                if answer(conn) == STOP:
                    print("asked to stop: exiting", file=sys.stderr)
                    seat.leave()
                    conn.sendall(wire.frame(wire.EXIT, b"0"))  # (gone: a new broker may start now)
                    return
            except Exception:  # a broken connection or request: the next one is served
                import traceback

                traceback.print_exc()
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


class CodeStamps:
    """The modification times of the package's modules this process has imported, as first
    seen: :meth:`changed` tells when a source file was edited since (an editable install being
    worked on, a package replaced in place), so the broker stops rather than answer from code
    that is no longer on disk.

    >>> stamps = CodeStamps(); stamps.changed()
    False
    """

    def __init__(self):
        self._seen: dict[str, float] = {}

    def changed(self) -> bool:
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None) if name.startswith("itss_graph") else None
            if not path:
                continue
            try:
                stamp = os.stat(path).st_mtime
            except OSError:
                return True
            if self._seen.setdefault(path, stamp) != stamp:
                return True
        return False


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end (``SO_PEERCRED``)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def answer(conn: socket.socket) -> str | None:
    """Serve one connection; :data:`STOP` when it asked the broker to stop (not answered yet)."""
    import marshal

    from itss_graph.cli.broker.client import PROTOCOL
    from itss_graph.cli.broker.session import run

    if peer_uid(conn) != os.getuid():
        return None
    got = wire.read_frame(conn, wire.MAX_REQUEST)
    if got is None or got[0] != wire.REQUEST:
        return None
    try:
        request = marshal.loads(got[1])
        argv = request["argv"]
        good = request["protocol"] == PROTOCOL and isinstance(argv, list) and all(isinstance(a, str) for a in argv)
    except (ValueError, EOFError, TypeError, KeyError):
        good = False
    if good and argv == [STOP]:
        return STOP  # (answered by serve once the socket is given up)
    if not good or not argv or argv[0] not in READ_VERBS:
        conn.sendall(wire.frame(wire.DECLINE, b""))
        return None
    status = run(conn, request)
    if status is None:  # its directory is gone (or its encoding unknown): the client answers
        conn.sendall(wire.frame(wire.DECLINE, b""))
        return None
    print(f"served {argv[0]}: exit status {status}", file=sys.stderr)  # (no argument: it may hold a secret)
    try:
        conn.sendall(wire.frame(wire.EXIT, str(status).encode()))
    except OSError:
        pass  # the client went away
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
