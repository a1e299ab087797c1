package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code itss.paths}: the shortest chains of {@code itss_graph.engine.reach.downstream_paths},
 * walked inside Neo4j. Breadth first from all start CIs at once over the relations failure can
 * cross (incomingTypes against their direction, outgoingTypes along it); a CI first reached at
 * a level keeps the smallest (relation, from id) of that level, compared by code point as
 * Python compares tuples of strings.
 *
 * <p>The answer is one record of parallel lists: every CI on a chain from a start CI to a
 * reached CI of onlyTypes (all reached CIs when onlyTypes is empty), with its type, name, the
 * relation it was reached over and the CI it was reached from (both null for start CIs). The
 * client rebuilds the chains from these parent links.
 */
public class PathsProcedure {

    private static final Label CI = Label.label("CI");

    @Context
    public Transaction tx;

    /** One record: the CIs on the chains, as parallel lists. */
    public static class Chains {
        public List<String> ids = new ArrayList<>();
        public List<String> types = new ArrayList<>();
        public List<String> names = new ArrayList<>();
        public List<String> vias = new ArrayList<>();
        public List<String> froms = new ArrayList<>();
    }

    private record Parent(String rel, long from, String fromId) {}

    @Procedure(name = "itss.paths", mode = Mode.READ)
    @Description("itss.paths(startIds, incomingTypes, outgoingTypes, onlyTypes) :: the CIs on the "
            + "shortest chains from startIds to the CIs reachable from them (of onlyTypes; [] for "
            + "all), each with the relation and the CI it is reached from.")
    public Stream<Chains> paths(@Name("startIds") List<String> startIds,
                                @Name("incomingTypes") List<String> incomingTypes,
                                @Name("outgoingTypes") List<String> outgoingTypes,
                                @Name(value = "onlyTypes", defaultValue = "[]") List<String> onlyTypes) {
        Set<String> incoming = new HashSet<>(incomingTypes);
        Set<String> outgoing = new HashSet<>(outgoingTypes);
        Set<String> wanted = new HashSet<>(onlyTypes);
        Map<Long, Node> nodeOf = new HashMap<>();
        Map<Long, String> idOf = new HashMap<>();
        Map<Long, Parent> parent = new HashMap<>();  // start CIs map to null
        List<Long> frontier = new ArrayList<>();
        for (String id : startIds) {
            Node node = tx.findNode(CI, "id", id);
            if (node == null) {
                continue;
            }
            @SuppressWarnings("deprecation")
            long key = node.getId();
            if (!parent.containsKey(key)) {
                parent.put(key, null);
                nodeOf.put(key, node);
                idOf.put(key, id);
                frontier.add(key);
            }
        }
        List<Long> reached = new ArrayList<>();
        while (!frontier.isEmpty()) {
            Map<Long, Parent> best = new HashMap<>();
            for (long f : frontier) {
                Node from = nodeOf.get(f);
                String fromId = idOf.get(f);
                for (Relationship r : from.getRelationships(Direction.BOTH)) {
                    String rel = r.getType().name();
                    boolean fromIsSource = r.getStartNode().equals(from);
                    if (fromIsSource ? !outgoing.contains(rel) : !incoming.contains(rel)) {
                        continue;
                    }
                    Node other = r.getOtherNode(from);
                    @SuppressWarnings("deprecation")
                    long c = other.getId();
                    if (parent.containsKey(c)) {
                        continue;
                    }
                    nodeOf.putIfAbsent(c, other);
                    Parent now = best.get(c);
                    if (now == null || smaller(rel, fromId, now)) {
                        best.put(c, new Parent(rel, f, fromId));
                    }
                }
            }
            parent.putAll(best);
            frontier = new ArrayList<>(best.keySet());
            for (long c : frontier) {
                idOf.put(c, (String) nodeOf.get(c).getProperty("id"));
            }
            reached.addAll(frontier);
        }
        Set<Long> onChains = new HashSet<>();
        for (long c : reached) {
            if (!wanted.isEmpty() && !wanted.contains((String) nodeOf.get(c).getProperty("type", ""))) {
                continue;
            }
            Long here = c;
            while (here != null && onChains.add(here)) {
                Parent p = parent.get(here);
                here = p == null ? null : p.from();
            }
        }
        Chains out = new Chains();
        for (long c : onChains) {
            Node node = nodeOf.get(c);
            Parent p = parent.get(c);
            out.ids.add(idOf.get(c));
            out.types.add((String) node.getProperty("type", null));
            out.names.add((String) node.getProperty("name", null));
            out.vias.add(p == null ? null : p.rel());
            out.froms.add(p == null ? null : p.fromId());
        }
        return Stream.of(out);
    }

    private static boolean smaller(String rel, String fromId, Parent than) {
        int c = ImpactProcedure.byCodePoint(rel, than.rel());
        return c != 0 ? c < 0 : ImpactProcedure.byCodePoint(fromId, than.fromId()) < 0;
    }
}
