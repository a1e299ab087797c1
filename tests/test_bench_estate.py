"""The benchmark's inputs cannot rot: the foreign estate generator and the reader fixtures are
deterministic, have the shape the benchmarks rely on, and load cleanly with `itss load`.

(No timings here: bench/run.py measures; tests only hold the inputs and the harness's own
doctests honest.)
"""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench import estates, fixtures, foreign_estate, flowgraph, measure, report
from bench.foreign_estate import CI_COLUMNS, REL_COLUMNS, generate_estate, write_estate

ITSS = str(Path(sys.executable).with_name("itss"))
SIZE = 3000


def itss(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def estate():
    return generate_estate(SIZE)


def test_same_size_and_seed_give_the_same_files_byte_for_byte(tmp_path):
    first, second = write_estate(tmp_path / "a", SIZE), write_estate(tmp_path / "b", SIZE)
    for name in ("cis.csv", "relations.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.params == second.params
    other = generate_estate(SIZE, seed=7)
    assert other.cis != first.cis  # the seed matters


def test_size_and_relations_per_ci(estate):
    assert abs(len(estate.cis) - SIZE) / SIZE < 0.1
    assert 2.7 <= len(estate.relations) / len(estate.cis) <= 3.1
    assert len({row[0] for row in estate.cis}) == len(estate.cis)  # unique ids
    ids = {row[0] for row in estate.cis}
    assert all(s in ids and t in ids for s, _, t, _, _ in estate.relations)  # nothing dangles
    assert all(len(row) == len(CI_COLUMNS) for row in estate.cis)
    assert all(len(row) == len(REL_COLUMNS) for row in estate.relations)


def test_shape_leaf_spine_dual_homing_k_of_n_and_fan_in(estate):
    ci = {row[0]: dict(zip(CI_COLUMNS, row)) for row in estate.cis}
    roles = Counter(c["role"] for c in ci.values() if c["type"] == "switch")
    assert roles["core"] == 6 and roles["spine"] >= 12 and roles["leaf"] > roles["spine"]
    out: dict[str, list[tuple]] = defaultdict(list)
    for s, r, t, group, min_up in estate.relations:
        out[s].append((r, t, group, min_up))
    # servers dual-homed: cabled to both leaves of their rack, depending on them as one group
    hosts = [i for i, c in ci.items() if c["type"] == "hypervisor-host"]
    assert hosts
    for host in hosts:
        cables = [t for r, t, _, _ in out[host] if r == "CONNECTED_TO"]
        uplinks = [(t, g) for r, t, g, _ in out[host] if r == "DEPENDS_ON"]
        assert len(cables) == 2 and all(ci[t]["role"] == "leaf" for t in cables)
        assert sorted(t for t, _ in uplinks) == sorted(cables) and {g for _, g in uplinks} == {"uplink"}
    # leaves on two of their pod's four spines (k-of-n declared on the relations)
    leaf = next(i for i, c in ci.items() if c["role"] == "leaf" and "-P01-" in i)
    fabric = [(t, g, m) for r, t, g, m in out[leaf] if r == "DEPENDS_ON"]
    assert len(fabric) == 4 and {(g, m) for _, g, m in fabric} == {("fabric", "2")}
    # VM clusters: 16 hosts, 12 must stay up
    members = Counter(t for s, r, t, _, _ in estate.relations if r == "MEMBER_OF" and ci[s]["type"] == "hypervisor-host")
    assert set(members.values()) == {16}
    assert {ci[c]["min_up"] for c in members} == {"12"}
    # business services carry criticality and SLA
    services = [c for c in ci.values() if c["type"] == "business-service"]
    assert {c["criticality"] for c in services} == {"critical", "important", "general"}
    assert all(c["sla"] and c["users"] for c in services)
    # the regional DNS of 北京 is the most depended-on CI that is not a group (~16k direct
    # dependants at 200k)
    fan_in = Counter(t for _, r, t, _, _ in estate.relations
                     if r == "DEPENDS_ON" and ci[t]["type"] != "redundancy-group")
    top, count = fan_in.most_common(1)[0]
    assert top == estate.probes["fan-in service"] == "svc-dns-bj1"
    assert count > 0.05 * len(estate.cis)


def test_loads_cleanly_and_the_designed_flaw_shows_in_impact(tmp_path):
    write_estate(tmp_path / "estate", SIZE)
    db = tmp_path / "itss.db"
    done = itss("load", str(tmp_path / "estate"), "--store", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout)["totals"]
    lines = [sum(1 for _ in (tmp_path / "estate" / name).open(encoding="utf-8")) - 1
             for name in ("cis.csv", "relations.csv")]
    assert [totals["cis"]["created"], totals["relations"]["created"]] == lines
    # the 北京 services rack hangs off core switch 1 alone: losing it takes DNS down ...
    core = json.loads(itss("impact", "BJ1-CORE-01", "--store", str(db), "--format", "json").stdout)
    down = {i["id"] for i in core["impacted"] if i["effect"] == "down"}
    assert {"svc-dns-bj1", "svc-ad"} <= down
    # ... while its twin, and a spine (two of four needed), only degrade what they serve
    for redundant in ("BJ1-CORE-02", "BJ1-P01-SP1"):
        answer = json.loads(itss("impact", redundant, "--store", str(db), "--format", "json").stdout)
        assert answer["summary"]["by_effect"]["down"] == 0 and answer["summary"]["total"] > 0


def test_reader_fixtures_load_cleanly(tmp_path):
    xlsx = tmp_path / "register.xlsx"
    rows = fixtures.asset_register_xlsx(xlsx, rows=120)
    done = itss("load", "--profile", "cn-asset-register", str(xlsx), "--store", str(tmp_path / "x.db"),
                "--format", "json")
    assert done.returncode == 0, done.stderr
    vms = sum(1 for values, _, _ in fixtures._register_rows(rows) if values[3] == "虚拟机")
    assert json.loads(done.stdout)["cis"]["vm"]["created"] == vms > 0
    # merged cells: every asset got its machine room, read from the merged block
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx).active
    assert len(sheet.merged_cells.ranges) > 5
    for name in ("doc.yaml", "doc.json"):
        records = fixtures.estate_document(tmp_path / name, records=400)
        done = itss("load", str(tmp_path / name), "--store", str(tmp_path / f"{name}.db"), "--format", "json")
        assert done.returncode == 0, done.stderr
        totals = json.loads(done.stdout)["totals"]
        assert totals["cis"]["created"] + totals["relations"]["created"] == records


@pytest.mark.parametrize("module", [foreign_estate, fixtures, estates, measure, report, flowgraph],
                         ids=lambda m: m.__name__)
def test_harness_doctests(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0
