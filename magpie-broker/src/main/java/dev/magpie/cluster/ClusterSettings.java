package dev.magpie.cluster;

import java.util.Objects;

/**
 * How a cluster node behaves beyond what its {@link ClusterBackend} does; passed to
 * {@code Broker.Builder.cluster(backend, settings)} (the server's {@code cluster:} section maps onto it).
 *
 * <pre>{@code
 * Broker.builder().cluster(backend, ClusterSettings.defaults().withOutage(ClusterSettings.Outage.REFUSE_ALL))
 * }</pre>
 *
 * @param outage what a CONNECT gets while the cluster store cannot answer a claim of its client id
 */
public record ClusterSettings(Outage outage) {

    /**
     * The outage policy (docs/cluster.md, "Outage policy"): a client id's ownership is checked in the cluster store at
     * every CONNECT; when that check fails (store unreachable, timed out), this decides.
     */
    public enum Outage {
        /**
         * The default: clean sessions are admitted on this node alone (a client connected to two nodes meanwhile is
         * not noticed until the store answers again); persistent sessions are refused with 0x88 Server unavailable
         * (3.1.1: 0x03), since resuming one whose owner cannot be checked could fork it.
         */
        SERVE_CLEAN_SESSIONS,
        /** Every CONNECT is refused with 0x88 (3.1.1: 0x03) until the store answers: no client id is ever unchecked. */
        REFUSE_ALL
    }

    public ClusterSettings {
        Objects.requireNonNull(outage, "outage");
    }

    public static ClusterSettings defaults() {
        return new ClusterSettings(Outage.SERVE_CLEAN_SESSIONS);
    }

    public ClusterSettings withOutage(Outage policy) {
        return new ClusterSettings(policy);
    }
}
