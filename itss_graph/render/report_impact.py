"""The impact report: what a failure takes down, which services suffer, what ITSS obliges the
team to do — for people who were not at the console.

Built from engine answers only: the blast radius (:func:`itss_graph.engine.blast.blast_radius`,
which carries the impact answer) and the obligations
(:func:`itss_graph.answers.obligations.assess`).

Example:
    >>> from itss_graph.engine.blast import BlastRadius
    >>> from itss_graph.engine.result import ImpactResult, ImpactedCI
    >>> from itss_graph.model import CI
    >>> r = ImpactResult([CI("c1", "cluster", "prod")], [ImpactedCI("vm1", "vm", "web", 1, "down", "RUNS_ON", "c1")], None)
    >>> doc = impact_report(BlastRadius(r, []), None)
    >>> [s.heading for s in doc.sections]
    ['Business services affected', 'Impacted CIs by type', 'Graph', 'Impacted CIs']
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from itss_graph.i18n import C_, N_, translation
from itss_graph.render.impact_map import MAX_DRAWN, impact_view
from itss_graph.render.report import ItemList, Report, Section, Table, cap_rows

if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius

_T = {  # English messages; the catalogue translates them (context 'report')
    'title': C_('report', 'Impact report: failure of {ids}'),
    'failed': C_('report', 'Failed CIs'),
    'impacted': C_('report', 'CIs impacted'),
    'impacted_v': C_('report', '{total} ({down} down, {degraded} degraded)'),
    'services': C_('report', 'Business services'),
    'services_v': C_('report', '{down} down, {risk} at risk'),
    'level': C_('report', 'ITSS event level'),
    'depth': C_('report', 'Depth limit'),
    'svc': C_('report', 'Business services affected'),
    'svc_p': C_('report', 'Down: lost with the failure. At risk: still up, but resting on a CI that lost its '
                          'redundancy — one more failure there takes them down.'),
    'types': C_('report', 'Impacted CIs by type'),
    'graph': C_('report', 'Graph'),
    'graph_p': C_('report', 'Failed CIs on top; each impacted CI under the CI the failure reached it from. '
                            'Click a node for its properties; search by id or name.'),
    'obl': C_('report', 'ITSS obligations'),
    'obl_p': C_('report', 'Event level: {level}. Each item cites the white paper.'),
    'list': C_('report', 'Impacted CIs'),
    'list_p': C_('report', 'Services first, then by layer and type, effect, depth, id (the order of `itss '
                           'impact`). `itss impact ... --format csv` lists every row.'),
    'none': C_('report', 'nothing else is impacted'),
}


def impact_report(blast: "BlastRadius", obligations: dict | None, *, lang: str = "en", limit: int = 200,
                  group_by: str = "type", locations: dict | None = None, max_nodes: int = MAX_DRAWN,
                  provenance: list[str] | None = None, links: list | None = None) -> Report:
    """The report of a blast radius and its obligations; at most ``limit`` rows per CI type in
    the list of impacted CIs (0: all)."""
    t = _texts(lang)
    result = blast.impact
    summary = result.summary()
    effects = summary["by_effect"]
    down = sum(s.status == "down" for s in blast.services)
    risk = sum(s.status == "at-risk" for s in blast.services)
    facts: list[tuple[str, object]] = [
        (t["failed"], ", ".join(f"{s.id} ({_type(s.type, lang)}, {s.name})" for s in result.sources)),
        (t["impacted"], t["impacted_v"].format(total=summary["total"], down=effects["down"],
                                               degraded=effects["degraded"])),
        (t["services"], t["services_v"].format(down=down, risk=risk)),
    ]
    if obligations:
        from itss_graph.render.obligations import level_text

        facts.append((t["level"], level_text(obligations, lang)))
    if result.max_depth is not None:
        facts.append((t["depth"], result.max_depth))
    sections = [
        Section(t["svc"], paragraphs=[t["svc_p"]], tables=[Table(
            _headers(["id", "name", "status", "criticality", "sla", "users", "depth"], lang),
            [[s.id, s.name, _word(s.status, lang), _word(s.criticality, lang), s.sla, s.users, s.depth]
             for s in blast.services])]),
        Section(t["types"], tables=[_by_type(result, lang)]),
        Section(t["graph"], paragraphs=[t["graph_p"]], graph=True),
    ]
    if obligations:
        from itss_graph.render.obligations import level_text, obligation_groups

        sections.append(Section(t["obl"], paragraphs=[t["obl_p"].format(level=level_text(obligations, lang))],
                                lists=[ItemList(h, items) for h, items in obligation_groups(obligations, lang)]))
    sections.append(Section(t["list"], paragraphs=[t["list_p"] if len(result.columns) else t["none"]],
                            tables=_impacted_tables(result, limit, lang)))
    view = impact_view(result, lang=lang, group_by=group_by, locations=locations, max_nodes=max_nodes,
                       at_risk=[s for s in blast.services if s.status == "at-risk"], links=links)
    return Report(t["title"].format(ids=", ".join(s.id for s in result.sources)), subtitle=view.subtitle,
                  summary=facts, sections=sections, graph=view, lang=lang, kind="impact",
                  provenance=list(provenance or []) + _obligation_sources(obligations, lang))


def _texts(lang: str) -> dict[str, str]:
    catalogue = translation(lang)
    return {key: catalogue.pgettext("report", text) for key, text in _T.items()}


_TOTAL = N_("total")  # a column of the table by type; the others are the CLI's (render/labels.py)


def _headers(headers: list[str], lang: str) -> list[str]:
    """Column names of the report's tables in ``lang`` (the catalogue's, as the CLI's tables)."""
    return [translation(lang).gettext(h) for h in headers]


