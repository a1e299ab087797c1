"""A deterministic synthetic estate shaped after the bank case of the ITSS white paper.

Appendix 4 of the white paper describes a commercial bank's provincial branch: a main data
centre and a same-city disaster-recovery centre, 1000+ hosts, 4800+ network devices and 230+
business systems, of which 23 critical and 53 important, with virtualised servers (VMware on
blades), Oracle databases on UNIX, middleware, and a branch network. ``scale=1`` gives that
estate (~14k CIs); ``itss demo`` loads it, ``bench/`` scales it to 10k, 100k and 1M CIs with
about three relations per CI. Same seed and scale, same estate, byte for byte.

Redundancy is modelled the way inventories should declare it: pairs and clusters are
``redundancy-group`` CIs with ``min_up``, members join with ``MEMBER_OF`` and dependants
``DEPENDS_ON`` the group; devices take power from two PDUs (``POWERED_BY`` is redundant).

Example:
    >>> cis, rels = generate_estate(scale=0.02)
    >>> sum(1 for _ in cis) > 100
    True
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

CI_COLUMNS = ["id", "name", "type", "site", "criticality", "owner", "min_up", "role", "tier", "sla", "users"]
REL_COLUMNS = ["source", "type", "target"]

SERVICE_NAMES = [
    "核心账务", "授权支付", "储蓄特色", "金融服务", "资金归结", "网上银行", "手机银行", "电话银行",
    "自助设备", "信用卡", "国际结算", "信贷管理", "反洗钱", "柜面系统", "理财销售", "票据影像",
    "客户关系", "数据集市", "报表平台", "电子渠道", "现金管理", "代收代付", "外汇交易", "基金代销",
]


@dataclass
class _Sink:
    cis: list[dict] = field(default_factory=list)
    rels: list[tuple[str, str, str]] = field(default_factory=list)

    def ci(self, ci_id: str, name: str, ci_type: str, **props) -> str:
        self.cis.append({"id": ci_id, "name": name, "type": ci_type,
                         **{k: v for k, v in props.items() if v not in (None, "")}})
        return ci_id

    def rel(self, source: str, rel_type: str, target: str) -> None:
        self.rels.append((source, rel_type, target))


@dataclass
class _DataCentre:
    site: str
    key: str
    racks: list[str] = field(default_factory=list)
    pdus: dict[str, tuple[str, str]] = field(default_factory=dict)  # rack -> (A, B)
    tor_groups: dict[str, str] = field(default_factory=dict)  # rack -> ToR pair group
    rack_cursor: int = 0
    core_group: str = ""
    san: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)

    def next_rack(self) -> str:
        rack = self.racks[self.rack_cursor % len(self.racks)]
        self.rack_cursor += 1
        return rack


def generate_estate(scale: float = 1.0, seed: int = 2014) -> tuple[Iterator[dict], Iterator[tuple]]:
    """CIs (dicts in the canonical format) and relations (source, type, target) of the estate."""
    sink = _Sink()
    _Builder(sink, scale, random.Random(seed)).build()
    return iter(sink.cis), iter(sink.rels)


def write_estate(directory: Path, scale: float = 1.0, seed: int = 2014) -> tuple[int, int]:
    """Write ``cis.csv`` and ``relations.csv`` into ``directory``; return the two row counts."""
    directory.mkdir(parents=True, exist_ok=True)
    cis, rels = generate_estate(scale, seed)
    n_cis = n_rels = 0
    with (directory / "cis.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CI_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in cis:
            writer.writerow(row)
            n_cis += 1
    with (directory / "relations.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(REL_COLUMNS)
        for row in rels:
            writer.writerow(row)
            n_rels += 1
    return n_cis, n_rels


class _Builder:
    def __init__(self, sink: _Sink, scale: float, rng: random.Random):
        self.s = sink
        self.scale = scale
        self.rng = rng

    def n(self, base: float, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    def build(self) -> None:
        carriers = [self.s.ci(f"provider:{k}", name, "provider")
                    for k, name in (("ct", "中国电信"), ("cu", "中国联通"), ("cm", "中国移动"))]
        main = self._data_centre("dc1", "主数据中心", rooms=3)
        dr = self._data_centre("dc2", "同城灾备中心", rooms=1)
        self._dc_interconnect(main, dr, carriers)
        self._services(main, dr)
        self._infrastructure(main)
        self._branches(main, carriers)

    # -- facilities, power, cooling, network core -----------------------------------------------
    def _data_centre(self, key: str, name: str, rooms: int) -> _DataCentre:
        s = self.s
        site = s.ci(f"site:{key}", name, "site", site=name, criticality="critical")
        dc = _DataCentre(site, key)
        for r in range(1, rooms + 1):
            room = s.ci(f"room:{key}-{r}", f"{name} 机房{r}", "room", site=name)
            s.rel(room, "LOCATED_IN", site)
            ups = [s.ci(f"ups:{key}-{r}-{ab}", f"UPS {key}-{r}{ab}", "ups", site=name)
                   for ab in "AB"]
            panels = []
            for ab, u in zip("AB", ups):
                s.rel(u, "LOCATED_IN", room)
                panel = s.ci(f"power-panel:{key}-{r}-{ab}", f"配电柜 {key}-{r}{ab}", "power-panel", site=name)
                s.rel(panel, "LOCATED_IN", room)
                s.rel(panel, "POWERED_BY", u)
                panels.append(panel)
            cooling = s.ci(f"group:{key}-{r}-cooling", f"{name} 机房{r} 空调组", "redundancy-group",
                           site=name, min_up=3)
            for c in range(1, 5):
                unit = s.ci(f"cooling:{key}-{r}-{c}", f"精密空调 {key}-{r}-{c}", "cooling", site=name)
                s.rel(unit, "LOCATED_IN", room)
                s.rel(unit, "POWERED_BY", panels[c % 2])
                s.rel(unit, "MEMBER_OF", cooling)
            s.rel(room, "DEPENDS_ON", cooling)
            for k in range(1, self.n(80 if key == "dc1" else 100, 4) + 1):
                rack = s.ci(f"rack:{key}-{r}-{k:03d}", f"{key.upper()}-R{r}-{k:03d}", "rack", site=name)
                s.rel(rack, "LOCATED_IN", room)
                pdus = []
                for ab, panel in zip("AB", panels):
                    feed = s.ci(f"power-feed:{key}-{r}-{k:03d}-{ab}", f"feed {key}-{r}-{k:03d}{ab}",
                                "power-feed", site=name)
                    s.rel(feed, "POWERED_BY", panel)
                    pdu = s.ci(f"pdu:{key}-{r}-{k:03d}-{ab}", f"PDU {key}-{r}-{k:03d}{ab}", "pdu", site=name)
                    s.rel(pdu, "POWERED_BY", feed)
                    s.rel(pdu, "LOCATED_IN", rack)
                    pdus.append(pdu)
                dc.racks.append(rack)
                dc.pdus[rack] = (pdus[0], pdus[1])
        self._network_core(dc, name)
        self._storage_and_clusters(dc, name)
        return dc

    def _device(self, dc: _DataCentre, ci_id: str, name: str, ci_type: str, **props) -> str:
        """A rack-mounted device: located in the next rack, dual-powered from its PDUs."""
        s = self.s
        rack = dc.next_rack()
        s.ci(ci_id, name, ci_type, site=props.pop("site", dc.key), **props)
        s.rel(ci_id, "LOCATED_IN", rack)
        a, b = dc.pdus[rack]
        s.rel(ci_id, "POWERED_BY", a)
        s.rel(ci_id, "POWERED_BY", b)
        return ci_id

    def _pair(self, dc: _DataCentre, key: str, name: str, ci_type: str, **props) -> tuple[str, list[str]]:
        """Two devices in a redundancy group (1 of 2 must stay up)."""
        s = self.s
        group = s.ci(f"group:{key}", f"{name} 冗余组", "redundancy-group", site=dc.key, min_up=1)
        members = []
        for i in (1, 2):
            member = self._device(dc, f"{ci_type}:{key}-{i}", f"{name}-{i}", ci_type, **props)
            s.rel(member, "MEMBER_OF", group)
            members.append(member)
        s.rel(members[0], "CONNECTED_TO", members[1])
        return group, members

    def _network_core(self, dc: _DataCentre, name: str) -> None:
        s = self.s
        key = dc.key
        dc.core_group, cores = self._pair(dc, f"{key}-core", f"{key}-core-sw", "switch", role="core")
        fw_group, _ = self._pair(dc, f"{key}-fw", f"{key}-fw", "firewall", role="perimeter")
        s.rel(fw_group, "DEPENDS_ON", dc.core_group)
        self.wan_group = getattr(self, "wan_group", {})
        wan_group, _ = self._pair(dc, f"{key}-wan", f"{key}-wan-rt", "router", role="wan")
        s.rel(wan_group, "DEPENDS_ON", fw_group)
        self.wan_group[key] = wan_group
        self.lb_group = getattr(self, "lb_group", {})
        lb_group, _ = self._pair(dc, f"{key}-lb", f"{key}-lb", "load-balancer", role="lb")
        s.rel(lb_group, "DEPENDS_ON", dc.core_group)
        self.lb_group[key] = lb_group
        dists = []
        for d in range(1, self.n(4, 1) + 1):
            group, members = self._pair(dc, f"{key}-dist{d}", f"{key}-dist{d}-sw", "switch", role="distribution")
            s.rel(group, "DEPENDS_ON", dc.core_group)
            for m in members:
                for c in cores:
                    s.rel(m, "CONNECTED_TO", c)
            dists.append(group)
        for i, rack in enumerate(dc.racks):
            tor_key = rack.split(":", 1)[1]
            group = s.ci(f"group:{tor_key}-tor", f"ToR {tor_key}", "redundancy-group", site=key, min_up=1)
            for side in (1, 2):
                tor = s.ci(f"switch:{tor_key}-tor{side}", f"{tor_key}-tor{side}", "switch", site=key, role="tor")
                s.rel(tor, "LOCATED_IN", rack)
                a, b = dc.pdus[rack]
                s.rel(tor, "POWERED_BY", a if side == 1 else b)
                s.rel(tor, "MEMBER_OF", group)
            s.rel(group, "DEPENDS_ON", dists[i % len(dists)])
            dc.tor_groups[rack] = group
            pp = s.ci(f"patch-panel:{tor_key}", f"PP {tor_key}", "patch-panel", site=key)
            s.rel(pp, "LOCATED_IN", rack)

    def _uplink(self, dc: _DataCentre, device: str) -> None:
        """Servers depend on the ToR pair of their rack, cabled to both switches."""
        rack = next(t for s_, r, t in reversed(self.s.rels) if s_ == device and r == "LOCATED_IN")
        group = dc.tor_groups[rack]
        self.s.rel(device, "DEPENDS_ON", group)
        tor_key = rack.split(":", 1)[1]
        for side in (1, 2):
            self.s.rel(device, "CONNECTED_TO", f"switch:{tor_key}-tor{side}")

    def _storage_and_clusters(self, dc: _DataCentre, name: str) -> None:
        s = self.s
        for a in range(1, self.n(4, 1) + 1):
            array = self._device(dc, f"storage-array:{dc.key}-san{a}", f"{dc.key}-SAN-{a}", "storage-array")
            self._uplink(dc, array)
            dc.san.append(array)
        hosts = min(32, self.n(10, 2))  # a pool stays a pool: more of them as the estate grows
        for c in range(1, self.n(3, 1) + 1):
            cluster = s.ci(f"cluster:{dc.key}-vmw{c}", f"{dc.key} VMware 资源池 {c}", "cluster",
                           site=dc.key, min_up=max(1, hosts - 2))
            for h in range(1, hosts + 1):
                host = self._device(dc, f"hypervisor-host:{dc.key}-esx{c}-{h:02d}", f"{dc.key}-esx{c}-{h:02d}",
                                    "hypervisor-host", role="blade")
                self._uplink(dc, host)
                s.rel(host, "DEPENDS_ON", dc.san[(c + h) % len(dc.san)])
                s.rel(host, "MEMBER_OF", cluster)
            dc.clusters.append(cluster)

    def _dc_interconnect(self, main: _DataCentre, dr: _DataCentre, carriers: list[str]) -> None:
        s = self.s
        group = s.ci("group:dci", "同城双中心互联线路组", "redundancy-group", min_up=1)
        for i, carrier in enumerate(carriers[:2], start=1):
            circuit = s.ci(f"circuit:dci-{i}", f"DCI 裸光纤 {i}", "circuit", role="dark-fibre")
            s.rel(circuit, "PROVIDED_BY", carrier)
            s.rel(circuit, "CIRCUIT_TERMINATES", main.site)
            s.rel(circuit, "CIRCUIT_TERMINATES", dr.site)
            s.rel(circuit, "MEMBER_OF", group)
        self.dci_group = group

    # -- business systems --------------------------------------------------------------------
    def _services(self, main: _DataCentre, dr: _DataCentre) -> None:
        total = self.n(230, 3)
        critical = self.n(23, 1)
        important = self.n(53, 1)
        owners = ["总行", "人行", "分行"]
        for k in range(1, total + 1):
            tier = "critical" if k <= critical else "important" if k <= critical + important else "general"
            base = SERVICE_NAMES[(k - 1) % len(SERVICE_NAMES)]
            name = f"{base}系统" if k <= len(SERVICE_NAMES) else f"{base}系统{k}"
            owner = owners[0] if k % 4 == 0 else owners[1] if k % 46 == 0 else owners[2]
            self._service(k, name, tier, owner, main, dr)

    def _service(self, k: int, name: str, tier: str, owner: str, main: _DataCentre, dr: _DataCentre) -> None:
        s = self.s
        rng = self.rng
        svc = s.ci(f"service:{k:04d}", name, "business-service", criticality=tier, owner=owner,
                   tier={"critical": "关键", "important": "重要", "general": "一般"}[tier],
                   sla={"critical": "99.99", "important": "99.95", "general": "99.9"}[tier],
                   users=rng.choice([200, 1000, 5000, 20000, 100000, 500000]))
        # database: Oracle on a UNIX server on the SAN; critical ones have a standby in the DR centre
        db_primary = self._database(main, k, "p")
        if tier == "critical":
            db_group = s.ci(f"group:db-{k:04d}", f"{name} 数据库主备", "redundancy-group", min_up=1)
            s.rel(db_primary, "MEMBER_OF", db_group)
            standby = self._database(dr, k, "s")
            s.rel(standby, "MEMBER_OF", db_group)
            s.rel(standby, "DEPENDS_ON", self.dci_group)
            db_target = db_group
        else:
            db_target = db_primary
        ds = s.ci(f"data-set:{k:04d}", f"{name} 业务数据", "data-set")
        s.rel(ds, "HOSTED_ON", db_target)
        # application tier on physical servers (half of a critical system's in the DR centre)
        n_app = {"critical": 6, "important": 4, "general": 2}[tier]
        app_group = s.ci(f"group:app-{k:04d}", f"{name} 应用集群", "redundancy-group",
                         min_up=max(1, n_app // 2))
        first_os = ""
        for i in range(1, n_app + 1):
            dc = dr if (tier == "critical" and i > n_app // 2) else main
            server = self._device(dc, f"server:{dc.key}-app{k:04d}-{i}", f"{dc.key}-app{k:04d}-{i}",
                                  "server", role="x86")
            self._uplink(dc, server)
            os_ci = s.ci(f"os:{k:04d}-app{i}", f"{name} 应用OS{i}",
                         "os", role=rng.choice(["RHEL", "AIX", "Windows"]))
            s.rel(os_ci, "RUNS_ON", server)
            app = s.ci(f"application:{k:04d}-{i}", f"{name} 应用{i}", "application", site=dc.key)
            s.rel(app, "HOSTED_ON", os_ci)
            s.rel(app, "DEPENDS_ON", db_target)
            s.rel(app, "DEPENDS_ON", ds)
            s.rel(app, "MEMBER_OF", app_group)
            first_os = first_os or os_ci
        mw = s.ci(f"middleware:{k:04d}", f"{name} 中间件", "middleware",
                  role=rng.choice(["WebLogic", "Tuxedo", "MQ"]))
        s.rel(mw, "HOSTED_ON", first_os)
        s.rel(app_group, "DEPENDS_ON", mw)
        s.rel(app_group, "SUPPORTS", svc)
        # web tier on VMs in the VMware pools, behind the load balancers
        n_web = 2 if tier != "general" or k % 2 == 0 else 1
        web_group = s.ci(f"group:web-{k:04d}", f"{name} Web集群", "redundancy-group", min_up=1)
        for i in range(1, n_web + 1):
            dc = dr if (tier == "critical" and i == 2) else main
            vm = s.ci(f"vm:{k:04d}-web{i}", f"{name} Web VM{i}", "vm", site=dc.key)
            s.rel(vm, "RUNS_ON", dc.clusters[(k + i) % len(dc.clusters)])
            os_ci = s.ci(f"os:{k:04d}-web{i}", f"{name} Web OS{i}", "os", role="RHEL")
            s.rel(os_ci, "RUNS_ON", vm)
            web = s.ci(f"web-server:{k:04d}-{i}", f"{name} Web{i}", "web-server", site=dc.key)
            s.rel(web, "HOSTED_ON", os_ci)
            s.rel(web, "DEPENDS_ON", self.lb_group[dc.key])
            s.rel(web, "DEPENDS_ON", app_group)
            s.rel(web, "MEMBER_OF", web_group)
        s.rel(web_group, "SUPPORTS", svc)

    def _infrastructure(self, main: _DataCentre) -> None:
        """Shared IT platforms (monitoring, backup, directory): in the estate, supporting no
        business service directly."""
        s = self.s
        for p, (key, name) in enumerate((("sop", "SOP统一监控平台"), ("cmpb", "CMPB监控采集"),
                                         ("backup", "备份系统"), ("ad", "AD域控"),
                                         ("sms", "短信平台")), start=1):
            for i in range(1, self.n(8, 1) + 1):
                server = self._device(main, f"server:{main.key}-{key}{i}", f"{main.key}-{key}{i}", "server",
                                      role="infra")
                self._uplink(main, server)
                app = s.ci(f"application:{key}-{i}", f"{name} {i}", "application", role="infra")
                s.rel(app, "HOSTED_ON", server)
            for i in range(1, self.n(6, 1) + 1):
                vm = s.ci(f"vm:{key}-{i}", f"{name} VM{i}", "vm", site=main.key, role="infra")
                s.rel(vm, "RUNS_ON", main.clusters[(p + i) % len(main.clusters)])

    def _database(self, dc: _DataCentre, k: int, role: str) -> str:
        s = self.s
        server = self._device(dc, f"server:{dc.key}-db{k:04d}{role}", f"{dc.key}-db{k:04d}{role}", "server",
                              role="UNIX")
        self._uplink(dc, server)
        s.rel(server, "DEPENDS_ON", dc.san[k % len(dc.san)])
        db = s.ci(f"database:{k:04d}{role}", f"DB{k:04d}{role.upper()}", "database", site=dc.key,
                  role="Oracle")
        s.rel(db, "HOSTED_ON", server)
        return db

    # -- branch network (most of the 4800+ network devices) -----------------------------------
    def _branches(self, main: _DataCentre, carriers: list[str]) -> None:
        """Branch offices (网点): most of the network devices. The counter and ATM services
        need nine access switches in ten online: those switches form one redundancy group."""
        s = self.s
        count = self.n(950, 2)
        network = s.ci("group:branch-network", "网点网络（九成在线）", "redundancy-group",
                       min_up=max(1, int(2 * count * 0.9)))
        for k in (14, 9):  # 柜面系统, 自助设备系统
            if k <= self.n(230, 3):
                s.rel(network, "SUPPORTS", f"service:{k:04d}")
        for b in range(1, count + 1):
            site = s.ci(f"site:branch{b:05d}", f"网点{b:05d}", "site", site=f"网点{b:05d}")
            circuit = s.ci(f"circuit:branch{b:05d}", f"网点{b:05d} 专线", "circuit", role="MPLS")
            s.rel(circuit, "PROVIDED_BY", carriers[b % len(carriers)])
            s.rel(circuit, "CIRCUIT_TERMINATES", site)
            s.rel(circuit, "DEPENDS_ON", self.wan_group[main.key])
            ups = s.ci(f"ups:branch{b:05d}", f"网点{b:05d}-UPS", "ups")
            s.rel(ups, "LOCATED_IN", site)
            router = s.ci(f"router:branch{b:05d}", f"网点{b:05d}-rt", "router", role="branch")
            s.rel(router, "POWERED_BY", ups)
            s.rel(router, "LOCATED_IN", site)
            s.rel(router, "DEPENDS_ON", circuit)
            fw = s.ci(f"firewall:branch{b:05d}", f"网点{b:05d}-fw", "firewall", role="branch")
            s.rel(fw, "LOCATED_IN", site)
            s.rel(fw, "DEPENDS_ON", router)
            s.rel(fw, "POWERED_BY", ups)
            for w in (1, 2):
                sw = s.ci(f"switch:branch{b:05d}-{w}", f"网点{b:05d}-sw{w}", "switch", role="access")
                s.rel(sw, "LOCATED_IN", site)
                s.rel(sw, "DEPENDS_ON", fw)
                s.rel(sw, "POWERED_BY", ups)
                s.rel(sw, "MEMBER_OF", network)
                s.rel(sw, "CONNECTED_TO", fw)
            s.rel(fw, "CONNECTED_TO", router)
            s.rel(f"switch:branch{b:05d}-1", "CONNECTED_TO", f"switch:branch{b:05d}-2")
