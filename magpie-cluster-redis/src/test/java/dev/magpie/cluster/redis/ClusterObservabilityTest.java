package dev.magpie.cluster.redis;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What two nodes over a real Redis show of their cluster: {@code $SYS/broker/cluster/…} and the
 * {@code magpie.cluster.*} meters, counting a message that crossed from A to B.
 */
@Timeout(30)
class ClusterObservabilityTest {
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;
    private final MeterRegistry metersA = new SimpleMeterRegistry();
    private final MeterRegistry metersB = new SimpleMeterRegistry();

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
        nodes = new ClusterTestNodes(redis, "obs");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private Broker node(String nodeId, MeterRegistry meters) {
        return node(nodeId, meters, Duration.ofSeconds(2));
    }

    private Broker node(String nodeId, MeterRegistry meters, Duration commandTimeout) {
        return nodes.node(TestBrokers.anonymous().meterRegistry(meters).sysInterval(Duration.ofMillis(200)),
                nodes.backend(nodeId, settings -> settings.withCommandTimeout(commandTimeout)));
    }

    private static double meter(MeterRegistry meters, String name) {
        return meters.find(name).meters().stream().mapToDouble(m -> m.measure().iterator().next().getValue()).sum();
    }

    // $SYS topics are the server's own [MQTT-4.7.2-1]: read with an explicit $SYS filter, here the cluster's
    @Test
    void aCrossingMessageIsCountedInTheMetersAndSysTopicsOfBothNodes() throws Exception {
        Broker a = node("node-a", metersA);
        Broker b = node("node-b", metersB);
        Mqtt5BlockingClient subscriber = nodes.client(b, "sub-on-b");
        Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLast(publishes::close);
        subscriber.subscribeWith().topicFilter("obs/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = nodes.client(a, "pub-on-a");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic("obs/x").qos(MqttQos.AT_LEAST_ONCE).payload("p".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> got = publishes.receive(150, TimeUnit.MILLISECONDS);
            return got.isPresent() && got.get().getTopic().toString().equals("obs/x");
        });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meter(metersA, "magpie.cluster.forwarded")).isGreaterThanOrEqualTo(1);
            assertThat(meter(metersB, "magpie.cluster.received")).isGreaterThanOrEqualTo(1);
            assertThat(meter(metersA, "magpie.cluster.remote_filters")).isEqualTo(1);   // B's obs/#
            assertThat(meter(metersA, "magpie.cluster.nodes")).isEqualTo(2);
            assertThat(meter(metersB, "magpie.cluster.nodes")).isEqualTo(2);
        });
        assertThat(metersB.find("magpie.cluster.dropped").tag("reason", "not_sent").functionCounter()).isNotNull();
        assertThat(meter(metersA, "magpie.cluster.dropped")).isZero();

        Map<String, String> sys = new ConcurrentHashMap<>();
        Mqtt5BlockingClient reader = nodes.client(a, "sys-reader");
        Mqtt5BlockingClient.Mqtt5Publishes sysMessages = reader.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLast(sysMessages::close);
        reader.subscribeWith().topicFilter("$SYS/broker/cluster/#").send();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sysMessages.receive(300, TimeUnit.MILLISECONDS).ifPresent(p -> sys.put(p.getTopic().toString(),
                    new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            return sys.size() >= 6 && "2".equals(sys.get("$SYS/broker/cluster/nodes"));
        });
        assertThat(sys).containsEntry("$SYS/broker/cluster/node_id", "node-a")
                .containsEntry("$SYS/broker/cluster/routes/remote_filters", "1")
                .containsEntry("$SYS/broker/cluster/messages/dropped", "0")
                .containsKeys("$SYS/broker/cluster/messages/received");
        assertThat(Long.parseLong(sys.get("$SYS/broker/cluster/messages/forwarded"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLeaseRenewalThatRedisDoesNotAnswerIsCounted() throws Exception {
        node("node-slow", metersA, Duration.ofMillis(300));
        assertThat(meter(metersA, "magpie.cluster.lease.renewal.failures")).isZero();
        // renewals come every 2 s; Redis answers none for 2.5 s, so at least one times out (after 300 ms)
        redis.command("CLIENT", "PAUSE", "2500", "ALL");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(meter(metersA, "magpie.cluster.lease.renewal.failures")).isGreaterThanOrEqualTo(1));
    }
}
