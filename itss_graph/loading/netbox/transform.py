"""NetBox objects → CI and relation rows (the mapping of ``samples/netbox-demo/README.txt``).

=================  ========================================================================
NetBox             rows
=================  ========================================================================
site               ``site:<id>`` (site = its own name)
rack               ``rack:<id>``, LOCATED_IN its site
power panel        ``powerpanel:<id>``; with extras LOCATED_IN its site
power feed         ``powerfeed:<id>`` (site = its panel's site, rack = the rack it supplies),
                   POWERED_BY its panel; with extras the rack POWERED_BY the feed
device             ``device:<id>``, type from its role (profile ``device_roles``, then the
                   ontology's aliases, then ``default_device_type`` with a warning); LOCATED_IN
                   its rack, or its site when it has no rack; its cluster HOSTED_ON it
cluster            ``cluster:<id>`` (platform = cluster type)
virtual machine    ``vm:<id>``, RUNS_ON its cluster (and the device it is pinned to)
provider, circuit  ``provider:<id>``, ``circuit:<id>`` (name = circuit id), PROVIDED_BY
circuit termination  circuit CIRCUIT_TERMINATES site, once per circuit and site
cable              data ports of two devices whose CI types stand at different network tiers
                   (``cmdb:networkTier`` in the ontology: router 1 … patch panel 5, end devices
                   9): the one further from the core UPLINKED_TO the other (a server to its
                   switch, an access switch to its router); other data cables (same tier, or
                   a type without one) A-side device CONNECTED_TO B-side device; power port to
                   outlet: device POWERED_BY the PDU; power port to feed: device POWERED_BY the
                   feed; with extras a circuit termination to a device port: CONNECTED_TO
                   between circuit and device (A side first). One row per pair.
=================  ========================================================================

Objects are read endpoint by endpoint and only id → name maps are kept, so memory stays small.
Rows are located as ``netbox:dcim.device:17``.

Example:
    >>> t = NetBoxTransform({})
    >>> [r.fields["id"] for r in t.rows({"dcim/sites": [{"id": 1, "name": "HQ"}]})]
    ['site:1']
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator

from itss_graph.errors import Problem, RowWarning
from itss_graph.i18n import M_
from itss_graph.loading.readers import RawRow

ENDPOINTS = (
    "dcim/sites", "dcim/racks", "dcim/power-panels", "dcim/power-feeds", "dcim/devices",
    "virtualization/clusters", "virtualization/virtual-machines", "circuits/providers",
    "circuits/circuits", "circuits/circuit-terminations", "dcim/cables",
)
_KINDS = {"dcim/sites": "dcim.site", "dcim/racks": "dcim.rack", "dcim/power-panels": "dcim.powerpanel",
          "dcim/power-feeds": "dcim.powerfeed", "dcim/devices": "dcim.device",
          "virtualization/clusters": "virtualization.cluster",
          "virtualization/virtual-machines": "virtualization.virtualmachine",
          "circuits/providers": "circuits.provider", "circuits/circuits": "circuits.circuit",
          "circuits/circuit-terminations": "circuits.circuittermination", "dcim/cables": "dcim.cable"}
DATA_PORTS = {"dcim.interface", "dcim.frontport", "dcim.rearport", "dcim.consoleport",
              "dcim.consoleserverport"}


def _name(obj: Any) -> str | None:
    """A nested object's name (or display), or the object's own."""
    if not isinstance(obj, dict):
        return None
    return obj.get("name") or obj.get("display") or None


def _value(choice: Any) -> str | None:
    """A NetBox choice field ({"value", "label"}) as its value slug."""
    if isinstance(choice, dict):
        return choice.get("value") or None
    return choice or None


def _id(obj: Any) -> Any:
    return obj.get("id") if isinstance(obj, dict) else None


class NetBoxTransform:
    """Rows for NetBox objects; ``options`` are the netbox profile's (``device_roles``,
    ``default_device_type``)."""

    def __init__(self, options: dict[str, Any], *, extras: bool = False, schema=None):
        from itss_graph.schema import load_schema

        self.roles = {str(k): str(v) for k, v in (options.get("device_roles") or {}).items()}
        self.default_type = options.get("default_device_type")
        self.extras = extras
        self.schema = schema or load_schema()
        self.sites: dict[Any, str] = {}
        self.racks: dict[Any, str] = {}
        self.panel_sites: dict[Any, str | None] = {}
        self.pairs: set[tuple[str, str, str]] = set()
        self.warned_roles: set[str] = set()
        self.device_tiers: dict[str, int | None] = {}  # device CI id -> its type's network tier

    # -- entry point --------------------------------------------------------------------------
    def rows(self, objects: dict[str, Iterable[dict]]) -> Iterator[RawRow | Problem]:
        """Rows for the objects of each endpoint (any endpoint may be missing)."""
        handlers = {
            "dcim/sites": self._site, "dcim/racks": self._rack, "dcim/power-panels": self._panel,
            "dcim/power-feeds": self._feed, "dcim/devices": self._device,
            "virtualization/clusters": self._cluster,
            "virtualization/virtual-machines": self._vm, "circuits/providers": self._provider,
            "circuits/circuits": self._circuit,
            "circuits/circuit-terminations": self._termination, "dcim/cables": self._cable,
        }
        for endpoint in ENDPOINTS:
            kind = _KINDS[endpoint]
            for obj in objects.get(endpoint, ()):
                try:  # rows of one object at a time: a malformed object is one problem
                    rows = list(handlers[endpoint](obj))
                except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
                    yield Problem(self._where(kind, obj if isinstance(obj, dict) else {}), None, None,
                                  M_("a NetBox {kind} object of an unexpected shape ({error}: {detail})",
                                     kind=kind.split('.')[1], error=type(exc).__name__, detail=str(exc)[:120]))
                    continue
                yield from rows

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _where(kind: str, obj: dict) -> str:
        return f"netbox:{kind}:{obj.get('id')}"

    @staticmethod
    def _ci(where: str, fields: dict[str, Any]) -> RawRow:
        return RawRow("ci", where, None, {k: v for k, v in fields.items() if v not in (None, "")})

    def _rel(self, where: str, source: str, rel_type: str, target: str) -> Iterator[RawRow]:
        key = (source, rel_type, target)
        if key not in self.pairs:
            self.pairs.add(key)
            yield RawRow("relation", where, None, {"source": source, "type": rel_type, "target": target})

    # -- objects ------------------------------------------------------------------------------
    def _site(self, obj: dict) -> Iterator:
        name = _name(obj)
        self.sites[obj["id"]] = name
        yield self._ci(self._where("dcim.site", obj), {
            "id": f"site:{obj['id']}", "name": name, "type": "site", "site": name,
            "status": _value(obj.get("status")), "tenant": _name(obj.get("tenant"))})

    def _rack(self, obj: dict) -> Iterator:
        where = self._where("dcim.rack", obj)
        name = _name(obj)
        self.racks[obj["id"]] = name
        yield self._ci(where, {
            "id": f"rack:{obj['id']}", "name": name, "type": "rack",
            "site": _name(obj.get("site")), "status": _value(obj.get("status")),
            "role": _name(obj.get("role")), "tenant": _name(obj.get("tenant")),
            "serial": obj.get("serial")})
        if _id(obj.get("site")) is not None:
            yield from self._rel(where, f"rack:{obj['id']}", "LOCATED_IN", f"site:{obj['site']['id']}")

    def _panel(self, obj: dict) -> Iterator:
        where = self._where("dcim.powerpanel", obj)
        site = _name(obj.get("site"))
        self.panel_sites[obj["id"]] = site
        yield self._ci(where, {"id": f"powerpanel:{obj['id']}", "name": _name(obj),
                               "type": "power-panel", "site": site})
        if self.extras and _id(obj.get("site")) is not None:
            yield from self._rel(where, f"powerpanel:{obj['id']}", "LOCATED_IN",
                                 f"site:{obj['site']['id']}")

    def _feed(self, obj: dict) -> Iterator:
        where = self._where("dcim.powerfeed", obj)
        panel = _id(obj.get("power_panel"))
        rack = obj.get("rack")
        yield self._ci(where, {
            "id": f"powerfeed:{obj['id']}", "name": _name(obj), "type": "power-feed",
            "site": self.panel_sites.get(panel), "status": _value(obj.get("status")),
            "role": _value(obj.get("type")), "rack": _name(rack)})
        if panel is not None:
            yield from self._rel(where, f"powerfeed:{obj['id']}", "POWERED_BY", f"powerpanel:{panel}")
        if self.extras and _id(rack) is not None:
            yield from self._rel(where, f"rack:{rack['id']}", "POWERED_BY", f"powerfeed:{obj['id']}")

    def _device_type(self, where: str, role: Any) -> tuple[str | None, list]:
        slug = role.get("slug") if isinstance(role, dict) else None
        name = _name(role)
        for candidate in (self.roles.get(slug or ""), self.roles.get(name or "")):
            if candidate:
                return self.schema.resolve_ci_type(candidate) or candidate, []
        for text in (slug, name):
            resolved = self.schema.resolve_ci_type(text) if text else None
            if resolved:
                return resolved, []
        label = name or slug or "(none)"
        if self.default_type:
            notes = []
            if label not in self.warned_roles:
                self.warned_roles.add(label)
                notes.append(RowWarning(where, None, "role",
                                        M_("device role {label!r} has no CI type in the netbox profile; {default_type!r} is used for every device with it",
                                           label=label, default_type=self.default_type),
                                        label))
            return self.default_type, notes
        return None, [Problem(where, None, "role",
                              M_("device role {label!r} has no CI type: add it to device_roles in the netbox profile",
                                 label=label), label)]

    def _device(self, obj: dict) -> Iterator:
        where = self._where("dcim.device", obj)
        device_id = f"device:{obj['id']}"
        ci_type, notes = self._device_type(where, obj.get("role") or obj.get("device_role"))
        yield from notes
        if ci_type is None:
            return
        device_type = obj.get("device_type") or {}
        rack = obj.get("rack")
        known = self.schema.ci_types.get(ci_type)
        self.device_tiers[device_id] = known.network_tier if known else None
        yield self._ci(where, {
            "id": device_id, "name": _name(obj), "type": ci_type,
            "site": _name(obj.get("site")), "status": _value(obj.get("status")),
            "role": _name(obj.get("role") or obj.get("device_role")),
            "tenant": _name(obj.get("tenant")), "platform": _name(obj.get("platform")),
            "manufacturer": _name(device_type.get("manufacturer")),
            "model": device_type.get("model"), "serial": obj.get("serial"),
            "rack": _name(rack)})
        if _id(rack) is not None:
            yield from self._rel(where, device_id, "LOCATED_IN", f"rack:{rack['id']}")
        elif _id(obj.get("site")) is not None:
            yield from self._rel(where, device_id, "LOCATED_IN", f"site:{obj['site']['id']}")
        if _id(obj.get("cluster")) is not None:
            yield from self._rel(where, f"cluster:{obj['cluster']['id']}", "HOSTED_ON", device_id)

    @staticmethod
    def _scope_site(obj: dict) -> Any:
        if isinstance(obj.get("site"), dict):
            return obj["site"]
        if obj.get("scope_type") == "dcim.site" and isinstance(obj.get("scope"), dict):
            return obj["scope"]
        return None

    def _cluster(self, obj: dict) -> Iterator:
        yield self._ci(self._where("virtualization.cluster", obj), {
            "id": f"cluster:{obj['id']}", "name": _name(obj), "type": "cluster",
            "site": _name(self._scope_site(obj)), "status": _value(obj.get("status")),
            "tenant": _name(obj.get("tenant")), "platform": _name(obj.get("type"))})

    def _vm(self, obj: dict) -> Iterator:
        where = self._where("virtualization.virtualmachine", obj)
        vm_id = f"vm:{obj['id']}"
        yield self._ci(where, {
            "id": vm_id, "name": _name(obj), "type": "vm", "site": _name(obj.get("site")),
            "status": _value(obj.get("status")), "role": _name(obj.get("role")),
            "tenant": _name(obj.get("tenant")), "platform": _name(obj.get("platform"))})
        if _id(obj.get("cluster")) is not None:
            yield from self._rel(where, vm_id, "RUNS_ON", f"cluster:{obj['cluster']['id']}")
        if _id(obj.get("device")) is not None:
            yield from self._rel(where, vm_id, "RUNS_ON", f"device:{obj['device']['id']}")

    def _provider(self, obj: dict) -> Iterator:
        yield self._ci(self._where("circuits.provider", obj), {
            "id": f"provider:{obj['id']}", "name": _name(obj), "type": "provider"})

    def _circuit(self, obj: dict) -> Iterator:
        where = self._where("circuits.circuit", obj)
        circuit_id = f"circuit:{obj['id']}"
        yield self._ci(where, {
            "id": circuit_id, "name": obj.get("cid") or _name(obj), "type": "circuit",
            "status": _value(obj.get("status")), "role": _name(obj.get("type")),
            "tenant": _name(obj.get("tenant"))})
        if _id(obj.get("provider")) is not None:
            yield from self._rel(where, circuit_id, "PROVIDED_BY", f"provider:{obj['provider']['id']}")

    def _termination(self, obj: dict) -> Iterator:
        circuit = _id(obj.get("circuit"))
        if circuit is None:
            return
        site = None
        if obj.get("termination_type") == "dcim.site":  # NetBox ≥ 4.2
            site = obj.get("termination_id") or _id(obj.get("termination"))
        elif isinstance(obj.get("site"), dict):  # NetBox 4.0, 4.1
            site = obj["site"].get("id")
        if site is not None:  # a provider network is not a CI: no row
            yield from self._rel(self._where("circuits.circuittermination", obj),
                                 f"circuit:{circuit}", "CIRCUIT_TERMINATES", f"site:{site}")

    def _cable(self, obj: dict) -> Iterator:
        where = self._where("dcim.cable", obj)
        ends_a = [self._end(t) for t in obj.get("a_terminations") or []]
        ends_b = [self._end(t) for t in obj.get("b_terminations") or []]
        for (kind_a, ci_a), (kind_b, ci_b) in itertools.product(ends_a, ends_b):
            if ci_a is None or ci_b is None:
                continue
            if kind_a in DATA_PORTS and kind_b in DATA_PORTS:
                if ci_a == ci_b:
                    yield RowWarning(where, None, None,
                                     M_("cable joins two ports of {ci_a}: no relation", ci_a=ci_a), ci_a)
                    continue
                yield from self._data_cable(where, ci_a, ci_b)
            elif {kind_a, kind_b} == {"dcim.powerport", "dcim.poweroutlet"}:
                consumer, provider = (ci_a, ci_b) if kind_a == "dcim.powerport" else (ci_b, ci_a)
                if consumer != provider:
                    yield from self._rel(where, consumer, "POWERED_BY", provider)
            elif {kind_a, kind_b} == {"dcim.powerport", "dcim.powerfeed"}:
                consumer, feed = (ci_a, ci_b) if kind_a == "dcim.powerport" else (ci_b, ci_a)
                yield from self._rel(where, consumer, "POWERED_BY", feed)
            elif self.extras and "circuits.circuittermination" in (kind_a, kind_b) and (
                    kind_a in DATA_PORTS or kind_b in DATA_PORTS):
                yield from self._rel(where, ci_a, "CONNECTED_TO", ci_b)

    def _data_cable(self, where: str, ci_a: str, ci_b: str) -> Iterator[RawRow]:
        """An uplink when the ontology's network tiers of the two devices differ (the device
        further from the core reaches the network through the other), else a peer link."""
        tier_a, tier_b = self.device_tiers.get(ci_a), self.device_tiers.get(ci_b)
        if tier_a is not None and tier_b is not None and tier_a != tier_b:
            edge, core = (ci_a, ci_b) if tier_a > tier_b else (ci_b, ci_a)
            yield from self._rel(where, edge, "UPLINKED_TO", core)
        else:
            yield from self._rel(where, ci_a, "CONNECTED_TO", ci_b)

    @staticmethod
    def _end(termination: dict) -> tuple[str | None, str | None]:
        """(object type, CI id) of one cable termination."""
        kind = termination.get("object_type") or termination.get("termination_type")
        target = termination.get("object") or termination.get("termination") or {}
        if kind == "circuits.circuittermination":
            circuit = _id(target.get("circuit"))
            return kind, f"circuit:{circuit}" if circuit is not None else None
        if kind == "dcim.powerfeed":
            feed = termination.get("object_id") or _id(target)
            return kind, f"powerfeed:{feed}" if feed is not None else None
        device = _id(target.get("device"))
        return kind, f"device:{device}" if device is not None else None
