"""One place per language for the interface's words: ``itss_graph/serve/messages/en.json`` and
``zh.json`` name the same keys, every key the scripts ask for is in both, and no Chinese word
is left in English (or the other way round) by mistake."""

from __future__ import annotations

import re

from itss_graph.serve.pages import MESSAGES, STATIC, messages

# t("key") and T["key"]; keys built from a prefix (t("status." + s)) are listed with their values
USED = re.compile(r"""\bt\("([a-z_]+(?:\.[a-z_]+)+)"|T\["([a-z_.]+)"\]""")
BUILT = {
    "status.": ["down", "at-risk"], "effect.": ["down", "degraded", "redundant", "none"],
    "criticality.": ["critical", "important", "general"], "event.": ["created", "updated", "deleted"],
    "role.": ["provider", "dependant", "related"], "role_short.": ["provider", "dependant", "related"],
    "role_one.": ["provider", "dependant", "related"], "format.": ["json", "csv", "html"],
    "match.": ["exact", "prefix", "substring", "similar"],
    "obligations.kind.": ["emergency_tasks", "processes", "roles", "resources", "reports", "quality_hit"],
    "graph.group_": ["none", "type", "rack", "site", "service"],
}


def used_keys() -> set[str]:
    keys = set()
    for path in STATIC.glob("*.js"):
        for a, b in USED.findall(path.read_text(encoding="utf-8")):
            if not (a or b).endswith(("_", ".")):  # a prefix: its keys are in BUILT
                keys.add(a or b)
    for prefix, values in BUILT.items():
        keys.update(prefix + v for v in values)
    keys.update(f"home.card.{c}.{part}" for c in ("whatif", "graph", "standards", "spof", "path", "rootcause")
                for part in ("title", "text"))
    return keys


def test_both_languages_name_the_same_words():
    assert sorted(p.name for p in MESSAGES.glob("*.json")) == ["en.json", "zh.json"]
    assert set(messages("en")) == set(messages("zh"))


def test_every_word_the_scripts_ask_for_is_there():
    missing = used_keys() - set(messages("en"))
    assert missing == set()


def test_the_chinese_words_are_chinese_and_the_english_ones_english():
    han = re.compile(r"[\u4e00-\u9fff]")
    for key, text in messages("en").items():
        assert not han.search(text) or key == "lang.other", key
    same = {k for k, v in messages("zh").items() if v == messages("en")[k]}
    assert same == {"format.json", "format.csv", "col.sla"}  # the same word in both
