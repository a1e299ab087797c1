"""The server's last few impact closures: one what-if, asked several ways, costs one walk.

The what-if screen asks a failure's blast radius and then a page of its impacted CIs; "more"
asks the next page of services, then of CIs. Each is a new request (the answer cache keys whole
requests), and each would walk the same closure again: ~10 ms of a 100k-CI closure at 1M CIs,
plus its ordering. The closure is one question's, whatever page or view of it is shown, so the
server keeps the last few, keyed by the store generation read in the request's own snapshot: a
closure walked before ``itss load`` is never used after it.

Answers are read, never changed, by every verb (walks for next failures copy what they change),
so threads share them. Answers with every CI's properties (HTML reports) are not kept.

Example:
    >>> import itss_graph as itss
    >>> store, recent = itss.example_store(), RecentImpacts(keep=2)
    >>> first = recent.impact(store, ["pdu:a"])
    >>> recent.impact(store, ["pdu:a"]) is first, recent.impact(store, ["pdu:a"], max_depth=1) is first
    (True, False)
    >>> len(first.columns), len(recent.impact(store, ["pdu:a"], max_depth=1).columns), recent.walked
    (5, 2, 2)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import itss_graph as itss


class RecentImpacts:
    """``itss.impact`` answers (without properties) of the last ``keep`` questions."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self.walked = 0  # closures walked (the others came from the kept ones)
        self._answers: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def impact(self, store, ci_ids, *, max_depth: int | None = None):
        """``itss.impact(store, ci_ids, max_depth=max_depth, with_props=False)``, walked once per
        store generation while it stays among the last ``keep`` asked."""
        key = (store.generation(), tuple(ci_ids), max_depth)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                return answer
        answer = itss.impact(store, list(ci_ids), max_depth=max_depth, with_props=False)
        with self._lock:
            self.walked += 1
            self._answers[key] = answer
            while len(self._answers) > self.keep:
                self._answers.popitem(last=False)
        return answer
