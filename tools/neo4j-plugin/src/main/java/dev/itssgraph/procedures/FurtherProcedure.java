package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code itss.further}: what one more failure would take down, as
 * {@code itss_graph.engine.impact.further_losses} (the reference): for each candidate CI, the
 * fixpoint of a walk from it alone on top of an answer whose lost CIs are lostIds — over a
 * {@code down} relation the neighbour is lost; a redundancy group is lost when fewer than its
 * min_up providers are left outside lostIds and the candidate's own losses; degrading relations
 * take nothing down. Only the losses among targetIds are returned.
 *
 * <p>One record of parallel lists: the candidates (in the order given) and, for each, the
 * target ids its failure takes down. Candidates already lost take nothing more.
 */
public class FurtherProcedure {

    private static final String DOWN = "down";

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** One record: per candidate, the targets it takes down. */
    public static class Further {
        public List<String> candidates = new ArrayList<>();
        public List<List<String>> takes = new ArrayList<>();
    }

    @Procedure(name = "itss.further", mode = Mode.READ)
    @Description("itss.further(lostIds, candidateIds, targetIds, towardSource, towardTarget, snapshot) :: "
            + "for each candidate, the targets its failure would take down on top of the lost CIs "
            + "(snapshot false: walk the store, not the kept copy of the graph; same answer).")
    public Stream<Further> further(@Name("lostIds") List<String> lostIds,
                                   @Name("candidateIds") List<String> candidateIds,
                                   @Name("targetIds") List<String> targetIds,
                                   @Name("towardSource") Map<String, Object> towardSource,
                                   @Name("towardTarget") Map<String, Object> towardTarget,
                                   @Name(value = "snapshot", defaultValue = "true") Boolean snapshot) {
        if (!Boolean.FALSE.equals(snapshot) && Snapshot.usable(tx)) {
            Snapshot g = Snapshot.of(tx, db).snapshot();
            if (g != null) {
                return Stream.of(fromSnapshot(g, lostIds, candidateIds, targetIds,
                        Steps.effects(towardSource), Steps.effects(towardTarget)));
            }
        }
        ImpactProcedure.Walk walk = new ImpactProcedure.Walk(Steps.effects(towardSource), Steps.effects(towardTarget));
        LongHashSet lost = nodes(walk, lostIds);
        LongHashSet targets = nodes(walk, targetIds);
        Further out = new Further();
        for (String id : candidateIds) {
            List<String> takes = new ArrayList<>();
            Node node = tx.findNode(Steps.CI, "id", id);
            if (node != null) {
                long c = walk.steps.meet(node, id);
                if (!lost.contains(c)) {
                    lostWith(walk, lost, c).forEach(m -> {
                        if (m != c && targets.contains(m)) {
                            takes.add(walk.steps.id(m));
                        }
                    });
                }
            }
            out.candidates.add(id);
            out.takes.add(takes);
        }
        return Stream.of(out);
    }

    /** The same answer from the kept snapshot of the graph. */
    private Further fromSnapshot(Snapshot g, List<String> lostIds, List<String> candidateIds,
                                 List<String> targetIds, Map<String, String> towardSource,
                                 Map<String, String> towardTarget) {
        SnapshotWalk walk = new SnapshotWalk(g, towardSource, towardTarget);
        boolean[] lost = indexes(g, lostIds);
        boolean[] targets = indexes(g, targetIds);
        Further out = new Further();
        for (String id : candidateIds) {
            List<String> takes = new ArrayList<>();
            int c = g.indexOf(id);
            if (c >= 0 && !lost[c]) {  // a CI that ends no relationship takes nothing down
                walk.lostWith(lost, c).forEach(m -> {
                    if (m != c && targets[m]) {
                        takes.add(g.id(m));
                    }
                });
            }
            out.candidates.add(id);
            out.takes.add(takes);
        }
        return out;
    }

    private boolean[] indexes(Snapshot g, List<String> ids) {
        boolean[] out = new boolean[g.nodes];
        for (String id : ids) {
            int c = g.indexOf(id);
            if (c >= 0) {
                out[c] = true;
            }
        }
        return out;
    }

    /** The CIs lost when c fails on top of lost (c included). */
    private static LongHashSet lostWith(ImpactProcedure.Walk walk, LongHashSet lost, long c) {
        LongHashSet mine = LongHashSet.newSetWith(c);
        LongArrayList frontier = LongArrayList.newListWith(c);
        // providers left per group, counted once per level (mine only grows between levels)
        Map<ImpactProcedure.GroupRef, Integer> left = new HashMap<>();
        while (!frontier.isEmpty()) {
            LongHashSet lostNow = new LongHashSet();
            left.clear();
            for (int k = 0; k < frontier.size(); k++) {
                Node from = walk.steps.node(frontier.get(k));
                for (Relationship r : from.getRelationships(Direction.BOTH)) {
                    String rel = r.getType().name();
                    boolean fromIsSource = r.getStartNode().equals(from);
                    String effect = fromIsSource ? walk.towardTarget.get(rel) : walk.towardSource.get(rel);
                    if (effect == null) {
                        continue;
                    }
                    Node end = r.getOtherNode(from);
                    long n = Steps.key(end);
                    if (mine.contains(n) || lostNow.contains(n) || lost.contains(n)) {
                        continue;
                    }
                    walk.steps.meet(end, null);
                    String key = ImpactProcedure.groupKey(effect, rel, fromIsSource ? "in" : "out",
                            r.getProperty("redundancy_group", null));
                    if (key == null) {
                        if (DOWN.equals(effect)) {
                            lostNow.add(n);
                        }
                        continue;
                    }
                    ImpactProcedure.GroupRef ref = new ImpactProcedure.GroupRef(n, key);
                    ImpactProcedure.Group group = walk.group(ref);
                    int up = left.computeIfAbsent(ref, x -> group.providers().count(
                            p -> !lost.contains(p) && !mine.contains(p)));
                    if (up < group.minUp()) {
                        lostNow.add(n);
                    }
                }
            }
            mine.addAll(lostNow);
            frontier = new LongArrayList(lostNow.size());
            frontier.addAll(lostNow);
        }
        return mine;
    }

    private LongHashSet nodes(ImpactProcedure.Walk walk, List<String> ids) {
        LongHashSet out = new LongHashSet();
        for (String id : ids) {
            Node node = tx.findNode(Steps.CI, "id", id);
            if (node != null) {
                out.add(walk.steps.meet(node, id));
            }
        }
        return out;
    }
}
