"""``/api/VERB`` answers exactly what ``itss VERB --format json`` prints for the same arguments
(and ``format=csv`` what ``--format csv`` prints), on the demo estate and the NetBox sample:
every case of the golden test (tests/golden/cases.py) and a few more."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.golden.cases import CASES
from tests.serve.conftest import PROFILES

# verb -> (name of the positional arguments' parameter, {CLI option: API parameter})
POSITIONAL = {"impact": "ci", "blast-radius": "ci", "change-impact": "ci", "root-cause": "symptom",
              "spof": "target", "depends": "target", "history": "ci", "queries": "search", "find": "q",
              "show": "ci"}
OPTIONS = {"--depth": "depth", "--limit": "limit", "--type": "type", "--top": "top", "--lang": "lang",
           "--show": "show", "--category": "category", "--no-obligations": "obligations",
           "--max-length": "max_length", "--max-paths": "max_paths", "--ci-type": "ci_type", "--code": "code",
           "--ci": "ci", "--profile": "profile", "--where": "where", "--history": "history",
           "--services": "services", "--standards": "standards", "--services-offset": "services_offset",
           "--services-limit": "services_limit"}
TABLE_ONLY = {("spof", "--limit"), ("impact", "--limit"), ("blast-radius", "--limit"), ("depends", "--limit"),
              ("orphans", "--limit")}  # options that only shorten the table: the JSON is the same

MORE_CASES = [
    ("impact-no-obligations", "demo", ["impact", "server:dc1-db0030p", "--no-obligations"]),
    ("impact-depth-1", "demo", ["impact", "switch:dc1-core-1", "--depth", "1"]),
    ("history", "demo", ["history", "server:dc1-db0030p"]),
    ("change-impact-two", "demo", ["change-impact", "switch:dc1-core-1", "switch:dc1-core-2"]),
    ("root-cause-limit", "demo", ["root-cause", "vm:0030-web1", "vm:0031-web1", "--limit", "3"]),
    ("queries-search", "kb", ["queries", "单点故障"]),
    ("queries-category", "kb", ["queries", "--category", "resilience", "--lang", "zh"]),
    ("queries-show", "kb", ["queries", "--show", "spof"]),
    ("types-zh", "kb", ["types", "--lang", "zh"]),
    ("standards-code-zh", "demo", ["standards", "--code", "040301", "--lang", "zh"]),
    ("standards-profile", "kb", ["standards", "--profile", str(PROFILES / "scenario-1.yaml")]),
    ("gap-profile-zh", "kb", ["gap", "--profile", str(PROFILES / "scenario-1.yaml"), "--lang", "zh"]),
    ("standards-ci-service", "demo", ["standards", "--ci", "service:0001"]),
    ("standards-verbose", "kb", ["standards", "--code", "040301", "--verbose"]),
    ("gap-met-verbose", "kb", ["gap", "--profile", str(PROFILES / "scenario-2.yaml"), "--met", "--verbose"]),
    ("find-name", "demo", ["find", "dc1-core-sw-1"]),
    ("find-typo", "demo", ["find", "switch:dc1-core1"]),
    ("find-chinese-typed", "demo", ["find", "核心账务", "--type", "business-service", "--limit", "5"]),
    ("find-where", "demo", ["find", "", "--type", "server", "--where", "site=DC1", "--limit", "10"]),
    ("find-width", "demo", ["find", "ＳＷＩＴＣＨ:DC1-CORE-1"]),
    ("show-switch", "demo", ["show", "switch:dc1-core-1"]),
    ("show-service-zh", "demo", ["show", "service:0001", "--lang", "zh", "--limit", "10", "--history", "2"]),
    ("show-netbox", "netbox", ["show", "device:1", "--standards", "0"]),
    ("path-bounded", "demo", ["path", "service:0001", "site:dc1", "--max-length", "6", "--max-paths", "5"]),
    ("blast-radius-page", "demo", ["blast-radius", "switch:dc1-core-1", "switch:dc1-core-2",
                                   "--services-offset", "3", "--services-limit", "4"]),
    ("blast-radius-page-past-end", "demo", ["blast-radius", "storage-array:dc1-san1", "--services-offset", "100000"]),
]
ALL = CASES + MORE_CASES


def api_request(args: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """The API path and query parameters asking what ``itss ARGS`` asks."""
    verb, rest = args[0], args[1:]
    params: list[tuple[str, str]] = []
    positional: list[str] = []
    k = 0
    while k < len(rest):
        arg = rest[k]
        if arg == "--no-obligations":
            params.append(("obligations", "false"))
        elif arg in ("--met", "--verbose", "-v"):
            params.append((arg.lstrip("-").replace("v", "verbose") if arg == "-v" else arg.lstrip("-"), "true"))
        elif arg.startswith("--"):
            if arg == "--profile":  # the server offers profiles by name (from examples/profiles)
                params.append(("profile", Path(rest[k + 1]).name))
            elif (verb, arg) not in TABLE_ONLY:
                params.append((OPTIONS[arg], rest[k + 1]))
            k += 1
        else:
            positional.append(arg)
        k += 1
    if verb == "path":
        params += [("dependant", positional[0]), ("provider", positional[1])]
    else:
        params += [(POSITIONAL[verb], p) for p in positional]
    return f"/api/{verb}", params


def cli(args: list[str], store, output_format: str) -> str:
    from itss_graph.cli.main import cli as command
    from itss_graph.i18n import set_language

    # as a fresh `itss` process with ITSS_LANG=en: an earlier `--lang zh` in this test process
    # must not become the next command's default (the API's default language is English)
    set_language("en")
    store_args = [] if store is None else ["--store", str(store)]
    result = CliRunner().invoke(command, [*args, *store_args, "--format", output_format], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name,store,args", ALL, ids=[c[0] for c in ALL])
def test_api_answers_what_the_cli_prints(stores, demo_client, netbox_client, name, store, args):
    client = netbox_client if store == "netbox" else demo_client
    path, params = api_request(args)
    where = stores.get(store)
    formats = ("json",) if "--show" in args else ("json", "csv")  # `queries --show` has no CSV
    for fmt in formats:
        response = client.get(path, params=[*params, ("format", fmt)])
        assert response.status_code == 200, response.text
        assert response.text == cli(args, where, fmt), f"{path} format={fmt}"


def test_every_query_verb_of_the_cli_is_covered():
    from itss_graph.cli.main import COMMANDS

    query_verbs = {v for v, (module, _, _) in COMMANDS.items()
                   if module in ("itss_graph.cli.queries_cmd", "itss_graph.cli.impact_cmd")
                   or v in ("history", "stats", "types", "standards", "gap", "find", "show")}
    covered = {args[0] for _, _, args in ALL}
    assert query_verbs - covered == set()


def test_impacted_pages_are_the_rows_of_impact_in_order(demo_client):
    # the what-if screen shows the counts and fetches the impacted CIs a page at a time
    failed = [("ci", "switch:dc1-core-1"), ("ci", "storage-array:dc1-san1")]
    whole = demo_client.get("/api/impact", params=failed).json()["impacted"]
    assert len(whole) > 250
    pages, offset = [], 0
    while True:
        page = demo_client.get("/api/impacted", params=[*failed, ("offset", offset), ("limit", 250)]).json()
        assert (page["total"], page["offset"]) == (len(whole), offset)
        if not page["impacted"]:
            break
        assert len(page["impacted"]) <= 250
        pages += page["impacted"]
        offset += len(page["impacted"])
    assert pages == whole
    assert demo_client.get("/api/impacted", params=[*failed, ("limit", 1001)]).status_code == 400


def test_pages_of_blast_radius_services_are_the_ranked_services_in_order(demo_client):
    # the what-if screen shows the first services ranked and fetches more with a button
    failed = [("ci", "switch:dc1-core-1"), ("ci", "switch:dc1-core-2")]
    whole = demo_client.get("/api/blast-radius", params=failed).json()
    assert len(whole["services"]) > 20
    pages, offset = [], 0
    while True:
        page = demo_client.get("/api/blast-radius", params=[*failed, ("services_offset", offset),
                                                            ("services_limit", 7)]).json()
        # everything but the listed services is the whole answer's: counts, redundancy, obligations
        assert {k: v for k, v in page.items() if k != "services"} == {k: v for k, v in whole.items() if k != "services"}
        if not page["services"]:
            break
        assert len(page["services"]) <= 7
        pages += page["services"]
        offset += len(page["services"])
    assert pages == whole["services"]
    assert whole["summary"]["down"] + whole["summary"]["at_risk"] == len(pages)
    assert demo_client.get("/api/blast-radius", params=[*failed, ("services_limit", 0)]).status_code == 400
