"""One forwarded command line, run in the broker as the cold process would have run it.

:func:`run` switches the process to the request's directory and environment, replaces
``sys.stdout`` and ``sys.stderr`` by text streams with the client's encodings that say whether
the client's streams are terminals and send every flushed byte to the client as a frame
(:mod:`~itss_graph.cli.broker.wire`), runs :func:`itss_graph.cli.main.main` on the arguments,
and turns its ending into an exit status as the interpreter does (``SystemExit``'s code, a
traceback and 1 for an error nobody caught). Then it puts everything back and forgets the
process's memoised files (schema, policies, knowledge base): the next request reads them as a
cold process would, so an edited policy is seen. Requests run one at a time: the streams and
the environment are the process's own.

>>> exit_status(None), exit_status(3), exit_status("bad input")
(0, 3, 1)
"""

from __future__ import annotations

import io
import os
import sys

from itss_graph.cli.broker import wire


class FrameWriter(io.RawIOBase):
    """A raw binary stream sending each write to ``sock`` as a frame of ``kind``; a client
    that went away (Ctrl-C) makes later writes vanish (the command runs to its end)."""

    def __init__(self, sock, kind: bytes, tty: bool):
        super().__init__()
        self._sock, self._kind, self._tty, self.gone = sock, kind, tty, False

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._tty

    def write(self, data) -> int:
        data = bytes(data)
        if data and not self.gone:
            try:
                self._sock.sendall(wire.frame(self._kind, data))
            except OSError:
                self.gone = True
        return len(data)


def text_stream(sock, kind: bytes, tty: bool, encoding: str, errors: str) -> io.TextIOWrapper:
    """A text stream like the client's (encoding, errors, terminal or not) writing to ``sock``."""
    raw = FrameWriter(sock, kind, tty)
    return io.TextIOWrapper(io.BufferedWriter(raw, 1 << 16), encoding=encoding, errors=errors,
                            line_buffering=tty)


def exit_status(code) -> int:
    """The process exit status of ``sys.exit(code)`` (a non-integer is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    return 1


def run(sock, request: dict) -> int | None:
    """Run the request's command line with its streams going to ``sock``; its exit status
    (None: its working directory cannot be entered or its streams not made: nothing was run)."""
    (out_encoding, out_errors), (err_encoding, err_errors) = request["streams"]
    out_tty, err_tty = request["tty"]
    try:
        stdout = text_stream(sock, wire.STDOUT, out_tty, out_encoding, out_errors)
        stderr = text_stream(sock, wire.STDERR, err_tty, err_encoding, err_errors)
    except (LookupError, TypeError):  # an encoding this interpreter does not know
        return None
    saved = (os.getcwd(), dict(os.environ), sys.stdout, sys.stderr, sys.argv)
    try:
        os.chdir(request["cwd"])
    except OSError:
        return None
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdout, sys.stderr = stdout, stderr
        sys.argv = ["itss", *request["argv"]]
        status = _main(request["argv"])
    finally:
        for stream in (stdout, stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.chdir(saved[0])
        os.environ.clear()
        os.environ.update(saved[1])
        sys.stdout, sys.stderr, sys.argv = saved[2], saved[3], saved[4]
        forget_process_state()
    return status


def _main(argv: list[str]) -> int:
    from itss_graph.cli.main import main

    try:
        main(argv)
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
        return exit_status(exc.code)
    except BaseException:  # what the interpreter prints for an error nobody caught
        import traceback

        traceback.print_exc()
        return 1
    return 0


def forget_process_state() -> None:
    """Undo what one command leaves in the process: what was written, the table width of
    ``--wide``, the language, the memoised schema, policies and knowledge base (each is read
    again, from its compiled cache, by the next request, as a cold process reads it)."""
    import functools

    for name, module in list(sys.modules.items()):
        if not name.startswith("itss_graph") or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
    from itss_graph.cli import output

    output.written = False
    table = sys.modules.get("itss_graph.render.table")
    if table is not None:
        table.set_table_width(table._AUTO)
    i18n = sys.modules.get("itss_graph.i18n")
    if i18n is not None:
        i18n._language = None
