"""A TCP proxy for tests: forwards connections to a server and can cut them all at once, as a
network failure would, then refuse new ones until restored."""

from __future__ import annotations

import socket
import threading


class CuttableProxy:
    """``127.0.0.1:<port>`` → ``target``; :meth:`cut` kills every connection, :meth:`restore`
    lets new ones through again. ``cut_after_bytes`` cuts by itself once that many bytes went
    from clients to the server."""

    def __init__(self, target: tuple[str, int], cut_after_bytes: int | None = None):
        self.target = target
        self.cut_after_bytes = cut_after_bytes
        self.upstream_bytes = 0
        self.refusing = False
        self.cuts = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream:
                    with self._lock:
                        self.upstream_bytes += len(data)
                        over = (self.cut_after_bytes is not None
                                and self.upstream_bytes >= self.cut_after_bytes)
                    if over:
                        self.cut()
                        return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        """Drop every connection now and refuse new ones."""
        with self._lock:
            self.refusing = True
            self.cut_after_bytes = None
            self.cuts += 1
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def restore(self) -> None:
        self.refusing = False

    def close(self) -> None:
        self._running = False
        self.cut()
        self._listener.close()
