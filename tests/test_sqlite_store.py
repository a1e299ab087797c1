"""The embedded store: safe for two processes, transactional, and refuses what it can't read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from itss_graph.errors import StoreError
from itss_graph.stores.sqlite import SQLiteStore

ITSS = str(Path(sys.executable).with_name("itss"))


def _estate(directory: Path, prefix: str, n: int) -> Path:
    directory.mkdir(parents=True)
    with (directory / "cis.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,name,type\n")
        fh.write(f"{prefix}-host,host,server\n")
        for i in range(n):
            fh.write(f"{prefix}-vm{i},vm {i},vm\n")
    with (directory / "relations.csv").open("w", encoding="utf-8") as fh:
        fh.write("source,type,target\n")
        for i in range(n):
            fh.write(f"{prefix}-vm{i},RUNS_ON,{prefix}-host\n")
    return directory


def test_two_processes_loading_at_once_both_succeed(tmp_path):
    db = tmp_path / "shared.db"
    a = _estate(tmp_path / "a", "a", 30000)
    b = _estate(tmp_path / "b", "b", 30000)
    procs = [subprocess.Popen([ITSS, "load", str(d), "--store", str(db), "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for d in (a, b)]
    # a reader in a third process while the writers work: WAL lets it read a consistent snapshot
    reader = subprocess.run([ITSS, "stats", "--store", str(db), "--format", "json"],
                            capture_output=True, text=True)
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outputs]
    for out, _ in outputs:
        assert json.loads(out)["totals"]["cis"]["created"] == 30001
    if reader.returncode == 0:  # may run before the file exists
        counts = json.loads(reader.stdout)["cis"]
        assert sum(counts.values()) in (0, 30001, 60002)
    with SQLiteStore(db) as store:
        assert store.stats() == {"cis": {"server": 2, "vm": 60000}, "relations": {"RUNS_ON": 60000}}


def test_the_store_reads_the_version_of_the_tables_layout_makes(tmp_path):
    from itss_graph.stores import layout, sqlite

    assert sqlite.SCHEMA_VERSION == str(layout.SQLITE_VERSION)
    store = SQLiteStore(tmp_path / "x.db")
    assert store._schema_version() == sqlite.SCHEMA_VERSION
    store.close()


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello, this is not SQLite" * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        SQLiteStore(bogus)


def test_reverse_closure_index_exists(tmp_path):
    with SQLiteStore(tmp_path / "x.db") as store:
        index = store.db.execute("PRAGMA index_info('rel_reverse')").fetchall()
        assert [row[2] for row in index] == ["dst", "type", "src"]
        plan = " ".join(r[3] for r in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT src FROM rel WHERE dst = 1 AND type = 'RUNS_ON'"))
        assert "COVERING INDEX rel_reverse" in plan


def test_a_store_deleted_and_loaded_again_never_reuses_the_old_closure_index(tmp_path):
    """The closure index is cached beside the file under the store's generation: a new file
    with other data must not be answered from the old file's index."""
    db = tmp_path / "cmdb.db"
    first, second = _estate(tmp_path / "a", "a", 3), _estate(tmp_path / "b", "b", 5)

    def impacted(host: str) -> list[str]:
        # a budget of no relations: the answer comes from the closure index, even this small one
        done = subprocess.run([ITSS, "impact", host, "--store", str(db), "--format", "json"],
                              capture_output=True, text=True,
                              env={**os.environ, "ITSS_INDEX_AFTER_EDGES": "0"})
        assert done.returncode == 0, done.stderr
        return sorted(item["id"] for item in json.loads(done.stdout)["impacted"])

    subprocess.run([ITSS, "load", str(first), "--store", str(db)], check=True, capture_output=True)
    assert impacted("a-host") == ["a-vm0", "a-vm1", "a-vm2"]
    assert (tmp_path / "cmdb.db.index").is_dir()  # the cache this test is about exists
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    subprocess.run([ITSS, "load", str(second), "--store", str(db)], check=True, capture_output=True)
    assert impacted("b-host") == [f"b-vm{i}" for i in range(5)]


def _half_cycle(directory: Path, source: str, target: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "relations.csv").write_text(f"source,type,target\n{source},RUNS_ON,{target}\n",
                                             encoding="utf-8")
    return directory


