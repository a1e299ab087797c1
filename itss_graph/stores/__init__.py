"""Open a store from settings: the embedded SQLite file (default) or a Neo4j server.

Settings come from, in order: command-line flags, environment variables (``ITSS_STORE``,
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), an optional config file
(``ITSS_CONFIG``, else ``./itss.toml``, else ``~/.config/itss-graph/config.toml``), defaults.

Example:
    >>> store = open_store(":memory:")
    >>> store.kind
    'sqlite'
"""

from __future__ import annotations

import os

from itss_graph.errors import StoreError
from itss_graph.frozen import Frozen
from itss_graph.i18n import M_

TYPE_CHECKING = False  # typing is not imported at run time (~4 ms of a cold process)
if TYPE_CHECKING:  # the store classes (and the CI model) load only when a store is opened
    from itss_graph.stores.base import Store

DEFAULT_STORE = "itss.db"


class StoreSettings(Frozen):
    """Where the CMDB lives. ``neo4j_uri`` set means Neo4j; otherwise the SQLite ``path``.

    >>> StoreSettings("x.db").replace(neo4j_uri="bolt://h").describe()
    'neo4j bolt://h'
    """

    __slots__ = ("path", "neo4j_uri", "neo4j_user", "neo4j_password", "neo4j_database")

    def __init__(self, path: str = DEFAULT_STORE, neo4j_uri: str | None = None, neo4j_user: str | None = None,
                 neo4j_password: str | None = None, neo4j_database: str | None = None):
        init = object.__setattr__
        init(self, "path", path)
        init(self, "neo4j_uri", neo4j_uri)
        init(self, "neo4j_user", neo4j_user)
        init(self, "neo4j_password", neo4j_password)
        init(self, "neo4j_database", neo4j_database)

    def replace(self, **changes) -> "StoreSettings":
        """These settings with some fields changed."""
        return StoreSettings(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})

    @property
    def kind(self) -> str:
        return "neo4j" if self.neo4j_uri else "sqlite"

    def describe(self) -> str:
        """Where the store is, without secrets."""
        if self.neo4j_uri:
            db = f" database {self.neo4j_database}" if self.neo4j_database else ""
            return f"neo4j {self.neo4j_uri}{db}"
        return f"sqlite {self.path}"


def _config_file() -> str | None:
    explicit = os.environ.get("ITSS_CONFIG")
    if explicit:
        return explicit
    for candidate in ("itss.toml", os.path.join(os.path.expanduser(os.environ.get("XDG_CONFIG_HOME", "~/.config")),
                                                "itss-graph", "config.toml")):
        if os.path.isfile(candidate):
            return candidate
    return None


def read_config() -> dict | None:
    """The config file's tables (``[store]``, ``[neo4j]``, ``[broker]``), None without one; a
    file that cannot be read or parsed is a StoreError naming it.

    >>> import os; saved = dict(os.environ); os.environ["ITSS_CONFIG"] = os.devnull
    >>> read_config()
    {}
    >>> os.environ.clear(); os.environ.update(saved)
    """
    path = _config_file()
    if path is None:
        return None
    import tomllib  # only when a configuration file exists

    try:
        with open(path, encoding="utf-8") as fh:
            return tomllib.loads(fh.read())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(M_("cannot read config file {path}: {exc}", path=path, exc=exc)) from exc


def settings_from_environment() -> StoreSettings:
    """Settings from the config file, overridden by environment variables."""
    settings = StoreSettings()
    config = read_config()
    if config is not None:
        store = config.get("store", {})
        neo4j = config.get("neo4j", {})
        settings = settings.replace(path=store.get("path", settings.path),
                           neo4j_uri=neo4j.get("uri"), neo4j_user=neo4j.get("user"),
                           neo4j_password=neo4j.get("password"),
                           neo4j_database=neo4j.get("database"))
    env = os.environ
    return settings.replace(
        path=env.get("ITSS_STORE", settings.path),
        neo4j_uri=env.get("NEO4J_URI", settings.neo4j_uri),
        neo4j_user=env.get("NEO4J_USER", env.get("NEO4J_USERNAME", settings.neo4j_user)),
        neo4j_password=env.get("NEO4J_PASSWORD", settings.neo4j_password),
        neo4j_database=env.get("NEO4J_DATABASE", settings.neo4j_database),
    )


def engine_statements(settings: StoreSettings | None) -> list[tuple[str, str]]:
    """The statements the engine runs on the store these settings name (the embedded one by
    default), without connecting to it: for ``--show-query``."""
    if settings is not None and settings.neo4j_uri:
        from itss_graph.stores.neo4j_index import engine_statements as index_statements
        from itss_graph.stores.neo4j_read import engine_statements as walk_statements

        def statements() -> list[tuple[str, str]]:
            return index_statements() + walk_statements()
    else:
        from itss_graph.stores.sqlite_read import engine_statements as statements
    return statements()


def open_store(target: str | StoreSettings | None = None, *, create: bool = True) -> Store:
    """Open a store: a SQLite path, a ``bolt://``/``neo4j://`` URI, or full settings.

    ``create=False`` refuses to create a new SQLite file (queries on a missing store fail
    clearly instead of answering from an empty one).
    """
    if target is None:
        settings = settings_from_environment()
    elif isinstance(target, StoreSettings):
        settings = target
    elif "://" in target:
        settings = settings_from_environment().replace(neo4j_uri=target)
    else:
        settings = StoreSettings(path=target)
    if settings.neo4j_uri:
        from itss_graph.stores.neo4j import Neo4jStore  # lazy: the driver costs ~0.3 s

        return Neo4jStore(settings.neo4j_uri, user=settings.neo4j_user,
                          password=settings.neo4j_password, database=settings.neo4j_database)
    from itss_graph.stores.sqlite import SQLiteStore

    return SQLiteStore(settings.path, create=create)
