"""Merged cells of a workbook: the ranges found by the byte scan are openpyxl's own, and every
covered cell gets the range's value (checked against a plain cell-by-cell fill)."""

from __future__ import annotations

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from itss_graph.loading.workbook import _fill_merged, read_sheet, sheet_facts


def naive_fill(rows, merged):
    grid = [list(r) for r in rows]
    for first_row, last_row, first_col, last_col in merged:
        value = grid[first_row - 1][first_col - 1] if first_col <= len(grid[first_row - 1]) else None
        for r in range(first_row, last_row + 1):
            while len(grid[r - 1]) < last_col:
                grid[r - 1].append(None)
            for c in range(first_col, last_col + 1):
                grid[r - 1][c - 1] = value
    return [tuple(r) for r in grid]


@st.composite
def grids(draw):
    height, width = draw(st.integers(1, 12)), draw(st.integers(1, 5))
    rows = [tuple(draw(st.lists(st.one_of(st.none(), st.integers(0, 9)), min_size=1, max_size=width)))
            for _ in range(height)]
    taken: set[tuple[int, int]] = set()
    merged = []
    for _ in range(draw(st.integers(0, 4))):  # ranges never overlap, as in a real sheet
        r1, c1 = draw(st.integers(1, height)), draw(st.integers(1, width))
        r2, c2 = draw(st.integers(r1, height)), draw(st.integers(c1, width))
        cells = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        if not cells & taken:
            taken |= cells
            merged.append((r1, r2, c1, c2))
    return rows, merged


@settings(max_examples=200, deadline=None)
@given(grids())
def test_fill_merged_gives_every_covered_cell_the_ranges_value(case):
    rows, merged = case
    assert list(_fill_merged(iter(rows), merged)) == naive_fill(rows, merged)


def test_merged_ranges_and_uncalculated_formulas_found_in_the_sheet_xml(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title"])
    sheet.append(["id", "type", "room"])
    for i in range(40):
        sheet.append([f"srv{i}", "server", "A" if i % 10 == 0 else None])
    for first in range(3, 43, 10):
        sheet.merge_cells(start_row=first, start_column=3, end_row=first + 9, end_column=3)
    sheet.merge_cells("A1:C1")
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    expected = sorted((r.min_row, r.max_row, r.min_col, r.max_col) for r in sheet.merged_cells.ranges)

    member = openpyxl.load_workbook(plain, read_only=True).worksheets[0]._worksheet_path
    facts = sheet_facts(plain, member)
    assert sorted(facts.merged) == expected and facts.uncalculated == {}
    _, columns, rows = read_sheet(plain, None, None, {"id", "type"})
    assert columns == ["id", "type", "room"]
    rooms = [record.get("room") for _, record in rows]
    assert rooms == ["A"] * 40

    sheet["B5"] = "=A5"  # a formula saved without its value: the XML is parsed for its cell
    with_formula = tmp_path / "formula.xlsx"
    book.save(with_formula)
    facts = sheet_facts(with_formula, member)
    assert sorted(facts.merged) == expected
    assert facts.uncalculated == {(5, 2): "A5"}
