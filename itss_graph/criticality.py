"""How critical a service is: the criticality policy of ``queries/criticality.yaml``.

Services carry their criticality in properties (``criticality``, ``tier`` …) with values in
many scales — tier 1/2/3, P1–P4, 关键/重要/一般, critical/high/medium/low. The policy maps each
value to a *level* (``critical``, ``important``, ``general``, ``low`` by default, most critical
first); answers rank services by level, the obligations and change windows are keyed by it.
Values are compared after trimming, case and width folding (NFKC) and collapsing spaces.

Example:
    >>> policy = criticality_policy()
    >>> [policy.level_of(p) for p in ({"tier": "1"}, {"criticality": "P2"}, {"tier": "一般"},
    ...                               {"criticality": "Low"}, {"criticality": "gold"}, {})]
    ['critical', 'important', 'general', 'low', None, None]
    >>> policy.rank("critical") < policy.rank("general") < policy.rank(None)
    True
    >>> policy.unknown_values({"criticality": "gold", "tier": "Ｔｉｅｒ １"})
    [('criticality', 'gold')]
"""

from __future__ import annotations

import unicodedata
import os
from functools import lru_cache

from itss_graph.errors import ItssError
from itss_graph.frozen import Frozen
from itss_graph.i18n import M_
from itss_graph.resources import resource_dir_names

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

POLICY_FILE = "criticality.yaml"


def normalise(value: Any) -> str:
    """A property value as the policy compares it.

    >>> normalise("  Tier  1 "), normalise("Ｐ１"), normalise(2)
    ('tier 1', 'p1', '2')
    """
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return " ".join(text.split())  # (runs of \s as one space: str.split's whitespace is re's \s)


class CriticalityPolicy(Frozen):
    """Levels (most critical first), the properties that carry them and the value map."""

    __slots__ = (
        "properties",  # tuple[str, ...]
        "levels",  # tuple[str, ...]
        "labels",  # dict[str, dict]: level -> {"en": ..., "zh": ...}
        "values",  # dict[str, str]: normalised value -> level
        "path",  # str
    )

    def __init__(self, properties: tuple[str, ...], levels: tuple[str, ...], labels: dict[str, dict] | None = None,
                 values: dict[str, str] | None = None, path: str = ""):
        init = object.__setattr__
        init(self, "properties", properties)
        init(self, "levels", levels)
        init(self, "labels", {} if labels is None else labels)
        init(self, "values", {} if values is None else values)
        init(self, "path", path)

    def level_of(self, props: dict | None) -> str | None:
        """The level of the first property with a known value, or None."""
        for key in self.properties:
            value = (props or {}).get(key)
            if value is None or str(value).strip() == "":
                continue
            level = self.values.get(normalise(value))
            if level is not None:
                return level
        return None

    def rank(self, level: str | None) -> int:
        """0 for the most critical level; unknown levels (None) rank after every level."""
        return self.levels.index(level) if level in self.levels else len(self.levels)

    def label(self, level: str | None, lang: str = "en") -> str:
        return (self.labels.get(level) or {}).get(lang, level or "") if level else ""

    def unknown_values(self, props: dict | None) -> list[tuple[str, Any]]:
        """(property, value) of every criticality property whose value the policy does not
        know (reported when loading)."""
        out = []
        for key in self.properties:
            value = (props or {}).get(key)
            if value is None or str(value).strip() == "":
                continue
            if normalise(value) not in self.values:
                out.append((key, value))
        return out

    def known_values(self) -> list[str]:
        return sorted(self.values, key=lambda v: (self.rank(self.values[v]), v))


def policy_path() -> Path:
    """The criticality policy in force: the last one found in the queries directories."""
    from pathlib import Path

    return Path(policy_file())


def policy_file() -> str:
    """:func:`policy_path` as a plain string (no pathlib on a cold query's path)."""
    found = [os.path.join(d, POLICY_FILE) for d in resource_dir_names("queries")
             if os.path.isfile(os.path.join(d, POLICY_FILE))]
    if not found:
        raise ItssError(M_("no {file} in the queries directories", file=POLICY_FILE))
    return found[-1]


def criticality_policy() -> CriticalityPolicy:
    """The policy in force (parsed once per content)."""
    return _policy(policy_file())


@lru_cache(maxsize=4)
def _policy(path: str) -> CriticalityPolicy:
    from itss_graph.cache import cached

    return cached("criticality-policy", [path], lambda: parse_policy(path))


def parse_policy(path: str | Path) -> CriticalityPolicy:
    """Read and check a policy file; a mistake is an error naming the file and the entry."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh.read()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ItssError(M_("{path}: cannot read the criticality policy: {exc}", path=path, exc=exc)) from None
    if not isinstance(doc, dict):
        raise ItssError(M_("{path}: the criticality policy must be a mapping with properties and levels", path=path))
    properties = doc.get("properties")
    if not isinstance(properties, list) or not properties or not all(isinstance(p, str) for p in properties):
        raise ItssError(M_("{path}: properties: give a list of property names, e.g. [criticality, tier]", path=path))
    levels, labels, values = [], {}, {}
    for k, entry in enumerate(doc.get("levels") or [], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            raise ItssError(M_("{path}: levels[{k}]: each level needs a name", path=path, k=k))
        name = entry["name"]
        if name in levels:
            raise ItssError(M_("{path}: levels[{k}]: level {name!r} is listed twice", path=path, k=k, name=name))
        levels.append(name)
        labels[name] = {"en": name, "zh": name, **(entry.get("label") or {})}
        for value in entry.get("values") or []:
            key = normalise(value)
            if key in values and values[key] != name:
                raise ItssError(M_("{path}: levels[{k}]: value {value!r} is already a value of level {level!r}", path=path, k=k, value=value, level=values[key]))
            values[key] = name
        values.setdefault(normalise(name), name)
    if not levels:
        raise ItssError(M_("{path}: levels: give at least one level", path=path))
    return CriticalityPolicy(tuple(properties), tuple(levels), labels, values, str(path))
