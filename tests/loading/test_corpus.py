"""The bad-input corpus (tests/loading/corpus/, written by make_corpus.py): every case is refused
with exactly the problems it lists, and the store — which already held an inventory of the
source the prune cases name — is left exactly as it was. Runs on both stores."""

from __future__ import annotations

import errno
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from itss_graph.errors import InputError
from itss_graph.loading import files as input_files
from itss_graph.loading.load import load_inventory, load_items
from itss_graph.schema import load_schema
from tests.conftest import store_dump

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
CLASSES = ["files that cannot be read", "values that break the rules", "injection-like text",
           "rows that contradict each other", "cycles", "mapping profiles", "prune safety",
           "decode or refuse", "located problems", "bounded work", "real registers"]


def _spec(case: Path) -> dict:
    return yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))


def test_the_corpus_has_at_least_150_cases_in_every_class():
    counts = Counter(_spec(c)["class"] for c in CASES)
    assert len(CASES) >= 150
    assert sorted(counts) == sorted(CLASSES) and min(counts.values()) >= 5, counts


def _base(store, tmp_path: Path) -> None:
    path = tmp_path / "base.json"
    path.write_text((CORPUS / "base.json").read_text(encoding="utf-8"), encoding="utf-8")
    load_inventory([path], store, source="corpus")


def _set_up(directory: Path, steps: list[dict], monkeypatch) -> None:
    """Make what git cannot hold: FIFOs, directories, symbolic links, unreadable files."""
    for step in steps:
        kind, name = next((k, v) for k, v in step.items() if k != "to")
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "directory":
            path.mkdir()
        elif kind == "symlink":
            path.symlink_to(step["to"])
        elif kind == "unreadable":
            path.chmod(0)
            if os.geteuid() == 0:  # root reads any file: make open() answer as for anyone else
                real_open = os.open

                def refusing_open(target, flags, *args, _path=str(path), **kwargs):
                    if os.fspath(target) == _path:
                        raise PermissionError(errno.EACCES, "Permission denied", _path)
                    return real_open(target, flags, *args, **kwargs)

                monkeypatch.setattr(input_files.os, "open", refusing_open)
        else:
            raise ValueError(f"unknown setup step {step}")


def _load(directory: Path, spec: dict, store) -> None:
    inputs = [directory / i for i in spec["inputs"]]
    options = {k: spec[k] for k in ("source", "prune", "allow_empty") if k in spec}
    if spec.get("netbox"):
        from itss_graph.loading.netbox import ENDPOINTS, netbox_rows
        from itss_graph.loading.netbox.export import JsonExport

        source = JsonExport(inputs[0], required=ENDPOINTS if spec.get("prune") else ())
        load_items(netbox_rows(source), store, inputs=[str(inputs[0])], **options)
        return
    profile = spec.get("profile")
    if profile and profile.endswith((".yaml", ".yml")):
        profile = str(directory / profile)
    load_inventory(inputs, store, profile=profile, encoding=spec.get("encoding"), **options)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_with_its_exact_problems_and_the_store_unchanged(case, any_store, tmp_path,
                                                                             monkeypatch):
    spec = _spec(case)
    directory = tmp_path / "case"
    shutil.copytree(case, directory, symlinks=True)
    _set_up(directory, spec.get("setup", []), monkeypatch)
    _base(any_store, tmp_path)
    before = store_dump(any_store)
    schema = load_schema()
    expected = [e.replace("{ci_type_count}", str(len(schema.ci_types)))
                .replace("{known_relation_types}", ", ".join(sorted(schema.relation_types)))
                for e in spec["expected"]]
    with pytest.raises(InputError) as excinfo:
        _load(directory, spec, any_store)
    got = [str(p).replace(f"{directory}/", "") for p in excinfo.value.problems]
    assert got == expected
    assert store_dump(any_store) == before
