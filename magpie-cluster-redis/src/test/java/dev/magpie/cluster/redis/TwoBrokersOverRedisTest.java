package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.RouteSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two in-process brokers, each a cluster node over one real Redis: a subscriber on B gets what a publisher on A
 * sends, at QoS 0 and 1, with its properties, once and in order; B's routes are its distinct filters.
 */
@Timeout(30)
class TwoBrokersOverRedisTest {
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;
    private Broker brokerA;
    private Broker brokerB;
    private RedisClusterBackend observer;

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
    void startBrokers() {
        nodes = new ClusterTestNodes(redis, "two");
        brokerA = nodes.node("a");
        brokerB = nodes.node("b");
        observer = nodes.closeLater(nodes.backend("observer"));
        observer.start(new ClusterEvents() { }, batch -> java.util.concurrent.CompletableFuture.completedFuture(null))
                .toCompletableFuture().join();
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private Set<String> routesOf(String nodeId) {
        return observer.loadRoutes(nodeId).toCompletableFuture().join().map(RouteSnapshot::filters).orElse(Set.of());
    }

    @Test
    void aPublishOnADeliversToASubscriberOnBAtQos0And1WithItsProperties() throws Exception {
        Mqtt5BlockingClient subscriber = nodes.client(brokerB, "sub-on-b");
        Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLast(publishes::close);
        subscriber.subscribeWith().topicFilter("cross/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> routesOf("b").equals(Set.of("cross/+/temp")));

        Mqtt5BlockingClient publisher = nodes.client(brokerA, "pub-on-a");
        // A learns B's routes from the delta (or its member poll): probe until one crosses
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic("cross/probe/temp").qos(MqttQos.AT_MOST_ONCE).send();
            return publishes.receive(150, TimeUnit.MILLISECONDS).isPresent();
        });

        int count = 20;
        for (int i = 0; i < count; i++) {
            publisher.publishWith().topic("cross/kitchen/temp").qos(i % 2 == 0 ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE)
                    .payload(("t" + i).getBytes(StandardCharsets.UTF_8))
                    .userProperties().add("seq", Integer.toString(i)).applyUserProperties()
                    .messageExpiryInterval(60).contentType("text/plain")
                    .send();
        }
        List<Mqtt5Publish> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < count && System.nanoTime() < deadline) {
            Optional<Mqtt5Publish> next = publishes.receive(500, TimeUnit.MILLISECONDS);
            next.filter(p -> p.getTopic().toString().equals("cross/kitchen/temp")).ifPresent(received::add);
        }
        // in publish order per QoS: this client interleaves QoS 0 and QoS 1 differently on one broker too
        for (MqttQos qos : List.of(MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE)) {
            int first = qos == MqttQos.AT_LEAST_ONCE ? 0 : 1;
            assertThat(received).filteredOn(p -> p.getQos() == qos)
                    .extracting(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .as("each %s message once, in publish order", qos).containsExactlyElementsOf(
                            java.util.stream.IntStream.range(0, count).filter(i -> i % 2 == first)
                                    .mapToObj(i -> "t" + i).toList());
        }
        received.sort(java.util.Comparator.comparingInt(p -> Integer.parseInt(
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8).substring(1))));
        for (int i = 0; i < count; i++) {
            Mqtt5Publish publish = received.get(i);
            assertThat(publish.getQos()).isEqualTo(i % 2 == 0 ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE);
            assertThat(publish.getUserProperties().asList()).hasSize(1);
            assertThat(publish.getUserProperties().asList().get(0).getValue().toString()).isEqualTo(Integer.toString(i));
            assertThat(publish.getContentType()).hasValueSatisfying(type -> assertThat(type.toString()).isEqualTo("text/plain"));
            assertThat(publish.getMessageExpiryInterval().orElse(-1)).as("expiry counted down, not reset").isBetween(50L, 60L);
            assertThat(publish.isRetain()).isFalse();
        }
        assertThat(publishes.receive(300, TimeUnit.MILLISECONDS))
                .as("no duplicate after the last one").matches(p -> p.isEmpty() || p.get().getTopic().toString().equals("cross/probe/temp"));
    }

    @Test
    void aNodesRoutesAreItsDistinctFiltersNotItsSubscriptions() {
        Mqtt5BlockingClient first = nodes.client(brokerB, "first");
        Mqtt5BlockingClient second = nodes.client(brokerB, "second");
        first.subscribeWith().topicFilter("shared/filter/#").qos(MqttQos.AT_MOST_ONCE).send();
        second.subscribeWith().topicFilter("shared/filter/#").qos(MqttQos.AT_LEAST_ONCE).send();
        second.subscribeWith().topicFilter("only/second").qos(MqttQos.AT_MOST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> routesOf("b").equals(Set.of("shared/filter/#", "only/second")));
        first.unsubscribeWith().topicFilter("shared/filter/#").send();
        second.unsubscribeWith().topicFilter("only/second").send();
        await().atMost(Duration.ofSeconds(10)).until(() -> routesOf("b").equals(Set.of("shared/filter/#")));
        second.unsubscribeWith().topicFilter("shared/filter/#").send();
        await().atMost(Duration.ofSeconds(10)).until(() -> routesOf("b").isEmpty());
        assertThat(routesOf("a")).as("a has no subscribers").isEmpty();
    }
}
