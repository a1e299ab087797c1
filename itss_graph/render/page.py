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

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: Where ``itss serve`` listens unless told otherwise (pages point there for the live view).
SERVE_HOST, SERVE_PORT = "127.0.0.1", 8765

#: Words of the page's own interface, by language.
UI_TEXT: dict[str, dict[str, str]] = {
    "en": {"search": "Find by id or name, then Enter (again: next match)", "legend": "Legend",
           "details": "Details", "hint": "Click a node or an edge to see its properties.",
           "not_found": "No match.", "match": "match {i} of {n}", "graph": "Graph",
           "members": "members", "more": "… and {n} more",
           "serve": "The same view, interactive (expand, collapse, ask the next question): run `itss serve` "
                    "on the same store, then open"},
    "zh": {"search": "按ID或名称查找，回车（再按：下一个）", "legend": "图例", "details": "详情",
           "hint": "点击节点或连线查看属性。", "not_found": "未找到。", "match": "第 {i} 个，共 {n} 个",
           "graph": "关系图", "members": "成员", "more": "……另有 {n} 个",
           "serve": "交互式查看同一视图（展开、收起、继续提问）：对同一配置库运行 `itss serve`，然后打开"},
}


def ui_text(lang: str) -> dict[str, str]:
    """The interface words of a language (English when the language is unknown).

    >>> ui_text("zh")["legend"]
    '图例'
    """
    return UI_TEXT.get(lang, UI_TEXT["en"])


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
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        mask = os.umask(0)  # mkstemp makes the file private; a page is as readable as any new file
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

