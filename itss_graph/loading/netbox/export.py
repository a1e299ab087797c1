"""A NetBox JSON export: the API's answers saved as files, one per endpoint, read like the API.

For the endpoint ``dcim/devices`` the directory holds ``dcim.devices.json`` (or
``dcim/devices.json``): either the list of objects, or an API page ``{"count", "results"}``, or
a list of such pages — what ``curl .../api/dcim/devices/?limit=0`` or a paging script saves.
Such a directory is made from a live NetBox with :func:`save_export`.

Example:
    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "dcim.sites.json").write_text(json.dumps({"count": 1, "results": [{"id": 1}]}))
    >>> [o["id"] for o in JsonExport(d).iter_objects("dcim/sites")]
    [1]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from itss_graph.errors import InputError, Problem


class JsonExport:
    """Objects of a NetBox JSON export directory."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise InputError([Problem(str(directory), None, None,
                                      "not a directory of NetBox JSON files")])

    def file_for(self, endpoint: str) -> Path | None:
        app, name = endpoint.strip("/").split("/")
        for candidate in (self.directory / f"{app}.{name}.json", self.directory / app / f"{name}.json"):
            if candidate.is_file():
                return candidate
        return None

    def iter_objects(self, endpoint: str) -> Iterator[dict]:
        path = self.file_for(endpoint)
        if path is None:
            return  # not exported: that kind of object is simply absent
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise InputError([Problem(str(path), exc.lineno, None, f"malformed JSON: {exc.msg}")]) from None
        except UnicodeDecodeError:
            raise InputError([Problem(str(path), None, None, "not UTF-8 text")]) from None
        pages = document if isinstance(document, list) and document and all(
            isinstance(p, dict) and "results" in p for p in document) else [document]
        for page in pages:
            objects = page.get("results") if isinstance(page, dict) else page
            if not isinstance(objects, list):
                raise InputError([Problem(str(path), 1, None,
                                          "expected a list of NetBox objects or an API page")])
            for index, obj in enumerate(objects):
                if not isinstance(obj, dict) or "id" not in obj:
                    raise InputError([Problem(str(path), None, f"[{index}]",
                                              "a NetBox object needs an 'id'")])
                yield obj


def save_export(client: Any, directory: Path, endpoints) -> list[Path]:
    """Save every object of ``endpoints`` from a live NetBox as a JSON export directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for endpoint in endpoints:
        objects = list(client.iter_objects(endpoint))
        path = directory / (endpoint.strip("/").replace("/", ".") + ".json")
        path.write_text(json.dumps({"count": len(objects), "results": objects},
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written
