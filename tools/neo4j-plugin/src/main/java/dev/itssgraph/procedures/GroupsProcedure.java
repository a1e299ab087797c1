package dev.itssgraph.procedures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * {@code itss.groups}: the redundancy groups of some CIs, read from the kept {@link Snapshot} —
 * what {@code itss_graph.engine.impact.group_details} makes of {@code Store.provider_edges}, so
 * that only the groups cross the wire (a core switch's 22k CIs have 122k relations of the types
 * concerned, 38k of them in groups). Each CI's relations of towardSource's types that it starts
 * ("out") and of towardTarget's types that end on it ("in"), to CIs, grouped as
 * {@code itss_graph.semantics.group_key} groups them: by {@code redundancy_group} when the effect
 * is down or redundant ("prop"), else by relation type and direction when the effect is
 * redundant ("rel").
 *
 * <p>One record of parallel lists, one entry per group: its CI, kind, name (the group's, or the
 * relation type), direction ("" for "prop"), providers, relation types, the min_up texts of its
 * relations ("prop": the client takes the largest as the reference does) and the CI's own
 * min_up as stored ("rel"). No record when the caller is answered from the store
 * ({@link Snapshot#usable}): the client then reads the relations.
 */
public class GroupsProcedure {

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** One record: the groups, as parallel lists. */
    public static class Groups {
        public List<String> cis = new ArrayList<>();
        public List<String> kinds = new ArrayList<>();
        public List<String> names = new ArrayList<>();
        public List<String> directions = new ArrayList<>();
        public List<List<String>> providers = new ArrayList<>();
        public List<List<String>> relations = new ArrayList<>();
        public List<List<String>> minUps = new ArrayList<>();
        public List<Object> ciMinUps = new ArrayList<>();
    }

    private record Key(String kind, String name, String direction) {}

    private static final class Members {
        final Set<String> providers = new LinkedHashSet<>();
        final Set<String> relations = new LinkedHashSet<>();
        final List<String> minUps = new ArrayList<>();
    }

    @Procedure(name = "itss.groups", mode = Mode.READ)
    @Description("itss.groups(ids, towardSource, towardTarget) :: the redundancy groups of each CI of ids "
            + "(providers, relation types, min_up); no row when the snapshot cannot answer.")
    public Stream<Groups> groups(@Name("ids") List<String> ids,
                                 @Name("towardSource") Map<String, Object> towardSource,
                                 @Name("towardTarget") Map<String, Object> towardTarget) {
        if (!Snapshot.usable(tx)) {
            return Stream.empty();
        }
        Snapshot g = Snapshot.of(tx, db).snapshot();
        if (g == null) {
            return Stream.empty();
        }
        String[] out = effects(g, Steps.effects(towardSource));
        String[] in = effects(g, Steps.effects(towardTarget));
        Groups answer = new Groups();
        for (String id : ids) {
            int c = g.indexOf(id);
            if (c < 0) {
                continue;  // a CI that ends no relationship has no group
            }
            Map<Key, Members> found = new LinkedHashMap<>();
            for (int h = g.offsets[c], end = g.offsets[c + 1]; h < end; h++) {
                int o = g.other[h];
                if (!g.isCI[o]) {
                    continue;
                }
                int type = g.meta[h] >>> 1;
                boolean start = (g.meta[h] & 1) != 0;
                // a loop is one half-edge: it leaves and enters its CI
                if (start) {
                    add(found, g, out[type], type, "out", o, g.attr[h]);
                }
                if (!start || o == c) {
                    add(found, g, in[type], type, "in", o, g.attr[h]);
                }
            }
            found.forEach((key, members) -> {
                answer.cis.add(id);
                answer.kinds.add(key.kind());
                answer.names.add(key.name());
                answer.directions.add(key.direction());
                answer.providers.add(new ArrayList<>(members.providers));
                answer.relations.add(new ArrayList<>(members.relations));
                answer.minUps.add(members.minUps);
                answer.ciMinUps.add(g.minUpValue.get(c));
            });
        }
        return Stream.of(answer);
    }

    /** One relation of c, of the given effect on c (null: a type not crossed), into its group. */
    private static void add(Map<Key, Members> found, Snapshot g, String effect, int type, String direction,
                            int other, int attr) {
        if (effect == null) {
            return;
        }
        String group = g.groupNames[g.groupOf[attr]];
        Key key;
        if (!group.isEmpty()) {
            if (!"down".equals(effect) && !"redundant".equals(effect)) {
                return;
            }
            key = new Key("prop", group, "");
        } else if ("redundant".equals(effect)) {
            key = new Key("rel", g.relNames[type], direction);
        } else {
            return;
        }
        Members members = found.computeIfAbsent(key, k -> new Members());
        members.providers.add(g.id(other));
        members.relations.add(g.relNames[type]);
        String minUp = g.minUpTextOf[attr];
        members.minUps.add(minUp == null ? "" : minUp);
    }

    private static String[] effects(Snapshot g, Map<String, String> byName) {
        String[] out = new String[g.relNames.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = byName.get(g.relNames[t]);
        }
        return out;
    }
}
