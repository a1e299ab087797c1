package dev.itssgraph.procedures;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.internal.kernel.api.security.AccessMode;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.storageengine.api.TransactionIdStore;

/**
 * A compact, immutable copy of the graph the walks cross, kept between calls: every node that
 * ends a relationship (dense index, its ITSS id, type, name and min_up) and every relationship
 * (both ends' adjacency in CSR form: other end, type, direction, redundancy group and min_up),
 * all in primitive arrays. {@code itss.impact}, {@code itss.paths}, {@code itss.further},
 * {@code itss.providers} and {@code itss.groups} read it instead of the store: a walk over 57k CIs then reads no record
 * of the store (measured in docs/scaling.md).
 *
 * <p><b>Never stale.</b> A snapshot is keyed by its database (name and id) and by the id of the
 * last transaction closed (applied) when it was built; a call uses it only when that id is still
 * the last closed one, so any committed write makes the next call build a new one. A build during
 * which another transaction closed is used for that call only (as a walk of the store would
 * have read those writes in passing too) and not kept. A caller whose own transaction has
 * uncommitted changes, or who may not read the whole graph (fine-grained privileges), is answered
 * from the store ({@link #usable}), as is a graph the arrays cannot hold exactly ({@link
 * Unsupported}: a node that ends a relationship without a string {@code id}, a non-string type
 * or name, a list-valued {@code redundancy_group} or relation {@code min_up}) — the answers are
 * then the ones the store walk gives.
 *
 * <p><b>Memory</b> (one snapshot per database; the previous one is dropped before a rebuild):
 * per node 30 bytes plus its id's and name's UTF-8 length (CSR offset, id rank and its inverse,
 * min_up, type code, id and name offsets: 4 each; two flags), plus ~48 for a node with a
 * min_up property; per relationship 24 bytes (each end:
 * other end, type and direction, group attributes: 4 bytes each); the group attributes and
 * relation type tables are per distinct value. Foreign 200k: 199,488 nodes, 580,926
 * relationships, 26.8 MB. {@link #bytes} gives the figure of a built snapshot. A walk over it
 * allocates per node of the snapshot 29 bytes ({@code itss.impact}), 17 ({@code itss.paths}),
 * 2 ({@code itss.further}), per concurrent call.
 *
 * <p>Tie-breaks need no string comparison during a walk: relation types and ITSS ids carry their
 * rank in code-point order (the order Python compares strings in), computed once per build.
 */
final class Snapshot {

    /** Thrown while building when the graph holds something the arrays do not represent. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** What TokenRead.propertyKey returns for a key no property has ever used. */
    private static final int NO_TOKEN = -1;

    private static final Map<String, Snapshot> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    /** Per database, "databaseId:transaction" of a graph found Unsupported: not scanned again
     * until the next write. */
    private static final Map<String, String> REFUSED = new ConcurrentHashMap<>();
    /** Set when this server's internals are not what the snapshot needs: walks use the store. */
    private static volatile boolean disabled;

    static final String[] NODE_KEYS = {"id", "type", "name", "min_up"};
    static final String[] REL_KEYS = {"redundancy_group", "min_up"};

    final UUID databaseId;
    final long transaction;
    final int nodes;
    final int relationships;
    /** CSR: the half-edges of node i are [offsets[i], offsets[i + 1]). */
    final int[] offsets;
    final int[] other;
    /** relation type code << 1 | 1 when the node is the relationship's start. */
    final int[] meta;
    /** Index into groupOf/edgeMinUpOf/minUpTextOf: 0 for a relationship without a
     * redundancy_group or min_up (most of them). */
    final int[] attr;
    /** The redundancy_group's code (0: none or empty) and its text by code. */
    final int[] groupOf;
    final String[] groupNames;
    /** The min_up that applies to a group of the relation (ImpactProcedure.Walk.loadGroups'). */
    final int[] edgeMinUpOf;
    /** The relation's min_up as Cypher's toString gives it, or null. */
    final String[] minUpTextOf;
    final String[] relNames;
    /** Rank of each relation type's name in code-point order. */
    final int[] relRank;
    final int[] idRank;
    final int[] byIdRank;
    final int[] nodeMinUp;
    final int[] typeOf;
    final String[] typeNames;
    final byte[] idBytes;
    final int[] idOffsets;
    final byte[] nameBytes;
    /** Offsets of names (a null name is stored empty and flagged in nameNull). */
    final int[] nameOffsets;
    final boolean[] nameNull;
    /** Whether a node has the label CI. */
    final boolean[] isCI;
    /** The min_up property of nodes that have one, as stored. */
    final IntObjectHashMap<Object> minUpValue;

