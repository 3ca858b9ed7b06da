package dev.magpie.cluster;

import java.util.Set;

/**
 * One change of a node's set of distinct local filters, numbered per incarnation (1, 2, 3, …). A receiver applies
 * deltas in order; one whose {@code seq} is not the next it expects (a lost delta) makes it re-read the node's whole
 * set instead ({@link ClusterBackend#loadRoutes}). A {@code full} delta replaces the set (a start, or a re-publish
 * after the store lost its data); its {@code removed} is empty.
 *
 * <pre>{@code
 * backend.publishRoutes(Set.of("sensors/+/temp"), Set.of());     // delta 2: one filter added
 * }</pre>
 *
 * @param origin  the node whose routes these are
 * @param seq     this delta's number within the origin's incarnation
 * @param full    whether {@code added} is the whole set
 * @param added   filters added (or the whole set, when full)
 * @param removed filters removed
 */
public record RouteDelta(NodeIdentity origin, long seq, boolean full, Set<String> added, Set<String> removed) {
    public RouteDelta {
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
    }
}
