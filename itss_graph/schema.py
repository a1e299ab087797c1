"""The CMDB schema — CI types and relation types with failure semantics — read from the ontology.

The ontology (``ontology/cmdb.ttl`` plus any user ontology files) is the only list of CI types,
aliases and relation semantics; this module compiles it into plain Python objects and caches
the result (see :mod:`itss_graph.cache`), so the CLI does not import rdflib on every call.

Example:
    >>> schema = load_schema()
    >>> schema.resolve_ci_type("服务器")
    'server'
    >>> schema.relation_types["RUNS_ON"].on_target_failure
    'down'
"""

from __future__ import annotations

from functools import lru_cache

from itss_graph.cache import cached
from itss_graph.frozen import Frozen

CMDB = "https://w3id.org/itss-graph/cmdb#"

EFFECTS = ("down", "degraded", "redundant", "none")


class CIType(Frozen):
    """A CI class of the ontology."""

    __slots__ = (
        "name",  # short inventory name, e.g. "power-feed"
        "iri",
        "label_en",
        "label_zh",
        "layer",  # 1 = service … 9 = external; orders answers and layouts
        "is_service",
        "is_group",
        "aliases",  # tuple[str, ...]
        "network_tier",  # cmdb:networkTier: 1 nearest the network core, or None
    )

    def __init__(self, name: str, iri: str, label_en: str, label_zh: str, layer: int, is_service: bool = False,
                 is_group: bool = False, aliases: tuple[str, ...] = (), network_tier: int | None = None):
        init = object.__setattr__
        init(self, "name", name)
        init(self, "iri", iri)
        init(self, "label_en", label_en)
        init(self, "label_zh", label_zh)
        init(self, "layer", layer)
        init(self, "is_service", is_service)
        init(self, "is_group", is_group)
        init(self, "aliases", aliases)
        init(self, "network_tier", network_tier)


class RelationType(Frozen):
    """A relation type of the ontology with how failure crosses it."""

    __slots__ = (
        "name",  # e.g. "RUNS_ON"
        "iri",
        "label_en",
        "label_zh",
        "on_target_failure",  # effect on the source when the target fails (see EFFECTS)
        "on_source_failure",  # effect on the target when the source fails
        "aliases",  # tuple[str, ...]
        "acyclic",  # cmdb:acyclic: a cycle over this type is a data error
    )

    def __init__(self, name: str, iri: str, label_en: str, label_zh: str, on_target_failure: str,
                 on_source_failure: str, aliases: tuple[str, ...] = (), acyclic: bool = False):
        init = object.__setattr__
        init(self, "name", name)
        init(self, "iri", iri)
        init(self, "label_en", label_en)
        init(self, "label_zh", label_zh)
        init(self, "on_target_failure", on_target_failure)
        init(self, "on_source_failure", on_source_failure)
        init(self, "aliases", aliases)
        init(self, "acyclic", acyclic)


def _joined(text: str, separators: str, joiner: str) -> str:
    """``text`` with every run of white space or of ``separators`` replaced by ``joiner`` (as
    ``re.sub(r"[\\s<separators>]+", joiner, text)``; importing re costs a cold query ~7 ms).

    >>> _joined("  Power__feed  unit_", "_", "-"), _joined("runs-on", "-", "_")
    ('-Power-feed-unit-', 'runs_on')
    """
    if text.isalnum():  # the common case: a name without any separator
        return text
    out: list[str] = []
    run = False
    for ch in text:
        if ch.isspace() or ch in separators:
            if not run:
                out.append(joiner)
                run = True
        else:
            out.append(ch)
            run = False
    return "".join(out)


def _type_key(text: str) -> str:
    return _joined(text.strip().lower(), "_", "-")


def _relation_key(text: str) -> str:
    return _joined(text.strip().upper(), "-", "_")


