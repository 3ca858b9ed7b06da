package dev.magpie.cluster;

import java.util.Set;

/**
 * A node's whole set of distinct local filters as the backend holds it, read atomically with the sequence of the
 * delta that produced it: applying later deltas from {@code seq + 1} on gives the current set.
 *
 * @param origin  the node (id and the incarnation that published the set)
 * @param seq     the sequence of the last delta included
 * @param filters the filters
 */
public record RouteSnapshot(NodeIdentity origin, long seq, Set<String> filters) {
    public RouteSnapshot {
        filters = Set.copyOf(filters);
    }
}
