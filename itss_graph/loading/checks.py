"""Checks across all staged rows, in order: identification keys (0 / 1 / many matches),
duplicate rows (identical ones folded, conflicting ones reported), relation ends in neither the
input nor the store, cycles over relation types the ontology declares acyclic.

With ``drop`` (``--on-error skip``) the rows at fault are removed from staging as they are
found, so later checks see only what will be loaded.

Example:
    >>> from itss_graph.loading.staging import Staging
    >>> from itss_graph.stores.sqlite import SQLiteStore
    >>> from itss_graph.schema import load_schema
    >>> from itss_graph.loading.validate import StagedRelation
    >>> with Staging() as st:
    ...     st.add(StagedRelation("a", "DEPENDS_ON", "b", "{}", "r.csv", 2)); st.finish()
    ...     [str(p) for p in cross_row_checks(st, SQLiteStore(":memory:"), load_schema(), limit=10)]
    ["r.csv:2: source: unknown CI 'a': not in the input nor in the store"]
"""

from __future__ import annotations

from itss_graph.errors import Problem
from itss_graph.loading.cycles import find_cycles
from itss_graph.loading.reconcile import reconcile


def cross_row_checks(staging, store, schema, *, limit: int, drop: bool = False,
                     defer_relation_duplicates: bool = False,
                     report_skipped: bool = True) -> list[Problem]:
    """Every problem found across rows (at most ``limit`` per check). With
    ``defer_relation_duplicates`` the store will look for duplicate relations while writing
    (see :meth:`Staging.fold_duplicates`). ``report_skipped=False``: a relation to a CI whose
    own row had errors is not reported (that row's problem already is)."""
    problems = reconcile(staging, store, limit=limit, drop=drop)
    problems += staging.fold_duplicates(limit, drop, relations=not defer_relation_duplicates)
    problems += staging.dangling_references(store.existing_ids, limit, drop,
                                            report_skipped=report_skipped)
    if not problems or drop:  # cycles are only meaningful over rows that are otherwise sound
        problems += find_cycles(staging, store, schema, limit=limit, drop=drop,
                                store_empty=store.is_empty())
    staging.commit()
    staging.begin()
    return problems
