package dev.magpie.cluster.redis;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow node (its inbox handler takes 10 ms per message) does not slow the others: a subscriber on C has all of A's
 * messages while B is still behind; B's backlog waits in its bounded Redis inbox, and B catches up with every
 * message, in order.
 */
@Timeout(30)
class SlowNodeTest {
    private static final int MESSAGES = 300;
    private static final long HANDLER_MILLIS_PER_MESSAGE = 10;
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void nodes() {
        nodes = new ClusterTestNodes(redis, "slow");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private RedisClusterBackend backend(String nodeId) {
        return nodes.backend(nodeId, settings -> settings.withInboxMaxLength(1_000));
    }

    /** {@code real}, except that its inbox handler takes {@link #HANDLER_MILLIS_PER_MESSAGE} per message. */
    private static ClusterBackend slowInbox(ClusterBackend real) {
        return (ClusterBackend) Proxy.newProxyInstance(ClusterBackend.class.getClassLoader(),
                new Class<?>[] {ClusterBackend.class}, (proxy, method, args) -> {
                    if (method.getName().equals("start")) {
                        InboxHandler fast = (InboxHandler) args[1];
                        args[1] = (InboxHandler) batch -> CompletableFuture.runAsync(() -> { },
                                        CompletableFuture.delayedExecutor(HANDLER_MILLIS_PER_MESSAGE * batch.size(),
                                                TimeUnit.MILLISECONDS))
                                .thenCompose(ignored -> fast.handle(batch));
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private Broker node(ClusterBackend backend) {
        return nodes.node(TestBrokers.anonymous(), backend);
    }

    private List<String> subscriber(Broker broker, String id) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port("tcp")).buildAsync();
        client.connect().join();
        nodes.closeLater(() -> client.disconnect().get(2, TimeUnit.SECONDS));
        List<String> received = new CopyOnWriteArrayList<>();
        client.subscribeWith().topicFilter("feed/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))).send().join();
        return received;
    }

    @Test
    void aSlowNodeDoesNotHoldBackTheOthersAndCatchesUpInOrder() throws Exception {
        Broker a = node(backend("a"));
        Broker b = node(slowInbox(backend("b")));
        Broker c = node(backend("c"));
        List<String> onB = subscriber(b, "sub-b");
        List<String> onC = subscriber(c, "sub-c");
        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("pub").serverHost("127.0.0.1")
                .serverPort(a.port("tcp")).buildBlocking();
        publisher.connect();
        nodes.closeLater(publisher::disconnect);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic("feed/probe").payload("probe".getBytes(StandardCharsets.UTF_8)).send();
            return onB.contains("probe") && onC.contains("probe");
        });

        for (int i = 0; i < MESSAGES; i++) {
            publisher.publishWith().topic("feed/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> onC.stream().filter(m -> m.startsWith("m")).count() == MESSAGES);
        long bWhenCWasDone = onB.stream().filter(m -> m.startsWith("m")).count();
        assertThat(bWhenCWasDone).as("C was not held back by the slow B").isLessThan(MESSAGES);
        assertThat(Long.parseLong(redis.command("XLEN", nodes.prefix() + ":{n:b}:inbox").replaceAll("\\D", "")))
                .as("B's backlog waits in its bounded inbox").isBetween(1L, 1_200L);

        List<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "m" + i).toList();
        await().atMost(Duration.ofSeconds(15)).until(() -> onB.stream().filter(m -> m.startsWith("m")).count() >= MESSAGES);
        assertThat(onB.stream().filter(m -> m.startsWith("m")).toList()).as("B caught up: each once, in order")
                .containsExactlyElementsOf(expected);
    }
}
