package dev.magpie.observe;

import java.util.List;

/**
 * What a cluster node shows of its cluster ({@code $SYS/broker/cluster/…}, the {@code magpie.cluster.*} meters, the
 * admin API): read from the cluster link's own counters, each call a moment's view. Implemented by the broker's core
 * over {@code dev.magpie.cluster.link.ClusterLink}, so that this package depends on nothing of the cluster's; safe to
 * call from any thread, never blocks (nothing here asks Redis).
 */
public interface ClusterView {
    /** This node's configured id. */
    String nodeId();

    /** Nodes with a live lease, this one included, as of the last member poll; 0 before the first. */
    default int nodes() {
        return (int) members().stream().filter(Member::alive).count();
    }

    /** Every registered node as of the last member poll (about every second), this one included. */
    List<Member> members();

    /** Distinct filters the other nodes have subscribers for, summed over the nodes. */
    int remoteFilters();

    /** Copies of publications this node sent to other nodes (one per destination node). */
    long forwarded();

    /** Publications other nodes sent this node. */
    long received();

    /** Lease renewals that failed (Redis unreachable or slow) or found this node's lease expired. */
    long leaseRenewalFailures();

    /** Publications that could not be sent to another node (its queue was full, or every resend failed). */
    long dropped();

    /**
     * One registered node.
     *
     * @param nodeId      its configured id
     * @param incarnation which start of it (hex), so a restart shows as a new one
     * @param alive       whether its lease was live at the poll
     * @param routeSeq    the last route change it published
     * @param filters     its distinct filters as this node knows them (0 for this node itself: see the local counts)
     */
    record Member(String nodeId, String incarnation, boolean alive, long routeSeq, int filters) {
    }
}
