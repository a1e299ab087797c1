"""The server's last few impact closures: one what-if, asked several ways, costs one walk.

The what-if screen asks a failure's blast radius and then a page of its impacted CIs; "more"
asks the next page of services, then of CIs. Each is a new request (the answer cache keys whole
requests), and each would walk the same closure again: ~10 ms of a 100k-CI closure at 1M CIs,
plus its ordering. The closure is one question's, whatever page or view of it is shown, so the
server keeps the last few, keyed by the store generation read in the request's own snapshot: a
closure walked before ``itss load`` is never used after it.

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
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import itss_graph as itss


class RecentImpacts:
    """``itss.impact`` answers (without properties) of the last ``keep`` questions that
    reached at least ``least`` CIs."""

    def __init__(self, keep: int = 2, least: int = 10_000):
        self.keep, self.least = keep, least
        self.walked = 0  # closures walked (the others came from the kept ones)
        self._answers: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def impact(self, store, ci_ids, *, max_depth: int | None = None):
        """``itss.impact(store, ci_ids, max_depth=max_depth, with_props=False)``, walked once per
        store generation while it stays among the last ``keep`` large ones asked."""
        key = (store.generation(), tuple(ci_ids), max_depth)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                return answer
        answer = itss.impact(store, list(ci_ids), max_depth=max_depth, with_props=False)
        with self._lock:
            self.walked += 1
            if len(answer.whole.columns) < self.least:
                return answer
            self._answers[key] = answer
            while len(self._answers) > self.keep:
                self._answers.popitem(last=False)
        return answer
