package dev.magpie.cluster.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The three Lettuce connections of one backend, to one Redis (a standalone server, or the master Sentinels name) or to
 * a Redis Cluster, so the backend above runs one code path for both: it sees the commands as
 * {@link RedisClusterAsyncCommands} and the inbox reader's as {@link RedisClusterCommands}, the interfaces both
 * connection kinds implement.
 *
 * <ul>
 *   <li><b>commands</b>: asynchronous and pipelined. On a Redis Cluster, Lettuce sends each command to the master of
 *       its first key's slot and follows {@code MOVED} and {@code ASK} itself; every command the backend sends names
 *       one key, or keys of one hash tag ({@link RedisKeys}), so none is refused as {@code CROSSSLOT}.</li>
 *   <li><b>subscription</b>: the route and retained channels. On a Redis Cluster a plain {@code PUBLISH} (also one
 *       inside a script) reaches subscribers on every node over the cluster bus, so one subscription on any node
 *       hears all of them.</li>
 *   <li><b>reader</b>: a client of its own, whose command timeout covers a blocking {@code XREADGROUP}; nobody else
 *       sends on it.</li>
 * </ul>
 *
 * <p>For a Redis Cluster the topology is refreshed every {@link #TOPOLOGY_REFRESH} and at once on Lettuce's adaptive
 * triggers (a {@code MOVED} or {@code ASK} redirect, a persistent reconnect, an unknown node), so slots that moved or
 * a promoted replica are found without a restart. The password and TLS of the seed URIs ({@link
 * RedisBackendSettings#cluster}) apply to every node Lettuce discovers.
 *
 * <pre>{@code
 * RedisConnections connections = RedisConnections.of(settings);
 * connections.connect((channel, message) -> ..., () -> ..., "magpie:routes").toCompletableFuture().join();
 * connections.commands().get("key");
 * }</pre>
 */
final class RedisConnections implements AutoCloseable {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** How often a Redis Cluster's slot map is read again when nothing triggered it earlier. */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(10);
    /** How many times start-up reads a Redis Cluster's slot map before it gives up ({@link #readSlotMap}). */
    static final int SLOT_MAP_ATTEMPTS = 6;
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    private final RedisBackendSettings settings;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final AbstractRedisClient readerClient;
    private final AtomicBoolean subscriptionDown = new AtomicBoolean();
    private volatile StatefulConnection<String, byte[]> commandConnection;
    private volatile RedisClusterAsyncCommands<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscription;
    private volatile StatefulConnection<String, byte[]> readerConnection;
    private volatile RedisClusterCommands<String, byte[]> reader;
    /** A Redis Cluster's topology changes, on which new masters are connected at once. */
    private volatile Disposable topologyChanges;

    private RedisConnections(RedisBackendSettings settings) {
        this.settings = settings;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), settings.reconnectMaxDelay(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        // the reader's commands block for up to readBlock by design: its timeout covers that
        Duration readerTimeout = settings.commandTimeout().plus(settings.readBlock());
        if (settings.isCluster()) {
            List<RedisURI> seeds = settings.clusterNodes().stream().map(RedisURI::create).toList();
            RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
            cluster.setOptions(clusterOptions(settings.commandTimeout(), settings.tls()));
            RedisClusterClient readerCluster = RedisClusterClient.create(resources, seeds);
            readerCluster.setOptions(clusterOptions(readerTimeout, settings.tls()));
            this.client = cluster;
            this.readerClient = readerCluster;
        } else {
            RedisURI uri = RedisURI.create(settings.uri());
            RedisClient single = RedisClient.create(resources, uri);
            single.setOptions(options(settings.commandTimeout(), settings.tls()));
            RedisClient readerSingle = RedisClient.create(resources, uri);
            readerSingle.setOptions(options(readerTimeout, settings.tls()));
            this.client = single;
            this.readerClient = readerSingle;
        }
    }

    /** The connections {@code settings} describe; nothing is connected before {@link #connect}. */
    static RedisConnections of(RedisBackendSettings settings) {
        return new RedisConnections(settings);
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

    private static ClusterClientOptions clusterOptions(Duration timeout, RedisBackendSettings.Tls tls) {
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .enableAllAdaptiveRefreshTriggers()
                        .build());
        RedisTlsOptions.of(tls).ifPresent(options::sslOptions);   // for the seeds and every node found later
        return options.build();
    }

    /**
     * Opens the three connections and subscribes to {@code channels}. {@code onMessage} gets each message on Lettuce's
     * thread (hand it on, never block there); {@code onResubscribed} runs, also there, each time the subscription's
     * connection came back after it had been lost (Lettuce has subscribed again by then).
     */
    CompletionStage<Void> connect(BiConsumer<String, byte[]> onMessage, Runnable onResubscribed, String... channels) {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscription) {
                    subscriptionDown.set(true);
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == subscription && subscriptionDown.compareAndSet(true, false)) {
                    onResubscribed.run();
                }
            }
        });
        CompletableFuture<? extends StatefulConnection<String, byte[]>> commandsReady;
        CompletableFuture<? extends StatefulRedisPubSubConnection<String, byte[]>> subscriptionReady;
        CompletableFuture<? extends StatefulConnection<String, byte[]>> readerReady;
        if (client instanceof RedisClusterClient cluster) {
            commandsReady = connectCluster(cluster);
            // the pub/sub connection needs the slot map that the first connection read (Lettuce refuses it before)
            subscriptionReady = commandsReady.thenCompose(ignored -> cluster.connectPubSubAsync(CODEC));
            readerReady = connectCluster((RedisClusterClient) readerClient);
            topologyChanges = resources.eventBus().get().filter(ClusterTopologyChangedEvent.class::isInstance)
                    .subscribe(event -> {
                        if (commandConnection instanceof StatefulRedisClusterConnection<String, byte[]> c) {
                            connectMasters(c);
                        }
                        if (readerConnection instanceof StatefulRedisClusterConnection<String, byte[]> c) {
                            connectMasters(c);
                        }
                    });
        } else {
            RedisURI uri = RedisURI.create(settings.uri());
            commandsReady = ((RedisClient) client).connectAsync(CODEC, uri).toCompletableFuture();
            subscriptionReady = ((RedisClient) client).connectPubSubAsync(CODEC, uri).toCompletableFuture();
            readerReady = ((RedisClient) readerClient).connectAsync(CODEC, uri).toCompletableFuture();
        }
        return CompletableFuture.allOf(commandsReady, subscriptionReady, readerReady).thenCompose(ignored -> {
            commandConnection = commandsReady.join();
            commands = asyncOf(commandConnection);
            readerConnection = readerReady.join();
            reader = syncOf(readerConnection);
            subscription = subscriptionReady.join();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    onMessage.accept(channel, message);
                }
            });
            return subscription.async().subscribe(channels).toCompletableFuture();
        });
    }

    /**
     * Reads the slot map (an asynchronous connect needs it first; Lettuce's synchronous one reads it itself), connects,
     * and opens the connection to every master at once: with {@code REJECT_COMMANDS} Lettuce refuses a command whose
     * node connection is still being opened, so without this the first command to each master would fail.
     */
    private static CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> connectCluster(RedisClusterClient cluster) {
        return readSlotMap(cluster, 1)
                .thenCompose(ignored -> cluster.connectAsync(CODEC))
                .thenCompose(connection -> connectMasters(connection).thenApply(ignored -> connection));
    }

    /**
     * Reads the slot map, trying again after a failure up to {@link #SLOT_MAP_ATTEMPTS} times, 50 ms, 100 ms, 200 ms...
     * apart. One read may fail although the seeds are fine: a seed that closes the connection Lettuce has just opened
     * (a {@code CLIENT KILL}, a restart, {@code maxclients}) fails it with "Currently not connected" under
     * {@code REJECT_COMMANDS}, and a node must not refuse to start for that. A wrong seed or password still fails
     * start-up, about a second later.
     */
    private static CompletableFuture<Void> readSlotMap(RedisClusterClient cluster, int attempt) {
        return cluster.refreshPartitionsAsync().toCompletableFuture().handle((ignored, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (attempt >= SLOT_MAP_ATTEMPTS) {
                return CompletableFuture.<Void>failedFuture(failure);
            }
            LOG.debug("reading the Redis Cluster's slot map failed (attempt {} of {}), trying again: {}",
                    attempt, SLOT_MAP_ATTEMPTS, failure.toString());
            Executor later = CompletableFuture.delayedExecutor(50L << (attempt - 1), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(none -> readSlotMap(cluster, attempt + 1));
        }).thenCompose(next -> next);
    }

    /** Opens (or finds open) the connection to each master, as slot routing names them (host and port). */
    private static CompletableFuture<Void> connectMasters(StatefulRedisClusterConnection<String, byte[]> connection) {
        List<CompletableFuture<?>> opened = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && node.getUri() != null) {
                opened.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
            }
        }
        return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new));
    }

    private static RedisClusterAsyncCommands<String, byte[]> asyncOf(StatefulConnection<String, byte[]> connection) {
        return connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster ? cluster.async()
                : ((StatefulRedisConnection<String, byte[]>) connection).async();
    }

    private static RedisClusterCommands<String, byte[]> syncOf(StatefulConnection<String, byte[]> connection) {
        return connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster ? cluster.sync()
                : ((StatefulRedisConnection<String, byte[]>) connection).sync();
    }

    /** The command connection's API; only after {@link #connect} completed, else null. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /** The inbox reader's blocking API (one thread only); only after {@link #connect} completed. */
    RedisClusterCommands<String, byte[]> reader() {
        return reader;
    }

    /** Where Redis is, for messages: {@code host:port}, or the seeds of a Redis Cluster (never a password). */
    String describe() {
        if (settings.isCluster()) {
            return "the Redis Cluster " + settings.clusterNodes().stream().map(RedisURI::create)
                    .map(uri -> uri.getHost() + ":" + uri.getPort()).collect(Collectors.joining(",", "[", "]"));
        }
        RedisURI uri = RedisURI.create(settings.uri());
        return uri.getSentinelMasterId() != null ? "the master " + uri.getSentinelMasterId() + " of Sentinels "
                + uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort()).collect(Collectors.joining(","))
                : uri.getHost() + ":" + uri.getPort();
    }

    /** Closes the connections, then the clients and their threads (each bounded to about 2 s). */
    @Override
    public void close() {
        Disposable changes = topologyChanges;
        if (changes != null) {
            changes.dispose();
        }
        for (StatefulConnection<?, ?> connection : new StatefulConnection<?, ?>[] {subscription, commandConnection,
                readerConnection}) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (RuntimeException e) {
                // closing anyway: the client's shutdown below ends what is left
            }
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        readerClient.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
