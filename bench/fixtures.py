"""Input files for the reader benchmarks, generated once and cached in bench/data/formats/.

* ``asset_register_xlsx`` — a Chinese asset register of 30k rows as people keep one (the
  layout of ``examples/asset-register/资产台账.xlsx``, profile ``cn-asset-register``): a merged
  title line above the header, the machine room merged over all of its rows, the rack merged
  over the physical assets in it, VMs naming their host (some two hosts);
* ``estate_document`` — an estate of about 20k records (CIs + relations, the foreign estate at
  a small size) as one YAML or JSON document of the canonical format, property values typed.

Both load cleanly with ``itss load`` (the test in tests/test_bench_estate.py checks it on small
ones).

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> records = estate_document(d / "e.yaml", records=5000)
    >>> 4500 < records < 5500, (d / "e.yaml").read_text(encoding="utf-8").startswith("cis:")
    (True, True)
"""

from __future__ import annotations

import json
from pathlib import Path

REGISTER_HEADER = ["序号", "资产编号", "资产名称", "类型", "品牌", "型号", "序列号", "IP地址", "所在机房",
                   "机柜", "U位", "所属系统", "责任人", "使用部门", "状态", "重要程度", "宿主机", "购置日期",
                   "备注"]
ROOMS = ["一号机房", "二号机房", "三号机房", "四号机房", "五号机房", "灾备一号机房", "灾备二号机房"]
# one rack block: (类型, 品牌, 型号, how many); then VMs on the block's hosts
RACK_BLOCK = [("接入交换机", "华为", "CE6881", 2), ("X86服务器", "华为", "2288H V6", 6),
              ("PC服务器", "浪潮", "NF5280M6", 3), ("磁盘阵列", "华为", "OceanStor 5310", 1)]
VMS_PER_BLOCK = 8
ROWS_PER_ROOM = 600


def _register_rows(rows: int):
    """(values, room, rack-or-None) per register row; deterministic."""
    n = 0
    block = 0
    while n < rows:
        block += 1
        room = ROOMS[(n // ROWS_PER_ROOM) % len(ROOMS)]
        rack = f"{chr(65 + block % 20)}{block:04d}"
        hosts = []
        for kind, brand, model, count in RACK_BLOCK:
            for i in range(count):
                if n >= rows:
                    return
                n += 1
                name = f"{kind}-{block:04d}-{i + 1}"
                if kind == "X86服务器":
                    hosts.append(name)
                yield ([n, f"ZC-{2018 + n % 7}-{n:06d}", name, kind, brand, model, f"SN{n:09d}",
                        f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", room, rack, f"{(i * 2) % 40 + 1:02d}",
                        f"业务系统{block % 97:02d}" if kind != "接入交换机" else None, "张伟" if n % 3 else "王芳",
                        "系统组", "在用" if n % 17 else "备用", ("关键", "重要", "一般")[n % 3], None,
                        f"20{18 + n % 6}-0{1 + n % 9}-1{n % 9}", None], room, rack)
        for v in range(VMS_PER_BLOCK):
            if n >= rows:
                return
            n += 1
            host = hosts[v % len(hosts)] if v % 4 else f"{hosts[0]}、{hosts[1]}"  # some have two
            yield ([n, f"ZC-VM-{n:06d}", f"虚拟机-{n:06d}", "虚拟机", None, None, None,
                    f"172.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", room, None, None,
                    f"业务系统{block % 97:02d}", "陈静", "应用组", "在用", "一般", host, None,
                    "高可用" if "、" in host else None], room, None)


def asset_register_xlsx(path: Path, rows: int = 30_000) -> int:
    """Write the register; return its number of asset rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "资产台账"
    sheet.append(["XX集团数据中心 IT 资产台账（2025 年 3 月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER_HEADER))
    sheet.append(REGISTER_HEADER)
    room_col, rack_col = REGISTER_HEADER.index("所在机房") + 1, REGISTER_HEADER.index("机柜") + 1
    runs = {room_col: [], rack_col: []}  # (first row, last row) of equal values, per merged column
    last = {room_col: None, rack_col: None}
    row = 2
    for values, room, rack in _register_rows(rows):
        row += 1
        for col, value in ((room_col, room), (rack_col, rack)):
            if value is not None and value == last[col]:
                runs[col][-1][1] = row
                values[col - 1] = None  # a merged block keeps its value in the first cell only
            elif value is not None:
                runs[col].append([row, row])
            last[col] = value
        sheet.append(values)
    for col, spans in runs.items():
        for first, end in spans:
            if end > first:
                sheet.merge_cells(start_row=first, start_column=col, end_row=end, end_column=col)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return row - 2


def estate_document(path: Path, records: int = 20_000) -> int:
    """Write an estate of about ``records`` CIs + relations as YAML or JSON (by the suffix);
    return the exact number of records."""
    from bench.foreign_estate import CI_COLUMNS, REL_COLUMNS, generate_estate

    size = round(records / 3.9)  # 2.9 relations per CI; small estates keep minimum counts, so
    estate = generate_estate(size)  # the first guess is corrected once by counting
    size = round(size * records / (len(estate.cis) + len(estate.relations)))
    estate = generate_estate(size)

    def typed(column: str, value: str):
        return int(value) if column in ("min_up", "users") else value

    document = {
        "cis": [{c: typed(c, v) for c, v in zip(CI_COLUMNS, row) if v != ""} for row in estate.cis],
        "relations": [{c: typed(c, v) for c, v in zip(REL_COLUMNS, row) if v != ""}
                      for row in estate.relations],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        import yaml

        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(document, fh, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                      sort_keys=False, default_flow_style=False)
    return len(estate.cis) + len(estate.relations)
