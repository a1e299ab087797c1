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
 * {@code itss.impact}: the impact walk of ITSS Graph, run inside Neo4j.
 *
 * <p>The same level semantics as {@code itss_graph.engine.impact.impact_by_queries} (the
 * reference, which documents them): the CIs lost at depth d are expanded together; over a
 * {@code down} relation the neighbour is lost at d+1; a redundancy group (a relation type whose
 * effect is {@code redundant}, or relations sharing a {@code redundancy_group} property) is
 * lost when fewer than its {@code min_up} providers remain up, degraded otherwise; a
 * {@code degraded} relation degrades its neighbour. Each CI is explained by the smallest
 * (class, relation, from id), class 0 hard dependency, 1 group, 2 degrading relation; the
 * class is returned with each CI (explanations need it: a CI degraded through a group lost
 * redundancy, one degraded over a cable only lost a link). The failure semantics come from
 * the caller (the ontology), never from this code.
 *
 * <p>The answer is one record of parallel lists, unordered: the client sorts it.
 */
public class ImpactProcedure {

    private static final Label CI = Label.label("CI");
    private static final String DOWN = "down";
    private static final String REDUNDANT = "redundant";

    @Context
    public Transaction tx;

    /** One record: the impacted CIs as parallel lists. */
    public static class Impacted {
        public List<String> ids = new ArrayList<>();
        public List<String> types = new ArrayList<>();
        public List<String> names = new ArrayList<>();
        public List<Long> depths = new ArrayList<>();
        public List<String> effects = new ArrayList<>();
        public List<String> vias = new ArrayList<>();
        public List<String> froms = new ArrayList<>();
        /** The explanation class of each CI (0 hard, 1 group, 2 degrading); the last output. */
        public List<Long> classes = new ArrayList<>();
    }

    /** Why a CI is reached: compared as the tuple (cls, rel, from) is in Python. */
    private record Cause(int cls, String rel, String from) implements Comparable<Cause> {
        public int compareTo(Cause o) {
            if (cls != o.cls) return Integer.compare(cls, o.cls);
            int c = byCodePoint(rel, o.rel);
            return c != 0 ? c : byCodePoint(from, o.from);
        }
    }

    private record Reached(int depth, String rel, String from, int cls) {

        static Reached of(int depth, Cause cause) {
            return new Reached(depth, cause.rel(), cause.from(), cause.cls());
        }
    }

    private record GroupRef(long ci, String key) {}

    private record Group(Set<Long> providers, int minUp) {}

    @Procedure(name = "itss.impact", mode = Mode.READ)
    @Description("itss.impact(failedIds, towardSource, towardTarget, maxDepth) :: the CIs lost or "
            + "degraded when failedIds fail; towardSource/towardTarget map relation types to their "
            + "effect (down, degraded, redundant) on the source / target end; maxDepth -1 for none.")
    public Stream<Impacted> impact(@Name("failedIds") List<String> failedIds,
                                   @Name("towardSource") Map<String, Object> towardSource,
                                   @Name("towardTarget") Map<String, Object> towardTarget,
                                   @Name(value = "maxDepth", defaultValue = "-1") Long maxDepth) {
        Walk walk = new Walk(asEffects(towardSource), asEffects(towardTarget));
        for (String id : failedIds) {
            Node node = tx.findNode(CI, "id", id);
            if (node != null) {
                walk.fail(node, id);
            }
        }
        walk.run(maxDepth == null ? -1 : maxDepth);
        return Stream.of(walk.answer());
    }

    private final class Walk {
        final Map<String, String> towardSource;
        final Map<String, String> towardTarget;
        final Set<Long> failed = new HashSet<>();
        final Map<Long, String> idOf = new HashMap<>();
        final Map<Long, Node> nodeOf = new HashMap<>();
        final Map<Long, Reached> down = new HashMap<>();
        final Map<Long, Reached> degraded = new HashMap<>();
        final Map<GroupRef, Group> groups = new HashMap<>();
        final Map<GroupRef, Set<Long>> lostProviders = new HashMap<>();
        List<Long> frontier = new ArrayList<>();

        Walk(Map<String, String> towardSource, Map<String, String> towardTarget) {
            this.towardSource = towardSource;
            this.towardTarget = towardTarget;
        }

        void fail(Node node, String id) {
            long key = remember(node, id);
            if (failed.add(key)) {
                frontier.add(key);
            }
        }

        long remember(Node node, String id) {
            @SuppressWarnings("deprecation")
            long key = node.getId();
            if (!idOf.containsKey(key)) {
                idOf.put(key, id != null ? id : (String) node.getProperty("id"));
                nodeOf.put(key, node);
            }
            return key;
        }

