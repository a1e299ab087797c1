"""The broker's framing, both directions, on a connected stream socket (the client uses the C
``_socket`` module: the ``socket`` package imports enum, more than a small answer costs).

A request is one frame of the ``marshal``-ed request dict (peers are the same user, checked).
The answer is a series of frames: :data:`STDOUT` and :data:`STDERR` carry the bytes the command
wrote, in order; the last is :data:`EXIT` (the exit status as decimal text) or :data:`DECLINE`
(the broker will not run it: the client answers in-process). A frame is its kind (one byte),
the payload's length (4 bytes, big-endian) and the payload.

>>> frame(STDOUT, b"hi")
b'o\\x00\\x00\\x00\\x02hi'
>>> class Pipe:
...     def __init__(self, data): self.data = data
...     def recv(self, n): chunk, self.data = self.data[:n], self.data[n:]; return chunk
>>> read_frame(Pipe(frame(EXIT, b"2")))
(b'x', b'2')
>>> read_frame(Pipe(b"o\\x00")) is None   # the peer went away mid-frame
True
"""

from __future__ import annotations

STDOUT, STDERR, EXIT, DECLINE, REQUEST = b"o", b"e", b"x", b"d", b"r"
MAX_REQUEST = 16 * 1024 * 1024


def frame(kind: bytes, payload: bytes) -> bytes:
    """One frame."""
    return kind + len(payload).to_bytes(4, "big") + payload


def _exactly(sock, n: int) -> bytes | None:
    parts = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def read_frame(sock, limit: int | None = None) -> tuple[bytes, bytes] | None:
    """The next frame (kind, payload), or None when the peer closed the connection first (or
    sent a frame longer than ``limit``)."""
    head = _exactly(sock, 5)
    if head is None:
        return None
    size = int.from_bytes(head[1:], "big")
    if limit is not None and size > limit:
        return None
    payload = _exactly(sock, size) if size else b""
    return None if payload is None else (head[:1], payload)
