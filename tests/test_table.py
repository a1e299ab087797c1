"""Tables fit the terminal: display widths (CJK, combining marks, emoji), wrapping, elision in
the middle, --wide; and the commands whose lines ran to 300-490 columns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itss_graph.render.table import (ELLIPSIS, MAX_LINES, display_width, elide, fit_cell, fit_lines,
                                     render_table, wrap)
from tests.test_cli import run

TEXT = st.lists(st.sampled_from(list("abc XYZ-:01") + ["服", "务", "器", "e\u0301", "🔥", "Ａ", "，"]),
                max_size=60).map("".join)


def test_display_width_of_wide_combining_and_emoji():
    assert display_width("服务器") == 6
    assert display_width("cafe\u0301") == 4  # the accent takes no column
    assert display_width("🔥") == 2
    assert display_width("ＤＢ１") == 6
    assert display_width("a\x07b") == 2  # a control character takes nothing


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=5), st.integers(40, 120))
def test_every_line_fits_and_nothing_is_lost_unless_elided(rows, width):
    text = render_table(["id", "name", "description"], rows, width=width)
    assert all(display_width(line) <= width for line in text.splitlines())
    for cell in (c for row in rows for c in row):
        lines = fit_cell(cell, 20)
        assert all(display_width(line) <= 20 for line in lines)
        if not lines[-1].startswith(ELLIPSIS):
            assert "".join(lines).replace(" ", "") == cell.replace(" ", "")
        else:
            assert len(lines) == MAX_LINES


def test_a_table_that_fits_is_unchanged_and_none_means_no_limit():
    rows = [["a", "x" * 200]]
    assert render_table(["id", "text"], rows, width=None).splitlines()[2] == "a   " + "x" * 200
    assert render_table(["id", "text"], [["a", "b"]], width=10) == render_table(["id", "text"], [["a", "b"]], width=None)


def test_titles_that_differ_at_the_end_stay_apart():
    titles = [f"GB/T 28827.{k} Information technology service — Operation and maintenance — Part {k}: {name}"
              for k, name in ((1, "General requirements"), (2, "Delivery specification"),
                              (3, "Emergency response specification"))]
    for width in (40, 60, 80):
        shown = [tuple(fit_cell(t, width - 5)) for t in titles]
        assert len(set(shown)) == 3
        assert all(f"Part {k}" in " ".join(s) or "specification" in s[-1] or "requirements" in s[-1]
                   for k, s in enumerate(shown, 1))
    assert elide(titles[2], 30).endswith("response specification"[-13:])


def test_wrap_breaks_at_spaces_between_cjk_and_never_inside_a_cluster():
    assert wrap("one two three", 7) == ["one two", "three"]
    assert wrap("服务器服务器", 4) == ["服务", "器服", "务器"]
    assert all(not line.startswith("\u0301") for line in wrap("e\u0301" * 10, 3))
    assert wrap("kb:std-运维-1, kb:std-基础-3", 16) == ["kb:std-运维-1,", "kb:std-基础-3"]


def test_free_text_lines_hang_under_their_marker():
    out = fit_lines("   ↳ " + "word " * 30, width=40).splitlines()
    assert out[0].startswith("   ↳ word") and all(line.startswith("     word") for line in out[1:])
    assert all(display_width(line) <= 40 for line in out)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.support.demo import demo_store_at

    where = tmp_path_factory.mktemp("demo")
    demo_store_at(where, 0.05).close()
    return str(where / "demo.db")


@pytest.mark.parametrize("args", [
    ["standards", "--ci-type", "database"], ["standards", "--ci-type", "database", "--lang", "zh"],
    ["gap", "--profile", "examples/profiles/scenario-1.yaml"],
    ["gap", "--profile", "examples/profiles/scenario-1.yaml", "--lang", "zh"],
    ["kb", "search", "事件"], ["kb", "show", "kb:proc-事件管理"], ["impact", "switch:dc1-core-1"],
    ["path", "service:0003", "site:dc1"], ["show", "switch:dc1-core-1"], ["find", "dc1"],
])
def test_commands_fit_100_columns_and_wide_keeps_lines_whole(args, demo_db):
    from tests.test_cli import ITSS  # noqa: F401  (the same executable)
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    store = ["--store", demo_db] if args[0] in ("impact", "path", "show", "find") else []
    fitted = run(*args, *store, cwd=repo, env={"COLUMNS": "100"})
    assert fitted.returncode == 0, fitted.stderr
    widths = [display_width(line) for line in fitted.stdout.splitlines()]
    assert max(widths) <= 100
    wide = run(*args, *store, "--wide", cwd=repo, env={"COLUMNS": "100"})
    piped = run(*args, *store, cwd=repo)  # not a terminal, no COLUMNS: whole lines
    assert wide.stdout == piped.stdout
    if args[0] in ("standards", "gap", "kb"):
        assert max(display_width(line) for line in wide.stdout.splitlines()) > 100


def test_standards_table_keeps_the_parts_apart(demo_db):
    from pathlib import Path

    for columns in ("60", "80", "100"):
        out = run("standards", "--ci-type", "database", "--brief", cwd=Path(__file__).resolve().parents[1],
                  env={"COLUMNS": columns}).stdout
        rows: list[str] = []
        for line in out.splitlines()[3:]:
            if line[:1].isdigit():
                rows.append(line)
            elif rows and line.startswith(" "):
                rows[-1] += "\n" + line
        assert len(rows) >= 4 and len(set(rows)) == len(rows)
        assert all(display_width(line) <= int(columns) for line in out.splitlines())
