"""Organisation profiles: a YAML description of an organisation (or an engagement) that the
applicability and gap answers reason over.

A profile *describes the situation* — who the organisation is and what it does and has — never
the answer: it has no ``standards`` key. Every name may be written in Chinese or English, as a
label, an alternative label or a code of the knowledge base (``运行维护`` = ``Operations and
maintenance``; ``"04"`` = ``运行维护服务``)::

    name: 某银行数据中心                      # free text
    description: …                          # free text (also: source, notes)
    party: 需方                              # 需方 | 供方 | 第三方 | 行业主管部门 (or a list; a kind of
                                             # them listed in §1.3, e.g. 中央及地方各级政府部门信息中心)
    organization_types: [政府组织]            # kinds of organisation named in standards' scopes (one that
                                             # acts as a party, e.g. 建设单位 → 需方, declares it too)
    business_types: [运行维护, 服务外包]       # ITSS business areas it is engaged in
    categories: ["04"]                       # GB/T 29264 codes of the IT services it runs or buys
    service_objects: [机房基础设施, 数据库]     # what the services are delivered on
    ci_types: [database, server]             # CMDB CI types it operates (their categories/objects)
    activities: [评价供方服务质量]             # uses named in standards' scopes that it needs
    lifecycle_stage: 服务运营                 # or stages: [...]
    scale: {data_centres: 3}                 # free: reported back, no knowledge-base fact uses it
    has:                                     # what it declares it has (for `itss gap`)
      roles: [项目经理]
      processes: [事件管理, change management]
      technologies: []
      resources: [服务台, 知识库]
      indicators: [服务可用率]
      capabilities: []

Problems are :class:`ProfileError` naming the file, line and field. Names under ``has`` that the
knowledge base does not know are *not* errors (an organisation may list its own tools): they
are kept in :attr:`Profile.unknown` and reported by the answers.

Example:
    >>> import tempfile, pathlib
    >>> from itss_graph.knowledge.kb import KnowledgeBase
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
    >>> _ = p.write_text("party: customer (demand side)\\nbusiness_types: [运行维护]\\ncategories: ['04']\\n")
    >>> profile = load_profile(p, KnowledgeBase.load())
    >>> [(d.facet, KnowledgeBase.load().qname(d.value)) for d in profile.declared]
    [('party', 'kb:party-需方'), ('business_type', 'kb:biz-运行维护'), ('category', 'kb:cat-04')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itss_graph.errors import ItssError, Problem
from itss_graph.i18n import M_
from itss_graph.knowledge.applicability import Declared
from itss_graph.knowledge.kb import ITSS
from itss_graph.textmatch import did_you_mean

if TYPE_CHECKING:
    from itss_graph.knowledge.kb import KnowledgeBase

#: facet fields: profile key -> (facet, class of the values, what the values are called)
FACET_FIELDS: dict[str, tuple[str, str, str]] = {
    "party": ("party", ITSS + "Party", M_("party")),
    "parties": ("party", ITSS + "Party", M_("party")),
    "organization_types": ("organization_type", ITSS + "OrganizationType", M_("organisation type")),
    "business_types": ("business_type", ITSS + "BusinessType", M_("business type")),
    "categories": ("category", ITSS + "ServiceCategory", M_("GB/T 29264 category")),
    "service_objects": ("service_object", ITSS + "ServiceObject", M_("service object")),
    "activities": ("activity", ITSS + "Activity", M_("activity")),
    "lifecycle_stage": ("stage", ITSS + "LifecycleStage", M_("lifecycle stage")),
    "stages": ("stage", ITSS + "LifecycleStage", M_("lifecycle stage")),
}

#: what an organisation declares it has: profile key under ``has`` -> class of the items
HAS_FIELDS: dict[str, str] = {
    "roles": ITSS + "Role",
    "processes": ITSS + "Process",
    "technologies": ITSS + "Technology",
    "resources": ITSS + "ResourceType",
    "indicators": ITSS + "QualityIndicator",
    "capabilities": ITSS + "Capability",
}

TEXT_FIELDS = ("name", "description", "source", "notes")
OTHER_FIELDS = ("ci_types", "scale", "has")
ALL_FIELDS = (*TEXT_FIELDS, *FACET_FIELDS, *OTHER_FIELDS)


class ProfileError(ItssError):
    """A profile file is invalid; every problem is located by file, line and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0])
        more = "".join(f"\n  {p}" for p in problems[1:])
        super().__init__(first + (f" (and {len(problems) - 1} more){more}" if more else ""))

    def localized(self) -> str:
        """The problems in the language in use (``str()`` stays English)."""
        from itss_graph.i18n import _

        first, rest = self.problems[0].localized(), self.problems[1:]
        more = "".join(f"\n  {p.localized()}" for p in rest)
        return first + (_(" (and {n} more)").format(n=len(rest)) + more if rest else "")


