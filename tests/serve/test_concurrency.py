"""A real ``itss serve`` process (loopback only) under twenty clients at once, and while
``itss load`` changes its store: every answer is whole — the store before the load or after
it, never a mix — and the new load is picked up without a restart."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx

from tests.serve.support import ITSS, running_server

SAN = "storage-array:dc1-san1"
QUESTIONS = [
    ("blast-radius", {"ci": SAN}),
    ("impact", {"ci": "switch:dc1-core-1", "depth": "2"}),
    ("spof", {"target": "service:0030"}),
    ("depends", {"target": "service:0030", "depth": "3"}),
    ("path", {"dependant": "service:0030", "provider": SAN}),
    ("neighbours", {"ci": "server:dc1-db0030p"}),
    ("standards", {"code": "040301"}),
    ("stats", {}),
]


def test_twenty_clients_at_once_get_the_same_answers_as_one(demo_server):
    base = demo_server.url
    with httpx.Client(timeout=120) as client:
        expected = {verb: client.get(f"{base}/api/{verb}", params=params).text for verb, params in QUESTIONS}

    def one_client(k: int) -> list[tuple[str, int, bool]]:
        out = []
        with httpx.Client(timeout=120) as client:  # its own connection, as a browser tab has
            for verb, params in QUESTIONS[k % len(QUESTIONS):] + QUESTIONS[:k % len(QUESTIONS)]:
                response = client.get(f"{base}/api/{verb}", params=params)
                out.append((verb, response.status_code, response.text == expected[verb]))
        return out

    with ThreadPoolExecutor(max_workers=20) as pool:
        seen = [row for rows in pool.map(one_client, range(20)) for row in rows]
    assert len(seen) == 20 * len(QUESTIONS)
    assert [row for row in seen if row[1:] != (200, True)] == []


def _extra_inventory(directory):
    """A new business service resting on the SAN, and a renamed SAN: both change the answer."""
    directory.mkdir()
    (directory / "cis.csv").write_text(
        "id,type,name,criticality\n"
        "service:9999,business-service,新上线系统,critical\n"
        "application:9999,application,新上线应用,\n"
        f"{SAN},storage-array,dc1-SAN1-renamed,\n", encoding="utf-8")
    (directory / "relations.csv").write_text(
        "source,type,target\n"
        f"application:9999,SUPPORTS,service:9999\napplication:9999,DEPENDS_ON,{SAN}\n", encoding="utf-8")


def test_a_store_reloaded_while_serving_is_picked_up_and_never_half_read(stores, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(stores["demo"], db)
    _extra_inventory(tmp_path / "extra")
    seen: list[tuple[str, str]] = []
    stop = threading.Event()
    with running_server(db) as server:
        url = f"{server.url}/api/blast-radius"
        before = httpx.get(url, params={"ci": SAN}, timeout=120)

        def ask_again_and_again():
            with httpx.Client(timeout=120) as client:
                for _ in range(2000):  # bounded; stopped once the load is seen
                    if stop.is_set():
                        return
                    response = client.get(url, params={"ci": SAN})
                    assert response.status_code == 200
                    seen.append((response.headers["x-itss-generation"], response.text))

        askers = [threading.Thread(target=ask_again_and_again) for _ in range(4)]
        for thread in askers:
            thread.start()
        try:
            done = subprocess.run([ITSS, "load", str(tmp_path / "extra"), "--store", str(db)],
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            after = httpx.get(url, params={"ci": SAN}, timeout=120)
            deadline = time.monotonic() + 60
            while not any(g == after.headers["x-itss-generation"] for g, _ in seen) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            for thread in askers:
                thread.join(timeout=120)
    assert before.headers["x-itss-generation"] != after.headers["x-itss-generation"]
    assert "service:9999" not in before.text and "service:9999" in after.text  # picked up, no restart
    assert "dc1-SAN1-renamed" in after.text
    bodies = {text for _, text in seen}
    assert bodies <= {before.text, after.text}  # every answer whole: before the load or after it
    assert after.text in bodies
    by_generation: dict[str, set[str]] = {}
    for generation, text in seen:
        by_generation.setdefault(generation, set()).add(text)
    assert all(len(texts) == 1 for texts in by_generation.values())
