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

from itss_graph.render.impact_map import MAX_DRAWN, impact_view
from itss_graph.render.report import ItemList, Report, Section, Table, cap_rows

if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius

_T = {
    "en": {"title": "Impact report: failure of {ids}", "failed": "Failed CIs", "impacted": "CIs impacted",
           "impacted_v": "{total} ({down} down, {degraded} degraded)", "services": "Business services",
           "services_v": "{down} down, {risk} at risk", "level": "ITSS event level", "depth": "Depth limit",
           "svc": "Business services affected", "svc_p": "Down: lost with the failure. At risk: still up, but "
           "resting on a CI that lost its redundancy — one more failure there takes them down.",
           "types": "Impacted CIs by type", "graph": "Graph", "graph_p": "Failed CIs on top; each impacted CI "
           "under the CI the failure reached it from. Click a node for its properties; search by id or name.",
           "obl": "ITSS obligations", "obl_p": "Event level: {level}. Each item cites the white paper.",
           "list": "Impacted CIs", "list_p": "Services first, then by layer and type, effect, depth, id (the "
           "order of `itss impact`). `itss impact ... --format csv` lists every row.",
           "none": "nothing else is impacted"},
    "zh": {"title": "影响报告：{ids} 失效", "failed": "失效的配置项", "impacted": "受影响的配置项",
           "impacted_v": "{total} 个（中断 {down}，降级 {degraded}）", "services": "业务服务",
           "services_v": "中断 {down} 个，有风险 {risk} 个", "level": "ITSS 事件级别", "depth": "深度限制",
           "svc": "受影响的业务服务", "svc_p": "中断：随故障一同失去。有风险：仍在运行，但所依赖的配置项已失去冗余，"
           "那里再出一次故障就会中断。", "types": "按类型统计", "graph": "关系图",
           "graph_p": "失效的配置项在最上方；每个受影响的配置项位于故障传来的配置项之下。点击节点查看属性；可按ID或名称搜索。",
           "obl": "ITSS 义务", "obl_p": "事件级别：{level}。每一项都注明白皮书出处。",
           "list": "受影响的配置项", "list_p": "先列业务服务，再按层级、类型、影响、深度、ID 排序（与 itss impact 相同）。"
           "完整列表：itss impact ... --format csv。", "none": "没有其他配置项受影响"},
}


def impact_report(blast: "BlastRadius", obligations: dict | None, *, lang: str = "en", limit: int = 200,
                  group_by: str = "type", locations: dict | None = None, max_nodes: int = MAX_DRAWN,
                  provenance: list[str] | None = None, links: list | None = None) -> Report:
    """The report of a blast radius and its obligations; at most ``limit`` rows per CI type in
    the list of impacted CIs (0: all)."""
    t = _T.get(lang, _T["en"])
    result = blast.impact
    summary = result.summary()
    effects = summary["by_effect"]
    down = sum(s.status == "down" for s in blast.services)
    risk = sum(s.status == "at-risk" for s in blast.services)
    facts: list[tuple[str, object]] = [
        (t["failed"], ", ".join(f"{s.id} ({s.type}, {s.name})" for s in result.sources)),
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
            ["id", "name", "status", "criticality", "SLA", "users", "depth"],
            [[s.id, s.name, s.status, s.criticality, s.sla, s.users, s.depth] for s in blast.services])]),
        Section(t["types"], tables=[_by_type(result)]),
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


def _by_type(result) -> Table:
    counts: dict[str, Counter] = {}
    for ci_type, effect in zip(result.columns.types, result.columns.effects):
        counts.setdefault(ci_type, Counter())[effect] += 1
    return Table(["type", "down", "degraded", "total"],
                 [[k, c["down"], c["degraded"], c["down"] + c["degraded"]] for k, c in counts.items()])


def _impacted_tables(result, limit: int, lang: str) -> list[Table]:
    tables = []
    by_type: dict[str, list[list]] = {}
    for i, ci_type, n, d, e, v, f in result.columns.rows():
        by_type.setdefault(ci_type, []).append([i, n, e, d, v, f])
    for ci_type, rows in by_type.items():
        shown, note = cap_rows(rows, limit, lang)
        tables.append(Table(["id", "name", "effect", "depth", "via", "from"], shown,
                            caption=f"{ci_type} ({len(rows)})", note=note))
    return tables


def _obligation_sources(obligations: dict | None, lang: str) -> list[str]:
    if not obligations:
        return []
    seen: dict[str, None] = {}
    for section in obligations["sections"]:
        for items in section["items"].values():
            for item in items:
                for ref in item.get("provenance") or []:
                    seen.setdefault(f"{ref['source']}, §{ref['section']}, lines {ref['lines']}", None)
    head = "ITSS 义务策略：" if lang == "zh" else "Obligations policy: "
    return [head + str(obligations.get("policy", ""))] + [
        ("白皮书出处：" if lang == "zh" else "White paper: ") + s for s in seen]
