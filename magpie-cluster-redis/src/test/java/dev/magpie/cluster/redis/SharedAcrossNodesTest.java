package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.magpie.Broker;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shared subscription across three nodes over a real Redis [MQTT-4.8.2]: with members on B and C, each message
 * published on A reaches exactly one member of the group [MQTT-4.8.2-3], split evenly across the nodes; once A has a
 * member of its own, A's member gets them locally (local members first).
 */
@Timeout(30)
class SharedAcrossNodesTest {
    private static final String GROUP = "$share/workers/jobs/#";
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
        nodes = new ClusterTestNodes(redis, "share");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private MqttClient connected(Broker broker, String id) throws Exception {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        client.connect(PahoOptions.v3());
        nodes.closeLater(() -> {
            client.disconnectForcibly(0, 200);
            client.close();
        });
        return client;
    }

    private List<String> member(Broker broker, String id) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient client = connected(broker, id);
        // a client-wide callback: Paho 3.1.1 matches a per-subscription listener against "$share/..." and misses
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic.equals("jobs/probe") ? "probe" : new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.subscribe(GROUP, 1);
        return received;
    }

    private static List<String> jobs(List<String> received) {
        return received.stream().filter(m -> !m.equals("probe")).toList();
    }

    @Test
    void eachMessageReachesOneMemberClusterWideSplitAcrossNodesAndLocalMembersComeFirst() throws Exception {
        Broker a = nodes.node("a");
        Broker b = nodes.node("b");
        Broker c = nodes.node("c");
        List<String> onB = member(b, "member-b");
        List<String> onC = member(c, "member-c");
        MqttClient publisher = connected(a, "publisher");
        // A learns where the group has members from B's and C's route deltas: probe until both got one
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            publisher.publish("jobs/probe", new byte[] {1}, 1, false);
            return onB.contains("probe") && onC.contains("probe");
        });

        int count = 40;
        for (int i = 0; i < count; i++) {
            publisher.publish("jobs/" + i, ("job" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        List<String> expected = IntStream.range(0, count).mapToObj(i -> "job" + i).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs(onB).size() + jobs(onC).size() >= count);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> jobs(onB).size() + jobs(onC).size() == count);
        assertThat(Stream.concat(jobs(onB).stream(), jobs(onC).stream()).toList())
                .as("each message once in the group").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(jobs(onB).size()).as("split evenly between B and C").isBetween(count / 2 - 4, count / 2 + 4);
        assertThat(jobs(onB)).as("in order per member").isSortedAccordingTo(
                java.util.Comparator.comparingInt(m -> Integer.parseInt(m.substring(3))));

        List<String> onA = member(a, "member-a");              // now A has a member of its own
        int beforeB = onB.size();
        int beforeC = onC.size();
        for (int i = 0; i < 10; i++) {
            publisher.publish("jobs/local" + i, ("local" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> onA.size() >= 10);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> onA.size() == 10);
        assertThat(onA).as("A's own member gets them: local members first")
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "local" + i).toList());
        assertThat(onB.size() + onC.size()).as("none went to another node").isEqualTo(beforeB + beforeC);
    }
}
