"""A small NetBox REST API client (stdlib only): token auth, paginated reads, retries.

Every list endpoint is read by keyset paging (``?ordering=id&id__gt=<last id>&limit=N``), so
objects deleted or added meanwhile never make the read skip one that exists; each page's
``count`` must agree with what was read before it, ids must increase, the pages are bounded in
number, and a last request re-counts the endpoint. Any disagreement means NetBox changed under
the read (or pages in a loop) and the read fails — a partial read is never loaded, and never
prunes anything.

Errors are :class:`~itss_graph.errors.SourceError` naming the URL (never the token): refused
token (401/403), missing endpoint (404), server errors and unreachable hosts (after retries),
answers that are not NetBox JSON.

Usage (needs a NetBox; tests/loading/test_netbox.py runs it against a fake one)::

    client = NetBoxClient("https://demo.netbox.dev", "0123456789abcdef")
    next(client.iter_objects("dcim/sites"))["name"]   # 'DM-Akron'
"""

from __future__ import annotations

import http.client
import itertools
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

from itss_graph.errors import SourceError
from itss_graph.i18n import M_

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_PAGES = 100_000  # per endpoint: 100 million objects at the default page size
MAX_ANSWER_BYTES = 256 << 20  # one page of 1000 objects is a few MiB


class NetBoxClient:
    """Read-only access to one NetBox."""

    def __init__(self, url: str, token: str | None, *, page_size: int = 1000,
                 timeout: float = 60.0, retries: int = 3, verify_tls: bool = True,
                 backoff: float = 0.5, max_pages: int = MAX_PAGES):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SourceError(M_("not a NetBox URL: {url!r} (expected http(s)://host[:port])", url=url))
        self.url = url.rstrip("/")
        if self.url.endswith("/api"):
            self.url = self.url[:-4]
        if token is not None and (not token.isprintable() or not token.isascii()):
            raise SourceError(M_("the NetBox token holds a line break, a control character or a non-ASCII character: check NETBOX_TOKEN"))
        self.token = token
        self.page_size = page_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_pages = max_pages
        self.context = None if verify_tls else ssl._create_unverified_context()  # noqa: S323
        self.requests = 0

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "itss-graph"}
        if self.token:
            scheme = "Bearer" if self.token.startswith("nbt_") else "Token"  # v2 tokens: NetBox ≥ 4.5
            headers["Authorization"] = f"{scheme} {self.token}"
        return headers

    def get(self, url: str) -> Any:
        """The JSON answer to GET ``url`` (absolute, or a path under the NetBox URL)."""
        if not url.startswith(("http://", "https://")):
            url = f"{self.url}/{url.lstrip('/')}"
        shown = url.split("?")[0]
        last_error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * attempt)
            request = urllib.request.Request(url, headers=self._headers())
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout,
                                            context=self.context) as response:
                    body = response.read(MAX_ANSWER_BYTES + 1)
            except urllib.error.HTTPError as exc:
                detail = _detail(exc)
                if exc.code in (401, 403):
                    raise SourceError(M_("NetBox at {url} refused the token (HTTP {code}{detail})",
                                         url=self.url, code=exc.code, detail=': ' + detail if detail else '')) from None
                if exc.code == 404:
                    raise SourceError(M_("NetBox at {url} has no {shown} (HTTP 404): is it NetBox 4 or later, and is the URL right?",
                                         url=self.url, shown=shown)) from None
                if exc.code in RETRY_STATUS:
                    last_error = M_("HTTP {code}{detail}", code=exc.code, detail=': ' + detail if detail else '')
                    continue
                raise SourceError(M_("NetBox answered HTTP {code} for {shown}{detail}",
                                     code=exc.code, shown=shown, detail=': ' + detail if detail else '')) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError,
                    http.client.HTTPException) as exc:  # IncompleteRead, BadStatusLine ...
                last_error = str(getattr(exc, "reason", exc)) or type(exc).__name__
                continue
            except ValueError as exc:  # a URL or header urllib refuses to send
                raise SourceError(M_("cannot request {shown} from NetBox: {exc}",
                                     shown=shown, exc=exc)) from None
            if len(body) > MAX_ANSWER_BYTES:
                raise SourceError(M_("NetBox answer for {shown} is larger than {limit} MiB; lower page_size",
                                     shown=shown, limit=MAX_ANSWER_BYTES >> 20))
            return _json(body, shown)
        raise SourceError(M_("cannot read {shown} from NetBox after {attempts} attempts: {last_error}",
                             shown=shown, attempts=self.retries + 1, last_error=last_error))

    def iter_objects(self, endpoint: str) -> Iterator[dict]:
        """Every object of a list endpoint such as ``dcim/devices``, in id order, read by keyset
        paging (``ordering=id&id__gt=<last id read>``): an object that exists during the whole
        read is never skipped, whatever else is added or deleted meanwhile (offset paging skips
        one for each object deleted before it). Each page's ``count`` must be what the read so far
        implies, and a last request re-counts the endpoint: any change aborts the read."""
        shown = f"/api/{endpoint.strip('/')}/"
        base = f"{self.url}{shown}"
        last_id: int | None = None
        total: int | None = None
        read = 0
        for pages in itertools.count(1):
            if pages > self.max_pages:
                raise SourceError(M_("NetBox answer for {shown} goes on for more than {max_pages} pages (a paging loop?); nothing was loaded",
                                     shown=shown, max_pages=self.max_pages))
            query = {"limit": self.page_size, "ordering": "id"}
            if last_id is not None:
                query["id__gt"] = last_id
            page = self.get(f"{base}?{urllib.parse.urlencode(query)}")
            results, count = _page(page, shown)
            previous = last_id
            for obj in results:  # ids first: a page that repeats is a loop, not a change
                if previous is not None and obj["id"] <= previous:
                    raise SourceError(M_("NetBox answer for {shown} did not page by id (object {obj} after {previous}): a paging loop, or a NetBox that ignores id__gt; nothing was loaded",
                                         shown=shown, obj=obj['id'], previous=previous))
                previous = obj["id"]
            if total is None:
                total = count
            elif count != total - read:
                raise _changed(shown, M_("{count} objects left to read where {expected} were expected", count=count, expected=total - read))
            for obj in results:
                last_id = obj["id"]
                read += 1
                yield obj
            if not page.get("next"):
                if len(results) != count:
                    raise _changed(shown, M_("{count} objects announced, {len_results} on the last page", count=count, len_results=len(results)))
                break
            if not results:
                raise SourceError(M_("NetBox answer for {shown} is an empty page that links to a next one; nothing was loaded",
                                     shown=shown))
        recount = _page(self.get(f"{base}?{urllib.parse.urlencode({'limit': 1})}"), shown)[1]
        if recount != read:
            raise _changed(shown, M_("{read} objects read, {recount} there now", read=read, recount=recount))


