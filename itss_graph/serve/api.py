"""The JSON API: ``/api/VERB`` answers what ``itss VERB --format json`` prints for the same
arguments (repeatable CLI arguments are repeated query parameters: ``/api/impact?ci=a&ci=b``).

Every route also answers ``format=csv`` (the rows of ``--format csv``) and, where the verb has
one, ``format=html`` (the view or report ``--html`` writes); ``download=1`` adds a file name.
Errors are ``{"error": message}``: 404 for an unknown CI, 400 for other bad input (the CLI's
exit status 2), 413 over a request limit, 503 when too many questions are in flight, 504 when
one outlives the time limit. The OpenAPI schema is served at ``/api/openapi.json``.
"""

from __future__ import annotations

import json
from typing import Callable, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

import itss_graph as itss
from itss_graph.errors import ItssError, UnknownCIError
from itss_graph.serve import verbs
from itss_graph.serve.runner import Busy, Rendered, TooSlow

Lang = Literal["en", "zh"]
Format = Literal["json", "csv", "html"]

MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}
ANSWER_RESPONSES = {200: {"description": "The answer, in the format asked for.",
                          "content": {"application/json": {}, "text/csv": {}, "text/html": {}}},
                    400: {"description": "Bad input (the CLI's exit status 2)."},
                    404: {"description": "Unknown CI."}, 413: {"description": "Over a request limit."},
                    503: {"description": "Too many questions in flight."},
                    504: {"description": "The question outlived the time limit."}}

router = APIRouter(prefix="/api")


def error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def _limit(count: int, most: int, what: str) -> None:
    if count > most:
        raise HTTPException(413, f"at most {most} {what} per request (got {count})")


def _key(request: Request) -> tuple:
    """The question's identity for the cache: path and query, without the download flag."""
    return (request.url.path, tuple((k, v) for k, v in request.query_params.multi_items() if k != "download"))


async def answer(request: Request, name: str, build: Callable, fmt: str, download: bool,
                 *, cache: bool = True) -> Response:
    """Run ``build(store, ticket) -> verbs.Answer`` in the pool and send it in format ``fmt``."""
    state = request.app.state

    def question(store, ticket) -> Rendered:
        result = build(store, ticket)
        if fmt == "csv":
            body = result.csv_text()
        elif fmt == "html":
            if result.html is None:
                raise HTTPException(400, f"{name} has no HTML report: use format=json or csv")
            body = result.html()
        else:
            body = result.json_text()
        return Rendered(body.encode("utf-8"), MEDIA[fmt])

    try:
        rendered = await state.runner.run(question, _key(request) if cache else None)
    except UnknownCIError as exc:
        return error(404, str(exc))
    except (ItssError, ValueError) as exc:
        return error(400, str(exc))
    except Busy:
        return error(503, "the server is busy answering other questions; try again in a moment")
    except TooSlow:
        return error(504, f"the question took longer than {state.options.limits.query_seconds:g} s; "
                          "ask the CLI (itss) for answers this large")
    headers = {"x-itss-generation": rendered.generation, **rendered.headers}
    if download:
        headers["content-disposition"] = f'attachment; filename="itss-{name}.{fmt}"'
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


# -- the server itself ---------------------------------------------------------------------------

@router.get("/status", summary="Version, store, generation and limits")
async def status(request: Request):
    state = request.app.state
    limits = state.options.limits
    return {"version": itss.__version__, "store": state.store_settings.describe(),
            "generation": await _generation(request),
            # "compiled" once the background compilation at start is done (same answers)
            "closure_kernel": "compiled" if itss.compiled_kernel_in_use() else "numpy",
            "limits": {"failed_cis": limits.failed_cis, "ids_per_request": limits.ids_per_request,
                       "expand_nodes": limits.expand_nodes, "query_seconds": limits.query_seconds}}


async def _generation(request: Request) -> str:
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, request.app.state.runner.generation)


# -- impact and the canned queries ---------------------------------------------------------------

