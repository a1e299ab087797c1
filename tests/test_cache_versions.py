"""Compiled caches cannot outlive the code: their keys carry the package version."""

from __future__ import annotations

from pathlib import Path

from itss_graph import cache, version


def test_cache_key_changes_with_the_package_version(monkeypatch, tmp_path):
    source = tmp_path / "x.ttl"
    source.write_text("# same content\n", encoding="utf-8")
    before = cache.content_key([source], salt="schema")
    monkeypatch.setattr(cache, "__version__", version.__version__ + ".post1")
    assert cache.content_key([source], salt="schema") != before


def test_a_pickle_of_another_version_is_not_read(monkeypatch, tmp_path):
    monkeypatch.setenv("ITSS_CACHE_DIR", str(tmp_path))
    source = tmp_path / "in.txt"
    source.write_text("a", encoding="utf-8")
    assert cache.cached("thing", [source], lambda: {"fields": 1}) == {"fields": 1}
    monkeypatch.setattr(cache, "__version__", "0.0.0-old")
    # the old version's entry is a different file: the new build is used, not the old pickle
    assert cache.cached("thing", [source], lambda: {"fields": 2, "new": True}) == {"fields": 2, "new": True}
    assert len(list(Path(tmp_path).glob("thing-*.pickle"))) == 2


def test_the_closure_index_directory_is_keyed_by_version(tmp_path):
    from itss_graph.loading.example import example_store
    from itss_graph.schema import load_schema

    store = example_store(str(tmp_path / "x.db"))
    store.closure_index(load_schema())
    [directory] = [p for p in (tmp_path / "x.db.index").iterdir()]
    assert directory.name.endswith(f"-v{version.__version__}")
    store.close()


def test_the_content_hash_is_remembered_while_no_input_changes(monkeypatch, tmp_path):
    monkeypatch.setenv("ITSS_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "kb.ttl"
    source.write_text("kb:a kb:b kb:c .\n", encoding="utf-8")
    settled = source.stat().st_mtime_ns - 10_000_000_000  # written "ten seconds ago": not racy
    import os

    os.utime(source, ns=(settled, settled))
    monkeypatch.setattr(cache.time, "time_ns", lambda: source.stat().st_ctime_ns + 10_000_000_000)
    first = cache.content_key([source], salt="kb")
    assert list((tmp_path / "cache").glob("stamp-kb-*.txt"))

    reads = []
    original = cache._read_bytes
    monkeypatch.setattr(cache, "_read_bytes", lambda path: reads.append(Path(path)) or original(path))
    assert cache.content_key([source], salt="kb") == first
    assert reads == []  # unchanged stat: the remembered hash, no read

    source.write_text("kb:a kb:b kb:d .\n", encoding="utf-8")  # same size, new content
    os.utime(source, ns=(settled, settled))  # even with the old mtime: the ctime moved
    changed = cache.content_key([source], salt="kb")
    assert changed != first and reads == [source]


def test_a_file_changed_in_the_last_seconds_is_hashed_every_time(monkeypatch, tmp_path):
    monkeypatch.setenv("ITSS_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "kb.ttl"
    source.write_text("kb:a kb:b kb:c .\n", encoding="utf-8")
    monkeypatch.setattr(cache.time, "time_ns", lambda: source.stat().st_ctime_ns)  # just written
    cache.content_key([source], salt="kb")
    assert not list((tmp_path / "cache").glob("stamp-kb-*.txt"))
