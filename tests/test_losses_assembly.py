"""The cheaper assembly of redundancy losses gives what the plain loops gave.

* ``slot_kinds`` (relation codes as bit sets, rows made distinct in numpy) names each slot
  with the kind the per-slot tuple named, also past 64 relation codes (two words);
* ``with_new_spof`` (only losses some candidate takes down are looked through) equals
  ``_replace`` over every degraded loss;
* the losses read from the closure index (``LossRows``) are built a block at a time when read,
  and equal the losses read from the store;
* the embedded store's ``names_and_props`` (each distinct properties text decoded once) equals
  the base method every store inherits (from ``get_cis``).
"""

from __future__ import annotations

import numpy as np
import pytest

from itss_graph.engine.explain import NextFailures, redundancy_losses, with_new_spof
from itss_graph.engine.group_loss import GroupLoss, Members, group_loss
from itss_graph.engine.impact import impact
from itss_graph.engine.losses_indexed import slot_kinds
from itss_graph.loading.example import example_store
from itss_graph.stores.base import INCOMING, OUTGOING, Store


def _naive_kinds(rel_slot, rel_code, group, direction):
    out = []
    for slot in range(len(group)):
        codes = tuple(int(c) for s, c in zip(rel_slot, rel_code) if s == slot)
        g = int(group[slot])
        out.append((codes, None if g >= 0 else (OUTGOING if direction[slot] else INCOMING), g))
    return out


@pytest.mark.parametrize("n_relations", [1, 5, 64, 65, 130])
@pytest.mark.parametrize("seed", range(4))
def test_slot_kinds_name_each_slot_as_the_loop_did(n_relations, seed):
    rng = np.random.default_rng(seed)
    n_slots = int(rng.integers(1, 60))
    pairs = {(s, int(c)) for s in range(n_slots)
             for c in rng.choice(n_relations, size=int(rng.integers(1, min(4, n_relations) + 1)), replace=False)}
    # few relation codes in play, so that slots share kinds
    pairs = sorted({(s, c % 3 if rng.random() < 0.7 else c) for s, c in pairs})
    rel_slot = np.array([s for s, _ in pairs], dtype=np.int64)
    rel_code = np.array([c for _, c in pairs], dtype=np.int64)
    group = rng.choice([-1, -1, 0, 2], size=n_slots).astype(np.int64)
    direction = rng.integers(0, 2, size=n_slots).astype(np.int8)
    kind_of, kinds = slot_kinds(rel_slot, rel_code, n_relations, group, direction)
    assert [kinds[k] for k in kind_of.tolist()] == _naive_kinds(rel_slot, rel_code, group, direction)
    assert len(set(kinds)) == len(kinds)  # one number per kind


def test_slot_kinds_tell_codes_64_apart():
    # codes 1 and 65 share a bit position in different words
    kind_of, kinds = slot_kinds(np.array([0, 1]), np.array([1, 65]), 66, np.array([-1, -1]),
                                np.array([1, 1], dtype=np.int8))
    assert sorted(kinds) == [((1,), OUTGOING, -1), ((65,), OUTGOING, -1)]
    assert kind_of[0] != kind_of[1]


def _replaced(losses, found):  # the loop it replaces
    out = []
    for loss in losses:
        if loss.effect == "down":
            out.append(loss)
            continue
        out.append(loss._replace(new_spof=tuple(c for c in loss.left if loss.id in found.takes.get(c, ()))))
    return out


def _loss(i, effect, left, spof=()):
    return group_loss(i, "server", i, effect, 1, ("POWERED_BY",), OUTGOING, None, 1, ("pdu:x",), left, spof)


def test_with_new_spof_equals_replace_on_every_degraded_loss():
    many = Members(tuple(f"m{k:03d}" for k in range(50)), 120, lambda: [f"m{k:03d}" for k in range(120)])
    losses = [_loss("a", "degraded", ("p", "q")), _loss("b", "down", ("p",)),
              _loss("c", "degraded", many), _loss("d", "degraded", ("q",), ("stale",)),
              _loss("e", "degraded", ("p", "q", "r"))]
    found = NextFailures(takes={"p": {"a", "b", "e"}, "q": {"e", "zz"}, "m100": {"c"}, "m007": {"c"},
                                "r": set()}, candidates=5)
    got = with_new_spof(losses, found)
    assert got == _replaced(losses, found)
    assert [g.new_spof for g in got] == [("p",), (), ("m007", "m100"), (), ("p", "q")]
    assert all(isinstance(g, GroupLoss) for g in got)


