"""A NetBox JSON export: the API's answers saved as files, one per endpoint, read like the API.

For the endpoint ``dcim/devices`` the directory holds ``dcim.devices.json`` (or
``dcim/devices.json``): either the list of objects, or an API page ``{"count", "results"}``, or
a list of such pages — what ``curl .../api/dcim/devices/?limit=0`` or a paging script saves.
Such a directory is made from a live NetBox with :func:`save_export`.

An export must be provably complete before it may prune anything: every page's ``count``
must equal the objects saved (a page whose ``next`` is set, or that holds fewer objects than its
count, is one page of several), ids must not repeat, and with ``required`` every endpoint must
have its file (an endpoint without objects is saved as an empty list). Each file is read with
the limits of :mod:`itss_graph.loading.documents`.

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
from typing import Any, Iterable, Iterator

from itss_graph.errors import InputError, Problem
from itss_graph.i18n import M_
from itss_graph.loading.documents import MAX_JSON_BYTES, decode_text, parse_json, value_problem
from itss_graph.loading.files import input_problem


class JsonExport:
    """Objects of a NetBox JSON export directory. ``required``: endpoints whose file must be
    there (all of them when the load prunes)."""

    def __init__(self, directory: Path, *, required: Iterable[str] = ()):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise InputError([Problem(str(directory), None, None,
                                      M_("not a directory of NetBox JSON files"))])
        missing = [e for e in required if self.file_for(e) is None]
        if missing:
            raise InputError([Problem(
                str(self.directory), None, None,
                M_("has no {file}.json: --prune needs every NetBox endpoint exported (an endpoint without objects as an empty list), or it would delete what the export left out",
                   file=e.replace('/', '.'))) for e in missing])

    def file_for(self, endpoint: str) -> Path | None:
        app, name = endpoint.strip("/").split("/")
        for candidate in (self.directory / f"{app}.{name}.json", self.directory / app / f"{name}.json"):
            if candidate.exists() or candidate.is_symlink():
                return candidate
        return None

    def missing(self, endpoints: Iterable[str]) -> list[str]:
        """The endpoints without a file (their objects are then simply absent)."""
        return [e for e in endpoints if self.file_for(e) is None]

    def iter_objects(self, endpoint: str) -> Iterator[dict]:
        path = self.file_for(endpoint)
        if path is None:
            return  # not exported: that kind of object is simply absent
        problem = input_problem(path)
        if problem is not None:
            raise InputError([problem])
        name = str(path)
        text, _ = decode_text(path, limit=MAX_JSON_BYTES)
        document, problems = parse_json(name, text)
        if problems:
            raise InputError(problems)
        objects = list(_objects(name, document))
        problems = []
        seen: set[Any] = set()
        for index, obj in enumerate(objects):
            if not isinstance(obj, dict) or "id" not in obj:
                problems.append(Problem(name, None, f"[{index}]", M_("a NetBox object needs an 'id'")))
                continue
            obj_id = obj["id"]
            if not isinstance(obj_id, (int, str)) or isinstance(obj_id, bool):
                problems.append(Problem(name, None, f"[{index}].id",
                                        M_("a NetBox id is a number, not {kind}", kind=type(obj_id).__name__)))
                continue
            bad = value_problem(obj)
            if bad is not None:
                problems.append(Problem(name, None, f"[{index}]", bad[1]))
                continue
            if obj_id in seen:
                problems.append(Problem(name, None, f"[{index}].id",
                                        M_("object {obj_id} is saved twice (pages that overlap)",
                                           obj_id=obj_id)))
            seen.add(obj_id)
        if problems:
            raise InputError(problems)
        yield from objects


def _objects(name: str, document: Any) -> Iterator[Any]:
    """The objects of one export file, after checking the pages it holds are all there."""
    if isinstance(document, list) and document and all(
            isinstance(p, dict) and "results" in p for p in document):
        pages = document
    elif isinstance(document, list):
        yield from document
        return
    else:
        pages = [document]
    total = 0
    announced = None
    for number, page in enumerate(pages, start=1):
        objects = page.get("results") if isinstance(page, dict) else None
        if not isinstance(objects, list):
            raise InputError([Problem(name, 1, None,
                                      M_("expected a list of NetBox objects or an API page"))])
        count = page.get("count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            raise InputError([Problem(name, 1, "count", M_("must be a number of objects"))])
        if count is not None:
            if announced is not None and count != announced:
                raise InputError([Problem(name, 1, "count",
                                          M_("page {number} says {count} objects, page 1 said {announced}: pages of different reads",
                                             number=number, count=count, announced=announced))])
            announced = count
        total += len(objects)
        yield from objects
    last = pages[-1] if isinstance(pages[-1], dict) else {}
    if last.get("next"):
        raise InputError([Problem(name, 1, "next",
                                  M_("the saved page links to a next one ({url}): the export is incomplete; save every page, or all objects with ?limit=0",
                                     url=str(last['next'])[:80]))])
    if announced is not None and announced != total:
        raise InputError([Problem(name, 1, "count",
                                  M_("says {announced} objects but holds {total}: the export is incomplete",
                                     announced=announced, total=total))])


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
