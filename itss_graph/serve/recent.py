"""The server's last few impact closures: one what-if, asked several ways, costs one walk.

The what-if screen asks a failure's blast radius and then a page of its impacted CIs; "more"
asks the next page of services, then of CIs. Each is a new request (the answer cache keys whole
requests), and each would walk the same closure again (~10 ms of a 100k-CI closure at 1M CIs)
and grade its services again (~30 ms). The closure and its grading are one question's, whatever
page or view of it is shown, so the server keeps the last few, keyed by the store generation
read in the request's own snapshot: an answer made before ``itss load`` is never used after it.

Only large closures are kept (``least`` impacted CIs, 10,000 by default): a small one walks
again in a millisecond, and a kept answer holds its closure's arrays (~14 MB at 1M CIs), whose
memory the next question can then not reuse: it faults fresh pages in, and answers of a
typical CI took up to 80 ms instead of 5 when every closure was kept. Answers are read, never
changed, by every verb (walks for next failures copy what they change), so threads share them.
Answers with every CI's properties (HTML reports) are not kept.

Example:
    >>> import itss_graph as itss
    >>> store, recent = itss.example_store(), RecentImpacts(keep=2, least=1)
    >>> first = recent.impact(store, ["pdu:a"])
    >>> recent.impact(store, ["pdu:a"]) is first, recent.impact(store, ["pdu:a"], max_depth=1) is first
    (True, False)
    >>> len(first.columns), len(recent.impact(store, ["pdu:a"], max_depth=1).columns), recent.walked
    (5, 2, 2)
    >>> radius, duties = recent.assessed(store, ["pdu:a"])
    >>> recent.assessed(store, ["pdu:a"])[0] is radius, radius.impact is first, recent.walked, recent.graded
    (True, True, 2, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import itss_graph as itss
from itss_graph.serve.timing import measured


class RecentImpacts:
    """``itss.impact`` answers (without properties), and their blast radius once asked, of the
    last ``keep`` questions that reached at least ``least`` CIs."""

    def __init__(self, keep: int = 2, least: int = 10_000):
        self.keep, self.least = keep, least
        self.walked = self.graded = 0  # closures walked, blast radii graded (the others were kept)
        self._answers: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def impact(self, store, ci_ids, *, max_depth: int | None = None):
        """``itss.impact(store, ci_ids, max_depth=max_depth, with_props=False)``, walked once per
        store generation while it stays among the last ``keep`` large ones asked."""
        return self._entry(store, ci_ids, max_depth)["impact"]

    def assessed(self, store, ci_ids) -> tuple:
        """(``itss.assess_impact``, ``itss.obligations``) of the whole closure of ``ci_ids``: the
        blast radius with its services ranked and the ITSS obligations, graded once per
        store generation while the closure is kept."""
        entry = self._entry(store, ci_ids, None)
        if "assessed" not in entry:
            radius = itss.assess_impact(store, entry["impact"])
            with self._lock:
                self.graded += 1
            entry["assessed"] = radius, itss.obligations(store, radius.impact, radius=radius)
        return entry["assessed"]

    def _entry(self, store, ci_ids, max_depth) -> dict:
        key = (store.generation(), tuple(ci_ids), max_depth)
        with self._lock:
            entry = self._answers.get(key)
            if entry is not None:
                self._answers.move_to_end(key)
                return entry
        with measured("closure"):  # the walk and its rows: Server-Timing shows it beside the answer
            entry = {"impact": itss.impact(store, list(ci_ids), max_depth=max_depth, with_props=False)}
        with self._lock:
            self.walked += 1
            if len(entry["impact"].whole.columns) < self.least:
                return entry
            self._answers[key] = entry
            while len(self._answers) > self.keep:
                self._answers.popitem(last=False)
        return entry
