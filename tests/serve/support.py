"""A real ``itss serve`` process and a real headless Chromium for the server's tests.

The server runs as a child process (``itss serve --port 0``), on loopback only; the browser is
Debian's Chromium driven by Playwright, launched as the view tests launch it
(tests/support/browser.py). Every request, console error, script error and dialog of a page
is recorded, so tests can assert that nothing left the machine and nothing ran that should not.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tests.support.browser import ARTIFACTS, CHROMIUM_FLAGS, require_chromium

ITSS = str(Path(sys.executable).with_name("itss"))


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)


def _reader(stream, lines: queue.Queue, keep: list[str]) -> None:
    for line in stream:
        keep.append(line)
        lines.put(line)


@contextmanager
def running_server(store: Path, *args: str, env: dict | None = None) -> Iterator[Server]:
    """``itss serve --store STORE --port 0 ARGS``, ready to answer; stopped afterwards."""
    import httpx2 as httpx

    process = subprocess.Popen([ITSS, "serve", "--store", str(store), "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    lines: queue.Queue = queue.Queue()
    kept: list[str] = []
    threading.Thread(target=_reader, args=(process.stdout, lines, kept), daemon=True).start()
    try:
        url = None
        deadline = time.monotonic() + 120
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"itss serve printed no address: {''.join(kept)}") from None
            if " at http://" in line:
                url = line.split(" at ", 1)[1].strip().rstrip("/")
        server = Server(url, process, kept)
        local = url.replace("://0.0.0.0:", "://127.0.0.1:")  # tests talk to loopback only
        headers = {}
        token = next((a for k, a in zip(args, args[1:]) if k == "--token"), None)
        if token:
            headers["authorization"] = f"Bearer {token}"
        while True:  # listening once warm (ontology, knowledge base, closure index loaded)
            try:
                if httpx.get(local + "/api/status", headers=headers, timeout=30).status_code in (200, 401):
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"itss serve did not start: {''.join(kept)}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Visit:
    """What happened in the browser while a test drove it."""

    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [r for r in self.requests if not (r.startswith(self.base + "/") or r.startswith(("data:", "blob:")))]

    def assert_clean(self) -> None:
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors
        assert self.dialogs == [], f"a dialog opened: injected script ran: {self.dialogs}"
        assert self.external_requests == [], self.external_requests


@contextmanager
def browser_page(base: str, *, width: int = 1400, height: int = 900) -> Iterator[tuple]:
    """(page, visit): a Chromium page recording what happens; asserts nothing by itself."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    visit = Visit(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
            page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
            page.on("request", lambda r: visit.requests.append(r.url))
            page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
            yield page, visit
        finally:
            browser.close()


def ready(page, selector: str | None = None, timeout: float = 60000, state: str = "visible") -> None:
    """Wait until the screen says it is drawn (and ``selector`` is there). Selectors, not
    functions: the server's Content-Security-Policy forbids the eval Playwright's
    ``wait_for_function`` needs."""
    page.wait_for_selector("body[data-ready='true']", timeout=timeout)
    if selector:
        page.wait_for_selector(selector, timeout=timeout, state=state)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
