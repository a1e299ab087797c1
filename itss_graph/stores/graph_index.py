"""A compressed-sparse-row snapshot of the failure-flow graph, for closures at memory speed.

Built once per store *generation* (see :meth:`Store.generation`) and memory-mapped from disk
afterwards, so a cold CLI process opens a million-CI graph in milliseconds. Positions are dense
integers ``0..N-1``; everything the engine needs is an array indexed by position:

* ``flow_*``: for each CI, the edges failure leaves it by (towards its dependants), with the
  relation code, an explanation class (0 hard, 1 redundancy group, 2 degrading) and, for class
  1, the redundancy-group slot; ``up_*``: the same edges from the dependant's side;
* ``group_owner``, ``group_size``, ``group_min_up``, ``group_name``: one slot per redundancy
  group (:mod:`itss_graph.semantics`); ``group_name`` indexes ``group_names`` (the
  ``redundancy_group`` property of a property group, -1 for a group by relation type);
* ``id_rank`` (order of ids as strings, for deterministic tie-breaking), type codes, ``min_up``,
  and the ids and names as UTF-8 blobs with offsets;
* ``props_pos``, ``props_off``, ``props_blob``: the properties (JSON text) of the CIs of
  ``props_types`` (the business services: every what-if ranks them by their properties, and
  reading a few thousand of them scattered over the store costs a cold process ~20 ms).

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

import os

import numpy as np

from itss_graph.model import decode_json
from itss_graph.stores.index_files import FORMAT, map_npy  # FORMAT: the saved layout's version

TYPE_CHECKING = False  # pathlib and typing are not imported at run time (a cold CLI opens the index)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Sequence


_ARRAYS = ("keys", "id_rank", "type_code", "min_up", "id_blob", "id_off", "id_chars", "name_blob",
           "name_off", "name_chars",
           "flow_ptr", "flow_dst", "flow_rel", "flow_class", "flow_group",
           "up_ptr", "up_src", "up_rel", "up_class", "up_group", "up_outgoing",
           "group_owner", "group_size", "group_min_up", "group_name",
           "props_pos", "props_off", "props_blob")
_EFFECT_CODE = {"down": 0, "degraded": 1, "redundant": 2}


class EdgeArrays:
    """Edges as parallel arrays: positions, relation (index into ``rel_names``), redundancy
    group (index into ``group_names``, -1 for none) and the relation's ``min_up`` (0: none)."""

    def __init__(self, src: np.ndarray, rel: np.ndarray, dst: np.ndarray, group: np.ndarray,
                 min_up: np.ndarray, rel_names: list[str], group_names: list[str]):
        self.src, self.rel, self.dst, self.group, self.min_up = src, rel, dst, group, min_up
        self.rel_names, self.group_names = rel_names, group_names

    @classmethod
    def from_tuples(cls, edges) -> "EdgeArrays":
        rel_names: dict[str, int] = {}
        group_names: dict[str, int] = {}
        src, rel, dst, group, min_up = [], [], [], [], []
        for s_, r, d, g, m in edges:
            src.append(s_)
            dst.append(d)
            rel.append(rel_names.setdefault(r, len(rel_names)))
            group.append(-1 if g in (None, "") else group_names.setdefault(str(g), len(group_names)))
            min_up.append(m or 0)
        as_array = lambda values: np.asarray(values, dtype=np.int64)  # noqa: E731
        return cls(as_array(src), as_array(rel), as_array(dst), as_array(group), as_array(min_up),
                   list(rel_names), list(group_names))


