package dev.itssgraph.procedures;

import java.util.Arrays;
import java.util.Map;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;
import org.eclipse.collections.impl.set.mutable.primitive.IntHashSet;

/**
 * {@code itss.impact}'s walk over a {@link Snapshot}: the same levels, groups and tie-breaks as
 * {@link ImpactProcedure.Walk} (which walks the store and documents them), on primitive arrays.
 *
 * <p>A cause (class, relation, from id) is one long that orders as the tuple does: the class in
 * the top bits, then the relation type's rank and the from CI's id rank in code-point order.
 * A redundancy group of CI c is the long {@code c << 32 | key}: key {@code group << 2 | 1} for a
 * {@code redundancy_group} property, {@code (type << 1 | cIsSource) << 2 | 2} for a redundant
 * relation type grouped by direction (never 0, which means no group).
 */
final class SnapshotWalk {

    private static final byte NONE = 0, DOWN = 1, DEGRADED = 2, REDUNDANT = 3;
    private static final byte FAILED = 1, LOST = 2, DEGRADED_CI = 3;
    private static final long UNSET = Long.MAX_VALUE;
    private static final int NO_KEY = 0;

    private final Snapshot g;
    /** Effect on the target when the source fails, and on the source when the target fails. */
    private final byte[] towardTarget;
    private final byte[] towardSource;
    private final byte[] state;
    private final int[] depthOf;
    private final long[] causeOf;
    private final long[] lostNow;
    private final long[] degradedNow;
    private final IntArrayList reached = new IntArrayList();
    private final LongObjectHashMap<IntHashSet> lostProviders = new LongObjectHashMap<>();
    private final LongObjectHashMap<long[]> groups = new LongObjectHashMap<>();  // ref -> {size, minUp}
    private final LongObjectHashMap<IntHashSet> members = new LongObjectHashMap<>();
    private IntArrayList frontier = new IntArrayList();

    SnapshotWalk(Snapshot g, Map<String, String> towardSource, Map<String, String> towardTarget) {
        this.g = g;
        this.towardSource = effects(g, towardSource);
        this.towardTarget = effects(g, towardTarget);
        this.state = new byte[g.nodes];
        this.depthOf = new int[g.nodes];
        this.causeOf = new long[g.nodes];
        this.lostNow = new long[g.nodes];
        this.degradedNow = new long[g.nodes];
        Arrays.fill(lostNow, UNSET);
        Arrays.fill(degradedNow, UNSET);
    }

    private static byte[] effects(Snapshot g, Map<String, String> byName) {
        byte[] out = new byte[g.relNames.length];
        for (int t = 0; t < out.length; t++) {
            String effect = byName.get(g.relNames[t]);
            out[t] = effect == null ? NONE : "down".equals(effect) ? DOWN : "redundant".equals(effect) ? REDUNDANT : DEGRADED;
        }
        return out;
    }

    /** A failed CI (by dense index; nodes ending no relationship are not in the snapshot). */
    void fail(int c) {
        if (state[c] != FAILED) {
            state[c] = FAILED;
            frontier.add(c);
        }
    }

    private long cause(int cls, int type, int from) {
        return ((long) cls << 60) | ((long) g.relRank[type] << 32) | g.idRank[from];
    }

    /** The group key of a relation of type with this effect on c, or NO_KEY (groupKey's rules). */
    private int groupKey(byte effect, int type, boolean cIsSource, int attr) {
        if (g.groupOf[attr] != 0) {
            return (effect == DOWN || effect == REDUNDANT) ? g.groupOf[attr] << 2 | 1 : NO_KEY;
        }
        return effect == REDUNDANT ? (type << 1 | (cIsSource ? 1 : 0)) << 2 | 2 : NO_KEY;
    }

