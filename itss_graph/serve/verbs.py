"""The query verbs as the server answers them: for each, the JSON document ``itss VERB --format
json`` prints for the same arguments (tests/serve/test_api_equality.py holds them equal), the
CSV rows of ``--format csv`` and, where there is one, the HTML report or view.

Each function takes an open store (or none) and the verb's arguments and returns an
:class:`Answer`; nothing here computes: every answer is a function exported from
:mod:`itss_graph`, and every document and CSV table the one the CLI prints, from
:mod:`itss_graph.render.documents`.

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
from itss_graph.render import documents
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

def _impact(store, ci_ids: list[str], *, max_depth: int | None = None, with_props: bool = False,
            recent=None):
    """``itss.impact``, from the server's recent closures (:class:`~itss_graph.serve.recent.RecentImpacts`)
    when given; an answer with every CI's properties (for HTML) is walked afresh."""
    if recent is None or with_props:
        return itss.impact(store, ci_ids, max_depth=max_depth, with_props=with_props)
    return recent.impact(store, ci_ids, max_depth=max_depth)


def impact(store, ci_ids: list[str], *, depth: int | None = None, obligations: bool = True,
           lang: str = "en", with_props: bool = False, document: bool = True, recent=None) -> Answer:
    """``itss impact`` (``document=False``: the CSV only, which needs no service classes;
    ``recent``: the server's recent closures)."""
    result = _impact(store, ci_ids, max_depth=depth, with_props=with_props, recent=recent)
    radius = itss.assess_impact(store, result) if document else None
    duties = itss.obligations(store, result, radius=radius) if obligations and document else None
    links = itss.failure_links(store, result) if with_props else None  # for the HTML view

    def view() -> str:
        return _page(itss.impact_view(result, lang=lang, obligations=duties, radius=radius, links=links))

    return Answer(documents.impact_document(result, radius, duties) if document else "",
                  lambda: documents.impact_csv(result), view,
                  extra={"result": result, "radius": radius, "obligations": duties})


def blast_radius(store, ci_ids: list[str], *, lang: str = "en", with_props: bool = False,
                 services_offset: int = 0, services_limit: int | None = None, recent=None) -> Answer:
    """``itss blast-radius`` (``services_offset``/``services_limit``: a page of the ranked
    services in the JSON and CSV, as ``--services-offset``/``--services-limit``)."""
    page = dict(services_offset=services_offset, services_limit=services_limit)
    if recent is None or with_props:
        answer = itss.blast_radius(store, ci_ids, with_props=with_props)
        duties = itss.obligations(store, answer.impact, radius=answer)
    else:  # the server's recent answers: "more" services of one what-if grade them once
        answer, duties = recent.assessed(store, ci_ids)
    links = itss.failure_links(store, answer.impact) if with_props else None  # for the HTML report

    def report() -> str:
        return _report_page(itss.impact_report(answer, duties, lang=lang, links=links))

    return Answer(documents.blast_document(answer, duties, **page), lambda: documents.blast_csv(answer, **page), report,
                  extra={"blast": answer, "obligations": duties})


IMPACTED_KEYS = ("id", "type", "name", "depth", "effect", "via", "from")


def impacted_page(store, ci_ids: list[str], *, offset: int = 0, limit: int = 100, recent=None) -> Answer:
    """A page of ``impact``'s ``impacted`` list (the same rows in the same order): the what-if
    screen shows the counts and fetches rows a page at a time, not 128k of them at once.

    >>> import itss_graph as itss
    >>> page = impacted_page(itss.example_store(), ["pdu:a"], offset=1, limit=1).document
    >>> page["total"], [r["id"] for r in page["impacted"]]
    (5, ['server:app1'])
    """
    result = _impact(store, ci_ids, recent=recent)  # rows only: no CI's properties read
    rows = result.columns.rows_in(offset, offset + limit)
    document = {"total": len(result.columns), "offset": offset,
                "impacted": [dict(zip(IMPACTED_KEYS, row)) for row in rows]}
    return Answer(document, lambda: (list(IMPACTED_KEYS), [list(row) for row in rows]))


