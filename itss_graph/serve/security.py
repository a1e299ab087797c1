"""Safe by default: loopback only unless a token guards the server; read-only methods; the
same protective headers on every response.

* **Where it listens** — a loopback address (``127.0.0.1``, ``::1``, ``localhost``) needs no
  token; any other host is refused unless a token is given (``--token``, or one generated and
  printed once by :func:`new_token`).
* **The token** — when set, every request carries it: ``Authorization: Bearer TOKEN``, or the
  cookie set when a browser first opens ``/?token=TOKEN`` (the page is then redirected to the
  same address without the token, so it does not stay in the address bar or the history).
  Compared in constant time.
* **Host header** — on loopback, a request naming another host is refused (a DNS-rebinding
  page cannot read the API through the browser of the person running the server).
* **Read-only** — GET and HEAD; POST only for uploading an organisation profile, and only with
  the ``X-Itss-Request`` header (a form of another site cannot send it).
* **Headers** — a Content-Security-Policy allowing nothing but this server's own scripts,
  styles and API (no inline script, no other origin, no framing), ``nosniff``, no referrer,
  no caching of answers.

Example:
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    >>> len(new_token()) >= 32
    True
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
COOKIE = "itss_token"
UPLOAD_HEADER = b"x-itss-request"
WRITE_PATHS = ("/api/profiles",)  # the only path taking a POST


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _host_name(header: str) -> str:
    """``Host`` header without its port: ``[::1]:8765`` -> ``::1``."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """ASGI middleware applying the rules of this module to every HTTP request."""

    def __init__(self, app, *, token: str | None, loopback: bool):
        self.app = app
        self.token = token
        self.loopback = loopback

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                if scope["path"].startswith("/api/") and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if self.loopback and not is_loopback(_host_name(headers.get("host", "127.0.0.1"))):
            return await _refuse(send_with_headers, 421, "this server answers only requests to a loopback host name")
        method = scope["method"]
        if method not in ("GET", "HEAD", "POST"):
            return await _refuse(send_with_headers, 405, "read-only: only GET and HEAD (and profile uploads)")
        if method == "POST" and (scope["path"] not in WRITE_PATHS or UPLOAD_HEADER.decode() not in headers):
            return await _refuse(send_with_headers, 405, "read-only: POST only to upload a profile, "
                                 "with the X-Itss-Request header")
        if self.token is not None:
            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            query = dict(pairs)
            if not self._authorised(headers, query):
                return await _refuse(send_with_headers, 401, "a token is required: open the address "
                                     "`itss serve` printed, or send Authorization: Bearer TOKEN")
            if "token" in query and method == "GET" and not scope["path"].startswith("/api/"):
                return await self._set_cookie_and_redirect(scope, pairs, send_with_headers)
        return await self.app(scope, receive, send_with_headers)

    def _authorised(self, headers: dict[str, str], query: dict[str, str]) -> bool:
        candidates = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            candidates.append(auth[7:].strip())
        if "cookie" in headers:
            cookie = SimpleCookie()
            try:
                cookie.load(headers["cookie"])
            except Exception:  # a malformed cookie header is no token
                cookie = SimpleCookie()
            if COOKIE in cookie:
                candidates.append(cookie[COOKIE].value)
        if "token" in query:
            candidates.append(query["token"])
        expected = self.token.encode()
        return any(hmac.compare_digest(c.encode(), expected) for c in candidates)

    async def _set_cookie_and_redirect(self, scope, pairs, send):
        rest = [(k, v) for k, v in pairs if k != "token"]
        location = scope["path"] + ("?" + urlencode(rest) if rest else "")
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                                (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
