"""Finding CIs by what people type: an id, a name, any property value — in Chinese or English,
in any case or width, misspelt.

Matches are graded (:data:`itss_graph.textmatch.TIERS`): **exact**, **prefix**, **substring**
(the text folded by :func:`itss_graph.textmatch.fold`: NFKC and lower case, so ``Ｓｗｉｔｃｈ``
is ``switch``), then **similar** (ids and names spelt alike, or equal once separators and the
leading zeros of numbers are dropped: ``switch:dc1-core1``, ``service:30``). Within a grade: a
match on the id before one on the name before one on a property, shorter values first, then
by id. The store finds the candidates in one query (:meth:`itss_graph.stores.base.Store.find_cis`).

Example (the example estate, :mod:`itss_graph.loading.example`):
    >>> from itss_graph.loading.example import example_store
    >>> store = example_store()
    >>> [(m.id, m.match, m.field) for m in find(store, "DB").matches]
    [('server:db1', 'prefix', 'name'), ('database:orders', 'substring', 'name')]
    >>> [(m.id, m.match) for m in find(store, "网上商城").matches]
    [('service:shop', 'substring')]
    >>> [(m.id, m.match, m.score) for m in find(store, "server:db-01").matches]
    [('server:db1', 'similar', 1.0)]
    >>> [m.id for m in find(store, "", types=["业务服务"], where={"criticality": "CRITICAL"}).matches]
    ['service:shop']
    >>> find(store, "web", limit=1).as_dict()
    {'query': {'text': 'web', 'types': None, 'where': {}, 'limit': 1}, 'matches': [{'id': 'vm:web1', 'type': 'vm', 'name': 'Web VM 1', 'match': 'prefix', 'field': 'name', 'value': 'Web VM 1', 'score': 1.0}], 'truncated': True}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

from itss_graph.model import CI
from itss_graph.stores.base import Store, text_values, where_matches
from itss_graph.textmatch import TIERS, fold, loose, similarity, tier

if TYPE_CHECKING:
    from itss_graph.schema import Schema

#: candidates read from the store per query; more matches than this are reported as truncated
CANDIDATES = 5000
#: how alike (0..1) a similar id or name must be, and how far below the best one it may be
SIMILAR_CUTOFF = 0.6
SIMILAR_SPREAD = 0.2
_FIELD_ORDER = {"id": 0, "name": 1}


@dataclass(frozen=True)
class Match:
    """One CI found: how (``match``: a tier, None when only filters were given), on which field
    (``id``, ``name`` or ``props.KEY``), the value that matched and a score (1.0 except for
    similar ones)."""

    id: str
    type: str
    name: str
    match: str | None
    field: str | None
    value: str | None
    score: float = 1.0

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "match": self.match,
                "field": self.field, "value": self.value, "score": self.score}


@dataclass
class FindAnswer:
    """The answer of :func:`find`. Its JSON (``as_dict``, ``itss find --format json``)::

        {"query": {"text", "types", "where", "limit"},
         "matches": [{"id", "type", "name", "match", "field", "value", "score"}, ...],
         "truncated": true when more CIs matched than were returned}
    """

    text: str
    types: list[str] | None
    where: dict[str, str]
    limit: int
    matches: list[Match] = field(default_factory=list)
    truncated: bool = False

    def as_dict(self) -> dict:
        return {"query": {"text": self.text, "types": self.types, "where": self.where, "limit": self.limit},
                "matches": [m.as_dict() for m in self.matches], "truncated": self.truncated}


def resolve_types(names: Iterable[str], schema: "Schema | None" = None) -> list[str]:
    """CI type names or aliases (``服务器``, ``Server``) as the ontology's names; an unknown one
    is an :class:`itss_graph.errors.UnknownNameError` with the closest types.

    >>> from itss_graph.schema import load_schema
    >>> resolve_types(["服务器", "VM"], load_schema())
    ['server', 'vm']
    >>> resolve_types(["databse"], load_schema())
    Traceback (most recent call last):
    itss_graph.errors.UnknownNameError: unknown CI type 'databse' (did you mean 'database', 'data-set'...?)
    """
    from itss_graph.schema import load_schema

    schema = schema or load_schema()
    return list(dict.fromkeys(schema.require_ci_type(name) for name in names))


def find(store: Store, text: str = "", *, types: Iterable[str] | None = None,
         where: Mapping[str, str] | None = None, limit: int = 20,
         schema: "Schema | None" = None) -> FindAnswer:
    """CIs matching ``text`` by id, name or property value, best first (see the module), of
    ``types`` (names or aliases), whose ``where`` fields (``id``, ``type``, ``name`` or a
    property; compared folded) equal the values given; at most ``limit``."""
    from itss_graph.schema import load_schema

    schema = schema or load_schema()
    type_names = resolve_types(types, schema) if types else None
    wanted = {key.strip(): fold(value) for key, value in (where or {}).items()}
    needle = fold(text)
    answer = FindAnswer(text, type_names, dict(where or {}), limit)
    candidates = store.find_cis(needle, types=type_names, where=wanted, limit=CANDIDATES)
    graded = []
    for ci in candidates:
        if wanted and not all(where_matches(ci, k, v) for k, v in wanted.items()):
            continue
        grade = _grade(needle, ci)
        if grade is not None:
            graded.append(grade)
    graded.sort(key=lambda g: g[0])
    answer.matches = [g[1] for g in graded[:limit]]
    answer.truncated = len(graded) > limit or len(candidates) >= CANDIDATES
    if needle and len(answer.matches) < limit:
        seen = {m.id for m in answer.matches}
        answer.matches += similar(store, text, limit - len(answer.matches), types=type_names,
                                  where=wanted, exclude=seen)
    return answer


def _grade(needle: str, ci: CI):
    """(sort key, Match) for the best field of ``ci``, or None when nothing matches."""
    if not needle:
        return (ci.id,), Match(ci.id, ci.type, ci.name, None, None, None)
    best = None
    fields = [("id", ci.id), ("name", ci.name)]
    fields += [(f"props.{k}", v) for k, value in ci.props.items() for v in text_values({k: value})]
    for name, value in fields:
        grade = tier(needle, value)
        if grade is None:
            continue
        key = (TIERS.index(grade), _FIELD_ORDER.get(name, 2), len(fold(value)), ci.id)
        if best is None or key < best[0]:
            best = key, Match(ci.id, ci.type, ci.name, grade, name, str(value))
    return best


def similar(store: Store, text: str, n: int, *, types: list[str] | None = None,
            where: Mapping[str, str] | None = None, exclude: set[str] = frozenset(),
            cutoff: float = SIMILAR_CUTOFF) -> list[Match]:
    """The ``n`` CIs whose id or name is spelt most like ``text`` (at least ``cutoff``, and
    at most :data:`SIMILAR_SPREAD` below the best one); loosely equal ones
    (:func:`itss_graph.textmatch.loose`) first, with score 1.0.

    The pool is every CI's id and name, scored with rapidfuzz (C++; difflib takes seconds on
    a million names); the best few hundred are scored again with :func:`similarity`.
    """
    from rapidfuzz import fuzz, process, utils

    if n <= 0 or not fold(text):
        return []
    if where:
        pool = [(c.id, c.type, c.name) for c in store.find_cis("", types=types, where=where, limit=10**9)]
    else:
        pool = [row for batch in store.iter_headers(types) for row in batch]
    choices = [ci_id for ci_id, _, _ in pool] + [name for _, _, name in pool]
    shortlist = process.extract(text, choices, scorer=fuzz.ratio, processor=utils.default_process,
                                limit=max(200, 4 * n), score_cutoff=cutoff * 80)
    want = loose(text)
    best: dict[int, tuple[float, str, str]] = {}
    for value, _, k in shortlist:
        row = k % len(pool)
        score = 1.0 if want and loose(value) == want else round(similarity(text, value), 3)
        if score >= cutoff and (row not in best or score > best[row][0]):
            best[row] = (score, "id" if k < len(pool) else "name", value)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], _FIELD_ORDER[item[1][1]], pool[item[0]][0]))
    out = []
    for row, (score, field_name, value) in ranked:
        if score < ranked[0][1][0] - SIMILAR_SPREAD:
            break
        ci_id, ci_type, name = pool[row]
        if ci_id not in exclude:
            out.append(Match(ci_id, ci_type, name, "similar", field_name, value, score))
        if len(out) == n:
            break
    return out


def unknown_ci_error(store: Store, ci_ids: Iterable[str], n: int = 3):
    """An :class:`itss_graph.errors.UnknownCIError` for ``ci_ids`` naming, for each, the CIs
    probably meant (:func:`closest_cis`).

    >>> from itss_graph.loading.example import example_store
    >>> str(unknown_ci_error(example_store(), ["DB host 1"]))
    "unknown CI id: 'DB host 1' (did you mean 'server:db1' DB host 1?)"
    """
    from itss_graph.errors import UnknownCIError

    ids = list(ci_ids)
    return UnknownCIError(ids, {i: [(m.id, m.name) for m in closest_cis(store, i, n)] for i in ids})


def closest_cis(store: Store, text: str, n: int = 3) -> list[Match]:
    """The CIs someone typing ``text`` most likely meant (for "did you mean"): :func:`find`'s
    best ``n`` — only the certain ones when there are any (equal but for case and width, or
    for separators and leading zeros).

    >>> from itss_graph.loading.example import example_store
    >>> [m.id for m in closest_cis(example_store(), "Server:DB-1")]
    ['server:db1']
    >>> [m.id for m in closest_cis(example_store(), "web vm")]
    ['vm:web1', 'vm:web2']
    """
    matches = find(store, text, limit=n).matches
    certain = [m for m in matches if m.match == "exact" or (m.match == "similar" and m.score == 1.0)]
    return certain or matches
