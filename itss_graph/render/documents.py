"""What ``itss VERB --format json`` and ``--format csv`` print, from the verb's answer: the one
place both the CLI (itss_graph/cli) and ``itss serve``'s ``/api/VERB`` (itss_graph/serve/verbs.py)
take their documents and rows from, so the API is the CLI's contract by construction
(tests/serve/test_api_equality.py checks it on the demo estate).

Each ``*_document`` returns the JSON document (a dict for :func:`~itss_graph.render.formats.to_json`;
impact's is JSON text, written straight from the result's columns), each ``*_csv`` the CSV
headers and rows. Nothing here queries a store: answers come in computed.

Example:
    >>> import itss_graph as itss
    >>> store = itss.example_store()
    >>> blast = itss.blast_radius(store, ["server:db1"])
    >>> headers, rows = blast_csv(blast)
    >>> headers[:3], rows[0][:3]
    (['id', 'name', 'status'], ['service:shop', 'Online shop 网上商城', 'down'])
    >>> sorted(blast_document(blast, None))
    ['obligations', 'redundancy', 'services', 'sources', 'summary']
"""

from __future__ import annotations


from itss_graph.render.impact import (CSV_HEADERS, SERVICE_CSV_HEADERS, impact_answer_json, impact_rows,
                                      service_rows)

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius
    from itss_graph.engine.result import ImpactResult
    from itss_graph.schema import Schema

Table = tuple[list[str], list[list]]


# -- impact family ---------------------------------------------------------------------------------

def impact_document(result: "ImpactResult", radius: "BlastRadius", obligations: dict | None) -> str:
    """``itss impact --format json``: the impacted CIs, the summary with the services down and at
    risk, the services ranked with why, the redundancy lost and (unless left out) the ITSS
    obligations; as JSON text."""
    return impact_answer_json(result, radius, obligations)


def impact_csv(result: "ImpactResult") -> Table:
    """``itss impact --format csv``: one row per impacted CI."""
    return list(CSV_HEADERS), impact_rows(result)


def blast_document(answer: "BlastRadius", obligations: dict | None, *, services_offset: int = 0,
                   services_limit: int | None = None) -> dict:
    """``itss blast-radius --format json``: the services and the redundancy lost one entry per
    line, as ``itss impact`` writes them (a what-if of the 1M estate ranks 1,500 services);
    ``services_offset``/``services_limit``: a page of the ranked services (the summary counts
    them all), as a screen asks for them."""
    from itss_graph.render.formats import OneLine

    document = answer.as_dict(services_offset, services_limit)
    for key in ("services", "redundancy"):
        document[key] = OneLine(document[key])
    return {**document, "obligations": obligations}


def blast_csv(answer: "BlastRadius", *, services_offset: int = 0, services_limit: int | None = None) -> Table:
    """``itss blast-radius --format csv``: the services, most important first (a page of them
    with ``services_offset``/``services_limit``)."""
    rows = service_rows(answer, SERVICE_CSV_HEADERS)
    return list(SERVICE_CSV_HEADERS), rows[services_offset:None if services_limit is None else services_offset + services_limit]


def change_impact_csv(answer: dict) -> Table:
    """``itss change-impact --format csv`` (its JSON is the answer itself)."""
    return list(SERVICE_CSV_HEADERS), [[s[h] for h in SERVICE_CSV_HEADERS] for s in answer["services"]]


ROOT_CAUSE_HEADERS = ["id", "type", "name", "explains", "of", "distance", "symptoms explained"]


def root_cause_csv(answer) -> Table:
    """``itss root-cause --format csv`` (a :class:`~itss_graph.engine.root_cause.RootCauseResult`)."""
    return list(ROOT_CAUSE_HEADERS), [[c.id, c.type, c.name, len(c.explains), len(answer.symptoms), c.distance,
                                       " ".join(c.explains)] for c in answer.candidates]


def spof_csv(answer) -> Table:
    """``itss spof TARGET --format csv``: the single points of failure of one CI."""
    return ["id", "type", "name", "distance"], [[p.id, p.type, p.name, p.distance] for p in answer.points]


def estate_spof_csv(answer) -> Table:
    """``itss spof --format csv``: every CI that is a single point of failure of some service."""
    return (["id", "type", "name", "services_down"],
            [[e.id, e.type, e.name, len(e.services)] for e in answer.entries])


def depends_csv(answer) -> Table:
    """``itss depends --format csv``: what a CI rests on, nearest first."""
    return (["id", "type", "name", "distance", "via", "to", "spof"],
            [[d.id, d.type, d.name, d.distance, d.via, d.to, "yes" if d.spof else ""] for d in answer.dependencies])


