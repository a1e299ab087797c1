"""`itss view` and `itss report` as people run them: real processes, files written, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ITSS = str(Path(sys.executable).with_name("itss"))
PROFILE = Path(__file__).resolve().parents[2] / "examples" / "profiles" / "scenario-2.yaml"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, cwd=cwd, env=dict(os.environ),
                          timeout=300)


def graph_of(page: Path) -> dict:
    """The vis-network data a page carries (the JSON given to itssDraw)."""
    text = page.read_text(encoding="utf-8")
    start = text.index("var GRAPH = ") + len("var GRAPH = ")
    return json.JSONDecoder().raw_decode(text[start:])[0]


def test_view_commands_write_pages(tmp_path, demo_store):
    db = demo_store.path
    done = run("view", "deps", "server:dc1-db0001p", "--direction", "both", "--depth", "2", "--store", db,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = tmp_path / "view-deps-both-server_dc1-db0001p.html"  # the default name, here
    assert f"View written to {page.name}" in done.stderr and done.stdout == ""
    graph = graph_of(page)
    assert graph["view"]["kind"] == "deps" and "server:dc1-db0001p" in {n["id"] for n in graph["nodes"]}

    out = tmp_path / "svc.html"
    done = run("view", "service", "service:0001", "--store", db, "-o", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert graph_of(out)["view"]["kind"] == "service" and "服务" in out.read_text(encoding="utf-8")

    out = tmp_path / "site.html"
    done = run("view", "impact", "site:dc1", "--store", db, "--html", str(out), "--group-by", "site",
               "--max-nodes", "100")
    assert done.returncode == 0, done.stderr
    graph = graph_of(out)
    # the main site's failure reaches every branch office: one group per site would be too many
    assert any("Grouped by site, the view would still draw more than 100 nodes" in n for n in graph["view"]["notes"])
    assert any("groups them by type" in n for n in graph["view"]["notes"]) and len(graph["nodes"]) <= 100
    # the services down and at risk with why (as `itss impact --html`), then the obligations
    assert [p["heading"] for p in graph["view"]["panels"]] == ["Business services", "ITSS obligations"]

    out = tmp_path / "std.html"
    assert run("view", "standards", "--profile", str(PROFILE), "-o", str(out)).returncode == 0
    assert graph_of(out)["view"]["kind"] == "standards"


def test_view_refuses_what_it_cannot_draw(tmp_path, demo_store):
    done = run("view", "service", "server:dc1-db0001p", "--store", demo_store.path, "-o", str(tmp_path / "x.html"))
    assert done.returncode == 2
    assert done.stderr.startswith("itss: error: server:dc1-db0001p is a server, not a service")
    done = run("view", "standards", "--code", "04", "--ci-type", "database")
    assert done.returncode == 2 and "at most one of" in done.stderr
    done = run("view", "deps", "no-such-ci", "--store", demo_store.path)
    assert done.returncode == 2 and "no-such-ci" in done.stderr
    assert not (tmp_path / "x.html").exists()


def test_report_commands_write_html_or_print_markdown(tmp_path, demo_store):
    done = run("report", "impact", "storage-array:dc1-san1", "--store", demo_store.path, "--format", "md",
               "--limit", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Impact report: failure of storage-array:dc1-san1")
    assert "## ITSS obligations" in done.stdout and "CMDB: SQLite" in done.stdout

    out = tmp_path / "gap.html"
    done = run("report", "gap", "--profile", str(PROFILE), "--html", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and out.stat().st_size > 100_000
    assert graph_of(out)["view"]["kind"] == "gap"

    md = tmp_path / "std.md"
    done = run("report", "standards", "--code", "040301", "--html", str(tmp_path / "s.html"), "--format", "md",
               "-o", str(md), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert md.read_text(encoding="utf-8").startswith("# 适用的 ITSS 标准") and (tmp_path / "s.html").exists()
    assert run("report", "standards").returncode == 2
