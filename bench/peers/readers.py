"""Readers side by side, each run as a fresh process: a library's plain pass vs itss reading.

    python bench/peers/readers.py MODE FILE

MODE is one of
  openpyxl-readonly  openpyxl read-only iteration of the first sheet's values (merged cells
                     not filled: the floor);
  itss-table         itss's table reader (header found below the title, merged cells filled)
                     as the cn-asset-register profile opens the file, every row consumed;
  yaml-csafe         ``yaml.load`` with the C-accelerated CSafeLoader;
  json-loads         ``json.loads`` of the file's text;
  itss-document      itss's reader of a JSON/YAML document: every located row (with its line);
Prints the number of rows read.
"""

import sys
from pathlib import Path


def main(mode: str, path: Path) -> int:
    if mode == "openpyxl-readonly":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return count
    if mode == "yaml-csafe":
        import yaml

        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return len(document["cis"]) + len(document["relations"])
    if mode == "json-loads":
        import json

        document = json.loads(path.read_text(encoding="utf-8"))
        return len(document["cis"]) + len(document["relations"])
    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    if mode == "itss-table":
        from itss_graph.loading.mapping import open_for_profile
        from itss_graph.loading.profiles import find_profile

        _, table = open_for_profile(find_profile("cn-asset-register"), path)
        return sum(1 for _ in table.rows)
    if mode == "itss-document":
        from itss_graph.loading.readers import read_rows

        return sum(1 for _ in read_rows(path))
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    print(main(sys.argv[1], Path(sys.argv[2])))
