package dev.magpie.cluster;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One run of one node: the configured, stable {@code nodeId} and a random {@code incarnation} drawn at each start.
 * Everything a node writes is stamped with both, so a restarted node (same id, new incarnation) is told apart from
 * its previous life: the old incarnation's leases, claims and message sequences are recognisably stale.
 *
 * <pre>{@code
 * NodeIdentity self = NodeIdentity.fresh("node-a");   // node-a, incarnation e.g. 0x5f3c…
 * }</pre>
 *
 * @param nodeId      the configured id; letters, digits, '-', '_' and '.'
 * @param incarnation a positive random number, new at every start
 */
public record NodeIdentity(String nodeId, long incarnation) {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compiled once: every message between nodes carries a node id that is checked when read. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public NodeIdentity {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id '" + nodeId
                    + "' must be 1 to 64 letters, digits, '.', '_' or '-' (it becomes part of store keys)");
        }
        if (incarnation <= 0) {
            throw new IllegalArgumentException("incarnation must be positive, was " + incarnation);
        }
    }

    /** A new run of {@code nodeId} with a random incarnation. */
    public static NodeIdentity fresh(String nodeId) {
        long incarnation;
        do {
            incarnation = RANDOM.nextLong() & Long.MAX_VALUE;
        } while (incarnation == 0);
        return new NodeIdentity(nodeId, incarnation);
    }

    @Override
    public String toString() {
        return nodeId + "#" + Long.toHexString(incarnation);
    }
}