def root_cause(store, symptoms: list[str], *, limit: int = 20, lang: str = "en") -> Answer:
    answer = itss.root_cause(store, symptoms, limit=limit)
    headers, rows = documents.root_cause_csv(answer)
    title = ("根因候选：" if lang == "zh" else "Root-cause candidates of ") + ", ".join(symptoms)
    return Answer(answer.as_dict(), lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def spof(store, target: str | None, *, lang: str = "en", ticket=None) -> Answer:
    if target:
        answer = itss.spof(store, target)
        headers, rows = documents.spof_csv(answer)

        def view() -> str:
            return _page(itss.dependency_view(target, itss.load_schema(), upstream=answer.subgraph,
                                              spof_ids={p.id for p in answer.points}))

        return Answer(answer.as_dict(), lambda: (headers, rows), view)
    answer = itss.estate_spof(store, progress=ticket.check if ticket else None)
    headers, rows = documents.estate_spof_csv(answer)
    title = "全部单点故障" if lang == "zh" else "Single points of failure of the estate"
    return Answer(answer.as_dict(), lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def depends(store, target: str, *, depth: int | None = None, lang: str = "en") -> Answer:
    answer = itss.depends(store, target, max_depth=depth)
    return Answer(answer.as_dict(), lambda: documents.depends_csv(answer),
                  lambda: _page(itss.depends_view(answer, itss.load_schema(), lang=lang)))


def path(store, dependant: str, provider: str, *, max_length: int = 8, max_paths: int = 20,
         lang: str = "en") -> Answer:
    answer = itss.paths(store, dependant, provider, max_length=max_length, max_paths=max_paths)
    return Answer(answer.as_dict(), lambda: documents.path_csv(answer),
                  lambda: _page(itss.paths_view(answer, lang=lang)))


def orphans(store, types: list[str], *, lang: str = "en") -> Answer:
    answer = itss.orphans(store, types=set(types) or None)
    headers, rows = documents.orphans_csv(answer)
    title = "不支撑任何业务服务的配置项" if lang == "zh" else "CIs that support no service"
    return Answer(answer.as_dict(), lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def hotspots(store, top: int = 20, *, lang: str = "en", ticket=None) -> Answer:
    answer = itss.hotspots(store, top=top, progress=ticket.check if ticket else None)
    headers, rows = documents.hotspots_csv(answer)
    title = "故障热点" if lang == "zh" else "Hotspots: CIs whose failure takes down most services"
    return Answer(answer, lambda: (headers, rows), lambda: _table_report(title, headers, rows, lang))


def change_impact(store, ci_ids: list[str], *, lang: str = "en") -> Answer:
    answer = itss.change_impact(store, ci_ids)
    headers, rows = documents.change_impact_csv(answer)
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
    title = ("变更历史：" if lang == "zh" else "History of ") + ci_id
    return Answer(answer, lambda: documents.history_csv(answer),
                  lambda: _table_report(title, *documents.history_csv(answer), lang))


def stats(store, describe: str, *, lang: str = "en") -> Answer:
    counts = store.stats()
    headers, rows = documents.stats_csv(counts)
    return Answer(documents.stats_document(describe, counts), lambda: (headers, rows),
                  lambda: _table_report(describe, headers, rows, lang))


def types(*, lang: str = "en") -> Answer:
    schema = itss.load_schema()
    return Answer(documents.types_document(schema, lang), lambda: documents.types_csv(schema, lang))


def queries(search: str = "", category: str | None = None, *, lang: str = "en") -> Answer:
    found = itss.search_queries(search, category, lang)
    return Answer(documents.queries_document(found, lang), lambda: documents.queries_csv(found, lang))


def query_entry(name: str, *, lang: str = "en") -> Answer:
    query = itss.canned_query(name)
    return Answer(documents.query_entry_document(query, itss.reference_cypher(query), lang),
                  lambda: documents.queries_csv([query], lang))


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
