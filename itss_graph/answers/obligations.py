"""ITSS obligations of an impact answer: what the standards oblige the team to do.

The policy (``queries/obligations.yaml``) grades the situation into an emergency-event level
and names, for each condition, knowledge-base entities: GB/T 28827.3 emergency tasks, ITSM
processes, roles (read from a stage table cell of the white paper), resources, reports due and
quality characteristics hit. Each comes back with its labels and its white-paper provenance,
so the answer is traceable; nothing here names an entity the knowledge base does not hold
(an unknown IRI in the policy is an error naming the file).

Example:
    >>> s = Situation(services_down={"critical": 1}, services_at_risk=0, cis_down=3)
    >>> o = assess(s)
    >>> o.level["level"], "kb:emtask-预案启动" in [i["iri"] for i in o.items("emergency_tasks")]
    (1, True)
"""

from __future__ import annotations

import os
from collections import namedtuple
from functools import lru_cache

from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.resources import resource_dir_names

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib (with urllib.parse, ipaddress) is not imported on a cold query's path
    from pathlib import Path

POLICY_FILE = "obligations.yaml"
KINDS = ("emergency_tasks", "processes", "roles", "resources", "reports", "quality_hit")


class Situation(namedtuple("Situation", [
        "services_down",  # dict[str, int]: criticality level (queries/criticality.yaml) or "unknown" -> count
        "services_at_risk",  # int
        "cis_down",  # int
    ])):
    """What an impact answer amounts to, for the policy's conditions."""

    __slots__ = ()

    @property
    def any_service_down(self) -> int:
        return sum(self.services_down.values())


class Obligations:
    """The event level of a situation and the sections of the policy it meets."""

    __slots__ = ("level", "sections")

    def __init__(self, level: dict, sections: list[dict] | None = None):
        self.level = level
        self.sections = [] if sections is None else sections

    def __repr__(self) -> str:
        return f"Obligations(level={self.level!r}, sections={self.sections!r})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.level, self.sections) == (other.level, other.sections)

    __hash__ = None  # mutable

    def items(self, kind: str) -> list[dict]:
        seen, out = set(), []
        for section in self.sections:
            for item in section["items"].get(kind, []):
                if item["iri"] not in seen:
                    seen.add(item["iri"])
                    out.append(item)
        return out

    def as_dict(self) -> dict:
        return {"event_level": self.level, "sections": self.sections,
                "policy": policy_file()}


def policy_path() -> Path:
    """The obligations policy in force: the last one found in the queries directories."""
    from pathlib import Path

    return Path(policy_file())


def policy_file() -> str:
    """:func:`policy_path` as a plain string (no pathlib on a cold query's path)."""
    found = [os.path.join(d, POLICY_FILE) for d in resource_dir_names("queries")
             if os.path.isfile(os.path.join(d, POLICY_FILE))]
    if not found:
        raise ItssError(M_("no {file} in the queries directories", file=POLICY_FILE))
    return found[-1]


@lru_cache(maxsize=4)
def _policy(path: str) -> dict:
    """The parsed policy, cached by content (parsing YAML costs more than a small answer)."""
    from itss_graph.cache import cached

    return cached("obligations-policy", [path], lambda: _parse_policy(path))


def _parse_policy(path: str) -> dict:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ItssError(M_("{path}: cannot read the obligations policy: {exc}", path=path, exc=exc)) from None


def _at_most(spec) -> int | None:
    """N of a ``<= N`` level condition (``\\s*<=\\s*(\\d+)\\s*``, read without importing re), else None.

    >>> _at_most(" <= 3 "), _at_most("<=12"), _at_most("< 3"), _at_most("<= 3 4"), _at_most(2)
    (3, 12, None, None, None)
    """
    text = str(spec).strip()  # (str.strip strips what re calls \s)
    if not text.startswith("<="):
        return None
    digits = text[2:].lstrip()
    return int(digits) if digits.isdecimal() else None


def _holds(condition: dict, situation: Situation, level: int | None) -> bool:
    for key, spec in (condition or {}).items():
        if key == "services_down":
            wanted = spec.get("criticality")
            count = situation.services_down.get(wanted, 0) if wanted else situation.any_service_down
            if count < spec.get("at_least", 1):
                return False
        elif key == "services_at_risk":
            if situation.services_at_risk < spec.get("at_least", 1):
                return False
        elif key == "cis_down":
            if situation.cis_down < spec.get("at_least", 1):
                return False
        elif key == "level":
            limit = _at_most(spec)
            if limit is None or level is None or level > limit:
                return False
        else:
            raise ItssError(M_("{policy_path}: unknown condition {key!r}", policy_path=policy_file(), key=key))
    return True


