"""Start and stop the real Neo4j test server (tools/neo4j-test-server).

The server is Neo4j 5.26 Community, embedded in a small Java launcher that
Maven builds from Maven Central artifacts. This module builds it when needed,
runs it as a child process and guarantees the JVM does not outlive the tests:

* ``stop()`` closes the child's stdin, which the launcher treats as "shut down";
  SIGTERM and then SIGKILL follow if it lingers;
* an ``atexit`` hook stops every server still running;
* if this Python process dies outright (SIGKILL), the kernel closes the pipe,
  the launcher sees EOF on stdin and exits by itself.

Environment knobs (all optional):
``ITSS_TEST_NEO4J_HEAP`` (JVM -Xmx, default 512m),
``ITSS_TEST_NEO4J_PAGECACHE`` (default 256m),
``ITSS_TEST_NEO4J_START_TIMEOUT`` (seconds, default 180),
``JAVA_HOME`` (which JDK to run; otherwise ``java`` on PATH).
"""

from __future__ import annotations

import atexit
import fcntl
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_DIR = REPO_ROOT / "tools" / "neo4j-test-server"
PLUGIN_DIR = REPO_ROOT / "tools" / "neo4j-plugin"
PLUGIN_JAR = PLUGIN_DIR / "target" / "itss-graph-neo4j-plugin.jar"
POM = SERVER_DIR / "pom.xml"
TARGET = SERVER_DIR / "target"
JAR = TARGET / "neo4j-test-server.jar"
LIB = TARGET / "lib"
# Written after a successful build; its mtime is what sources are compared to.
# (The jar itself is not rewritten when its contents did not change.)
BUILD_STAMP = TARGET / ".itss-build-stamp"

READY_PREFIX = "NEO4J_READY "
DEFAULT_USER = "neo4j"
BUILD_TIMEOUT_S = 900


class Neo4jLauncherError(RuntimeError):
    """The launcher could not be built or started; ``details`` holds its output tail."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}\n--- output (tail) ---\n{self.details}" if self.details else base


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def neo4j_available() -> bool:
    """True when both a JDK's ``java`` and ``mvn`` are present to build and run the server."""
    return _java() is not None and shutil.which("mvn") is not None


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _newest_source_mtime() -> float:
    newest = 0.0
    for project in (SERVER_DIR, PLUGIN_DIR):
        newest = max(newest, (project / "pom.xml").stat().st_mtime)
        for path in (project / "src").rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def needs_build() -> bool:
    if not (JAR.is_file() and LIB.is_dir() and PLUGIN_JAR.is_file() and BUILD_STAMP.is_file()):
        return True
    return _newest_source_mtime() > BUILD_STAMP.stat().st_mtime


