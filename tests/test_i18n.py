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
                     r"CIs|rests on|chains?|single points?|Business|Suggested|at risk|more|Show this)\b")


@pytest.mark.parametrize("args", [
    ["impact", "switch:dc1-core-1"], ["impact", "switch:dc1-core-1", "switch:dc1-core-2", "--no-obligations"],
    ["show", "switch:dc1-core-1"], ["find", "dc1-core"], ["history", "switch:dc1-core-1"],
    ["stats"], ["depends", "service:0003", "--limit", "5"], ["path", "service:0003", "site:dc1"],
    ["orphans", "--limit", "3"], ["spof", "service:0003"],
])
def test_chinese_output_has_no_english_left(args, demo_db):
    done = run(*args, "--store", demo_db, "--lang", "zh")
    assert done.returncode == 0, done.stderr
    left = [line for line in done.stdout.splitlines() if ENGLISH.search(re.sub(r"[\w.-]+:[\w.:-]+", "", line))]
    assert not left, "\n".join(left[:10])


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
    assert one == "Change taking down application:shop: 1 service affected"
    assert two == "Change taking down database:orders: 2 services affected"
    assert run("find", "shop", "--store", db).stdout.startswith("2 CIs match 'shop'")
    assert run("find", "orders", "--store", db).stdout.startswith("1 CI matches 'orders'")
    zh = run("change-impact", "application:shop", "--store", db, "--lang", "zh").stdout.splitlines()[0]
    assert zh == "变更使 application:shop 停机：影响 1 个服务"


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
