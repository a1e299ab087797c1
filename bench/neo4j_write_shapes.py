"""Neo4j write shapes: which statement and batch size the loader's write path uses, measured.

Usage (from the repository root; --heap/--pagecache size the fresh test server):

    .venv/bin/python bench/neo4j_write_shapes.py --size 200k --batches 2000,10000,40000

The estate (bench/run.py's generator) is staged and checked once, and its rows prepared in
memory exactly as the Neo4j writer prepares them (itss_graph.stores.neo4j_write), so what is
timed is the server applying them — the part the statement shape and the batch size decide.
Side by side, in one run, against a fresh test server, each configuration twice, interleaved
(the machine is shared: interleaving spreads its noise over all of them):

* ``merge``  — ``UNWIND … MERGE`` of nodes and of relationships (idempotent by itself);
* ``create`` — ``UNWIND … CREATE`` (what the writer uses into an empty database, guarded
  against replays by the id constraint and a per-batch marker node);
* ``create-byid`` — as ``create``, the CREATE of nodes returning their internal ids and the
  relationships made between nodes found by internal id (no index seek on ``id``): what the
  writer uses into an empty database now;
* for each, the batch sizes given (rows per transaction).

The server's CPU per node and per relationship is recorded beside the rates (the machine is
shared: the CPU per row is the figure that survives its load). The database has the store's
own constraints and indexes (itss_graph.stores.layout.neo4j_schema) and the statements keep
their first plan, as the writer's do.

Results print as JSON lines and are saved to bench/results/neo4j-shapes-<time>.json, with the
load average. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.estates import prepare  # noqa: E402

KEEP_PLAN = "CYPHER replan=skip "  # as the writer (itss_graph.stores.neo4j_write)
NODE = {"merge": "UNWIND $rows AS row MERGE (n:CI {id: row.id}) SET n = row",
        "create": "UNWIND $rows AS row CREATE (n:CI) SET n = row",
        # the node's internal id back, in the rows' order: relationships then need no index seek
        "create-byid": "UNWIND $rows AS row CREATE (n:CI) SET n = row RETURN collect(id(n))"}
REL = {"merge": "UNWIND $rows AS row MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}}) "
                "MERGE (a)-[r:{t}]->(b) SET r = row.props",
       "create": "CREATE (:ItssBatch {{key: $batch}}) WITH * UNWIND $rows AS row "
                 "MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}}) "
                 "CREATE (a)-[r:{t}]->(b) SET r = row.props",
       "create-byid": "CREATE (:ItssBatch {{key: $batch}}) WITH * UNWIND $rows AS row "
                      "MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.d "
                      "CREATE (a)-[r:{t}]->(b) SET r = row.props",
       # as create-byid, each relationship row a list [start, end, props] (no map keys to
       # pack and decode per row)
       "create-lists": "CREATE (:ItssBatch {{key: $batch}}) WITH * UNWIND $rows AS row "
                       "MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
                       "CREATE (a)-[r:{t}]->(b) SET r = row[2]",
       # as create-lists, rows without properties in a statement that sets none
       "create-bare": "CREATE (:ItssBatch {{key: $batch}}) WITH * UNWIND $rows AS row "
                      "MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
                      "CREATE (a)-[r:{t}]->(b)"}
BYID = ("create-byid", "create-lists", "create-bare")
for _shape in BYID[1:]:
    NODE[_shape] = NODE["create-byid"]


def prepared_rows(directory: Path) -> tuple[list[dict], dict[str, list[dict]]]:
    from itss_graph.loading.load import Loader
    from itss_graph.stores.batch import iter_cis, iter_relations
    from itss_graph.stores.neo4j_write import node_properties, relationship_properties
    from itss_graph.stores.sqlite import SQLiteStore

    with Loader(SQLiteStore(":memory:")) as loader:
        loader.stage_files([directory])
        loader.check()
        batch = loader.staging.batch()
        cis = [node_properties(c.id, c.type, c.name, c.props)
               for chunk in iter_cis(batch, 50_000) for c in chunk]
        rels: dict[str, list[dict]] = {}
        for chunk in iter_relations(batch, 50_000):
            for r in chunk:
                rels.setdefault(r.type, []).append(
                    {"src": r.source, "dst": r.target, "props": relationship_properties(r.props)})
    return cis, rels


def run_one(driver, shape: str, size: int, cis: list[dict], rels: dict[str, list[dict]],
            server_pid: int | None = None) -> dict:
    from bench.neo4j_side_by_side import process_cpu
    from itss_graph.stores.neo4j_write import rel_type

    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    load_average = os.getloadavg()
    cpu0, start = process_cpu(server_pid), time.perf_counter()
    internal: dict[str, int] = {}
    for i in range(0, len(cis), size):
        records, _, _ = driver.execute_query(KEEP_PLAN + NODE[shape], {"rows": cis[i:i + size]})
        if shape in BYID:
            internal.update(zip((c["id"] for c in cis[i:i + size]), records[0][0]))
    cpu1, nodes_done = process_cpu(server_pid), time.perf_counter()
    n_rels, batch = 0, 0
    for type_name, rows in rels.items():
        query = KEEP_PLAN + REL[shape].format(t=rel_type(type_name))
        with_props = KEEP_PLAN + REL["create-lists"].format(t=rel_type(type_name))
        for i in range(0, len(rows), size):
            batch += 1
            chunk = rows[i:i + size]
            if shape == "create-byid":
                chunk = [{"s": internal[r["src"]], "d": internal[r["dst"]], "props": r["props"]} for r in chunk]
            elif shape == "create-lists":
                chunk = [[internal[r["src"]], internal[r["dst"]], r["props"]] for r in chunk]
            elif shape == "create-bare":
                full = [[internal[r["src"]], internal[r["dst"]], r["props"]] for r in chunk if r["props"]]
                chunk = [[internal[r["src"]], internal[r["dst"]]] for r in chunk if not r["props"]]
                if full:
                    driver.execute_query(with_props, {"rows": full, "batch": f"b{batch}p"})
                    n_rels += len(full)
            if chunk:
                driver.execute_query(query, {"rows": chunk, "batch": f"b{batch}"})
            n_rels += len(chunk)
    cpu2, end = process_cpu(server_pid), time.perf_counter()
    return {"shape": shape, "batch": size, "nodes_per_s": round(len(cis) / (nodes_done - start)),
            "relationships_per_s": round(n_rels / (end - nodes_done)),
            "rows_per_s": round((len(cis) + n_rels) / (end - start)),
            "server_us_per_node": round((cpu1 - cpu0) / len(cis) * 1e6, 1),
            "server_us_per_relationship": round((cpu2 - cpu1) / max(n_rels, 1) * 1e6, 1),
            "load_average_start": [round(x, 1) for x in load_average],
            "load_average_end": [round(x, 1) for x in os.getloadavg()]}


def main() -> None:
    import neo4j

    from tests.support.neo4j_server import start_server

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="200k", help="a size of the demo estate (bench/estates.py), or a directory")
    parser.add_argument("--shapes", default="merge,create")
    parser.add_argument("--batches", default="2000,10000,40000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="512m")
    args = parser.parse_args()
    if Path(args.size).is_dir():  # any canonical inventory directory
        directory, n_cis, n_rels = Path(args.size), None, None
    else:
        demo = prepare("demo", args.size)
        directory, n_cis, n_rels = demo.directory, demo.cis, demo.relations
    cis, rels = prepared_rows(directory)
    results = {"size": args.size, "cis": n_cis, "relations": n_rels, "cpus": os.cpu_count(),
               "load_average_at_start": list(os.getloadavg()), "runs": []}
    with start_server(heap=args.heap, pagecache=args.pagecache) as server:
        from itss_graph.stores.layout import neo4j_schema

        driver = neo4j.GraphDatabase.driver(server.uri, notifications_min_severity="OFF")
        for statement in neo4j_schema():  # the store's own constraints and indexes
            driver.execute_query(statement)
        for _ in range(args.repeat):
            for shape in args.shapes.split(","):
                for size in map(int, args.batches.split(",")):
                    result = run_one(driver, shape, size, cis, rels, server.pid)
                    results["runs"].append(result)
                    print(json.dumps(result), flush=True)
        driver.close()
    out = REPO / "bench" / "results" / time.strftime("neo4j-shapes-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
