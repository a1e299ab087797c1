"""Words of answers shown to people, in the language in use: CI types and relation types (the
ontology's ``rdfs:label@zh`` / ``@en``), effects, statuses and criticalities (the message
catalogue). Tables and text use them; JSON and CSV keep the codes.

Example:
    >>> from itss_graph.i18n import set_language
    >>> set_language("zh")
    'zh'
    >>> type_label("server"), relation_label("RUNS_ON"), word("down"), word("at-risk")
    ('服务器', '运行于', '中断', '有风险')
    >>> set_language("en")
    'en'
    >>> type_label("server"), relation_label("RUNS_ON"), word("down")
    ('server', 'RUNS_ON', 'down')
"""

from __future__ import annotations

from itss_graph.i18n import N_, _, language

WORDS = {
    "down": N_("down"), "degraded": N_("degraded"), "redundant": N_("redundant"), "none": N_("none"),
    "at-risk": N_("at risk"), "critical": N_("critical"), "important": N_("important"),
    "general": N_("general"), "yes": N_("yes"), "created": N_("created"), "updated": N_("updated"),
    "deleted": N_("deleted"), "unchanged": N_("unchanged"),
}


# the column names of answers' tables (CSV keeps them as written; tables show them translated)
HEADERS = (N_("id"), N_("type"), N_("name"), N_("status"), N_("criticality"), N_("sla"), N_("users"),
           N_("depth"), N_("distance"), N_("via"), N_("to"), N_("from"), N_("spof"), N_("explains"), N_("of"),
           N_("symptoms explained"), N_("services_down"), N_("cis_lost"), N_("length"), N_("chain"), N_("#"),
           N_("category"), N_("title"), N_("cli"), N_("effect"), N_("load"), N_("at"), N_("source"),
           N_("event"), N_("changes"), N_("kind"), N_("count"), N_("label"), N_("layer"), N_("aliases"))


def word(value) -> str:
    """A code of an answer (effect, status, criticality, event) as a word of the language in
    use; other values unchanged."""
    key = "" if value is None else str(value)
    return _(WORDS[key]) if key in WORDS else key


def type_label(name: str) -> str:
    """A CI type as shown: its name in English (what people type), its Chinese label in zh."""
    if language() != "zh":
        return name
    from itss_graph.schema import load_schema

    ci_type = load_schema().ci_types.get(name)
    return ci_type.label_zh if ci_type and ci_type.label_zh else name


def relation_label(name: str) -> str:
    """A relation type as shown: its name in English, its Chinese label in zh."""
    if language() != "zh" or not name:
        return name
    from itss_graph.schema import load_schema

    rel = load_schema().relation_types.get(name)
    return rel.label_zh if rel and rel.label_zh else name
