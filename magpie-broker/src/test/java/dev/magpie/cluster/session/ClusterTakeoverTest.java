package dev.magpie.cluster.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.magpie.Broker;
import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.LocalClusterBackend;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client-id ownership across nodes over the in-memory backend: a CONNECT on B of an id connected on A takes it over
 * (A's client told 0x8E in 5.0, closed in 3.1.1 [MQTT-3.1.4-3]), and racing CONNECTs of one id on two nodes end with
 * exactly one connected client, the one whose node owns the id's newest epoch.
 */
@Timeout(30)
class ClusterTakeoverTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final LocalClusterHub hub = new LocalClusterHub();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<String, Broker> nodes = new java.util.LinkedHashMap<>();
    private LocalClusterBackend observer;

    @BeforeEach
    void startNodes() {
        for (String id : List.of("a", "b")) {
            Broker broker = TestBrokers.anonymous().ioThreads(1).cluster(hub.node(id)).build().start();
            opened.add(broker);
            nodes.put(id, broker);
        }
        observer = hub.node("observer"); // reads ownership, never started
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private int port(String node) {
        return nodes.get(node).port("tcp");
    }

    private String ownerNode(String clientId) {
        return observer.owner(clientId).toCompletableFuture().join().map(ClientOwner::node).map(n -> n.nodeId()).orElse("none");
    }

    private static Connect connect(MqttVersion version, String clientId, Connect.Will will) {
        return new Connect(version, clientId, true, 60, null, null, will, MqttProperties.EMPTY);
    }

    private static void assertStillServed(RawMqttClient client) {
        client.send(new PingReq());
        assertThat(client.receive(WAIT)).isInstanceOf(PingResp.class);
    }

    @Test
    void aV5ConnectOnBTakesOverTheClientOnAWhichIsToldSessionTakenOver_MQTT_3_1_4_3() {
        Connect.Will will = new Connect.Will("will/thermostat", "gone".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
        try (RawMqttClient watcher = RawMqttClient.connected(port("a"), RawMqttClient.connectPacket(MqttVersion.V3_1_1, "watcher", true, 60));
             RawMqttClient onA = RawMqttClient.connected(port("a"), connect(MqttVersion.V5, "thermostat", will))) {
            watcher.subscribe("will/#", 0);
            assertThat(ownerNode("thermostat")).isEqualTo("a");

            try (RawMqttClient onB = RawMqttClient.connected(port("b"), connect(MqttVersion.V5, "thermostat", null))) {
                Disconnect told = onA.receive(Disconnect.class, WAIT);
                assertThat(told.reasonCode()).as("0x8E Session taken over").isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
                assertThat(onA.awaitClosed(WAIT)).isTrue();
                // the session on A ended with its connection (Clean Start 1): its will goes once, as in a local takeover
                assertThat(watcher.receive(Publish.class, WAIT).topic()).isEqualTo("will/thermostat");
                assertThat(watcher.publishWithin(Duration.ofMillis(300))).as("the will once").isEmpty();
                assertThat(ownerNode("thermostat")).isEqualTo("b");
                assertStillServed(onB);
                await().atMost(WAIT).until(() -> nodes.get("a").admin().client("thermostat").isEmpty());
            }
        }
    }

    @Test
    void aV311ClientTakenOverFromAnotherNodeIsClosed_MQTT_3_1_4_3() {
        try (RawMqttClient onA = RawMqttClient.connected(port("a"), connect(MqttVersion.V3_1_1, "meter", null));
             RawMqttClient onB = RawMqttClient.connected(port("b"), connect(MqttVersion.V3_1_1, "meter", null))) {
            assertThat(onA.awaitClosed(WAIT)).as("3.1.1 has no DISCONNECT from the server: just closed").isTrue();
            assertStillServed(onB);
            assertThat(ownerNode("meter")).isEqualTo("b");

            // and back again: B's client is taken over by a new one on A
            try (RawMqttClient againOnA = RawMqttClient.connected(port("a"), connect(MqttVersion.V3_1_1, "meter", null))) {
                assertThat(onB.awaitClosed(WAIT)).isTrue();
                assertStillServed(againOnA);
                assertThat(ownerNode("meter")).isEqualTo("a");
            }
        }
    }

    @Test
    void aPersistentSessionLeftOnAResumesOnBWithItsSubscriptionsAndSessionPresent_MQTT_3_2_2_2() {
        Connect persistent = new Connect(MqttVersion.V5, "tracker", false, 60, null, null, null,
                MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build());
        try (RawMqttClient onA = RawMqttClient.connected(port("a"), persistent)) {
            onA.subscribe("alerts/#", 1);
            onA.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(onA.awaitClosed(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> observer.loadSession("tracker").toCompletableFuture().join()
                .map(SessionStateCodec::decode).map(state -> state.subscriptions().size()).orElse(0) == 1);

        try (RawMqttClient onB = RawMqttClient.connect("127.0.0.1", port("b"))) {
            ConnAck ack = onB.send(persistent).receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.sessionPresent()).as("Session Present: the session kept by node a resumes on b").isTrue();
            assertThat(ownerNode("tracker")).isEqualTo("b");
            await().atMost(WAIT).until(() -> nodes.get("a").admin().client("tracker").isEmpty()); // a dropped its copy
            nodes.get("b").publish("alerts/door", "open");
            Publish alert = onB.publishWithin(WAIT).orElseThrow(() -> new AssertionError("no alert through the resumed subscription"));
            assertThat(alert.topic()).isEqualTo("alerts/door");
        }
    }

    @Test
    void messagesQueuedOnAForAnOfflineClientAreDeliveredOnBAfterTheTakeover() {
        Connect persistent = new Connect(MqttVersion.V5, "pager", false, 60, null, null, null,
                MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build());
        try (RawMqttClient onA = RawMqttClient.connected(port("a"), persistent)) {
            onA.subscribe("page/#", 1);
            onA.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(onA.awaitClosed(WAIT)).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            nodes.get("a").publish("page/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false); // queued on a
        }
        await().atMost(WAIT).until(() -> nodes.get("a").admin().client("pager")
                .map(c -> c.queued().size() + c.inflight().size() == 5).orElse(false));

        try (RawMqttClient onB = RawMqttClient.connect("127.0.0.1", port("b"))) {
            assertThat(onB.send(persistent).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Publish p = onB.publishWithin(WAIT).orElseThrow(() -> new AssertionError("only " + received + " arrived"));
                assertThat(p.qos()).as("QoS 1 as granted").isEqualTo(1);
                onB.send(dev.magpie.codec.PubResponse.of(dev.magpie.codec.PacketType.PUBACK, p.packetId()));
                received.add(new String(p.payload(), StandardCharsets.UTF_8));
            }
            assertThat(received).as("every queued message, in order").containsExactly("m0", "m1", "m2", "m3", "m4");
            assertThat(onB.publishWithin(Duration.ofMillis(300))).as("each once").isEmpty();
        }
    }

    @Test
    void racingConnectsOfOneIdOnTwoNodesEndWithExactlyOneConnectedClient_MQTT_3_1_4_3() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String clientId = "racer-" + round;
                RawMqttClient onA = RawMqttClient.connect("127.0.0.1", port("a"));
                RawMqttClient onB = RawMqttClient.connect("127.0.0.1", port("b"));
                opened.add(onA);
                opened.add(onB);
                Future<ConnAck> ackA = racers.submit(() -> onA.send(connect(MqttVersion.V5, clientId, null)).receive(ConnAck.class, WAIT));
                Future<ConnAck> ackB = racers.submit(() -> onB.send(connect(MqttVersion.V5, clientId, null)).receive(ConnAck.class, WAIT));
                Map<String, ConnAck> acks = Map.of("a", ackA.get(10, TimeUnit.SECONDS), "b", ackB.get(10, TimeUnit.SECONDS));
                // the backend's atomic claim decides: the node holding the newest epoch wins
                String winner = ownerNode(clientId);
                assertThat(winner).as("round %d", round).isIn("a", "b");
                String loser = winner.equals("a") ? "b" : "a";
                RawMqttClient winning = winner.equals("a") ? onA : onB;
                RawMqttClient losing = winner.equals("a") ? onB : onA;
                assertThat(acks.get(winner).reasonCode()).as("round %d: the winner is accepted", round).isZero();
                if (acks.get(loser).reasonCode() == 0) {
                    // accepted before the winner's claim: taken over right after [MQTT-3.1.4-3]
                    assertThat(losing.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
                } else {
                    assertThat(acks.get(loser).reasonCode()).as("refused: taken over meanwhile").isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
                }
                assertThat(losing.awaitClosed(WAIT)).as("round %d: the loser is closed", round).isTrue();
                assertStillServed(winning);
                await().atMost(WAIT).until(() -> nodes.get(loser).admin().client(clientId).isEmpty());
                assertThat(nodes.get(winner).admin().client(clientId)).as("round %d: one session, on the winner", round).isPresent();
            }
        } finally {
            racers.shutdownNow();
        }
    }
}
