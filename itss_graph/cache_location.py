"""Where compiled caches live, as a plain string (no pathlib: ``itss --help`` reads its cached
text from here before anything else is imported).

>>> import os; os.environ["ITSS_CACHE_DIR"] = "/tmp/itss-cache"; cache_home()
'/tmp/itss-cache'
>>> del os.environ["ITSS_CACHE_DIR"]
"""

from __future__ import annotations

import os


def cache_home() -> str:
    """``ITSS_CACHE_DIR``, else ``$XDG_CACHE_HOME/itss-graph`` (``~/.cache/itss-graph``); not created."""
    base = os.environ.get("ITSS_CACHE_DIR")
    if base:
        return os.path.expanduser(base)
    return os.path.join(os.path.expanduser(os.environ.get("XDG_CACHE_HOME", "~/.cache")), "itss-graph")
