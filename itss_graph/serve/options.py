"""What ``itss serve`` is told: where to listen, the token, and the limits that keep one request
from stalling the server.

Example:
    >>> ServeOptions().url("/whatif", {"fail": ["a:1"]})
    'http://127.0.0.1:8765/whatif?fail=a%3A1'
    >>> ServeOptions(host="::1", port=9000).url("/")
    'http://[::1]:9000/'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

DEFAULT_PORT = 8765


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask for."""

    failed_cis: int = 50  # CIs failed together in one what-if
    ids_per_request: int = 500  # CIs named in one request (groups, locations)
    expand_nodes: int = 200  # relations returned by one expansion
    query_seconds: float = 30.0  # a question taking longer is answered 504 (the work is interrupted)
    workers: int = 4  # questions answered at once
    waiting: int = 64  # questions waiting for a worker; beyond this the server answers 503
    upload_bytes: int = 256 * 1024  # an organisation profile uploaded
    uploads_kept: int = 50  # uploaded profiles kept (oldest forgotten first)
    cache_bytes: int = 64 * 1024 * 1024  # answers kept per store generation


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str | None = None  # required on every request when set
    limits: Limits = field(default_factory=Limits)
    profiles_dir: Path | None = None  # organisation profiles offered to pick from

    def url(self, path: str = "/", params: dict | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = ("?" + urlencode(params, doseq=True)) if params else ""
        return f"http://{host}:{self.port}{path}{query}"