def ensure_built() -> None:
    """Build the launcher with Maven unless the build output is newer than its sources.

    A file lock serialises concurrent callers (e.g. pytest-xdist workers), so
    only one runs Maven and the others reuse its output.
    """
    if not needs_build():
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jLauncherError("mvn not found on PATH; cannot build tools/neo4j-test-server")
    TARGET.mkdir(parents=True, exist_ok=True)
    with open(TARGET / ".itss-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not needs_build():  # another process built it while we waited
            return
        for project in (SERVER_DIR, PLUGIN_DIR):  # the launcher, and the procedures it loads
            _maven_package(mvn, project)
        BUILD_STAMP.touch()


def _maven_package(mvn: str, project: Path) -> None:
    cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(project / "pom.xml"), "package", "-DskipTests"]
    try:
        proc = subprocess.run(
            cmd,
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
        raise Neo4jLauncherError(f"Maven build timed out after {BUILD_TIMEOUT_S}s", _tail(out)) from None
    if proc.returncode != 0:
        raise Neo4jLauncherError(
            f"Maven build of {project.relative_to(REPO_ROOT)} failed (exit {proc.returncode}): {' '.join(cmd)}",
            _tail(proc.stdout),
        )


_live: set["Neo4jTestServer"] = set()
_live_lock = threading.Lock()


@atexit.register
def _stop_all() -> None:
    with _live_lock:
        servers = list(_live)
    for server in servers:
        server.stop()


class Neo4jTestServer:
    """A running launcher process. Use :func:`start_server` to make one."""

    def __init__(self, proc: subprocess.Popen, stderr_file, uri: str, password: str | None):
        self._proc = proc
        self._stderr_file = stderr_file  # read side of the child's (already unlinked) stderr file
        self.uri = uri
        self.user = DEFAULT_USER
        self.password = password

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def port(self) -> int:
        return int(self.uri.rsplit(":", 1)[1])

    @property
    def auth(self) -> tuple[str, str] | None:
        """What to pass as ``auth=`` to ``neo4j.GraphDatabase.driver``."""
        return (self.user, self.password) if self.password is not None else None

    def is_running(self) -> bool:
        return self._proc.poll() is None

    def stderr_tail(self, lines: int = 60) -> str:
        try:
            self._stderr_file.seek(0)
            return _tail(self._stderr_file.read().decode(errors="replace"), lines)
        except (OSError, ValueError):  # ValueError: already closed by stop()
            return ""

    def stop(self, timeout: float = 30.0) -> int | None:
        """Shut the server down and wait for the JVM to exit; returns its exit code."""
        proc = self._proc
        # EOF on stdin is the launcher's graceful "shut down" request.
        try:
            if proc.stdin and not proc.stdin.closed:
                proc.stdin.close()
        except OSError:  # broken pipe: it is already gone
            pass
        if proc.poll() is None:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        # stdout is closed by its reader thread at EOF, never under its feet.
        self._stderr_file.close()
        with _live_lock:
            _live.discard(self)
        return proc.returncode

    def __enter__(self) -> "Neo4jTestServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else f"exited({self._proc.returncode})"
        return f"<Neo4jTestServer {self.uri} pid={self.pid} {state}>"


def _read_stdout(stream, lines: "queue.Queue[str | None]") -> None:
    with stream:
        for line in stream:
            lines.put(line)
    lines.put(None)  # EOF: the process is exiting


def start_server(
    password: str | None = None,
    port: int = 0,
    pagecache: str | None = None,
    heap: str | None = None,
    data_dir: str | os.PathLike | None = None,
    timeout: float | None = None,
    plugins: bool = True,
) -> Neo4jTestServer:
    """Build if needed, start the launcher and wait for its READY line.

    ``plugins`` loads ITSS Graph's procedures (``tools/neo4j-plugin``), as an installed
    server would have them; without, itss falls back to one Cypher query per level.

    ``password=None`` runs with auth disabled; otherwise user ``neo4j`` has
    that password. ``port=0`` lets the OS pick a free port.
    Raises :class:`Neo4jLauncherError` (with the launcher's stderr tail) on failure.
    """
    java = _java()
    if java is None:
        raise Neo4jLauncherError("java not found (set JAVA_HOME or put java on PATH)")
    ensure_built()

    heap = heap or os.environ.get("ITSS_TEST_NEO4J_HEAP", "512m")
    pagecache = pagecache or os.environ.get("ITSS_TEST_NEO4J_PAGECACHE", "256m")
    if timeout is None:
        timeout = float(os.environ.get("ITSS_TEST_NEO4J_START_TIMEOUT", "180"))

    cmd = [
        java,
        f"-Xmx{heap}",
        # Lets Neo4j's page cache use DirectByteBuffer internals instead of a slower fallback.
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-XX:+ExitOnOutOfMemoryError",
        "-jar",
        str(JAR),
        "--port",
        str(port),
        "--pagecache",
        pagecache,
    ]
    if password is not None:
        cmd += ["--password", password]
    if data_dir is not None:
        cmd += ["--data", str(data_dir)]
    if plugins:
        cmd += ["--plugins", str(PLUGIN_JAR.parent)]

    # stderr goes to a file, not a pipe, so a chatty JVM can never block on a
    # full pipe that nobody reads. The file is unlinked at once and read back
    # through an open handle, so nothing is left in /tmp even if we are killed.
    fd, stderr_name = tempfile.mkstemp(prefix="neo4j-test-server-", suffix=".stderr")
    stderr_reader = open(stderr_name, "rb")
    os.unlink(stderr_name)
    with os.fdopen(fd, "wb") as stderr_file:
        proc = subprocess.Popen(
            cmd,
            cwd=SERVER_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            # Own session: a Ctrl-C aimed at pytest does not race our orderly stop().
            start_new_session=True,
        )
    server = Neo4jTestServer(proc, stderr_reader, uri="", password=password)
    with _live_lock:
        _live.add(server)

    lines: "queue.Queue[str | None]" = queue.Queue()
    threading.Thread(target=_read_stdout, args=(proc.stdout, lines), daemon=True).start()

    deadline = time.monotonic() + timeout
    stray: list[str] = []  # the JVM reports its own startup errors on stdout

    def failure(message: str) -> Neo4jLauncherError:
        details = server.stderr_tail()
        if stray:
            details += "\n--- stdout ---\n" + _tail("".join(stray))
        return Neo4jLauncherError(f"{message}; command: {' '.join(cmd)}", details.strip())

    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise failure(f"Neo4j test server not ready after {timeout:.0f}s")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                rc = proc.wait()
                raise failure(f"Neo4j test server exited with code {rc} before it was ready")
            if line.startswith(READY_PREFIX):
                server.uri = line[len(READY_PREFIX):].strip()
                return server
            stray.append(line)
    except BaseException:
        # failure() has already read the logs that stop() releases; this
        # also covers KeyboardInterrupt while waiting.
        server.stop(timeout=10)
        raise
