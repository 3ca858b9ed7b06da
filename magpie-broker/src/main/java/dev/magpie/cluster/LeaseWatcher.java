package dev.magpie.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps this node's lease and watches the others'. Every {@code ttl / 3} it renews the lease; every poll it reads
 * the members and, for each incarnation that lost its lease (or was replaced by a restart of its node id), asks the
 * backend for the cleanup guard: exactly one survivor gets {@code cleanupIsMine = true} and publishes the wills and
 * adopts the sessions and inbox; every survivor is told, to drop the dead node's routes. Keyspace expiry events are
 * not used: Redis fires them when it evicts a key, possibly long after its TTL.
 *
 * <pre>{@code
 * LeaseWatcher watcher = LeaseWatcher.start(backend, Duration.ofSeconds(6), Duration.ofSeconds(1), listener);
 * ...
 * watcher.close();
 * }</pre>
 */
public final class LeaseWatcher implements AutoCloseable {

    /** What the watcher finds; called on its own thread, one call at a time: hand work on, do not block. */
    public interface Listener {
        /**
         * {@code dead} lost its lease ({@code restarted}: its node id runs again with a new incarnation).
         * {@code cleanupIsMine} is true on exactly one survivor.
         */
        void onNodeDead(NodeIdentity dead, boolean restarted, boolean cleanupIsMine);

        /** The member list as last read (for {@link RemoteRoutes#check}). */
        default void onMembers(List<NodeLease> members) {
        }

        /** This node's own lease had expired when renewed: fence (see {@link ClusterBackend#renewLease}). */
        default void onLeaseLost() {
        }

        /** A renewal went through after one or more had failed: the store answers again. */
        default void onRenewedAgain() {
        }
    }

    private final ClusterBackend backend;
    private final Duration ttl;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final Map<String, NodeIdentity> lastSeen = new HashMap<>();
    /** Dead incarnations declared, with when (nanoTime): declared again if still listed long after (a cleanup that failed). */
    private final Map<NodeIdentity, Long> handled = new HashMap<>();
    private final AtomicBoolean held = new AtomicBoolean();
    /** A renewal failed and none went through since; only touched on the watcher's thread. */
    private boolean failing;
    /** Renewals that failed (store unreachable, timed out) or found the lease expired; for the meters. */
    private final AtomicLong renewalFailures = new AtomicLong();

    private LeaseWatcher(ClusterBackend backend, Duration ttl, Listener listener) {
        this.backend = backend;
        this.ttl = ttl;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "magpie-cluster-lease-" + backend.self().nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts renewing every {@code ttl / 3} and polling the members every {@code poll}. */
    public static LeaseWatcher start(ClusterBackend backend, Duration ttl, Duration poll, Listener listener) {
        LeaseWatcher watcher = new LeaseWatcher(backend, ttl, listener);
        long renewMillis = Math.max(1, ttl.toMillis() / 3);
        watcher.timer.scheduleWithFixedDelay(watcher::renew, 0, renewMillis, TimeUnit.MILLISECONDS);
        watcher.timer.scheduleWithFixedDelay(watcher::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
        return watcher;
    }

    private void renew() {
        try {
            boolean continuous = backend.renewLease(ttl).toCompletableFuture().get(ttl.toMillis(), TimeUnit.MILLISECONDS);
            if (!continuous && held.get()) {
                renewalFailures.incrementAndGet();
                listener.onLeaseLost();
            }
            held.set(true);
            if (failing) {
                failing = false;
                listener.onRenewedAgain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the store is unreachable: the next renewal tells whether the lease survived
            renewalFailures.incrementAndGet();
            failing = true;
        }
    }

    /** Renewals so far that failed or found this node's lease expired. */
    public long renewalFailures() {
        return renewalFailures.get();
    }

    private void poll() {
        List<NodeLease> members;
        try {
            members = backend.members().toCompletableFuture().get(ttl.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            return;                                               // unreachable: nothing can be concluded
        }
        listener.onMembers(members);
        for (NodeLease lease : members) {
            NodeIdentity node = lease.node();
            if (node.nodeId().equals(backend.self().nodeId())) {
                continue;
            }
            NodeIdentity before = lastSeen.put(node.nodeId(), node);
            if (before != null && !before.equals(node)) {
                declareDead(before, true);
            }
            if (!lease.alive()) {
                Long declared = handled.get(node);
                if (declared != null && System.nanoTime() - declared > ttl.multipliedBy(3).toNanos()) {
                    // still a member after the winner's guard ran out: its cleanup did not finish, claim it again
                    handled.remove(node);
                }
                declareDead(node, false);
            } else {
                handled.remove(node);                             // back after an outage: may be declared again
            }
        }
    }

    private void declareDead(NodeIdentity dead, boolean restarted) {
        if (handled.putIfAbsent(dead, System.nanoTime()) != null) {
            return;
        }
        boolean mine;
        try {
            mine = backend.claimCleanup(dead, ttl.multipliedBy(2)).toCompletableFuture()
                    .get(ttl.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handled.remove(dead);
            return;
        } catch (Exception e) {
            handled.remove(dead);                                  // try again at the next poll
            return;
        }
        listener.onNodeDead(dead, restarted, mine);
    }

    /** The backend whose lease this watcher keeps. */
    public ClusterBackend backend() {
        return backend;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
