package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
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
 * Two in-process brokers, each a cluster node over one real three-master Redis Cluster (each given a different seed):
 * a message crosses from A to a subscriber on B; a persistent session left on A resumes on B with its subscription
 * and its queue [MQTT-3.2.2-2]; a message retained on A reaches a subscriber on B. The nodes' keys (inboxes, owners,
 * sessions, retained buckets) spread over the three masters, and the announcements cross them by the cluster bus.
 */
@Timeout(30)
class TwoNodesOverRedisClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static RedisClusterKit cluster;

    private ClusterTestNodes nodes;
    private Broker nodeA;
    private Broker nodeB;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterKit.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void startNodes() {
        nodes = new ClusterTestNodes(RedisBackendSettings.cluster(cluster.nodes(), "", false), "rc");
        nodeA = nodes.node(TestBrokers.anonymous(), RedisClusterBackend.create(
                seed(0).withKeyPrefix(nodes.prefix()), NodeIdentity.fresh("a")));
        nodeB = nodes.node(TestBrokers.anonymous(), RedisClusterBackend.create(
                seed(2).withKeyPrefix(nodes.prefix()), NodeIdentity.fresh("b")));
    }

    /** Settings naming only the {@code index}th master: the node finds the others from it. */
    private static RedisBackendSettings seed(int index) {
        return RedisBackendSettings.cluster(List.of(cluster.nodes().get(index)), "", false);
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aMessagePublishedOnAReachesASubscriberOnBOnceAndInOrder() throws Exception {
        Mqtt5BlockingClient subscriber = nodes.client(nodeB, "sub-on-b");
        Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLast(publishes::close);
        subscriber.subscribeWith().topicFilter("plant/+/pressure").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = nodes.client(nodeA, "pub-on-a");
        // A learns B's route from the delta on the cluster's pub/sub: probe until one crosses
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic("plant/probe/pressure").qos(MqttQos.AT_MOST_ONCE).send();
            return publishes.receive(150, TimeUnit.MILLISECONDS).isPresent();
        });
        while (publishes.receive(100, TimeUnit.MILLISECONDS).isPresent()) {
            // late probes
        }
        for (int i = 0; i < 10; i++) {
            publisher.publishWith().topic("plant/boiler/pressure").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("p" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Optional<Mqtt5Publish> next = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            next.ifPresent(p -> received.add(text(p)));
        }
        assertThat(received).as("each once, in publish order").containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6",
                "p7", "p8", "p9");
        assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).as("no duplicate").isEmpty();
    }

    @Test
    void aPersistentSessionLeftOnAResumesOnBWithItsSubscriptionAndQueue_MQTT_3_2_2_2() {
        Connect persistent = new Connect(MqttVersion.V5, "meter-7", false, 60, null, null, null,
                MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build());
        try (RawMqttClient onA = RawMqttClient.connected(nodeA.port("tcp"), persistent)) {
            onA.subscribe("meter/7/#", 1);
            onA.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(onA.awaitClosed(WAIT)).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            nodeA.publish("meter/7/reading", ("r" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(WAIT).until(() -> nodeA.admin().client("meter-7")
                .map(c -> c.queued().size() + c.inflight().size() == 5).orElse(false));

        try (RawMqttClient onB = RawMqttClient.connect("127.0.0.1", nodeB.port("tcp"))) {
            ConnAck ack = onB.send(persistent).receive(ConnAck.class, WAIT);
            assertThat(ack.sessionPresent()).as("Session Present on the other node").isTrue();
            List<String> readings = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Publish p = onB.publishWithin(WAIT).orElseThrow(() -> new AssertionError("only " + readings + " arrived"));
                onB.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
                readings.add(new String(p.payload(), StandardCharsets.UTF_8));
            }
            assertThat(readings).as("queued on A, delivered on B, in order").containsExactly("r0", "r1", "r2", "r3", "r4");
            assertThat(onB.publishWithin(Duration.ofMillis(300))).as("each once").isEmpty();
            await().atMost(WAIT).until(() -> nodeA.admin().client("meter-7").isEmpty());
            nodeB.publish("meter/7/reading", "fresh");
            assertThat(onB.publishWithin(WAIT)).as("the subscription came along").hasValueSatisfying(p ->
                    assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("fresh"));
        }
    }

    @Test
    void aMessageRetainedOnAReachesASubscriberOnB() throws Exception {
        Mqtt5BlockingClient publisher = nodes.client(nodeA, "retainer");
        publisher.publishWith().topic("site/gate/state").qos(MqttQos.AT_LEAST_ONCE).retain(true)   // after the PUBACK
                .payload("open".getBytes(StandardCharsets.UTF_8)).send();
        await().atMost(WAIT).until(() -> !nodeB.admin().retained("site/gate/state").isEmpty());
        Mqtt5BlockingClient onB = nodes.client(nodeB, "watcher");
        Mqtt5BlockingClient.Mqtt5Publishes atB = onB.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLast(atB::close);
        onB.subscribeWith().topicFilter("site/+/state").qos(MqttQos.AT_LEAST_ONCE).send();
        Optional<Mqtt5Publish> got = atB.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(got).as("the retained message, from B's own index").isPresent();
        assertThat(text(got.get())).isEqualTo("open");
        assertThat(got.get().isRetain()).isTrue();
    }
}
