"""Write the inventory samples in examples/ (run: .venv/bin/python -m tests.loading.make_examples).

* ``examples/asset-register/资产台账.xlsx`` — a Chinese asset register as people keep it: a title
  line above the header, the machine room as merged cells, systems and owners, VMs naming their
  host; ``资产台账-gbk.csv`` is the same register saved as CSV on Chinese Windows (GBK, with the
  title line); ``无编号台账.csv`` (UTF-8 with BOM) is a register without asset numbers, whose
  rows are identified by name and room. ``综合台账-gbk.csv`` (GBK, detected) is a branch's
  mixed register: servers and software that runs on them (运行于), desktops, laptops, printers,
  an ATM and other devices, statuses such as 维修.
* ``examples/netbox-export/json/`` — the NetBox demo data as NetBox 4.2 API answers, one file per
  endpoint (see tests/loading/netbox_fake.py); ``csv/`` — the object lists as NetBox's
  "Export > CSV" gives them (with the ID column).

The samples are committed; tests check that they load as expected.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

HEADER = ["序号", "资产编号", "资产名称", "类型", "品牌", "型号", "序列号", "IP地址", "所在机房",
          "机柜", "U位", "所属系统", "责任人", "使用部门", "状态", "重要程度", "宿主机", "购置日期", "备注"]
TITLE = "XX银行数据中心 IT 资产台账（2024 年 6 月）"

# (编号, 名称, 类型, 品牌, 型号, 序列号, IP, 机房, 机柜, U位, 系统, 责任人, 部门, 状态, 重要程度, 宿主机, 购置日期, 备注)
ASSETS = [
    ("ZC-2019-0001", "核心交换机A", "核心交换机", "华为", "CE12808", "2102351931P0K1000021", "10.0.0.1", "一号机房", "A01", "20-35", "", "张伟", "网络组", "在用", "关键", "", "2019-03-12", ""),
    ("ZC-2019-0002", "核心交换机B", "核心交换机", "华为", "CE12808", "2102351931P0K1000022", "10.0.0.2", "一号机房", "A02", "20-35", "", "张伟", "网络组", "在用", "关键", "", "2019-03-12", "与A互为备份"),
    ("ZC-2019-0003", "互联网防火墙", "防火墙", "华为", "USG6680", "2102351931P0K1000101", "10.0.1.1", "一号机房", "A03", "10-12", "网上银行", "李娜", "安全组", "在用", "关键", "", "2019-05-20", ""),
    ("ZC-2019-0004", "负载均衡1", "负载均衡", "F5", "BIG-IP i5800", "f5-ixsd-bfmo", "10.0.1.10", "一号机房", "A03", "14-15", "网上银行", "李娜", "网络组", "在用", "重要", "", "2019-05-20", ""),
    ("ZC-2020-0011", "核心数据库服务器1", "PC服务器", "浪潮", "NF5280M5", "219263101", "10.1.0.11", "一号机房", "B01", "10-11", "核心业务系统", "王芳", "系统组", "在用", "关键", "", "2020-01-08", "Oracle RAC 节点1"),
    ("ZC-2020-0012", "核心数据库服务器2", "PC服务器", "浪潮", "NF5280M5", "219263102", "10.1.0.12", "一号机房", "B01", "12-13", "核心业务系统", "王芳", "系统组", "在用", "关键", "", "2020-01-08", "Oracle RAC 节点2"),
    ("ZC-2020-0013", "虚拟化宿主机1", "X86服务器", "华为", "2288H V5", "2102312CSB10K4000011", "10.1.1.21", "一号机房", "B02", "05-06", "", "赵磊", "系统组", "在用", "重要", "", "2020-06-18", ""),
    ("ZC-2020-0014", "虚拟化宿主机2", "X86服务器", "华为", "2288H V5", "2102312CSB10K4000012", "10.1.1.22", "一号机房", "B02", "07-08", "", "赵磊", "系统组", "在用", "重要", "", "2020-06-18", ""),
    ("ZC-2020-0015", "虚拟化宿主机3", "X86服务器", "华为", "2288H V5", "2102312CSB10K4000013", "10.1.1.23", "一号机房", "B02", "09-10", "", "赵磊", "系统组", "备用", "一般", "", "2020-06-18", "扩容备用"),
    ("ZC-2020-0021", "集中存储", "磁盘阵列", "华为", "OceanStor 5500 V5", "2102351NND10K3000011", "10.1.2.10", "一号机房", "B03", "01-08", "核心业务系统", "王芳", "存储组", "在用", "关键", "", "2020-02-26", ""),
    ("ZC-2021-0031", "网银应用服务器1", "虚拟机", "", "", "", "10.2.0.31", "", "", "", "网上银行", "陈静", "应用组", "在用", "重要", "虚拟化宿主机1", "", ""),
    ("ZC-2021-0032", "网银应用服务器2", "虚拟机", "", "", "", "10.2.0.32", "", "", "", "网上银行", "陈静", "应用组", "在用", "重要", "虚拟化宿主机2", "", ""),
    ("ZC-2021-0033", "柜面前置机", "虚拟机", "", "", "", "10.2.0.33", "", "", "", "柜面系统", "刘洋", "应用组", "在用", "重要", "虚拟化宿主机1、虚拟化宿主机2", "", "高可用：两台宿主机"),
    ("ZC-2021-0034", "中间件服务器", "虚拟机", "", "", "", "10.2.0.34", "", "", "", "核心业务系统", "刘洋", "应用组", "在用", "重要", "虚拟化宿主机2", "", "WebLogic 12c"),
    ("ZC-2021-0041", "一号机房UPS-A", "UPS", "艾默生", "Liebert NXr 200kVA", "1601700001", "", "一号机房", "", "", "", "孙强", "基础设施组", "在用", "关键", "", "2018-11-02", ""),
    ("ZC-2021-0042", "一号机房精密空调1", "精密空调", "艾默生", "Liebert PEX", "1601700101", "", "一号机房", "", "", "", "孙强", "基础设施组", "在用", "重要", "", "2018-11-02", ""),
    ("ZC-2022-0051", "灾备交换机", "接入交换机", "华三", "S6850", "219801A1YK9187000012", "10.9.0.1", "二号机房", "C01", "30", "", "张伟", "网络组", "在用", "重要", "", "2022-04-01", "同城灾备"),
    ("ZC-2022-0052", "灾备数据库服务器", "PC服务器", "浪潮", "NF5280M6", "219263201", "10.9.1.11", "二号机房", "C02", "10-11", "核心业务系统", "王芳", "系统组", "在用", "关键", "", "2022-04-01", "Data Guard 备库"),
    ("ZC-2022-0053", "灾备存储", "存储", "华为", "OceanStor 5300 V5", "2102351NND10K3000021", "10.9.2.10", "二号机房", "C03", "01-06", "核心业务系统", "王芳", "存储组", "在用", "重要", "", "2022-04-01", ""),
    ("ZC-2023-0061", "运营商专线-电信", "专线", "中国电信", "MSTP 100M", "DX-BJ-2023-001", "", "二号机房", "", "", "网上银行", "李娜", "网络组", "在用", "关键", "", "2023-01-15", "互联网出口"),
    ("ZC-2023-0062", "旧版报表服务器", "PC服务器", "联想", "SR650", "J30012AB", "10.1.0.90", "二号机房", "C02", "30-31", "报表系统", "周敏", "系统组", "待报废", "一般", "", "2016-07-30", "计划2024年下线"),
]
# the register without asset numbers: identified by name + machine room
NO_NUMBER = [
    ("核心交换机A", "核心交换机", "一号机房", "A01", "张伟", "在用", "巡检：2024-06"),
    ("监控服务器", "PC服务器", "一号机房", "B04", "孙强", "在用", "动环监控"),
    ("堡垒机", "虚拟机", "二号机房", "", "李娜", "在用", ""),
]


# a branch's mixed register (GBK CSV, as saved on Chinese Windows, no title line): servers and
# the software running on them (运行于, the ontology's alias of RUNS_ON), desktops, laptops,
# printers and other end-user devices, statuses such as 维修 and one the profile does not map
MIXED_HEADER = ["序号", "资产编号", "资产名称", "类型", "品牌", "型号", "序列号", "IP地址", "所在机房",
                "使用人", "使用部门", "状态", "运行于", "购置日期", "备注"]
MIXED = [
    ("BG-2021-0101", "数据库服务器", "PC服务器", "浪潮", "NF5270M5", "219263301", "10.3.0.10", "三号机房", "王芳", "信息科技部", "在用", "", "2021-03-02", ""),
    ("BG-2021-0102", "人事数据库", "数据库", "Oracle", "19c", "", "10.3.0.10", "", "王芳", "信息科技部", "在用", "数据库服务器", "", "人事系统后台库"),
    ("BG-2021-0103", "应用服务器", "虚拟服务器", "", "", "", "10.3.0.20", "", "陈静", "信息科技部", "在用", "", "", ""),
    ("BG-2021-0104", "OA系统", "应用系统", "", "", "", "10.3.0.20", "", "陈静", "办公室", "在用", "应用服务器", "", ""),
    ("BG-2022-0201", "财务部台式机01", "台式机", "联想", "启天M430", "PC0AB123", "10.5.1.21", "", "李娜", "财务部", "在用", "", "2022-05-10", ""),
    ("BG-2022-0202", "财务部台式机02", "台式机", "联想", "启天M430", "PC0AB124", "10.5.1.22", "", "赵磊", "财务部", "维修", "", "2022-05-10", "主板故障，已送修"),
    ("BG-2022-0203", "行长笔记本", "笔记本", "联想", "ThinkPad X1", "PF2XY001", "", "", "周敏", "行长室", "在用", "", "2022-07-01", ""),
    ("BG-2022-0301", "三楼激光打印机", "打印机", "惠普", "LaserJet M406dn", "CNB1234567", "10.5.2.31", "", "", "办公室", "在用", "", "2022-05-10", ""),
    ("BG-2022-0302", "柜面票据打印机", "打印机", "爱普生", "LQ-630K", "G6PY012345", "", "", "刘洋", "营业部", "维修", "", "2022-05-10", "打印头更换中"),
    ("BG-2022-0303", "前台扫描仪", "扫描仪", "富士通", "fi-7160", "A8DE001234", "", "", "刘洋", "营业部", "在用", "", "2022-05-10", ""),
    ("BG-2023-0401", "营业厅自助终端", "ATM", "富士通", "F-510", "FJ510-0099", "10.6.0.51", "", "", "营业部", "在用", "", "2023-02-01", ""),
    ("BG-2023-0402", "大堂瘦客户机", "瘦客户机", "华为", "CT3100", "2102310ABC", "10.6.0.61", "", "", "营业部", "在用", "", "2023-02-01", ""),
    ("BG-2023-0501", "备份磁带库", "磁带库", "IBM", "TS4300", "78AB123", "10.3.0.40", "三号机房", "王芳", "信息科技部", "在用", "", "2023-04-12", ""),
    ("BG-2023-0502", "互联网入侵检测", "入侵检测系统", "启明星辰", "天阗", "VS0012345", "10.3.0.2", "三号机房", "李娜", "信息科技部", "在用", "", "2023-04-12", ""),
    ("BG-2023-0503", "会议室视频会议终端", "视频会议终端", "华为", "TE30", "2102310XYZ", "10.5.3.10", "", "", "办公室", "在用", "", "2023-06-01", ""),
    ("BG-2023-0504", "一楼无线AP", "无线AP", "华三", "WA6320", "219801A2XX", "10.5.0.201", "", "", "办公室", "在用", "", "2023-06-01", ""),
    ("BG-2016-0099", "旧台式机", "台式机", "戴尔", "OptiPlex 7040", "DL7040X99", "", "", "", "办公室", "调拨中", "", "2016-03-01", "调往分理处"),
]


def write_mixed_register(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MIXED_HEADER)
    writer.writerows([str(n), *row] for n, row in enumerate(MIXED, start=1))
    path.write_bytes(buffer.getvalue().encode("gbk"))


def _register_rows() -> list[list[str]]:
    rows = []
    for number, asset in enumerate(ASSETS, start=1):
        rows.append([str(number), *asset])
    return rows


def write_xlsx(path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "资产台账"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADER)
    rows = _register_rows()
    room_col = HEADER.index("所在机房") + 1
    for row in rows:
        values: list = list(row)
        values[0] = int(values[0])  # 序号 is a number in Excel
        sheet.append([v if v != "" else None for v in values])
    # the machine room as merged cells (one block per room), the way registers are kept
    first = 3
    while first < 3 + len(rows):
        room = sheet.cell(first, room_col).value
        last = first
        while last + 1 < 3 + len(rows) and sheet.cell(last + 1, room_col).value == room and room:
            last += 1
        if room and last > first:
            for r in range(first + 1, last + 1):
                sheet.cell(r, room_col).value = None
            sheet.merge_cells(start_row=first, start_column=room_col, end_row=last, end_column=room_col)
            sheet.cell(first, room_col).alignment = Alignment(vertical="center")
        first = last + 1
    notes = book.create_sheet("填表说明")
    notes.append(["本表由运维部维护，每季度更新；类型请按下拉选项填写。"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_gbk_csv(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
    writer.writerow(HEADER)
    writer.writerows(_register_rows())
    path.write_bytes(buffer.getvalue().encode("gbk"))


def write_no_number_csv(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["资产名称", "类型", "所在机房", "机柜", "责任人", "状态", "备注"])
    writer.writerows(NO_NUMBER)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_netbox_csv(objects: dict[str, list[dict]], directory: Path) -> None:
    """NetBox "Export > CSV" of each object list (labels as shown, ID column included)."""
    directory.mkdir(parents=True, exist_ok=True)

    def name(obj):
        return (obj or {}).get("name") or (obj or {}).get("display") or ""

    def label(choice):
        return (choice or {}).get("label") or ""

    tables = {
        "netbox_sites.csv": (["ID", "Name", "Status", "Facility", "Region", "Tenant"],
                             [[o["id"], o["name"], label(o["status"]), "", "", name(o["tenant"])]
                              for o in objects["dcim/sites"]]),
        "netbox_racks.csv": (["ID", "Name", "Site", "Location", "Status", "Role", "Tenant", "Serial number"],
                             [[o["id"], o["name"], name(o["site"]), "", label(o["status"]), name(o["role"]),
                               name(o["tenant"]), o["serial"]] for o in objects["dcim/racks"]]),
        "netbox_devices.csv": (["ID", "Name", "Status", "Tenant", "Site", "Location", "Rack", "Role",
                                "Manufacturer", "Type", "Platform", "Serial number"],
                               [[o["id"], o["name"] or o["display"], label(o["status"]), name(o["tenant"]),
                                 name(o["site"]), "", name(o["rack"]), name(o["role"]),
                                 name(o["device_type"]["manufacturer"]), o["device_type"]["model"],
                                 name(o["platform"]), o["serial"]] for o in objects["dcim/devices"]]),
        "netbox_power_panels.csv": (["ID", "Name", "Site", "Location"],
                                    [[o["id"], o["name"], name(o["site"]), ""]
                                     for o in objects["dcim/power-panels"]]),
        "netbox_power_feeds.csv": (["ID", "Name", "Power panel", "Rack", "Status", "Type", "Supply"],
                                   [[o["id"], o["name"], name(o["power_panel"]), name(o["rack"]),
                                     label(o["status"]), label(o["type"]), "AC"]
                                    for o in objects["dcim/power-feeds"]]),
        "netbox_clusters.csv": (["ID", "Name", "Type", "Group", "Status", "Tenant", "Site"],
                                [[o["id"], o["name"], name(o["type"]), "", label(o["status"]),
                                  name(o["tenant"]), ""] for o in objects["virtualization/clusters"]]),
        "netbox_virtual_machines.csv": (["ID", "Name", "Status", "Site", "Cluster", "Role", "Tenant", "Platform"],
                                        [[o["id"], o["name"], label(o["status"]), name(o["site"]),
                                          name(o["cluster"]), name(o["role"]), name(o["tenant"]),
                                          name(o["platform"])]
                                         for o in objects["virtualization/virtual-machines"]]),
        "netbox_providers.csv": (["ID", "Name"], [[o["id"], o["name"]] for o in objects["circuits/providers"]]),
    }
    sides: dict[int, dict[str, str]] = {}
    for t in objects["circuits/circuit-terminations"]:
        sides.setdefault(t["circuit"]["id"], {})[t["term_side"]] = name(t["termination"])
    tables["netbox_circuits.csv"] = (
        ["ID", "Circuit ID", "Provider", "Type", "Status", "Tenant", "Side A", "Side Z"],
        [[o["id"], o["cid"], name(o["provider"]), name(o["type"]), label(o["status"]),
          name(o["tenant"]), sides.get(o["id"], {}).get("A", ""), sides.get(o["id"], {}).get("Z", "")]
         for o in objects["circuits/circuits"]])
    for file, (header, rows) in tables.items():
        with (directory / file).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


def main() -> None:
    from tests.conftest import NETBOX_DEMO
    from tests.loading.netbox_fake import build_netbox, write_json_export

    register = EXAMPLES / "asset-register"
    write_xlsx(register / "资产台账.xlsx")
    write_gbk_csv(register / "资产台账-gbk.csv")
    write_no_number_csv(register / "无编号台账.csv")
    write_mixed_register(register / "综合台账-gbk.csv")
    objects = build_netbox(NETBOX_DEMO)
    write_json_export(objects, EXAMPLES / "netbox-export" / "json")
    write_netbox_csv(objects, EXAMPLES / "netbox-export" / "csv")
    print(f"wrote samples under {EXAMPLES}")


if __name__ == "__main__":
    main()