@router.get("/impact", summary="What breaks when CIs fail (itss impact)", responses=ANSWER_RESPONSES)
async def impact(request: Request, ci: list[str] = Query(..., description="Failed CI ids (together)"),
                 depth: int | None = Query(None, ge=1), obligations: bool = True, lang: Lang = "en",
                 format: Format = "json", download: bool = False):
    _limit(len(ci), request.app.state.options.limits.failed_cis, "failed CIs")
    return await answer(request, "impact", lambda s, t: verbs.impact(
        s, ci, depth=depth, obligations=obligations, lang=lang, with_props=format == "html",
        document=format != "csv", recent=request.app.state.recent), format, download)


@router.get("/blast-radius", summary="Services a failure affects, ranked (itss blast-radius)",
            responses=ANSWER_RESPONSES)
async def blast_radius(request: Request, ci: list[str] = Query(...), lang: Lang = "en",
                       services_offset: int = Query(0, ge=0, description="First ranked service listed"),
                       services_limit: int | None = Query(None, ge=1, description="At most N services listed "
                                                          "(the summary counts all)"),
                       format: Format = "json", download: bool = False):
    _limit(len(ci), request.app.state.options.limits.failed_cis, "failed CIs")
    return await answer(request, "blast-radius", lambda s, t: verbs.blast_radius(
        s, ci, lang=lang, with_props=format == "html", services_offset=services_offset,
        services_limit=services_limit, recent=request.app.state.recent), format, download)


@router.get("/impacted", summary="A page of the CIs a failure impacts (the rows of itss impact)",
            responses=ANSWER_RESPONSES)
async def impacted(request: Request, ci: list[str] = Query(..., description="Failed CI ids (together)"),
                   offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000),
                   format: Format = "json", download: bool = False):
    _limit(len(ci), request.app.state.options.limits.failed_cis, "failed CIs")
    return await answer(request, "impacted", lambda s, t: verbs.impacted_page(s, ci, offset=offset, limit=limit,
                                                                           recent=request.app.state.recent),
                        format, download)


@router.get("/root-cause", summary="Upstream CIs that explain failing ones (itss root-cause)",
            responses=ANSWER_RESPONSES)
async def root_cause(request: Request, symptom: list[str] = Query(...), limit: int = Query(20, ge=1),
                     lang: Lang = "en", format: Format = "json", download: bool = False):
    _limit(len(symptom), request.app.state.options.limits.ids_per_request, "symptoms")
    return await answer(request, "root-cause", lambda s, t: verbs.root_cause(s, symptom, limit=limit, lang=lang),
                        format, download)


@router.get("/spof", summary="Single points of failure of a CI, or of the estate (itss spof)",
            responses=ANSWER_RESPONSES)
async def spof(request: Request, target: str | None = None, lang: Lang = "en", format: Format = "json",
               download: bool = False):
    return await answer(request, "spof", lambda s, t: verbs.spof(s, target, lang=lang, ticket=t), format, download)


@router.get("/depends", summary="What a CI rests on (itss depends)", responses=ANSWER_RESPONSES)
async def depends(request: Request, target: str, depth: int | None = Query(None, ge=1), lang: Lang = "en",
                  format: Format = "json", download: bool = False):
    return await answer(request, "depends", lambda s, t: verbs.depends(s, target, depth=depth, lang=lang),
                        format, download)


@router.get("/path", summary="How one CI depends on another (itss path)", responses=ANSWER_RESPONSES)
async def path(request: Request, dependant: str, provider: str, max_length: int = Query(8, ge=1, le=50),
               max_paths: int = Query(20, ge=1, le=1000), lang: Lang = "en", format: Format = "json",
               download: bool = False):
    return await answer(request, "path", lambda s, t: verbs.path(
        s, dependant, provider, max_length=max_length, max_paths=max_paths, lang=lang), format, download)


@router.get("/orphans", summary="CIs that support no service (itss orphans)", responses=ANSWER_RESPONSES)
async def orphans(request: Request, type: list[str] = Query([]), lang: Lang = "en", format: Format = "json",
                  download: bool = False):
    return await answer(request, "orphans", lambda s, t: verbs.orphans(s, type, lang=lang), format, download)


@router.get("/hotspots", summary="CIs whose failure takes down most services (itss hotspots)",
            responses=ANSWER_RESPONSES)
