"""`--format xlsx` of impact, blast-radius and spof: one sheet per table of the answer, the same
rows as the JSON answer, written where -o says (or a default name here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from itss_graph.loading.example import example_store


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "shop.db"
    example_store(str(path)).close()
    return path


def itss(*args, cwd):
    return subprocess.run([sys.executable, "-m", "itss_graph.cli.main", *args], cwd=cwd,
                          capture_output=True, text=True, env=_env())


def _env():
    import os

    return {**os.environ, "ITSS_LANG": "en"}


def sheets(path):
    book = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_impact_workbook_has_services_redundancy_and_cis(shop, tmp_path):
    done = itss("impact", "pdu:a", "--store", str(shop), "--format", "xlsx", "-o", "a.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Workbook written to a.xlsx" in done.stderr and done.stdout == ""
    book = sheets(tmp_path / "a.xlsx")
    answer = json.loads(itss("impact", "pdu:a", "--store", str(shop), "--format", "json", cwd=tmp_path).stdout)
    services = book["Services"]
    assert services[0][:3] == ("id", "name", "status")
    # the workbook is read by people: statuses as words ("at risk"), the JSON keeps the codes ("at-risk")
    assert [(r[0], r[2]) for r in services[1:]] == [(s["id"], s["status"].replace("-", " ")) for s in answer["services"]]
    assert [r[0] for r in book["Redundancy lost"][1:]] == [g["id"] for g in answer["redundancy"]]
    assert sorted(r[0] for r in book["Impacted CIs"][1:]) == sorted(c["id"] for c in answer["impacted"])


def test_blast_radius_and_spof_workbooks_take_default_names(shop, tmp_path):
    done = itss("blast-radius", "server:db1", "--store", str(shop), "--format", "xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    services = sheets(tmp_path / "blast-radius-server_db1.xlsx")["Services"]
    assert [(r[0], r[2], r[3]) for r in services[1:]] == [("service:shop", "down", "critical"),
                                                          ("service:reports", "down", "general")]
    done = itss("spof", "service:shop", "--store", str(shop), "--format", "xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [(title, rows)] = sheets(tmp_path / "spof-service_shop.xlsx").items()
    answer = json.loads(itss("spof", "service:shop", "--store", str(shop), "--format", "json", cwd=tmp_path).stdout)
    assert [r[0] for r in rows[1:]] == [p["id"] for p in answer["spof"]] and len(rows) > 1


def test_csv_options_apply_to_csv_only_and_csv_can_go_to_a_file(shop, tmp_path):
    done = itss("impact", "pdu:a", "--store", str(shop), "--format", "json", "--excel", cwd=tmp_path)
    assert done.returncode == 2 and "--excel and --encoding apply to --format csv only" in done.stderr
    done = itss("impact", "pdu:a", "--store", str(shop), "--format", "csv", "--excel", "-o", "a.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "a.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,type,name") and b"\r\n" in data
