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
    ['service:shop', 'Online shop 网上商城', 'at risk']
    >>> from itss_graph.i18n import set_language
    >>> set_language("zh"); radius_sheets(answer)[0].rows[0][2:4], radius_sheets(answer)[0].title
    'zh'
    (['有风险', '关键'], '业务服务')
    >>> set_language("en")
    'en'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itss_graph.i18n import N_
from itss_graph.render.labels import relation_label, type_label, word
from itss_graph.render.spreadsheet import SheetTable

if TYPE_CHECKING:
    from itss_graph.engine.blast import BlastRadius
    from itss_graph.engine.result import ImpactResult

SERVICE_COLUMNS = ["id", "name", "status", "criticality", "sla", "users", "depth", N_("why"),
                   N_("next failure")]
REDUNDANCY_COLUMNS = ["id", "type", "name", "effect", "depth", N_("group"), N_("min_up"), N_("lost"), N_("left"),
                      N_("new single points of failure")]
CI_COLUMNS = ["id", "type", "name", "depth", "effect", "via", "from"]
ESTATE_SPOF_TITLE = N_("Single points of failure")
SERVICES_COLUMN = N_("services")

# how a column's codes are shown (the CSV and JSON keep the codes)
_SHOWN = {"type": type_label, "via": relation_label, "status": word, "effect": word, "criticality": word}


def _(text: str) -> str:
    from itss_graph.i18n import _ as translate

    return translate(text)


def radius_sheets(radius: "BlastRadius") -> list[SheetTable]:
    """The services (ranked: down first, then criticality, SLA, users) with why, and the
    redundancy groups that lost members."""
    from itss_graph.render.impact import _chain_text

    services = [[s.id, s.name, s.status, s.criticality, s.sla, s.users, s.depth,
                 _("failed itself") if s.failed else _chain_text(s.chain), ", ".join(s.next_failure)]
                for s in radius.services_page()]  # their chains built together
    losses = [[g.id, g.type, g.name, g.effect, g.depth, g.group_text(), g.min_up, ", ".join(g.lost),
               ", ".join(g.left), ", ".join(g.new_spof)] for g in radius.losses]
    return [_sheet(_("Services"), SERVICE_COLUMNS, services), _sheet(_("Redundancy lost"), REDUNDANCY_COLUMNS, losses)]


def impact_sheets(result: "ImpactResult", radius: "BlastRadius") -> list[SheetTable]:
    """The services and redundancy of :func:`radius_sheets`, then every impacted CI."""
    rows = [list(row) for row in result.columns.rows()]
    return [*radius_sheets(radius), _sheet(_("Impacted CIs"), CI_COLUMNS, rows)]


def spof_sheets(headers: list[str], rows: list[list], title: str | None = None) -> list[SheetTable]:
    """A single-point-of-failure answer's one table (``title``: its target; none for the estate)."""
    return [_sheet(title or _(ESTATE_SPOF_TITLE), headers, rows)]


def _sheet(title: str, columns: list[str], rows: list[list]) -> SheetTable:
    """A table with its headers and coded columns (types, relations, statuses) in the language
    in use."""
    shown = [_SHOWN.get(c) for c in columns]
    return SheetTable(title, [_(c) for c in columns],
                      [[f(v) if f and v not in (None, "") else v for f, v in zip(shown, row)] for row in rows])
