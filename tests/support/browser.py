"""Open generated pages in a real headless Chromium (Debian's package) through Playwright.

Chromium runs with background networking off (this machine's network is closed; without the
flags it tries Google's hosts at every start), and every request the page makes is recorded,
so tests can assert that a view needs nothing from the network.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.ci import in_ci

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ITSS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        if in_ci():
            pytest.fail("Chromium is not installed (scripts/install-system-deps.sh installs it)")
        pytest.skip("Chromium not installed: run `make system-deps` (Debian package chromium)")
    return path


@dataclass
class PageVisit:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def network_requests(self) -> list[str]:
        """Requests other than the file itself and inline data."""
        return [r for r in self.requests if not r.startswith(("file://", "data:", "blob:"))]


def visit(path: Path, *, evaluate: dict[str, str] | None = None, screenshot: str | None = None,
          actions=None, viewport: tuple[int, int] = (1400, 900)) -> PageVisit:
    """Load ``path``, wait for the page to say it is ready, run JS expressions, screenshot."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    result = PageVisit()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: result.page_errors.append(str(e)))
            page.on("request", lambda r: result.requests.append(r.url))
            page.on("dialog", lambda d: (result.dialogs.append(d.message), d.dismiss()))
            page.goto(path.resolve().as_uri())
            page.wait_for_function("document.body.getAttribute('data-ready') === 'true'", timeout=30000)
            if actions:
                actions(page)
            for name, expression in (evaluate or {}).items():
                result.values[name] = page.evaluate(expression)
            if screenshot:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / screenshot))
        finally:
            browser.close()
    return result