def _json(body: bytes, shown: str) -> Any:
    """A NetBox answer parsed with the limits of any JSON input (no duplicate keys, no huge
    numbers, bounded nesting)."""
    from itss_graph.errors import InputError
    from itss_graph.loading.documents import parse_json, value_problem

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(M_("NetBox answer for {shown} is not JSON (starts {body!r})",
                             shown=shown, body=body[:60])) from None
    try:
        document, problems = parse_json(shown, text)
    except InputError as exc:
        raise SourceError(M_("NetBox answer for {shown} is not JSON that can be read: {message} (starts {body!r})",
                             shown=shown, message=exc.problems[0].message, body=body[:60])) from None
    bad = value_problem(document) if not problems else (problems[0].field, problems[0].message)
    if bad is not None:
        raise SourceError(M_("NetBox answer for {shown} holds a value that cannot be loaded{where}: {why}",
                             shown=shown, where=' (' + str(bad[0]) + ')' if bad[0] else '', why=bad[1]))
    return document


def _page(page: Any, shown: str) -> tuple[list[dict], int]:
    """The objects and ``count`` of one API list page; SourceError for any other shape."""
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise SourceError(M_("NetBox answer for {shown} is not a list page (no 'results')", shown=shown))
    count = page.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise SourceError(M_("NetBox answer for {shown} has no object count", shown=shown))
    for obj in page["results"]:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), int) or isinstance(obj["id"], bool):
            raise SourceError(M_("NetBox answer for {shown} holds an object without a numeric id",
                                 shown=shown))
    return page["results"], count


def _changed(shown: str, detail: str) -> SourceError:
    return SourceError(M_("NetBox changed while {shown} was read ({detail}); nothing was loaded: run it again",
                          shown=shown, detail=detail))


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (ValueError, RecursionError, OSError):  # not JSON, too deep, a broken connection
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail)[:200] if detail else ""
