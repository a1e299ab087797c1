"""The bad-input corpus (tests/loading/corpus/, written by make_corpus.py): every case is refused
with exactly the problems it lists, and the store — which already held an inventory — is left
exactly as it was. Runs on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from itss_graph.errors import InputError
from itss_graph.loading.load import load_inventory
from itss_graph.schema import load_schema
from tests.conftest import store_dump

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_has_at_least_fifty_cases():
    assert len(CASES) >= 50


def _base(store, tmp_path: Path) -> None:
    path = tmp_path / "base.json"
    path.write_text((CORPUS / "base.json").read_text(encoding="utf-8"), encoding="utf-8")
    load_inventory([path], store)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_with_its_exact_problems_and_the_store_unchanged(case, any_store, tmp_path):
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    _base(any_store, tmp_path)
    before = store_dump(any_store)
    schema = load_schema()
    expected = [e.replace("{known_ci_types}", ", ".join(sorted(schema.ci_types)))
                .replace("{known_relation_types}", ", ".join(sorted(schema.relation_types)))
                for e in spec["expected"]]
    profile = str(case / spec["profile"]) if spec.get("profile") else None
    with pytest.raises(InputError) as excinfo:
        load_inventory([case / i for i in spec["inputs"]], any_store, profile=profile,
                       encoding=spec.get("encoding"))
    got = [str(p).replace(f"{case}/", "") for p in excinfo.value.problems]
    assert got == expected
    assert store_dump(any_store) == before