class Schema(Frozen):
    """CI types and relation types, with alias lookup."""

    __slots__ = ("ci_types", "relation_types", "_ci_lookup", "_rel_lookup")

    def __init__(self, ci_types: dict[str, CIType], relation_types: dict[str, RelationType],
                 _ci_lookup: dict[str, str] | None = None, _rel_lookup: dict[str, str] | None = None):
        init = object.__setattr__
        init(self, "ci_types", ci_types)
        init(self, "relation_types", relation_types)
        init(self, "_ci_lookup", {} if _ci_lookup is None else _ci_lookup)
        init(self, "_rel_lookup", {} if _rel_lookup is None else _rel_lookup)

    def __repr__(self) -> str:  # the lookups are derived: left out
        return f"Schema(ci_types={self.ci_types!r}, relation_types={self.relation_types!r})"

    @classmethod
    def build(cls, ci_types: list[CIType], relation_types: list[RelationType]) -> "Schema":
        ci_lookup: dict[str, str] = {}
        for t in ci_types:
            for key in (t.name, t.label_en, t.label_zh, *t.aliases):
                if key:
                    ci_lookup.setdefault(_type_key(key), t.name)
        rel_lookup: dict[str, str] = {}
        for r in relation_types:
            for key in (r.name, r.label_en, r.label_zh, *r.aliases):
                if key:
                    rel_lookup.setdefault(_relation_key(key), r.name)
        return cls(
            {t.name: t for t in sorted(ci_types, key=lambda t: (t.layer, t.name))},
            {r.name: r for r in sorted(relation_types, key=lambda r: r.name)},
            ci_lookup,
            rel_lookup,
        )

    def resolve_ci_type(self, text: str) -> str | None:
        """The CI type a name or alias stands for, or None."""
        return self._ci_lookup.get(_type_key(text))

    def resolve_relation_type(self, text: str) -> str | None:
        """The relation type a name or alias stands for, or None."""
        return self._rel_lookup.get(_relation_key(text))

    def ci_type_names(self) -> dict[str, str]:
        """Every name a CI type goes by (its name, labels and aliases) -> the type."""
        return {key: t.name for t in self.ci_types.values()
                for key in (t.name, t.label_en, t.label_zh, *t.aliases) if key}

    def relation_type_names(self) -> dict[str, str]:
        """Every name a relation type goes by (its name, labels and aliases) -> the type."""
        return {key: r.name for r in self.relation_types.values()
                for key in (r.name, r.label_en, r.label_zh, *r.aliases) if key}

    def require_ci_type(self, text: str) -> str:
        """The CI type a name or alias stands for; an unknown one is an UnknownNameError
        naming the closest types (by name, label or alias).

        >>> load_schema().require_ci_type("swich")
        Traceback (most recent call last):
        itss_graph.errors.UnknownNameError: unknown CI type 'swich' (did you mean 'switch'?)
        """
        found = self.resolve_ci_type(text)
        if found is None:
            from itss_graph.errors import UnknownNameError
            from itss_graph.textmatch import closest  # unicodedata, re: only for the error

            raise UnknownNameError("CI type", text, closest(text, self.ci_type_names()))
        return found

    def require_relation_type(self, text: str) -> str:
        """The relation type a name or alias stands for; an unknown one is an UnknownNameError
        naming the closest types.

        >>> load_schema().require_relation_type("runs-on"), load_schema().require_relation_type("运行于")
        ('RUNS_ON', 'RUNS_ON')
        """
        found = self.resolve_relation_type(text)
        if found is None:
            from itss_graph.errors import UnknownNameError
            from itss_graph.textmatch import closest  # unicodedata, re: only for the error

            raise UnknownNameError("relation type", text, closest(text, self.relation_type_names()))
        return found

    def acyclic_types(self) -> list[str]:
        """Relation types that must not form cycles (``cmdb:acyclic true`` in the ontology)."""
        return [r.name for r in self.relation_types.values() if r.acyclic]

    def service_types(self) -> set[str]:
        return {t.name for t in self.ci_types.values() if t.is_service}

    def layer(self, ci_type: str) -> int:
        t = self.ci_types.get(ci_type)
        return t.layer if t else 99


def compile_schema() -> Schema:
    """Read the ontology's TBox files with rdflib and build the schema (slow; use load_schema)."""
    import rdflib
    from rdflib import RDFS, Literal, URIRef
    from rdflib.namespace import SKOS

    from itss_graph.ontology import ontology_files, parse_file

    graph = rdflib.Graph()
    for path in ontology_files().tbox:
        graph += parse_file(path)

    def term(name: str) -> URIRef:
        return URIRef(CMDB + name)

    def label(node, lang: str) -> str:
        for value in graph.objects(node, RDFS.label):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
        return ""

    def aliases(node) -> tuple[str, ...]:
        return tuple(sorted({str(a) for a in graph.objects(node, term("alias"))}))

    def effect(node, prop: str) -> str:
        value = graph.value(node, term(prop))
        notation = graph.value(value, SKOS.notation) if value is not None else None
        if notation is None or str(notation) not in EFFECTS:
            raise ValueError(f"relation type {node} has no valid cmdb:{prop}")
        return str(notation)

    ci_types = [
        CIType(
            name=str(name),
            iri=str(node),
            label_en=label(node, "en"),
            label_zh=label(node, "zh"),
            layer=int(graph.value(node, term("layer")) or 99),
            is_service=bool(graph.value(node, term("isService"))),
            is_group=bool(graph.value(node, term("isGroup"))),
            aliases=aliases(node),
            network_tier=_int_or_none(graph.value(node, term("networkTier"))),
        )
        for node, name in graph.subject_objects(term("typeName"))
    ]
    relation_types = [
        RelationType(
            name=str(name),
            iri=str(node),
            label_en=label(node, "en"),
            label_zh=label(node, "zh"),
            on_target_failure=effect(node, "onTargetFailure"),
            on_source_failure=effect(node, "onSourceFailure"),
            aliases=aliases(node),
            acyclic=bool(graph.value(node, term("acyclic"))),
        )
        for node, name in graph.subject_objects(term("relationName"))
    ]
    return Schema.build(ci_types, relation_types)


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The CMDB schema, from the cache when the ontology files have not changed."""
    from itss_graph.ontology import ontology_file_names

    return cached("cmdb-schema", ontology_file_names().tbox, compile_schema)