async def hotspots(request: Request, top: int = Query(20, ge=1), lang: Lang = "en", format: Format = "json",
                   download: bool = False):
    return await answer(request, "hotspots", lambda s, t: verbs.hotspots(s, top, lang=lang, ticket=t),
                        format, download)


@router.get("/change-impact", summary="What a planned change touches (itss change-impact)",
            responses=ANSWER_RESPONSES)
async def change_impact(request: Request, ci: list[str] = Query(...), lang: Lang = "en", format: Format = "json",
                        download: bool = False):
    _limit(len(ci), request.app.state.options.limits.failed_cis, "CIs")
    return await answer(request, "change-impact", lambda s, t: verbs.change_impact(s, ci, lang=lang),
                        format, download)


# -- the store and the ontology ------------------------------------------------------------------

@router.get("/find", summary="Find CIs by id, name or any property (itss find)", responses=ANSWER_RESPONSES)
async def find(request: Request, q: str = Query("", description="Text to look for (Chinese or English, any "
                                                          "case or width, small typos)"),
               type: list[str] = Query([], description="Only CIs of these types (names or aliases)"),
               where: list[str] = Query([], description="KEY=VALUE property filters"),
               limit: int = Query(20, ge=1), lang: Lang = "en", format: Format = "json", download: bool = False):
    _limit(limit, request.app.state.options.limits.ids_per_request, "CIs found")
    filters = {}
    for item in where:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise HTTPException(400, f"where: expected KEY=VALUE, got {item!r}")
        filters[key.strip()] = value
    return await answer(request, "find", lambda s, t: verbs.find(s, q, types=type, where=filters, limit=limit),
                        format, download)


@router.get("/show", summary="Everything about one CI (itss show)", responses=ANSWER_RESPONSES)
async def show(request: Request, ci: str, limit: int = Query(50, ge=0, description="Relations per direction"),
               history: int = Query(5, ge=0), services: int = Query(20, ge=0), standards: int = Query(5, ge=0),
               lang: Lang = "en", format: Format = "json", download: bool = False):
    _limit(limit, request.app.state.options.limits.expand_nodes, "relations per direction")
    return await answer(request, "show", lambda s, t: verbs.show(
        s, ci, relations=limit, history=history, services=services, standards=standards, lang=lang),
        format, download)


@router.get("/history", summary="How a CI changed across loads (itss history)", responses=ANSWER_RESPONSES)
async def history(request: Request, ci: str, lang: Lang = "en", format: Format = "json", download: bool = False):
    return await answer(request, "history", lambda s, t: verbs.history(s, ci, lang=lang), format, download)


@router.get("/stats", summary="CIs and relations per type (itss stats)", responses=ANSWER_RESPONSES)
async def stats(request: Request, lang: Lang = "en", format: Format = "json", download: bool = False):
    describe = request.app.state.store_settings.describe()
    return await answer(request, "stats", lambda s, t: verbs.stats(s, describe, lang=lang), format, download)


@router.get("/types", summary="CI and relation types of the ontology (itss types)", responses=ANSWER_RESPONSES)
async def types(request: Request, lang: Lang = "en", format: Format = "json", download: bool = False):
    return await answer(request, "types", lambda s, t: verbs.types(lang=lang), format, download)


@router.get("/queries", summary="The canned queries (itss queries)", responses=ANSWER_RESPONSES)
async def queries(request: Request, search: str = "", category: str | None = None, show: str | None = None,
                  lang: Lang = "en", format: Format = "json", download: bool = False):
    if show:
        return await answer(request, "queries", lambda s, t: verbs.query_entry(show, lang=lang), format, download)
    return await answer(request, "queries", lambda s, t: verbs.queries(search, category, lang=lang),
                        format, download)


# -- the explorer's own questions ----------------------------------------------------------------

@router.get("/neighbours", summary="A CI's relations with their failure semantics (graph expansion)",
            responses=ANSWER_RESPONSES)
async def neighbours(request: Request, ci: str,
                     direction: Literal["all", "providers", "dependants"] = "all",
                     relation: list[str] = Query([], description="Only these relation types"),
                     type: list[str] = Query([], description="Only neighbours of these CI types"),
                     limit: int = Query(50, ge=0), format: Format = "json", download: bool = False):
    _limit(limit, request.app.state.options.limits.expand_nodes, "nodes per expansion")
    return await answer(request, "neighbours", lambda s, t: verbs.neighbours(
        s, ci, direction=direction, relation_types=relation, types=type, limit=limit), format, download)