@dataclass(frozen=True)
class Declaration:
    """A name the profile declares, where it is written, and what it resolved to."""

    field: str
    name: str
    line: int | None
    iri: str | None

    def as_dict(self) -> dict:
        return {"field": self.field, "name": self.name, "line": self.line, "iri": self.iri}


@dataclass
class Profile:
    """A loaded, validated profile."""

    path: str
    name: str
    description: str
    declared: list[Declared]
    declarations: list[Declaration]
    has: dict[str, list[Declaration]]
    unknown: list[Declaration]
    ci_types: list[str] = field(default_factory=list)
    scale: Any = None

    def values(self, facet: str) -> list[str]:
        """The IRIs the profile declares for one facet."""
        return list(dict.fromkeys(d.value for d in self.declared if d.facet == facet))

    def has_iris(self) -> set[str]:
        """Every knowledge-base item the profile declares it has."""
        return {d.iri for items in self.has.values() for d in items if d.iri}

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "name": self.name,
            "description": self.description,
            "declared": [d.as_dict() for d in self.declarations],
            "ci_types": self.ci_types,
            "scale": self.scale,
            "has": {k: [d.as_dict() for d in v] for k, v in self.has.items()},
            "unknown": [d.as_dict() for d in self.unknown],
        }


# ---------------------------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------------------------

@dataclass
class _Value:
    value: Any
    line: int