        void run(long maxDepth) {
            int depth = 0;
            while (!frontier.isEmpty() && (maxDepth < 0 || depth < maxDepth)) {
                depth++;
                Map<Long, Cause> lostNow = new HashMap<>();
                Map<Long, Cause> degradedNow = new HashMap<>();
                Map<GroupRef, Cause> touched = new HashMap<>();
                for (long f : frontier) {
                    Node from = nodeOf.get(f);
                    String fromId = idOf.get(f);
                    for (Relationship r : from.getRelationships(Direction.BOTH)) {
                        String rel = r.getType().name();
                        boolean fromIsSource = r.getStartNode().equals(from);
                        String effect = fromIsSource ? towardTarget.get(rel) : towardSource.get(rel);
                        if (effect == null) {
                            continue;
                        }
                        long c = remember(r.getOtherNode(from), null);
                        if (failed.contains(c) || down.containsKey(c)) {
                            continue;
                        }
                        String key = groupKey(effect, rel, fromIsSource ? "in" : "out",
                                r.getProperty("redundancy_group", null));
                        if (key != null) {
                            GroupRef ref = new GroupRef(c, key);
                            lostProviders.computeIfAbsent(ref, k -> new HashSet<>()).add(f);
                            keepFirst(touched, ref, new Cause(1, rel, fromId));
                        } else if (DOWN.equals(effect)) {
                            keepFirst(lostNow, c, new Cause(0, rel, fromId));
                        } else {
                            keepFirst(degradedNow, c, new Cause(2, rel, fromId));
                        }
                    }
                }
                for (Map.Entry<GroupRef, Cause> e : touched.entrySet()) {
                    GroupRef ref = e.getKey();
                    if (!groups.containsKey(ref)) {
                        loadGroups(ref.ci());
                    }
                    Group group = groups.get(ref);
                    int lost = 0;
                    for (long p : lostProviders.get(ref)) {
                        if (group.providers().contains(p)) {
                            lost++;
                        }
                    }
                    boolean gone = group.providers().size() - lost < group.minUp();
                    keepFirst(gone ? lostNow : degradedNow, ref.ci(), e.getValue());
                }
                for (Map.Entry<Long, Cause> e : lostNow.entrySet()) {
                    down.put(e.getKey(), Reached.of(depth, e.getValue()));
                    degraded.remove(e.getKey());
                }
                for (Map.Entry<Long, Cause> e : degradedNow.entrySet()) {
                    long c = e.getKey();
                    if (!down.containsKey(c) && !degraded.containsKey(c)) {
                        degraded.put(c, Reached.of(depth, e.getValue()));
                    }
                }
                frontier = new ArrayList<>(lostNow.keySet());
            }
        }

        /** Every redundancy group of CI c: its providers and the min_up that applies. */
        void loadGroups(long c) {
            Node node = nodeOf.get(c);
            Map<String, Set<Long>> members = new HashMap<>();
            Map<String, Integer> edgeMinUp = new HashMap<>();
            for (Relationship r : node.getRelationships(Direction.BOTH)) {
                String rel = r.getType().name();
                boolean cIsSource = r.getStartNode().equals(node);
                String effect = cIsSource ? towardSource.get(rel) : towardTarget.get(rel);
                if (effect == null) {
                    continue;
                }
                String key = groupKey(effect, rel, cIsSource ? "out" : "in",
                        r.getProperty("redundancy_group", null));
                if (key == null) {
                    continue;
                }
                members.computeIfAbsent(key, k -> new HashSet<>()).add(remember(r.getOtherNode(node), null));
                if (key.startsWith("prop")) {
                    Long m = asLong(r.getProperty("min_up", null));
                    int value = (m == null || m == 0) ? 1 : (int) Math.max(Integer.MIN_VALUE, Math.min(m, Integer.MAX_VALUE));
                    edgeMinUp.merge(key, Math.max(1, value), Math::max);
                }
            }
            int nodeMinUp = minUpOf(node.getProperty("min_up", null));
            for (Map.Entry<String, Set<Long>> e : members.entrySet()) {
                int minUp = e.getKey().startsWith("prop") ? edgeMinUp.get(e.getKey()) : nodeMinUp;
                groups.put(new GroupRef(c, e.getKey()), new Group(e.getValue(), minUp));
            }
        }

        Impacted answer() {
            Impacted out = new Impacted();
            add(out, down, DOWN);
            add(out, degraded, "degraded");
            return out;
        }

        void add(Impacted out, Map<Long, Reached> table, String effect) {
            for (Map.Entry<Long, Reached> e : table.entrySet()) {
                Node node = nodeOf.get(e.getKey());
                out.ids.add(idOf.get(e.getKey()));
                out.types.add((String) node.getProperty("type", null));
                out.names.add((String) node.getProperty("name", null));
                out.depths.add((long) e.getValue().depth());
                out.effects.add(effect);
                out.vias.add(e.getValue().rel());
                out.froms.add(e.getValue().from());
                out.classes.add((long) e.getValue().cls());
            }
        }
    }

    /** As itss_graph.engine.semantics.group_key, flattened to a string. */
    static String groupKey(String effect, String rel, String providerDirection, Object group) {
        String name = group == null ? "" : String.valueOf(group);
        if (!name.isEmpty()) {
            return (DOWN.equals(effect) || REDUNDANT.equals(effect)) ? "prop\u0000" + name : null;
        }
        return REDUNDANT.equals(effect) ? "rel\u0000" + rel + "\u0000" + providerDirection : null;
    }

    /** As min_up_of: a positive integer, 1 when absent or not a number. */
    static int minUpOf(Object value) {
        long v;
        if (value instanceof Boolean b) {
            v = b ? 1 : 0;
        } else if (value instanceof Number n) {
            v = n.longValue();  // Python's int() truncates floats too
        } else if (value instanceof String s) {
            try {
                v = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return 1;
            }
        } else {
            return 1;
        }
        return (int) Math.max(1, Math.min(v, Integer.MAX_VALUE));
    }

    /** A relation's min_up as the reference reads it (toString, then int), or null. */
    static Long asLong(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static <K> void keepFirst(Map<K, Cause> table, K key, Cause cause) {
        Cause current = table.get(key);
        if (current == null || cause.compareTo(current) < 0) {
            table.put(key, cause);
        }
    }

    /** Python compares strings by code point; Java's compareTo by UTF-16 unit. */
    static int byCodePoint(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i), y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static Map<String, String> asEffects(Map<String, Object> raw) {
        Map<String, String> out = new HashMap<>();
        raw.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
