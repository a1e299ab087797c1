"""The broker (itss_graph/cli/broker): which commands go to it, which broker, and that a
brokered answer is the in-process answer byte for byte.

The server tests run a real broker process on the embedded store (the broker does not care
which store a command names: only the client routes Neo4j commands to it); the tests marked
``neo4j`` run the cold CLI against the test server, as people do. No time is asserted: waits
(for a broker to exit when idle) poll with a generous limit.
"""

from __future__ import annotations

import marshal
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from itss_graph.cli.broker import place, wire
from itss_graph.cli.broker.client import PROTOCOL, connect, wait_for
from itss_graph.loading.example import example_store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def broker_env(tmp_path, monkeypatch):
    """Brokering on, sockets in a short private directory of this test."""
    directory = Path(f"/tmp/itss-broker-test-{os.getpid()}-{tmp_path.name[-20:]}")
    monkeypatch.delenv("ITSS_BROKER", raising=False)
    monkeypatch.setenv("ITSS_BROKER_DIR", str(directory))
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("ITSS_CONFIG", raising=False)
    yield directory
    _stop_all(directory)


def _stop_all(directory: Path) -> None:
    """Stop every broker a test started (each removes its socket), then the directory."""
    env = {**os.environ, "ITSS_BROKER_DIR": str(directory)}
    subprocess.run([sys.executable, "-m", "itss_graph.cli.main", "broker", "stop", "--all"],
                   capture_output=True, env=env, timeout=120)
    for path in directory.glob("*") if directory.is_dir() else ():
        path.unlink()
    if directory.is_dir():
        directory.rmdir()


# --- which commands, which broker -------------------------------------------------------------