def _read_yaml(path: Path) -> _Value:
    import yaml

    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ProfileError([Problem(name, None, None, M_("no such file"))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([Problem(name, None, None, M_("cannot read the file: {exc}", exc=exc))]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError([Problem(name, mark.line + 1 if mark else None, None,
                                    M_("malformed YAML: {problem}", problem=problem))]) from None
    if root is None:
        raise ProfileError([Problem(name, None, None, M_("the profile is empty"))])

    loader = yaml.SafeLoader("")

    def convert(node) -> _Value:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, _Value] = {}
            for key, value in node.value:
                k = loader.construct_object(key)
                out[str(k)] = _Value(convert(value), key.start_mark.line + 1)
            return _Value(out, line)
        if isinstance(node, yaml.SequenceNode):
            return _Value([convert(item) for item in node.value], line)
        return _Value(loader.construct_object(node), line)

    return convert(root)


def _unwrap(value: _Value) -> Any:
    inner = value.value
    if isinstance(inner, dict):
        return {k: _unwrap(v.value) for k, v in inner.items()}
    if isinstance(inner, list):
        return [_unwrap(v) for v in inner]
    return inner


def _names(value: _Value, file: str, key: str, problems: list[Problem]) -> list[tuple[str, int]]:
    """A field holding one name or a list of names -> [(name, line)] (empty when null)."""
    if value.value is None:
        return []
    items = value.value if isinstance(value.value, list) else [value]
    out = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]" if isinstance(value.value, list) else key
        if isinstance(item.value, (str, int, float)) and not isinstance(item.value, bool):
            text = str(item.value).strip()
            if text:
                out.append((text, item.line))
                continue
        problems.append(Problem(file, item.line, where, M_("expected a name (text)")))
    return out


def _suggest(kb: "KnowledgeBase", cls: str, text: str) -> str:
    import difflib

    from itss_graph.knowledge.names import normalize

    names = []
    for iri in kb.instances(cls):
        for lang in ("zh", "en"):
            names.append(kb.label(iri, lang))
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    if not close:
        norm = normalize(text)
        close = [n for n in names if norm and norm in normalize(n)][:3]
    return did_you_mean(close, deferred=True)


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------

def load_profile(path: str | Path, kb: "KnowledgeBase", lang: str = "en") -> Profile:
    """Read and validate a profile file; raise :class:`ProfileError` listing every problem. ``lang``
    is the language of the labels in the chains that derive facts (a CI type's categories …)."""
    path = Path(path)
    file = str(path)
    root = _read_yaml(path)
    problems: list[Problem] = []
    if not isinstance(root.value, dict):
        raise ProfileError([Problem(file, root.line, None, M_("a profile is a mapping of fields ({fields})", fields=', '.join(ALL_FIELDS)))])
    fields: dict[str, _Value] = root.value
    for key, wrapped in fields.items():
        if key not in ALL_FIELDS:
            hint = (M_(" — a profile describes the organisation; the applicable standards are the answer")
                    if key in ("standards", "standard", "applies_standard") else "")
            problems.append(Problem(file, wrapped.line, key,
                                    M_("unknown field{hint}; expected one of {fields}", hint=hint, fields=', '.join(ALL_FIELDS))))

    declared: list[Declared] = []
    declarations: list[Declaration] = []
    for key, (facet, cls, what) in FACET_FIELDS.items():
        if key not in fields:
            continue
        for text, line in _names(fields[key].value, file, key, problems):
            found = kb.resolve(text, [cls])
            if len(found) == 1:
                declared.append(Declared(facet, found[0]))
                declarations.append(Declaration(key, text, line, found[0]))
            elif not found:
                problems.append(Problem(file, line, key, M_("unknown {what} {text!r}{suggest}", what=what, text=text, suggest=_suggest(kb, cls, text)),
                                        text))
            else:
                choices = ", ".join(kb.qname(f) for f in found)
                problems.append(Problem(file, line, key, M_("ambiguous {what} {text!r}: {choices}", what=what, text=text, choices=choices), text))

    # an organisation type a scope names is, in that engagement, a party (itss:actsAs): 建设单位 → 需方
    from itss_graph.knowledge.reasons import kb_step

    for d in [d for d in declared if d.facet == "organization_type"]:
        for party in kb.objects(d.value, ITSS + "actsAs"):
            if isinstance(party, str) and party not in {x.value for x in declared if x.facet == "party"}:
                declared.append(Declared("party", party, (kb_step(kb, d.value, ITSS + "actsAs", party, lang),)))
                declarations.append(Declaration("organization_types → party", kb.label(d.value, "zh"),
                                                None, party))

    ci_types: list[str] = []
    if "ci_types" in fields:
        from itss_graph.knowledge.reasons import Node
        from itss_graph.knowledge.subjects import declared_for_ci_type
        from itss_graph.schema import load_schema

        schema = load_schema()
        for text, line in _names(fields["ci_types"].value, file, "ci_types", problems):
            name = schema.resolve_ci_type(text)
            if name is None:
                problems.append(Problem(file, line, "ci_types", M_("unknown CI type {text!r} (see `itss types`)", text=text),
                                        text))
                continue
            ci_types.append(name)
            start = Node("profile:ci_types", f"{path.name} ci_types: {text}")
            for d in declared_for_ci_type(kb, name, lang, schema=schema, start=start):
                declared.append(d)
                declarations.append(Declaration(f"ci_types → {d.facet}", text, line, d.value))

    has: dict[str, list[Declaration]] = {}
    unknown: list[Declaration] = []
    if "has" in fields:
        inner = fields["has"].value
        if not isinstance(inner.value, dict):
            problems.append(Problem(file, inner.line, "has",
                                    M_("expected a mapping with keys {fields}", fields=', '.join(HAS_FIELDS))))
        else:
            for key, wrapped in inner.value.items():
                where = f"has.{key}"
                if key not in HAS_FIELDS:
                    problems.append(Problem(file, wrapped.line, where,
                                            M_("unknown field; expected one of {fields}", fields=', '.join(HAS_FIELDS))))
                    continue
                items = has.setdefault(key, [])
                if wrapped.value.value is None:
                    continue
                for text, line in _names(wrapped.value, file, where, problems):
                    found = kb.resolve(text, [HAS_FIELDS[key]])
                    decl = Declaration(where, text, line, found[0] if len(found) == 1 else None)
                    items.append(decl)
                    if decl.iri is None:
                        unknown.append(decl)

    for key in TEXT_FIELDS:
        if key in fields and not isinstance(fields[key].value.value, (str, type(None))):
            problems.append(Problem(file, fields[key].line, key, M_("expected text")))
    if problems:
        raise ProfileError(problems)
    text = {k: str(fields[k].value.value or "") for k in TEXT_FIELDS if k in fields}
    return Profile(file, text.get("name", path.stem), text.get("description", ""), declared,
                   declarations, has, unknown, ci_types,
                   _unwrap(fields["scale"].value) if "scale" in fields else None)