def test_with_new_spof_on_an_answer_of_the_example_estate():
    store = example_store()
    result = impact(store, ["pdu:a"])
    losses = redundancy_losses(store, result)
    found = NextFailures(takes={"pdu:b": {"server:db1"}, "vm:web2": {"application:shop"}}, candidates=2)
    assert with_new_spof(losses, found) == _replaced(losses, found)
    assert [g.new_spof for g in with_new_spof(losses, found)] == [(), ("pdu:b",), ("vm:web2",)]


def test_names_and_props_of_the_embedded_store_equal_the_base_method():
    store = example_store()
    ids = [i for (i,) in store.db.execute("SELECT id FROM ci")] + ["not-there"]
    shared = store.names_and_props(ids)
    assert shared == Store.names_and_props(store, ids)
    assert len(shared) == len(ids) - 1
    by_text = {}
    for i, (_, props) in shared.items():  # equal properties: one dict
        by_text.setdefault(str(sorted(props.items())), set()).add(id(props))
    assert all(len(dicts) == 1 for dicts in by_text.values())


def _powered_estate(tmp_path, servers: int):
    """``servers`` servers, each powered by both of two PDUs (min_up 1)."""
    from itss_graph.loading.load import load_inventory
    from itss_graph.stores.sqlite import SQLiteStore

    estate = tmp_path / "estate"
    estate.mkdir()
    ids = [f"server:s{k:03d}" for k in range(servers)]
    (estate / "cis.csv").write_text("id,name,type,min_up\npdu:a,PDU A,pdu,\npdu:b,PDU B,pdu,\n"
                                    + "".join(f"{i},Server {i[-3:]},server,1\n" for i in ids), encoding="utf-8")
    (estate / "relations.csv").write_text("source,type,target\n" + "".join(
        f"{i},POWERED_BY,pdu:a\n{i},POWERED_BY,pdu:b\n" for i in ids), encoding="utf-8")
    store = SQLiteStore(tmp_path / "powered.db")
    load_inventory([estate], store)
    return store, ids


def test_losses_from_the_index_are_built_when_read_and_equal_the_store_read_ones(tmp_path):
    from itss_graph.engine.blast import BlastRadius
    from itss_graph.engine.impact import impact_by_queries
    from itss_graph.engine.loss_rows import BLOCK, LossRows, effects_of, first_row_of, ids_of
    from itss_graph.render.impact import losses_text

    store, ids = _powered_estate(tmp_path, 3 * BLOCK + 5)
    store.index_after_edges = 0  # the index answers
    result = impact(store, ["pdu:a"])
    losses = redundancy_losses(store, result)
    assert isinstance(losses, LossRows) and losses.built == 0
    radius = BlastRadius(result, [], losses, True)
    # what the table shows (a slice) builds those rows only, one row its block
    text = losses_text(radius, limit=3)
    assert text.count("lost 1 of 2 POWERED_BY providers (min_up 1): pdu:a; left: pdu:b") == 3
    assert losses.built == 3
    assert (ids_of(losses), effects_of(losses)) == (ids, ["degraded"] * len(ids))
    assert first_row_of(losses)[ids[-1]] == len(ids) - 1 and losses.built == 3
    assert losses[-1].id == ids[-1] and losses.built == 3 + 5  # (the last, short block)
    assert losses[BLOCK + 1].id == ids[BLOCK + 1] and losses.built == 3 + 5 + BLOCK
    # every row, as the store-read path has them
    read = redundancy_losses(store, impact_by_queries(store, ["pdu:a"]))
    assert not isinstance(read, LossRows)
    assert losses == read and read == losses and list(losses) == read
    assert [g.name for g in losses] == [f"Server {i[-3:]}" for i in ids]
    assert losses[5:8] == read[5:8] and losses[::-50] == read[::-50] and losses[8:5] == []


def test_with_new_spof_replaces_only_the_rows_taken(tmp_path):
    from itss_graph.engine.loss_rows import LossRows

    from itss_graph.engine.loss_rows import BLOCK

    store, ids = _powered_estate(tmp_path, 5 * BLOCK)
    store.index_after_edges = 0
    losses = redundancy_losses(store, impact(store, ["pdu:a"]))
    found = NextFailures(takes={"pdu:b": {ids[7], ids[3 * BLOCK + 1]}}, candidates=1)
    got = with_new_spof(losses, found)
    # the blocks of the two rows taken were built to read them, no other
    assert isinstance(got, LossRows) and got.built == losses.built == 2 * BLOCK
    assert got == _replaced(list(losses), found)
    assert [k for k, g in enumerate(got) if g.new_spof] == [7, 3 * BLOCK + 1]
    assert got[7].new_spof == ("pdu:b",)
    assert all(not g.new_spof for g in losses)  # the rows read were not changed in place
