package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * {@link ClusterBackend} over one Redis (7.0 or later). Three connections: one for commands (pipelined, asynchronous),
 * one subscribed to the route and retained channels, and one the {@link InboxReader} blocks on. Lettuce reconnects by
 * itself (20 ms, doubling, at most {@link RedisBackendSettings#reconnectMaxDelay}); while disconnected, calls fail at
 * once instead of queueing without bound, and a reconnect of the subscription re-publishes this node's routes in full
 * and fires {@link ClusterEvents#onConnected} (the Redis may have restarted empty). Over {@code rediss://} the
 * connections trust the CA and present the client certificate of {@link RedisBackendSettings#tls()}
 * ({@link RedisTlsOptions}). Every call is timed by kind ({@link RedisCommandMeter}) once {@link #bindTo} gave it a
 * registry.
 *
 * <pre>{@code
 * RedisClusterBackend backend = RedisClusterBackend.create(
 *         RedisBackendSettings.of("redis://127.0.0.1:6379"), NodeIdentity.fresh("node-a"));
 * backend.start(events, inbox).toCompletableFuture().join();
 * }</pre>
 */
public final class RedisClusterBackend implements ClusterBackend, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBackend.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final int ADOPT_BATCH = 256;

    private final RedisBackendSettings settings;
    private final NodeIdentity self;
    private final String incarnation;
    private final RedisKeys keys;
    private final RedisOwnership ownership;
    private final RedisRetained retained;
    private final RedisRoutes routes;
    private final RedisCommandMeter meter = new RedisCommandMeter();
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClient readerClient;
    private final ExecutorService callbackThread;
    private final Executor callbacks;
    private final AtomicBoolean subscriptionDown = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscription;
    private volatile StatefulRedisConnection<String, byte[]> readerConnection;
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
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), settings.reconnectMaxDelay(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(settings.uri());
        this.client = RedisClient.create(resources, uri);
        this.client.setOptions(options(settings.commandTimeout(), settings.tls()));
        this.readerClient = RedisClient.create(resources, uri);
        // the reader's commands block for up to readBlock by design: its timeout covers that
        this.readerClient.setOptions(options(settings.commandTimeout().plus(settings.readBlock()), settings.tls()));
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

    private static ClientOptions options(Duration timeout, RedisBackendSettings.Tls tls) {
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                // fail fast while disconnected: the cluster layer buffers a bounded amount, Lettuce would not
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout));
        RedisTlsOptions.of(tls).ifPresent(options::sslOptions);   // rediss:// with the operator's CA / client cert
        return options.build();
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

    private RedisAsyncCommands<String, byte[]> redis() {
        return commands.async();
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
        RedisURI uri = RedisURI.create(settings.uri());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscription) {
                    subscriptionDown.set(true);
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
                if (connection == subscription && subscriptionDown.compareAndSet(true, false) && !closed) {
                    callbacks.execute(RedisClusterBackend.this::reconnected);
                }
            }
        });
        CompletableFuture<StatefulRedisConnection<String, byte[]>> commandsReady =
                client.connectAsync(CODEC, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> subscriptionReady =
                client.connectPubSubAsync(CODEC, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisConnection<String, byte[]>> readerReady =
                readerClient.connectAsync(CODEC, uri).toCompletableFuture();
        return CompletableFuture.allOf(commandsReady, subscriptionReady, readerReady).thenCompose(ignored -> {
            commands = commandsReady.join();
            subscription = subscriptionReady.join();
            readerConnection = readerReady.join();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    callbacks.execute(() -> dispatch(channel, message));
                }
            });
            return subscription.async().subscribe(keys.routeChannel(), keys.retainedChannel()).toCompletableFuture();
        }).handleAsync((ignored, failure) -> {
            if (failure != null) {
                throw new ClusterException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort()
                        + " for cluster node " + self + ": " + withRootCause(failure), failure);
            }
            reader = new InboxReader(readerConnection, keys.inbox(self.nodeId()), self.nodeId() + "-" + incarnation,
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
        return call("lease renewal", () -> {
            // the lease first, then the membership: a peer never sees a member without its lease
            CompletionStage<byte[]> before = redis().setGet(keys.lease(self.nodeId()), utf8(incarnation),
                    SetArgs.Builder.px(ttl));
            CompletionStage<Boolean> member = redis().hset(keys.members(), self.nodeId(), utf8(incarnation));
            return before.thenCombine(member, (previous, ignored) -> previous != null
                    && text(previous).equals(incarnation));
        });
    }

    @Override
    public CompletionStage<List<NodeLease>> members() {
        return call("member list", () -> redis().hgetall(keys.members()).thenCompose(members -> {
            List<CompletableFuture<NodeLease>> leases = new ArrayList<>();
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                String nodeId = member.getKey();
                String inc = text(member.getValue());
                CompletableFuture<byte[]> lease = redis().get(keys.lease(nodeId)).toCompletableFuture();
                CompletableFuture<byte[]> seq = redis().hget(keys.routeMeta(nodeId), "seq").toCompletableFuture();
                leases.add(lease.thenCombine(seq, (holder, routeSeq) -> new NodeLease(
                        new NodeIdentity(nodeId, Long.parseUnsignedLong(inc, 16)),
                        holder != null && text(holder).equals(inc),
                        routeSeq == null ? 0 : Long.parseLong(text(routeSeq)))));
            }
            return CompletableFuture.allOf(leases.toArray(CompletableFuture[]::new))
                    .thenApply(ignored -> leases.stream().map(CompletableFuture::join).toList());
        }));
    }

    @Override
    public CompletionStage<Boolean> claimCleanup(NodeIdentity dead, Duration guard) {
        return call("cleanup claim", () -> redis().set(keys.cleanup(dead.nodeId(), dead.incarnation()),
                utf8(self.toString()), SetArgs.Builder.nx().px(guard)).thenApply("OK"::equals));
    }

    @Override
    public CompletionStage<Void> forget(NodeIdentity dead) {
        String inc = Long.toHexString(dead.incarnation());
        return call("forget " + dead, () -> {
            CompletionStage<Long> member = RedisScripts.run(redis(), RedisScripts.FORGET_MEMBER,
                    ScriptOutputType.INTEGER, new String[] {keys.members()}, utf8(dead.nodeId()), utf8(inc));
            return member.thenCombine(routes.forget(redis(), dead), (a, b) -> b)
                    .thenCombine(ownership.forgetClients(redis(), dead), (a, b) -> null);
        });
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
        return call("leave", () -> {
            CompletionStage<Long> lease = redis().del(keys.lease(self.nodeId()));
            CompletionStage<Long> member = RedisScripts.run(redis(), RedisScripts.FORGET_MEMBER,
                    ScriptOutputType.INTEGER, new String[] {keys.members()}, utf8(self.nodeId()), utf8(incarnation));
            return lease.thenCombine(member, (a, b) -> b).thenCombine(routes.forget(redis(), self), (a, b) -> null);
        });
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
        for (AutoCloseable connection : new AutoCloseable[] {subscription, commands, readerConnection}) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (Exception e) {
                LOG.debug("cluster node {}: closing a Redis connection: {}", self, e.toString());
            }
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        readerClient.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        callbackThread.shutdown();
    }
}