class GraphIndex:
    """The closure index of one store generation (module docstring): per-position arrays,
    memory-mapped when opened from disk. Made by :meth:`build`, :meth:`from_arrays` or
    :meth:`open`, every field below given by keyword. (Not a dataclass: creating one of 33
    fields costs a cold process ~3 ms, and arrays have neither a useful repr nor equality.)"""

    generation: str
    type_names: list[str]
    rel_names: list[str]
    keys: np.ndarray  # store key per position (SQLite: ci.n), ascending
    id_rank: np.ndarray
    type_code: np.ndarray
    min_up: np.ndarray
    id_blob: np.ndarray  # UTF-8 of all ids, concatenated
    id_off: np.ndarray  # byte offsets into id_blob
    id_chars: np.ndarray  # character offsets into the decoded id_blob
    name_blob: np.ndarray
    name_off: np.ndarray
    name_chars: np.ndarray
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
    group_name: np.ndarray  # per slot: index into group_names, -1 for a group by relation type
    group_names: list[str]
    props_types: list[str]  # the CI types whose properties the index keeps
    props_pos: np.ndarray  # their positions, ascending
    props_off: np.ndarray  # byte offsets of each one's properties (JSON) in props_blob
    props_blob: np.ndarray

    def __init__(self, **fields):
        if fields.keys() != _INDEX_FIELDS:
            wrong = sorted(fields.keys() ^ _INDEX_FIELDS)
            raise TypeError(f"GraphIndex fields missing or unknown: {', '.join(wrong)}")
        self.__dict__.update(fields)

    @property
    def size(self) -> int:
        return len(self.keys)

    # -- lookups ------------------------------------------------------------------------------
    def ids_of(self, positions) -> list[str]:
        """Ids of many positions at once."""
        return self._texts("id", positions)

    def names_of(self, positions) -> list[str]:
        return self._texts("name", positions)

    def _texts(self, kind: str, positions) -> list[str]:
        positions = np.asarray(positions, dtype=np.int64)
        blob, offsets, chars = (getattr(self, f"{kind}_blob"), getattr(self, f"{kind}_off"),
                                getattr(self, f"{kind}_chars"))
        if len(positions) < 64:  # few: decode each one
            view = memoryview(blob)
            return [str(view[a:b], "utf-8") for a, b in zip(offsets[positions].tolist(),
                                                              offsets[positions + 1].tolist())]
        if len(positions) < len(offsets) // 3:
            # a good part: gather their bytes with a newline after each, decode once and split
            # (in C: ~4x faster than slicing each text out in Python)
            starts = offsets[positions]
            lengths = offsets[positions + 1] - starts
            gathered = blob[concat_ranges(starts, lengths)]
            if not np.count_nonzero(gathered == 10):
                lines = np.full(len(gathered) + len(positions), 10, dtype=np.uint8)
                text_byte = np.ones(len(lines), dtype=bool)
                text_byte[np.cumsum(lengths + 1) - 1] = False
                lines[text_byte] = gathered
                texts = str(memoryview(lines), "utf-8").split("\n")
                texts.pop()  # after the last newline
                return texts
            # a text with a newline in it: slice by character lengths instead
            text = str(memoryview(gathered), "utf-8")
            ends = np.cumsum(chars[positions + 1] - chars[positions])
            return [text[a:b] for a, b in zip((ends - (chars[positions + 1] - chars[positions])).tolist(),
                                               ends.tolist())]
        # most: decode the whole blob once (cached) and slice it by character offsets
        cache = self.__dict__.setdefault("_decoded", {})
        whole = cache.get(kind)
        if whole is None:
            whole = cache[kind] = str(memoryview(blob), "utf-8")
        return [whole[a:b] for a, b in zip(chars[positions].tolist(), chars[positions + 1].tolist())]

    def id_of(self, pos: int) -> str:
        return bytes(self.id_blob[self.id_off[pos]:self.id_off[pos + 1]]).decode("utf-8")

    def name_of(self, pos: int) -> str:
        return bytes(self.name_blob[self.name_off[pos]:self.name_off[pos + 1]]).decode("utf-8")

    def type_of(self, pos: int) -> str:
        return self.type_names[int(self.type_code[pos])]

    def props_texts(self, positions: Sequence[int]) -> list[str | None]:
        """The properties (JSON text) the index keeps for each of ``positions``; None for a CI
        whose type is not one of ``props_types``.

        >>> idx = GraphIndex.build(generation="1", keys=[1, 2], ids=["s", "v"], names=["s", "v"],
        ...     types=["business_service", "vm"], min_up=[1, 1], edges=[], toward_source={},
        ...     toward_target={}, props={0: '{"sla":"99.9"}'}, props_types=["business_service"])
        >>> idx.props_texts([1, 0])
        [None, '{"sla":"99.9"}']
        """
        kept = self.props_pos
        if not len(kept):
            return [None] * len(positions)
        wanted = np.asarray(positions, dtype=np.int64)
        at = np.minimum(np.searchsorted(kept, wanted), len(kept) - 1)
        hits = (kept[at] == wanted).tolist()
        starts, ends = self.props_off[at].tolist(), self.props_off[at + 1].tolist()
        view = memoryview(self.props_blob)
        return [str(view[a:b], "utf-8") if hit else None for hit, a, b in zip(hits, starts, ends)]

    def positions_of_keys(self, keys: Sequence[int]) -> np.ndarray:
        return np.searchsorted(self.keys, np.asarray(keys, dtype=np.int64))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def build(cls, *, generation: str, keys: Sequence[int], ids: Sequence[str], names: Sequence[str],
              types: Sequence[str], min_up: Sequence[int],
              edges: "Sequence[tuple[int, str, int, str | None, int | None]] | EdgeArrays",
              toward_source: dict[str, str], toward_target: dict[str, str],
              id_order: Sequence[int] | None = None, props: dict[int, str] | None = None,
              props_types: Sequence[str] = ()) -> "GraphIndex":
        """Build from nodes (in ascending key order) and edges between positions, given as
        ``(source_pos, relation, target_pos, redundancy_group, min_up)`` tuples or as
        :class:`EdgeArrays`. ``id_order`` (positions sorted by id) saves a sort when known.
        ``props``: position -> properties (JSON) of the CIs of ``props_types``."""
        n = len(keys)
        if not isinstance(edges, EdgeArrays):
            edges = EdgeArrays.from_tuples(edges)
        type_names = sorted(set(types))
        type_lookup = {t: i for i, t in enumerate(type_names)}
        order = (np.asarray(id_order, dtype=np.int64) if id_order is not None
                 else np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64))
        return cls.from_arrays(
            generation=generation, keys=np.asarray(keys, dtype=np.int64), ids=_blob(ids),
            names=_blob(names), type_names=type_names,
            type_code=np.array([type_lookup[t] for t in types], dtype=np.int16),
            min_up=np.asarray(min_up, dtype=np.int32), edges=edges, toward_source=toward_source,
            toward_target=toward_target, id_order=order,
            props=kept_props(sorted((props or {}).items())), props_types=list(props_types))

    @classmethod
    def from_arrays(cls, *, generation: str, keys: np.ndarray, ids: tuple, names: tuple,
                    type_names: list[str], type_code: np.ndarray, min_up: np.ndarray,
                    edges: EdgeArrays, toward_source: dict[str, str], toward_target: dict[str, str],
                    id_order: np.ndarray, props: tuple | None = None, props_types: list[str] = ()) -> "GraphIndex":
        """:meth:`build` from arrays: ``ids`` and ``names`` as ``(blob, byte offsets, character
        offsets)``, ``id_order`` the positions sorted by id, ``props`` the kept properties
        as :func:`kept_props` gives them (None: none). Works in 32-bit
        and smaller integers where they suffice, one direction at a time, so a million-CI
        index builds in a few hundred MB."""
        n = len(keys)
        rel_names = sorted(set(toward_source) | set(toward_target) | set(edges.rel_names))
        rel_code = np.array([rel_names.index(r) for r in edges.rel_names], dtype=np.int16)
        rel = rel_code[edges.rel] if len(edges.rel) else np.empty(0, dtype=np.int16)
        id_rank = np.empty(n, dtype=np.int32)
        id_rank[id_order] = np.arange(n, dtype=np.int32)
        node_min_up = np.asarray(min_up, dtype=np.int32)

        parts = []  # per direction: provider, dependant, rel, effect, outgoing, group, edge_min_up
        for table, outgoing in ((toward_source, 1), (toward_target, 0)):
            effect_of = np.array([_EFFECT_CODE.get(table.get(r, "none"), -1) for r in rel_names], dtype=np.int8)
            effect = effect_of[rel] if len(rel) else np.empty(0, dtype=np.int8)
            keep = np.flatnonzero(effect >= 0)
            provider, dependant = ((edges.dst, edges.src) if outgoing else (edges.src, edges.dst))
            parts.append((provider[keep].astype(np.int32), dependant[keep].astype(np.int32),
                          rel[keep], effect[keep], np.full(len(keep), outgoing, dtype=np.int8),
                          edges.group[keep].astype(np.int32), edges.min_up[keep].astype(np.int32)))
            del effect, keep
        provider, dependant, frel, effect, outgoing, group, edge_min_up = (
            np.concatenate([part[k] for part in parts]) for k in range(7))
        del parts
        # redundancy groups: (dependant, group property) or (dependant, relation, direction)
        by_property = (group >= 0) & (effect != _EFFECT_CODE["degraded"])
        by_relation = ~by_property & (effect == _EFFECT_CODE["redundant"])
        grouped = by_property | by_relation
        g = np.flatnonzero(grouped)
        sub_key = np.where(by_property[g], group[g].astype(np.int64),
                           (1 << 30) | (frel[g].astype(np.int64) * 2 + outgoing[g]))
        slot = np.full(len(provider), -1, dtype=np.int32)
        unique_keys, inverse = np.unique((dependant[g].astype(np.int64) << 32) | sub_key,
                                         return_inverse=True)
        slot[g] = inverse
        del sub_key, inverse
        owners = (unique_keys >> 32).astype(np.int32)
        slot_min_up = node_min_up[owners].astype(np.int32) if len(owners) else np.empty(0, dtype=np.int32)
        prop_slots = (unique_keys & (1 << 30)) == 0
        slot_min_up[prop_slots] = 1
        slot_name = np.where(prop_slots, unique_keys & ((1 << 30) - 1), -1).astype(np.int32)
        pm = np.flatnonzero(by_property)
        np.maximum.at(slot_min_up, slot[pm], np.maximum(edge_min_up[pm], 1).astype(np.int32))
        group_size = np.zeros(len(owners), dtype=np.int32)
        if len(g):
            distinct = np.unique(slot[g].astype(np.int64) * max(n, 1) + provider[g])
            np.add.at(group_size, distinct // max(n, 1), 1)
            del distinct
        cls_ = np.where(grouped, 1, np.where(effect == _EFFECT_CODE["down"], 0, 2)).astype(np.int8)
        del by_property, by_relation, grouped, g, pm, edge_min_up, group, effect
        by_provider = np.lexsort((dependant, provider))
        flow = dict(flow_ptr=_pointers(provider[by_provider], n), flow_dst=dependant[by_provider],
                    flow_rel=frel[by_provider], flow_class=cls_[by_provider], flow_group=slot[by_provider])
        del by_provider
        by_dependant = np.lexsort((provider, dependant))
        up = dict(up_ptr=_pointers(dependant[by_dependant], n), up_src=provider[by_dependant],
                  up_rel=frel[by_dependant], up_class=cls_[by_dependant], up_group=slot[by_dependant],
                  up_outgoing=outgoing[by_dependant])
        del by_dependant
        (id_blob, id_off, id_chars), (name_blob, name_off, name_chars) = ids, names
        return cls(
            generation=generation, type_names=type_names, rel_names=rel_names,
            keys=np.asarray(keys, dtype=np.int64), id_rank=id_rank,
            type_code=np.asarray(type_code, dtype=np.int16), min_up=node_min_up,
            id_blob=id_blob, id_off=id_off, id_chars=id_chars,
            name_blob=name_blob, name_off=name_off, name_chars=name_chars,
            **flow, **up, group_owner=owners, group_size=group_size, group_min_up=slot_min_up,
            group_name=slot_name, group_names=list(edges.group_names),
            props_types=list(props_types), **dict(zip(("props_pos", "props_off", "props_blob"),
                                                      props or kept_props([]))),
        )

    # -- persistence --------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write atomically to ``directory`` (a temporary sibling renamed into place)."""
        import json
        import shutil
        import tempfile
        from pathlib import Path

        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=directory.name + ".tmp"))
        try:
            for name in _ARRAYS:
                np.save(tmp / f"{name}.npy", getattr(self, name), allow_pickle=False)
            (tmp / "meta.json").write_text(json.dumps({
                "format": FORMAT, "generation": self.generation,
                "type_names": self.type_names, "rel_names": self.rel_names,
                "group_names": self.group_names, "props_types": self.props_types},
                separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, directory)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not directory.exists():
                raise

    @classmethod
    def open(cls, directory: str | Path) -> "GraphIndex | None":
        """Memory-map a saved index, or None if it is missing or of another format.

        Each array is a plain read-only ndarray over its file's map (the memmap subclass makes
        every index operation pay Python-level overhead), its header read by
        :func:`~itss_graph.stores.index_files.map_npy`."""
        try:
            with open(os.path.join(directory, "meta.json"), encoding="utf-8") as file:
                meta = decode_json(file.read())
            if meta.get("format") != FORMAT:
                return None
            arrays = {}
            for name in _ARRAYS:
                mapped, start, descr, count = map_npy(os.path.join(directory, f"{name}.npy"))
                arrays[name] = np.frombuffer(mapped, dtype=descr, count=count, offset=start)
        except (OSError, ValueError):
            return None
        return cls(generation=meta["generation"], type_names=meta["type_names"],
                   rel_names=meta["rel_names"], group_names=meta["group_names"],
                   props_types=meta["props_types"], **arrays)


_INDEX_FIELDS = GraphIndex.__annotations__.keys()  # (names only: annotations stay text)


class BlobWriter:
    """Texts appended in chunks into one UTF-8 blob with byte and character offsets.

    >>> w = BlobWriter(3); w.add(["ab", "服"]); w.add(["c"])
    >>> blob, off, chars = w.arrays()
    >>> bytes(blob).decode(), off.tolist(), chars.tolist()
    ('ab服c', [0, 2, 5, 6], [0, 2, 3, 4])
    """

    def __init__(self, expected: int):
        self._data = bytearray()
        self._off = np.zeros(expected + 1, dtype=np.int64)
        self._chars = np.zeros(expected + 1, dtype=np.int64)
        self._count = 0

    def add(self, texts) -> None:
        chunk = "".join(texts)
        data = chunk.encode("utf-8")
        start, n = self._count, len(texts)
        if start + n + 1 > len(self._off):  # more rows than counted (a concurrent load)
            self._off = np.resize(self._off, start + n + 1)
            self._chars = np.resize(self._chars, start + n + 1)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        self._chars[start + 1:start + n + 1] = self._chars[start] + np.cumsum(lengths)
        if len(data) != len(chunk):  # not ASCII: byte lengths differ
            lengths = np.fromiter((len(t.encode("utf-8")) for t in texts), dtype=np.int64, count=n)
        self._off[start + 1:start + n + 1] = self._off[start] + np.cumsum(lengths)
        self._data += data
        self._count += n

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self._count
        return np.frombuffer(self._data, dtype=np.uint8), self._off[:n + 1], self._chars[:n + 1]


def concat_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(start, start + count)`` for each pair, without a loop.

    >>> concat_ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shifts = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return np.arange(total, dtype=np.int64) + shifts


def edges_from(ptr: np.ndarray, frontier: np.ndarray, *per_node: np.ndarray) -> tuple[np.ndarray, ...]:
    """The CSR edges of the ``frontier`` positions (``ptr``: an index's ``flow_ptr`` or
    ``up_ptr``), then each of ``per_node`` (arrays aligned with ``frontier``) repeated once per
    edge, so that edge k's row is ``per_node[j][k]``.

    >>> ptr = np.array([0, 2, 2, 5])
    >>> edges, sources = edges_from(ptr, np.array([2, 0]), np.array([2, 0]))
    >>> edges.tolist(), sources.tolist()
    ([2, 3, 4, 0, 1], [2, 2, 2, 0, 0])
    """
    starts = ptr[frontier]
    counts = ptr[frontier + 1] - starts
    return (concat_ranges(starts, counts), *(np.repeat(values, counts) for values in per_node))


def kept_props(rows: Sequence[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, byte offsets, UTF-8 blob) of the properties kept in an index, from
    ``(position, JSON text)`` rows in ascending position order.

    >>> pos, off, blob = kept_props([(3, '{"a":1}'), (7, '{}')])
    >>> pos.tolist(), off.tolist(), bytes(blob).decode()
    ([3, 7], [0, 7, 9], '{"a":1}{}')
    """
    blob, off, _ = _blob([text for _, text in rows])
    return np.fromiter((pos for pos, _ in rows), dtype=np.int32, count=len(rows)), off, blob


def _blob(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated UTF-8 with byte offsets and character offsets."""
    n = len(texts)
    whole = "".join(texts)
    data = whole.encode("utf-8")
    chars = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n), out=chars[1:])
    if len(data) == len(whole):  # ASCII: a byte per character
        off = chars.copy()
    else:
        off = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, map(str.encode, texts)), dtype=np.int64, count=n), out=off[1:])
    return np.frombuffer(data, dtype=np.uint8).copy(), off, chars


def _pointers(sorted_keys: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=n), out=ptr[1:])
    return ptr