@router.get("/groups", summary="Rack, site or services of CIs (grouping the graph)", responses=ANSWER_RESPONSES)
async def groups(request: Request, ci: list[str] = Query(...), by: Literal["rack", "site", "service"] = "site",
                 format: Format = "json", download: bool = False):
    _limit(len(ci), request.app.state.options.limits.ids_per_request, "CIs")
    return await answer(request, "groups", lambda s, t: verbs.groups(s, ci, by), format, download)


# -- the ITSS knowledge base ---------------------------------------------------------------------

def _profile_path(request: Request, name: str):
    path = request.app.state.profiles.path(name)
    if path is None:
        raise HTTPException(404, f"no profile named {name!r}: GET /api/profiles lists them")
    return path


@router.get("/standards", summary="Which ITSS standards apply, and why (itss standards)",
            responses=ANSWER_RESPONSES)
async def standards(request: Request, ci: str | None = None, ci_type: str | None = None, code: str | None = None,
                    profile: str | None = Query(None, description="A profile's name (GET /api/profiles)"),
                    verbose: bool = False, lang: Lang = "en", format: Format = "json", download: bool = False):
    given = [n for n, v in (("ci", ci), ("ci_type", ci_type), ("code", code), ("profile", profile)) if v]
    if len(given) != 1:
        raise HTTPException(400, "give exactly one of ci, ci_type, code or profile"
                                 + (f" (got {', '.join(given)})" if given else ""))
    path = _profile_path(request, profile) if profile else None
    return await answer(request, "standards", lambda s, t: verbs.standards(
        s, code=code, ci_type=ci_type, profile=path, ci=ci, lang=lang, verbose=verbose), format, download)


@router.get("/gap", summary="What an organisation lacks against the standards (itss gap)",
            responses=ANSWER_RESPONSES)
async def gap(request: Request, profile: str = Query(..., description="A profile's name (GET /api/profiles)"),
              met: bool = False, verbose: bool = False, lang: Lang = "en", format: Format = "json",
              download: bool = False):
    path = _profile_path(request, profile)
    return await answer(request, "gap", lambda s, t: verbs.gap(path, lang=lang, met=met, verbose=verbose),
                        format, download)


@router.get("/profiles", summary="The organisation profiles offered (a directory's and uploads)")
async def profiles(request: Request):
    shelf = request.app.state.profiles

    def listing(store, ticket):
        found = [{"name": n, "title": verbs.profile_title(shelf.path(n))} for n in shelf.names()]
        return Rendered(json.dumps({"profiles": found}, ensure_ascii=False).encode(), MEDIA["json"])

    try:
        rendered = await request.app.state.runner.run(listing)
    except (Busy, TooSlow):
        return error(503, "the server is busy; try again in a moment")
    return Response(rendered.body, media_type=rendered.media_type)


@router.post("/profiles", summary="Upload an organisation profile (YAML body); answers its name",
             responses={400: {"description": "Not a valid profile (the message names line and field)."},
                        413: {"description": "Larger than the limit."}})
async def upload_profile(request: Request):
    limits = request.app.state.options.limits
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.upload_bytes:
            return error(413, f"a profile may have at most {limits.upload_bytes} bytes")
    shelf = request.app.state.profiles
    name = shelf.add(body)

    def check(store, ticket):
        try:
            title = verbs.profile_title_strict(shelf.path(name))
        except Exception:
            shelf.forget(name)
            raise
        return Rendered(json.dumps({"name": name, "title": title}, ensure_ascii=False).encode(), MEDIA["json"])

    try:
        rendered = await request.app.state.runner.run(check)
    except ItssError as exc:
        return error(400, str(exc).replace(str(shelf.path(name) or ""), "the uploaded profile"))
    except (Busy, TooSlow):
        return error(503, "the server is busy; try again in a moment")
    return Response(rendered.body, media_type=rendered.media_type, status_code=201)
