package dev.magpie.cluster.redis;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.testkit.TestBrokers;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The cluster nodes of one test over its class's {@link RedisServerKit} (or {@link RedisClusterKit}): every backend under a key prefix of the test's
 * own, so tests sharing a Redis never see each other's keys; brokers, backends and clients made here are closed by
 * {@link #close()} in reverse order (clients before their broker, brokers before Redis goes).
 *
 * <pre>{@code
 * nodes = new ClusterTestNodes(redis, "matrix");
 * Broker a = nodes.node("a");
 * Mqtt5BlockingClient publisher = nodes.client(a, "pub");
 * }</pre>
 */
final class ClusterTestNodes implements AutoCloseable {
    private final RedisBackendSettings base;
    private final String prefix;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** {@code name} starts the key prefix (a random suffix follows), so a test's keys say whose they are. */
    ClusterTestNodes(RedisServerKit redis, String name) {
        this(RedisBackendSettings.of(redis.uri()), name);
    }

    /** Nodes over whatever {@code base} reaches (a {@link RedisClusterKit}'s seeds), under a prefix of their own. */
    ClusterTestNodes(RedisBackendSettings base, String name) {
        this.base = base;
        this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    String prefix() {
        return prefix;
    }

    /** The settings every backend of this test starts from: the test's Redis and key prefix. */
    RedisBackendSettings settings() {
        return base.withKeyPrefix(prefix);
    }

    /**
     * A backend for {@code nodeId} (a fresh incarnation), not started, with {@code change} made to the settings (a
     * timeout, an inbox bound). Handed to a broker ({@link #node(Broker.Builder, ClusterBackend)}), the broker closes
     * it; one used on its own (an observer) is given to {@link #closeLater}.
     */
    RedisClusterBackend backend(String nodeId, UnaryOperator<RedisBackendSettings> change) {
        return RedisClusterBackend.create(change.apply(settings()), NodeIdentity.fresh(nodeId));
    }

    RedisClusterBackend backend(String nodeId) {
        return backend(nodeId, settings -> settings);
    }

    /** A started broker that is node {@code nodeId}: one anonymous tcp listener, one I/O loop. */
    Broker node(String nodeId) {
        return node(TestBrokers.anonymous(), backend(nodeId));
    }

    /** {@code builder} built and started as a node over {@code backend}, with one I/O loop; stopped at the end. */
    Broker node(Broker.Builder builder, ClusterBackend backend) {
        return closeLater(builder.ioThreads(1).cluster(backend).build().start());
    }

    /** A HiveMQ MQTT 5 client connected to {@code broker}'s tcp listener; disconnected at the end. */
    Mqtt5BlockingClient client(Broker broker, String id) {
        Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port("tcp")).buildBlocking();
        client.connect();
        opened.add(client::disconnect);
        return client;
    }

    /** Closes {@code resource} at the end, before what was opened earlier. */
    <T extends AutoCloseable> T closeLater(T resource) {
        opened.add(resource);
        return resource;
    }

    /** Closes {@code resource} at the very end, after everything else (a client's stream of publishes). */
    void closeLast(AutoCloseable resource) {
        opened.add(0, resource);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
