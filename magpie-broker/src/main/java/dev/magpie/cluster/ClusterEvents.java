package dev.magpie.cluster;

/**
 * What the backend tells its node as it happens. Called on the backend's own event thread, one call at a time, in
 * the order the store delivered them; never block here (hand work to the owning event loop and return).
 */
public interface ClusterEvents {
    /** A peer (never this node) changed its routes. Deltas may be missing: {@link RemoteRoutes} detects the gap. */
    default void onRouteDelta(RouteDelta delta) {
    }

    /** A retained message was set on some node (this one included). */
    default void onRetainedSet(RetainedEntry entry) {
    }

    /** A retained message was deleted on some node (this one included); {@code version} is the topic's new version. */
    default void onRetainedDeleted(String topic, long version) {
    }

    /**
     * The connection to the store came back after a break (also called once after {@link ClusterBackend#start}).
     * Route deltas and retained changes may have been missed meanwhile, and the store may have restarted empty: the
     * backend has already re-published this node's routes in full; the node re-reads everyone else's
     * ({@link RemoteRoutes#resyncAll}) and its retained index, and re-asserts the ownership of its sessions.
     */
    default void onConnected() {
    }
}
