"""A compressed-sparse-row snapshot of the failure-flow graph, for closures at memory speed.

Built once per store *generation* (see :meth:`Store.generation`) and memory-mapped from disk
afterwards, so a cold CLI process opens a million-CI graph in milliseconds. Positions are dense
integers ``0..N-1``; everything the engine needs is an array indexed by position:

* ``flow_*``: for each CI, the edges failure leaves it by (towards its dependants), with the
  relation code, an explanation class (0 hard, 1 redundancy group, 2 degrading) and, for class
  1, the redundancy-group slot; ``up_*``: the same edges from the dependant's side;
* ``group_owner``, ``group_size``, ``group_min_up``: one slot per redundancy group
  (:mod:`itss_graph.engine.semantics`);
* ``id_rank`` (order of ids as strings, for deterministic tie-breaking), type codes, ``min_up``,
  and the ids and names as UTF-8 blobs with offsets.

Relation codes are ranks of the relation names, so comparing codes compares names.

Example:
    >>> idx = GraphIndex.build(
    ...     generation="1", keys=[1, 2], ids=["h", "v"], names=["h", "v"], types=["server", "vm"],
    ...     min_up=[1, 1], edges=[(1, "RUNS_ON", 0, None, None)],
    ...     toward_source={"RUNS_ON": "down"}, toward_target={})
    >>> idx.id_of(int(idx.flow_dst[idx.flow_ptr[0]]))
    'v'
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from itss_graph.engine.semantics import DOWN, group_key

_ARRAYS = ("keys", "id_rank", "type_code", "min_up", "id_blob", "id_off", "name_blob", "name_off",
           "flow_ptr", "flow_dst", "flow_rel", "flow_class", "flow_group",
           "up_ptr", "up_src", "up_rel", "up_class", "up_group", "up_outgoing",
           "group_owner", "group_size", "group_min_up")
FORMAT = 2


@dataclass
class GraphIndex:
    generation: str
    type_names: list[str]
    rel_names: list[str]
    keys: np.ndarray  # store key per position (SQLite: ci.n), ascending
    id_rank: np.ndarray
    type_code: np.ndarray
    min_up: np.ndarray
    id_blob: np.ndarray
    id_off: np.ndarray
    name_blob: np.ndarray
    name_off: np.ndarray
    flow_ptr: np.ndarray
    flow_dst: np.ndarray
    flow_rel: np.ndarray
    flow_class: np.ndarray
    flow_group: np.ndarray
    up_ptr: np.ndarray
    up_src: np.ndarray
    up_rel: np.ndarray
    up_class: np.ndarray
    up_group: np.ndarray
    up_outgoing: np.ndarray  # 1 when the relation is written dependant -[r]-> provider
    group_owner: np.ndarray
    group_size: np.ndarray
    group_min_up: np.ndarray

    @property
    def size(self) -> int:
        return len(self.keys)

    # -- lookups ------------------------------------------------------------------------------
    def ids_of(self, positions) -> list[str]:
        """Ids of many positions at once (vectorised offsets, one decode per id)."""
        return _texts(self.id_blob, self.id_off, positions)

    def names_of(self, positions) -> list[str]:
        return _texts(self.name_blob, self.name_off, positions)

    def id_of(self, pos: int) -> str:
        return bytes(self.id_blob[self.id_off[pos]:self.id_off[pos + 1]]).decode("utf-8")

    def name_of(self, pos: int) -> str:
        return bytes(self.name_blob[self.name_off[pos]:self.name_off[pos + 1]]).decode("utf-8")

    def type_of(self, pos: int) -> str:
        return self.type_names[int(self.type_code[pos])]

    def positions_of_keys(self, keys: Sequence[int]) -> np.ndarray:
        return np.searchsorted(self.keys, np.asarray(keys, dtype=np.int64))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def build(cls, *, generation: str, keys: Sequence[int], ids: Sequence[str], names: Sequence[str],
              types: Sequence[str], min_up: Sequence[int],
              edges: Sequence[tuple[int, str, int, str | None, int | None]],
              toward_source: dict[str, str], toward_target: dict[str, str]) -> "GraphIndex":
        """Build from nodes (given in ascending key order) and edges between positions
        ``(source_pos, relation, target_pos, redundancy_group, min_up)``."""
        n = len(keys)
        type_names = sorted(set(types))
        type_lookup = {t: i for i, t in enumerate(type_names)}
        rel_names = sorted(set(toward_source) | set(toward_target) | {e[1] for e in edges})
        rel_lookup = {r: i for i, r in enumerate(rel_names)}
        id_rank = np.empty(n, dtype=np.int32)
        id_rank[np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)] = np.arange(n, dtype=np.int32)
        id_blob, id_off = _blob(ids)
        name_blob, name_off = _blob(names)

        flow: list[tuple[int, int, int, int, int, int]] = []  # provider, dependant, rel, class, slot, outgoing
        slots: dict[tuple, int] = {}
        owners: list[int] = []
        slot_min_up: list[int] = []
        node_min_up = list(min_up)
        for src, rel, dst, group, edge_min_up in edges:
            for table, provider, dependant, direction in (
                    (toward_source, dst, src, "out"), (toward_target, src, dst, "in")):
                effect = table.get(rel)
                if effect is None:
                    continue
                key = group_key(effect, rel, direction, group)
                if key is not None:
                    slot_key = (dependant, key)
                    slot = slots.get(slot_key)
                    if slot is None:
                        slot = slots[slot_key] = len(owners)
                        owners.append(dependant)
                        slot_min_up.append(1 if key[0] == "prop" else node_min_up[dependant])
                    if key[0] == "prop":
                        slot_min_up[slot] = max(slot_min_up[slot], edge_min_up or 1)
                    flow.append((provider, dependant, rel_lookup[rel], 1, slot, direction == "out"))
                else:
                    flow.append((provider, dependant, rel_lookup[rel], 0 if effect == DOWN else 2, -1,
                                 direction == "out"))
        flow_arr = np.array(flow, dtype=np.int64).reshape(-1, 6)
        group_size = np.zeros(len(owners), dtype=np.int32)
        grouped = flow_arr[flow_arr[:, 3] == 1]
        if len(grouped):
            distinct = np.unique(grouped[:, 4] * max(n, 1) + grouped[:, 0])
            np.add.at(group_size, distinct // max(n, 1), 1)
        by_provider = np.lexsort((flow_arr[:, 1], flow_arr[:, 0]))
        by_dependant = np.lexsort((flow_arr[:, 0], flow_arr[:, 1]))
        fp, up = flow_arr[by_provider], flow_arr[by_dependant]
        return cls(
            generation=generation, type_names=type_names, rel_names=rel_names,
            keys=np.asarray(keys, dtype=np.int64), id_rank=id_rank,
            type_code=np.array([type_lookup[t] for t in types], dtype=np.int16),
            min_up=np.asarray(node_min_up, dtype=np.int32),
            id_blob=id_blob, id_off=id_off, name_blob=name_blob, name_off=name_off,
            flow_ptr=_pointers(fp[:, 0], n), flow_dst=fp[:, 1].astype(np.int32),
            flow_rel=fp[:, 2].astype(np.int16), flow_class=fp[:, 3].astype(np.int8),
            flow_group=fp[:, 4].astype(np.int32),
            up_ptr=_pointers(up[:, 1], n), up_src=up[:, 0].astype(np.int32),
            up_rel=up[:, 2].astype(np.int16), up_class=up[:, 3].astype(np.int8),
            up_group=up[:, 4].astype(np.int32), up_outgoing=up[:, 5].astype(np.int8),
            group_owner=np.asarray(owners, dtype=np.int32), group_size=group_size,
            group_min_up=np.asarray(slot_min_up, dtype=np.int32),
        )

    # -- persistence --------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write atomically to ``directory`` (a temporary sibling renamed into place)."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=directory.name + ".tmp"))
        try:
            for name in _ARRAYS:
                np.save(tmp / f"{name}.npy", getattr(self, name), allow_pickle=False)
            (tmp / "meta.json").write_text(json.dumps({
                "format": FORMAT, "generation": self.generation,
                "type_names": self.type_names, "rel_names": self.rel_names}))
            os.replace(tmp, directory)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not directory.exists():
                raise

    @classmethod
    def open(cls, directory: Path) -> "GraphIndex | None":
        """Memory-map a saved index, or None if it is missing or of another format."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
            if meta.get("format") != FORMAT:
                return None
            arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        except (OSError, ValueError):
            return None
        return cls(generation=meta["generation"], type_names=meta["type_names"],
                   rel_names=meta["rel_names"], **arrays)


def _texts(blob: np.ndarray, offsets: np.ndarray, positions) -> list[str]:
    positions = np.asarray(positions, dtype=np.int64)
    view = memoryview(blob)
    return [str(view[a:b], "utf-8") for a, b in zip(offsets[positions].tolist(),
                                                      offsets[positions + 1].tolist())]


def _blob(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [t.encode("utf-8") for t in texts]
    off = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=off[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), off


def _pointers(sorted_keys: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=n), out=ptr[1:])
    return ptr

