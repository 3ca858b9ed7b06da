package dev.magpie.cluster.redis;

/**
 * Every key and channel the backend uses, in one place. Keys are literal (never patterns) and everything that one
 * script touches shares a hash tag, so the same layout works on a Redis Cluster: {@code {n:<node>}} for a node's
 * lease, routes and inbox, {@code {c:<client>}} for a client's owner and session, {@code {r:<bucket>}} for one of
 * the 16 retained buckets. A client id containing '}' still maps both of its keys to one slot (the tag ends at the
 * first '}' in both).
 */
final class RedisKeys {
    static final int RETAINED_BUCKETS = 16;
    static final String INBOX_GROUP = "magpie";

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** Hash: node id → incarnation of every registered member. */
    String members() {
        return prefix + ":members";
    }

    /** String: the incarnation holding the node's lease, with a TTL. */
    String lease(String nodeId) {
        return prefix + ":{n:" + nodeId + "}:lease";
    }

    /** Set: the node's distinct local filters. */
    String routes(String nodeId) {
        return prefix + ":{n:" + nodeId + "}:routes";
    }

    /** Hash: {@code inc} (incarnation that wrote the routes) and {@code seq} (its last delta). */
    String routeMeta(String nodeId) {
        return prefix + ":{n:" + nodeId + "}:routemeta";
    }

    /** Stream: the node's inbox, read by consumer group {@link #INBOX_GROUP}. */
    String inbox(String nodeId) {
        return prefix + ":{n:" + nodeId + "}:inbox";
    }

    /** String, SET NX with a TTL: the survivor cleaning up after one dead incarnation. */
    String cleanup(String nodeId, long incarnation) {
        return prefix + ":{n:" + nodeId + "}:cleanup:" + Long.toHexString(incarnation);
    }

    /**
     * Set: the client ids one incarnation of a node claimed and has not released (a superset of what it owns: ids
     * taken over elsewhere leave it when the node hears of it), so the survivor cleaning up after it finds its clients.
     */
    String clients(String nodeId, long incarnation) {
        return prefix + ":{n:" + nodeId + "}:clients:" + Long.toHexString(incarnation);
    }

    /** Hash: {@code node}, {@code inc}, {@code epoch} of the client id's owner ({@code epoch} kept on release). */
    String owner(String clientId) {
        return prefix + ":{c:" + clientId + "}:owner";
    }

    /** String: the client's session state, written only by the owner at its epoch. */
    String session(String clientId) {
        return prefix + ":{c:" + clientId + "}:session";
    }

    /** Hash: topic → retained body, for the topics of one bucket. */
    String retained(int bucket) {
        return prefix + ":{r:" + bucket + "}:retained";
    }

    /** Hash: topic → version (grows with every set and delete of the topic). */
    String retainedVersions(int bucket) {
        return prefix + ":{r:" + bucket + "}:versions";
    }

    static int bucketOf(String topic) {
        return Math.floorMod(topic.hashCode(), RETAINED_BUCKETS);
    }

    /** Pub/sub channel: route deltas of every node. */
    String routeChannel() {
        return prefix + ":routes";
    }

    /** Pub/sub channel: retained sets and deletes. */
    String retainedChannel() {
        return prefix + ":retained";
    }
}
