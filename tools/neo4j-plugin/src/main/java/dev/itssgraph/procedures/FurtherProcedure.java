package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
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

    private static final Label CI = Label.label("CI");
    private static final String DOWN = "down";

    @Context
    public Transaction tx;

    /** One record: per candidate, the targets it takes down. */
    public static class Further {
        public List<String> candidates = new ArrayList<>();
        public List<List<String>> takes = new ArrayList<>();
    }

    @Procedure(name = "itss.further", mode = Mode.READ)
    @Description("itss.further(lostIds, candidateIds, targetIds, towardSource, towardTarget) :: for "
            + "each candidate, the targets its failure would take down on top of the lost CIs.")
    public Stream<Further> further(@Name("lostIds") List<String> lostIds,
                                   @Name("candidateIds") List<String> candidateIds,
                                   @Name("targetIds") List<String> targetIds,
                                   @Name("towardSource") Map<String, Object> towardSource,
                                   @Name("towardTarget") Map<String, Object> towardTarget) {
        Map<String, String> toSource = ImpactProcedure.asEffects(towardSource);
        Map<String, String> toTarget = ImpactProcedure.asEffects(towardTarget);
        ImpactProcedure.Walk walk = new ImpactProcedure().new Walk(toSource, toTarget);
        Set<Long> lost = nodes(walk, lostIds);
        Set<Long> targets = nodes(walk, targetIds);
        Further out = new Further();
        for (String id : candidateIds) {
            List<String> takes = new ArrayList<>();
            Node node = tx.findNode(CI, "id", id);
            if (node != null) {
                long c = walk.remember(node, id);
                if (!lost.contains(c)) {
                    for (long m : lostWith(walk, lost, c, toSource, toTarget)) {
                        if (m != c && targets.contains(m)) {
                            takes.add(walk.idOf.get(m));
                        }
                    }
                }
            }
            out.candidates.add(id);
            out.takes.add(takes);
        }
        return Stream.of(out);
    }

    /** The CIs lost when c fails on top of lost (c included). */
    private static Set<Long> lostWith(ImpactProcedure.Walk walk, Set<Long> lost, long c,
                                      Map<String, String> toSource, Map<String, String> toTarget) {
        Set<Long> mine = new HashSet<>();
        mine.add(c);
        List<Long> frontier = List.of(c);
        while (!frontier.isEmpty()) {
            Set<Long> lostNow = new HashSet<>();
            for (long f : frontier) {
                Node from = walk.nodeOf.get(f);
                for (Relationship r : from.getRelationships(Direction.BOTH)) {
                    String rel = r.getType().name();
                    boolean fromIsSource = r.getStartNode().equals(from);
                    String effect = fromIsSource ? toTarget.get(rel) : toSource.get(rel);
                    if (effect == null) {
                        continue;
                    }
                    long n = walk.remember(r.getOtherNode(from), null);
                    if (lost.contains(n) || mine.contains(n) || lostNow.contains(n)) {
                        continue;
                    }
                    String key = ImpactProcedure.groupKey(effect, rel, fromIsSource ? "in" : "out",
                            r.getProperty("redundancy_group", null));
                    if (key == null) {
                        if (DOWN.equals(effect)) {
                            lostNow.add(n);
                        }
                        continue;
                    }
                    ImpactProcedure.GroupRef ref = new ImpactProcedure.GroupRef(n, key);
                    if (!walk.groups.containsKey(ref)) {
                        walk.loadGroups(n);
                    }
                    ImpactProcedure.Group group = walk.groups.get(ref);
                    int left = 0;
                    for (long p : group.providers()) {
                        if (!lost.contains(p) && !mine.contains(p)) {
                            left++;
                        }
                    }
                    if (left < group.minUp()) {
                        lostNow.add(n);
                    }
                }
            }
            mine.addAll(lostNow);
            frontier = new ArrayList<>(lostNow);
        }
        return mine;
    }

    private Set<Long> nodes(ImpactProcedure.Walk walk, List<String> ids) {
        Set<Long> out = new HashSet<>();
        for (String id : ids) {
            Node node = tx.findNode(CI, "id", id);
            if (node != null) {
                out.add(walk.remember(node, id));
            }
        }
        return out;
    }
}
