package dev.magpie;

import dev.magpie.cluster.NodeLease;
import dev.magpie.cluster.link.ClusterLink;
import dev.magpie.observe.ClusterView;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link ClusterView} over the link's counters and member poll: what observability reads, nothing asked of Redis. */
record ClusterLinkView(ClusterLink link) implements ClusterView {
    @Override
    public String nodeId() {
        return link.self().nodeId();
    }

    @Override
    public List<Member> members() {
        Map<String, Set<String>> routes = link.remoteRoutes();
        return link.members().stream().map((NodeLease lease) -> new Member(lease.node().nodeId(),
                Long.toHexString(lease.node().incarnation()), lease.alive(), lease.routeSeq(),
                routes.getOrDefault(lease.node().nodeId(), Set.of()).size())).toList();
    }

    @Override
    public int remoteFilters() {
        return link.remoteRoutes().values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public long forwarded() {
        return link.forwardedCount();
    }

    @Override
    public long received() {
        return link.receivedCount();
    }

    @Override
    public long dropped() {
        return link.droppedCount();
    }

    @Override
    public long leaseRenewalFailures() {
        return link.leaseRenewalFailures();
    }
}
