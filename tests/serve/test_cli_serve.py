"""``itss serve`` as people start it: a missing store or a busy port is a one-line error (exit 2);
another host than loopback gets a token, printed once, that every request must carry; the rest of
the CLI does not pay for the web stack."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import httpx2 as httpx

from tests.serve.support import ITSS, running_server


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ITSS, *args], capture_output=True, text=True, timeout=120, env=dict(os.environ))


def test_a_missing_store_is_a_clear_error(tmp_path):
    done = run("serve", "--store", str(tmp_path / "nothing.db"), "--port", "0")
    assert done.returncode == 2
    assert done.stderr.startswith("itss: error: no store at") and "Traceback" not in done.stderr


def test_a_busy_port_is_a_clear_error(stores):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--store", str(stores["netbox"]), "--port", str(port))
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_another_host_gets_a_token_printed_once_and_required_everywhere(stores):
    with running_server(stores["netbox"], "--host", "0.0.0.0") as server:
        printed = "".join(server.output)
        token = printed.split("?token=", 1)[1].split()[0]
        assert printed.count(token) == 1 and "printed only this once" in printed
        local = server.url.replace("0.0.0.0", "127.0.0.1")  # the test only talks to loopback
        assert httpx.get(local + "/api/stats", timeout=60).status_code == 401
        assert httpx.get(local + "/", timeout=60).status_code == 401
        answer = httpx.get(local + "/api/stats", headers={"authorization": f"Bearer {token}"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["cis"]


def test_the_rest_of_the_cli_does_not_import_the_web_stack():
    code = ("import sys; from itss_graph.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'uvicorn', 'starlette', 'pydantic'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    assert "serve" in run("--help").stdout


def test_the_server_compiles_its_closure_kernel_in_the_background(stores, tmp_path):
    # it answers at once (numpy kernel) and says when the compiled kernel took over
    import time

    with running_server(stores["demo"], env={"ITSS_CACHE_DIR": str(tmp_path / "cache")}) as server:
        deadline = time.monotonic() + 300
        while True:
            status = httpx.get(server.url + "/api/status", timeout=60).json()
            if status["closure_kernel"] == "compiled" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status["closure_kernel"] == "compiled"
        answer = httpx.get(server.url + "/api/blast-radius", params={"ci": ["switch:dc1-core-1", "switch:dc1-core-2"]},
                           timeout=60)
        assert answer.status_code == 200 and answer.json()["summary"]["down"] > 0
    assert "Traceback" not in "".join(server.output)
