"""A second estate generator, shaped unlike the bank demo: a multi-region cloud platform.

The demo estate (``itss_graph.synth``) is a bank branch: two data centres, ToR pairs as
``redundancy-group`` CIs, a few hundred business systems, thousands of branch offices. Code
tuned on it can miss what other estates look like, so the benchmarks also run on this one:

* **three regions** of unequal size (北京 42 %, 上海 34 %, 广州 24 %), each a data centre with
  halls (UPS A/B, a k-of-n cooling group the hall ``DEPENDS_ON``), a **leaf–spine** network
  (a core pair, pods of four spines, a leaf pair per rack) and a services rack;
* redundancy declared **on relations** (``redundancy_group`` / ``min_up`` properties): servers
  dual-homed to their leaf pair (``CONNECTED_TO`` both, ``DEPENDS_ON`` both in group
  ``uplink``), leaves on two of their pod's four spines (``fabric``, ``min_up`` 2), spines on
  one of the two cores (``core``), applications on a primary/replica database pair (``db``),
  schemas replicated (``replica``);
* **VM clusters with k-of-n redundancy**: 16 hypervisor hosts ``MEMBER_OF`` a cluster with
  ``min_up`` 12, spread over four racks (a rack's loss degrades four clusters, loses none);
  storage pools of eight nodes, six needed;
* **infrastructure services with very high fan-in**: a regional DNS every web and application
  instance of its region ``DEPENDS_ON`` (about 16k direct dependants in a 200k estate), AD for
  every Windows OS, NTP for the databases, load balancers, message queues, caches and config
  centres shared by a region; business services call a few core services of their region
  (10 % of them across regions);
* **business services** with criticality, SLA and users, each with web and application tiers
  (``redundancy-group`` CIs, k-of-n) and a database pair on VMs;
* and a flaw a real estate has: the 北京 services rack is uplinked to core switch 1 only, so
  that switch takes DNS and AD, and with them tens of thousands of CIs, down.

About 2.9 relations per CI. Same size and seed, same estate, byte for byte. ``write_estate``
writes the canonical CSV pair (``cis.csv``, ``relations.csv``).

Example:
    >>> estate = generate_estate(5_000)
    >>> 4_000 < len(estate.cis) < 6_000, estate.probes["core switch"]
    (True, 'BJ1-CORE-01')
    >>> round(len(estate.relations) / len(estate.cis), 1)
    2.9
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

CI_COLUMNS = ["id", "name", "type", "region", "role", "criticality", "sla", "users", "min_up", "owner"]
REL_COLUMNS = ["source", "type", "target", "redundancy_group", "min_up"]

# (key, city, share of the business services)
REGIONS = (("BJ1", "北京亦庄", 0.42), ("SH1", "上海嘉定", 0.34), ("GZ1", "广州南沙", 0.24))
CIS_PER_SERVICE = 32.2  # measured: CIs of the estate per business service (sets the scale)

HOSTS_PER_CLUSTER, CLUSTER_MIN_UP, VMS_PER_HOST = 16, 12, 18
RACKS_PER_BLOCK = 4  # four clusters spread over four racks, four hosts of each per rack
BLOCKS_PER_POD, PODS_PER_HALL = 6, 4
SPINES_PER_POD, SPINE_MIN_UP = 4, 2
STORAGE_NODES, POOL_MIN_UP = 8, 6
CRAC_UNITS, CRAC_MIN_UP = 6, 4
WINDOWS_SERVICES = 0.15
CORE_SERVICES_SHARE = 0.03  # the services others call
CROSS_REGION_CALLS = 0.10

TIERS = {  # criticality: (share, web instances, web min_up, app instances, app min_up, sla)
    "critical": (0.10, 6, 4, 6, 4, "99.99"),
    "important": (0.25, 4, 2, 4, 3, "99.95"),
    "general": (0.65, 2, 1, 2, 1, "99.9"),
}
SERVICE_NAMES = [
    "支付网关", "订单中心", "用户中心", "商品中心", "库存服务", "物流跟踪", "营销活动", "搜索服务",
    "推荐引擎", "消息推送", "风控引擎", "账单服务", "客服工单", "数据报表", "会员积分", "优惠券",
    "评价服务", "直播带货", "内容审核", "地图定位", "实名认证", "发票服务", "结算清分", "开放平台",
]
OWNERS = ["交易平台部", "用户增长部", "基础架构部", "数据智能部", "安全合规部", "供应链部"]
LINUX = ["CentOS 7.9", "Kylin V10", "UOS 20", "Ubuntu 22.04"]
WINDOWS = "Windows Server 2019"


@dataclass
class Estate:
    """The rows of an estate, and what the generator knows about its shape."""

    cis: list[tuple] = field(default_factory=list)  # in CI_COLUMNS order
    relations: list[tuple] = field(default_factory=list)  # in REL_COLUMNS order
    probes: dict[str, str] = field(default_factory=dict)  # designed probes (bench picks its own too)
    params: dict = field(default_factory=dict)


def generate_estate(size: int, seed: int = 2025) -> Estate:
    """An estate of about ``size`` CIs (within 2 % from about 3k CIs; the smallest estate has
    about 850: every region keeps its data centre, a pod and its shared services)."""
    services = max(len(REGIONS) * 4, round(size / CIS_PER_SERVICE))
    for _ in range(4):  # fixed parts weigh more in small estates: correct the count of services
        estate = Estate()
        _Builder(estate, services, random.Random(seed)).build()
        if abs(len(estate.cis) - size) <= 0.02 * size:
            break
        wanted = max(len(REGIONS) * 4, round(services * size / len(estate.cis)))
        if wanted == services:
            break
        services = wanted
    estate.params = {"generator": "bench/foreign_estate.py", "size_asked": size, "seed": seed,
                     "business_services": services, "cis": len(estate.cis),
                     "relations": len(estate.relations),
                     "relations_per_ci": round(len(estate.relations) / len(estate.cis), 3)}
    return estate


def write_estate(directory: Path, size: int, seed: int = 2025) -> Estate:
    """Write ``cis.csv`` and ``relations.csv`` into ``directory``; return the estate."""
    estate = generate_estate(size, seed)
    directory.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("cis.csv", CI_COLUMNS, estate.cis),
                               ("relations.csv", REL_COLUMNS, estate.relations)):
        with (directory / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return estate


@dataclass
class _Region:
    key: str
    city: str
    services: list[int] = field(default_factory=list)
    vms: int = 0  # VMs placed so far
    clusters: int = 0
    pools: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, estate: Estate, services: int, rng: random.Random):
        self.cis = estate.cis
        self.rels = estate.relations
        self.probes = estate.probes
        self.services = services
        self.rng = rng
        self.regions = [_Region(key, city) for key, city, _ in REGIONS]
        self.vm_seq = 0

    # -- emitters ---------------------------------------------------------------------------
    def ci(self, ci_id: str, name: str, ci_type: str, region: str = "", role: str = "",
           criticality: str = "", sla: str = "", users: str = "", min_up: str = "", owner: str = "") -> str:
        self.cis.append((ci_id, name, ci_type, region, role, criticality, sla, users, min_up, owner))
        return ci_id

    def rel(self, source: str, rel_type: str, target: str, group: str = "", min_up: str = "") -> None:
        self.rels.append((source, rel_type, target, group, min_up))

    # -- the estate -------------------------------------------------------------------------
    def build(self) -> None:
        self._assign_services()
        for region in self.regions:
            self._shared_services(region)
        for region in self.regions:
            for k in region.services:
                self._business_service(region, k)
        for region in self.regions:
            self._data_centre(region)
        self.probes.update({"core switch": "BJ1-CORE-01", "fan-in service": "svc-dns-bj1"})

    def _assign_services(self) -> None:
        cursor = 1
        for region, (_, _, share) in zip(self.regions, REGIONS):
            count = round(self.services * share) if region is not self.regions[-1] else \
                self.services - cursor + 1
            region.services = list(range(cursor, cursor + count))
            cursor += count

    def _vm(self, region: _Region, role: str, windows: bool = False) -> str:
        """A VM in the region's next cluster slot, its OS; returns the OS id."""
        self.vm_seq += 1
        n = self.vm_seq
        cluster = region.vms // (HOSTS_PER_CLUSTER * VMS_PER_HOST)
        region.vms += 1
        key = region.key
        vm = self.ci(f"vm-{n:07d}", f"{key.lower()}-{role}-{n:07d}", "vm", key, role)
        self.rel(vm, "RUNS_ON", f"{key}-CL{cluster + 1:04d}")
        self.rel(vm, "DEPENDS_ON", f"{key}-P{cluster // (RACKS_PER_BLOCK * BLOCKS_PER_POD) + 1:02d}-POOL")
        os_ci = self.ci(f"os-{n:07d}", f"{key.lower()}-{role}-{n:07d} OS", "os", key,
                        WINDOWS if windows else self.rng.choice(LINUX))
        self.rel(os_ci, "RUNS_ON", vm)
        if windows:
            self.rel(os_ci, "DEPENDS_ON", "svc-ad")
        return os_ci

    def _instance(self, region: _Region, role: str, ci_type: str, name: str, windows: bool = False) -> str:
        os_ci = self._vm(region, role, windows)
        inst = self.ci("inst-" + os_ci[3:], name, ci_type, region.key, role)
        self.rel(inst, "HOSTED_ON", os_ci)
        return inst

    def _shared_services(self, region: _Region) -> None:
        """Platform groups on VMs (message queue, cache, config centre); DNS, NTP (and AD in
        北京) on bare metal in the services rack, built with the data centre."""
        key = region.key
        low = key.lower()
        for name, label, count, min_up in (("mq", "消息队列", 6, 4), ("cache", "分布式缓存", 6, 4),
                                          ("config", "配置中心", 3, 2)):
            group = self.ci(f"grp-{name}-{low}", f"{region.city} {label}集群", "redundancy-group", key,
                            name, min_up=str(min_up))
            for i in range(1, count + 1):
                inst = self._instance(region, name, "middleware", f"{region.city} {label} {i}")
                self.rel(inst, "MEMBER_OF", group)
                self.rel(inst, "DEPENDS_ON", f"svc-dns-{low}")

    def _business_service(self, region: _Region, k: int) -> None:
        rng = self.rng
        key = region.key
        low = key.lower()
        draw = rng.random()
        criticality = "critical" if draw < 0.10 else "important" if draw < 0.35 else "general"
        _, n_web, web_min, n_app, app_min, sla = TIERS[criticality]
        base = SERVICE_NAMES[k % len(SERVICE_NAMES)]
        bs = self.ci(f"BS-{k:05d}", f"{base}-{k:05d}", "business-service", key, criticality=criticality,
                     sla=sla, users=str(rng.choice([500, 5000, 50_000, 500_000, 5_000_000])),
                     owner=rng.choice(OWNERS))
        # some services (never a core one) run half of their VMs on Windows, signed in by AD
        windows = not self._is_core(region, k) and rng.random() < WINDOWS_SERVICES
        # the database pair: primary and replica on VMs; schemas replicated on both
        primary = self._instance(region, "mysql", "database", f"{base}-{k:05d} 主库",
                                 windows and rng.random() < 0.5)
        replica = self._instance(region, "mysql", "database", f"{base}-{k:05d} 备库",
                                 windows and rng.random() < 0.5)
        for db in (primary, replica):
            self.rel("os-" + db[5:], "DEPENDS_ON", f"svc-ntp-{low}")
        schemas = []
        for d in range(1, rng.randint(3, 7) + 1):
            ds = self.ci(f"ds-{k:05d}-{d}", f"{base}-{k:05d} 库{d}", "data-set", key)
            self.rel(ds, "HOSTED_ON", primary, "replica")
            self.rel(ds, "HOSTED_ON", replica, "replica")
            schemas.append(ds)
        # application tier: calls core services of its region (some across regions)
        app = self.ci(f"grp-app-{k:05d}", f"{base}-{k:05d} 应用集群", "redundancy-group", key, "app",
                      min_up=str(app_min))
        calls = self._callees(region, k)
        for i in range(1, n_app + 1):
            inst = self._instance(region, "app", "application", f"{base}-{k:05d} 应用{i}",
                                  windows and rng.random() < 0.5)
            self.rel(inst, "MEMBER_OF", app)
            self.rel(inst, "DEPENDS_ON", primary, "db")
            self.rel(inst, "DEPENDS_ON", replica, "db")
            self.rel(inst, "DEPENDS_ON", schemas[(i - 1) % len(schemas)])
            for shared in (f"svc-dns-{low}", f"grp-mq-{low}", f"grp-cache-{low}", f"grp-config-{low}"):
                self.rel(inst, "DEPENDS_ON", shared)
            for callee in calls:
                self.rel(inst, "DEPENDS_ON", callee)
        self.rel(app, "SUPPORTS", bs)
        # web tier behind the region's load balancers
        web = self.ci(f"grp-web-{k:05d}", f"{base}-{k:05d} Web集群", "redundancy-group", key, "web",
                      min_up=str(web_min))
        for i in range(1, n_web + 1):
            inst = self._instance(region, "web", "web-server", f"{base}-{k:05d} Web{i}")
            self.rel(inst, "MEMBER_OF", web)
            for provider in (app, f"grp-lb-{low}", f"svc-dns-{low}", f"grp-cache-{low}"):
                self.rel(inst, "DEPENDS_ON", provider)
        self.rel(web, "SUPPORTS", bs)

    @staticmethod
    def _is_core(region: _Region, k: int) -> bool:
        return k < region.services[0] + max(1, round(len(region.services) * CORE_SERVICES_SHARE))

    def _callees(self, region: _Region, k: int) -> list[str]:
        """Application groups of core services this service calls (core services call none)."""
        if self._is_core(region, k):
            return []
        rng = self.rng
        home = region
        if region is not self.regions[0] and rng.random() < CROSS_REGION_CALLS:
            home = self.regions[0]
        core = max(1, round(len(home.services) * CORE_SERVICES_SHARE))
        picks = {home.services[0] + rng.randrange(core) for _ in range(2)}
        return [f"grp-app-{c:05d}" for c in sorted(picks)]

    # -- physical estate --------------------------------------------------------------------
    def _data_centre(self, region: _Region) -> None:
        key, city = region.key, region.city
        clusters = -(-region.vms // (HOSTS_PER_CLUSTER * VMS_PER_HOST))
        blocks = -(-clusters // RACKS_PER_BLOCK)
        pods = -(-blocks // BLOCKS_PER_POD)
        halls = -(-pods // PODS_PER_HALL)
        site = self.ci(key, f"{city}数据中心", "site", key)
        hall_ids = []
        for h in range(1, halls + 1):
            hall = self.ci(f"{key}-H{h}", f"{city} {h}号机房", "room", key)
            self.rel(hall, "LOCATED_IN", site)
            for ab in "AB":
                self.rel(self.ci(f"{hall}-UPS{ab}", f"{city} {h}号机房 UPS-{ab}", "ups", key), "LOCATED_IN", hall)
            crac = self.ci(f"{hall}-CRAC", f"{city} {h}号机房 精密空调组", "redundancy-group", key, "cooling",
                           min_up=str(CRAC_MIN_UP))
            for c in range(1, CRAC_UNITS + 1):
                unit = self.ci(f"{hall}-CRAC{c}", f"{city} {h}号机房 空调{c}", "cooling", key)
                self.rel(unit, "LOCATED_IN", hall)
                self.rel(unit, "POWERED_BY", f"{hall}-UPS{'AB'[c % 2]}")
                self.rel(unit, "MEMBER_OF", crac)
            self.rel(hall, "DEPENDS_ON", crac)
            hall_ids.append(hall)
        cores = []
        for c in (1, 2):
            core = self._device(f"{key}-CORE-0{c}", f"{city} 核心交换机{c}", "switch", key, "core", hall_ids[0])
            cores.append(core)
        self.rel(cores[0], "CONNECTED_TO", cores[1])
        self._services_rack(region, hall_ids[0], cores)
        for p in range(1, pods + 1):
            hall = hall_ids[(p - 1) // PODS_PER_HALL]
            pod = f"{key}-P{p:02d}"
            spines = []
            for s in range(1, SPINES_PER_POD + 1):
                spine = self._device(f"{pod}-SP{s}", f"{city} P{p:02d} 脊交换机{s}", "switch", key, "spine", hall)
                for core in cores:
                    self.rel(spine, "CONNECTED_TO", core)
                    self.rel(spine, "DEPENDS_ON", core, "core", "1")
                spines.append(spine)
            # the pod's storage pool: eight nodes in their own rack, six needed
            rack, leaves = self._rack(f"{pod}-RS", f"{city} P{p:02d} 存储柜", hall, spines)
            pool = self.ci(f"{pod}-POOL", f"{city} P{p:02d} 分布式存储池", "redundancy-group", key, "storage",
                           min_up=str(POOL_MIN_UP))
            for n in range(1, STORAGE_NODES + 1):
                node = self._server(f"{pod}-STOR{n}", f"{city} P{p:02d} 存储节点{n}", "storage-array",
                                    key, "ceph", rack, leaves)
                self.rel(node, "MEMBER_OF", pool)
            first_block = (p - 1) * BLOCKS_PER_POD
            for b in range(first_block, min(blocks, first_block + BLOCKS_PER_POD)):
                self._block(region, pod, hall, spines, b, clusters)

    def _block(self, region: _Region, pod: str, hall: str, spines: list[str], b: int, clusters: int) -> None:
        """Four clusters over four racks: each rack holds four hosts of each cluster."""
        key = region.key
        members = range(b * RACKS_PER_BLOCK, min(clusters, (b + 1) * RACKS_PER_BLOCK))
        for c in members:
            cluster = self.ci(f"{key}-CL{c + 1:04d}", f"{region.city} 虚拟化集群{c + 1:04d}", "cluster", key,
                              "vmware", min_up=str(CLUSTER_MIN_UP))
            self.rel(cluster, "DEPENDS_ON", f"{pod}-POOL")
        for r in range(RACKS_PER_BLOCK):
            number = b * RACKS_PER_BLOCK + r + 1
            rack, leaves = self._rack(f"{pod}-R{number:03d}", f"{region.city} 机柜{number:03d}", hall, spines)
            slot = 0
            for c in members:
                for h in range(r, HOSTS_PER_CLUSTER, RACKS_PER_BLOCK):
                    slot += 1
                    host = self._server(f"{rack}-S{slot:02d}", f"{rack.lower()}-esx{slot:02d}",
                                        "hypervisor-host", key, "esxi", rack, leaves)
                    self.rel(host, "MEMBER_OF", f"{key}-CL{c + 1:04d}")

    def _services_rack(self, region: _Region, hall: str, cores: list[str]) -> None:
        """DNS, NTP (AD in 北京) on bare metal and the load-balancer pair, on a leaf pair
        uplinked straight to the core (in 北京 to core 1 only: the estate's flaw)."""
        key, low = region.key, region.key.lower()
        uplinks = cores[:1] if region is self.regions[0] else cores
        rack, leaves = self._rack(f"{key}-SVC", f"{region.city} 公共服务机柜", hall, uplinks, "core")
        infra = [("dns", "DNS", 4, 2), ("ntp", "NTP", 3, 2)]
        if region is self.regions[0]:
            infra.append(("ad", "AD域控", 4, 2))
        for name, label, count, min_up in infra:
            suffix = "" if name == "ad" else f"-{low}"
            service = self.ci(f"svc-{name}{suffix}", f"{region.city} {label}服务" if suffix else f"{label}服务",
                              "application", key, name)
            group = self.ci(f"grp-{name}{suffix}", f"{label}服务器组{suffix}", "redundancy-group", key, name,
                            min_up=str(min_up))
            self.rel(service, "DEPENDS_ON", group)
            for i in range(1, count + 1):
                server = self._server(f"{rack}-{name.upper()}{i}", f"{low}-{name}{i:02d}", "server", key, name,
                                      rack, leaves)
                os_ci = self.ci(f"{server}-OS", f"{low}-{name}{i:02d} OS", "os", key,
                                WINDOWS if name == "ad" else LINUX[0])
                self.rel(os_ci, "RUNS_ON", server)
                inst = self.ci(f"{server}-{name}", f"{label} 实例{i}", "application", key, name)
                self.rel(inst, "HOSTED_ON", os_ci)
                self.rel(inst, "MEMBER_OF", group)
        lb = self.ci(f"grp-lb-{low}", f"{region.city} 负载均衡组", "redundancy-group", key, "lb", min_up="1")
        for i in (1, 2):
            device = self._server(f"{rack}-LB{i}", f"{low}-f5-{i}", "load-balancer", key, "lb", rack, leaves)
            self.rel(device, "MEMBER_OF", lb)

    def _rack(self, rack_id: str, name: str, hall: str, uplinks: list[str], layer: str = "fabric"
              ) -> tuple[str, tuple[str, str]]:
        """A rack with A/B PDUs and a leaf pair on ``uplinks`` (spines, or cores)."""
        key = rack_id.split("-", 1)[0]
        rack = self.ci(rack_id, name, "rack", key)
        self.rel(rack, "LOCATED_IN", hall)
        for ab in "AB":
            pdu = self.ci(f"{rack}-PDU{ab}", f"{name} PDU-{ab}", "pdu", key)
            self.rel(pdu, "POWERED_BY", f"{hall}-UPS{ab}")
            self.rel(pdu, "LOCATED_IN", rack)
        leaves = []
        for ab in "AB":
            leaf = self.ci(f"{rack}-LF{ab}", f"{name} 叶交换机{ab}", "switch", key, "leaf")
            self.rel(leaf, "LOCATED_IN", rack)
            self.rel(leaf, "POWERED_BY", f"{rack}-PDUA")
            self.rel(leaf, "POWERED_BY", f"{rack}-PDUB")
            for up in uplinks:
                self.rel(leaf, "CONNECTED_TO", up)
                if len(uplinks) == 1:
                    self.rel(leaf, "DEPENDS_ON", up)
                else:
                    min_up = str(SPINE_MIN_UP) if layer == "fabric" else "1"
                    self.rel(leaf, "DEPENDS_ON", up, layer, min_up)
            leaves.append(leaf)
        self.rel(leaves[0], "CONNECTED_TO", leaves[1])
        return rack, (leaves[0], leaves[1])

    def _server(self, ci_id: str, name: str, ci_type: str, region: str, role: str, rack: str,
                leaves: tuple[str, str]) -> str:
        """A rack-mounted device: dual-powered, dual-homed to the rack's leaf pair."""
        self.ci(ci_id, name, ci_type, region, role)
        self.rel(ci_id, "LOCATED_IN", rack)
        for ab, leaf in zip("AB", leaves):
            self.rel(ci_id, "POWERED_BY", f"{rack}-PDU{ab}")
            self.rel(ci_id, "CONNECTED_TO", leaf)
            self.rel(ci_id, "DEPENDS_ON", leaf, "uplink", "1")
        return ci_id

    def _device(self, ci_id: str, name: str, ci_type: str, region: str, role: str, hall: str) -> str:
        """A network device in a hall (no rack: cores and spines sit in network rows)."""
        self.ci(ci_id, name, ci_type, region, role)
        self.rel(ci_id, "LOCATED_IN", hall)
        self.rel(ci_id, "POWERED_BY", f"{hall}-UPSA")
        self.rel(ci_id, "POWERED_BY", f"{hall}-UPSB")
        return ci_id
