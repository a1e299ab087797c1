"""Whether the suite runs under CI, read one way for every kind of test.

Under CI the Neo4j and browser tests must run: a missing server or browser fails them instead
of skipping them.

>>> import os
>>> [in_ci({"CI": v}) for v in ("true", "1", "YES", " True ", "false", "0", "")]
[True, True, True, True, False, False, False]
"""

from __future__ import annotations

import os
from typing import Mapping


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in ("true", "1", "yes")
