"""A fake NetBox for the tests: API objects rebuilt from samples/netbox-demo, served over
HTTP by a stdlib server in a thread.

:func:`build_netbox` turns the demo's cis.csv, relations.csv and relations_extra.csv back into the
NetBox 4.2 objects they were derived from (the derivation is in the data's README.txt): sites,
racks, power panels and feeds, devices with roles and device types, clusters, virtual machines,
providers, circuits, circuit terminations (to sites, and to provider networks for the circuits
that end at a single site, which give no row) and cables with their terminations (interfaces,
front/rear ports, power ports and outlets, circuit terminations). Unnamed devices have
``name: null`` and their display name. Every relation row becomes the object field or the cable
it came from, so loading these objects must give back exactly the demo's CIs and relations.

:class:`FakeNetBox` serves them with NetBox's paging (``count``, ``next``, ``previous``,
``results``; ``limit``/``offset``, ``ordering=id``, ``id__gt``), checks ``Authorization: Token …``, and can misbehave on
purpose (answer 500 or drop the connection on a given request, or change the data between
pages) to test failed and partial reads.
"""

from __future__ import annotations

import csv
import itertools
import json
import threading
import urllib.parse
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BASE = "http://netbox.invalid"
ROLE_SLUGS = {"Router": "router", "Core Switch": "core-switch", "Distribution Switch": "distribution-switch",
              "Access Switch": "access-switch", "PDU": "pdu", "Patch Panel": "patch-panel",
              "Application Server": "application-server", "Database Server": "database-server",
              "ToR Switch": "tor-switch"}


def _slug(name: str) -> str:
    return ROLE_SLUGS.get(name) or name.lower().replace(" ", "-").replace(".", "")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class _Registry:
    """Small NetBox objects (tenants, roles, platforms, ...) created on first mention."""

    def __init__(self, app: str, plural: str):
        self.app, self.plural = app, plural
        self.by_name: dict[str, dict] = {}

    def nested(self, name: str | None, **extra) -> dict | None:
        if not name:
            return None
        if name not in self.by_name:
            n = len(self.by_name) + 1
            self.by_name[name] = {"id": n, "url": f"{BASE}/api/{self.app}/{self.plural}/{n}/",
                                  "display": name, "name": name, "slug": _slug(name), **extra}
        return self.by_name[name]


def _nested(app: str, plural: str, obj_id: int, name: str, **extra) -> dict:
    return {"id": obj_id, "url": f"{BASE}/api/{app}/{plural}/{obj_id}/", "display": name,
            "name": name, **extra}


def _status(value: str) -> dict | None:
    return {"value": value, "label": value.replace("_", " ").capitalize()} if value else None


def _num(ci_id: str) -> int:
    return int(ci_id.split(":", 1)[1])


