"""A small NetBox REST API client (stdlib only): token auth, paginated reads, retries.

Every list endpoint is read page by page (``?limit=N&offset=M&ordering=id``), following
``next``; the objects read must match the ``count`` NetBox announced and have distinct ids,
otherwise NetBox changed under the read (offset paging then skips or repeats objects) and the
read fails — a partial read is never loaded, and never prunes anything.

Errors are :class:`~itss_graph.errors.SourceError` naming the URL (never the token): refused
token (401/403), missing endpoint (404), server errors and unreachable hosts (after retries),
answers that are not NetBox JSON.

Example (needs a NetBox):
    >>> client = NetBoxClient("https://demo.netbox.dev", "0123456789abcdef")  # doctest: +SKIP
    >>> next(client.iter_objects("dcim/sites"))["name"]                        # doctest: +SKIP
    'DM-Akron'
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

from itss_graph.errors import SourceError

RETRY_STATUS = {429, 500, 502, 503, 504}


class NetBoxClient:
    """Read-only access to one NetBox."""

    def __init__(self, url: str, token: str | None, *, page_size: int = 1000,
                 timeout: float = 60.0, retries: int = 3, verify_tls: bool = True,
                 backoff: float = 0.5):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SourceError(f"not a NetBox URL: {url!r} (expected http(s)://host[:port])")
        self.url = url.rstrip("/")
        if self.url.endswith("/api"):
            self.url = self.url[:-4]
        self.token = token
        self.page_size = page_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
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
                    body = response.read()
            except urllib.error.HTTPError as exc:
                detail = _detail(exc)
                if exc.code in (401, 403):
                    raise SourceError(f"NetBox at {self.url} refused the token (HTTP {exc.code}"
                                      f"{': ' + detail if detail else ''})") from None
                if exc.code == 404:
                    raise SourceError(f"NetBox at {self.url} has no {shown} (HTTP 404): "
                                      "is it NetBox 4 or later, and is the URL right?") from None
                if exc.code in RETRY_STATUS:
                    last_error = f"HTTP {exc.code}{': ' + detail if detail else ''}"
                    continue
                raise SourceError(f"NetBox answered HTTP {exc.code} for {shown}"
                                  f"{': ' + detail if detail else ''}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last_error = str(getattr(exc, "reason", exc))
                continue
            try:
                return json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise SourceError(f"NetBox answer for {shown} is not JSON "
                                  f"(starts {body[:60]!r})") from None
        raise SourceError(f"cannot read {shown} from NetBox after {self.retries + 1} attempts: "
                          f"{last_error}")

    def iter_objects(self, endpoint: str) -> Iterator[dict]:
        """Every object of a list endpoint such as ``dcim/devices``, in id order."""
        query = urllib.parse.urlencode({"limit": self.page_size, "offset": 0, "ordering": "id"})
        url: str | None = f"{self.url}/api/{endpoint.strip('/')}/?{query}"
        seen: set[Any] = set()
        announced = None
        while url:
            page = self.get(url)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise SourceError(f"NetBox answer for /api/{endpoint}/ is not a list page "
                                  "(no 'results')")
            announced = page.get("count", announced)
            for obj in page["results"]:
                if not isinstance(obj, dict) or "id" not in obj:
                    raise SourceError(f"NetBox answer for /api/{endpoint}/ holds an object "
                                      "without an id")
                if obj["id"] in seen:
                    raise SourceError(f"NetBox changed while /api/{endpoint}/ was read "
                                      f"(object {obj['id']} came twice); nothing was loaded: "
                                      "run it again")
                seen.add(obj["id"])
                yield obj
            url = page.get("next")
            if url:
                url = self._same_host(url)
        if announced is not None and announced != len(seen):
            raise SourceError(f"NetBox changed while /api/{endpoint}/ was read ({announced} "
                              f"objects announced, {len(seen)} read); nothing was loaded: "
                              "run it again")

    def _same_host(self, url: str) -> str:
        """``next`` links as NetBox builds them may name another host (behind a proxy): keep
        the path and query, use the URL we were given."""
        parts = urllib.parse.urlsplit(url)
        base = urllib.parse.urlsplit(self.url)
        prefix = base.path.rstrip("/")
        path = parts.path if parts.path.startswith(prefix + "/api/") or not prefix else prefix + parts.path
        return urllib.parse.urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError, OSError):
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail)[:200] if detail else ""
