"""What every generated HTML page shares: the template environment, the inlined vis-network
library and atomic writing.

Pages are rendered by Jinja with autoescaping on (every ``{{ value }}`` is HTML-escaped) and
carry their data as JSON through ``|tojson`` (which also escapes ``<``, ``>``, ``&`` and ``'``),
so user data can never close a tag or a script. vis-network is read from the pyvis package and
inlined: a page needs nothing from the network, and its Content-Security-Policy
(``default-src 'none'``) forbids it to ask.

Example:
    >>> js, css = vis_assets()
    >>> "</script" in js, len(js) > 100_000
    (False, True)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from itss_graph.i18n import N_

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: Where ``itss serve`` listens unless told otherwise (pages point there for the live view).
SERVE_HOST, SERVE_PORT = "127.0.0.1", 8765

#: Words of the page's own interface (the message catalogue translates them; {i} and {n} are
#: filled in by the page's script).
UI_TEXT: dict[str, str] = {
    "search": N_("Find by id or name, then Enter (again: next match)"), "legend": N_("Legend"),
    "details": N_("Details"), "hint": N_("Click a node or an edge to see its properties."),
    "not_found": N_("No match."), "match": N_("match {i} of {n}"), "graph": N_("Graph"),
    "members": N_("members"), "more": N_("… and {n} more"),
    "serve": N_("The same view, interactive (expand, collapse, ask the next question): run `itss serve` "
                "on the same store, then open"),
}


def ui_text(lang: str) -> dict[str, str]:
    """The interface words of a language (English when the language is unknown).

    >>> ui_text("zh")["legend"]
    '图例'
    """
    from itss_graph.i18n import translation

    _ = translation(lang).gettext
    return {key: _(text) for key, text in UI_TEXT.items()}


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                      autoescape=select_autoescape(["html", "js"], default_for_string=True,
                                                   default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, as shipped in the pyvis package (imported only here,
    when a page is written). ``</script`` inside the library is neutralised so the inlined
    script cannot end early."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (lib / "vis-network.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    return js, css


def serve_address(path: str, params: dict | None = None) -> str:
    """The address of a screen of ``itss serve`` (default host and port).

    >>> serve_address("/whatif", {"fail": ["a:1", "b"]})
    'http://127.0.0.1:8765/whatif?fail=a%3A1&fail=b'
    """
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "", [])}, doseq=True)
    return f"http://{SERVE_HOST}:{SERVE_PORT}{path}" + (f"?{query}" if query else "")


def render_template(name: str, **context: Any) -> str:
    """Render one of this package's templates with the vis-network assets available as
    ``vis_js`` / ``vis_css`` (trusted library text, not escaped)."""
    from markupsafe import Markup

    js, css = vis_assets()
    return _environment().get_template(name).render(vis_js=Markup(js), vis_css=Markup(css), **context)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file renamed into place, so a
    reader never sees half a page.

    >>> import tempfile, pathlib
    >>> p = write_text_atomic(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.html", "<p>hi</p>")
    >>> p.read_text()
    '<p>hi</p>'
    """
    from itss_graph.atomic_file import write_atomic

    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))