def assess(situation: Situation) -> Obligations:
    """The event level and the obligations of a situation, with KB labels and provenance."""
    path = policy_file()
    policy = _policy(path)
    described = _described_sections(path)
    level_entry = next((entry for entry in policy.get("event_levels", [])
                        if _holds(entry.get("when"), situation, None)), None)
    level = ({"level": level_entry["level"], "name": level_entry["name"]} if level_entry
             else {"level": None, "name": {"en": "no event", "zh": "无事件"}})
    result = Obligations(level)
    for section, items in zip(policy.get("obligations", []), described):
        if not _holds(section.get("when"), situation, level["level"]):
            continue
        if isinstance(items, str):  # a name the knowledge base does not hold
            raise ItssError(items)
        result.sections.append({"title": section.get("title", {}), "items": _copied(items)})
    return result


def _copied(value):
    """A copy of described items (dicts, lists, strings): the cached descriptions stay as they
    are whatever a caller does with its answer (copy.deepcopy did it at ~3x the cost).

    >>> items = {"roles": [{"iri": "kb:r", "label": {"en": "R"}, "provenance": []}]}
    >>> copied = _copied(items); copied == items and copied["roles"][0]["label"] is not items["roles"][0]["label"]
    True
    """
    if type(value) is dict:
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    return value


@lru_cache(maxsize=4)
def _described_sections(path: str) -> list:
    """Per section of the policy, its items described from the knowledge base (or the error
    message of a name it does not hold), cached by the contents of the policy and the
    knowledge base: an answer then never loads the whole knowledge base."""
    from itss_graph.cache import cached
    from itss_graph.ontology import ontology_file_names

    return cached("obligations-described", [path, *ontology_file_names().all_data],
                  lambda: _describe_sections(path))


def _describe_sections(path: str) -> list:
    from itss_graph.knowledge.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    out: list = []
    for section in _policy(path).get("obligations", []):
        items: dict[str, list[dict]] = {}
        try:
            for kind, names in (section.get("items") or {}).items():
                if kind == "roles_from":
                    items["roles"] = [describe_entity(kb, role, path)
                                      for cell in names for role in kb.objects(_iri(kb, cell, path), "itss:requires")]
                    items.setdefault("roles_source", [describe_entity(kb, cell, path) for cell in names])
                else:
                    items[kind] = [describe_entity(kb, name, path) for name in names]
        except ItssError as exc:
            out.append(str(exc))
            continue
        out.append(items)
    return out


def _iri(kb, name: str, path: str | Path) -> str:
    iri = kb.expand(name)
    if iri not in kb:
        raise ItssError(M_("{path}: {name} is not in the knowledge base", path=path, name=name))
    return iri


def describe_entity(kb, name: str, path: str | Path) -> dict:
    """A KB entity for an answer: prefixed IRI, labels in both languages, provenance.
    ``path`` names the file that referred to it, for the error when it is unknown."""
    iri = _iri(kb, name, path)
    refs = kb.provenance(iri)
    return {"iri": kb.qname(iri), "label": {"zh": kb.label(iri, "zh"), "en": kb.label(iri, "en")},
            "provenance": [{"source": ref.label_zh, "section": ref.section,
                            "lines": f"{ref.start_line}-{ref.end_line}"} for ref in refs[:3]]}


def situation_of(store, result, schema=None, radius=None) -> Situation:
    """Grade an :class:`ImpactResult` (its whole closure): services down by criticality (a
    failed service is down), services at risk, CIs down. ``radius``: the answer's
    :class:`~itss_graph.engine.blast.BlastRadius` when already computed."""
    from itss_graph.engine.blast import assess

    radius = radius if radius is not None else assess(store, result, schema=schema)
    by_criticality: dict[str, int] = {}
    for service in radius.down:
        key = service.criticality or "unknown"
        by_criticality[key] = by_criticality.get(key, 0) + 1
    cis_down = result.whole.columns.count_down()
    return Situation(by_criticality, len(radius.at_risk), cis_down + len(result.sources))


def obligations(store, result, schema=None, radius=None) -> dict:
    """What ITSS obliges the team to do after the failure an impact answer describes: the
    event level and, per condition met, the KB entities (emergency tasks, processes, roles,
    reports, quality characteristics hit) with their white-paper provenance — the JSON
    contract's ``obligations`` object.

    >>> from itss_graph.loading.example import example_store
    >>> from itss_graph.engine.impact import impact
    >>> store = example_store()
    >>> answer = obligations(store, impact(store, ["server:db1"]))
    >>> answer["event_level"]["name"]["en"]
    'Level I: critical service outage'
    >>> [s["title"]["en"] for s in answer["sections"]][:2]
    ['Emergency response (GB/T 28827.3)', 'Incident and problem management']
    """
    return assess(situation_of(store, result, schema, radius)).as_dict()
