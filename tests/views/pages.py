"""Open a generated view or report in headless Chromium and read back what it drew.

Every page is checked the same way: it loads with no console error, no script error, no
network request and no dialog (an ``alert`` from injected markup would open one); the drawn
nodes and edges are read from the page's vis-network data sets; a screenshot is written to
``tests/artifacts/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.browser import PageVisit, visit

READ_GRAPH = {
    "nodes": """itssView ? itssView.nodes.get().map(n => ({id: n.id, label: n.label, kind: n.kind,
                 level: n.level, members: n.members || null, title: n.title})) : []""",
    "edges": """itssView ? itssView.edges.get().map(e => ({from: e.from, to: e.to, label: e.label,
                 details: e.details || null, count: e.count || 1})) : []""",
    "injected": "document.querySelectorAll('img, iframe, svg, [onerror], [onload], [onmouseover]').length",
    "text": "document.body.innerText",
}


@dataclass
class Page:
    visit: PageVisit

    @property
    def nodes(self) -> list[dict]:
        return self.visit.values["nodes"]

    @property
    def edges(self) -> list[dict]:
        return self.visit.values["edges"]

    @property
    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.nodes]

    def __getitem__(self, name: str):
        return self.visit.values[name]


def open_page(path: Path, screenshot: str, *, actions=None, evaluate: dict[str, str] | None = None) -> Page:
    """Load the page, wait until it is drawn (and laid out), run ``actions(page)``, read the graph
    and ``evaluate``'s expressions, take the screenshot; assert it loaded cleanly."""

    def act(page):
        page.wait_for_function("document.body.getAttribute('data-stable') === 'true'", timeout=60000)
        if actions:
            actions(page)

    seen = visit(Path(path), evaluate={**READ_GRAPH, **(evaluate or {})}, screenshot=screenshot, actions=act)
    assert seen.page_errors == [], seen.page_errors
    assert seen.console_errors == [], seen.console_errors
    assert seen.network_requests == [], seen.network_requests
    assert seen.dialogs == [], f"a dialog opened: injected script ran: {seen.dialogs}"
    return Page(seen)


def click_node(page, node_id: str) -> None:
    """Click a node where vis-network drew it (a real mouse click on the canvas)."""
    point = page.evaluate(
        """(id) => { const n = itssView.network; n.focus(id, {scale: 1.0, animation: false});
                     const p = n.canvasToDOM(n.getPositions([id])[id]);
                     const r = document.querySelector('.vis-network canvas').getBoundingClientRect();
                     return {x: r.left + p.x, y: r.top + p.y}; }""", node_id)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(400)  # the tooltip appears after a short delay
    page.mouse.click(point["x"], point["y"])
