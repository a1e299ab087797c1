"""Impact, blast-radius and single-point-of-failure answers as workbook tables
(``--format xlsx``): one :class:`~itss_graph.render.spreadsheet.SheetTable` per table of the
answer, headers and words in the language in use, ids as the store has them.

Example (the web shop of :mod:`itss_graph.loading.example`):
    >>> from itss_graph.engine.blast import blast_radius
    >>> from itss_graph.loading.example import example_store
    >>> answer = blast_radius(example_store(), ["pdu:a"])
    >>> [(t.title, len(t.rows)) for t in radius_sheets(answer)]
    [('Services', 2), ('Redundancy lost', 3)]
    >>> radius_sheets(answer)[0].rows[0][:3]
    ['service:shop', 'Online shop 网上商城', 'at-risk']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.render.spreadsheet import SheetTable

if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius
    from itss_graph.engine.result import ImpactResult

SERVICE_COLUMNS = ["id", "name", "status", "criticality", "sla", "users", "depth", "why",
                   "next failure"]
REDUNDANCY_COLUMNS = ["id", "type", "name", "effect", "depth", "group", "min_up", "lost", "left",
                      "new single points of failure"]
CI_COLUMNS = ["id", "type", "name", "depth", "effect", "via", "from"]


def _(text: str) -> str:
    from itss_graph.i18n import _ as translate

    return translate(text)


def radius_sheets(radius: "BlastRadius") -> list[SheetTable]:
    """The services (ranked: down first, then criticality, SLA, users) with why, and the
    redundancy groups that lost members."""
    services = [[s.id, s.name, s.status, s.criticality, s.sla, s.users, s.depth,
                 _("failed itself") if s.failed else s.chain_text(), ", ".join(s.next_failure)]
                for s in radius.services]
    losses = [[g.id, g.type, g.name, g.effect, g.depth, g.group_text(), g.min_up, ", ".join(g.lost),
               ", ".join(g.left), ", ".join(g.new_spof)] for g in radius.losses]
    return [SheetTable(_("Services"), [_(h) for h in SERVICE_COLUMNS], services),
            SheetTable(_("Redundancy lost"), [_(h) for h in REDUNDANCY_COLUMNS], losses)]


def impact_sheets(result: "ImpactResult", radius: "BlastRadius") -> list[SheetTable]:
    """The services and redundancy of :func:`radius_sheets`, then every impacted CI."""
    rows = [list(row) for row in result.columns.rows()]
    return [*radius_sheets(radius), SheetTable(_("Impacted CIs"), [_(h) for h in CI_COLUMNS], rows)]


def spof_sheets(headers: list[str], rows: list[list], title: str) -> list[SheetTable]:
    """A single-point-of-failure answer's one table."""
    return [SheetTable(title, [_(h) for h in headers], rows)]
