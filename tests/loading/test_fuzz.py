"""Fuzzing every reader (hypothesis): random bytes, token soups and random structures go into the
CSV, JSON, YAML and XLSX readers, the encoding scan, mapping profiles and the tables they read,
and NetBox exports and objects. Whatever comes in, only located problems may come out — an
:class:`~itss_graph.errors.InputError` whose problems name a file and print as text — within a
time budget the harness enforces: each example runs under a SIGALRM timer, and running out of
it raises :class:`Hang` out of the reader, failing the test with the example that hung (not a
timing assertion: no duration is measured or compared).

Budget: ``FUZZ_EXAMPLES`` examples per reader (``ITSS_FUZZ_EXAMPLES`` overrides it, e.g. 2000
for a long local run) and ``BUDGET_S`` seconds per example.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itss_graph.errors import InputError, Problem
from itss_graph.loading.encoding import scan_file
from itss_graph.loading.load import load_inventory, load_items
from itss_graph.loading.netbox import netbox_rows
from itss_graph.loading.netbox.client import NetBoxClient
from itss_graph.loading.netbox.export import JsonExport
from itss_graph.loading.netbox.transform import ENDPOINTS, NetBoxTransform
from itss_graph.loading.profiles import load_profile
from itss_graph.loading.readers import read_rows
from itss_graph.loading.tabular import read_table
from itss_graph.stores.sqlite import SQLiteStore

FUZZ_EXAMPLES = int(os.environ.get("ITSS_FUZZ_EXAMPLES", "60"))
BUDGET_S = 20.0
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


class Hang(BaseException):
    """An example ran past its budget (BaseException: no reader may swallow it)."""


@contextmanager
def budget(seconds: float = BUDGET_S):
    def expired(signum, frame):
        raise Hang(f"a reader ran for more than {seconds} s on this input")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def only_located_problems(run) -> None:
    """Run ``run`` within the budget: it may succeed or raise InputError with located,
    printable problems — nothing else."""
    with budget():
        try:
            run()
        except InputError as exc:
            assert exc.problems, "an InputError without problems"
            for problem in exc.problems:
                assert isinstance(problem, Problem)
                assert problem.file and problem.message
                str(problem).encode("utf-8")  # printable: no lone surrogates reach a terminal


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="itss-fuzz-") as name:
        yield Path(name)


def _load(paths, **options) -> None:
    store = SQLiteStore(":memory:")
    try:
        load_inventory(paths, store, **options)
    finally:
        store.close()


# -- strategies ---------------------------------------------------------------------------------

KEYS = st.sampled_from(["id", "name", "type", "source", "target", "site", "cis", "relations", "状态",
                        "资产编号", "类型", "运行于", "results", "count", "next"]) | st.text(max_size=6)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.sampled_from(["server", "vm", "RUNS_ON", "运行于", "台式机", "a", "b", "\ud800",
                                     "x\u200by", "e\u0301", "\x1b[31m", "2024-02-30"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25)
INVENTORIES = st.fixed_dictionaries({}, optional={
    "cis": st.lists(st.dictionaries(KEYS, VALUES, max_size=5) | VALUES, max_size=5),
    "relations": st.lists(st.dictionaries(KEYS, VALUES, max_size=5) | VALUES, max_size=5),
    "extra": VALUES})
CSV_TOKENS = st.sampled_from([",", "\n", "\r\n", "\r", '"', '""', "\t", "id", "name", "type", "source",
                              "target", "server", "vm", "RUNS_ON", "a", "b", "服务器", "\x00", "\x1b",
                              "\ufeff", "\u200b", " ", "资产编号", "资产名称", "类型", "运行于", "台式机"])
JSON_TOKENS = st.sampled_from(["{", "}", "[", "]", ":", ",", '"id"', '"cis"', '"relations"', '"type"',
                               '"server"', '"a"', "1", "9" * 200, "1e999", "NaN", "-", "true", "null",
                               '"\\ud800"', '"\\u0000"', " ", "\n", '"'])
YAML_TOKENS = st.sampled_from(["cis:", "relations:", "\n", "  ", "- ", "id: ", "type: ", "server", "&a ",
                               "*a", "!!set ", "!!binary ", "!!python/object:os.system ", "<<: *a", "? ",
                               "{", "}", "[", "]", ", ", "'", '"', "2024-02-30", "9" * 200, "~", ":", "#",
                               "\t", "%YAML 1.1\n", "---\n", "..."])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "utf-16-le", "big5", "shift_jis",
                             "cp1252", "latin-1"])


def soup(tokens) -> st.SearchStrategy[str]:
    return st.lists(tokens | st.text(max_size=4), max_size=60).map("".join)


def encoded(text_strategy) -> st.SearchStrategy[bytes]:
    """Text in some encoding (whatever it can hold), or raw bytes."""
    return st.one_of(
        st.tuples(text_strategy, ENCODINGS).map(lambda t: t[0].encode(t[1], errors="ignore")),
        st.binary(max_size=400))


# -- canonical readers ------------------------------------------------------------------------

@FUZZ
@given(data=encoded(soup(CSV_TOKENS)), suffix=st.sampled_from([".csv", ".tsv"]),
       encoding=st.none() | st.sampled_from(["gbk", "utf-8", "utf-16", "big5", "rot13", "hex"]))
def test_csv_reader(data, suffix, encoding):
    with workdir() as d:
        path = d / f"cis{suffix}"
        path.write_bytes(data)
        only_located_problems(lambda: _load([path], encoding=encoding))


@FUZZ
@given(text=st.one_of(INVENTORIES.map(lambda v: json.dumps(v, allow_nan=True)),
                      VALUES.map(lambda v: json.dumps(v, allow_nan=True)), soup(JSON_TOKENS)),
       wrap=st.sampled_from(["", "[" * 900, "[" * 1200]))
def test_json_reader(text, wrap):
    with workdir() as d:
        path = d / "inventory.json"
        path.write_text(wrap + text + wrap.replace("[", "]"), encoding="utf-8", errors="surrogatepass")
        only_located_problems(lambda: _load([path]))


@FUZZ
@given(text=st.one_of(INVENTORIES.map(lambda v: yaml.safe_dump(v, allow_unicode=False)),
                      soup(YAML_TOKENS)))
def test_yaml_reader(text):
    with workdir() as d:
        path = d / "inventory.yaml"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        only_located_problems(lambda: _load([path]))


CELLS = st.one_of(st.none(), st.text(max_size=10).filter(lambda s: s.isprintable()), st.integers(-10**6, 10**6),
                  st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                  st.sampled_from(["id", "name", "type", "server", "=A1*2", "=SUM(B1:B3)", "资产编号", "类型"]))


def _workbook(rows) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=max(10, FUZZ_EXAMPLES // 2))
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=6), cut=st.integers(0, 4000),
       noise=st.binary(max_size=64), how=st.sampled_from(["whole", "mutated", "random"]))
def test_xlsx_reader(rows, cut, noise, how):
    data = _workbook(rows)
    if how == "mutated":
        cut = cut % max(1, len(data))
        data = data[:cut] + noise + data[cut + len(noise):]
    elif how == "random":
        data = noise
    with workdir() as d:
        path = d / "cis.xlsx"
        path.write_bytes(data)
        only_located_problems(lambda: _load([path]))
        only_located_problems(lambda: list(read_table(path, header_hint={"资产编号"}).rows))


@FUZZ
@given(data=st.binary(max_size=600), declared=st.none() | st.sampled_from(
    ["gbk", "utf-8", "utf-8-sig", "utf-16", "utf-16-be", "big5", "shift_jis", "cp1252", "rot13", "hex",
     "base64", "zlib", "bz2", "klingon", "", "utf-32"]))
def test_encoding_scan(data, declared):
    with workdir() as d:
        path = d / "x.csv"
        path.write_bytes(data)
        only_located_problems(lambda: scan_file(path, declared))
        only_located_problems(lambda: list(read_rows(path, encoding=declared)))


# -- profiles and the tables they read ------------------------------------------------------------

PROFILE_KEYS = st.sampled_from(["name", "description", "version", "tables", "options", "match", "columns",
                                "file", "sheet", "header_row", "encoding", "records", "fill_down", "defaults",
                                "cis", "relations", "as", "id", "type", "properties", "when", "stub",
                                "identify", "other_columns", "merge", "from", "to", "column", "template",
                                "map", "default", "split", "optional", "unless", "when_empty",
                                "device_roles", "page_size", "timeout", "retries"])
PROFILE_VALUES = st.recursive(
    SCALARS | st.sampled_from(["{编号}", "{value}", "资产编号", "类型", "asset", "keep", "、", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PROFILE_KEYS, inner, max_size=5),
    max_leaves=30)
PROFILES = st.fixed_dictionaries(
    {"tables": st.lists(st.dictionaries(PROFILE_KEYS, PROFILE_VALUES, max_size=6), max_size=2)},
    optional={"name": PROFILE_VALUES, "options": PROFILE_VALUES})


@FUZZ
@given(profile=PROFILES, table=encoded(soup(CSV_TOKENS)))
def test_profiles_and_the_tables_they_read(profile, table):
    with workdir() as d:
        path = d / "profile.yaml"
        path.write_bytes(yaml.safe_dump(profile, allow_unicode=True).encode("utf-8", errors="surrogatepass"))
        only_located_problems(lambda: load_profile(path))
        data = d / "t.csv"
        data.write_bytes(table)
        only_located_problems(lambda: _load([data], profile=str(path)))


@FUZZ
@given(table=encoded(soup(CSV_TOKENS)), suffix=st.sampled_from([".csv", ".json"]),
       records=st.one_of(INVENTORIES, VALUES).map(lambda v: json.dumps(v, allow_nan=True)))
def test_the_shipped_register_profile_on_any_table(table, suffix, records):
    with workdir() as d:
        path = d / f"台账{suffix}"
        path.write_bytes(table if suffix == ".csv" else records.encode("utf-8", errors="surrogatepass"))
        only_located_problems(lambda: _load([path], profile="cn-asset-register"))


# -- NetBox ---------------------------------------------------------------------------------------

NB_KEYS = st.sampled_from(["id", "name", "display", "site", "rack", "role", "device_role", "device_type",
                           "manufacturer", "model", "status", "value", "tenant", "cluster", "device",
                           "circuit", "provider", "cid", "power_panel", "a_terminations", "b_terminations",
                           "object_type", "object", "object_id", "termination_type", "termination_id",
                           "termination", "scope", "scope_type", "slug", "count", "next", "results"])
NB_VALUES = st.recursive(SCALARS | st.integers(0, 5), lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(NB_KEYS, inner, max_size=6), max_leaves=30)
NB_OBJECTS = st.dictionaries(NB_KEYS, NB_VALUES, max_size=8).map(lambda o: {"id": 1, **o})


@FUZZ
@given(objects=st.dictionaries(st.sampled_from(ENDPOINTS), st.lists(NB_OBJECTS | NB_VALUES, max_size=4),
                               max_size=5))
def test_netbox_objects_of_any_shape(objects):
    def run():
        for item in NetBoxTransform({}).rows(objects):
            assert not isinstance(item, Exception)

    only_located_problems(run)


@FUZZ
@given(files=st.dictionaries(st.sampled_from(ENDPOINTS), st.one_of(
    st.lists(NB_OBJECTS, max_size=4).map(lambda o: json.dumps({"count": len(o), "results": o})),
    NB_VALUES.map(lambda v: json.dumps(v, allow_nan=True)), soup(JSON_TOKENS)), max_size=4),
    prune=st.booleans())
def test_netbox_exports_of_any_content(files, prune):
    with workdir() as d:
        for endpoint, text in files.items():
            (d / (endpoint.replace("/", ".") + ".json")).write_bytes(text.encode("utf-8", errors="surrogatepass"))

        def run():
            store = SQLiteStore(":memory:")
            try:
                source = JsonExport(d, required=ENDPOINTS if prune else ())
                load_items(netbox_rows(source), store, inputs=[str(d)], source="netbox", prune=prune)
            finally:
                store.close()

        only_located_problems(run)


@pytest.fixture(scope="module")
def fake_netbox():
    from tests.loading.netbox_fake import FakeNetBox

    with FakeNetBox({e: [] for e in ENDPOINTS}) as fake:
        yield fake


@FUZZ
@given(body=st.one_of(
    st.lists(NB_OBJECTS | NB_VALUES, max_size=4).map(
        lambda o: json.dumps({"count": len(o), "next": None, "results": o}, allow_nan=True)),
    st.fixed_dictionaries({"count": NB_VALUES, "next": NB_VALUES, "results": NB_VALUES}).map(
        lambda v: json.dumps(v, allow_nan=True)),
    soup(JSON_TOKENS)).map(lambda t: t.encode("utf-8", errors="surrogatepass")) | st.binary(max_size=200))
def test_netbox_api_answers_of_any_content(fake_netbox, body):
    """The API client: a clear SourceError (exit 2) or objects, for any answer."""
    from itss_graph.errors import SourceError

    fake_netbox.answer = body
    client = NetBoxClient(fake_netbox.url, fake_netbox.token, page_size=3, retries=0, max_pages=5)
    with budget():
        try:
            for endpoint in ("dcim/sites", "dcim/devices"):
                list(client.iter_objects(endpoint))
        except SourceError as exc:
            str(exc).encode("utf-8")


def test_the_harness_stops_a_reader_that_hangs():
    """The budget is enforced: a reader that would never return is stopped with Hang."""
    def forever():
        while True:
            pass

    with pytest.raises(Hang):
        with budget(0.2):
            forever()
