package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code itss.providers}: the relations redundancy groups are made of around some CIs, read
 * from the kept {@link Snapshot} — what {@code itss_graph.stores.neo4j_read.NEO4J_PROVIDERS}
 * reads from the store (the same relations, group and min_up texts), for
 * {@code Store.provider_edges}. Each CI's own {@code min_up} comes as stored (the client reads it
 * as it reads the property in the CI's JSON).
 *
 * <p>One record of parallel lists: the CIs found (in the order given) and their min_up; then one
 * entry per relation: the position of its CI in ids, whether the CI is its start, its type, the
 * other end's id, its redundancy_group and min_up as text ('' when absent). No record when the
 * caller is answered from the store ({@link Snapshot#usable}): the client then runs the Cypher.
 */
public class ProvidersProcedure {

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** One record: the CIs found and the relations around them, as parallel lists. */
    public static class Providers {
        public List<String> ids = new ArrayList<>();
        public List<Object> minUps = new ArrayList<>();
        public List<Long> edgeCis = new ArrayList<>();
        public List<Boolean> edgeOut = new ArrayList<>();
        public List<String> types = new ArrayList<>();
        public List<String> others = new ArrayList<>();
        public List<String> groups = new ArrayList<>();
        public List<String> edgeMinUps = new ArrayList<>();
    }

    @Procedure(name = "itss.providers", mode = Mode.READ)
    @Description("itss.providers(ids, outgoingTypes, incomingTypes) :: the relations of outgoingTypes "
            + "from and of incomingTypes into each CI of ids (to CIs), with their redundancy_group and "
            + "min_up, and each CI's min_up; no row when the snapshot cannot answer.")
    public Stream<Providers> providers(@Name("ids") List<String> ids,
                                       @Name("outgoingTypes") List<String> outgoingTypes,
                                       @Name("incomingTypes") List<String> incomingTypes) {
        if (!Snapshot.usable(tx)) {
            return Stream.empty();
        }
        Snapshot g = Snapshot.of(tx, db).snapshot();
        if (g == null) {
            return Stream.empty();
        }
        boolean[] outgoing = types(g, outgoingTypes);
        boolean[] incoming = types(g, incomingTypes);
        Providers out = new Providers();
        for (String id : ids) {
            int c = g.indexOf(id);
            if (c < 0) {  // a CI that ends no relationship (or none): read from the store
                Node node = tx.findNode(Steps.CI, "id", id);
                if (node != null) {
                    out.ids.add(id);
                    out.minUps.add(node.getProperty("min_up", null));
                }
                continue;
            }
            long position = out.ids.size();
            out.ids.add(id);
            out.minUps.add(g.minUpValue.get(c));
            for (int h = g.offsets[c], end = g.offsets[c + 1]; h < end; h++) {
                int o = g.other[h];
                if (!g.isCI[o]) {
                    continue;
                }
                int type = g.meta[h] >>> 1;
                boolean start = (g.meta[h] & 1) != 0;
                // a loop is one half-edge: it leaves and enters its CI
                if (start && outgoing[type]) {
                    add(out, g, position, true, type, o, g.attr[h]);
                }
                if ((!start || o == c) && incoming[type]) {
                    add(out, g, position, false, type, o, g.attr[h]);
                }
            }
        }
        return Stream.of(out);
    }

    private static void add(Providers out, Snapshot g, long position, boolean start, int type, int other, int attr) {
        out.edgeCis.add(position);
        out.edgeOut.add(start);
        out.types.add(g.relNames[type]);
        out.others.add(g.id(other));
        out.groups.add(g.groupNames[g.groupOf[attr]]);
        String minUp = g.minUpTextOf[attr];
        out.edgeMinUps.add(minUp == null ? "" : minUp);
    }

    private static boolean[] types(Snapshot g, List<String> names) {
        Set<String> wanted = new HashSet<>(names);
        boolean[] out = new boolean[g.relNames.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = wanted.contains(g.relNames[t]);
        }
        return out;
    }
}
