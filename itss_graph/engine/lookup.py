"""Failed CIs named by id: checked against the store before any walk starts."""

from __future__ import annotations

from itss_graph.errors import UnknownCIError


def require_cis(store, ids) -> tuple[list[str], dict]:
    """The ids without repeats, and their CIs; raises UnknownCIError naming any unknown id."""
    ids = list(dict.fromkeys(ids))
    found = store.get_cis(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise UnknownCIError(missing)
    return ids, found
