"""The server's recent closures: the what-if screen's several views of one failure walk it
and grade its services once, answer exactly as a fresh server does, and a load makes the next
question walk afresh."""

from __future__ import annotations

import shutil

from contextlib import contextmanager

import itss_graph as itss
from itss_graph.serve.recent import RecentImpacts
from tests.serve.conftest import make_client

SAN = "storage-array:dc1-san1"
CORE = "switch:dc1-core-1"
# the what-if screen's questions for one failure: the blast radius with a page of services,
# the first page of impacted CIs, then "more" of each
SCREEN = [
    ("/api/blast-radius", {"ci": [SAN, CORE], "services_limit": 5}),
    ("/api/impacted", {"ci": [SAN, CORE], "offset": 0, "limit": 100}),
    ("/api/blast-radius", {"ci": [SAN, CORE], "services_offset": 5, "services_limit": 5}),
    ("/api/impacted", {"ci": [SAN, CORE], "offset": 100, "limit": 100}),
    ("/api/impact", {"ci": [SAN, CORE], "format": "csv"}),
    ("/api/blast-radius", {"ci": [SAN, CORE], "format": "csv"}),
]


@contextmanager
def _client_keeping_every_closure(store):
    """A server that keeps closures of any size (the demo estate's are below the default's)."""
    with make_client(store) as client:
        recent = client.app.app.state.recent = RecentImpacts(least=1)  # client.app: the guard around the app
        yield client, recent


def _fresh_answer(store, path: str, params: dict) -> str:
    with make_client(store) as client:  # a new server: nothing kept
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.text


def test_one_what_if_asked_several_ways_walks_its_closure_once_and_answers_as_a_fresh_server(stores):
    with _client_keeping_every_closure(stores["demo"]) as (client, recent):
        answers = []
        for path, params in SCREEN:
            response = client.get(path, params=params)
            assert response.status_code == 200, response.text
            answers.append(response.text)
        assert (recent.walked, recent.graded) == (1, 1)
        client.get("/api/impacted", params={"ci": [CORE, SAN]})  # another order: another question
        assert recent.walked == 2
    for (path, params), answer in zip(SCREEN, answers):
        assert answer == _fresh_answer(stores["demo"], path, params), (path, params)


def test_a_load_makes_the_next_question_walk_the_new_store(stores, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(stores["demo"], db)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "cis.csv").write_text("id,type,name\napplication:9999,application,新上线应用\n", encoding="utf-8")
    (extra / "relations.csv").write_text(f"source,type,target\napplication:9999,DEPENDS_ON,{SAN}\n",
                                         encoding="utf-8")
    params = {"ci": SAN, "limit": 1000}
    with _client_keeping_every_closure(db) as (client, recent):
        before = client.get("/api/impacted", params=params).json()
        store = itss.open_store(str(db))
        try:
            itss.load([extra], store)
        finally:
            store.close()
        after = client.get("/api/impacted", params=params).json()
        assert recent.walked == 2
    assert "application:9999" not in {row["id"] for row in before["impacted"]}
    assert "application:9999" in {row["id"] for row in after["impacted"]}
    assert after["total"] == before["total"] + 1


def test_small_closures_are_not_kept(stores):
    with make_client(stores["demo"]) as client:
        recent = client.app.app.state.recent
        for offset in (0, 1):  # two requests (the answer cache keeps whole requests), one question
            assert client.get("/api/impacted", params={"ci": "vm:0030-web1", "offset": offset}).status_code == 200
        assert recent.walked == 2


def _timing_parts(response) -> dict[str, float]:
    parts = {}
    for part in response.headers["server-timing"].split(","):
        name, *fields = [f.strip() for f in part.split(";")]
        parts[name] = float(next(f for f in fields if f.startswith("dur="))[4:])
    return parts


def test_server_timing_shows_the_closure_walk_of_the_question_that_walked_it(stores):
    with _client_keeping_every_closure(stores["demo"]) as (client, recent):
        first = _timing_parts(client.get("/api/impacted", params={"ci": [SAN, CORE], "limit": 10}))
        assert set(first) == {"answer", "closure"} and 0 <= first["closure"] <= first["answer"]
        kept = _timing_parts(client.get("/api/impacted", params={"ci": [SAN, CORE], "offset": 10, "limit": 10}))
        assert set(kept) == {"answer"}  # the kept closure: nothing walked, nothing left over
        assert recent.walked == 1