def test_only_read_verbs_on_neo4j_are_routed(broker_env, monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    neo4j = ["--neo4j-uri", "bolt://127.0.0.1:7687"]
    target = place.route(["impact", "x", *neo4j])
    assert target is not None and Path(target.socket_path).parent == broker_env
    assert target.idle_seconds == place.DEFAULT_IDLE_SECONDS
    assert place.route(["spof", "--estate", "--neo4j-uri=bolt://h"]) is not None
    assert place.route(["load", "inventory/", *neo4j]) is None  # writes: never brokered
    assert place.route(["demo", *neo4j]) is None and place.route([]) is None
    assert place.route(["impact", "x"]) is None  # the embedded store
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7687")
    assert place.route(["impact", "x"]) is not None  # Neo4j from the environment
    assert place.route(["impact", "x", "--store", "x.db"]) is None  # --store wins, as in-process
    monkeypatch.setenv("ITSS_BROKER_IDLE", "7")
    assert place.route(["impact", "x"]).idle_seconds == 7
    monkeypatch.setenv("ITSS_BROKER", "0")
    assert place.route(["impact", "x"]) is None


def test_the_config_file_turns_brokering_off_and_sets_the_idle_time(broker_env, monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    config = tmp_path / "itss.toml"
    config.write_text('[neo4j]\nuri = "bolt://127.0.0.1:7687"\n[broker]\nidle_seconds = 42\n', encoding="utf-8")
    monkeypatch.setenv("ITSS_CONFIG", str(config))
    assert place.route(["impact", "x"]).idle_seconds == 42
    config.write_text('[neo4j]\nuri = "bolt://127.0.0.1:7687"\n[broker]\nenabled = false\n', encoding="utf-8")
    assert place.route(["impact", "x"]) is None
    config.write_text("[neo4j\n", encoding="utf-8")  # broken: the in-process command reports it
    assert place.route(["impact", "x"]) is None


def test_each_password_uri_user_and_database_has_its_own_broker_named_without_the_secret():
    names = {place.key_digest("bolt://a", None, None, "pw1"), place.key_digest("bolt://a", None, None, "pw2"),
             place.key_digest("bolt://b", None, None, "pw1"), place.key_digest("bolt://a", "u", None, "pw1"),
             place.key_digest("bolt://a", None, "db", "pw1")}
    assert len(names) == 5
    assert place.key_digest("bolt://a", None, None, "pw1") == place.key_digest("bolt://a", None, None, "pw1")
    assert not any("pw1" in name or "bolt" in name for name in names)


def test_only_a_private_directory_of_ours_holds_sockets(tmp_path):
    mine = tmp_path / "mine"
    assert place.private_dir(str(mine), create=True)
    assert mine.stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    assert not place.private_dir(str(shared), create=True)
    assert not place.private_dir(str(tmp_path / "missing"), create=False)


def test_kept_drivers_are_shared_and_left_open_by_their_stores(monkeypatch):
    from itss_graph.stores import neo4j_kept

    class Driver:
        closed = False

        def close(self):
            self.closed = True

    monkeypatch.setattr(neo4j_kept, "_kept", None)  # this process's own state, restored after
    driver, key = Driver(), ("bolt://h", "u", "pw", None, 30.0)
    neo4j_kept.keep(key, driver)  # keeping is off (a cold process): its store closes it
    assert neo4j_kept.kept_driver(key) is None and neo4j_kept.releases(driver)
    neo4j_kept.keep_connections()
    neo4j_kept.keep(key, driver)
    assert neo4j_kept.kept_driver(key) is driver and not neo4j_kept.releases(driver)
    assert neo4j_kept.kept_driver(("bolt://h", "u", "other", None, 30.0)) is None  # another password
    neo4j_kept.forget(key)  # it failed its check: closed, no longer kept
    assert driver.closed and neo4j_kept.releases(driver) and neo4j_kept.kept_driver(key) is None


# --- the broker process, on the embedded store ---------------------------------------------------

def _start_broker(directory: Path, idle: float = 300) -> str:
    place.private_dir(str(directory), create=True)
    path = str(directory / "t.sock")
    subprocess.Popen([sys.executable, "-m", "itss_graph.cli.broker.server", path, str(idle)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert wait_for(path, 120) is not None, "the broker did not listen"
    return path


def ask(path: str, argv: list[str], cwd: Path, env: dict | None = None) -> tuple[bytes, bytes, int | None]:
    """What a broker answers: stdout, stderr and the exit status (None: it declined)."""
    sock = connect(path)
    assert sock is not None
    request = {"protocol": PROTOCOL, "argv": argv, "cwd": str(cwd), "env": dict(env or os.environ),
               "tty": (False, False), "streams": (("utf-8", "strict"), ("utf-8", "backslashreplace"))}
    sock.sendall(wire.frame(wire.REQUEST, marshal.dumps(request)))
    out, err = [], []
    try:
        while True:
            kind, payload = wire.read_frame(sock)
            if kind == wire.EXIT:
                return b"".join(out), b"".join(err), int(payload)
            if kind == wire.DECLINE:
                return b"".join(out), b"".join(err), None
            (out if kind == wire.STDOUT else err).append(payload)
    finally:
        sock.close()


def in_process(argv: list[str], cwd: Path, env: dict | None = None) -> tuple[bytes, bytes, int]:
    done = subprocess.run([sys.executable, "-m", "itss_graph.cli.main", *argv], capture_output=True, cwd=cwd,
                          env={**(env or os.environ), "ITSS_BROKER": "0"}, timeout=300)
    return done.stdout, done.stderr, done.returncode


def _log(directory: Path) -> str:
    return (directory / "t.sock.log").read_text(encoding="utf-8")


def test_a_broker_answers_byte_for_byte_as_the_process_would(broker_env, tmp_path):
    example_store(str(tmp_path / "x.db")).close()
    path = _start_broker(broker_env)
    cases = [["impact", "pdu:a", "--store", "x.db"],
             ["impact", "server:db1", "--store", "x.db", "--format", "json"],
             ["blast-radius", "pdu:a", "--store", "x.db", "--format", "csv"],
             ["impact", "pdu:a", "--store", "x.db", "--lang", "zh"],
             ["find", "db", "--store", "x.db"],
             ["impact", "no-such-ci", "--store", "x.db"],          # an unknown CI: exit 2, a message
             ["impact", "pdu:a", "--depth", "zero", "--store", "x.db"],  # click's usage error
             ["stats", "--store", "missing.db"]]                   # no store there
    for argv in cases:
        expected = in_process(argv, tmp_path)
        assert ask(path, argv, tmp_path) == expected, argv
    assert expected[2] == 2 and b"Traceback" not in expected[1]
    assert _log(broker_env).count("served ") == len(cases)  # one broker answered them all


def test_requests_at_the_same_time_are_answered_one_after_the_other_unmixed(broker_env, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    example_store(str(tmp_path / "x.db")).close()
    path = _start_broker(broker_env)
    cases = [["impact", "pdu:a", "--store", "x.db", "--format", "json"], ["impact", "server:db1", "--store", "x.db"],
             ["impact", "no-such-ci", "--store", "x.db"], ["find", "db", "--store", "x.db"]] * 2
    with ThreadPoolExecutor(len(cases)) as pool:
        answers = list(pool.map(lambda argv: ask(path, argv, tmp_path), cases))
    for argv, got in zip(cases, answers):
        assert got == in_process(argv, tmp_path), argv


def test_a_broker_declines_what_writes_and_what_it_cannot_run(broker_env, tmp_path):
    path = _start_broker(broker_env)
    assert ask(path, ["load", "inventory/", "--store", "x.db"], tmp_path)[2] is None
    assert ask(path, ["demo"], tmp_path)[2] is None
    assert ask(path, ["impact", "x"], tmp_path / "gone")[2] is None  # no such directory
    assert not (tmp_path / "x.db").exists()
    assert "served" not in _log(broker_env)


def test_a_stale_socket_is_replaced_and_an_idle_broker_exits(broker_env, tmp_path):
    place.private_dir(str(broker_env), create=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(broker_env / "t.sock"))
    stale.close()  # the file stays; nothing listens
    assert connect(str(broker_env / "t.sock")) is None
    path = _start_broker(broker_env, idle=1)
    deadline = time.monotonic() + 120
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(path)
    assert "idle: exiting" in _log(broker_env)


def test_a_broker_notices_that_the_code_it_runs_changed(tmp_path, monkeypatch):
    import types

    from itss_graph.cli.broker.server import CodeStamps

    source = tmp_path / "edited.py"
    source.write_text("", encoding="utf-8")
    module = types.ModuleType("itss_graph._edited_for_test")
    module.__file__ = str(source)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    stamps = CodeStamps()
    assert not stamps.changed() and not stamps.changed()
    os.utime(source, (1, 1))  # edited (or replaced) since it was imported
    assert stamps.changed()


def test_broker_status_and_stop(broker_env, tmp_path):
    path = _start_broker(broker_env)
    env = {**os.environ, "ITSS_BROKER_DIR": str(broker_env)}
    out = in_process(["broker", "status"], tmp_path, env)
    assert out[2] == 0 and f"{path}\trunning\tpid ".encode() in out[0]
    assert in_process(["broker", "stop", "--all"], tmp_path, env)[:3:2] == (b"brokers stopped: 1\n", 0)
    assert not os.path.exists(path) and "asked to stop" in _log(broker_env)
    out = in_process(["broker", "stop"], tmp_path, {**env, "NEO4J_URI": ""})
    assert out[2] == 2 and b"no Neo4j store is configured" in out[1]


def test_the_cold_cli_goes_through_a_broker_even_to_a_server_that_is_not_there(broker_env, tmp_path):
    # the whole client path without a Neo4j server: the broker is started, the command
    # forwarded, and the error the driver gives comes back as the process would print it
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9"}
    for argv in (["impact", "device:1"], ["stats", "--format", "json"]):
        expected = cold(argv, tmp_path, {**env, "ITSS_BROKER": "0"})
        assert expected[2] == 2 and b"cannot reach Neo4j" in expected[1]
        assert cold(argv, tmp_path, env) == expected, argv
    done = subprocess.run([sys.executable, "-c", _MODULES, "impact", "device:1"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=300)
    modules = set(done.stderr.decode().rpartition("MODULES ")[2].split())
    assert "itss_graph.cli.broker.client" in modules and _served(broker_env) == (1, 3)
    assert not {m.split(".")[0] for m in modules} & {"neo4j", "click", "numpy", "socket", "json", "hashlib"}
    assert "itss_graph.cli.plain" not in modules  # nothing was answered in this process


# --- the cold CLI on Neo4j ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded_neo4j(neo4j_server, netbox_dir):
    """The NetBox sample in the test server's database (loaded once for these tests)."""
    from neo4j import GraphDatabase

    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.neo4j import Neo4jStore
    from tests.conftest_neo4j import wipe_database

    with GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver:
        wipe_database(driver)
    store = Neo4jStore(neo4j_server.uri, user=neo4j_server.user, password=neo4j_server.password)
    try:
        load_inventory([netbox_dir], store)
    finally:
        store.close()
    return neo4j_server


def cold(argv: list[str], cwd: Path, env: dict) -> tuple[bytes, bytes, int]:
    done = subprocess.run([sys.executable, "-m", "itss_graph.cli.main", *argv], capture_output=True, cwd=cwd,
                          env=env, timeout=300)
    return done.stdout, done.stderr, done.returncode


def _neo4j_env(server, **extra) -> dict:
    env = {**os.environ, "NEO4J_URI": server.uri, **extra}
    if server.password is not None:
        env["NEO4J_PASSWORD"] = server.password
    return env


def _served(directory: Path) -> tuple[int, int]:
    """(brokers started, requests served) over the logs of ``directory``."""
    logs = [p.read_text(encoding="utf-8") for p in directory.glob("*.log")]
    return sum(log.count(" listening at ") for log in logs), sum(log.count("served ") for log in logs)


@pytest.mark.neo4j
def test_the_cold_cli_on_neo4j_answers_through_one_broker_byte_for_byte(loaded_neo4j, broker_env, tmp_path):
    env = _neo4j_env(loaded_neo4j)
    cases = [["impact", "device:1"],
             ["impact", "device:1", "--format", "json"],
             ["impact", "device:1", "--format", "csv", "--lang", "zh"],
             ["blast-radius", "device:1"],
             ["depends", "device:14", "--format", "json"],
             ["find", "akron"],
             ["stats"],
             ["impact", "device:99999"],               # unknown CI: exit 2 and a message
             ["impact", "device:1", "--depth", "0"]]   # click's usage error
    for argv in cases:
        expected = cold(argv, tmp_path, {**env, "ITSS_BROKER": "0"})
        assert cold(argv, tmp_path, env) == expected, argv
    assert expected[2] == 2 and b"Traceback" not in expected[1]
    assert _served(broker_env) == (1, len(cases))  # the first started it, the others reused it
    # stopped, then asked at once: a new broker (its log afresh) answers, not the process
    assert cold(["broker", "stop", "--all"], tmp_path, env)[:3:2] == (b"brokers stopped: 1\n", 0)
    assert cold(cases[0], tmp_path, env) == cold(cases[0], tmp_path, {**env, "ITSS_BROKER": "0"})
    assert _served(broker_env) == (1, 1)


@pytest.mark.neo4j
def test_another_password_or_uri_gets_its_own_broker_and_itss_broker_0_none(loaded_neo4j, broker_env, tmp_path):
    env = _neo4j_env(loaded_neo4j)
    first = cold(["impact", "device:1"], tmp_path, env)
    assert first[2] == 0
    host_uri = loaded_neo4j.uri.replace("127.0.0.1", "localhost")
    assert cold(["impact", "device:1", "--neo4j-uri", host_uri], tmp_path, env) == first
    if loaded_neo4j.password is None:  # auth disabled: any password is let in, each its own broker
        assert cold(["impact", "device:1"], tmp_path, {**env, "NEO4J_PASSWORD": "another"}) == first
    brokers = 3 if loaded_neo4j.password is None else 2
    assert _served(broker_env) == (brokers, brokers)
    assert len(list(broker_env.glob("*.sock"))) == brokers
    assert cold(["impact", "device:1"], tmp_path, {**env, "ITSS_BROKER": "0"}) == first
    assert _served(broker_env) == (brokers, brokers)  # ITSS_BROKER=0: answered in-process


@pytest.mark.neo4j
def test_a_stale_socket_of_the_cold_cli_is_replaced(loaded_neo4j, broker_env, tmp_path, monkeypatch):
    env = _neo4j_env(loaded_neo4j)
    monkeypatch.setenv("NEO4J_URI", loaded_neo4j.uri)
    if loaded_neo4j.password is not None:
        monkeypatch.setenv("NEO4J_PASSWORD", loaded_neo4j.password)
    path = place.route(["impact", "device:1"]).socket_path
    place.private_dir(str(broker_env), create=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()
    expected = cold(["impact", "device:1"], tmp_path, {**env, "ITSS_BROKER": "0"})
    assert cold(["impact", "device:1"], tmp_path, env) == expected
    assert _served(broker_env) == (1, 1)


_MODULES = """
import sys
sys.argv = ["itss", *sys.argv[1:]]
from itss_graph.cli.main import main
try:
    main()
except SystemExit as exc:
    status = exc.code
modules = sorted(sys.modules)
sys.stderr.write("\\nMODULES " + " ".join(modules) + "\\n")
"""


@pytest.mark.neo4j
def test_a_brokered_cold_process_imports_no_driver_click_or_numpy(loaded_neo4j, broker_env, tmp_path):
    env = _neo4j_env(loaded_neo4j)
    assert cold(["impact", "device:1"], tmp_path, env)[2] == 0  # the broker is up
    done = subprocess.run([sys.executable, "-c", _MODULES, "impact", "device:1", "--format", "json"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=300)
    modules = set(done.stderr.decode().rpartition("MODULES ")[2].split())
    assert "itss_graph.cli.broker.client" in modules and _served(broker_env) == (1, 2)
    assert not {m.split(".")[0] for m in modules} & {"neo4j", "click", "numpy", "socket", "json", "hashlib"}
    assert "itss_graph.cli.plain" not in modules  # nothing was answered in this process


def _on_a_terminal(argv: list[str], cwd: Path, env: dict, columns: int) -> tuple[bytes, int]:
    """What ``itss ARGV`` writes to a terminal ``columns`` wide (stdout and stderr both on it)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-m", "itss_graph.cli.main", *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks), proc.wait(timeout=300)


@pytest.mark.neo4j
def test_on_a_terminal_the_broker_writes_what_the_process_would(loaded_neo4j, broker_env, tmp_path):
    # a table fitted to the terminal's width, which the broker learns from the client
    env = _neo4j_env(loaded_neo4j)
    for argv in (["impact", "device:1"], ["blast-radius", "device:1"], ["impact", "device:99999"]):
        expected = _on_a_terminal(argv, tmp_path, {**env, "ITSS_BROKER": "0"}, 50)
        assert _on_a_terminal(argv, tmp_path, env, 50) == expected, argv
    assert _on_a_terminal(["impact", "device:1"], tmp_path, env, 50) != \
        _on_a_terminal(["impact", "device:1"], tmp_path, env, 120)  # the width did matter
    assert _served(broker_env)[0] == 1


@pytest.mark.neo4j
def test_a_reader_that_goes_away_ends_the_brokered_command_as_the_process(loaded_neo4j, broker_env, tmp_path):
    # `itss … | head`: the pipe is closed before the answer is written
    def closed_pipe(env: dict) -> tuple[int, bytes]:
        read, write = os.pipe()
        os.close(read)
        proc = subprocess.Popen([sys.executable, "-m", "itss_graph.cli.main", "find", "device"], cwd=tmp_path,
                                env=env, stdout=write, stderr=subprocess.PIPE)
        os.close(write)
        err = proc.communicate(timeout=300)[1]
        return proc.returncode, err

    env = _neo4j_env(loaded_neo4j)
    expected = closed_pipe({**env, "ITSS_BROKER": "0"})
    assert closed_pipe(env) == expected
    assert _served(broker_env) == (1, 1)  # answered by the broker, not again in-process
