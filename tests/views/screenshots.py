"""Make the README's screenshots of every view and report, from the demo estate.

Runs the real commands (`itss load`, `itss view ...`, `itss report ...`) on the bank demo
estate (:func:`itss_graph.synth.write_estate`, as `itss demo` builds it), opens each page in
headless Chromium (tests/support/browser.py's flags: no background networking) and saves a PNG
per view into ``docs/screenshots/``. Chinese labels need a CJK font (Debian: fonts-wqy-microhei
or fonts-noto-cjk); without one they show as boxes, and the script says so.

Usage:
    .venv/bin/python -m tests.views.screenshots                     # docs/screenshots/*.png
    .venv/bin/python -m tests.views.screenshots --out /tmp/shots --scale 0.1
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ITSS = str(Path(sys.executable).with_name("itss"))
PROFILES = REPO / "examples" / "profiles"


@dataclass(frozen=True)
class Shot:
    name: str  # the PNG's name, without .png
    args: tuple[str, ...]  # itss arguments; {page} is the HTML file, {store} the store
    click: str | None = None  # a node to click first (its details show in the side panel)
    scroll_to: str | None = None  # a CSS selector to bring into view (reports)
    zoom: float | None = None  # show the clicked node at this scale instead of the whole graph


SHOTS = (
    Shot("view-impact", ("view", "impact", "storage-array:dc1-san1", "--store", "{store}", "-o", "{page}"),
         click="storage-array:dc1-san1"),
    Shot("view-impact-by-rack", ("view", "impact", "site:dc1", "--group-by", "rack", "--max-nodes", "400",
                                 "--store", "{store}", "-o", "{page}"), click="site:dc1", zoom=0.7),
    Shot("view-deps", ("view", "deps", "server:dc1-db0030p", "--direction", "both", "--store", "{store}",
                       "-o", "{page}"), click="server:dc1-db0030p"),
    Shot("view-service", ("view", "service", "service:0030", "--store", "{store}", "-o", "{page}"),
         click="service:0030"),
    Shot("view-standards", ("view", "standards", "-o", "{page}")),
    Shot("view-standards-profile", ("view", "standards", "--profile", str(PROFILES / "scenario-1.yaml"),
                                    "-o", "{page}"), click="kb:std-运维-1"),
    Shot("report-impact", ("report", "impact", "switch:dc1-core-1", "switch:dc1-core-2", "--store", "{store}",
                           "--html", "{page}")),
    Shot("report-gap", ("report", "gap", "--profile", str(PROFILES / "scenario-2.yaml"), "--html", "{page}"),
         scroll_to="#graph-wrap"),
)


def run(*args: str) -> None:
    done = subprocess.run([ITSS, *args], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"itss {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


def has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    return bool(subprocess.run([fc, ":lang=zh"], capture_output=True, text=True).stdout.strip())


def make(out: Path, scale: float = 1.0, work: Path | None = None) -> list[Path]:
    """Build the demo store, write every page, screenshot each; returns the PNG paths."""
    from playwright.sync_api import sync_playwright

    from itss_graph.synth import write_estate
    from tests.support.browser import CHROMIUM_FLAGS, require_chromium

    executable = require_chromium()
    if not has_cjk_font():
        print("screenshots: no CJK font (fc-list :lang=zh is empty): Chinese labels will show as boxes; "
              "install fonts-wqy-microhei", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="itss-shots-") as tmp:
        work = work or Path(tmp)
        write_estate(work / "estate", scale=scale)
        store = str(work / "demo.db")
        run("load", str(work / "estate"), "--store", store)
        made = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            try:
                for shot in SHOTS:
                    page_path = work / f"{shot.name}.html"
                    run(*(a.format(page=page_path, store=store) for a in shot.args))
                    page = browser.new_page(viewport={"width": 1400, "height": 900})
                    page.goto(page_path.resolve().as_uri())
                    page.wait_for_function("document.body.getAttribute('data-stable') === 'true'", timeout=60000)
                    if shot.click:
                        page.evaluate("(id) => { itssView.network.selectNodes([id]); }", shot.click)
                        page.fill("#search", shot.click)
                        page.press("#search", "Enter")
                        if shot.zoom:
                            page.evaluate("([id, s]) => { const n = itssView.network; const p = n.getPositions([id])[id];"
                                          " n.moveTo({position: {x: p.x + 500, y: p.y + 300}, scale: s}); }",
                                          [shot.click, shot.zoom])
                        else:
                            page.evaluate("itssView.network.fit({animation: false})")
                    if shot.scroll_to:
                        page.locator(shot.scroll_to).scroll_into_view_if_needed()
                    target = out / f"{shot.name}.png"
                    page.screenshot(path=str(target))
                    page.close()
                    made.append(target)
            finally:
                browser.close()
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Screenshots of every view and report (README).")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--scale", type=float, default=1.0, help="demo estate scale (1: the bank case, ~15k CIs)")
    args = parser.parse_args(argv)
    for path in make(args.out, args.scale):
        print(path)


if __name__ == "__main__":
    main()