    private Snapshot(UUID databaseId, long transaction, Builder b) {
        this.databaseId = databaseId;
        this.transaction = transaction;
        this.nodes = b.idStrings.size();
        this.relationships = b.starts.size();
        this.relNames = b.relNames.toArray(new String[0]);
        this.relRank = ranks(relNames);
        this.typeNames = b.typeNames.toArray(new String[0]);
        this.nodeMinUp = b.minUps.toArray();
        this.typeOf = b.types.toArray();
        this.idBytes = b.ids.bytes();
        this.idOffsets = b.ids.offsets();
        this.nameBytes = b.names.bytes();
        this.nameOffsets = b.names.offsets();
        this.nameNull = Arrays.copyOf(b.nameNull, nodes);
        this.groupOf = b.groupOf.toArray();
        this.groupNames = b.groupNames.toArray(new String[0]);
        this.edgeMinUpOf = b.edgeMinUpOf.toArray();
        this.minUpTextOf = b.minUpTextOf.toArray(new String[0]);
        this.isCI = Arrays.copyOf(b.isCI, nodes);
        this.minUpValue = b.minUpValue;
        this.idRank = ranks(b.idStrings.toArray(new String[0]));
        this.byIdRank = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            byIdRank[idRank[i]] = i;
        }
        int[] degree = new int[nodes + 1];
        for (int r = 0; r < relationships; r++) {
            int s = b.starts.get(r), t = b.ends.get(r);
            degree[s]++;
            if (s != t) {
                degree[t]++;  // a loop is one half-edge, at its start (as getRelationships lists it)
            }
        }
        offsets = new int[nodes + 1];
        for (int i = 0; i < nodes; i++) {
            offsets[i + 1] = offsets[i] + degree[i];
        }
        int[] fill = Arrays.copyOf(offsets, nodes);
        other = new int[offsets[nodes]];
        meta = new int[offsets[nodes]];
        attr = new int[offsets[nodes]];
        for (int r = 0; r < relationships; r++) {
            int s = b.starts.get(r), t = b.ends.get(r), type = b.relTypes.get(r), a = b.attrs.get(r);
            int h = fill[s]++;
            other[h] = t;
            meta[h] = type << 1 | 1;
            attr[h] = a;
            if (s != t) {
                h = fill[t]++;
                other[h] = s;
                meta[h] = type << 1;
                attr[h] = a;
            }
        }
    }

    /** Heap held by this snapshot's arrays and tables (boxed min_up values estimated). */
    long bytes() {
        long ints = offsets.length + 3L * other.length + groupOf.length + edgeMinUpOf.length
                + relRank.length + idRank.length + byIdRank.length + nodeMinUp.length + typeOf.length
                + idOffsets.length + nameOffsets.length;
        return 4 * ints + idBytes.length + nameBytes.length + nameNull.length + isCI.length
                + 48L * minUpValue.size() + 24L * minUpTextOf.length;
    }

    String id(int node) {
        return new String(idBytes, idOffsets[node], idOffsets[node + 1] - idOffsets[node], StandardCharsets.UTF_8);
    }

    String name(int node) {
        if (nameNull[node]) {
            return null;
        }
        return new String(nameBytes, nameOffsets[node], nameOffsets[node + 1] - nameOffsets[node], StandardCharsets.UTF_8);
    }

    String type(int node) {
        int t = typeOf[node];
        return t < 0 ? null : typeNames[t];
    }

    /** The dense index of the CI with this ITSS id, by binary search over the ids in code-point
     * order (UTF-8 byte order is code-point order): -1 when no node of the snapshot has it (a CI
     * that ends no relationship, or none). No index seek: a walk told 55k lost CIs looks them up
     * in ~20 ms instead of ~0.2 s. */
    int indexOf(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        int lo = 0, hi = nodes - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = byIdRank[mid];
            int cmp = Arrays.compareUnsigned(idBytes, idOffsets[c], idOffsets[c + 1], key, 0, key.length);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                // equal ids are adjacent: the CI among them (ids are unique among CIs)
                int first = mid;
                while (first > 0 && sameId(byIdRank[first - 1], key)) {
                    first--;
                }
                for (int k = first; k < nodes && sameId(byIdRank[k], key); k++) {
                    if (isCI[byIdRank[k]]) {
                        return byIdRank[k];
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private boolean sameId(int c, byte[] key) {
        return Arrays.equals(idBytes, idOffsets[c], idOffsets[c + 1], key, 0, key.length);
    }

    // -- the cache ---------------------------------------------------------------------------

    /** Whether tx may be answered from a snapshot: no uncommitted changes of its own, and
     * allowed to read every node, relationship and the properties the snapshot holds. */
    static boolean usable(Transaction tx) {
        if (disabled) {
            return false;
        }
        try {
            KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
            if (ktx.dataRead().transactionStateHasChanges()) {
                return false;
            }
            AccessMode mode = ktx.securityContext().mode();
            if (!mode.allowsTraverseAllLabels() || !mode.allowsTraverseAllRelTypes()) {
                return false;
            }
            TokenRead tokens = ktx.tokenRead();
            for (String key : NODE_KEYS) {
                int token = tokens.propertyKey(key);
                if (token != NO_TOKEN && !mode.allowsReadPropertyAllLabels(token)) {
                    return false;
                }
            }
            for (String key : REL_KEYS) {
                int token = tokens.propertyKey(key);
                if (token != NO_TOKEN && !mode.allowsReadPropertyAllRelTypes(token)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            disabled = true;  // not the server this was built against: walk the store
            return false;
        }
    }

    /** The last transaction closed (applied) in db, or -1 when it cannot be read. */
    static long lastClosed(GraphDatabaseService db) {
        try {
            return ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(TransactionIdStore.class)
                    .getLastClosedTransactionId();
        } catch (RuntimeException | LinkageError e) {
            disabled = true;
            return -1;
        }
    }

    /** What {@link #of} found: the snapshot (null when the graph is {@link Unsupported}) and
     * whether this call built it. */
    record Found(Snapshot snapshot, boolean built) {}

    /** The snapshot of tx's database as of now: the kept one when no transaction closed since
     * it was built, otherwise a new one (kept when nothing closed while it was built). Callers
     * check {@link #usable} first. */
    static Found of(Transaction tx, GraphDatabaseService db) {
        InternalTransaction itx = (InternalTransaction) tx;
        String name = itx.getDatabaseName();
        UUID id = itx.getDatabaseId();
        long before = lastClosed(db);
        if (before < 0) {
            return new Found(null, false);
        }
        Snapshot kept = CACHE.get(name);
        if (kept != null && kept.transaction == before && kept.databaseId.equals(id)) {
            return new Found(kept, false);
        }
        if ((id + ":" + before).equals(REFUSED.get(name))) {
            return new Found(null, false);
        }
        synchronized (LOCKS.computeIfAbsent(name, k -> new Object())) {
            kept = CACHE.get(name);
            before = lastClosed(db);
            if (kept != null && kept.transaction == before && kept.databaseId.equals(id)) {
                return new Found(kept, false);  // another call built it meanwhile
            }
            CACHE.remove(name);  // never two snapshots of one database at once
            Snapshot built;
            try {
                built = build(tx, id, before);
            } catch (Unsupported e) {
                if (lastClosed(db) == before) {
                    REFUSED.put(name, id + ":" + before);
                }
                return new Found(null, true);
            }
            if (lastClosed(db) == before) {
                CACHE.put(name, built);
            }
            return new Found(built, true);
        }
    }


    // -- building ----------------------------------------------------------------------------

    static Snapshot build(Transaction tx, UUID databaseId, long transaction) {
        Builder b = new Builder();
        for (Relationship r : tx.getAllRelationships()) {
            int s = b.node(r.getStartNode());
            int t = b.node(r.getEndNode());
            Map<String, Object> props = r.getProperties(REL_KEYS);
            b.relationship(s, t, r.getType().name(), props.get("redundancy_group"), props.get("min_up"));
        }
        return new Snapshot(databaseId, transaction, b);
    }

    /** Growable columns filled while the store is scanned. */
    private static final class Builder {
        final LongIntHashMap indexOf = new LongIntHashMap();
        final java.util.List<String> idStrings = new java.util.ArrayList<>();
        final Text ids = new Text();
        final Text names = new Text();
        boolean[] nameNull = new boolean[1024];
        final IntArrayList types = new IntArrayList();
        final IntArrayList minUps = new IntArrayList();
        final java.util.List<String> typeNames = new java.util.ArrayList<>();
        final Map<String, Integer> typeCodes = new HashMap<>();
        final IntArrayList starts = new IntArrayList();
        final IntArrayList ends = new IntArrayList();
        final IntArrayList relTypes = new IntArrayList();
        final IntArrayList attrs = new IntArrayList();
        final java.util.List<String> relNames = new java.util.ArrayList<>();
        final Map<String, Integer> relCodes = new HashMap<>();
        final Map<String, Integer> groupCodes = new HashMap<>(Map.of("", 0));
        final java.util.List<String> groupNames = new java.util.ArrayList<>(java.util.List.of(""));
        final Map<java.util.List<Object>, Integer> attrCodes = new HashMap<>();
        final IntArrayList groupOf = IntArrayList.newListWith(0);
        final IntArrayList edgeMinUpOf = IntArrayList.newListWith(1);
        final java.util.List<String> minUpTextOf = new java.util.ArrayList<>(java.util.Collections.singletonList(null));
        boolean[] isCI = new boolean[1024];
        final IntObjectHashMap<Object> minUpValue = new IntObjectHashMap<>();

        int node(Node node) {
            @SuppressWarnings("deprecation")
            long key = node.getId();
            int index = indexOf.getIfAbsent(key, -1);
            if (index >= 0) {
                return index;
            }
            index = idStrings.size();
            indexOf.put(key, index);
            Map<String, Object> props = node.getProperties(NODE_KEYS);
            if (!(props.get("id") instanceof String id)) {
                throw new Unsupported("a node without a string id");
            }
            idStrings.add(id);
            ids.add(id);
            Object type = props.get("type");
            if (type != null && !(type instanceof String)) {
                throw new Unsupported("a non-string type");
            }
            types.add(type == null ? -1 : typeCodes.computeIfAbsent((String) type, k -> {
                typeNames.add(k);
                return typeNames.size() - 1;
            }));
            Object name = props.get("name");
            if (name != null && !(name instanceof String)) {
                throw new Unsupported("a non-string name");
            }
            if (index >= nameNull.length) {
                nameNull = Arrays.copyOf(nameNull, nameNull.length * 2);
                isCI = Arrays.copyOf(isCI, isCI.length * 2);
            }
            isCI[index] = node.hasLabel(Steps.CI);
            nameNull[index] = name == null;
            names.add(name == null ? "" : (String) name);
            Object minUp = props.get("min_up");
            minUps.add(ImpactProcedure.minUpOf(minUp));
            if (minUp != null) {
                minUpValue.put(index, minUp);
            }
            return index;
        }

        void relationship(int s, int t, String rel, Object group, Object minUp) {
            starts.add(s);
            ends.add(t);
            relTypes.add(relCodes.computeIfAbsent(rel, k -> {
                relNames.add(k);
                return relNames.size() - 1;
            }));
            if (relNames.size() >= 1 << 28) {
                throw new Unsupported("too many relation types");
            }
            if ((group != null && group.getClass().isArray()) || (minUp != null && minUp.getClass().isArray())) {
                throw new Unsupported("a list-valued redundancy_group or min_up");
            }
            String name = group == null ? "" : String.valueOf(group);
            String minUpText = minUp == null ? null : String.valueOf(minUp);
            if (name.isEmpty() && minUpText == null) {
                attrs.add(0);
                return;
            }
            int code = groupCodes.computeIfAbsent(name, k -> {
                groupNames.add(k);
                return groupNames.size() - 1;
            });
            if (code >= 1 << 29) {
                throw new Unsupported("too many redundancy groups");  // SnapshotWalk's group keys
            }
            // a relation's min_up as ImpactProcedure.Walk.loadGroups reads it
            Long m = ImpactProcedure.asLong(minUp);
            int value = (m == null || m == 0) ? 1 : (int) Math.max(Integer.MIN_VALUE, Math.min(m, Integer.MAX_VALUE));
            int edgeMinUp = Math.max(1, value);
            attrs.add(attrCodes.computeIfAbsent(java.util.Arrays.asList(code, minUpText), k -> {
                groupOf.add(code);
                edgeMinUpOf.add(edgeMinUp);
                minUpTextOf.add(minUpText);
                return groupOf.size() - 1;
            }));
        }
    }

    /** Strings as one UTF-8 byte array and offsets. */
    private static final class Text {
        byte[] data = new byte[1 << 16];
        int size;
        final IntArrayList offsets = IntArrayList.newListWith(0);

        void add(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (size + b.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + b.length));
            }
            System.arraycopy(b, 0, data, size, b.length);
            size += b.length;
            offsets.add(size);
        }

        byte[] bytes() {
            return Arrays.copyOf(data, size);
        }

        int[] offsets() {
            return offsets.toArray();
        }
    }

    /** rank[i]: the position of names[i] among names sorted by code point (ties by index). */
    static int[] ranks(String[] names) {
        boolean surrogates = false;
        for (String s : names) {
            for (int i = 0; i < s.length() && !surrogates; i++) {
                surrogates = Character.isSurrogate(s.charAt(i));
            }
        }
        Integer[] order = new Integer[names.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // without surrogates UTF-16 order is code-point order (String.compareTo is intrinsic)
        java.util.Comparator<Integer> byName = surrogates
                ? (a, b) -> ImpactProcedure.byCodePoint(names[a], names[b])
                : (a, b) -> names[a].compareTo(names[b]);
        Arrays.sort(order, byName.thenComparingInt(i -> i));
        int[] rank = new int[names.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }
}
