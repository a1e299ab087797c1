package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;
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

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** One record: the CIs on the chains, as parallel lists. */
    public static class Chains {
        public List<String> ids = new ArrayList<>();
        public List<String> types = new ArrayList<>();
        public List<String> names = new ArrayList<>();
        public List<String> vias = new ArrayList<>();
        public List<String> froms = new ArrayList<>();
    }

    /** How a CI was first reached: over rel, from the CI whose internal id is from. */
    private record Parent(String rel, long from) {}

    @Procedure(name = "itss.paths", mode = Mode.READ)
    @Description("itss.paths(startIds, incomingTypes, outgoingTypes, onlyTypes, snapshot) :: the CIs on "
            + "the shortest chains from startIds to the CIs reachable from them (of onlyTypes; [] for "
            + "all), each with the relation and the CI it is reached from (snapshot false: walk the "
            + "store, not the kept copy of the graph; same answer).")
    public Stream<Chains> paths(@Name("startIds") List<String> startIds,
                                @Name("incomingTypes") List<String> incomingTypes,
                                @Name("outgoingTypes") List<String> outgoingTypes,
                                @Name(value = "onlyTypes", defaultValue = "[]") List<String> onlyTypes,
                                @Name(value = "snapshot", defaultValue = "true") Boolean snapshot) {
        if (!Boolean.FALSE.equals(snapshot) && Snapshot.usable(tx)) {
            Snapshot g = Snapshot.of(tx, db).snapshot();
            if (g != null) {
                return Stream.of(fromSnapshot(g, startIds, incomingTypes, outgoingTypes, new HashSet<>(onlyTypes)));
            }
        }
        Steps steps = new Steps(incomingTypes, outgoingTypes);
        Set<String> wanted = new HashSet<>(onlyTypes);
        LongArrayList start = steps.start(tx, startIds);
        LongObjectHashMap<Parent> parent = new LongObjectHashMap<>();
        LongHashSet known = LongHashSet.newSet(start);  // reached, start CIs included
        LongArrayList reached = new LongArrayList();
        LongArrayList frontier = start;
        while (!frontier.isEmpty()) {
            LongObjectHashMap<Parent> best = new LongObjectHashMap<>();
            for (int k = 0; k < frontier.size(); k++) {
                long f = frontier.get(k);
                Node from = steps.node(f);
                for (Relationship r : from.getRelationships(Direction.BOTH)) {
                    String rel = r.getType().name();
                    if (!steps.crosses(rel, r.getStartNode().equals(from))) {
                        continue;
                    }
                    Node end = r.getOtherNode(from);
                    long c = Steps.key(end);
                    if (known.contains(c)) {
                        continue;
                    }
                    steps.meet(end, null);
                    Parent now = best.get(c);
                    if (now == null || smaller(steps, rel, f, now)) {
                        best.put(c, new Parent(rel, f));
                    }
                }
            }
            frontier = new LongArrayList(best.size());
            frontier.addAll(best.keySet());
            known.addAll(frontier);
            parent.putAll(best);
            reached.addAll(frontier);
        }
        LongHashSet onChains = new LongHashSet();
        for (int k = 0; k < reached.size(); k++) {
            long c = reached.get(k);
            if (!wanted.isEmpty() && !wanted.contains((String) steps.node(c).getProperty("type", ""))) {
                continue;
            }
            long here = c;
            while (onChains.add(here)) {
                Parent p = parent.get(here);
                if (p == null) {
                    break;  // a start CI
                }
                here = p.from();
            }
        }
        Chains out = new Chains();
        onChains.forEach(c -> {
            Node node = steps.node(c);
            Parent p = parent.get(c);
            out.ids.add(steps.id(c));
            out.types.add((String) node.getProperty("type", null));
            out.names.add((String) node.getProperty("name", null));
            out.vias.add(p == null ? null : p.rel());
            out.froms.add(p == null ? null : steps.id(p.from()));
        });
        return Stream.of(out);
    }

    /** The same walk over the kept snapshot of the graph: a parent is the long
     * (relation rank << 32 | from's id rank), compared as (rel, from id) is by code point. */
    private Chains fromSnapshot(Snapshot g, List<String> startIds, List<String> incomingTypes,
                                List<String> outgoingTypes, Set<String> wanted) {
        Set<String> in = new HashSet<>(incomingTypes);
        Set<String> out = new HashSet<>(outgoingTypes);
        boolean[] crossFromStart = new boolean[g.relNames.length];
        boolean[] crossFromEnd = new boolean[g.relNames.length];
        for (int t = 0; t < g.relNames.length; t++) {
            crossFromStart[t] = out.contains(g.relNames[t]);
            crossFromEnd[t] = in.contains(g.relNames[t]);
        }
        final long none = Long.MAX_VALUE;
        long[] parent = new long[g.nodes];  // 0: not reached, none: a start CI, else rank pair + 1
        IntArrayList frontier = new IntArrayList();
        for (String id : startIds) {
            int c = g.indexOf(id);
            if (c >= 0 && parent[c] == 0) {  // a CI that ends no relationship reaches nothing
                parent[c] = none;
                frontier.add(c);
            }
        }
        IntArrayList reached = new IntArrayList();
        long[] best = new long[g.nodes];
        while (!frontier.isEmpty()) {
            IntArrayList next = new IntArrayList();
            for (int k = 0; k < frontier.size(); k++) {
                int f = frontier.get(k);
                for (int h = g.offsets[f], end = g.offsets[f + 1]; h < end; h++) {
                    int type = g.meta[h] >>> 1;
                    if (!((g.meta[h] & 1) != 0 ? crossFromStart[type] : crossFromEnd[type])) {
                        continue;
                    }
                    int c = g.other[h];
                    if (parent[c] != 0) {
                        continue;
                    }
                    long now = ((long) g.relRank[type] << 32 | g.idRank[f]) + 1;
                    if (best[c] == 0) {
                        next.add(c);
                        best[c] = now;
                    } else if (now < best[c]) {
                        best[c] = now;
                    }
                }
            }
            for (int k = 0; k < next.size(); k++) {
                int c = next.get(k);
                parent[c] = best[c];
            }
            reached.addAll(next);
            frontier = next;
        }
        int[] relByRank = new int[g.relNames.length];
        for (int t = 0; t < relByRank.length; t++) {
            relByRank[g.relRank[t]] = t;
        }
        boolean[] onChains = new boolean[g.nodes];
        IntArrayList chains = new IntArrayList();
        for (int k = 0; k < reached.size(); k++) {
            int c = reached.get(k);
            String type = g.type(c);
            if (!wanted.isEmpty() && !wanted.contains(type == null ? "" : type)) {
                continue;
            }
            int here = c;
            while (!onChains[here]) {
                onChains[here] = true;
                chains.add(here);
                if (parent[here] == none) {
                    break;  // a start CI
                }
                here = g.byIdRank[(int) ((parent[here] - 1) & 0xffffffffL)];
            }
        }
        Chains answer = new Chains();
        for (int k = 0; k < chains.size(); k++) {
            int c = chains.get(k);
            answer.ids.add(g.id(c));
            answer.types.add(g.type(c));
            answer.names.add(g.name(c));
            if (parent[c] == none) {
                answer.vias.add(null);
                answer.froms.add(null);
            } else {
                long p = parent[c] - 1;
                answer.vias.add(g.relNames[relByRank[(int) (p >>> 32)]]);
                answer.froms.add(g.id(g.byIdRank[(int) (p & 0xffffffffL)]));
            }
        }
        return answer;
    }

    /** (rel, from's id) before than's, by code point; ids are read only on a tie of relations. */
    private static boolean smaller(Steps steps, String rel, long from, Parent than) {
        int c = ImpactProcedure.byCodePoint(rel, than.rel());
        return c != 0 ? c < 0 : ImpactProcedure.byCodePoint(steps.id(from), steps.id(than.from())) < 0;
    }
}
