package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.ClusterException;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.NodeLease;
import dev.magpie.cluster.OwnershipClaim;
import dev.magpie.cluster.RetainedEntry;
import dev.magpie.cluster.RouteDelta;
import dev.magpie.cluster.RouteSnapshot;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * {@link ClusterBackend} over Redis (7.0 or later): one server, the master Sentinels name, or a Redis Cluster
 * ({@link RedisBackendSettings#cluster}), through one code path ({@link RedisConnections} opens the connections of
 * either kind). Three connections: one for commands (pipelined, asynchronous), one subscribed to the route and retained
 * channels, and one the {@link InboxReader} blocks on. Lettuce reconnects by itself (20 ms, doubling, at most
 * {@link RedisBackendSettings#reconnectMaxDelay}); while disconnected, calls fail at once instead of queueing without
 * bound, and a reconnect of the subscription re-publishes this node's routes in full and fires
 * {@link ClusterEvents#onConnected} (the Redis may have restarted empty). Over {@code rediss://} the connections trust
 * the CA and present the client certificate of {@link RedisBackendSettings#tls()} ({@link RedisTlsOptions}). Every
 * command names one key or keys of one hash tag ({@link RedisKeys}), so each runs on one Redis Cluster node; reads
 * across nodes (the member poll, loading all retained buckets) are one command per key. Every call is timed by kind
 * ({@link RedisCommandMeter}) once {@link #bindTo} gave it a registry.
 *
 * <pre>{@code
 * RedisClusterBackend backend = RedisClusterBackend.create(
 *         RedisBackendSettings.of("redis://127.0.0.1:6379"), NodeIdentity.fresh("node-a"));
 * RedisClusterBackend onRedisCluster = RedisClusterBackend.create(RedisBackendSettings.cluster(
 *         List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"), "", false), NodeIdentity.fresh("node-b"));
 * backend.start(events, inbox).toCompletableFuture().join();
 * }</pre>
 */
public final class RedisClusterBackend implements ClusterBackend, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBackend.class);
    private static final int ADOPT_BATCH = 256;

    private final RedisBackendSettings settings;
    private final NodeIdentity self;
    private final String incarnation;
    private final RedisKeys keys;
    private final RedisOwnership ownership;
    private final RedisRetained retained;
    private final RedisRoutes routes;
    private final RedisMembership membership;
    private final RedisCommandMeter meter = new RedisCommandMeter();
    private final RedisConnections connections;
    private final ExecutorService callbackThread;
    private final Executor callbacks;
    private volatile RedisClusterAsyncCommands<String, byte[]> commands;
    private volatile InboxReader reader;
    private volatile ClusterEvents events = new ClusterEvents() { };
    private volatile boolean closed;

    private RedisClusterBackend(RedisBackendSettings settings, NodeIdentity self) {
        this.settings = settings;
        this.self = self;
        this.incarnation = Long.toHexString(self.incarnation());
        this.keys = new RedisKeys(settings.keyPrefix());
        this.ownership = new RedisOwnership(keys, self);
        this.retained = new RedisRetained(keys);
        this.routes = new RedisRoutes(keys, self);
        this.membership = new RedisMembership(keys, self);
        this.connections = RedisConnections.of(settings);
        this.callbackThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "magpie-cluster-callbacks-" + self.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        this.callbacks = task -> {
            try {
                callbackThread.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();                                  // closed: complete the caller's stage anyway
            }
        };
    }

    /** A backend for {@code self}; nothing is connected before {@link #start}. */
    public static RedisClusterBackend create(RedisBackendSettings settings, NodeIdentity self) {
        return new RedisClusterBackend(settings, self);
    }

    @Override
    public NodeIdentity self() {
        return self;
    }

    /**
     * Registers this backend's Redis command latency ({@code magpie.cluster.redis.command}, see
     * {@link RedisCommandMeter}) on {@code registry}; the broker calls it with its own registry when it is given this
     * backend, so {@code /metrics} shows {@code magpie_cluster_redis_command_seconds}.
     *
     * <pre>{@code
     * backend.bindTo(registry);   // only when the backend is used without a broker
     * }</pre>
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        meter.bindTo(registry);
    }

    private RedisClusterAsyncCommands<String, byte[]> redis() {
        return commands;
    }

    /** Runs a command and completes the caller's stage on the callback thread, failures as ClusterException. */
    private <T> CompletionStage<T> call(String what, Supplier<CompletionStage<T>> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed || commands == null) {
            result.completeExceptionally(new ClusterException("Redis " + what + ": backend of " + self
                    + (closed ? " is closed" : " is not started")));
            return result;
        }
        RedisCommandMeter.Kind kind = RedisCommandMeter.Kind.of(what);
        long sent = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = command.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        // timed where Redis's answer arrives (Lettuce's thread; a lock-free update), not after the hop below
        CompletionStage<T> timed = stage.whenComplete((value, failure) ->
                meter.record(kind, System.nanoTime() - sent, failure != null));
        timed.whenCompleteAsync((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                result.completeExceptionally(new ClusterException("Redis " + what + " failed: " + cause, cause));
            }
        }, callbacks);
        return result;
    }

    @Override
    public CompletionStage<Void> start(ClusterEvents events, InboxHandler inbox) {
        this.events = events;
        try {
            RedisTlsOptions.check(settings.tls());
        } catch (ClusterException e) {
            return CompletableFuture.failedFuture(e);
        }
        return connections.connect((channel, message) -> callbacks.execute(() -> dispatch(channel, message)), () -> {
            if (!closed) {
                callbacks.execute(this::reconnected);
            }
        }, keys.routeChannel(), keys.retainedChannel()).handleAsync((ignored, failure) -> {
            if (failure != null) {
                throw new ClusterException("cannot connect to Redis at " + connections.describe()
                        + " for cluster node " + self + ": " + withRootCause(failure), failure);
            }
            commands = connections.commands();
            reader = new InboxReader(connections.reader(), keys.inbox(self.nodeId()), self.nodeId() + "-" + incarnation,
                    inbox, settings.readBlock(), settings.commandTimeout().multipliedBy(5));
            reader.start();
            events.onConnected();
            return null;
        }, callbacks);
    }

    /** The failure's message and, when another, its innermost cause's (a TLS handshake's "PKIX path building failed"). */
    private static String withRootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure || root.getMessage() == null ? failure.getMessage()
                : failure.getMessage() + " (" + root.getMessage() + ")";
    }

    /** The subscription came back: the Redis may be a new, empty one. Re-publish, then tell the node. */
    private void reconnected() {
        LOG.info("cluster node {}: Redis connection restored, re-publishing routes", self);
        republishRoutes(1);
        events.onConnected();
    }

    /**
     * Puts this node's whole route set back, retrying (the command connection may come back a moment after the
     * subscription) until it is stored or a later route change superseded it.
     */
    private void republishRoutes(int attempt) {
        replaceRoutes(routes.local()).whenComplete((seq, failure) -> {
            if (failure != null && !closed) {
                long delay = Math.min(settings.reconnectMaxDelay().toMillis(), 50L * attempt);
                LOG.debug("cluster node {}: re-publishing routes failed ({}), again in {} ms", self,
                        failure.getMessage(), delay);
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, callbacks)
                        .execute(() -> republishRoutes(attempt + 1));
            }
        });
    }

    private void dispatch(String channel, byte[] message) {
        try {
            if (channel.equals(keys.routeChannel())) {
                RouteDelta delta = WireCodec.decodeDelta(message);
                if (!delta.origin().nodeId().equals(self.nodeId())) {
                    events.onRouteDelta(delta);
                }
            } else if (channel.equals(keys.retainedChannel())) {
                WireCodec.RetainedNotice notice = WireCodec.retainedNotice(message);
                if (notice.set()) {
                    events.onRetainedSet(new RetainedEntry(notice.topic(), notice.version(), notice.body()));
                } else {
                    events.onRetainedDeleted(notice.topic(), notice.version());
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: ignored a message on {}: {}", self, channel, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("cluster node {}: a cluster event handler failed", self, e);
        }
    }

    // ---- liveness ----

    @Override
    public CompletionStage<Boolean> renewLease(Duration ttl) {
        return call("lease renewal", () -> membership.renew(redis(), ttl));
    }

    @Override
    public CompletionStage<List<NodeLease>> members() {
        return call("member list", () -> membership.members(redis()));
    }

    @Override
    public CompletionStage<Boolean> claimCleanup(NodeIdentity dead, Duration guard) {
        return call("cleanup claim", () -> membership.claimCleanup(redis(), dead, guard));
    }

    @Override
    public CompletionStage<Void> forget(NodeIdentity dead) {
        return call("forget " + dead, () -> membership.forgetMember(redis(), dead)
                .thenCombine(routes.forget(redis(), dead), (a, b) -> b)
                .thenCombine(ownership.forgetClients(redis(), dead), (a, b) -> null));
    }

    @Override
    public CompletionStage<Integer> adoptInbox(NodeIdentity dead, InboxHandler handler) {
        return call("inbox adoption of " + dead, () -> new InboxAdoption(redis(), keys.inbox(dead.nodeId()),
                "adopted-by-" + self.nodeId() + "-" + incarnation, handler, ADOPT_BATCH, callbacks).run());
    }

    // ---- routes ----

    @Override
    public CompletionStage<Long> publishRoutes(Set<String> added, Set<String> removed) {
        return call("route change", () -> routes.change(redis(), false, added, removed));
    }

    @Override
    public CompletionStage<Long> replaceRoutes(Set<String> filters) {
        return call("route replace", () -> routes.change(redis(), true, filters, Set.of()));
    }

    @Override
    public CompletionStage<Optional<RouteSnapshot>> loadRoutes(String nodeId) {
        return call("route load of " + nodeId, () -> routes.load(redis(), nodeId));
    }

    // ---- delivery ----

    @Override
    public CompletionStage<Void> send(String destinationNodeId, List<InboxMessage> messages) {
        return call("send to " + destinationNodeId, () -> {
            String stream = keys.inbox(destinationNodeId);
            XAddArgs bound = XAddArgs.Builder.maxlen(settings.inboxMaxLength()).approximateTrimming();
            List<CompletableFuture<String>> appended = new ArrayList<>(messages.size());
            for (InboxMessage message : messages) {            // pipelined: one round trip for the batch
                appended.add(redis().xadd(stream, bound, WireCodec.fields(message)).toCompletableFuture());
            }
            return CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new));
        });
    }

    // ---- ownership ----

    @Override
    public CompletionStage<OwnershipClaim> claim(String clientId) {
        return call("claim of " + clientId, () -> ownership.claim(redis(), clientId));
    }

    @Override
    public CompletionStage<Optional<OwnershipClaim>> claimFrom(String clientId, NodeIdentity expected) {
        return call("adopting claim of " + clientId, () -> ownership.claimFrom(redis(), clientId, expected));
    }

    @Override
    public CompletionStage<Set<String>> clientsOf(NodeIdentity node) {
        return call("clients of " + node, () -> ownership.clientsOf(redis(), node));
    }

    @Override
    public CompletionStage<Void> untrack(String clientId) {
        return call("untrack of " + clientId, () -> ownership.untrack(redis(), clientId).thenApply(removed -> (Void) null));
    }

    @Override
    public CompletionStage<Optional<ClientOwner>> owner(String clientId) {
        return call("owner of " + clientId, () -> ownership.owner(redis(), clientId));
    }

    @Override
    public CompletionStage<Boolean> writeSession(String clientId, long epoch, byte[] state) {
        byte[] copy = state.clone();
        return call("session write of " + clientId, () -> ownership.writeSession(redis(), clientId, epoch, copy));
    }

    @Override
    public CompletionStage<Optional<byte[]>> loadSession(String clientId) {
        return call("session load of " + clientId, () -> ownership.loadSession(redis(), clientId));
    }

    @Override
    public CompletionStage<Boolean> release(String clientId, long epoch) {
        return call("release of " + clientId, () -> ownership.release(redis(), clientId, epoch));
    }

    // ---- retained ----

    @Override
    public CompletionStage<RetainedEntry> setRetained(String topic, byte[] body) {
        byte[] copy = body.clone();
        return call("retained set of " + topic, () -> retained.set(redis(), topic, copy));
    }

    @Override
    public CompletionStage<Long> deleteRetained(String topic) {
        return call("retained delete of " + topic, () -> retained.delete(redis(), topic));
    }

    @Override
    public CompletionStage<List<RetainedEntry>> loadRetained() {
        return call("retained load", () -> retained.loadAll(redis()));
    }

    @Override
    public CompletionStage<Long> retainedVersion(String topic) {
        return call("retained version of " + topic, () -> retained.version(redis(), topic));
    }

    // ---- shutdown ----

    @Override
    public CompletionStage<Void> leave() {
        return call("leave", () -> membership.dropLease(redis()).thenCombine(membership.forgetMember(redis(), self),
                (a, b) -> b).thenCombine(routes.forget(redis(), self), (a, b) -> null));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        InboxReader running = reader;
        if (running != null) {
            running.stop(settings.readBlock().plus(settings.commandTimeout()));
        }
        connections.close();
        callbackThread.shutdown();
    }
}
