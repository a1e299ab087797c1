"""Neo4j write shapes: which statement and batch size the loader's write path uses, measured.

Usage (from the repository root):

    .venv/bin/python bench/neo4j_write_shapes.py --size 200k --batches 2000,10000,40000

The estate (bench/run.py's generator) is staged and checked once, and its rows prepared in
memory exactly as the Neo4j writer prepares them (itss_graph.stores.neo4j_write), so what is
timed is the server applying them — the part the statement shape and the batch size decide.
Side by side, in one run, against a fresh test server, each configuration twice, interleaved
(the machine is shared: interleaving spreads its noise over all of them):

* ``merge``  — ``UNWIND … MERGE`` of nodes and of relationships (idempotent by itself);
* ``create`` — ``UNWIND … CREATE`` (what the writer uses into an empty database, guarded
  against replays by the id constraint and a per-batch marker node);
* for each, the batch sizes given (rows per transaction).

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

NODE = {"merge": "UNWIND $rows AS row MERGE (n:CI {id: row.id}) SET n = row",
        "create": "UNWIND $rows AS row CREATE (n:CI) SET n = row"}
REL = {"merge": "UNWIND $rows AS row MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}}) "
                "MERGE (a)-[r:{t}]->(b) SET r = row.props",
       "create": "CREATE (:ItssBatch {{key: $batch}}) WITH * UNWIND $rows AS row "
                 "MATCH (a:CI {{id: row.src}}) MATCH (b:CI {{id: row.dst}}) "
                 "CREATE (a)-[r:{t}]->(b) SET r = row.props"}


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


def run_one(driver, shape: str, size: int, cis: list[dict], rels: dict[str, list[dict]]) -> dict:
    from itss_graph.stores.neo4j_write import rel_type

    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    start = time.perf_counter()
    for i in range(0, len(cis), size):
        driver.execute_query(NODE[shape], {"rows": cis[i:i + size]})
    nodes_done = time.perf_counter()
    n_rels, batch = 0, 0
    for type_name, rows in rels.items():
        query = REL[shape].format(t=rel_type(type_name))
        for i in range(0, len(rows), size):
            batch += 1
            driver.execute_query(query, {"rows": rows[i:i + size], "batch": f"b{batch}"})
            n_rels += len(rows[i:i + size])
    end = time.perf_counter()
    return {"shape": shape, "batch": size, "nodes_per_s": round(len(cis) / (nodes_done - start)),
            "relationships_per_s": round(n_rels / (end - nodes_done)),
            "rows_per_s": round((len(cis) + n_rels) / (end - start)),
            "load_average": round(os.getloadavg()[0], 1)}


def main() -> None:
    import neo4j

    from tests.support.neo4j_server import start_server

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="200k", help="a size of the demo estate (bench/estates.py), or a directory")
    parser.add_argument("--shapes", default="merge,create")
    parser.add_argument("--batches", default="2000,10000,40000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if Path(args.size).is_dir():  # any canonical inventory directory
        directory, n_cis, n_rels = Path(args.size), None, None
    else:
        demo = prepare("demo", args.size)
        directory, n_cis, n_rels = demo.directory, demo.cis, demo.relations
    cis, rels = prepared_rows(directory)
    results = {"size": args.size, "cis": n_cis, "relations": n_rels, "cpus": os.cpu_count(),
               "load_average_at_start": list(os.getloadavg()), "runs": []}
    with start_server(heap="1g", pagecache="512m") as server:
        driver = neo4j.GraphDatabase.driver(server.uri)
        driver.execute_query("CREATE CONSTRAINT itss_ci_id IF NOT EXISTS FOR (n:CI) REQUIRE n.id IS UNIQUE")
        driver.execute_query("CREATE CONSTRAINT itss_batch_key IF NOT EXISTS FOR (n:ItssBatch) REQUIRE n.key IS UNIQUE")
        for _ in range(args.repeat):
            for shape in args.shapes.split(","):
                for size in map(int, args.batches.split(",")):
                    result = run_one(driver, shape, size, cis, rels)
                    results["runs"].append(result)
                    print(json.dumps(result), flush=True)
        driver.close()
    out = REPO / "bench" / "results" / time.strftime("neo4j-shapes-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
