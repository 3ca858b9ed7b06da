package dev.magpie.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster node behaves beyond what its {@link ClusterBackend} does; passed to
 * {@code Broker.Builder.cluster(backend, settings)} (the server's {@code cluster:} section maps onto it).
 *
 * <pre>{@code
 * Broker.builder().cluster(backend, ClusterSettings.defaults()
 *         .withOutage(ClusterSettings.Outage.REFUSE_ALL)
 *         .withLeaseTtl(Duration.ofSeconds(3)))
 * }</pre>
 *
 * @param outage   what a CONNECT gets while the cluster store cannot answer a claim of its client id
 * @param leaseTtl how long this node's lease lives without a renewal ({@link #MIN_LEASE_TTL} to {@link #MAX_LEASE_TTL}):
 *                 the node renews it every third of it, and peers find a dead node between one and about one and a
 *                 sixth of it after its last renewal ({@link #memberPoll()}); the same on every node of a cluster
 */
public record ClusterSettings(Outage outage, Duration leaseTtl) {

    /** The default lease: a dead node is found within about 7 s, and a Redis hiccup under 4 s costs no lease. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(6);
    /** Shorter leases are lost to one slow renewal (a GC pause, a Redis fork) and make peers adopt a live node. */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(1);
    /** Longer leases leave a dead node's clients without their wills and sessions for over a minute. */
    public static final Duration MAX_LEASE_TTL = Duration.ofSeconds(60);

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
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (leaseTtl.compareTo(MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("the lease TTL must be between 1s and 60s, was " + leaseTtl.toMillis() + "ms");
        }
    }

    /** {@link Outage#SERVE_CLEAN_SESSIONS} and a lease of {@link #DEFAULT_LEASE_TTL}. */
    public static ClusterSettings defaults() {
        return new ClusterSettings(Outage.SERVE_CLEAN_SESSIONS, DEFAULT_LEASE_TTL);
    }

    public ClusterSettings withOutage(Outage policy) {
        return new ClusterSettings(policy, leaseTtl);
    }

    public ClusterSettings withLeaseTtl(Duration ttl) {
        return new ClusterSettings(outage, ttl);
    }

    /**
     * How often the node reads the member list to find dead peers: a sixth of the lease (1 s for the default 6 s, about
     * 167 ms for 1 s), so a peer is declared dead at most a sixth of a lease after its lease expired.
     */
    public Duration memberPoll() {
        return leaseTtl.dividedBy(6);
    }
}
