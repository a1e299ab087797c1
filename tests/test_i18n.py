"""Chinese and English from one message catalogue: complete, compiled, chosen by --lang,
ITSS_LANG or the locale; what the commands print in Chinese has no English left in it; counts
take the right plural."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.test_cli import run

REPO = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("itss_i18n_tool", REPO / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_translation_and_the_mo_is_current():
    problems = _tool().problems()
    assert not problems, "\n".join(problems[:30])


def test_the_catalogue_holds_the_help_of_every_command_and_option():
    tool = _tool()
    helps = {message for message, _ in tool.command_help()}
    catalog = tool._read(tool.po_path("zh"), "zh")
    assert len(helps) > 150
    assert all(catalog.get(h) is not None and catalog.get(h).string for h in helps)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.support.demo import demo_store_at

    where = tmp_path_factory.mktemp("demo")
    demo_store_at(where, 0.05).close()
    return str(where / "demo.db")


# words of the interface that must not be left in English in Chinese output (ids, relation
# codes and data are not checked: they are what they are)
ENGLISH = re.compile(r"\b(Failure|impacts|down|degraded|services?|Services|Relations|Properties|Standards|"
                     r"History|matches?|similar|prefix|exact|Usage|Options|Commands|Examples?|error|did you mean|"
                     r"CIs|rests on|chains?|single points?|Business|Suggested|at risk|more|Show this|Why|"
                     r"providers|lost|left|next failure|itself|obligations|event level|Redundancy|window|roles from|"
                     r"Processes|Roles|Reports|Resources|changed|members|depth)\b")
# a domain label is shown in both languages, "事件管理 (Incident management)": the English beside
# the Chinese is meant to be there
BESIDE = re.compile(r"(?<=[\u3000-\u9fff]) \([^()（）]*\)")


def english_left(text: str) -> list[str]:
    """Lines of Chinese output with words of the interface still in English (ids and paths are
    data, left out)."""
    return [line for line in text.splitlines()
            if ENGLISH.search(BESIDE.sub("", re.sub(r"\S*/\S*|[\w.-]+:[\w.:-]+", "", line)))]


@pytest.mark.parametrize("args", [
    ["impact", "switch:dc1-core-1"], ["impact", "switch:dc1-core-1", "switch:dc1-core-2", "--no-obligations"],
    ["show", "switch:dc1-core-1"], ["find", "dc1-core"], ["history", "switch:dc1-core-1"],
    ["stats"], ["depends", "service:0003", "--limit", "5"], ["path", "service:0003", "site:dc1"],
    ["orphans", "--limit", "3"], ["spof", "service:0003"],
    ["impact", "switch:dc1-core-1", "--limit", "5"], ["impact", "switch:dc1-core-1", "--explain", "service:0003"],
    ["impact", "site:dc1", "--depth", "1", "--limit", "3"],
    ["blast-radius", "switch:dc1-core-1", "--limit", "5"], ["change-impact", "switch:dc1-core-1", "--limit", "5"],
])
def test_chinese_output_has_no_english_left(args, demo_db):
    done = run(*args, "--store", demo_db, "--lang", "zh")
    assert done.returncode == 0, done.stderr
    left = english_left(done.stdout)
    assert not left, "\n".join(left[:10])


@pytest.mark.parametrize("args", [
    ["standards", "--ci-type", "database"], ["standards", "--code", "04", "--verbose"],
    ["standards", "--ci", "switch:dc1-core-1", "--store", "DEMO"], ["gap", "--profile", "examples/profiles/scenario-2.yaml", "--met", "-v"],
    ["gap", "--profile", "examples/profiles/case-1-provider.yaml"], ["kb", "stats"], ["kb", "search", "事件管理"],
    ["report", "impact", "switch:dc1-core-1", "--format", "md", "--store", "DEMO"],
    ["report", "gap", "--profile", "examples/profiles/scenario-2.yaml", "--format", "md"],
    ["report", "standards", "--code", "040301", "--format", "md"],
])
def test_chinese_knowledge_answers_and_reports_have_no_english_left(args, demo_db):
    done = run(*[demo_db if a == "DEMO" else a for a in args], "--lang", "zh", cwd=str(REPO))
    assert done.returncode == 0, done.stderr
    assert not english_left(done.stdout), "\n".join(english_left(done.stdout)[:10])


def test_views_follow_the_language(demo_db, tmp_path):
    for args in (["spof", "service:0003"], ["depends", "service:0003"], ["impact", "switch:dc1-core-1"]):
        en, zh = tmp_path / f"{args[0]}-en.html", tmp_path / f"{args[0]}-zh.html"
        for lang, out in (("en", en), ("zh", zh)):
            done = run(*args, "--store", demo_db, "--html", str(out), "--lang", lang)
            assert done.returncode == 0, done.stderr
        page = zh.read_text(encoding="utf-8")
        assert en.read_bytes() != zh.read_bytes(), args
        assert "图例" in page and "Legend" not in page, args


def test_help_in_chinese(demo_db):
    from tests.test_help import COMMAND_LIST

    for name, _ in COMMAND_LIST:
        words = name.split() if name != "itss" else []
        done = run(*words, "--help", env={"ITSS_LANG": "zh"})
        assert done.returncode == 0, (name, done.stderr)
        assert done.stdout.startswith("用法："), name
        assert "示例：" in done.stdout and "Examples:" not in done.stdout, name
        assert "显示此帮助并退出。" in done.stdout, name


def test_errors_in_chinese(demo_db):
    done = run("impact", "switch:dc1-core1", "--store", demo_db, "--lang", "zh")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == ("itss：错误：未知的配置项标识：'switch:dc1-core1'"
                                           "（是否指 'switch:dc1-core-1' dc1-core-sw-1？）")
    assert run("impct", env={"ITSS_LANG": "zh"}).stderr.startswith("itss：错误：没有命令 'impct'（是否指 'impact'？）")


def test_language_from_option_environment_and_locale(demo_db):
    zh = "冗余组 (1)"
    assert zh in run("impact", "switch:dc1-core-1", "--store", demo_db, env={"ITSS_LANG": "zh"}).stdout
    assert zh in run("impact", "switch:dc1-core-1", "--store", demo_db, env={"LANG": "zh_CN.UTF-8"}).stdout
    assert zh not in run("impact", "switch:dc1-core-1", "--store", demo_db, "--lang", "en",
                         env={"ITSS_LANG": "zh"}).stdout
    assert zh not in run("impact", "switch:dc1-core-1", "--store", demo_db, env={"LANG": "C.UTF-8"}).stdout
    assert "redundancy-group (1)" in run("--lang", "en", "impact", "switch:dc1-core-1", "--store", demo_db).stdout


def test_plurals_in_both_languages(tmp_path):
    from itss_graph.loading.example import example_store

    db = str(tmp_path / "example.db")
    example_store(db).close()
    one = run("change-impact", "application:shop", "--store", db).stdout.splitlines()[0]
    two = run("change-impact", "database:orders", "--store", db).stdout.splitlines()[0]
    assert one == "Change taking down application:shop: 1 service down, 0 at risk"
    assert two == "Change taking down database:orders: 2 services down, 0 at risk"
    assert run("find", "shop", "--store", db).stdout.startswith("2 CIs match 'shop'")
    assert run("find", "orders", "--store", db).stdout.startswith("1 CI matches 'orders'")
    zh = run("change-impact", "application:shop", "--store", db, "--lang", "zh").stdout.splitlines()[0]
    assert zh == "变更使 application:shop 停机：中断服务 1 个，有风险 0 个"
    impact = run("impact", "pdu:a", "--store", db).stdout
    assert "0 services down, 2 at risk" in impact.splitlines()[0]
    assert "Redundancy lost (2 CIs degraded, 1 lost through a group):" in impact
    assert "now single point of failure: pdu:b" in impact
    zh = run("impact", "pdu:a", "--store", db, "--lang", "zh").stdout
    assert "中断服务 0 个，有风险 2 个" in zh.splitlines()[0]
    assert "冗余丧失（降级配置项 2 个，因冗余组失效而中断 1 个）：" in zh


def test_json_is_the_same_in_both_languages(tmp_path):
    from itss_graph.loading.example import example_store

    db = str(tmp_path / "example.db")
    example_store(db).close()
    for args in (["find", "db"], ["blast-radius", "server:db1"], ["depends", "service:shop"], ["types"]):
        en = run(*args, "--store", db, "--format", "json", "--lang", "en").stdout
        zh = run(*args, "--store", db, "--format", "json", "--lang", "zh").stdout
        if args[0] == "types":  # labels are the language's by design
            continue
        assert en == zh, args


# -- loader problems, workbooks, Word reports and canned queries in Chinese -------------------------
# Stricter than ENGLISH: any Latin word left, once data is taken out — ids, paths, quoted values,
# options, CI names of the store, the English beside a Chinese label, and Latin that is part of a
# Chinese term ("Web服务器", "SWOT分析") — is English the reader did not ask for.
DATA_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\S*[:/\\$@=\d]\S*|--[\w-]+|\.\w+|itss-graph|itss(?: [a-z-]+)*"
                        r"|\S*[a-z]_[a-z]\S*")  # ... and lower-case names (shift_jis, min_up; not MEMBER_OF)
LATIN = re.compile(r"(?<![\u3000-\u9fff\w])[A-Za-z][\w-]*[A-Za-z](?![\u3000-\u9fff\w])")
NAMES = {"CSV", "JSON", "YAML", "UTF", "Excel", "LibreOffice", "NetBox", "Unicode", "HTTP", "HTML", "URL", "MiB",
         "ITSS", "SLA", "GB", "IT", "UTC", "SQLite", "Neo4j", "Cypher", "Browser", "CSR", "numpy", "SQL", "APOC",
         "Graph", "BOM", "FIFO", "itss-graph", "openpyxl", "FILE", "VALUE"}  # names, and metavars
# what was asked, as typed (`ci-type database`, `code 04`, `has` of a profile): not interface words
AS_TYPED = {"ci", "ci-type", "code", "profile", "has"}


def latin_left(text: str, data: set[str] = frozenset()) -> list[str]:
    """The Latin words of Chinese ``text`` that are neither data nor names (see above).

    >>> latin_left("未知的配置项类型 'sever'（是否指 'server'？）"), latin_left("status at-risk 中断")
    ([], ['status', 'at-risk'])
    """
    for value in sorted((d for d in data if d in text), key=len, reverse=True):
        text = text.replace(value, " ")
    text = DATA_TOKEN.sub(" ", BESIDE.sub("", text))
    return [w for w in LATIN.findall(text) if w not in NAMES and w not in AS_TYPED]


def _problem_message(line: str) -> str:
    """A problem line without its location (``file:line: field:``: the user's own names)."""
    return re.sub(r"^\s*\S+?(:\d+)?: (\S+?: )?", "", line)


@pytest.mark.parametrize("files, options", [
    ({"cis.csv": "id,name,type\nserver:1,s1,sever\nserver:2,,\nserver:3,\x07bell,server\n"}, []),
    ({"cis.csv": "id,name,type\nserver:1,s1,server\n", "relations.csv": "source,type,target\nserver:1,RUNS_ONN,vm:9\n"}, []),
    ({"cis.csv": "id,name,type\n"}, ["--prune", "--source", "s"]),
    ({"cis.csv": "id,name,type\nserver:1,数据库,server\n".encode("gbk")}, ["--encoding", "shift_jis"]),
    ({"cis.csv": b"id,name,type\nserver:1,\xff\xfe\x80,server\n"}, []),
    ({"cis.csv": "id,name,type\n"}, ["--profile", "cn-asset-registr"]),
    ({"inventory.json": '{"cis": [{"id": "server:1", "id": "x", "type": "server"}], "extra": 1}'}, []),
    ({"missing.csv": None}, []),
])
def test_loader_errors_in_chinese(files, options, tmp_path):
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        paths.append(str(path))
    done = run("--lang", "zh", "load", *paths, *options, "--store", str(tmp_path / "s.db"))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("itss：错误：") and len(lines) > 1, done.stderr
    from itss_graph.loading.profiles import available_profiles

    left = {line: latin_left(_problem_message(line), set(available_profiles())) for line in lines[1:]}
    assert not any(left.values()), "\n".join(f"{k}  {v}" for k, v in left.items() if v)


def test_loader_problems_stay_english_in_json(tmp_path):
    """The report's JSON is one contract in every language: the problem's message is English."""
    (tmp_path / "cis.csv").write_text("id,name,type\nserver:1,s1,sever\nserver:2,s2,server\n", encoding="utf-8")
    docs = [run("--lang", lang, "load", str(tmp_path / "cis.csv"), "--on-error", "skip", "--dry-run",
                "--format", "json", "--store", str(tmp_path / "s.db")) for lang in ("en", "zh")]
    assert docs[0].stdout == docs[1].stdout and "unknown CI type 'sever'" in docs[0].stdout
    assert "未知的配置项类型 'sever'" in run("--lang", "zh", "load", str(tmp_path / "cis.csv"), "--on-error", "skip",
                                          "--dry-run", "--store", str(tmp_path / "s.db")).stdout


def _workbook_texts(path: Path) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [ws.title for ws in book.worksheets] + [
        cell for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row
        if isinstance(cell, str)]


def _word_texts(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells]


@pytest.mark.parametrize("args", [
    ["impact", "switch:dc1-core-1", "--store", "DEMO", "--format", "xlsx"],
    ["blast-radius", "switch:dc1-core-1", "--store", "DEMO", "--format", "xlsx"],
    ["spof", "service:0003", "--store", "DEMO", "--format", "xlsx"],
    ["spof", "--store", "DEMO", "--format", "xlsx"],
    ["gap", "--profile", "examples/profiles/scenario-2.yaml", "--format", "xlsx"],
    ["standards", "--ci-type", "database", "--format", "xlsx"],
    ["report", "gap", "--profile", "examples/profiles/scenario-2.yaml", "--docx"],
    ["report", "standards", "--code", "040301", "--docx"],
])
def test_workbooks_and_word_reports_in_chinese(args, demo_db, tmp_path):
    import sqlite3

    out = tmp_path / ("answer.docx" if "--docx" in args else "answer.xlsx")
    args = [demo_db if a == "DEMO" else a for a in args]
    done = run(*args, *([str(out)] if "--docx" in args else ["-o", str(out)]), "--lang", "zh", cwd=str(REPO))
    assert done.returncode == 0, done.stderr
    texts = _word_texts(out) if out.suffix == ".docx" else _workbook_texts(out)
    with sqlite3.connect(demo_db) as db:
        names = {name for (name,) in db.execute("SELECT name FROM ci") if name}
    asked = set(args)  # what was asked (a CI type, a code) is shown as typed
    left = {text: latin_left(text, names | asked) for text in texts}
    assert not any(left.values()), "\n".join(f"{k[:120]}  {v}" for k, v in left.items() if v)


def test_canned_queries_show_in_chinese():
    """`queries --show NAME`: the interface lines (``-- …``) are Chinese; the statements and the
    reference Cypher are query text, shown as written."""
    from itss_graph.catalogue import catalogue

    for query in catalogue().values():
        done = run("--lang", "zh", "queries", "--show", query.name)
        assert done.returncode == 0, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.startswith("-- ")]
        assert lines and lines[0].startswith("-- 预置查询"), (query.name, done.stderr)
        left = {line: latin_left(line) for line in lines}
        assert not any(left.values()), (query.name, {k: v for k, v in left.items() if v})


@pytest.mark.parametrize("args", [
    ["standards", "--code", "99"], ["gap", "--profile", "nothing.yaml"], ["kb", "show", "nothing"],
    ["query", "nothing"], ["query", "cis-of-type"], ["impact", "switch:dc1-core-1", "--store", "nothing/x.db"],
    ["kb", "sparql", "DELETE WHERE { ?s ?p ?o }"],
])
def test_errors_of_lower_layers_in_chinese(args, tmp_path):
    """Errors raised below the CLI (knowledge, catalogue, stores) are shown in the language in use."""
    done = run("--lang", "zh", *args, cwd=str(tmp_path))
    assert done.returncode == 2, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("itss：错误：") and not latin_left(first), first
