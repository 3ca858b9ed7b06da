package dev.magpie.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One started backend with everything it was told recorded: route deltas (fed to a {@link RemoteRoutes}, except
 * those {@link #dropDelta} says to lose), retained changes, connections, and the inbox messages handed over. The
 * inbox handler fails its first {@link #failNextBatches} batches, to check redelivery.
 */
public final class ClusterNodeProbe implements ClusterEvents, InboxHandler, AutoCloseable {
    public final ClusterBackend backend;
    public final RemoteRoutes routes;
    public final List<RouteDelta> deltas = new CopyOnWriteArrayList<>();
    public final List<InboxMessage> received = new CopyOnWriteArrayList<>();
    public final List<RetainedEntry> retainedSets = new CopyOnWriteArrayList<>();
    public final List<String> retainedDeletes = new CopyOnWriteArrayList<>();
    public final AtomicInteger connects = new AtomicInteger();
    public final AtomicInteger batchesSeen = new AtomicInteger();
    public final AtomicInteger failNextBatches = new AtomicInteger();
    public final Set<Long> dropDeltaSeqs = ConcurrentHashMap.newKeySet();
    private volatile Predicate<RouteDelta> dropDelta = delta -> dropDeltaSeqs.contains(delta.seq());

    public ClusterNodeProbe(ClusterBackend backend) {
        this.backend = backend;
        this.routes = new RemoteRoutes(backend.self(), backend::loadRoutes);
    }

    /** Starts the backend with this probe as events and inbox, and waits until it is connected. */
    public ClusterNodeProbe start() {
        backend.start(this, this).toCompletableFuture().join();
        return this;
    }

    public String nodeId() {
        return backend.self().nodeId();
    }

    @Override
    public void onRouteDelta(RouteDelta delta) {
        if (dropDelta.test(delta)) {
            return;
        }
        deltas.add(delta);
        routes.apply(delta);
    }

    @Override
    public void onRetainedSet(RetainedEntry entry) {
        retainedSets.add(entry);
    }

    @Override
    public void onRetainedDeleted(String topic, long version) {
        retainedDeletes.add(topic);
    }

    @Override
    public void onConnected() {
        connects.incrementAndGet();
        routes.resyncAll(routes.all().keySet());          // deltas may have been missed meanwhile
    }

    @Override
    public CompletionStage<Void> handle(List<InboxMessage> batch) {
        batchesSeen.incrementAndGet();
        if (failNextBatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("test: this batch fails"));
        }
        received.addAll(batch);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        backend.close();
    }
}
