"""The benchmark estates: generated once per shape and size, cached in bench/data/.

* ``demo`` — the bank-shaped estate of ``itss demo`` (``itss_graph.synth``), scaled;
* ``foreign`` — the multi-region cloud platform of ``bench/foreign_estate.py``: leaf–spine
  network, k-of-n VM clusters, infrastructure services with very high fan-in.

``prepare(name, size)`` writes ``bench/data/<name>-<size>/{cis,relations}.csv`` (canonical CSV)
and ``estate.json`` (parameters, counts, generation time, and the fingerprint of the generator's
source: a changed generator regenerates). ``probes(estate)`` picks the impact probes once
(bench/probes.py on a scratch store loaded with ``itss load``) and caches them beside.

Example:
    >>> parse_size("200k"), parse_size("1m"), parse_size("5000")
    (200000, 1000000, 5000)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
DEMO_CIS_AT_SCALE_1 = 14_793  # itss_graph.synth at scale 1
GENERATORS = {"demo": REPO / "itss_graph" / "synth.py", "foreign": REPO / "bench" / "foreign_estate.py"}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = 1_000 if text.endswith("k") else 1_000_000 if text.endswith("m") else 1
    return int(float(text.rstrip("km")) * factor)


@dataclass
class Estate:
    name: str  # e.g. "foreign-200k"
    shape: str
    size: str
    directory: Path
    info: dict  # estate.json

    @property
    def cis(self) -> int:
        return self.info["cis"]

    @property
    def relations(self) -> int:
        return self.info["relations"]


def _fingerprint(shape: str) -> str:
    return hashlib.sha256(GENERATORS[shape].read_bytes()).hexdigest()[:16]


def prepare(shape: str, size: str, data: Path = DATA) -> Estate:
    """The estate's CSV pair, generated unless cached with the same generator source."""
    if shape not in GENERATORS:
        raise SystemExit(f"unknown estate {shape!r} (known: {', '.join(GENERATORS)})")
    directory = data / f"{shape}-{size}"
    marker = directory / "estate.json"
    fingerprint = _fingerprint(shape)
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("generator_sha256") == fingerprint:
            return Estate(directory.name, shape, size, directory, info)
    shutil.rmtree(directory, ignore_errors=True)
    start = time.perf_counter()
    if shape == "demo":
        from itss_graph.synth import write_estate

        scale = parse_size(size) / DEMO_CIS_AT_SCALE_1
        n_cis, n_rels = write_estate(directory, scale=scale)
        info = {"generator": "itss_graph/synth.py", "scale": round(scale, 4), "seed": 2014}
    else:
        from bench.foreign_estate import write_estate

        estate = write_estate(directory, parse_size(size))
        n_cis, n_rels = len(estate.cis), len(estate.relations)
        info = {**estate.params, "designed_probes": estate.probes}
    info.update({"shape": shape, "size": size, "cis": n_cis, "relations": n_rels,
                 "relations_per_ci": round(n_rels / n_cis, 3),
                 "generated_s": round(time.perf_counter() - start, 2), "generator_sha256": fingerprint,
                 "csv_mb": round(sum(p.stat().st_size for p in directory.glob("*.csv")) / 2**20, 1)})
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return Estate(directory.name, shape, size, directory, info)


def probes(estate: Estate, itss: str) -> dict:
    """The estate's impact probes (bench/probes.py), picked once on a scratch store and cached."""
    cached = estate.directory / "probes.json"
    if cached.exists():
        return json.loads(cached.read_text())
    scratch = estate.directory / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        db = scratch / "itss.db"
        subprocess.run([itss, "load", str(estate.directory), "--store", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        done = subprocess.run([sys.executable, str(REPO / "bench" / "probes.py"), str(db)], check=True,
                              capture_output=True, text=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    picks = json.loads(done.stdout)
    cached.write_text(json.dumps(picks, ensure_ascii=False, indent=1))
    return picks
