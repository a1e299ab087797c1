"""Types and names of the CIs a walk finds, fetched as they are found.

On a store whose reads are round trips (``store.concurrent_reads``: a server) the headers of
each level are fetched in the background while the next level runs; elsewhere all at once, at
the end.

Example:
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> prefetch = HeaderPrefetch(SQLiteStore(":memory:")); prefetch.add(["x"]); prefetch.result()
    {}
"""

from __future__ import annotations

from itss_graph.stores.base import Store


class HeaderPrefetch:
    def __init__(self, store: Store):
        self.store = store
        self.asked: set[str] = set()
        self.found: dict[str, tuple[str, str]] = {}  # read with the walk's edges, not asked yet
        self.given: dict[str, tuple[str, str]] = {}  # asked and already found
        self.pending: list[str] = []
        self.jobs: list = []
        self.pool = None
        if store.concurrent_reads:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=1)

    def known(self, headers: dict[str, tuple[str, str]]) -> None:
        """Headers the store read with a level's edges (``Store.flow_edges_headed``): the ids
        among them added later are not read again.

        >>> from itss_graph.stores.sqlite import SQLiteStore
        >>> prefetch = HeaderPrefetch(SQLiteStore(":memory:"))
        >>> prefetch.known({"x": ("vm", "web"), "y": ("vm", "db")}); prefetch.add(["x"]); prefetch.result()
        {'x': ('vm', 'web')}
        """
        self.found.update(headers)

    def add(self, ids) -> None:
        new = [i for i in ids if i not in self.asked]
        self.asked.update(new)
        if self.found:
            unknown = []
            for i in new:
                header = self.found.get(i)
                if header is None:
                    unknown.append(i)
                else:
                    self.given[i] = header
            new = unknown
        if self.pool is not None and new:
            self.jobs.append(self.pool.submit(self.store.headers, new))
        else:
            self.pending.extend(new)

    def result(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = dict(self.given)
        if self.pool is not None:
            for job in self.jobs:
                out.update(job.result())
            self.pool.shutdown()
        if self.pending:
            out.update(self.store.headers(self.pending))
        return out
