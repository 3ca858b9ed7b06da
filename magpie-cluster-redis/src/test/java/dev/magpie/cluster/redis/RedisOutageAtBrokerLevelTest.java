package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.RouteSnapshot;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis misbehaving under two running brokers: restarted empty in the middle of a stream ({@code SHUTDOWN NOSAVE} and
 * a new server on the same port), the routes come back by themselves and messages cross again without any client
 * doing anything; paused ({@code CLIENT PAUSE}), the event loops keep serving local clients at once.
 */
@Timeout(30)
class RedisOutageAtBrokerLevelTest {
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;
    private Broker brokerA;
    private Broker brokerB;

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

    private RedisClusterBackend backend(String nodeId) {
        return nodes.backend(nodeId, settings -> settings.withCommandTimeout(Duration.ofMillis(500)));
    }

    private Broker node(String nodeId) {
        return nodes.node(TestBrokers.anonymous(), backend(nodeId));
    }

    @BeforeEach
    void startBrokers() {
        nodes = new ClusterTestNodes(redis, "brk");
        brokerA = node("a");
        brokerB = node("b");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private Mqtt5BlockingClient.Mqtt5Publishes publishes(Mqtt5BlockingClient client) {
        Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLater(publishes::close);
        return publishes;
    }

    /** Publishes on {@code publisher} until one message reaches {@code at}; returns what arrived. */
    private static String crossing(Mqtt5BlockingClient publisher, Mqtt5BlockingClient.Mqtt5Publishes at, String topic,
                                   String tag) {
        String[] got = new String[1];
        int[] sent = new int[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload((tag + sent[0]++).getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> next = at.receive(150, TimeUnit.MILLISECONDS);
            next.filter(p -> p.getTopic().toString().equals(topic))
                    .ifPresent(p -> got[0] = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void afterRedisRestartedEmptyMidStreamRoutesRecoverAndMessagesCrossAgain() throws Exception {
        Mqtt5BlockingClient subscriber = nodes.client(brokerB, "sub-b");
        Mqtt5BlockingClient.Mqtt5Publishes atB = publishes(subscriber);
        subscriber.subscribeWith().topicFilter("stream/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = nodes.client(brokerA, "pub-a");
        assertThat(crossing(publisher, atB, "stream/x", "before")).startsWith("before");

        redis.restart();                                       // everything Redis held is gone, mid-stream

        // no client re-subscribes: b puts its routes back, a re-reads them, the inbox group is made again
        RedisClusterBackend observer = backend("observer");
        nodes.closeLater(observer);
        observer.start(new ClusterEvents() { }, batch -> CompletableFuture.completedFuture(null))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> observer.loadRoutes("b").toCompletableFuture()
                .handle((found, failure) -> failure == null ? found.map(RouteSnapshot::filters).orElse(Set.of()) : Set.of())
                .get().equals(Set.of("stream/#")));
        assertThat(crossing(publisher, atB, "stream/x", "after")).startsWith("after");
    }

    @Test
    void whileRedisIsPausedLocalClientsAreServedAtOnce() throws Exception {
        Mqtt5BlockingClient subscriber = nodes.client(brokerA, "local-sub");
        Mqtt5BlockingClient.Mqtt5Publishes atA = publishes(subscriber);
        subscriber.subscribeWith().topicFilter("local/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = nodes.client(brokerA, "local-pub");
        Mqtt5BlockingClient remote = nodes.client(brokerB, "remote-sub");
        Mqtt5BlockingClient.Mqtt5Publishes atB = publishes(remote);
        remote.subscribeWith().topicFilter("local/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(crossing(publisher, atB, "local/warm", "warm")).startsWith("warm");  // routes known: publishes are also forwarded

        assertThat(redis.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("OK");
        long pausedAt = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            publisher.publishWith().topic("local/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("p" + i).getBytes(StandardCharsets.UTF_8)).send();    // returns after the PUBACK
            Optional<Mqtt5Publish> got;
            do {
                got = atA.receive(1, TimeUnit.SECONDS);
            } while (got.isPresent() && got.get().getTopic().toString().equals("local/warm"));
            assertThat(got).as("delivered locally while Redis is paused").isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("p" + i);
            // the first PUBACK waits for the copy's send to B to time out (500 ms here: acknowledged copies must be in
            // Redis while it answers); then the link knows Redis is not answering and no acknowledgement waits
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no wait on Redis [no event loop waits]")
                    .isLessThan(Duration.ofMillis(i == 0 ? 1_200 : 400));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).as("all of it inside the pause")
                .isLessThan(Duration.ofMillis(3000));
        // after the pause the forwarded copies arrive at B too (the link resent what timed out)
        List<String> remoteGot = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            atB.receive(200, TimeUnit.MILLISECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .filter(p -> p.startsWith("p")).ifPresent(remoteGot::add);
            return remoteGot.size() >= 10;
        });
        assertThat(remoteGot).as("once each, in order").containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
    }
}
