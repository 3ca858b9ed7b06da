package dev.magpie.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The shared store of {@link LocalClusterBackend}s in one JVM: what Redis holds for a real cluster, as plain maps
 * under one lock. For tests of the cluster layer without a Redis; it keeps the same guarantees (atomic claims, fenced
 * writes, numbered route deltas, at-least-once bounded inboxes, single cleanup winner).
 *
 * <pre>{@code
 * LocalClusterHub hub = new LocalClusterHub();
 * ClusterBackend a = hub.node("node-a"), b = hub.node("node-b");
 * }</pre>
 */
public final class LocalClusterHub {
    private final LongSupplier nanoTime;
    private final int inboxBound;
    final Map<String, NodeIdentity> members = new HashMap<>();
    final Map<String, Lease> leases = new HashMap<>();
    final Map<String, RouteSnapshot> routes = new HashMap<>();
    final Map<NodeIdentity, Long> cleanupGuards = new HashMap<>();
    final Map<String, Deque<Entry>> inboxes = new HashMap<>();
    private final Set<String> acknowledgementsLost = new HashSet<>();
    final Map<String, Owner> owners = new HashMap<>();
    final Map<String, byte[]> sessions = new HashMap<>();
    /** The ids each incarnation claimed and did not release or untrack ({@code ClusterBackend.clientsOf}). */
    final Map<NodeIdentity, Set<String>> clients = new HashMap<>();
    final Map<String, RetainedEntry> retained = new HashMap<>();
    final Map<String, Long> retainedVersions = new HashMap<>();
    final Map<String, LocalClusterBackend> attached = new HashMap<>();
    private long entryIds;

    record Lease(long incarnation, long expiresAtNanos) {
    }

    record Owner(NodeIdentity node, long epoch) {
    }

    /** An inbox entry: the message and whether a reader holds it unacknowledged. */
    static final class Entry {
        final long id;
        final InboxMessage message;
        boolean delivered;

        Entry(long id, InboxMessage message) {
            this.id = id;
            this.message = message;
        }
    }

    /** A hub on the system clock, inboxes bounded to 10 000 messages each. */
    public LocalClusterHub() {
        this(System::nanoTime, 10_000);
    }

    /** A hub on {@code nanoTime} (lease expiry) with inboxes bounded to {@code inboxBound} messages. */
    public LocalClusterHub(LongSupplier nanoTime, int inboxBound) {
        this.nanoTime = nanoTime;
        this.inboxBound = inboxBound;
    }

    /** A backend for a new run of {@code nodeId} (a fresh incarnation). */
    public LocalClusterBackend node(String nodeId) {
        return new LocalClusterBackend(this, NodeIdentity.fresh(nodeId));
    }

    long now() {
        return nanoTime.getAsLong();
    }

    synchronized boolean leaseAlive(NodeIdentity node) {
        Lease lease = leases.get(node.nodeId());
        return lease != null && lease.incarnation() == node.incarnation() && lease.expiresAtNanos() - now() > 0;
    }

    /** Appends to an inbox, dropping the oldest past the bound. */
    synchronized void append(String nodeId, List<InboxMessage> messages) {
        Deque<Entry> inbox = inboxes.computeIfAbsent(nodeId, id -> new ArrayDeque<>());
        for (InboxMessage message : messages) {
            inbox.addLast(new Entry(++entryIds, message));
            if (inbox.size() > inboxBound) {
                inbox.removeFirst();
            }
        }
    }

    /** Up to {@code max} entries of {@code nodeId}'s inbox not held by a reader; marks them held. */
    synchronized List<Entry> take(String nodeId, int max) {
        List<Entry> taken = new ArrayList<>();
        for (Entry entry : inboxes.getOrDefault(nodeId, new ArrayDeque<>())) {
            if (taken.size() == max) {
                break;
            }
            if (!entry.delivered) {
                entry.delivered = true;
                taken.add(entry);
            }
        }
        return taken;
    }

    /**
     * From now on {@code nodeId}'s own reader's acknowledgements are lost, as when the node dies between handling a
     * batch and acknowledging it (its entries stay for whoever adopts the inbox). For tests.
     */
    public synchronized void loseAcknowledgementsOf(String nodeId) {
        acknowledgementsLost.add(nodeId);
    }

    /** An acknowledgement by {@code nodeId}'s own reader (see {@link #loseAcknowledgementsOf}). */
    synchronized void ackOwn(String nodeId, List<Entry> entries) {
        if (!acknowledgementsLost.contains(nodeId)) {
            ack(nodeId, entries);
        }
    }

    synchronized void ack(String nodeId, List<Entry> entries) {
        Set<Long> ids = new HashSet<>();
        entries.forEach(entry -> ids.add(entry.id));
        Deque<Entry> inbox = inboxes.get(nodeId);
        if (inbox != null) {
            inbox.removeIf(entry -> ids.contains(entry.id));
        }
    }

    /** How many messages {@code nodeId}'s inbox holds that no reader has acknowledged (held or not); for tests. */
    public synchronized int unacknowledged(String nodeId) {
        return inboxes.getOrDefault(nodeId, new ArrayDeque<>()).size();
    }

    /** Hands held-but-unacknowledged entries out again (a reader reconnected or failed). */
    synchronized void unhold(String nodeId) {
        for (Entry entry : inboxes.getOrDefault(nodeId, new ArrayDeque<>())) {
            entry.delivered = false;
        }
    }

    synchronized List<LocalClusterBackend> attachedExcept(String nodeId) {
        List<LocalClusterBackend> others = new ArrayList<>(attached.values());
        others.removeIf(backend -> backend.self().nodeId().equals(nodeId));
        return others;
    }

    synchronized List<LocalClusterBackend> attachedAll() {
        return new ArrayList<>(attached.values());
    }

    synchronized Optional<RouteSnapshot> routesOf(String nodeId) {
        return Optional.ofNullable(routes.get(nodeId));
    }
}
