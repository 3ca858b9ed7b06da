package dev.magpie.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An in-memory {@link ClusterBackend} for tests: several nodes in one JVM share a {@link LocalClusterHub}. Every
 * call runs on the node's own callback thread, like the Redis backend's, so callers see the same threading.
 *
 * <pre>{@code
 * LocalClusterHub hub = new LocalClusterHub();
 * LocalClusterBackend a = hub.node("node-a");
 * a.start(events, inbox).toCompletableFuture().join();
 * }</pre>
 */
public final class LocalClusterBackend implements ClusterBackend {
    private static final int BATCH = 256;
    private static final long RETRY_MILLIS = 100;

    private final LocalClusterHub hub;
    private final NodeIdentity self;
    private final ExecutorService thread;
    private final InboxDeduper deduper = new InboxDeduper(65_536, 1_024);
    private final AtomicBoolean pumping = new AtomicBoolean();
    private volatile ClusterEvents events = new ClusterEvents() { };
    private volatile InboxHandler inbox;
    private volatile boolean closed;
    private long routeSeq;

    LocalClusterBackend(LocalClusterHub hub, NodeIdentity self) {
        this.hub = hub;
        this.self = self;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread worker = new Thread(runnable, "magpie-cluster-local-" + self.nodeId());
            worker.setDaemon(true);
            return worker;
        });
    }

    @Override
    public NodeIdentity self() {
        return self;
    }

    private <T> CompletionStage<T> call(Supplier<T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterException(self + " is closed"));
        }
        return CompletableFuture.supplyAsync(() -> {
            synchronized (hub) {
                return work.get();
            }
        }, thread);
    }

    @Override
    public CompletionStage<Void> start(ClusterEvents events, InboxHandler inbox) {
        this.events = events;
        this.inbox = inbox;
        return call(() -> {
            hub.attached.put(self.nodeId(), this);
            hub.unhold(self.nodeId());                  // a previous incarnation's unacknowledged messages
            return null;
        }).thenRun(() -> {
            thread.execute(events::onConnected);
            pump();
        });
    }

    /** As after a dropped and restored store connection: unacknowledged messages come again, onConnected fires. */
    public void simulateReconnect() {
        thread.execute(() -> {
            hub.unhold(self.nodeId());
            events.onConnected();
            pump();
        });
    }

    // ---- liveness ----

    @Override
    public CompletionStage<Boolean> renewLease(Duration ttl) {
        return call(() -> {
            boolean continuous = hub.leaseAlive(self);
            hub.members.put(self.nodeId(), self);
            hub.leases.put(self.nodeId(), new LocalClusterHub.Lease(self.incarnation(), hub.now() + ttl.toNanos()));
            return continuous;
        });
    }

    @Override
    public CompletionStage<List<NodeLease>> members() {
        return call(() -> {
            List<NodeLease> members = new ArrayList<>();
            for (NodeIdentity member : hub.members.values()) {
                long seq = hub.routesOf(member.nodeId()).map(RouteSnapshot::seq).orElse(0L);
                members.add(new NodeLease(member, hub.leaseAlive(member), seq));
            }
            return members;
        });
    }

    @Override
    public CompletionStage<Boolean> claimCleanup(NodeIdentity dead, Duration guard) {
        return call(() -> {
            Long until = hub.cleanupGuards.get(dead);
            if (until != null && until - hub.now() > 0) {
                return false;
            }
            hub.cleanupGuards.put(dead, hub.now() + guard.toNanos());
            return true;
        });
    }

    @Override
    public CompletionStage<Void> forget(NodeIdentity dead) {
        return call(() -> {
            if (dead.equals(hub.members.get(dead.nodeId()))) {
                hub.members.remove(dead.nodeId());
                hub.routes.remove(dead.nodeId());
            }
            hub.clients.remove(dead);
            return null;
        });
    }

    @Override
    public CompletionStage<Integer> adoptInbox(NodeIdentity dead, InboxHandler handler) {
        InboxDeduper adopted = new InboxDeduper(65_536, 1_024);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        thread.execute(() -> adoptNext(dead.nodeId(), handler, adopted, 0, done));
        return done;
    }

    private void adoptNext(String nodeId, InboxHandler handler, InboxDeduper adopted, int count,
                           CompletableFuture<Integer> done) {
        List<LocalClusterHub.Entry> entries = hub.take(nodeId, BATCH);
        if (entries.isEmpty()) {
            done.complete(count);
            return;
        }
        List<InboxMessage> fresh = adopted.fresh(messages(entries));
        handle(handler, fresh).whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                hub.unhold(nodeId);
                done.completeExceptionally(failure);
                return;
            }
            adopted.handled(fresh);
            hub.ack(nodeId, entries);
            adoptNext(nodeId, handler, adopted, count + fresh.size(), done);
        }, thread);
    }

    // ---- routes ----

    @Override
    public CompletionStage<Long> publishRoutes(Set<String> added, Set<String> removed) {
        return routeChange(false, added, removed);
    }

    @Override
    public CompletionStage<Long> replaceRoutes(Set<String> filters) {
        return routeChange(true, filters, Set.of());
    }

    private CompletionStage<Long> routeChange(boolean full, Set<String> added, Set<String> removed) {
        return call(() -> {
            RouteDelta delta = new RouteDelta(self, ++routeSeq, full, added, removed);
            Set<String> filters = new HashSet<>(full ? Set.of() : hub.routesOf(self.nodeId())
                    .map(RouteSnapshot::filters).orElse(Set.of()));
            filters.removeAll(removed);
            filters.addAll(added);
            hub.routes.put(self.nodeId(), new RouteSnapshot(self, delta.seq(), filters));
            hub.attachedExcept(self.nodeId()).forEach(peer -> peer.event(() -> peer.events.onRouteDelta(delta)));
            return delta.seq();
        });
    }

    @Override
    public CompletionStage<Optional<RouteSnapshot>> loadRoutes(String nodeId) {
        return call(() -> hub.routesOf(nodeId));
    }

    // ---- delivery ----

    @Override
    public CompletionStage<Void> send(String destinationNodeId, List<InboxMessage> messages) {
        return call(() -> {
            hub.append(destinationNodeId, messages);
            LocalClusterBackend destination = hub.attached.get(destinationNodeId);
            if (destination != null) {
                destination.thread.execute(destination::pump);
            }
            return null;
        });
    }

    /** Hands the next batch of this node's inbox to the handler; runs on this node's thread. */
    private void pump() {
        if (closed || inbox == null || !pumping.compareAndSet(false, true)) {
            return;
        }
        List<LocalClusterHub.Entry> entries = hub.take(self.nodeId(), BATCH);
        if (entries.isEmpty()) {
            pumping.set(false);
            return;
        }
        List<InboxMessage> fresh = deduper.fresh(messages(entries));
        handle(inbox, fresh).whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                deduper.handled(fresh);
                hub.ackOwn(self.nodeId(), entries);
                pumping.set(false);
                pump();
            } else {
                // not acknowledged: handed over again after a pause (a failing handler must not spin)
                hub.unhold(self.nodeId());
                pumping.set(false);
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, thread).execute(this::pump);
            }
        }, thread);
    }

    /** The handler's stage, or a failed one when it threw; an empty batch needs no handler. */
    static CompletionStage<Void> handle(InboxHandler handler, List<InboxMessage> batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return handler.handle(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static List<InboxMessage> messages(List<LocalClusterHub.Entry> entries) {
        List<InboxMessage> messages = new ArrayList<>(entries.size());
        entries.forEach(entry -> messages.add(entry.message));
        return messages;
    }

    // ---- ownership ----

    @Override
    public CompletionStage<OwnershipClaim> claim(String clientId) {
        return call(() -> {
            LocalClusterHub.Owner before = hub.owners.get(clientId);
            long epoch = before == null ? 1 : before.epoch() + 1;
            hub.owners.put(clientId, new LocalClusterHub.Owner(self, epoch));
            hub.clients.computeIfAbsent(self, node -> new HashSet<>()).add(clientId);
            Optional<ClientOwner> previous = before == null || before.node() == null
                    ? Optional.empty() : Optional.of(new ClientOwner(before.node(), before.epoch()));
            return new OwnershipClaim(clientId, epoch, previous);
        });
    }

    @Override
    public CompletionStage<Optional<OwnershipClaim>> claimFrom(String clientId, NodeIdentity expected) {
        return call(() -> {
            LocalClusterHub.Owner before = hub.owners.get(clientId);
            if (before == null || !expected.equals(before.node())) {
                return Optional.<OwnershipClaim>empty();
            }
            hub.owners.put(clientId, new LocalClusterHub.Owner(self, before.epoch() + 1));
            hub.clients.computeIfAbsent(self, node -> new HashSet<>()).add(clientId);
            return Optional.of(new OwnershipClaim(clientId, before.epoch() + 1,
                    Optional.of(new ClientOwner(expected, before.epoch()))));
        });
    }

    @Override
    public CompletionStage<Set<String>> clientsOf(NodeIdentity node) {
        return call(() -> Set.copyOf(hub.clients.getOrDefault(node, Set.of())));
    }

    @Override
    public CompletionStage<Void> untrack(String clientId) {
        return call(() -> {
            hub.clients.getOrDefault(self, new HashSet<>()).remove(clientId);
            return null;
        });
    }

    @Override
    public CompletionStage<Optional<ClientOwner>> owner(String clientId) {
        return call(() -> {
            LocalClusterHub.Owner owner = hub.owners.get(clientId);
            return owner == null || owner.node() == null
                    ? Optional.empty() : Optional.of(new ClientOwner(owner.node(), owner.epoch()));
        });
    }

    private boolean owns(String clientId, long epoch) {
        LocalClusterHub.Owner owner = hub.owners.get(clientId);
        return owner != null && self.equals(owner.node()) && owner.epoch() == epoch;
    }

    @Override
    public CompletionStage<Boolean> writeSession(String clientId, long epoch, byte[] state) {
        return call(() -> {
            if (!owns(clientId, epoch)) {
                return false;
            }
            hub.sessions.put(clientId, state.clone());
            return true;
        });
    }

    @Override
    public CompletionStage<Optional<byte[]>> loadSession(String clientId) {
        return call(() -> Optional.ofNullable(hub.sessions.get(clientId)).map(byte[]::clone));
    }

    @Override
    public CompletionStage<Boolean> release(String clientId, long epoch) {
        return call(() -> {
            if (!owns(clientId, epoch)) {
                return false;
            }
            hub.owners.put(clientId, new LocalClusterHub.Owner(null, epoch));   // keeps the epoch counter
            hub.sessions.remove(clientId);                                     // the session ended
            hub.clients.getOrDefault(self, new HashSet<>()).remove(clientId);
            return true;
        });
    }

    // ---- retained ----

    @Override
    public CompletionStage<RetainedEntry> setRetained(String topic, byte[] body) {
        return call(() -> {
            long version = hub.retainedVersions.merge(topic, 1L, Long::sum);
            RetainedEntry entry = new RetainedEntry(topic, version, body.clone());
            hub.retained.put(topic, entry);
            hub.attachedAll().forEach(node -> node.event(() -> node.events.onRetainedSet(entry)));
            return entry;
        });
    }

    @Override
    public CompletionStage<Long> deleteRetained(String topic) {
        return call(() -> {
            long version = hub.retainedVersions.merge(topic, 1L, Long::sum);
            hub.retained.remove(topic);
            hub.attachedAll().forEach(node -> node.event(() -> node.events.onRetainedDeleted(topic, version)));
            return version;
        });
    }

    @Override
    public CompletionStage<List<RetainedEntry>> loadRetained() {
        return call(() -> List.copyOf(hub.retained.values()));
    }

    @Override
    public CompletionStage<Long> retainedVersion(String topic) {
        return call(() -> hub.retainedVersions.getOrDefault(topic, 0L));
    }

    private void event(Runnable event) {
        if (!closed) {
            thread.execute(event);
        }
    }

    @Override
    public CompletionStage<Void> leave() {
        return call(() -> {
            hub.leases.remove(self.nodeId());
            hub.members.remove(self.nodeId());
            hub.routes.remove(self.nodeId());
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
        synchronized (hub) {
            hub.attached.remove(self.nodeId(), this);
            hub.unhold(self.nodeId());
        }
        thread.shutdown();
    }
}
