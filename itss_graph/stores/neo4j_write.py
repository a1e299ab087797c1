"""The Neo4j store's write path: a batch (:mod:`itss_graph.stores.batch`) in idempotent
``UNWIND … MERGE`` transactions, with sources (claims), pruning, the change history and the
load lock.

* Into an empty database every row is new: nothing is read back, batches are written at once
  (``CREATE``; relationships between the new nodes found by internal id, :data:`KEYS_MAX`).
  Otherwise each batch of CIs (then of relations, per type) is read first — one ``UNWIND …
  MATCH`` (relations by their distinct sources) — to tell created / updated / unchanged and the
  field diff; only rows that change are written. Every write is a MERGE, so a load cut short
  (lost connection) is completed by running it again, without duplicates.
* Batches are written one after the other from one writer thread while this thread prepares
  the next; the relations' batches are read from the batch file on a third thread meanwhile.
  (Two writer threads were measured: no faster overall — relationship batches deadlock on
  shared hubs — and the driver's native buffers then grew with every batch, to 700 MB on a
  million CIs; one writer stays flat.) Relationship rows travel as lists, not maps, and
  relations without properties are created by a statement that sets none.
* Where a load's server CPU goes (bench/neo4j_load_warmup.py, per server thread): on a server
  whose JVM has not run a load yet, about half of it is the JIT compiling Neo4j's write path
  (C2 and C1 compiler threads: ~27 s of ~54 s for 780k rows), the rest the Bolt worker running
  the statements (~30 us per row); a server that has loaded before needs a third as much.
* Schema: the constraints and indexes of :func:`itss_graph.stores.layout.neo4j_schema` — every
  MERGE and lookup by id, load number, history and meta key is index-backed. A load starts
  making them on a thread before it reads its input (:func:`prepare_schema`).
* Claims: ``itss_sources`` on nodes and relationships lists the sources (``--source``) that
  brought them; a write adds its source to the list inside the same statement (no lost
  update). Lists cannot be indexed, so the claimed node — or the start node of a claimed
  relationship — also carries the source's label (:func:`~itss_graph.stores.layout.claim_label`):
  pruning reads one source's claims through the label index, not by scanning the graph.
* History: one ``(:ItssLoad {load, at, source, inputs, counts, complete})`` node per load,
  ``itss_created`` (the load id) on each CI node, and ``(:ItssChange {ci, load, event, diff})``
  nodes for updates and deletions. These nodes are not ``:CI``: no query of the CMDB sees them.
  The load number comes from a counter node whose write lock is taken before it is read.
* Loads are serialised by a lease on ``(:ItssMeta {key: 'load-lock'})`` (:func:`load_lock`),
  renewed by a heartbeat while the load runs and expiring by itself if the process dies.

Relationship types are never parameters in Cypher; they come from the batch, which only holds
types resolved from the ontology, and are checked again by :func:`rel_type`.

Usage (needs a server; tests/test_neo4j_store.py runs it against the test server)::

    merge(Neo4jStore("bolt://127.0.0.1:7687"), batch)
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import queue
import re
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

from itss_graph.errors import StoreError
from itss_graph.stores import layout
from itss_graph.stores.load_report import LoadReport
from itss_graph.stores.batch import ENSURE, MERGE, SCHEMA, Batch, attached, end_id_sql, iter_cis, iter_relations
from itss_graph.stores.diff import ci_diff, props_diff

BATCH = 10_000  # ids per read, rows per pruning statement
# rows per write transaction: bench/neo4j_load_configs.py, `itss load`'s own path into fresh
# servers, demo 200k, one after the other at load 4-8 (bench/reported/neo4j-load-configs-demo-200k.json):
# server CPU per row, relationships by internal id / by index: 2k rows 66.0 / 70.9 us, 10k rows
# 76.5 / 73.4 us (bench/neo4j_write_shapes.py, the statements alone on a warm server, had
# favoured 10k; the whole load path on a fresh server does not).
WRITE_BATCH = 2_000
# Into an empty database the CI nodes' internal ids come back with each CREATE batch, and the
# relationships are then created between nodes found by internal id instead of two index seeks
# on `id` per relationship: half the server's CPU per relationship in the statement alone
# (bench/neo4j_write_shapes.py, `create-byid`), ~7 % of the server's CPU per row in a whole
# load (bench/neo4j_load_configs.py, above). The id map costs ~100 bytes per CI in this process: above this many CIs the
# relationships are matched by `id` again. Internal ids are only used within the load that
# created the nodes (no node is deleted meanwhile: the load holds the load lock).
KEYS_MAX = 5_000_000
RETURN_KEYS = " RETURN collect(row.id), collect(id(n))"
# Batch statements keep their first plan: while a load fills the database its statistics change
# faster than Neo4j's replanning threshold, and every statement was planned again and again
# (a fifth of the server's CPU in a profile of a load); their plans are index seeks by unique
# id whatever the statistics.
KEEP_PLAN = "CYPHER replan=skip "
CLAIMS = "itss_sources"
CREATED = "itss_created"
SCHEMA_VERSION = 2  # 2: claim labels (layout.claim_label); the constraints of layout.neo4j_schema
_REL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_RESERVED = {"id", "type", "name", "props", CLAIMS, CREATED}


def rel_type(name: str) -> str:
    """A relationship type for Cypher text (only ontology names pass)."""
    if not _REL_TYPE.match(name):
        raise StoreError(f"relation type {name!r} is not a valid Neo4j relationship type")
    return f"`{name}`"


def node_properties(ci_id: str, ci_type: str, name: str, props_json: str,
                    values: dict[str, Any] | None = None) -> dict[str, Any]:
    """All properties of a CI node: identity, JSON of free properties, and queryable copies
    (``values``: ``props_json`` already parsed, if the caller has it).

    >>> node_properties("vm-1", "vm", "web 1", '{"ram":8,"tags":{"a":1}}')
    {'ram': 8, 'id': 'vm-1', 'type': 'vm', 'name': 'web 1', 'props': '{"ram":8,"tags":{"a":1}}'}
    """
    out: dict[str, Any] = {}
    if values is None:
        values = json.loads(props_json) if props_json != "{}" else {}
    for key, value in values.items():
        if key not in _RESERVED and _storable(value):
            out[key] = value
    out.update(id=ci_id, type=ci_type, name=name, props=props_json)
    return out


def relationship_properties(props_json: str) -> dict[str, Any]:
    """A relationship's properties: its JSON (absent when empty: most relations have none, and
    every property costs a write) and queryable copies.

    >>> relationship_properties("{}"), relationship_properties('{"weight":2}')
    ({}, {'weight': 2, 'props': '{"weight":2}'})
    """
    if props_json == "{}":  # most relations: nothing to parse
        return {}
    out = {k: v for k, v in json.loads(props_json).items()
           if k not in ("props", CLAIMS) and _storable(v)}
    out["props"] = props_json
    return out


PADDED = "ItssPadded"
_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts (both use Py_UNICODE_ISSPACE)


def padded(ci_type: str, name: str, props_json: str, values: dict[str, Any] | None = None) -> bool:
    """True when the CI's type, name or a text property has surrounding whitespace: such CIs
    carry the label :data:`PADDED`, so identification by trimmed keys can find them without
    a scan (the index holds the untrimmed text). Ids never have any. (``values``:
    ``props_json`` already parsed, if the caller has it.)

    >>> padded("vm", "web 1", '{"site":"DC1"}'), padded("vm", "web", '{"site":"DC1 "}')
    (False, True)
    """
    if ci_type != ci_type.strip() or name != name.strip():
        return True
    if _SPACE.search(props_json) is None:
        return False
    if values is None:
        values = json.loads(props_json)
    return any(isinstance(v, str) and v != v.strip() for v in values.values())


def _storable(value: Any) -> bool:
    """Neo4j properties are scalars or homogeneous lists of scalars."""
    if isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list) and value:
        kinds = {type(v) for v in value}
        return len(kinds) == 1 and kinds <= {str, bool, int, float}
    return False


# -- schema ----------------------------------------------------------------------------------
def prepare_schema(store) -> None:
    """Start :func:`ensure_schema` on its own thread: a load calls this before it reads its
    input, so on a new database the constraints and indexes are made (and populated) while the
    input is staged and checked instead of after; :func:`ensure_schema` waits for it."""
    if getattr(store, "_schema_ready", False) or getattr(store, "_schema_thread", None) is not None:
        return

    def run() -> None:
        try:
            ensure_schema(store, waited=True)
        except Exception:  # noqa: BLE001 - ensure_schema, called again by the load, raises it
            pass

    store._schema_thread = threading.Thread(target=run, daemon=True, name="itss-neo4j-schema")
    store._schema_thread.start()


def settle_schema(store) -> None:
    """Wait for a schema started by :func:`prepare_schema`, if any."""
    thread = getattr(store, "_schema_thread", None)
    if thread is not None and thread is not threading.current_thread():
        thread.join()
        store._schema_thread = None


def ensure_schema(store, waited: bool = False) -> None:
    """The declared constraints and indexes (idempotent), and the claim labels of a database
    written before they existed."""
    if not waited:
        settle_schema(store)  # one started early: done, or failed (then again here, raising)
    if getattr(store, "_schema_ready", False):
        return
    for statement in layout.neo4j_schema():
        store._write(statement)
    store._write("CALL db.awaitIndexes(300)")
    found = store._read("MATCH (m:ItssMeta {key: 'schema'}) RETURN m.value")
    if not found or int(found[0][0]) < SCHEMA_VERSION:
        _label_old_claims(store)
        with store.driver.session(database=store.database, bookmark_manager=store.bookmarks) as session:
            # Cypher's trim() is close to (not exactly) str.strip(): written nodes are exact
            session.run(f"MATCH (n:CI) WHERE any(k IN keys(n) WHERE n[k] IS :: STRING AND trim(n[k]) <> n[k]) "
                        f"CALL (n) {{ SET n:{PADDED} }} IN TRANSACTIONS OF 10000 ROWS").consume()
        store._write("MERGE (m:ItssMeta {key: 'schema'}) SET m.value = $v", v=str(SCHEMA_VERSION))
    store._schema_ready = True


def _label_old_claims(store) -> None:
    sources = {r[0] for r in store._read(
        f"MATCH (n:CI) WHERE n.{CLAIMS} IS NOT NULL UNWIND n.{CLAIMS} AS s RETURN DISTINCT s")}
    sources |= {r[0] for r in store._read(
        f"MATCH (:CI)-[r]->(:CI) WHERE r.{CLAIMS} IS NOT NULL UNWIND r.{CLAIMS} AS s RETURN DISTINCT s")}
    with store.driver.session(database=store.database, bookmark_manager=store.bookmarks) as session:
        for source in sorted(sources):
            label = layout.claim_label(source)
            session.run(f"MATCH (n:CI) WHERE $s IN n.{CLAIMS} CALL (n) {{ SET n:{label} }} "
                        "IN TRANSACTIONS OF 10000 ROWS", s=source).consume()
            session.run(f"MATCH (a:CI)-[r]->(:CI) WHERE $s IN r.{CLAIMS} WITH DISTINCT a "
                        f"CALL (a) {{ SET a:{label} }} IN TRANSACTIONS OF 10000 ROWS", s=source).consume()


# -- the load lock ---------------------------------------------------------------------------
LEASE_S = 20.0     # a lease not renewed for this long is free (its holder died)
HEARTBEAT_S = 5.0  # renewal period while the load runs
LOCK_WAIT_S = 600.0


@contextmanager
def load_lock(store, wait_s: float | None = None) -> Iterator[None]:
    """Hold the database's load lock (re-entrant per store object): a lease on one meta node,
    taken in a transaction that locks the node before reading its holder, renewed every
    :data:`HEARTBEAT_S` by a thread and released at the end. Another load waits for it (up to
    ``wait_s``), then fails clearly; a lease its holder stopped renewing expires."""
    if getattr(store, "_lease", None) is not None:
        store._lease_depth += 1
        try:
            yield
        finally:
            store._lease_depth -= 1
        return
    ensure_schema(store)
    token = uuid.uuid4().hex
    who = f"pid {os.getpid()}"
    deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
    while not _take_lease(store, token, who):
        if time.monotonic() > deadline:
            holder = store._read("MATCH (m:ItssMeta {key: 'load-lock'}) RETURN m.who, m.since")
            who_else, since = holder[0] if holder else ("?", None)
            at = (_dt.datetime.fromtimestamp(since / 1000, _dt.timezone.utc).isoformat(timespec="seconds")
                  if since else "?")
            raise StoreError(f"another load ({who_else}, since {at}) holds the load lock of Neo4j at "
                             f"{store.uri}; nothing was written: try again when it is done")
        time.sleep(0.25)
    lease = _Heartbeat(store, token)
    store._lease, store._lease_depth = lease, 1
    lease.start()
    try:
        yield
    finally:
        store._lease = None
        lease.stop()
        try:
            store._write("MATCH (m:ItssMeta {key: 'load-lock'}) WHERE m.holder = $token "
                         "SET m.holder = null, m.until = null", token=token)
        except Exception:  # noqa: BLE001 - the connection may be gone: the lease then expires
            pass


def _take_lease(store, token: str, who: str) -> bool:
    records, _, _ = store.driver.execute_query(
        """MERGE (m:ItssMeta {key: 'load-lock'})
           SET m.touched = timestamp()
           WITH m, timestamp() AS now
           WHERE m.holder IS NULL OR m.until < now
           SET m.holder = $token, m.until = now + $lease_ms, m.since = now, m.who = $who
           RETURN m.holder = $token AS mine""",
        {"token": token, "lease_ms": int(LEASE_S * 1000), "who": who},
        database_=store.database, routing_="w", bookmark_manager_=store.bookmarks)
    return bool(records and records[0]["mine"])


class _Heartbeat(threading.Thread):
    def __init__(self, store, token: str):
        super().__init__(daemon=True, name="itss-load-lock")
        self.store, self.token = store, token
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            try:
                records, _, _ = self.store.driver.execute_query(
                    """MATCH (m:ItssMeta {key: 'load-lock'}) WHERE m.holder = $token
                       SET m.until = timestamp() + $lease_ms RETURN count(m) AS n""",
                    {"token": self.token, "lease_ms": int(LEASE_S * 1000)},
                    database_=self.store.database, routing_="w", bookmark_manager_=self.store.bookmarks)
                if not records or records[0]["n"] == 0:
                    self.lost = True
            except Exception:  # noqa: BLE001 - a failed renewal: the writes fail too, or it comes back
                pass

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=HEARTBEAT_S + 5)


# -- the writer thread ------------------------------------------------------------------------
class _Sender:
    """Runs the writes, in order, on one thread, while the caller reads and prepares the next
    batch: one transaction in flight at a time (two concurrent ones deadlock on hub nodes),
    the client's work overlapped with the server's. The first error stops it; it is raised to
    the caller at the next :meth:`put` or :meth:`drain`."""

    def __init__(self):
        self.jobs: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="itss-neo4j-writer")
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    job()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self.error = exc
            finally:
                self.jobs.task_done()

    def put(self, job) -> None:
        self._raise()
        self.jobs.put(job)

    def drain(self) -> None:
        self.jobs.join()
        self._raise()

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


class _Ahead:
    """An iterator run on its own thread, up to ``ahead`` items before its consumer: the
    relations' batches are read from the batch file while the CIs are written (the first read
    sorts every staged relation in SQLite, which releases the GIL meanwhile). Errors are raised
    to the consumer; :meth:`close` stops the thread.

    >>> ahead = _Ahead(iter(range(5)))
    >>> list(ahead)
    [0, 1, 2, 3, 4]
    >>> ahead.close()
    """

    def __init__(self, iterator, ahead: int = 2):
        self.items: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(iterator,), daemon=True,
                                       name="itss-neo4j-read-ahead")
        self.thread.start()

    def _put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, iterator) -> None:
        try:
            for item in iterator:
                if not self._put((True, item)):
                    return
            self._put((False, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            self._put((False, exc))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # a generator's own clean-up (the batch file's connection) runs here

    def __iter__(self):
        while True:
            more, item = self.items.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()


# -- the merge -------------------------------------------------------------------------------
def merge(store, batch: Batch, *, dry_run: bool = False, details: bool = False,
          progress=None) -> LoadReport:
    """Merge the batch into Neo4j (``store``: a :class:`~itss_graph.stores.neo4j.Neo4jStore`;
    see :meth:`itss_graph.stores.base.Store.apply`)."""
    from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

    run = _Merge(store, batch, dry_run, details)
    run.progress = progress
    try:
        with load_lock(store):
            try:
                return run.run()
            finally:
                run.sender.close()
    except (ServiceUnavailable, SessionExpired, TransientError, OSError) as exc:
        raise StoreError(
            f"connection to Neo4j at {store.uri} lost during the load after {run.written} rows "
            f"were written ({exc.__class__.__name__}); every batch is idempotent: run the same "
            "load again to complete it") from None


class _Merge:
    def __init__(self, store, batch: Batch, dry_run: bool, details: bool):
        self.store, self.batch = store, batch
        self.dry_run, self.details = dry_run, details
        self.source = batch.source
        self.prune = batch.prune and batch.source is not None
        self.label = layout.claim_label(self.source) if self.source is not None else None
        self.inputs = list(batch.inputs)
        self.report = LoadReport(dry_run=dry_run, source=self.source)
        if details:
            self.report.rows = []
        self.written = 0
        self.seen = 0  # staged rows dealt with (for progress)
        self.progress = None
        self.changes: list[dict] = []
        self.sender = _Sender()
        self.batches = 0  # write batches sent (names the replay markers of CREATE batches)
        self.keys: dict[str, int] | None = None  # CI id -> internal node id, in a fresh load

    def run(self) -> LoadReport:
        store = self.store
        self.fresh = store.is_empty()
        if not self.dry_run:
            self.load_id = self._start_load()
        else:
            self.load_id = None
        if self.fresh and not self.dry_run and KEYS_MAX > 0:
            self.keys = {}
        relations = _Ahead(iter_relations(self.batch, WRITE_BATCH))  # read while CIs are written
        try:
            for rows in iter_cis(self.batch, WRITE_BATCH):
                self._cis(rows)
                self._tick(len(rows))
            if self.keys is not None:
                self.sender.drain()  # every CI's internal id is known before relationships are made
            for rows in relations:
                for rel_type, group in _by_type(rows).items():
                    self._relations(rel_type, group)
                self._tick(len(rows))
        finally:
            relations.close()
        self.sender.drain()  # pruning compares the claims as written
        if self.prune:
            self._prune()
        if not self.dry_run:
            self._flush_changes(force=True)
            self.sender.drain()
            self._finish_load()
        if self.details:
            self.report.rows.sort(key=lambda r: (r["file"], r["line"] or 0))
        self.report.load_id = self.load_id
        return self.report

    def _tick(self, rows: int) -> None:
        self.seen += rows
        if self.progress is not None:
            self.progress(self.seen)

    def _submit(self, query: str, rows: list[dict], *, replay: str | None = None, keep=None,
                **params) -> None:
        """Send one batch of rows to the writer thread: an idempotent MERGE statement, or a
        CREATE statement (into an empty database) that a replay after a lost acknowledgement
        cannot duplicate — ``replay`` is then what to do when the server refuses it as one:
        ``"merge"`` runs ``params["merge"]`` instead, ``"skip"`` drops it (the batch marker
        proves it applied). ``keep`` receives the statement's rows (on the writer thread)."""
        lease = getattr(self.store, "_lease", None)
        if lease is not None and lease.lost:
            raise StoreError(f"the load lock of Neo4j at {self.store.uri} was lost (not renewed "
                             f"for {LEASE_S:.0f} s) after {self.written} rows were written; every "
                             "batch is idempotent: run the same load again to complete it")
        self.batches += 1
        if replay == "skip":
            params["batch"] = f"{self.load_id}/{self.batches}"
            params["load"] = self.load_id
        fallback = params.pop("merge", None)

        def write() -> None:
            from neo4j.exceptions import ConstraintError

            try:
                result = self.store._write(KEEP_PLAN + query, rows=rows, **params)
            except ConstraintError:
                if replay == "merge":
                    result = self.store._write(KEEP_PLAN + fallback, rows=rows, **params)
                elif replay != "skip":
                    raise
                else:
                    result = None
            if keep is not None and result:
                keep(result)
            self.written += len(rows)

        self.sender.put(write)

    def _send(self, query: str, **params) -> None:
        """Send a statement to the writer thread (after the batches sent before it)."""
        self.sender.put(lambda: self.store._write(query, **params))

    # -- loads and history --------------------------------------------------------------------
    def _start_load(self) -> int:
        at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        # SET before the read: the counter node's write lock is taken first, so two loads
        # starting at once cannot read the same number (a read-then-write would lose one)
        records, _, _ = self.store.driver.execute_query(
            """MERGE (m:ItssMeta {key: 'load'}) ON CREATE SET m.next = 1
               SET m.next = m.next + 1
               WITH m.next - 1 AS load
               CREATE (l:ItssLoad {load: load, at: $at, source: $source, inputs: $inputs,
                                   complete: false})
               RETURN load""",
            {"at": at, "source": self.source, "inputs": json.dumps(self.inputs, ensure_ascii=False)},
            database_=self.store.database, routing_="w", bookmark_manager_=self.store.bookmarks)
        return records[0]["load"]

    def _finish_load(self) -> None:
        counts = {"totals": self.report.totals(), "pruned": self.report.pruned}
        # replay markers of CREATE batches (this load's, and any an interrupted load left)
        self.store._write("MATCH (b:ItssBatch) DELETE b")
        self.store._write("MATCH (l:ItssLoad {load: $load}) SET l.counts = $counts, l.complete = true",
                          load=self.load_id, counts=json.dumps(counts))

    def _change(self, ci_id: str, event: str, diff: dict, load: int | None = None) -> None:
        if self.dry_run:
            return
        self.changes.append({"ci": ci_id, "load": load if load is not None else self.load_id,
                             "event": event, "diff": json.dumps(diff, ensure_ascii=False)})
        self._flush_changes()

    def _flush_changes(self, force: bool = False) -> None:
        # CREATE, not MERGE: a (CI, load) pair is recorded once (a re-run is another load)
        if self.changes and (force or len(self.changes) >= BATCH):
            self._send("UNWIND $rows AS row CREATE (:ItssChange {ci: row.ci, load: row.load, "
                       "event: row.event, diff: row.diff})", rows=self.changes)
            self.changes = []

    def _claims(self, old: list | None) -> list:
        old = list(old or [])
        return old if self.source is None or self.source in old else old + [self.source]

    # -- CIs ----------------------------------------------------------------------------------
    def _cis(self, rows: list[tuple]) -> None:
        from itss_graph.model import canonical_json

        existing = {} if self.fresh else {r[0]: r[1:] for r in self.store._read(
            f"UNWIND $ids AS id MATCH (n:CI {{id: id}}) RETURN n.id, n.type, n.name, n.props, "
            f"n.{CLAIMS}, n.{CREATED}", ids=[r[0] for r in rows])}
        new, known = [], []
        pad, unpad = [], []  # ids to mark PADDED, or whose mark goes
        counts: dict[tuple[str, str], int] = {}  # (CI type, outcome): rows
        for ci_id, ci_type, name, props, mode, file, line in rows:
            old = existing.get(ci_id)
            diff = None
            if mode == MERGE and old is not None:  # merge: stored properties under the row's
                props = canonical_json({**json.loads(old[2] or "{}"), **json.loads(props)})
            if old is None:
                outcome = "created"
            elif mode == ENSURE or old[:3] == (ci_type, name, props):
                outcome = "unchanged"
            else:
                outcome = "updated"
                diff = ci_diff(old[:3], (ci_type, name, props))
                self._change(ci_id, "updated", diff)
            counts[ci_type, outcome] = counts.get((ci_type, outcome), 0) + 1
            if self.details:
                entry = {"file": file, "line": line, "kind": "ci", "id": ci_id, "outcome": outcome}
                if diff:
                    entry["diff"] = diff
                self.report.rows.append(entry)
            values = None  # the properties parsed, once for both uses below
            if old is None or outcome == "updated":
                values = json.loads(props) if props != "{}" else {}
                (pad if padded(ci_type, name, props, values) else unpad).append(ci_id)
            if old is None:
                row = node_properties(ci_id, ci_type, name, props, values)
                if self.source is not None:
                    row[CLAIMS] = [self.source]
                row[CREATED] = self.load_id
                new.append(row)
            elif outcome != "unchanged" or self._claims(old[3]) != list(old[3] or []):
                keep = mode == ENSURE or outcome == "unchanged"  # a stub, or only a claim to add
                known.append({"id": ci_id, "claim_only": keep,
                              "props": None if keep else node_properties(ci_id, ci_type, name, props, values)})
        for (ci_type, outcome), n in counts.items():
            self.report.count("ci", ci_type, outcome, n)
        if self.dry_run:
            return
        claim = f", n:{self.label}" if self.label else ""
        merge = f"UNWIND $rows AS row MERGE (n:CI {{id: row.id}}) SET n = row{claim}"
        if new and self.fresh:  # CREATE: measured faster than MERGE (bench/load_bench.py)
            keys = self.keys is not None
            self._submit(f"UNWIND $rows AS row CREATE (n:CI) SET n = row{claim}" + RETURN_KEYS * keys, new,
                         replay="merge", merge=merge + RETURN_KEYS * keys, keep=self._keep_keys if keys else None)
        elif new:
            self._submit(merge, new)
        if known:  # existing nodes: keep their claims and creation load, atomically
            self._submit(
                f"""UNWIND $rows AS row
                    MATCH (n:CI {{id: row.id}})
                    WITH n, row, coalesce(n.{CLAIMS}, []) AS sources, n.{CREATED} AS created
                    FOREACH (_ IN CASE WHEN row.claim_only THEN [] ELSE [1] END | SET n = row.props)
                    SET n.{CLAIMS} = CASE WHEN $source IS NULL OR $source IN sources THEN sources
                                          ELSE sources + $source END,
                        n.{CREATED} = created{claim}""", known, source=self.source)
        if pad:
            self._send(f"UNWIND $ids AS id MATCH (n:CI {{id: id}}) SET n:{PADDED}", ids=pad)
        if unpad and not self.fresh:
            self._send(f"UNWIND $ids AS id MATCH (n:CI:{PADDED} {{id: id}}) REMOVE n:{PADDED}",
                       ids=unpad)

    def _keep_keys(self, result: list[tuple]) -> None:
        """The internal ids of a batch of CIs just created (on the writer thread)."""
        if self.keys is None:
            return
        [(ids, keys)] = result
        self.keys.update(zip(ids, keys))
        if len(self.keys) > KEYS_MAX:
            self.keys = None  # too large to keep here: relationships match by `id`

    def _by_internal_id(self, rows: list[dict]) -> tuple[list[list], list[list], list[dict]]:
        """(relationship rows ``[start, end]`` — both ends' internal ids — of relations with no
        property, rows ``[start, end, properties]`` of the others, rows with an end this load
        did not create). Lists, not maps: no keys to pack, send and decode per row."""
        keys = self.keys
        if keys is None:
            return [], [], rows
        bare, full, rest = [], [], []
        get = keys.get
        for row in rows:
            a = get(row["src"])
            b = get(row["dst"])
            if a is None or b is None:
                rest.append(row)
            elif row["props"]:
                full.append([a, b, row["props"]])
            else:
                bare.append([a, b])
        return bare, full, rest

    # -- relations ----------------------------------------------------------------------------
    def _relations(self, type_name: str, rows: list[tuple]) -> None:
        cypher_type = rel_type(type_name)
        existing: dict[tuple[str, str], tuple] = {}
        if not self.fresh:  # read the batch's sources' relations of this type: one expand each
            for s, d, p, c in self.store._read(
                    f"UNWIND $sources AS s MATCH (a:CI {{id: s}})-[r:{cypher_type}]->(b:CI) "
                    f"RETURN a.id, b.id, r.props, r.{CLAIMS}", sources=sorted({r[0] for r in rows})):
                existing[(s, d)] = (p, c)
        new, known = [], []
        if not existing and not self.details:  # every row is new: nothing to compare, no diff
            self.report.count("relation", type_name, "created", len(rows))
            claims = [self.source] if self.source is not None else None
            for src, _, dst, props, _, _ in rows:
                row_props = relationship_properties(props)
                if claims is not None:
                    row_props[CLAIMS] = list(claims)
                new.append({"src": src, "dst": dst, "props": row_props})
            rows = ()
        for src, _, dst, props, file, line in rows:
            old = existing.get((src, dst))
            outcome = ("created" if old is None else "unchanged" if (old[0] or "{}") == props
                       else "updated")
            self.report.count("relation", type_name, outcome)
            if self.details:
                entry = {"file": file, "line": line, "kind": "relation", "source": src,
                         "type": type_name, "target": dst, "outcome": outcome}
                if outcome == "updated":
                    entry["diff"] = props_diff(old[0], props)
                self.report.rows.append(entry)
            if old is None:
                row_props = relationship_properties(props)
                if self.source is not None:
                    row_props[CLAIMS] = [self.source]
                new.append({"src": src, "dst": dst, "props": row_props})
            elif outcome != "unchanged" or self._claims(old[1]) != list(old[1] or []):
                known.append({"src": src, "dst": dst, "props": relationship_properties(props)})
        if self.dry_run:
            return
        claim = f" SET a:{self.label}" if self.label else ""
        if new and self.fresh:  # CREATE, with a marker a replay of the batch would collide with
            bare, full, new = self._by_internal_id(new)
            # relations without properties (most) in a statement that sets none: 15 % less
            # server CPU per relationship than SET r = {} (bench/neo4j_write_shapes.py, create-bare)
            if bare:
                self._submit(f"""CREATE (:ItssBatch {{key: $batch, load: $load}}) WITH * UNWIND $rows AS row
                                 MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1]
                                 CREATE (a)-[:{cypher_type}]->(b){claim}""", bare, replay="skip")
            if full:
                self._submit(f"""CREATE (:ItssBatch {{key: $batch, load: $load}}) WITH * UNWIND $rows AS row
                                 MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1]
                                 CREATE (a)-[r:{cypher_type}]->(b) SET r = row[2]{claim}""", full,
                             replay="skip")
        if new and self.fresh:
            self._submit(f"""CREATE (:ItssBatch {{key: $batch, load: $load}}) WITH * UNWIND $rows AS row
                             MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}})
                             CREATE (a)-[r:{cypher_type}]->(b) SET r = row.props{claim}""", new,
                         replay="skip")
        elif new:
            self._submit(f"""UNWIND $rows AS row
                             MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}})
                             MERGE (a)-[r:{cypher_type}]->(b) SET r = row.props{claim}""", new)
        if known:
            self._submit(
                f"""UNWIND $rows AS row
                    MATCH (a:CI {{id: row.src}})-[r:{cypher_type}]->(b:CI {{id: row.dst}})
                    WITH a, r, row, coalesce(r.{CLAIMS}, []) AS sources
                    SET r = row.props
                    SET r.{CLAIMS} = CASE WHEN $source IS NULL OR $source IN sources THEN sources
                                          ELSE sources + $source END{claim}""", known,
                source=self.source)

    # -- pruning ------------------------------------------------------------------------------
    def _stream(self, query: str, **params):
        """Records of a read, streamed (a source's claims may be millions)."""
        import neo4j

        with self.store.driver.session(database=self.store.database, bookmark_manager=self.store.bookmarks,
                                       default_access_mode=neo4j.READ_ACCESS) as session:
            for record in session.run(query, params):
                yield tuple(record.values())

    def _prune(self) -> None:
        """CIs and relations claimed by the source but absent from this load lose the claim;
        those nobody claims any more are deleted (with their relations). What the source claims
        (read through its claim label) is compared with the batch in a scratch database that
        attaches it, so memory stays flat."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        try:
            db.execute("PRAGMA temp_store = FILE")
            with attached(db, self.batch):
                self._prune_with(db)
        finally:
            db.close()

    def _prune_with(self, db: sqlite3.Connection) -> None:
        store, report, label = self.store, self.report, self.label
        db.execute("CREATE TABLE claimed_ci (id TEXT PRIMARY KEY) WITHOUT ROWID")
        _fill(db, "INSERT OR IGNORE INTO claimed_ci VALUES (?)", self._stream(
            f"MATCH (n:{label}) WHERE $source IN n.{CLAIMS} RETURN n.id", source=self.source))
        gone = [r[0] for r in db.execute(
            f"SELECT id FROM claimed_ci WHERE id NOT IN (SELECT id FROM {SCHEMA}.ci) ORDER BY id")]
        doomed: list[str] = []
        for start in range(0, len(gone), BATCH):
            chunk = gone[start:start + BATCH]
            for ci_id, ci_type, name, props, sources, created in store._read(
                    f"UNWIND $ids AS id MATCH (n:CI {{id: id}}) "
                    f"RETURN n.id, n.type, n.name, n.props, n.{CLAIMS}, n.{CREATED}", ids=chunk):
                if [s for s in (sources or []) if s != self.source]:
                    continue
                doomed.append(ci_id)
                if created is not None:  # the deleted CI's own creation, kept in its history
                    self._change(ci_id, "created", {}, load=created)
                diff = {"type": [ci_type, None], "name": [name, None],
                        **{f"props.{k}": [v, None] for k, v in sorted(json.loads(props or "{}").items())}}
                self._change(ci_id, "deleted", diff)
            if not self.dry_run:
                store._write(f"""UNWIND $ids AS id MATCH (n:CI {{id: id}})
                                 SET n.{CLAIMS} = [s IN n.{CLAIMS} WHERE s <> $source]""",
                             ids=chunk, source=self.source)
        report.pruned["cis"] = len(doomed)
        if self.details:
            report.pruned_ids.extend(doomed)
        relations_gone = 0
        for start in range(0, len(doomed), BATCH):
            chunk = doomed[start:start + BATCH]
            relations_gone += store._read(
                "UNWIND $ids AS id MATCH (n:CI {id: id})-[r]-(:CI) RETURN count(DISTINCT r)",
                ids=chunk)[0][0]
            if not self.dry_run:
                store._write("UNWIND $ids AS id MATCH (n:CI {id: id}) DETACH DELETE n", ids=chunk)
        relations_gone += self._prune_relations(db, set(doomed))
        report.pruned["relations"] = relations_gone
        if not self.dry_run:  # nodes left with no claim of the source, here or outgoing
            store._write(f"""MATCH (n:{label}) WHERE NOT $source IN coalesce(n.{CLAIMS}, [])
                             AND NOT EXISTS {{ MATCH (n)-[r]->(:CI) WHERE $source IN coalesce(r.{CLAIMS}, []) }}
                             REMOVE n:{label}""", source=self.source)

    def _prune_relations(self, db: sqlite3.Connection, doomed: set[str]) -> int:
        """Relations of the source absent from the load (those of deleted CIs went with them)."""
        store = self.store
        db.execute("CREATE TABLE claimed_rel (a TEXT, t TEXT, b TEXT, PRIMARY KEY (a, t, b)) WITHOUT ROWID")
        _fill(db, "INSERT OR IGNORE INTO claimed_rel VALUES (?, ?, ?)", self._stream(
            f"MATCH (a:{self.label})-[r]->(b:CI) WHERE $source IN r.{CLAIMS} RETURN a.id, type(r), b.id",
            source=self.source))
        db.execute(f"""DELETE FROM claimed_rel WHERE (a, t, b) IN (
                           SELECT {end_id_sql('r.src', SCHEMA)}, r.type, {end_id_sql('r.dst', SCHEMA)}
                           FROM {SCHEMA}.rel r)""")
        stale = [(a, t, b) for a, t, b in db.execute("SELECT a, t, b FROM claimed_rel ORDER BY t, a, b")
                 if a not in doomed and b not in doomed]
        gone = 0
        for type_name, group in _by_type(stale).items():
            cypher_type = rel_type(type_name)
            for start in range(0, len(group), BATCH):
                pairs = [[a, b] for a, _, b in group[start:start + BATCH]]
                gone += store._read(
                    f"""UNWIND $pairs AS p MATCH (:CI {{id: p[0]}})-[r:{cypher_type}]->(:CI {{id: p[1]}})
                        WHERE [s IN r.{CLAIMS} WHERE s <> $source] = [] RETURN count(r)""",
                    pairs=pairs, source=self.source)[0][0]
                if not self.dry_run:
                    store._write(
                        f"""UNWIND $pairs AS p MATCH (:CI {{id: p[0]}})-[r:{cypher_type}]->(:CI {{id: p[1]}})
                            SET r.{CLAIMS} = [s IN r.{CLAIMS} WHERE s <> $source]
                            WITH r WHERE r.{CLAIMS} = [] DELETE r""", pairs=pairs, source=self.source)
        return gone


def _fill(db, sql: str, rows, chunk: int = 50_000) -> None:
    """executemany in chunks from a stream."""
    import itertools

    rows = iter(rows)
    while batch := list(itertools.islice(rows, chunk)):
        db.executemany(sql, batch)


def _by_type(rows: list[tuple]) -> dict[str, list[tuple]]:
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[1], []).append(row)
    return groups


def ci_history(store, ci_id: str) -> list[dict[str, Any]]:
    """The recorded changes of one CI, oldest first (see :meth:`Store.history`)."""
    events = []
    for load, at, source, event, diff in store._read(
            """MATCH (c:ItssChange {ci: $id}) OPTIONAL MATCH (l:ItssLoad {load: c.load})
               RETURN c.load, l.at, l.source, c.event, c.diff ORDER BY c.load""", id=ci_id):
        events.append({"load": load, "at": at, "source": source, "event": event,
                       "diff": json.loads(diff or "{}")})
    created = store._read(
        f"""MATCH (n:CI {{id: $id}}) OPTIONAL MATCH (l:ItssLoad {{load: n.{CREATED}}})
            RETURN n.{CREATED}, l.at, l.source""", id=ci_id)
    if created:
        load, at, source = created[0]
        event = {"load": load, "at": at, "source": source, "event": "created", "diff": {}}
        if load is None:
            event["note"] = "before the store kept history"
        events.append(event)
    # earlier incarnations: each deletion follows a creation recorded on the deleted node
    return sorted(events, key=lambda e: (e["load"] is not None, e["load"] or 0))