def _word(code, lang: str) -> str:
    """An effect, status or criticality code as a word of ``lang``."""
    from itss_graph.render.labels import WORDS

    key = "" if code is None else str(code)
    return translation(lang).gettext(WORDS[key]) if key in WORDS else key


def _type(name: str, lang: str) -> str:
    from itss_graph.schema import load_schema

    ci_type = load_schema().ci_types.get(name)
    return ci_type.label_zh if lang == "zh" and ci_type and ci_type.label_zh else name


def _relation(name: str, lang: str) -> str:
    from itss_graph.schema import load_schema

    rel = load_schema().relation_types.get(name) if name else None
    return rel.label_zh if lang == "zh" and rel and rel.label_zh else name


def _by_type(result, lang: str = "en") -> Table:
    counts: dict[str, Counter] = {}
    for ci_type, effect in zip(result.columns.types, result.columns.effects):
        counts.setdefault(ci_type, Counter())[effect] += 1
    return Table(_headers(["type", "down", "degraded", "total"], lang),
                 [[_type(k, lang), c["down"], c["degraded"], c["down"] + c["degraded"]] for k, c in counts.items()])


def _impacted_tables(result, limit: int, lang: str) -> list[Table]:
    tables = []
    by_type: dict[str, list[list]] = {}
    for i, ci_type, n, d, e, v, f in result.columns.rows():
        by_type.setdefault(ci_type, []).append([i, n, _word(e, lang), d, _relation(v, lang), f])
    for ci_type, rows in by_type.items():
        shown, note = cap_rows(rows, limit, lang)
        tables.append(Table(_headers(["id", "name", "effect", "depth", "via", "from"], lang), shown,
                            caption=f"{_type(ci_type, lang)} ({len(rows)})", note=note))
    return tables


def _obligation_sources(obligations: dict | None, lang: str) -> list[str]:
    if not obligations:
        return []
    _ = translation(lang).gettext
    seen: dict[str, None] = {}
    for section in obligations["sections"]:
        for items in section["items"].values():
            for item in items:
                for ref in item.get("provenance") or []:
                    seen.setdefault(_("{source}, §{section}, lines {lines}").format(
                        source=ref["source"], section=ref["section"], lines=ref["lines"]), None)
    return [_("Obligations policy: {policy}").format(policy=obligations.get("policy", ""))] + [
        _("White paper: {source}").format(source=s) for s in seen]