def race_halves_of_a_cycle(tmp_path: Path, store_args: list[str], env: dict | None = None):
    """Two real processes each add half of a RUNS_ON cycle between vm-a and vm-b, interleaved
    the worst way: the first has checked the store and waits to write when the second starts
    (tests/support/paused_load.py). Returns both processes' (exit status, stderr), first one
    first. Without loads serialised from checks to commit, both would pass their checks."""
    import os

    base = tmp_path / "base"
    base.mkdir()
    (base / "cis.csv").write_text("id,name,type\nvm-a,a,vm\nvm-b,b,vm\n", encoding="utf-8")
    env = {**os.environ, **(env or {})}
    subprocess.run([ITSS, "load", str(base), *store_args], check=True, capture_output=True, env=env)
    ab = _half_cycle(tmp_path / "ab", "vm-a", "vm-b") / "relations.csv"
    ba = _half_cycle(tmp_path / "ba", "vm-b", "vm-a") / "relations.csv"
    checked, go = tmp_path / "checked", tmp_path / "go"
    target = store_args[1]
    first = subprocess.Popen([sys.executable, "-m", "tests.support.paused_load", target, str(ab),
                              str(checked), str(go)], cwd=Path(__file__).parents[1], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not checked.exists() and first.poll() is None:
        time.sleep(0.05)
    second = subprocess.Popen([ITSS, "load", str(ba), *store_args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # the second either waits for the first's lock or, unserialised, gets through
        second.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    go.touch()
    return [(p.wait(timeout=300), p.communicate()[1]) for p in (first, second)]


def test_two_concurrent_loads_cannot_each_add_half_of_a_cycle(tmp_path):
    """Each half is fine alone, both together are a cycle the ontology forbids: the second load
    sees the first one's relation and is refused."""
    db = tmp_path / "shared.db"
    (first, _), (second, refused) = race_halves_of_a_cycle(tmp_path, ["--store", str(db)])
    assert (first, second) == (0, 2), refused
    assert "closes a cycle of RUNS_ON relations, which the ontology forbids" in refused
    with SQLiteStore(db) as store:
        assert store.stats()["relations"] == {"RUNS_ON": 1}
        assert [r.source for batch in store.iter_relations() for r in batch] == ["vm-a"]


def test_a_load_waits_for_the_load_lock_and_fails_clearly_after_its_wait(tmp_path):
    from itss_graph.stores.sqlite_write import load_lock

    db = tmp_path / "x.db"
    with SQLiteStore(db) as holder, SQLiteStore(db) as other, load_lock(holder):
        with pytest.raises(StoreError, match="another load of .* held its load lock"):
            with load_lock(other, wait_s=0.2):
                pass
    with SQLiteStore(db) as store, load_lock(store):  # released
        pass


def test_a_load_lock_that_cannot_be_made_is_a_clear_error(tmp_path):
    from itss_graph.stores.sqlite_write import load_lock

    with SQLiteStore(tmp_path / "x.db") as store:
        (tmp_path / "x.db.load-lock").mkdir()  # not a file SQLite can lock
        with pytest.raises(StoreError, match="cannot take the load lock .*x.db.load-lock"):
            with load_lock(store):
                pass


def test_a_large_load_leaves_the_closure_index_built(tmp_path, monkeypatch):
    """After loading a large store the index is already there (built by a child process), so
    the first large question opens it; a small store is left to build it when needed."""
    from itss_graph.loading.example import example_store
    from itss_graph.schema import load_schema
    from itss_graph.stores import index_at_load

    db = tmp_path / "x.db"
    example_store(str(db)).close()
    assert index_at_load.prepare_after_load(str(db)) is False  # 14 CIs: not now
    assert not (tmp_path / "x.db.index").exists()
    monkeypatch.setattr(index_at_load, "INDEX_AT_LOAD_CIS", 10)
    assert index_at_load.prepare_after_load(str(db)) is True
    built = list((tmp_path / "x.db.index").iterdir())
    assert len(built) == 1
    with SQLiteStore(db, create=False) as store:  # the query process finds that very index
        assert store.closure_index(load_schema()).generation == built[0].name
    assert list((tmp_path / "x.db.index").iterdir()) == built


def test_the_load_gives_back_what_it_freed_before_the_index_is_built(tmp_path):
    """At 1M CIs a load leaves ~260 MB free but mapped in its process, which waits while a child
    builds the index (~470 MB): handing the free memory back first keeps the two from adding up.
    Measured here in a child process: 200 MB of kilobyte blocks freed under one still alive."""
    import subprocess
    import sys

    script = """
import gc, resource
from itss_graph.stores.index_at_load import release_free_memory
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
junk = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]
alive = bytes(1000) + b"!"  # above the freed blocks: the heap cannot shrink from its top
del junk
gc.collect()
before = rss()
print(release_free_memory(), before, rss())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    released, before, after = done.stdout.split()
    if released == "False":
        pytest.skip("not glibc: the allocator keeps what it keeps")
    assert int(after) < int(before) - 100 * 2**20, (before, after)


def test_headers_and_min_ups_read_in_sql_agree_with_the_generic_reads(tmp_path):
    """The embedded store answers headers and min_up with narrow SQL (no JSON decoding of every
    property); the answers are those the generic reads over get_cis give, whatever min_up holds."""
    from itss_graph.model import CI
    from itss_graph.stores.base import Store

    values = ["2", 3, 2.5, "x", True, None, {"a": 1}, [4], "0", -2]
    with SQLiteStore(tmp_path / "x.db") as store:
        for k, value in enumerate(values):
            props = {} if value is None else {"min_up": value}
            store.db.execute("INSERT INTO ci (id, type, name, props) VALUES (?, 'server', ?, ?)",
                             (f"s{k}", f"名{k}", json.dumps(props)))
        ids = [f"s{k}" for k in range(len(values))] + ["missing"]
        assert store.min_ups(ids) == Store.min_ups(store, ids)
        assert store.headers(ids) == Store.headers(store, ids)
        assert store.min_ups(["s0", "s1", "s3"]) == {"s0": 2, "s1": 3, "s3": 1}
        assert isinstance(store.get_cis(["s0"])["s0"], CI)


def test_a_damaged_saved_index_gives_the_walk_no_opinion(tmp_path):
    """The numpy-free look into a saved index (stores/index_files) says nothing, and raises
    nothing, when its arrays are truncated, of another layout or do not fit together."""
    import numpy as np

    from itss_graph.loading.example import example_store
    from itss_graph.schema import load_schema
    from itss_graph.stores.index_files import current_index_dir, surely_reads_beyond

    schema = load_schema()
    store = example_store(str(tmp_path / "x.db"))
    store.closure_index(schema)
    directory = Path(current_index_dir(store, schema))
    [key] = [k for (k,) in store.db.execute("SELECT n FROM ci WHERE id = 'rack:a01'")]
    assert surely_reads_beyond(str(directory), [key], 3)
    ptr = directory / "flow_ptr.npy"
    saved = ptr.read_bytes()
    ptr.write_bytes(saved[:-3])  # truncated
    assert not surely_reads_beyond(str(directory), [key], 3)
    np.save(ptr, np.zeros((2, 2), dtype=np.int64))  # two-dimensional
    assert not surely_reads_beyond(str(directory), [key], 3)
    np.save(ptr, np.full(len(np.load(directory / "keys.npy")) + 1, 10**9, dtype=np.int64))  # out of range
    assert not surely_reads_beyond(str(directory), [key], 3)
    ptr.write_bytes(b"not an array")
    assert not surely_reads_beyond(str(directory), [key], 3)
    store.close()


def test_the_saved_index_keeps_the_business_services_properties(tmp_path):
    """What a what-if ranks services by comes from the index, equal to the store's rows."""
    from itss_graph.engine.props_memo import names_and_props
    from itss_graph.loading.example import example_store
    from itss_graph.model import decode_json
    from itss_graph.schema import load_schema
    from itss_graph.stores.graph_index import GraphIndex
    from itss_graph.stores.index_files import current_index_dir

    schema = load_schema()
    store = example_store(str(tmp_path / "x.db"))
    store.closure_index(schema)
    index = GraphIndex.open(current_index_dir(store, schema))  # as a later process maps it
    rows = store.db.execute("SELECT id, type, name, props FROM ci ORDER BY id").fetchall()
    services = {i: (name, props) for i, t, name, props in rows if t in schema.service_types()}
    assert services and index.props_types == sorted(schema.service_types())
    positions = {i: int(p) for i, p in zip([r[0] for r in rows],
                                           store.index_positions(index, [r[0] for r in rows]))}
    kept = dict(zip(positions, index.props_texts(list(positions.values()))))
    assert {i: text for i, text in kept.items() if text is not None} == {i: p for i, (_, p) in services.items()}

    def no_reads(ids):
        raise AssertionError(f"read from the store: {ids}")

    store.names_and_props = no_reads
    answer = names_and_props(store, sorted(services), index, positions)
    assert answer == {i: (name, decode_json(props)) for i, (name, props) in services.items()}
    store.close()


def test_a_damaged_saved_index_is_built_again_not_read(tmp_path):
    from itss_graph.loading.example import example_store
    from itss_graph.stores.graph_index import GraphIndex
    from itss_graph.schema import load_schema
    from itss_graph.stores.index_files import current_index_dir
    from itss_graph.stores.sqlite import SQLiteStore

    schema = load_schema()
    store = example_store(str(tmp_path / "x.db"))
    built = store.closure_index(schema)
    expected = {name: getattr(built, name).tolist() for name in ("flow_dst", "name_off", "props_pos")}
    directory = Path(current_index_dir(store, schema))
    store.close()
    for damage in (lambda data: data[:-3], lambda data: b"not an array", lambda data: b""):
        target = directory / "flow_dst.npy"
        target.write_bytes(damage(target.read_bytes()))
        again = SQLiteStore(str(tmp_path / "x.db"), create=False)
        rebuilt = again.closure_index(schema)
        assert {name: getattr(rebuilt, name).tolist() for name in expected} == expected
        again.close()
        saved = GraphIndex.open(directory)  # and saved again in its place, for the next process
        assert {name: getattr(saved, name).tolist() for name in expected} == expected
