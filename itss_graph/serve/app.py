"""The ``itss serve`` application: FastAPI routes behind the :class:`~itss_graph.serve.security.Guard`,
answers from a warm :class:`~itss_graph.serve.runner.Runner`, run by uvicorn.

Example (no network: an in-process client):
    >>> import tempfile, pathlib, itss_graph as itss
    >>> from fastapi.testclient import TestClient
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "shop.db"
    >>> itss.export_inventory(itss.example_store().iter_cis(), itss.example_store().iter_relations(),
    ...                       path.parent / "shop", "csv") and None
    >>> _ = itss.load([path.parent / "shop"], itss.open_store(str(path)))
    >>> with TestClient(create_app(itss.StoreSettings(path=str(path))), base_url="http://127.0.0.1") as client:
    ...     client.get("/api/blast-radius", params={"ci": "server:db1"}).json()["summary"]
    {'down': 2, 'at_risk': 0, 'impacted_cis': 5, 'redundancy_lost': 0, 'next_failure_complete': True}
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable

from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import itss_graph as itss
from itss_graph.i18n import M_
from itss_graph.serve import api, pages
from itss_graph.errors import ItssError
from itss_graph.serve.profiles import ProfileShelf
from itss_graph.serve.recent import RecentImpacts
from itss_graph.serve.options import DEFAULT_PORT, Limits, ServeOptions
from itss_graph.serve.runner import Runner
from itss_graph.serve.security import Guard, is_loopback, new_token


def warm(runner: Runner) -> None:
    """Load what every question needs once: the ontology, the knowledge base, the closure index;
    in the background, the compiled closure kernel (numba: ~1 s to import and load from its
    disk cache, longer the first time it compiles; questions use the numpy kernel until then,
    with the same answers)."""
    import threading

    without_huge_pages()
    threading.Thread(target=_compile_kernel, name="itss-compile-kernel", daemon=True).start()
    schema = itss.load_schema()
    itss.KnowledgeBase.load()
    with runner.sessions.reading() as store:
        store.closure_index(schema)
    keep_out_of_collections()


def _compile_kernel() -> None:
    try:
        itss.use_compiled_kernel()
    except Exception as exc:  # numba missing or unable to compile here: the numpy kernel stays
        import logging

        logging.getLogger("itss.serve").warning("closure kernel not compiled (%s); using numpy", exc)
    keep_out_of_collections()


def without_huge_pages() -> None:
    """Stop numpy asking the kernel for transparent huge pages (``madvise``) for its arrays of
    4 MB and more, unless ``NUMPY_MADVISE_HUGEPAGE`` says otherwise.

    Every answer on a 1M-CI index allocates a few index-sized arrays. Once the machine's memory
    is fragmented (here after hours of uptime: ``compact_stall`` in ``/proc/vmstat``), the first
    touch of a huge page waits for the kernel to compact memory: a typical impact then took
    20–120 ms instead of 5, at random. Without huge pages the same answers are steady, and a
    100k-CI closure ~5 % slower (more TLB misses). numpy reads the variable when imported; the
    server has imported it already, so the switch is also turned here."""
    import os

    if os.environ.get("NUMPY_MADVISE_HUGEPAGE", "") != "":
        return  # the user's choice
    os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"  # for processes this one starts
    from numpy._core.multiarray import _set_madvise_hugepage

    _set_madvise_hugepage(False)


def keep_out_of_collections() -> None:
    """Leave what the server loaded for good out of the cyclic garbage collector's passes.

    Numba's compiler and type registries are ~90k objects that live as long as the process;
    every full collection walked them all (~45 ms here), and a question that allocated enough
    to trigger one took 25–95 ms instead of 3. ``gc.freeze`` moves everything alive now to a
    generation the collector never visits (what is frozen is still freed when its last
    reference goes; only cycles among it would stay)."""
    import gc

    gc.collect()
    gc.freeze()


def create_app(store_settings, options: ServeOptions | None = None, *, warm_up: bool = True):
    """The application for the store ``store_settings`` names (it must exist)."""
    options = options or ServeOptions()
    if not is_loopback(options.host) and not options.token:
        raise ValueError(f"refusing to serve on {options.host} (not a loopback address) without a token")
    runner = Runner(itss.ReadSessions(store_settings), options.limits)

    @asynccontextmanager
    async def lifespan(app):
        if warm_up:
            warm(runner)
        yield
        runner.close()
        app.state.profiles.close()

    app = FastAPI(title="ITSS Graph", version=itss.__version__, lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  description="The `itss` CLI as a JSON API: `/api/VERB` answers exactly what "
                              "`itss VERB --format json` prints for the same arguments.")
    app.state.runner = runner
    app.state.recent = RecentImpacts()  # the last few closures, for one what-if asked several ways
    app.state.options = options
    app.state.store_settings = store_settings
    app.state.profiles = ProfileShelf(options.profiles_dir, kept=options.limits.uploads_kept)

    @app.exception_handler(HTTPException)
    async def http_error(request, exc: HTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
                             for e in exc.errors())
        return JSONResponse({"error": problems or "invalid request"}, status_code=400)

    app.include_router(api.router)
    app.include_router(pages.router)
    return Guard(app, token=options.token, loopback=is_loopback(options.host))


def bind(host: str, port: int):
    """A listening socket on ``host``:``port`` (0: any free port), so the address is known
    before the server starts; OSError when it cannot be had."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it a response's body waits ~40 ms behind its headers (Nagle and delayed ACKs)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run(store_settings, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, token: str | None = None,
        profiles_dir=None, query_seconds: float | None = None, workers: int | None = None,
        on_ready: Callable[[str, str | None, bool], None] | None = None) -> None:
    """Serve the store ``store_settings`` names until interrupted (Ctrl-C) — ``itss serve``.

    A non-loopback ``host`` without ``token`` gets a new one. Once listening, ``on_ready(url,
    token, generated)`` is told the address (``port`` 0 picks a free one). Raises
    :class:`~itss_graph.errors.ItssError` when the store or the address cannot be had.
    """
    import uvicorn

    if profiles_dir is None:  # in a checkout of the repository: its example profiles
        examples = Path(__file__).resolve().parents[2] / "examples" / "profiles"
        profiles_dir = examples if examples.is_dir() else None
    generated = False
    if not is_loopback(host) and not token:
        token, generated = new_token(), True
    limits = Limits()
    limits = replace(limits, query_seconds=query_seconds or limits.query_seconds, workers=workers or limits.workers)
    options = ServeOptions(host=host, port=port, token=token, profiles_dir=profiles_dir, limits=limits)
    app = create_app(store_settings, options)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise ItssError(M_("cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=exc.strerror or exc)) from None
    options = replace(options, port=sock.getsockname()[1])
    if on_ready is not None:
        on_ready(options.url("/"), token, generated)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                            date_header=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
