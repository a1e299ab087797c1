"""The catalogue of canned queries (``queries/*.yaml``), searchable, with the query text behind
each answer.

Each file describes one question: its name, category, title and question in Chinese and
English, audience, parameters, the CLI form, the algorithm, and a reference Cypher for people
who want to run something similar in Neo4j Browser. User directories (``ITSS_QUERIES_PATH``,
``~/.config/itss-graph/queries``) add files or replace built-in ones of the same name.
``--show-query`` prints the statements the engine really runs on the store in use
(:func:`itss_graph.stores.engine_statements`), taken from the code that runs them.

Example:
    >>> names = [q.name for q in catalogue().values()]
    >>> "spof" in names and "impact" in names
    True
    >>> [q.name for q in search("单点故障", category="resilience")]
    ['spof']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from itss_graph.errors import ItssError
from itss_graph.i18n import M_
from itss_graph.resources import resource_dirs

NOT_QUERIES = {"obligations.yaml", "criticality.yaml"}  # policy files beside the queries


@dataclass(frozen=True)
class CannedQuery:
    name: str
    category: str
    title: dict
    question: dict
    audience: tuple[str, ...]
    parameters: tuple[dict, ...]
    cli: str
    algorithm: dict
    reference_cypher: str
    path: Path
    extra: dict = field(default_factory=dict, compare=False)

    def text(self, lang: str) -> str:
        """Everything searchable, in one string."""
        return " ".join([self.name, self.category, self.title.get(lang, ""), self.question.get(lang, ""),
                         self.title.get("zh", ""), self.question.get("zh", ""), " ".join(self.audience)])

    def as_dict(self, lang: str = "en") -> dict:
        return {"name": self.name, "category": self.category, "title": self.title.get(lang, ""),
                "question": self.question.get(lang, ""), "audience": list(self.audience),
                "parameters": [{"name": p["name"], "required": bool(p.get("required")),
                                "multiple": bool(p.get("multiple")),
                                "description": (p.get("description") or {}).get(lang, "")}
                               for p in self.parameters],
                "cli": self.cli, "file": str(self.path)}


def catalogue() -> dict[str, CannedQuery]:
    """All canned queries by name (user files override built-in ones of the same name)."""
    import yaml

    found: dict[str, CannedQuery] = {}
    for directory in resource_dirs("queries"):
        for path in sorted(directory.glob("*.yaml")):
            if path.name in NOT_QUERIES:
                continue
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                query = CannedQuery(
                    name=doc["name"], category=doc.get("category", "other"),
                    title=doc.get("title", {}), question=doc.get("question", {}),
                    audience=tuple(doc.get("audience", [])), parameters=tuple(doc.get("parameters", [])),
                    cli=doc.get("cli", ""), algorithm=doc.get("algorithm", {}),
                    reference_cypher=doc.get("reference_cypher", ""), path=path,
                    extra={k: v for k, v in doc.items() if k not in {
                        "name", "category", "title", "question", "audience", "parameters", "cli",
                        "algorithm", "reference_cypher"}})
            except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
                raise ItssError(M_("{path}: not a valid canned-query file: {exc}", path=path, exc=exc)) from None
            found[query.name] = query
    return dict(sorted(found.items()))


def get(name: str) -> CannedQuery:
    queries = catalogue()
    if name not in queries:
        from itss_graph.textmatch import closest, did_you_mean

        raise ItssError(M_("no canned query named {name!r}{did_you_mean}; `itss queries` lists them", name=name, did_you_mean=did_you_mean(closest(name, list(queries)), deferred=True)))
    return queries[name]


def search(text: str = "", category: str | None = None, lang: str = "en") -> list[CannedQuery]:
    """Queries whose name, title, question or audience contain every word of ``text``."""
    words = text.lower().split()
    return [q for q in catalogue().values()
            if (category is None or q.category == category)
            and all(w in q.text(lang).lower() for w in words)]


def reference_cypher(query: CannedQuery) -> str:
    """The query's reference Cypher with the relationship filters filled in from the ontology."""
    from itss_graph.semantics import Rules
    from itss_graph.schema import load_schema

    rules = Rules.from_schema(load_schema())
    loss_in = sorted(r for r, e in rules.toward_source.items() if e != "degraded")
    loss_out = sorted(r for r, e in rules.toward_target.items() if e != "degraded")
    downstream = "|".join([f"<{r}" for r in loss_in] + [f"{r}>" for r in loss_out])
    upstream = "|".join([f"{r}>" for r in loss_in] + [f"<{r}" for r in loss_out])
    return query.reference_cypher.replace("{downstream_filter}", downstream).replace(
        "{upstream_filter}", upstream)
