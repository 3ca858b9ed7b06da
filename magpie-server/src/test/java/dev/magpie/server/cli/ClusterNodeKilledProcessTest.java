package dev.magpie.server.cli;

import dev.magpie.cluster.redis.RedisServerKit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster node killed with SIGKILL while it serves clients, as a real process over a real {@code redis-server}: the
 * survivor notices the lost lease, publishes each will of the dead node's clients exactly once [MQTT-3.1.2-8], adopts
 * its persistent sessions with their subscriptions, and delivers what was sent to the dead node meanwhile, so the
 * client resumes on the survivor with Session Present 1 [MQTT-3.2.2-2] and gets every message whose publisher had its
 * PUBACK [MQTT-4.3.2-1]. Nothing about the kill is simulated: no shutdown hook runs, the lease just stops.
 */
class ClusterNodeKilledProcessTest {
    private static final Duration DEATH_NOTICED = Duration.ofSeconds(25);
    /** Messages a publisher has unacknowledged at once: under the broker's default receive maximum of 100. */
    private static final int WINDOW = 90;
    private static RedisServerKit redis;

    @TempDir
    Path dir;
    private final List<ServeProcess> nodes = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        redis.close();
    }

    @AfterEach
    void stop() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 500);
                }
                client.close(true);
            } catch (MqttException e) {
                // already gone with its node
            }
        }
        nodes.forEach(ServeProcess::close);
    }

    private ServeProcess node(String name) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                listeners:
                  - name: tcp
                    type: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                cluster:
                  enabled: true
                  node_id: %s
                """.formatted(name));
        ServeProcess node = ServeProcess.start(Map.of("MAGPIE_DATA_DIR", dir.resolve(name).toString(),
                "MAGPIE_CLUSTER_REDIS_URI", redis.uri()), "--config", config.toString());
        nodes.add(node);
        node.awaitLine("cluster node " + name);
        return node;
    }

    private MqttClient client(int port, String id, MqttConnectOptions options, List<String> received) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
        client.setCallback(collectingInto(received));
        client.connect(options);
        clients.add(client);
        return client;
    }

    /** Adds "topic payload" of each message that arrives to {@code received}. */
    private static MqttCallback collectingInto(List<String> received) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(60);
        return options;
    }

    // [MQTT-4.3.2-1]: a message whose PUBACK the publisher got is not lost when the publisher's node dies right after
    @Test
    void everyMessageAcknowledgedByANodeKilledRightAfterReachesTheSubscriberOnTheOtherNode() throws Exception {
        ServeProcess survivor = node("node-s");
        ServeProcess doomed = node("node-d");
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient subscriber = client(survivor.awaitPort("tcp"), "subscriber", options(true), got);
        subscriber.subscribe("data/#", 1);
        MqttAsyncClient publisher = new MqttAsyncClient("tcp://127.0.0.1:" + doomed.awaitPort("tcp"), "burst", new MemoryPersistence());
        MqttConnectOptions burst = options(true);
        burst.setMaxInflight(5_000);
        publisher.connect(burst).waitForCompletion(10_000);
        // the subscriber's route has reached the doomed node once a probe crosses
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (got.isEmpty()) {
                publisher.publish("data/probe", "p".getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(5_000);
            }
            return !got.isEmpty();
        });
        got.clear();

        // a burst in flight at once, so the node's queue towards the other node is deep when the last PUBACK comes
        int count = 900; // under the subscriber's queue bound (max_queued_messages 1,000), so nothing is dropped there
        List<IMqttDeliveryToken> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            acks.add(publisher.publish("data/burst", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false));
        }
        for (IMqttDeliveryToken ack : acks) {
            ack.waitForCompletion(15_000);                  // its PUBACK arrived
        }
        doomed.kill(); // right after the last PUBACK: whatever the node had not handed to Redis yet would be lost
        publisher.disconnectForcibly(0, 0);
        publisher.close(true);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(got.stream().filter(m -> m.startsWith("data/burst")).distinct().count())
                .as("distinct messages received of %d acknowledged (%d with duplicates); survivor log tail: %s", count, got.size(),
                        survivor.lines().subList(Math.max(0, survivor.lines().size() - 8), survivor.lines().size()))
                .isGreaterThanOrEqualTo(count));
        assertThat(got.stream().filter(m -> m.startsWith("data/burst ")).distinct()).hasSize(count)
                .contains("data/burst m0", "data/burst m" + (count - 1));
    }

    @Test
    void theSurvivorPublishesTheWillsOnceAndResumesTheDeadNodesSessionsWithWhatWasSentMeanwhile() throws Exception {
        ServeProcess survivor = node("node-s");
        ServeProcess doomed = node("node-d");
        int survivorPort = survivor.awaitPort("tcp");
        int doomedPort = doomed.awaitPort("tcp");

        List<String> watched = new CopyOnWriteArrayList<>();
        MqttClient watcher = client(survivorPort, "watcher", options(true), watched);
        watcher.subscribe("status/#", 1);

        // on the node to be killed: a device with a persistent session and a will, and a clean one with a will
        MqttConnectOptions device = options(false);
        device.setWill("status/device", "device gone".getBytes(StandardCharsets.UTF_8), 1, false);
        List<String> deviceGot = new CopyOnWriteArrayList<>();
        MqttClient first = client(doomedPort, "device", device, deviceGot);
        first.subscribe("cmd/device", 1);
        MqttConnectOptions sensor = options(true);
        sensor.setWill("status/sensor", "sensor gone".getBytes(StandardCharsets.UTF_8), 0, false);
        client(doomedPort, "sensor", sensor, new CopyOnWriteArrayList<>());

        // the device's route has reached the survivor once a command published there arrives
        MqttClient publisher = client(survivorPort, "publisher", options(true), new CopyOnWriteArrayList<>());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (deviceGot.isEmpty()) {
                publisher.publish("cmd/device", "ping".getBytes(StandardCharsets.UTF_8), 1, false);
            }
            return !deviceGot.isEmpty();
        });
        assertThat(watched).as("no will while the node lives").isEmpty();

        doomed.kill();
        // sent while the node is dead and not yet noticed: into its inbox, PUBACK'd by the survivor
        publisher.publish("cmd/device", "while dead".getBytes(StandardCharsets.UTF_8), 1, false);

        await().atMost(DEATH_NOTICED).until(() -> watched.size() >= 2);
        assertThat(watched).containsExactlyInAnyOrder("status/device device gone", "status/sensor sensor gone");
        // after the adoption: straight into the adopted session here
        await().atMost(Duration.ofSeconds(10)).until(() -> survivor.contains("cleaned up after node-d"));
        publisher.publish("cmd/device", "after adoption".getBytes(StandardCharsets.UTF_8), 1, false);

        deviceGot.clear();
        MqttClient resumed = new MqttClient("tcp://127.0.0.1:" + survivorPort, "device", new MemoryPersistence());
        List<String> resumedGot = new CopyOnWriteArrayList<>();
        resumed.setCallback(collectingInto(resumedGot));
        clients.add(resumed);
        assertThat(resumed.connectWithResult(options(false)).getSessionPresent()).as("session present on the survivor").isTrue();
        // a "ping" the dead node had not finished may come again (at least once); the two sent since must both arrive
        await().atMost(Duration.ofSeconds(10)).until(() -> resumedGot.stream().filter(m -> !m.endsWith(" ping")).count() >= 2);
        assertThat(resumedGot.stream().filter(m -> !m.endsWith(" ping")))
                .containsExactly("cmd/device while dead", "cmd/device after adoption");
        // exactly once: nothing more arrives while a later message goes the same way
        watcher.publish("status/marker", "m".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> watched.contains("status/marker m"));
        assertThat(watched).hasSize(3);
    }

    // [MQTT-4.3.2-2], [MQTT-4.3.3-2]: what the publisher had acknowledged for an offline persistent session on a node
    // killed with SIGKILL reaches the client when it resumes on the survivor, from the session's copy and from the dead
    // node's inbox: every QoS 1 message at least once, every QoS 2 message exactly once [MQTT-4.3.3-10], each topic in
    // order [MQTT-4.6.0-6]
    @Test
    void queuedMessagesOfAnOfflineSessionOnAKilledNodeReachItsClientOnTheSurvivorQos2ExactlyOnce() throws Exception {
        ServeProcess survivor = node("node-s");
        ServeProcess doomed = node("node-d");
        int survivorPort = survivor.awaitPort("tcp");
        List<String> probes = new CopyOnWriteArrayList<>();
        MqttClient device = client(doomed.awaitPort("tcp"), "device", options(false), probes);
        device.subscribe("cmd/#", 2);
        MqttAsyncClient publisher = new MqttAsyncClient("tcp://127.0.0.1:" + survivorPort, "burst", new MemoryPersistence());
        MqttConnectOptions burst = options(true);
        burst.setMaxInflight(WINDOW + 10); // Paho counts a completed token a moment after waitForCompletion returns
        publisher.connect(burst).waitForCompletion(10_000);
        // the device's route has reached the survivor once a probe crosses
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (probes.isEmpty()) {
                publisher.publish("cmd/probe", "p".getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(5_000);
            }
            return !probes.isEmpty();
        });
        device.disconnect(5_000); // offline: what follows is queued in its session on the doomed node

        int count = 300; // under the session's queue bound (max_queued_messages 1,000)
        List<IMqttDeliveryToken> acks = new ArrayList<>(count);
        int settled = 0; // acks.get(0 .. settled - 1) have completed
        List<String> q1 = new ArrayList<>();
        List<String> q2 = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int qos = 1 + i % 2;
            String text = "m" + i;
            (qos == 1 ? q1 : q2).add("cmd/q" + qos + " " + text);
            // at most WINDOW unacknowledged, within the broker's receive maximum (100); every earlier one is waited
            // for, since a QoS 1 acknowledgement may overtake the QoS 2 exchange before it
            while (settled <= i - WINDOW) {
                acks.get(settled++).waitForCompletion(15_000);
            }
            acks.add(publisher.publish("cmd/q" + qos, text.getBytes(StandardCharsets.UTF_8), qos, false));
        }
        for (IMqttDeliveryToken ack : acks) {
            ack.waitForCompletion(15_000);                  // its PUBACK or PUBCOMP arrived
        }
        doomed.kill(); // right after the last acknowledgement: some in the session's copy, some still in the inbox
        publisher.disconnect(0).waitForCompletion(5_000); // (disconnectForcibly(0, 0) here waited Paho's 2 min)
        publisher.close(true);

        await().atMost(DEATH_NOTICED).until(() -> survivor.contains("cleaned up after node-d"));

        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient resumed = new MqttClient("tcp://127.0.0.1:" + survivorPort, "device", new MemoryPersistence());
        resumed.setCallback(collectingInto(got));
        clients.add(resumed);
        assertThat(resumed.connectWithResult(options(false)).getSessionPresent()).as("session present on the survivor").isTrue();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(got.stream().filter(m -> !m.startsWith("cmd/probe")).distinct().count())
                .as("distinct of %d acknowledged; survivor log tail: %s", count,
                        survivor.lines().subList(Math.max(0, survivor.lines().size() - 8), survivor.lines().size()))
                .isEqualTo(count));
        // nothing more comes while a marker goes the same way
        MqttClient marker = client(survivorPort, "marker", options(true), new CopyOnWriteArrayList<>());
        marker.publish("cmd/q2", "end".getBytes(StandardCharsets.UTF_8), 2, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("cmd/q2 end"));
        assertThat(got.stream().filter(m -> m.startsWith("cmd/q2 m"))).as("QoS 2: each exactly once, in order")
                .containsExactlyElementsOf(q2);
        assertThat(got.stream().filter(m -> m.startsWith("cmd/q1 ")).distinct()).as("QoS 1: each, in order")
                .containsExactlyElementsOf(q1);
    }
}
