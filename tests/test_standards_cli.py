"""`itss standards` as people run it: exactly one subject, formats, languages, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ITSS = str(Path(sys.executable).with_name("itss"))
PROFILES = Path(__file__).resolve().parents[1] / "examples" / "profiles"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, cwd=cwd, env={**os.environ},
                          timeout=120)


def test_ci_type_json_is_ranked_with_reasons_and_provenance():
    done = run("standards", "--ci-type", "database", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["query"] == {"kind": "ci-type", "value": "database", "label": "database"}
    ranked = [s["id"] for s in doc["standards"]]
    assert ranked[:4] == ["kb:std-运维-4", "kb:std-运维-1", "kb:std-运维-2", "kb:std-运维-3"]
    chain = doc["standards"][1]["reasons"][0]["chain"]
    assert chain[0]["from"]["id"] == "cmdb:Database" and chain[0]["predicate"] == "itss:category"
    assert chain[-1]["predicate"] == "itss:appliesToCategory" and chain[-1]["direction"] == "inverse"
    assert chain[-1]["sources"][0]["section"] == "3.2.6"


def test_code_table_in_chinese_shows_reasons_and_sources():
    done = run("standards", "--code", "040301", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "适用的标准：code 040301 (040301 基础软件运维服务)"
    # standards by number and full title, reasons as one sentence each, with the white paper's lines
    assert "GB/T 28827.1  信息技术服务 运行维护 第1部分：通用要求" in out
    assert "• 040301 基础软件运维服务 属于 04 运行维护服务；GB/T 28827.1 适用于 04" in out
    assert "↳ 白皮书 表3-1 信息技术服务分类代码表，第2185行" in out
    assert "kb:std-" not in out and "--skos:broader-->" not in out  # ids and chains: --verbose, JSON
    verbose = run("standards", "--code", "040301", "--lang", "zh", "--verbose").stdout
    assert "--skos:broader--> 04 运行维护服务 <--itss:appliesToCategory--" in verbose
    assert "↳ 表3-1 信息技术服务分类代码表, §3.2.1" in verbose


def test_english_sentence_names_the_standard_by_number():
    out = run("standards", "--ci-type", "database").stdout
    assert ("• database falls under 040301 Basic software O&M services, which is part of 04 Operation and "
            "maintenance services; GB/T 28827.1 applies to 04") in out


def test_profile_brief_and_planned():
    done = run("standards", "--profile", str(PROFILES / "scenario-1.yaml"), "--brief")
    assert done.returncode == 0, done.stderr
    assert "Planned (no text yet" in done.stdout
    assert "For a part of what was declared only" in done.stdout  # 04 declared: desktop, application parts
    assert "•" not in done.stdout  # brief: no reasons


def test_csv_has_one_row_per_reason():
    done = run("standards", "--code", "040301", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["number"] == "GB/T 28827.1" and rows[0]["facet"] == "category"
    assert rows[0]["title"] == "Information technology service — Operation and maintenance — Part 1: General requirements"
    assert rows[0]["reason"].endswith("GB/T 28827.1 applies to 04")
    assert "white paper Table 3-1 IT service classification and codes, line 2185" in rows[0]["sources"]
    assert "id" not in rows[0] and "chain" not in rows[0]
    verbose = list(csv.DictReader(io.StringIO(run("standards", "--code", "040301", "--format", "csv",
                                                  "--verbose").stdout)))
    assert verbose[0]["chain"].startswith("040301 Basic software O&M services --skos:broader-->")


def test_csv_for_excel_and_gbk(tmp_path):
    """Excel on Chinese Windows reads a CSV without a byte order mark as GBK: --excel writes UTF-8
    with a BOM and CRLF, --encoding gbk writes GBK; both decode to the same table."""
    excel = subprocess.run([ITSS, "standards", "--code", "040204", "--lang", "zh", "--format", "csv", "--excel"],
                           capture_output=True, timeout=120)
    assert excel.returncode == 0, excel.stderr
    assert excel.stdout.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel.stdout
    gbk = tmp_path / "04.csv"
    done = run("standards", "--code", "040204", "--lang", "zh", "--format", "csv", "--encoding", "gbk",
               "-o", str(gbk))
    assert done.returncode == 0, done.stderr
    from_gbk = list(csv.reader(io.StringIO(gbk.read_bytes().decode("gbk"))))
    from_excel = list(csv.reader(io.StringIO(excel.stdout.decode("utf-8-sig"))))
    assert from_gbk == from_excel and from_gbk[0][:3] == ["序号", "标准编号", "标准名称"]
    assert "信息技术服务 运行维护 第5部分：桌面及外围设备规范" in {row[2] for row in from_gbk}
    assert run("standards", "--code", "04", "--excel").returncode == 2  # CSV options without CSV


def test_gbk_refuses_what_it_cannot_hold(tmp_path):
    """English titles carry an em dash; GBK has one, but not every character: the failure names
    the row and column and writes nothing."""
    from itss_graph.render.csv_excel import CsvEncodingError, csv_bytes

    with pytest.raises(CsvEncodingError, match=r"row 2, column 'title'.*utf-8-sig"):
        csv_bytes(["title"], [["ok"], ["emoji 🙂"]], encoding="gbk")


def test_xlsx_workbook_one_sheet_per_table(tmp_path):
    import openpyxl

    out = tmp_path / "std.xlsx"
    done = run("standards", "--profile", str(PROFILES / "scenario-1.yaml"), "--lang", "zh", "--format", "xlsx",
               "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["概要", "适用的标准（按相关程度排序）"]
    sheet = book["适用的标准（按相关程度排序）"]
    assert sheet.freeze_panes == "A3"  # caption, header frozen
    header = [c.value for c in sheet[2]]
    assert header == ["序号", "标准编号", "标准名称", "状态", "适用原因", "白皮书出处"]
    numbers = {sheet.cell(r, 2).value for r in range(3, sheet.max_row + 1)}
    assert {"GB/T 28827.1", "GB/T 28827.2", "GB/T 28827.3"} <= numbers
    assert sheet.cell(3, 3).font.name == "Microsoft YaHei"
    assert sheet.column_dimensions["C"].width > 20
    assert not any("kb:std-" in str(c.value) for row in sheet.iter_rows() for c in row)
    # the default file name, in the current directory
    done = run("standards", "--code", "040204", "--format", "xlsx", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "standards-040204.xlsx").is_file()


def test_ci_in_a_store(tmp_path):
    (tmp_path / "cis.csv").write_text("id,name,type,category\ndb1,db,database,\nsvc,pay,business-service,040303\n")
    (tmp_path / "relations.csv").write_text("source,type,target\ndb1,SUPPORTS,svc\n")
    db = tmp_path / "s.db"
    assert run("load", str(tmp_path), "--store", str(db)).returncode == 0
    done = run("standards", "--ci", "db1", "--store", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["services"][0]["id"] == "svc" and doc["services"][0]["category"] == "040303"
    assert "kb:std-运维-6" in [p["id"] for p in doc["planned"]]
    missing = run("standards", "--ci", "nope", "--store", str(db))
    assert missing.returncode == 2 and missing.stderr.startswith("itss: error: unknown CI id: 'nope'")


@pytest.mark.parametrize("args, message", [
    ((), "give exactly one of --ci, --ci-type, --code or --profile"),
    (("--code", "04", "--ci-type", "vm"), "(got --ci-type, --code)"),
    (("--code", "0999"), "itss: error: unknown GB/T 29264 code '0999'"),
    (("--ci-type", "toaster"), "itss: error: unknown CI type 'toaster'"),
    (("--format", "xml", "--code", "04"), "Invalid value for '--format'"),
    (("--code", "04", "--encoding", "latin-1"), "Invalid value for '--encoding'"),
])
def test_usage_and_input_errors_exit_2(args, message):
    done = run("standards", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_invalid_profile_names_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("party: 需方\nactivities: [飞行]\n", encoding="utf-8")
    done = run("standards", "--profile", str(bad))
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == f"itss: error: {bad}:2: activities: unknown activity '飞行'"


def test_word_report_of_standards(tmp_path):
    import docx

    path = tmp_path / "std.docx"
    done = run("report", "standards", "--code", "06", "--lang", "zh", "--docx", str(path))
    assert done.returncode == 0, done.stderr
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "适用的 ITSS 标准：06 运营服务"
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    titles = {row[2] for row in rows if len(row) == 6}
    assert "服务运营标准 第1部分：要求" in titles and "服务交付标准 第2部分：服务级别协议（SLA）规范" in titles
    assert any("第3917" in c or "表3-1" in c for row in rows for c in row)