def build_netbox(demo: Path) -> dict[str, list[dict]]:
    """NetBox 4.2 API objects per endpoint, rebuilt from the demo data."""
    cis = {row["id"]: row for row in _read(demo / "cis.csv")}
    rels = _read(demo / "relations.csv")
    extra = _read(demo / "relations_extra.csv")
    out: dict[str, list[dict]] = defaultdict(list)
    tenants = _Registry("tenancy", "tenants")
    rack_roles = _Registry("dcim", "rack-roles")
    roles = _Registry("dcim", "device-roles")
    platforms = _Registry("dcim", "platforms")
    manufacturers = _Registry("dcim", "manufacturers")
    cluster_types = _Registry("virtualization", "cluster-types")
    circuit_types = _Registry("circuits", "circuit-types")

    def single(rows, rel_type, source_prefix):
        return {r["source"]: r["target"] for r in rows
                if r["type"] == rel_type and r["source"].startswith(source_prefix)}

    located = single(rels, "LOCATED_IN", "")
    panel_site = single(extra, "LOCATED_IN", "powerpanel:")
    feed_panel = single(rels, "POWERED_BY", "powerfeed:")
    feed_rack = {r["target"]: r["source"] for r in extra if r["type"] == "POWERED_BY"}
    vm_cluster = single(rels, "RUNS_ON", "vm:")
    provider_of = single(rels, "PROVIDED_BY", "circuit:")

    def nested_ci(ci_id: str | None) -> dict | None:
        if not ci_id:
            return None
        row = cis[ci_id]
        kind = ci_id.split(":")[0]
        app, plural = {"site": ("dcim", "sites"), "rack": ("dcim", "racks"),
                       "powerpanel": ("dcim", "power-panels"), "device": ("dcim", "devices"),
                       "cluster": ("virtualization", "clusters"), "provider": ("circuits", "providers"),
                       "circuit": ("circuits", "circuits")}[kind]
        if kind == "circuit":
            return {"id": _num(ci_id), "url": f"{BASE}/api/{app}/{plural}/{_num(ci_id)}/",
                    "display": row["name"], "cid": row["name"]}
        return _nested(app, plural, _num(ci_id), row["name"])

    site_by_name = {row["name"]: i for i, row in cis.items() if row["type"] == "site"}
    for ci_id, row in cis.items():
        kind, n = ci_id.split(":")[0], _num(ci_id)
        common = {"id": n, "url": f"{BASE}/api/", "display": row["name"]}
        if kind == "site":
            out["dcim/sites"].append({**common, "name": row["name"], "slug": _slug(row["name"]),
                                      "status": _status(row["status"]),
                                      "tenant": tenants.nested(row["tenant"]), "region": None,
                                      "facility": "", "description": ""})
        elif kind == "rack":
            out["dcim/racks"].append({**common, "name": row["name"], "site": nested_ci(located.get(ci_id)),
                                      "location": None, "status": _status(row["status"]),
                                      "role": rack_roles.nested(row["role"]),
                                      "tenant": tenants.nested(row["tenant"]), "serial": row["serial"],
                                      "u_height": 42})
        elif kind == "powerpanel":
            site = panel_site.get(ci_id) or site_by_name.get(row["site"])
            out["dcim/power-panels"].append({**common, "name": row["name"], "site": nested_ci(site),
                                             "location": None})
        elif kind == "powerfeed":
            out["dcim/power-feeds"].append({
                **common, "name": row["name"], "power_panel": nested_ci(feed_panel.get(ci_id)),
                "rack": nested_ci(feed_rack.get(ci_id)), "status": _status(row["status"]),
                "type": _status(row["role"]), "supply": {"value": "ac", "label": "AC"},
                "voltage": 208, "amperage": 30})
        elif kind == "device":
            unnamed = (row["name"] == f"{row['manufacturer']} {row['model']} ({n})"
                       or (":" in row["name"] and row["name"].rsplit(":", 1)[1].isdigit()))
            target = located.get(ci_id)
            rack = target if target and target.startswith("rack:") else None
            site = site_by_name.get(row["site"]) if row["site"] else None
            out["dcim/devices"].append({
                **common, "name": None if unnamed else row["name"],
                "role": roles.nested(row["role"]),
                "device_type": {"id": n, "manufacturer": manufacturers.nested(row["manufacturer"]),
                                "model": row["model"], "slug": _slug(row["model"])},
                "platform": platforms.nested(row["platform"]), "site": nested_ci(site),
                "rack": nested_ci(rack), "location": None, "tenant": tenants.nested(row["tenant"]),
                "status": _status(row["status"]), "serial": row["serial"], "cluster": None,
                "position": None})
        elif kind == "cluster":
            out["virtualization/clusters"].append({
                **common, "name": row["name"], "type": cluster_types.nested(row["platform"]),
                "status": _status(row["status"]), "scope_type": None, "scope_id": None,
                "scope": None, "tenant": tenants.nested(row["tenant"])})
        elif kind == "vm":
            out["virtualization/virtual-machines"].append({
                **common, "name": row["name"], "cluster": nested_ci(vm_cluster.get(ci_id)),
                "role": roles.nested(row["role"]), "platform": platforms.nested(row["platform"]),
                "status": _status(row["status"]), "site": None, "device": None,
                "tenant": tenants.nested(row["tenant"])})
        elif kind == "provider":
            out["circuits/providers"].append({**common, "name": row["name"], "slug": _slug(row["name"])})
        elif kind == "circuit":
            out["circuits/circuits"].append({
                **common, "cid": row["name"], "provider": nested_ci(provider_of.get(ci_id)),
                "type": circuit_types.nested(row["role"]), "status": _status(row["status"]),
                "tenant": tenants.nested(row["tenant"]), "termination_a": None, "termination_z": None})
    _terminations(out, rels, cis, nested_ci)
    _cables(out, rels, extra, cis, nested_ci)
    for objects in out.values():
        objects.sort(key=lambda o: o["id"])
    return dict(out)


