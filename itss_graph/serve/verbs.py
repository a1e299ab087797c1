"""The query verbs as the server answers them: for each, the JSON document ``itss VERB --format
json`` prints for the same arguments (tests/serve/test_api_equality.py holds them equal), the
CSV rows of ``--format csv`` and, where there is one, the HTML report or view.

Each function takes an open store (or none) and the verb's arguments and returns an
:class:`Answer`; nothing here computes: every answer is a function exported from
:mod:`itss_graph`, and every rendering one of :mod:`itss_graph.render`.

Example:
    >>> import itss_graph as itss
    >>> answer = blast_radius(itss.example_store(), ["server:db1"])
    >>> [s["id"] for s in answer.document["services"]], answer.csv()[0][:3]
    (['service:shop', 'service:reports'], ['id', 'name', 'status'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import itss_graph as itss
from itss_graph.render.formats import to_csv, to_json


@dataclass
class Answer:
    """One verb's answer: its JSON document (a dict, or JSON text the renderer wrote directly),
    its CSV (headers and rows, built on demand) and its HTML page (on demand, when it has one)."""

    document: Any
    csv: Callable[[], tuple[list[str], list[list]]]
    html: Callable[[], str] | None = None
    title: str = ""
    extra: dict = field(default_factory=dict)

    def json_text(self) -> str:
        return self.document if isinstance(self.document, str) else to_json(self.document)

    def csv_text(self) -> str:
        headers, rows = self.csv()
        return to_csv(headers, rows)


def _page(view) -> str:
    from itss_graph.render.graphview import render_html

    return render_html(view)


def _report_page(report) -> str:
    from itss_graph.render.report import render_report_html

    return render_report_html(report)


def _table_report(title: str, headers: list[str], rows: list[list], lang: str, subtitle: str = "") -> str:
    """A plain HTML report (one table) for answers that have no view of their own."""
    from itss_graph.render.report import Report, Section, Table

    return _report_page(Report(title, subtitle=subtitle, lang=lang,
                               sections=[Section(title, tables=[Table(headers, rows)])]))


# -- impact family ---------------------------------------------------------------------------------

def impact(store, ci_ids: list[str], *, depth: int | None = None, obligations: bool = True,
           lang: str = "en", with_props: bool = False) -> Answer:
    from itss_graph.render.impact import CSV_HEADERS, impact_json, impact_rows

    result = itss.impact(store, ci_ids, max_depth=depth, with_props=with_props)
    duties = itss.obligations(store, result) if obligations else None
    links = itss.failure_links(store, result) if with_props else None  # for the HTML view
    return Answer(impact_json(result, {"obligations": duties} if duties else None),
                  lambda: (CSV_HEADERS, impact_rows(result)),
                  lambda: _page(itss.impact_view(result, lang=lang, obligations=duties, links=links)),
                  extra={"result": result, "obligations": duties})


BLAST_HEADERS = ["id", "name", "status", "criticality", "sla", "users", "depth"]


def blast_radius(store, ci_ids: list[str], *, lang: str = "en", with_props: bool = False) -> Answer:
    answer = itss.blast_radius(store, ci_ids, with_props=with_props)
    duties = itss.obligations(store, answer.impact)
    rows = [[s.id, s.name, s.status, s.criticality, s.sla, s.users, s.depth] for s in answer.services]
    links = itss.failure_links(store, answer.impact) if with_props else None  # for the HTML report

    def report() -> str:
        return _report_page(itss.impact_report(answer, duties, lang=lang, links=links))

    return Answer({**answer.as_dict(), "obligations": duties}, lambda: (BLAST_HEADERS, rows), report,
                  extra={"blast": answer, "obligations": duties})


def root_cause(store, symptoms: list[str], *, limit: int = 20, lang: str = "en") -> Answer:
    answer = itss.root_cause(store, symptoms, limit=limit)
    headers = ["id", "type", "name", "explains", "of", "distance", "symptoms explained"]
    rows = [[c.id, c.type, c.name, len(c.explains), len(answer.symptoms), c.distance, " ".join(c.explains)]
            for c in answer.candidates]
    title = ("根因候选：" if lang == "zh" else "Root-cause candidates of ") + ", ".join(symptoms)
    return Answer(answer.as_dict(), lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def spof(store, target: str | None, *, lang: str = "en", ticket=None) -> Answer:
    if target:
        answer = itss.spof(store, target)
        headers = ["id", "type", "name", "distance"]
        rows = [[p.id, p.type, p.name, p.distance] for p in answer.points]

        def view() -> str:
            return _page(itss.dependency_view(target, itss.load_schema(), upstream=answer.subgraph,
                                              spof_ids={p.id for p in answer.points}))

        return Answer(answer.as_dict(), lambda: (headers, rows), view)
    answer = itss.estate_spof(store, progress=ticket.check if ticket else None)
    headers = ["id", "type", "name", "services_down"]
    rows = [[e.id, e.type, e.name, len(e.services)] for e in answer.entries]
    title = "全部单点故障" if lang == "zh" else "Single points of failure of the estate"
    return Answer(answer.as_dict(), lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def depends(store, target: str, *, depth: int | None = None, lang: str = "en") -> Answer:
    answer = itss.depends(store, target, max_depth=depth)
    headers = ["id", "type", "name", "distance", "via", "to", "spof"]
    rows = [[d.id, d.type, d.name, d.distance, d.via, d.to, "yes" if d.spof else ""] for d in answer.dependencies]
    return Answer(answer.as_dict(), lambda: (headers, rows),
                  lambda: _page(itss.depends_view(answer, itss.load_schema(), lang=lang)))


def _chain_text(steps: list[dict]) -> str:
    parts = []
    for step in steps:
        parts.append(step["id"])
        if "relation" in step:
            parts.append(f" <-{step['relation']}- " if step["direction"] == "<-" else f" -{step['relation']}-> ")
    return "".join(parts)


def path(store, dependant: str, provider: str, *, max_length: int = 8, max_paths: int = 20,
         lang: str = "en") -> Answer:
    answer = itss.paths(store, dependant, provider, max_length=max_length, max_paths=max_paths)
    rows = [[k + 1, len(p) - 1, _chain_text(p)] for k, p in enumerate(answer.paths)]
    return Answer(answer.as_dict(), lambda: (["#", "length", "chain"], rows),
                  lambda: _page(itss.paths_view(answer, lang=lang)))


def orphans(store, types: list[str], *, lang: str = "en") -> Answer:
    answer = itss.orphans(store, types=set(types) or None)
    rows = [[c.id, c.type, c.name] for c in answer.cis]
    title = "不支撑任何业务服务的配置项" if lang == "zh" else "CIs that support no service"
    return Answer(answer.as_dict(), lambda: (["id", "type", "name"], rows),
                  lambda: _table_report(title, ["id", "type", "name"], rows, lang))


def hotspots(store, top: int = 20, *, lang: str = "en", ticket=None) -> Answer:
    answer = itss.hotspots(store, top=top, progress=ticket.check if ticket else None)
    headers = ["id", "type", "name", "services_down", "cis_lost"]
    rows = [[h["id"], h["type"], h["name"], h["services_down"], h["cis_lost"]] for h in answer["hotspots"]]
    title = "故障热点" if lang == "zh" else "Hotspots: CIs whose failure takes down most services"
    return Answer(answer, lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def change_impact(store, ci_ids: list[str], *, lang: str = "en") -> Answer:
    answer = itss.change_impact(store, ci_ids)
    headers = ["id", "name", "status", "criticality", "sla", "users"]
    rows = [[s["id"], s["name"], s["status"], s["criticality"], s["sla"], s["users"]] for s in answer["services"]]
    title = ("变更影响：" if lang == "zh" else "Change impact: ") + ", ".join(ci_ids)
    return Answer(answer, lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


# -- the store and the ontology --------------------------------------------------------------------

def find(store, text: str, *, types: list[str] | None = None, where: dict | None = None, limit: int = 20) -> Answer:
    from itss_graph.render.ci import FIND_HEADERS, find_rows

    if not text and not types and not where:
        raise ValueError("give a text to look for (q), or type / where to list CIs")
    answer = itss.find(store, text, types=types or None, where=where or {}, limit=limit)
    return Answer(answer.as_dict(), lambda: (FIND_HEADERS, find_rows(answer)))


def show(store, ci_id: str, *, relations: int = 50, history: int = 5, services: int = 20, standards: int = 5,
         lang: str = "en") -> Answer:
    from itss_graph.render.ci import SHOW_CSV_HEADERS, show_rows

    answer = itss.show(store, ci_id, relations=relations, history=history, services=services,
                       standards=standards, lang=lang)
    return Answer(answer.as_dict(), lambda: (SHOW_CSV_HEADERS, show_rows(answer)))


def history(store, ci_id: str, *, lang: str = "en") -> Answer:
    answer = itss.history(store, ci_id)
    headers = ["load", "at", "source", "event", "changes"]

    def csv():
        return headers, [[e["load"] if e["load"] is not None else "", e["at"] or "", e["source"] or "",
                          e["event"], _changes(e)] for e in answer["events"]]

    title = ("变更历史：" if lang == "zh" else "History of ") + ci_id
    return Answer(answer, csv, lambda: _table_report(title, *csv(), lang))


def _changes(event: dict) -> str:
    if event.get("note"):
        return event["note"]
    diff = event.get("diff") or {}
    if event["event"] == "deleted":
        return "deleted (" + ", ".join(f"{k}={v[0]!r}" for k, v in diff.items() if k in ("type", "name")) + ")"
    return "; ".join(f"{k}: {'∅' if a is None else a} → {'∅' if b is None else b}" for k, (a, b) in diff.items())


def stats(store, describe: str, *, lang: str = "en") -> Answer:
    counts = store.stats()
    rows = [[kind, t, n] for kind, key in (("ci", "cis"), ("relation", "relations")) for t, n in counts[key].items()]
    return Answer({"store": describe, **counts}, lambda: (["kind", "type", "count"], rows),
                  lambda: _table_report(describe, ["kind", "type", "count"], rows, lang))


def types(*, lang: str = "en") -> Answer:
    schema = itss.load_schema()
    label = (lambda t: t.label_zh) if lang == "zh" else (lambda t: t.label_en)
    document = {
        "ci_types": [{"name": t.name, "label": label(t), "layer": t.layer, "service": t.is_service,
                      "group": t.is_group, "aliases": list(t.aliases), "iri": t.iri}
                     for t in schema.ci_types.values()],
        "relation_types": [{"name": r.name, "label": label(r), "on_target_failure": r.on_target_failure,
                            "on_source_failure": r.on_source_failure, "aliases": list(r.aliases), "iri": r.iri}
                           for r in schema.relation_types.values()],
    }
    rows = ([["ci", t.name, label(t), ", ".join(t.aliases)] for t in schema.ci_types.values()]
            + [["relation", r.name, label(r), f"target fails: {r.on_target_failure}; source fails: "
                f"{r.on_source_failure}"] for r in schema.relation_types.values()])
    return Answer(document, lambda: (["kind", "name", "label", "details"], rows))


def queries(search: str = "", category: str | None = None, *, lang: str = "en") -> Answer:
    found = itss.search_queries(search, category, lang)
    rows = [[q.name, q.category, q.title.get(lang, ""), q.cli] for q in found]
    return Answer({"queries": [q.as_dict(lang) for q in found]}, lambda: (["name", "category", "title", "cli"], rows))


def query_entry(name: str, *, lang: str = "en") -> Answer:
    query = itss.canned_query(name)
    document = {**query.as_dict(lang), "algorithm": query.algorithm.get(lang, ""),
                "reference_cypher": itss.reference_cypher(query)}
    return Answer(document, lambda: (["name", "category", "title", "cli"],
                                     [[query.name, query.category, query.title.get(lang, ""), query.cli]]))


# -- the ITSS knowledge base -----------------------------------------------------------------------

def standards(store, *, code: str | None = None, ci_type: str | None = None, profile=None,
              ci: str | None = None, lang: str = "en", verbose: bool = False) -> Answer:
    """``itss standards`` for one subject (``profile`` is a profile file's path)."""
    from itss_graph.render.knowledge_text import standards_csv

    kb = itss.KnowledgeBase.load()
    if ci:
        answer = itss.standards_for_ci(store, ci, lang, kb=kb)
    else:
        answer = itss.applicability_answer(kb, code=code, ci_type=ci_type, profile=profile, lang=lang)
        if answer is None:
            raise ValueError("give one of ci, ci_type, code or profile")

    def report() -> str:
        return _report_page(itss.standards_report(answer, kb))

    return Answer(answer.as_dict(), lambda: standards_csv(answer, verbose=verbose), report)


def gap(profile, *, lang: str = "en", met: bool = False, verbose: bool = False) -> Answer:
    """``itss gap --profile FILE`` (``met`` and ``verbose`` shape the CSV only, as ``--met`` and
    ``--verbose`` do)."""
    from itss_graph.render.knowledge_text import gap_csv

    kb = itss.KnowledgeBase.load()
    report = itss.gap_for_profile(kb, itss.load_profile(profile, kb, lang), lang)

    def page() -> str:
        return _report_page(itss.gap_report(report))

    return Answer(report.as_dict(), lambda: gap_csv(report, show_met=met, verbose=verbose), page)


def profile_title_strict(path) -> str:
    """The name an organisation profile gives itself; its problems raise (ProfileError)."""
    return itss.load_profile(path, itss.KnowledgeBase.load()).name


def profile_title(path, *, lang: str = "en") -> str:
    """The name an organisation profile gives itself (its file name when it cannot be read)."""
    try:
        return itss.load_profile(path, itss.KnowledgeBase.load()).name
    except Exception:  # an unreadable profile is listed by file name; asking it says why
        return ""


# -- the explorer's own questions (no CLI verb) ------------------------------------------------------

def neighbours(store, ci_id: str, *, direction: str = "all", relation_types: list[str] | None = None,
               types: list[str] | None = None, limit: int = 200) -> Answer:
    answer = itss.neighbours(store, ci_id, direction=direction, relation_types=relation_types or None,
                             types=types or None, limit=limit)
    headers = ["id", "type", "name", "relation", "source", "target", "roles", "effect"]
    rows = [[n["id"], n["type"], n["name"], n["relation"], n["source"], n["target"], " ".join(n["roles"]),
             n["effect"] or ""] for n in answer.as_dict()["relations"]]
    return Answer(answer.as_dict(), lambda: (headers, rows))


def groups(store, ci_ids: list[str], by: str) -> Answer:
    """Where each CI belongs when the graph groups by ``rack``, ``site`` or ``service``."""
    if by == "service":
        found = itss.services_supported(store, ci_ids)
    else:
        places = itss.locations_of(store, ci_ids, itss.load_schema())
        found = {i: [places[i][by]] if places.get(i, {}).get(by) else [] for i in ci_ids}
    rows = [[i, " ".join(g)] for i, g in found.items()]
    return Answer({"by": by, "groups": found}, lambda: (["id", by], rows))
