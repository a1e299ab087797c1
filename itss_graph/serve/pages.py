"""The interface: one HTML shell for every screen (the script reads the address and draws the
screen it names, so every state has a URL), the package's own scripts and styles, vis-network
from the pyvis package, the interface words per language, and an offline API docs page drawn
from the OpenAPI schema by a script of ours (no Swagger from a CDN).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
MESSAGES = HERE / "messages"
LANGS = ("en", "zh")

#: The screens: each path serves the same shell; app.js draws the screen.
SCREENS = ("/", "/search", "/ci", "/graph", "/whatif", "/standards", "/spof", "/depends", "/path",
           "/root-cause")

_ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

router = APIRouter()


@lru_cache(maxsize=None)
def messages(lang: str) -> dict[str, str]:
    """The interface words of one language (``messages/LANG.json``: one file per language).

    >>> messages("zh")["nav.whatif"]
    '假设故障'
    """
    return json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _shell(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _vis_dir() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"


def _asset(path: Path, media_type: str) -> Response:
    return Response(path.read_bytes(), media_type=media_type,
                    headers={"cache-control": "public, max-age=3600"})


def _page(name: str) -> HTMLResponse:
    return HTMLResponse(_shell(name), headers={"cache-control": "no-cache"})


for _screen in SCREENS:
    router.add_api_route(_screen, lambda: _page("index.html"), methods=["GET"], include_in_schema=False,
                         response_class=HTMLResponse)


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs_page():
    return _page("docs.html")


@router.get("/static/palette.json", include_in_schema=False)
def palette_file():
    from itss_graph.render.palette import palette

    return JSONResponse(palette(), headers={"cache-control": "public, max-age=3600"})


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str):
    path = STATIC / name
    if "/" in name or path.suffix not in _ASSET_TYPES or not path.is_file():
        raise HTTPException(404, "no such file")
    return _asset(path, _ASSET_TYPES[path.suffix])


@router.get("/static/vis/{name}", include_in_schema=False)
def vis_file(name: str):
    if name not in ("vis-network.min.js", "vis-network.css"):
        raise HTTPException(404, "no such file")
    return _asset(_vis_dir() / name, _ASSET_TYPES[Path(name).suffix])


@router.get("/static/messages/{lang}.json", include_in_schema=False)
def messages_file(lang: str):
    if lang not in LANGS:
        raise HTTPException(404, "no such language")
    return JSONResponse(messages(lang), headers={"cache-control": "public, max-age=3600"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon():
    return Response(status_code=204)