def _terminations(out, rels, cis, nested_ci) -> None:
    ids = itertools.count(1)
    sides: dict[str, list[str]] = defaultdict(list)
    for r in rels:
        if r["type"] == "CIRCUIT_TERMINATES":
            sides[r["source"]].append(r["target"])
    for circuit, sites in sorted(sides.items(), key=lambda kv: _num(kv[0])):
        for side, site in zip("AZ", sites):
            out["circuits/circuit-terminations"].append({
                "id": next(ids), "circuit": nested_ci(circuit), "term_side": side,
                "termination_type": "dcim.site", "termination_id": _num(site),
                "termination": nested_ci(site), "port_speed": None})
        if len(sites) == 1:  # the other end is at the provider's network: no row
            out["circuits/circuit-terminations"].append({
                "id": next(ids), "circuit": nested_ci(circuit), "term_side": "Z",
                "termination_type": "circuits.providernetwork", "termination_id": 1,
                "termination": {"id": 1, "display": "MPLS cloud", "name": "MPLS cloud"},
                "port_speed": None})


def _cables(out, rels, extra, cis, nested_ci) -> None:
    cable_ids = itertools.count(1)
    port_ids = itertools.count(1)

    def port(kind: str, ci_id: str) -> dict:
        n = next(port_ids)
        if kind == "circuits.circuittermination":
            obj = {"id": n, "circuit": nested_ci(ci_id), "term_side": "A"}
        else:
            obj = {"id": n, "device": nested_ci(ci_id), "name": f"port{n}", "display": f"port{n}"}
        return {"object_type": kind, "object_id": n, "object": obj}

    def data_kind(ci_id: str) -> str:
        return "dcim.frontport" if cis[ci_id]["type"] == "patch-panel" else "dcim.interface"

    def cable(a: dict, b: dict) -> None:
        n = next(cable_ids)
        out["dcim/cables"].append({"id": n, "url": f"{BASE}/api/dcim/cables/{n}/", "display": f"#{n}",
                                   "type": "", "status": {"value": "connected", "label": "Connected"},
                                   "a_terminations": [a], "b_terminations": [b], "label": ""})

    for r in rels:
        if r["type"] in ("CONNECTED_TO", "UPLINKED_TO"):  # a data cable (oriented by network tier)
            cable(port(data_kind(r["source"]), r["source"]), port(data_kind(r["target"]), r["target"]))
        elif r["type"] == "POWERED_BY" and r["source"].startswith("device:"):
            cable(port("dcim.powerport", r["source"]), port("dcim.poweroutlet", r["target"]))
    for r in extra:
        if r["type"] == "CONNECTED_TO":  # circuit -> device
            kind = "dcim.rearport" if cis[r["target"]]["type"] == "patch-panel" else "dcim.interface"
            cable(port("circuits.circuittermination", r["source"]), port(kind, r["target"]))


