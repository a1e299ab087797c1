package dev.itssgraph.procedures;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * What every ITSS Graph walk sets up the same way: which relations it crosses, the nodes it
 * starts from, and the nodes it has met (by internal id, with their ITSS ids read only when
 * needed). Shared by {@code itss.impact}, {@code itss.further}, {@code itss.paths} and
 * {@code itss.reach}.
 */
final class Steps {

    static final Label CI = Label.label("CI");

    /** Relation types crossed against their direction (toward the source) and along it. */
    final Set<String> incoming;
    final Set<String> outgoing;

    /** The nodes met so far by internal id, and the ITSS ids read from them. */
    final LongObjectHashMap<Node> nodeOf = new LongObjectHashMap<>();
    private final LongObjectHashMap<String> idOf = new LongObjectHashMap<>();

    Steps(List<String> incomingTypes, List<String> outgoingTypes) {
        this.incoming = new HashSet<>(incomingTypes);
        this.outgoing = new HashSet<>(outgoingTypes);
    }

    /** Whether a walk standing on one end of r, of type rel, crosses it. */
    boolean crosses(String rel, boolean fromIsSource) {
        return fromIsSource ? outgoing.contains(rel) : incoming.contains(rel);
    }

    /** The internal id of a node met, remembered (its ITSS id when known). */
    long meet(Node node, String id) {
        @SuppressWarnings("deprecation")
        long key = node.getId();
        if (!nodeOf.containsKey(key)) {
            nodeOf.put(key, node);
        }
        if (id != null && !idOf.containsKey(key)) {
            idOf.put(key, id);
        }
        return key;
    }

    /** The other end of r, met. */
    long other(Relationship r, Node from) {
        return meet(r.getOtherNode(from), null);
    }

    /** A node's internal id (nothing remembered: most ends a walk sees it has met already). */
    @SuppressWarnings("deprecation")
    static long key(Node node) {
        return node.getId();
    }

    Node node(long key) {
        return nodeOf.get(key);
    }

    /** The ITSS id of a node met (read once, when first asked for). */
    String id(long key) {
        String id = idOf.get(key);
        if (id == null) {
            id = (String) nodeOf.get(key).getProperty("id");
            idOf.put(key, id);
        }
        return id;
    }

    /** The start nodes of ids that name a CI, each once, in the order given. */
    LongArrayList start(Transaction tx, List<String> ids) {
        LongArrayList out = new LongArrayList();
        for (String id : ids) {
            Node node = tx.findNode(CI, "id", id);
            if (node == null) {
                continue;
            }
            @SuppressWarnings("deprecation")
            long key = node.getId();
            if (!nodeOf.containsKey(key)) {
                out.add(meet(node, id));
            }
        }
        return out;
    }

    /** Failure semantics passed by the client: relation type -> effect. */
    static Map<String, String> effects(Map<String, Object> raw) {
        Map<String, String> out = new HashMap<>();
        raw.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
