"""Which command lines the broker answers, which broker, and where its socket lives.

A command goes to a broker when brokering is on (not ``ITSS_BROKER=0``, not ``[broker]
enabled = false`` in the config file), its verb only reads the store (:data:`READ_VERBS`: never
``load`` or anything else that writes), and its store is Neo4j (``--neo4j-uri``, ``NEO4J_URI``
or the config file; ``--store PATH`` means the embedded store). Each broker serves one key:
the user id, the Neo4j URI, user and database, a hash of the password, the package's version
and location, the interpreter and its environment (``sys.prefix``), so a changed password or
an upgraded package starts a new broker rather than reusing an old one. Its socket lives in a
private directory (mode 0700): ``ITSS_BROKER_DIR``, else ``$XDG_RUNTIME_DIR/itss-graph``, else
``<cache dir>/broker``.

>>> store_options(["ID", "--neo4j-uri=bolt://h", "--format", "json", "--store", "x.db"])
{'neo4j_uri': 'bolt://h', 'store_path': 'x.db'}
>>> route(["load", "inventory/", "--neo4j-uri", "bolt://h"]) is None   # writes: never brokered
True
>>> import os; saved = dict(os.environ); os.environ["ITSS_BROKER"] = "0"
>>> route(["impact", "ID", "--neo4j-uri", "bolt://h"]) is None          # brokering off
True
>>> os.environ.clear(); os.environ.update(saved)
"""

from __future__ import annotations

import os
import sys

# the verbs that only read the store (and files the user names for output)
READ_VERBS = frozenset({"impact", "blast-radius", "root-cause", "spof", "depends", "path", "orphans",
                        "hotspots", "change-impact", "standards", "gap", "find", "show", "history", "stats"})
_OFF = ("0", "off", "no", "false")
_STORE_OPTIONS = {"--store": "store_path", "--neo4j-uri": "neo4j_uri", "--neo4j-user": "neo4j_user",
                  "--neo4j-password": "neo4j_password", "--neo4j-database": "neo4j_database"}
DEFAULT_IDLE_SECONDS = 300


class Route:
    """Where a command line goes: the broker's socket, how long it waits idle, and the store it
    serves as people read it (no secret)."""

    __slots__ = ("socket_path", "idle_seconds", "store")

    def __init__(self, socket_path: str, idle_seconds: float, store: str = ""):
        self.socket_path = socket_path
        self.idle_seconds = idle_seconds
        self.store = store


def store_options(args: list[str]) -> dict[str, str]:
    """The store options of a command's arguments (``--name VALUE`` or ``--name=VALUE``; the
    last one wins, as click has it), up to a ``--``."""
    found: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if name in _STORE_OPTIONS:
            value = value if equals else next(rest, None)
            if value is not None:
                found[_STORE_OPTIONS[name]] = value
    return found


def route(argv: list[str]) -> Route | None:
    """The broker ``argv`` (the arguments after ``itss``) goes to, or None: answer in-process."""
    if os.environ.get("ITSS_BROKER", "").strip().lower() in _OFF or not argv or argv[0] not in READ_VERBS:
        return None
    import _socket

    if not hasattr(_socket, "SO_PEERCRED"):
        return None  # no peer credentials on this system's Unix-domain sockets: no broker
    import itss_graph as itss
    from itss_graph.cli.store_settings import configured_settings
    from itss_graph.errors import ItssError

    try:
        settings = configured_settings(**store_options(argv[1:]))
        if not settings.neo4j_uri:
            return None
        config = itss.read_config() or {}
    except ItssError:
        return None  # the in-process command reports it
    broker = config.get("broker", {})
    if not isinstance(broker, dict) or str(broker.get("enabled", True)).lower() in _OFF:
        return None
    idle = _seconds(os.environ.get("ITSS_BROKER_IDLE", broker.get("idle_seconds")))
    directory = broker_dir()
    name = key_digest(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_database, settings.neo4j_password)
    path = os.path.join(directory, name + ".sock")
    if len(os.fsencode(path)) > 100:  # sun_path holds 108 bytes
        return None
    return Route(path, idle, settings.describe())


def _seconds(value) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_SECONDS
    return seconds if seconds > 0 else DEFAULT_IDLE_SECONDS


def key_digest(uri: str, user: str | None, database: str | None, password: str | None) -> str:
    """The name of the broker for these settings in this user's directory (no secret in it).

    >>> key_digest("bolt://h", None, None, "a") != key_digest("bolt://h", None, None, "b")
    True
    """
    try:  # the built-in hash: hashlib loads OpenSSL first (~4 ms of a cold process)
        from _sha256 import sha256  # (Python 3.11; renamed _sha2 in 3.12, where hashlib serves)
    except ImportError:
        from hashlib import sha256
    import itss_graph

    secret = sha256((password or "").encode("utf-8", "surrogatepass")).hexdigest()
    material = "\0".join((str(os.getuid()), uri, user or "", database or "", secret, itss_graph.__version__,
                          os.path.dirname(os.path.abspath(itss_graph.__file__)), sys.prefix,
                          os.path.realpath(sys.executable)))
    return "n" + sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def broker_dir() -> str:
    """The directory of this user's broker sockets (not created here)."""
    explicit = os.environ.get("ITSS_BROKER_DIR")
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "itss-graph")
    import itss_graph as itss

    return os.path.join(os.path.abspath(itss.cache_home()), "broker")


def private_dir(path: str, *, create: bool) -> bool:
    """Whether ``path`` is a directory of this user's that only this user can enter (made so
    when ``create`` and missing). A directory someone else owns or others can open is refused."""
    import stat

    if create:
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError:
            return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) & 0o077 == 0)
