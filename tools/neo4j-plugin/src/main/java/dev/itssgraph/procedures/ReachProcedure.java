package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code itss.reach}: plain reachability along the relations failure can cross (as
 * {@code itss_graph.engine.reach}): every CI reachable from the start CIs, start excluded,
 * optionally only CIs of some types. Breadth-first, each CI visited once.
 */
public class ReachProcedure {

    @Context
    public Transaction tx;

    /** One record: the ids reached. */
    public static class Reached {
        public List<String> ids = new ArrayList<>();
    }

    @Procedure(name = "itss.reach", mode = Mode.READ)
    @Description("itss.reach(startIds, incomingTypes, outgoingTypes, onlyTypes) :: ids of the CIs "
            + "reachable from startIds by following relations of incomingTypes against their "
            + "direction and of outgoingTypes along it (start excluded); onlyTypes [] for all.")
    public Stream<Reached> reach(@Name("startIds") List<String> startIds,
                                 @Name("incomingTypes") List<String> incomingTypes,
                                 @Name("outgoingTypes") List<String> outgoingTypes,
                                 @Name(value = "onlyTypes", defaultValue = "[]") List<String> onlyTypes) {
        Steps steps = new Steps(incomingTypes, outgoingTypes);
        Set<String> wanted = new HashSet<>(onlyTypes);
        LongArrayList start = steps.start(tx, startIds);
        LongHashSet seen = LongHashSet.newSet(start);
        LongArrayList queue = new LongArrayList();
        queue.addAll(start);
        for (int head = 0; head < queue.size(); head++) {
            Node x = steps.node(queue.get(head));
            for (Relationship r : x.getRelationships(Direction.BOTH)) {
                if (!steps.crosses(r.getType().name(), r.getStartNode().equals(x))) {
                    continue;
                }
                Node end = r.getOtherNode(x);
                long next = Steps.key(end);
                if (seen.add(next)) {
                    queue.add(steps.meet(end, null));
                }
            }
        }
        Reached out = new Reached();
        for (int k = start.size(); k < queue.size(); k++) {
            long c = queue.get(k);
            if (wanted.isEmpty() || wanted.contains((String) steps.node(c).getProperty("type", ""))) {
                out.ids.add(steps.id(c));
            }
        }
        return Stream.of(out);
    }
}
