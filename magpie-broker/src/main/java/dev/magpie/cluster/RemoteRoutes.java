package dev.magpie.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * This node's copy of every peer's distinct filters, kept current from {@link RouteDelta}s. A delta is applied only
 * when it is the next one expected from that peer incarnation; anything else (a lost delta, an unknown incarnation,
 * a sequence behind what {@link NodeLease#routeSeq} says the store has) makes it re-read that peer's whole set with
 * {@link ClusterBackend#loadRoutes} and apply the deltas held meanwhile. The broker matches publishes against
 * {@link #filtersOf} locally; wildcards never reach the store.
 *
 * <pre>{@code
 * RemoteRoutes routes = new RemoteRoutes(self, backend::loadRoutes);
 * events: onRouteDelta(d) -> routes.apply(d);  onConnected() -> routes.resyncAll(peers)
 * routes.filtersOf("node-b")        // e.g. [sensors/#, cmd/+/set]
 * }</pre>
 *
 * Thread-safe (one lock; deltas are rare next to publishes, and matching reads an immutable copy).
 */
public final class RemoteRoutes {
    private final NodeIdentity self;
    private final Function<String, CompletionStage<Optional<RouteSnapshot>>> loader;
    private final Map<String, Copy> peers = new HashMap<>();
    private final AtomicLong resyncs = new AtomicLong();
    private final ChangeListener listener;

    /** Told of every change of a peer's filters, inside this copy's lock (calls come in order): do not block. */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(String nodeId, Set<String> before, Set<String> after);
    }

    public RemoteRoutes(NodeIdentity self, Function<String, CompletionStage<Optional<RouteSnapshot>>> loader) {
        this(self, loader, (nodeId, before, after) -> { });
    }

    public RemoteRoutes(NodeIdentity self, Function<String, CompletionStage<Optional<RouteSnapshot>>> loader,
                        ChangeListener listener) {
        this.self = self;
        this.loader = loader;
        this.listener = listener;
    }

    /** Sets a peer's filters and tells the listener when they differ; under the lock. */
    private void set(String nodeId, Copy copy, Set<String> filters) {
        Set<String> before = copy.filters;
        copy.filters = filters;
        if (!before.equals(filters)) {
            listener.changed(nodeId, before, filters);
        }
    }

    /** One peer's copy: its incarnation, the last applied seq and its filters; {@code loading} while resyncing. */
    private static final class Copy {
        NodeIdentity origin;
        long seq;
        Set<String> filters = Set.of();
        boolean loading;
        final Map<Long, RouteDelta> held = new HashMap<>();
    }

    /** Applies a delta from a peer, or starts a resync when it does not follow on. */
    public void apply(RouteDelta delta) {
        String nodeId = delta.origin().nodeId();
        if (nodeId.equals(self.nodeId())) {
            return;
        }
        boolean resync;
        synchronized (this) {
            Copy copy = peers.computeIfAbsent(nodeId, id -> new Copy());
            if (delta.full() && !copy.loading) {
                copy.origin = delta.origin();
                copy.seq = delta.seq();
                set(nodeId, copy, delta.added());
                return;
            }
            if (copy.loading) {
                copy.held.put(delta.seq(), delta);
                return;
            }
            if (delta.origin().equals(copy.origin) && delta.seq() <= copy.seq) {
                return;                                           // already applied (a resync read it)
            }
            resync = !delta.origin().equals(copy.origin) || delta.seq() != copy.seq + 1;
            if (!resync) {
                copy.seq = delta.seq();
                set(nodeId, copy, applied(copy.filters, delta));
                return;
            }
            copy.loading = true;
            copy.held.put(delta.seq(), delta);
        }
        load(nodeId);
    }

    /**
     * Compares what the store says with this copy (call with each {@link ClusterBackend#members} poll): resyncs a
     * peer whose store sequence or incarnation differs, and drops peers no longer alive.
     */
    public void check(Iterable<NodeLease> members) {
        Set<String> alive = new HashSet<>();
        Set<String> stale = new HashSet<>();
        for (NodeLease lease : members) {
            String nodeId = lease.node().nodeId();
            if (nodeId.equals(self.nodeId()) || !lease.alive()) {
                continue;
            }
            alive.add(nodeId);
            synchronized (this) {
                Copy copy = peers.get(nodeId);
                if (copy == null || (!copy.loading
                        && (!lease.node().equals(copy.origin) || lease.routeSeq() != copy.seq))) {
                    peers.computeIfAbsent(nodeId, id -> new Copy()).loading = true;
                    stale.add(nodeId);
                }
            }
        }
        synchronized (this) {
            for (String nodeId : Set.copyOf(peers.keySet())) {
                if (!alive.contains(nodeId) && !peers.get(nodeId).loading) {
                    remove(nodeId);
                }
            }
        }
        stale.forEach(this::load);
    }

    /** Re-reads every listed peer (after a reconnect: deltas may have been lost). */
    public void resyncAll(Iterable<String> nodeIds) {
        for (String nodeId : nodeIds) {
            if (nodeId.equals(self.nodeId())) {
                continue;
            }
            synchronized (this) {
                Copy copy = peers.computeIfAbsent(nodeId, id -> new Copy());
                if (copy.loading) {
                    continue;
                }
                copy.loading = true;
            }
            load(nodeId);
        }
    }

    /** Forgets a peer (it died or left). */
    public synchronized void remove(String nodeId) {
        Copy gone = peers.remove(nodeId);
        if (gone != null && !gone.filters.isEmpty()) {
            listener.changed(nodeId, gone.filters, Set.of());
        }
    }

    /** The filters of {@code nodeId} as this node knows them (empty when unknown). */
    public synchronized Set<String> filtersOf(String nodeId) {
        Copy copy = peers.get(nodeId);
        return copy == null ? Set.of() : copy.filters;
    }

    /** Every peer with its filters, a copy. */
    public synchronized Map<String, Set<String>> all() {
        Map<String, Set<String>> all = new HashMap<>();
        peers.forEach((nodeId, copy) -> all.put(nodeId, copy.filters));
        return all;
    }

    /** How many whole-set reloads this copy made (gaps, reconnects, incarnation changes). */
    public long resyncs() {
        return resyncs.get();
    }

    private void load(String nodeId) {
        resyncs.incrementAndGet();
        loader.apply(nodeId).whenComplete((snapshot, failure) -> {
            synchronized (this) {
                Copy copy = peers.computeIfAbsent(nodeId, id -> new Copy());
                copy.loading = false;
                if (failure != null) {
                    copy.held.clear();
                    copy.origin = null;                           // the next delta or check resyncs again
                    return;
                }
                if (snapshot.isEmpty()) {
                    copy.origin = null;
                    copy.seq = 0;
                    set(nodeId, copy, Set.of());
                } else {
                    copy.origin = snapshot.get().origin();
                    copy.seq = snapshot.get().seq();
                    set(nodeId, copy, snapshot.get().filters());
                }
                // deltas that arrived while loading: a full one newer than the snapshot replaces it, the next one
                // applies, older ones are already in; a gap stays for the next delta or check to repair
                for (long seq : new java.util.TreeSet<>(copy.held.keySet())) {
                    RouteDelta next = copy.held.get(seq);
                    boolean sameRun = next.origin().equals(copy.origin);
                    if (next.full() && (!sameRun || next.seq() > copy.seq)) {
                        copy.origin = next.origin();
                        copy.seq = next.seq();
                        set(nodeId, copy, next.added());
                    } else if (sameRun && next.seq() == copy.seq + 1) {
                        copy.seq = next.seq();
                        set(nodeId, copy, applied(copy.filters, next));
                    } else if (!sameRun || next.seq() > copy.seq) {
                        break;
                    }
                }
                copy.held.clear();
            }
        });
    }

    private static Set<String> applied(Set<String> filters, RouteDelta delta) {
        Set<String> changed = new HashSet<>(filters);
        changed.removeAll(delta.removed());
        changed.addAll(delta.added());
        return Set.copyOf(changed);
    }
}
