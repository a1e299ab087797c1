"""The cold process's side of the broker: forward a command line, relay what comes back.

:func:`forward` is the first thing :func:`itss_graph.cli.main.main` does: for a read-only
command on Neo4j (:func:`~itss_graph.cli.broker.place.route`) it connects to the broker's
socket (starting a broker, detached, when none answers, and waiting for its socket briefly),
sends the arguments, the working directory, the environment (with the terminal's width when
standard output is a terminal), whether stdout and stderr are terminals and their encodings,
then writes the bytes of stdout and stderr as they come and returns the exit status. Anything
that fails before the first byte of the answer — no broker can be started, a refused or stale
socket, a broker that declines or dies — returns None without a word: the caller answers
in-process. This module imports no driver, click or numpy (``python -X importtime``).

>>> forward(["load", "inventory/", "--neo4j-uri", "bolt://h"]) is None   # writes: never brokered
True
"""

from __future__ import annotations

import os
import sys

from itss_graph.cli.broker import wire

PROTOCOL = 1
SPAWN_WAIT_SECONDS = 3.0  # how long a cold process waits for a new broker's socket


class _Broken(Exception):
    """The broker went away after part of the answer was written."""


class _ReaderGone(Exception):
    """Whoever reads this process's stdout or stderr closed it."""


def forward(argv: list[str]) -> int | None:
    """The exit status of ``argv`` answered by a broker, or None: answer it in-process."""
    try:
        from itss_graph.cli.broker import place

        target = place.route(argv)
        if target is None or not place.private_dir(os.path.dirname(target.socket_path), create=True):
            return None
        stdout, stderr = getattr(sys.stdout, "buffer", None), getattr(sys.stderr, "buffer", None)
        if stdout is None or stderr is None:
            return None
        sock = connect(target.socket_path)
        if sock is None:
            spawn(target.socket_path, target.idle_seconds, target.store)
            sock = wait_for(target.socket_path, SPAWN_WAIT_SECONDS)
            if sock is None:
                return None
    except Exception:
        return None
    try:
        return _exchange(sock, argv, stdout, stderr)
    except _Broken:
        stderr.write(b"itss: error: the broker stopped before the answer was complete\n")
        stderr.flush()
        return 1
    except _ReaderGone:  # `itss … | head` closed the pipe: as in-process, status 1, silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)  # nothing left to flush at exit
        os.close(devnull)
        return 1
    except KeyboardInterrupt:
        sock.close()
        from itss_graph.i18n import _

        stderr.write(("\n" + _("Aborted.") + "\n").encode(sys.stderr.encoding or "utf-8", "replace"))
        stderr.flush()
        return 130
    except Exception:
        return None
    finally:
        sock.close()


def request(argv: list[str]) -> dict:
    """What the broker needs to run ``argv`` as this process would."""
    env = dict(os.environ)
    out_tty, err_tty = sys.stdout.isatty(), sys.stderr.isatty()
    if out_tty and "COLUMNS" not in env:  # the broker has no terminal to ask
        try:
            size = os.get_terminal_size(sys.stdout.fileno())
        except (OSError, ValueError):
            size = None
        if size is not None and size.columns > 0:
            env["COLUMNS"] = str(size.columns)
            env.setdefault("LINES", str(size.lines))
    return {"protocol": PROTOCOL, "argv": list(argv), "cwd": os.getcwd(), "env": env,
            "tty": (out_tty, err_tty),
            "streams": ((sys.stdout.encoding, sys.stdout.errors), (sys.stderr.encoding, sys.stderr.errors))}


def _exchange(sock, argv: list[str], stdout, stderr) -> int | None:
    """Send the request, relay the answer; None: declined before anything was written."""
    import marshal

    sock.sendall(wire.frame(wire.REQUEST, marshal.dumps(request(argv))))
    written = False
    try:
        while True:
            got = wire.read_frame(sock)
            if got is None:  # the broker went away
                if written:
                    raise _Broken
                return None
            kind, payload = got
            if kind == wire.EXIT:
                return int(payload)
            if kind == wire.DECLINE and not written:
                return None
            stream = stdout if kind == wire.STDOUT else stderr if kind == wire.STDERR else None
            if stream is None:
                raise ValueError(f"unknown frame {kind!r}")
            written = True
            try:
                stream.write(payload)
                stream.flush()
            except BrokenPipeError:
                raise _ReaderGone from None
    except (_Broken, _ReaderGone, KeyboardInterrupt):
        raise
    except Exception as exc:  # after part of the answer, answering again would repeat it
        if written:
            raise _Broken from exc
        raise


def connect(path: str):
    """A socket connected to the broker at ``path``, or None when none listens there."""
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def wait_for(path: str, seconds: float):
    """:func:`connect`, tried until a broker listens or ``seconds`` have passed."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        sock = connect(path)
        if sock is not None or time.monotonic() > deadline:
            return sock
        time.sleep(0.01)


def spawn(path: str, idle_seconds: float, store: str = "") -> None:
    """Start a broker for ``path``, detached (its own session, reparented at once: no zombie
    is left to this process); its arguments (the socket, the idle time, ``store`` as
    ``StoreSettings.describe`` has it) hold no secret and its environment no password (requests
    bring their own environment)."""
    import itss_graph

    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    # the broker imports this very package, wherever it runs from
    root = os.path.dirname(os.path.dirname(os.path.abspath(itss_graph.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root, *(os.path.abspath(p) for p in
                                                 env.get("PYTHONPATH", "").split(os.pathsep) if p)])
    args = [sys.executable, "-m", "itss_graph.cli.broker.server", path, repr(float(idle_seconds)), store]
    devnull = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    child = os.fork()
    if child == 0:  # the intermediate process: start the broker in a new session, then go
        code = 0
        try:
            os.posix_spawn(sys.executable, args, env, file_actions=devnull, setsid=True)
        except BaseException:
            code = 1
        os._exit(code)
    os.waitpid(child, 0)
