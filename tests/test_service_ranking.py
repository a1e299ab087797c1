"""Every answer that lists business services ranks them by what matters — down before at risk,
then criticality (the policy's levels), SLA, users — shows those columns, and says the headline
(services down and at risk, the ITSS event level) before the details."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.support.demo import demo_store_at

    where = tmp_path_factory.mktemp("ranking")
    demo_store_at(where, 0.05).close()
    return str(where / "demo.db")


def _number(value) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _assert_ranked(services: list[dict]) -> None:
    from itss_graph.criticality import criticality_policy

    policy = criticality_policy()
    keys = [(s["status"] != "down", policy.rank(s["criticality"] or None), -_number(s["sla"]), -_number(s["users"]))
            for s in services]
    assert keys == sorted(keys), [s["id"] for s in services]
    assert len({s["criticality"] for s in services}) > 1  # the ranking has something to rank


FAILURE = ["switch:dc1-core-1", "switch:dc1-core-2"]


@pytest.mark.parametrize("command", ["impact", "blast-radius", "change-impact"])
def test_services_ranked_with_their_columns_and_the_headline_first(command, demo_db):
    doc = json.loads(run(command, *FAILURE, "--store", demo_db, "--format", "json").stdout)
    _assert_ranked(doc["services"])
    text = run(command, *FAILURE, "--store", demo_db, "--limit", "5").stdout.splitlines()
    assert "services down" in text[0] and "at risk" in text[0]
    if command != "change-impact":  # a planned change has no event level: it says its window next
        assert "event level" in " ".join(text[:3])
    else:
        assert text[1].startswith("Suggested window")
    header = next(line for line in text if line.split()[:2] == ["status", "id"])
    assert header.split() == ["status", "id", "name", "criticality", "sla", "users", "depth"]
    rows = text[text.index(header) + 2:text.index(header) + 7]
    assert [r.split()[1] for r in rows] == [s["id"] for s in doc["services"][:5]]


def test_show_ranks_the_services_a_ci_supports(demo_db):
    doc = json.loads(run("show", "switch:dc1-core-1", "--store", demo_db, "--format", "json").stdout)
    _assert_ranked(doc["services"])
    text = run("show", "switch:dc1-core-1", "--store", demo_db).stdout
    assert "criticality  sla" in text