    void run(long maxDepth) {
        int depth = 0;
        IntArrayList lostList = new IntArrayList();
        IntArrayList degradedList = new IntArrayList();
        LongLongHashMap touched = new LongLongHashMap();
        while (!frontier.isEmpty() && (maxDepth < 0 || depth < maxDepth)) {
            depth++;
            touched.clear();
            for (int k = 0; k < frontier.size(); k++) {
                int f = frontier.get(k);
                for (int h = g.offsets[f], end = g.offsets[f + 1]; h < end; h++) {
                    int type = g.meta[h] >>> 1;
                    boolean fromIsSource = (g.meta[h] & 1) != 0;
                    byte effect = fromIsSource ? towardTarget[type] : towardSource[type];
                    if (effect == NONE) {
                        continue;
                    }
                    int c = g.other[h];
                    if (state[c] == LOST || state[c] == FAILED) {
                        continue;
                    }
                    int key = groupKey(effect, type, !fromIsSource, g.attr[h]);
                    if (key != NO_KEY) {
                        long ref = ((long) c << 32) | (key & 0xffffffffL);
                        IntHashSet lost = lostProviders.get(ref);
                        if (lost == null) {
                            lostProviders.put(ref, lost = new IntHashSet());
                        }
                        lost.add(f);
                        long cause = cause(1, type, f);
                        if (cause < touched.getIfAbsent(ref, UNSET)) {
                            touched.put(ref, cause);
                        }
                    } else if (effect == DOWN) {
                        keep(lostNow, lostList, c, cause(0, type, f));
                    } else {
                        keep(degradedNow, degradedList, c, cause(2, type, f));
                    }
                }
            }
            touched.forEachKeyValue((ref, cause) -> {
                int c = (int) (ref >>> 32);
                long[] group = group(ref);
                int lost = lostProviders.get(ref).count(members.get(ref)::contains);
                boolean gone = group[0] - lost < group[1];
                if (gone) {
                    keep(lostNow, lostList, c, cause);
                } else {
                    keep(degradedNow, degradedList, c, cause);
                }
            });
            IntArrayList next = new IntArrayList(lostList.size());
            for (int k = 0; k < lostList.size(); k++) {
                int c = lostList.get(k);
                if (state[c] != DEGRADED_CI) {
                    reached.add(c);
                }
                state[c] = LOST;
                depthOf[c] = depth;
                causeOf[c] = lostNow[c];
                lostNow[c] = UNSET;
                next.add(c);
            }
            for (int k = 0; k < degradedList.size(); k++) {
                int c = degradedList.get(k);
                if (state[c] == NONE) {
                    state[c] = DEGRADED_CI;
                    depthOf[c] = depth;
                    causeOf[c] = degradedNow[c];
                    reached.add(c);
                }
                degradedNow[c] = UNSET;
            }
            lostList.clear();
            degradedList.clear();
            frontier = next;
        }
    }

    private static void keep(long[] best, IntArrayList list, int c, long cause) {
        if (best[c] == UNSET) {
            list.add(c);
            best[c] = cause;
        } else if (cause < best[c]) {
            best[c] = cause;
        }
    }

    /** {size of providers, min_up} of group ref, c's groups read when one is first needed. */
    private long[] group(long ref) {
        long[] group = groups.get(ref);
        if (group == null) {
            loadGroups((int) (ref >>> 32));
            group = groups.get(ref);
        }
        return group;
    }

    private void loadGroups(int c) {
        LongObjectHashMap<IntHashSet> found = new LongObjectHashMap<>();
        LongLongHashMap edgeMinUp = new LongLongHashMap();
        for (int h = g.offsets[c], end = g.offsets[c + 1]; h < end; h++) {
            int type = g.meta[h] >>> 1;
            boolean cIsSource = (g.meta[h] & 1) != 0;
            byte effect = cIsSource ? towardSource[type] : towardTarget[type];
            if (effect == NONE) {
                continue;
            }
            int key = groupKey(effect, type, cIsSource, g.attr[h]);
            if (key == NO_KEY) {
                continue;
            }
            long ref = ((long) c << 32) | (key & 0xffffffffL);
            IntHashSet providers = found.get(ref);
            if (providers == null) {
                found.put(ref, providers = new IntHashSet());
            }
            providers.add(g.other[h]);
            if ((key & 1) != 0) {
                int value = g.edgeMinUpOf[g.attr[h]];
                edgeMinUp.put(ref, Math.max(edgeMinUp.getIfAbsent(ref, value), value));
            }
        }
        found.forEachKeyValue((ref, providers) -> {
            int minUp = (ref & 1) != 0 ? (int) edgeMinUp.get(ref) : g.nodeMinUp[c];
            groups.put(ref, new long[] {providers.size(), minUp});
            members.put(ref, providers);
        });
    }

