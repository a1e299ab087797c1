"""The Neo4j store's write path: staged rows in idempotent ``UNWIND … MERGE`` batches, with
sources (claims), pruning and the change history.

* Into an empty database every row is new: nothing is read back, batches are written at once.
  Otherwise each batch of CIs (then of relations, per type) is read first — one ``UNWIND …
  MATCH`` (relations by their distinct sources) — to tell created / updated / unchanged and the
  field diff; only rows that change are written. Every write is a MERGE, so a load cut short
  (lost connection) is completed by running it again, without duplicates.
* Batches are written one after the other from this thread. (Two writer threads were measured:
  no faster overall — relationship batches deadlock on shared hubs — and the driver's native
  buffers then grew with every batch, to 700 MB on a million CIs; one writer stays flat.)
* Claims: ``itss_sources`` on nodes and relationships lists the sources (``--source``) that
  brought them; a write adds its source to the list inside the same statement (no lost update).
* History: one ``(:ItssLoad {load, at, source, inputs, counts, complete})`` node per load,
  ``itss_created`` (the load id) on each CI node, and ``(:ItssChange {ci, load, event, diff})``
  nodes for updates and deletions. These nodes are not ``:CI``: no query of the CMDB sees them.

Relationship types are never parameters in Cypher; they come from the staging area, which only
holds types resolved from the ontology, and are checked again by ``_rel_type``.

Example (needs a server):
    >>> merge(Neo4jStore("bolt://127.0.0.1:7687"), staging)   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any, Sequence

from itss_graph.errors import StoreError
from itss_graph.stores.base import LoadReport
from itss_graph.stores.diff import ci_diff, props_diff

if TYPE_CHECKING:
    from itss_graph.loading.staging import Staging
    from itss_graph.stores.neo4j import Neo4jStore

BATCH = 10_000
CLAIMS = "itss_sources"
CREATED = "itss_created"


def merge(store: "Neo4jStore", staging: "Staging", *, dry_run: bool = False,
          source: str | None = None, prune: bool = False, details: bool = False,
          inputs: Sequence[str] = (), progress=None) -> LoadReport:
    """Merge the staged rows into Neo4j (see :meth:`itss_graph.stores.base.Store.apply`)."""
    from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

    run = _Merge(store, staging, dry_run, source, prune and source is not None, details, list(inputs))
    run.progress = progress
    try:
        return run.run()
    except (ServiceUnavailable, SessionExpired, TransientError, OSError) as exc:
        raise StoreError(
            f"connection to Neo4j at {store.uri} lost during the load after {run.written} rows "
            f"were written ({exc.__class__.__name__}); every batch is idempotent: run the same "
            "load again to complete it") from None


class _Merge:
    def __init__(self, store, staging, dry_run, source, prune, details, inputs):
        self.store, self.staging = store, staging
        self.dry_run, self.source, self.prune, self.details = dry_run, source, prune, details
        self.inputs = inputs
        self.report = LoadReport(dry_run=dry_run, source=source)
        if details:
            self.report.rows = []
        self.written = 0
        self.seen = 0  # staged rows dealt with (for progress)
        self.progress = None
        self.changes: list[dict] = []

    def run(self) -> LoadReport:
        store = self.store
        self.fresh = store.is_empty()
        if not self.dry_run:
            store.ensure_schema()
            self.load_id = self._start_load()
        else:
            self.load_id = None
        for rows in self.staging.iter_ci_rows(BATCH):
            self._cis(rows)
            self._tick(len(rows))
        for rows in self.staging.iter_relation_rows(BATCH):
            for rel_type, group in _by_type(rows).items():
                self._relations(rel_type, group)
            self._tick(len(rows))
        if self.prune:
            self._prune()
        if not self.dry_run:
            self._flush_changes(force=True)
            self._finish_load()
        if self.details:
            self.report.rows.sort(key=lambda r: (r["file"], r["line"] or 0))
        self.report.load_id = self.load_id
        return self.report

    def _tick(self, rows: int) -> None:
        self.seen += rows
        if self.progress is not None:
            self.progress(self.seen)

    def _submit(self, query: str, rows: list[dict], **params) -> None:
        """Write one batch (an idempotent MERGE statement)."""
        self.store._write(query, rows=rows, **params)
        self.written += len(rows)

    # -- loads and history --------------------------------------------------------------------
    def _start_load(self) -> int:
        at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        records, _, _ = self.store.driver.execute_query(
            """MERGE (m:ItssMeta {key: 'load'}) ON CREATE SET m.next = 1
               WITH m, m.next AS load SET m.next = load + 1
               CREATE (l:ItssLoad {load: load, at: $at, source: $source, inputs: $inputs,
                                   complete: false})
               RETURN load""",
            {"at": at, "source": self.source, "inputs": json.dumps(self.inputs, ensure_ascii=False)},
            database_=self.store.database, routing_="w")
        return records[0]["load"]

    def _finish_load(self) -> None:
        counts = {"totals": self.report.totals(), "pruned": self.report.pruned}
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
            self.store._write("UNWIND $rows AS row CREATE (:ItssChange {ci: row.ci, load: row.load, "
                              "event: row.event, diff: row.diff})", rows=self.changes)
            self.changes = []

    def _claims(self, old: list | None) -> list:
        old = list(old or [])
        return old if self.source is None or self.source in old else old + [self.source]

    # -- CIs ----------------------------------------------------------------------------------
    def _cis(self, rows: list[tuple]) -> None:
        from itss_graph.model import canonical_json
        from itss_graph.stores.neo4j import _node_properties

        existing = {} if self.fresh else {r[0]: r[1:] for r in self.store._read(
            f"UNWIND $ids AS id MATCH (n:CI {{id: id}}) RETURN n.id, n.type, n.name, n.props, "
            f"n.{CLAIMS}, n.{CREATED}", ids=[r[0] for r in rows])}
        new, known = [], []
        for ci_id, ci_type, name, props, mode, file, line in rows:
            old = existing.get(ci_id)
            diff = None
            if mode == 2 and old is not None:  # merge: stored properties under the row's
                props = canonical_json({**json.loads(old[2] or "{}"), **json.loads(props)})
            if old is None:
                outcome = "created"
            elif mode == 1 or old[:3] == (ci_type, name, props):
                outcome = "unchanged"
            else:
                outcome = "updated"
                diff = ci_diff(old[:3], (ci_type, name, props))
                self._change(ci_id, "updated", diff)
            self.report.count("ci", ci_type, outcome)
            if self.details:
                entry = {"file": file, "line": line, "kind": "ci", "id": ci_id, "outcome": outcome}
                if diff:
                    entry["diff"] = diff
                self.report.rows.append(entry)
            if old is None:
                row = _node_properties(ci_id, ci_type, name, props)
                if self.source is not None:
                    row[CLAIMS] = [self.source]
                row[CREATED] = self.load_id
                new.append(row)
            elif outcome != "unchanged" or self._claims(old[3]) != list(old[3] or []):
                keep = mode == 1 or outcome == "unchanged"  # a stub, or only a claim to add
                known.append({"id": ci_id, "claim_only": keep,
                              "props": None if keep else _node_properties(ci_id, ci_type, name, props)})
        if self.dry_run:
            return
        if new:
            self._submit("UNWIND $rows AS row MERGE (n:CI {id: row.id}) SET n = row", new)
        if known:  # existing nodes: keep their claims and creation load, atomically
            self._submit(
                f"""UNWIND $rows AS row
                    MATCH (n:CI {{id: row.id}})
                    WITH n, row, coalesce(n.{CLAIMS}, []) AS sources, n.{CREATED} AS created
                    FOREACH (_ IN CASE WHEN row.claim_only THEN [] ELSE [1] END | SET n = row.props)
                    SET n.{CLAIMS} = CASE WHEN $source IS NULL OR $source IN sources THEN sources
                                          ELSE sources + $source END,
                        n.{CREATED} = created""", known, source=self.source)

    # -- relations ----------------------------------------------------------------------------
    def _relations(self, rel_type: str, rows: list[tuple]) -> None:
        from itss_graph.stores.neo4j import _rel_type, _relationship_properties

        cypher_type = _rel_type(rel_type)
        existing: dict[tuple[str, str], tuple] = {}
        if not self.fresh:  # read the batch's sources' relations of this type: one expand each
            for s, d, p, c in self.store._read(
                    f"UNWIND $sources AS s MATCH (a:CI {{id: s}})-[r:{cypher_type}]->(b:CI) "
                    f"RETURN a.id, b.id, r.props, r.{CLAIMS}", sources=sorted({r[0] for r in rows})):
                existing[(s, d)] = (p, c)
        new, known = [], []
        for src, _, dst, props, file, line in rows:
            old = existing.get((src, dst))
            outcome = ("created" if old is None else "unchanged" if (old[0] or "{}") == props
                       else "updated")
            self.report.count("relation", rel_type, outcome)
            if self.details:
                entry = {"file": file, "line": line, "kind": "relation", "source": src,
                         "type": rel_type, "target": dst, "outcome": outcome}
                if outcome == "updated":
                    entry["diff"] = props_diff(old[0], props)
                self.report.rows.append(entry)
            if old is None:
                row_props = _relationship_properties(props)
                if self.source is not None:
                    row_props[CLAIMS] = [self.source]
                new.append({"src": src, "dst": dst, "props": row_props})
            elif outcome != "unchanged" or self._claims(old[1]) != list(old[1] or []):
                known.append({"src": src, "dst": dst, "props": _relationship_properties(props)})
        if self.dry_run:
            return
        if new:
            self._submit(f"""UNWIND $rows AS row
                             MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}})
                             MERGE (a)-[r:{cypher_type}]->(b) SET r = row.props""", new)
        if known:
            self._submit(
                f"""UNWIND $rows AS row
                    MATCH (a:CI {{id: row.src}})-[r:{cypher_type}]->(b:CI {{id: row.dst}})
                    WITH r, row, coalesce(r.{CLAIMS}, []) AS sources
                    SET r = row.props
                    SET r.{CLAIMS} = CASE WHEN $source IS NULL OR $source IN sources THEN sources
                                          ELSE sources + $source END""", known, source=self.source)

    # -- pruning ------------------------------------------------------------------------------
    def _stream(self, query: str, **params):
        """Records of a read, streamed (a source's claims may be millions)."""
        import neo4j

        with self.store.driver.session(database=self.store.database,
                                       default_access_mode=neo4j.READ_ACCESS) as session:
            for record in session.run(query, params):
                yield tuple(record.values())

    def _prune(self) -> None:
        """CIs and relations claimed by the source but absent from this load lose the claim;
        those nobody claims any more are deleted (with their relations). What the source claims
        is compared with the load in the staging database, so memory stays flat."""
        store, report, db = self.store, self.report, self.staging.db
        db.execute("CREATE TEMP TABLE claimed_ci (id TEXT PRIMARY KEY) WITHOUT ROWID")
        _fill(db, "INSERT OR IGNORE INTO claimed_ci VALUES (?)",
              self._stream(f"MATCH (n:CI) WHERE $source IN n.{CLAIMS} RETURN n.id", source=self.source))
        gone = [r[0] for r in db.execute(
            "SELECT id FROM claimed_ci WHERE id NOT IN (SELECT id FROM main.ci) ORDER BY id")]
        db.execute("DROP TABLE claimed_ci")
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
        relations_gone += self._prune_relations(set(doomed))
        report.pruned["relations"] = relations_gone

    def _prune_relations(self, doomed: set[str]) -> int:
        """Relations of the source absent from the load (those of deleted CIs went with them)."""
        from itss_graph.stores.neo4j import _rel_type

        store, db = self.store, self.staging.db
        db.execute("CREATE TEMP TABLE claimed_rel (a TEXT, t TEXT, b TEXT)")
        _fill(db, "INSERT INTO claimed_rel VALUES (?, ?, ?)", self._stream(
            f"MATCH (a:CI)-[r]->(b:CI) WHERE $source IN r.{CLAIMS} RETURN a.id, type(r), b.id",
            source=self.source))
        db.execute("CREATE INDEX IF NOT EXISTS rel_key ON rel(src, type, dst)")  # staging is ours
        stale = [(a, t, b) for a, t, b in db.execute(
            """SELECT c.a, c.t, c.b FROM claimed_rel c
               WHERE NOT EXISTS (
                   SELECT 1 FROM rel r
                   WHERE r.src IN (c.a, (SELECT min(k) FROM ci WHERE id = c.a)) AND r.type = c.t
                     AND r.dst IN (c.b, (SELECT min(k) FROM ci WHERE id = c.b)))
               ORDER BY c.t, c.a, c.b""")
            if a not in doomed and b not in doomed]
        db.execute("DROP TABLE claimed_rel")
        gone = 0
        for rel_type, group in _by_type(stale).items():
            cypher_type = _rel_type(rel_type)
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


def ci_history(store: "Neo4jStore", ci_id: str) -> list[dict[str, Any]]:
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
