package dev.magpie.cluster;

/** The backend contract against the in-memory backend. */
class LocalClusterBackendTest extends ClusterBackendContract {
    private final LocalClusterHub hub = new LocalClusterHub();

    @Override
    protected ClusterBackend newBackend(String nodeId) {
        return hub.node(nodeId);
    }

    @Override
    protected void simulateReconnect(ClusterBackend backend) {
        ((LocalClusterBackend) backend).simulateReconnect();
    }
}
