package dev.itssgraph.procedures;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * {@code itss.reach}: plain reachability along the relations failure can cross (as
 * {@code itss_graph.engine.reach}): every CI reachable from the start CIs, start excluded,
 * optionally only CIs of some types. Breadth-first, each CI visited once.
 */
public class ReachProcedure {

    private static final Label CI = Label.label("CI");

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
        Set<String> incoming = new HashSet<>(incomingTypes);
        Set<String> outgoing = new HashSet<>(outgoingTypes);
        Set<String> wanted = new HashSet<>(onlyTypes);
        Set<Node> seen = new HashSet<>();
        Set<Node> start = new HashSet<>();
        ArrayDeque<Node> queue = new ArrayDeque<>();
        for (String id : startIds) {
            Node node = tx.findNode(CI, "id", id);
            if (node != null && seen.add(node)) {
                start.add(node);
                queue.add(node);
            }
        }
        Reached out = new Reached();
        while (!queue.isEmpty()) {
            Node x = queue.poll();
            for (Relationship r : x.getRelationships(Direction.BOTH)) {
                String type = r.getType().name();
                boolean xIsSource = r.getStartNode().equals(x);
                if (xIsSource ? !outgoing.contains(type) : !incoming.contains(type)) {
                    continue;
                }
                Node next = r.getOtherNode(x);
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        for (Node node : seen) {
            if (start.contains(node)) {
                continue;
            }
            if (wanted.isEmpty() || wanted.contains((String) node.getProperty("type", ""))) {
                out.ids.add((String) node.getProperty("id"));
            }
        }
        return Stream.of(out);
    }
}
