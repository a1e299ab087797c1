"""The ``itss`` command line: its entry point.

The common plain forms (``itss impact ID``, ``itss standards --ci-type T``, ``itss --help`` …)
are answered by :mod:`itss_graph.cli.plain` without importing click (~40 ms of a cold process,
more than the answer of a small question); everything else, and anything the plain path does
not answer cleanly, goes to the click application (:mod:`itss_graph.cli.app`), which prints
the same bytes for the plain forms. ``from itss_graph.cli.main import cli`` gives the click group.

Before either, a read-only command on a Neo4j store is forwarded to a broker that keeps the
driver imported and connected (:mod:`itss_graph.cli.broker`; ``ITSS_BROKER=0`` turns it off):
the cold process then only relays the answer's bytes and exit status.
"""

from __future__ import annotations

import gc
import os
import sys

from itss_graph.cli.commands import COMMANDS  # noqa: F401 (imported from here by scripts/i18n.py and tests)


def main(argv: list[str] | None = None) -> None:
    # The engine's numpy work is element-wise, never BLAS; OpenBLAS would start a thread per core
    # when numpy is imported, ~0.1 s of CPU in a cold process for nothing (set before any import
    # of numpy; a user's own setting wins)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # A cold process's imports and a plain answer leave no garbage cycles worth collecting: the
    # collector's passes over the objects they allocate cost ~4 ms (enabled again afterwards)
    enabled = gc.isenabled()
    gc.disable()
    try:
        args = sys.argv[1:] if argv is None else list(argv)
        if argv is None and args and not args[0].startswith("-"):  # a cold process's verb (a
            # broker runs main(argv) itself): read-only on Neo4j?
            from itss_graph.cli.broker.client import forward

            status = forward(args)
            if status is not None:
                sys.exit(status)
        from itss_graph.cli.plain import answer

        if answer(args):
            if argv is None:
                end_cold_process()
            return
    finally:
        if enabled:
            gc.enable()
    from itss_graph.cli.app import main as click_main

    click_main(argv)


def end_cold_process() -> None:
    """End a cold process whose plain answer is written, without the interpreter's teardown.

    Python's exit frees every module and object one by one (~20 ms of CPU after a 26k-CI
    answer, ~10% of the whole process) and nothing of it is needed: the plain path has closed
    its store, written and flushed its answer, and leaves no thread, temporary file or atexit
    work behind. Standard output and error are flushed once more; if that fails (a reader that
    went away), the interpreter's own exit reports it as it always does.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(0)


def __getattr__(name: str):
    """The click application's names (``cli``, ``translate_help`` …), imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from itss_graph.cli import app

    try:
        return getattr(app, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


if __name__ == "__main__":
    main()