class FakeNetBox:
    """An HTTP server answering NetBox API list requests from prepared objects.

    ``fail_on`` maps a request number (1-based) to ``500`` (an HTTP error) or ``"drop"`` (close
    the connection without an answer); ``mutate_after`` adds an object to dcim/devices after that
    many requests for devices (NetBox changing under the read); ``delete_after`` deletes one object after that
    many requests; endpoints in ``ignore_id_filter`` answer as if ``id__gt`` were not given (the
    same first page again and again). Like NetBox, it filters on ``id__gt`` and orders by
    ``ordering=id``.
    """

    def __init__(self, objects: dict[str, list[dict]], token: str = "0123456789abcdef0123"):
        self.objects = objects
        self.token = token
        self.requests: list[str] = []
        self.fail_on: dict[int, Any] = {}
        self.mutate_after: int | None = None
        self.delete_after: tuple[int, str, int] | None = None  # (requests, endpoint, object id)
        self.ignore_id_filter: set[str] = set()  # endpoints answering as if id__gt were absent
        self.answer: bytes | None = None  # when set, the body of every list answer (fuzzing)
        self.lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeNetBox":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with fake.lock:
                    fake.requests.append(self.path)
                    number = len(fake.requests)
                    reads = sum("/api/dcim/devices/" in r for r in fake.requests)
                    if (fake.mutate_after is not None and "/api/dcim/devices/" in self.path
                            and reads == fake.mutate_after + 1):
                        devices = fake.objects["dcim/devices"]
                        devices.insert(0, {**devices[0], "id": 0, "name": "inserted-meanwhile"})
                    if fake.delete_after is not None and number == fake.delete_after[0] + 1:
                        endpoint, obj_id = fake.delete_after[1:]
                        fake.objects[endpoint] = [o for o in fake.objects[endpoint] if o["id"] != obj_id]
                failure = fake.fail_on.get(number)
                if failure == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if failure:
                    self._json(int(failure), {"detail": "Internal Server Error"})
                    return
                if self.headers.get("Authorization") != f"Token {fake.token}":
                    self._json(403, {"detail": "Invalid token"})
                    return
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/api/status/":
                    self._json(200, {"netbox-version": "4.2.0"})
                    return
                parts = url.path.strip("/").split("/")
                if len(parts) != 3 or parts[0] != "api" or f"{parts[1]}/{parts[2]}" not in fake.objects:
                    self._json(404, {"detail": "Not found."})
                    return
                endpoint = f"{parts[1]}/{parts[2]}"
                if fake.answer is not None:  # a prepared body for every list request
                    data = fake.answer
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                objects = fake.objects[endpoint]
                query = urllib.parse.parse_qs(url.query)
                if query.get("ordering") == ["id"]:
                    objects = sorted(objects, key=lambda o: o["id"])
                if "id__gt" in query and endpoint not in fake.ignore_id_filter:
                    after = int(query["id__gt"][0])
                    objects = [o for o in objects if o["id"] > after]
                limit = int(query.get("limit", ["50"])[0])
                offset = int(query.get("offset", ["0"])[0])
                page = objects[offset:offset + limit]
                host = self.headers.get("Host")
                following = None
                if offset + limit < len(objects):
                    rest = urllib.parse.urlencode({**{k: v[0] for k, v in query.items()},
                                                   "limit": limit, "offset": offset + limit})
                    following = f"http://{host}{url.path}?{rest}"
                self._json(200, {"count": len(objects), "next": following, "previous": None,
                                 "results": page})

        return Handler


def write_json_export(objects: dict[str, list[dict]], directory: Path) -> None:
    """The objects as a NetBox JSON export (one API page per endpoint file)."""
    directory.mkdir(parents=True, exist_ok=True)
    for endpoint, items in objects.items():
        path = directory / (endpoint.replace("/", ".") + ".json")
        path.write_text(json.dumps({"count": len(items), "next": None, "previous": None,
                                    "results": items}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