    /** The CIs lost when c fails on top of lost (c included): FurtherProcedure.lostWith, which
     * documents it, on the snapshot. */
    IntHashSet lostWith(boolean[] lost, int c) {
        IntHashSet mine = IntHashSet.newSetWith(c);
        IntArrayList frontier = IntArrayList.newListWith(c);
        // providers left per group, counted once per level (mine only grows between levels)
        LongIntHashMap left = new LongIntHashMap();
        while (!frontier.isEmpty()) {
            IntHashSet lostNow = new IntHashSet();
            left.clear();
            for (int k = 0; k < frontier.size(); k++) {
                int f = frontier.get(k);
                for (int h = g.offsets[f], end = g.offsets[f + 1]; h < end; h++) {
                    int type = g.meta[h] >>> 1;
                    boolean fromIsSource = (g.meta[h] & 1) != 0;
                    byte effect = fromIsSource ? towardTarget[type] : towardSource[type];
                    if (effect == NONE) {
                        continue;
                    }
                    int n = g.other[h];
                    if (mine.contains(n) || lostNow.contains(n) || lost[n]) {
                        continue;
                    }
                    int key = groupKey(effect, type, !fromIsSource, g.attr[h]);
                    if (key == NO_KEY) {
                        if (effect == DOWN) {
                            lostNow.add(n);
                        }
                        continue;
                    }
                    long ref = ((long) n << 32) | (key & 0xffffffffL);
                    long[] group = group(ref);
                    int up = left.getIfAbsent(ref, -1);
                    if (up < 0) {
                        up = members.get(ref).count(p -> !lost[p] && !mine.contains(p));
                        left.put(ref, up);
                    }
                    if (up < group[1]) {
                        lostNow.add(n);
                    }
                }
            }
            mine.addAll(lostNow);
            frontier = IntArrayList.newList(lostNow);
        }
        return mine;
    }

    /** The answer: every CI lost or degraded, as the store walk gives it. */
    ImpactProcedure.Impacted answer() {
        ImpactProcedure.Impacted out = new ImpactProcedure.Impacted();
        IntObjectHashMap<String> ids = new IntObjectHashMap<>();
        for (byte wanted : new byte[] {LOST, DEGRADED_CI}) {
            String effect = wanted == LOST ? "down" : "degraded";
            for (int k = 0; k < reached.size(); k++) {
                int c = reached.get(k);
                if (state[c] != wanted) {
                    continue;
                }
                long cause = causeOf[c];
                int from = g.byIdRank[(int) (cause & 0xffffffffL)];
                int viaRank = (int) ((cause >>> 32) & 0x0fffffffL);
                out.ids.add(ids.getIfAbsentPutWithKey(c, g::id));
                out.types.add(g.type(c));
                out.names.add(g.name(c));
                out.depths.add((long) depthOf[c]);
                out.effects.add(effect);
                out.vias.add(g.relNames[relByRank(viaRank)]);
                out.froms.add(ids.getIfAbsentPutWithKey(from, g::id));
                out.classes.add(cause >>> 60);
            }
        }
        return out;
    }

    private int[] relByRank;

    private int relByRank(int rank) {
        if (relByRank == null) {
            relByRank = new int[g.relRank.length];
            for (int t = 0; t < relByRank.length; t++) {
                relByRank[g.relRank[t]] = t;
            }
        }
        return relByRank[rank];
    }
}