def chain_text(steps: list[dict]) -> str:
    """One chain of ``itss path`` as a line.

    >>> chain_text([{"id": "vm:1", "relation": "RUNS_ON", "direction": "->"}, {"id": "host:1"}])
    'vm:1 -RUNS_ON-> host:1'
    """
    parts = []
    for step in steps:
        parts.append(step["id"])
        if "relation" in step:
            parts.append(f" <-{step['relation']}- " if step["direction"] == "<-" else f" -{step['relation']}-> ")
    return "".join(parts)


def path_csv(answer) -> Table:
    """``itss path --format csv``: the chains, shortest first."""
    return ["#", "length", "chain"], [[k + 1, len(p) - 1, chain_text(p)] for k, p in enumerate(answer.paths)]


def orphans_csv(answer) -> Table:
    """``itss orphans --format csv``."""
    return ["id", "type", "name"], [[c.id, c.type, c.name] for c in answer.cis]


def hotspots_csv(answer: dict) -> Table:
    """``itss hotspots --format csv`` (its JSON is the answer itself)."""
    headers = ["id", "type", "name", "services_down", "cis_lost"]
    return headers, [[h[k] for k in headers] for h in answer["hotspots"]]


# -- the store and the ontology --------------------------------------------------------------------

def history_csv(answer: dict) -> Table:
    """``itss history --format csv`` (its JSON is the answer itself): one row per load event.

    >>> history_csv({"events": [{"load": 1, "at": "t", "source": "a.csv", "event": "changed",
    ...                          "diff": {"name": ["a", "b"]}}]})[1]
    [[1, 't', 'a.csv', 'changed', 'name: a → b']]
    """
    return (["load", "at", "source", "event", "changes"],
            [[e["load"] if e["load"] is not None else "", e["at"] or "", e["source"] or "", e["event"],
              changes_text(e)] for e in answer["events"]])


def changes_text(event: dict) -> str:
    """What one load event changed, as a line."""
    if event.get("note"):
        return event["note"]
    diff = event.get("diff") or {}
    if event["event"] == "deleted":
        return "deleted (" + ", ".join(f"{k}={v[0]!r}" for k, v in diff.items() if k in ("type", "name")) + ")"
    return "; ".join(f"{k}: {_shown(a)} → {_shown(b)}" for k, (a, b) in diff.items())


def _shown(value) -> str:
    return "∅" if value is None else str(value)


def stats_document(describe: str, counts: dict) -> dict:
    """``itss stats --format json``: the store's description, CIs and relations per type."""
    return {"store": describe, **counts}


def stats_csv(counts: dict) -> Table:
    """``itss stats --format csv``."""
    return ["kind", "type", "count"], [[kind, t, n] for kind, key in (("ci", "cis"), ("relation", "relations"))
                                       for t, n in counts[key].items()]


def _label(lang: str):
    return (lambda t: t.label_zh) if lang == "zh" else (lambda t: t.label_en)


def types_document(schema: "Schema", lang: str) -> dict:
    """``itss types --format json``: the ontology's CI and relation types."""
    label = _label(lang)
    return {
        "ci_types": [{"name": t.name, "label": label(t), "layer": t.layer, "service": t.is_service,
                      "group": t.is_group, "aliases": list(t.aliases), "iri": t.iri}
                     for t in schema.ci_types.values()],
        "relation_types": [{"name": r.name, "label": label(r), "on_target_failure": r.on_target_failure,
                            "on_source_failure": r.on_source_failure, "aliases": list(r.aliases), "iri": r.iri}
                           for r in schema.relation_types.values()],
    }


def types_csv(schema: "Schema", lang: str) -> Table:
    """``itss types --format csv``."""
    label = _label(lang)
    return (["kind", "name", "label", "details"],
            [["ci", t.name, label(t), ", ".join(t.aliases)] for t in schema.ci_types.values()]
            + [["relation", r.name, label(r),
                f"target fails: {r.on_target_failure}; source fails: {r.on_source_failure}"]
               for r in schema.relation_types.values()])


def queries_document(found: list, lang: str) -> dict:
    """``itss queries --format json``: the canned queries found."""
    return {"queries": [q.as_dict(lang) for q in found]}


def queries_csv(found: list, lang: str) -> Table:
    """``itss queries --format csv``."""
    return ["name", "category", "title", "cli"], [[q.name, q.category, q.title.get(lang, ""), q.cli] for q in found]


def query_entry_document(query, reference_cypher: str, lang: str) -> dict:
    """``itss queries --show NAME --format json``: one canned query, its algorithm and Cypher."""
    return {**query.as_dict(lang), "algorithm": query.algorithm.get(lang, ""), "reference_cypher": reference_cypher}
