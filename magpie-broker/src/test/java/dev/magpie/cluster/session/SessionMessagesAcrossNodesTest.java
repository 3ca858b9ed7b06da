package dev.magpie.cluster.session;

import dev.magpie.Broker;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.LocalClusterBackend;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.store.StoredDelivery;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A persistent session's messages go with it to the next node: the queued QoS 1/2 messages, the in-flight ones under
 * their packet ids, and the inbound QoS 2 ids, whether the node that held them died (its lease ran out: 3 s here) or
 * its client connected elsewhere (a takeover). Each message reaches the client once [MQTT-4.3.3-10], an unacknowledged
 * one is resent with DUP and the same packet id [MQTT-4.4.0-1], and a released id is known [MQTT-4.3.3-9].
 */
@Timeout(30)
class SessionMessagesAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(12);
    private static final ClusterSettings SHORT_LEASE = ClusterSettings.defaults().withLeaseTtl(Duration.ofSeconds(3));
    private static final MqttProperties EXPIRY = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build();

    private final LocalClusterHub hub = new LocalClusterHub();
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** Reads the stored copies; never started. */
    private final LocalClusterBackend observer = hub.node("observer");
    private Broker survivor;
    private Broker doomed;
    private LocalClusterBackend doomedBackend;

    @BeforeEach
    void startNodes() {
        survivor = start(hub.node("survivor"));
        doomedBackend = hub.node("doomed");
        doomed = start(doomedBackend);
    }

    private Broker start(LocalClusterBackend backend) {
        Broker broker = TestBrokers.anonymous().ioThreads(1).cluster(backend, SHORT_LEASE).build().start();
        opened.add(broker);
        return broker;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        observer.close();
    }

    private static Connect persistent(String clientId, boolean cleanStart) {
        return new Connect(MqttVersion.V5, clientId, cleanStart, 60, null, null, null, EXPIRY);
    }

    /** Connects {@code clientId} to {@code node}, subscribes {@code filter} at QoS 2 and leaves it offline. */
    private static void subscribeAndLeave(Broker node, String clientId, String filter) {
        try (RawMqttClient client = RawMqttClient.connected(node.port("tcp"), persistent(clientId, true))) {
            client.subscribe(filter, 2);
            client.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(client.awaitClosed(WAIT)).isTrue();
        }
        // the node has detached it too: what comes next is queued, none of it sent to the closing connection
        await().atMost(WAIT).until(() -> node.admin().client(clientId).map(c -> !c.summary().connected()).orElse(false));
    }

    /** The deliveries of {@code clientId}'s copy in the cluster store. */
    private List<StoredDelivery> storedDeliveries(String clientId) {
        return observer.loadSession(clientId).toCompletableFuture().join()
                .map(SessionStateCodec::decode).map(SessionState::deliveries).orElse(List.of());
    }

    /** Publishes {@code text} at {@code qos} and waits for the broker's acknowledgement (QoS 2: through PUBCOMP). */
    private static void publishAcknowledged(RawMqttClient publisher, String topic, int qos, int packetId, String text) {
        publisher.send(RawMqttClient.publishPacket(topic, qos, packetId, text));
        if (qos == 1) {
            assertThat(publisher.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
        } else {
            assertThat(publisher.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
            publisher.send(PubResponse.of(PacketType.PUBREL, packetId));
            assertThat(publisher.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);
        }
    }

    /**
     * Receives {@code count} PUBLISHes, answering each as its QoS asks and each PUBREL with PUBCOMP (the broker goes on
     * sending while a QoS 2 exchange is open); returns their payloads in arrival order.
     */
    private static List<String> receiveAll(RawMqttClient client, int count) {
        return receiveAll(client, count, 0);
    }

    /** As {@link #receiveAll(RawMqttClient, int)}, with {@code releasesOwed} PUBRELs already due from earlier PUBRECs. */
    private static List<String> receiveAll(RawMqttClient client, int count, int releasesOwed) {
        List<String> texts = new ArrayList<>();
        while (texts.size() < count || releasesOwed > 0) {
            MqttPacket packet = client.poll(WAIT).orElseThrow(() -> new AssertionError("only " + texts + " arrived"));
            if (packet instanceof Publish p) {
                texts.add(new String(p.payload(), StandardCharsets.UTF_8));
                if (p.qos() == 1) {
                    client.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
                } else if (p.qos() == 2) {
                    client.send(PubResponse.of(PacketType.PUBREC, p.packetId()));
                    releasesOwed++;
                }
            } else if (packet instanceof PubResponse r && r.type() == PacketType.PUBREL) {
                client.send(PubResponse.of(PacketType.PUBCOMP, r.packetId()));
                releasesOwed--;
            } else {
                throw new AssertionError("unexpected " + packet);
            }
        }
        return texts;
    }

    /** Answers the one PUBLISH {@code p} through to its end, when nothing else is on the way. */
    private static void acknowledge(RawMqttClient client, Publish p) {
        if (p.qos() == 1) {
            client.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
        } else if (p.qos() == 2) {
            client.send(PubResponse.of(PacketType.PUBREC, p.packetId()));
            assertThat(client.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
            client.send(PubResponse.of(PacketType.PUBCOMP, p.packetId()));
        }
    }

    private void killDoomedAndAwaitAdoption(String clientId) {
        doomedBackend.close(); // it stops renewing its lease, as a crashed node does
        await().atMost(WAIT).until(() -> survivor.admin().client(clientId).isPresent());
    }

    // the sender's PUBACK/PUBCOMP promised them [MQTT-4.3.2-2], [MQTT-4.3.3-2]: the node that held them died, the
    // survivor delivers every one, once, in order [MQTT-4.6.0-6]
    @Test
    void queuedQos1AndQos2MessagesOfADeadNodesOfflineSessionAreDeliveredOnceInOrderAfterAdoption() {
        subscribeAndLeave(doomed, "meter", "cmd/meter");
        List<String> sent = new ArrayList<>();
        try (RawMqttClient publisher = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "pub", true, 60))) {
            for (int i = 0; i < 20; i++) {
                String text = "m" + i;
                publishAcknowledged(publisher, "cmd/meter", 1 + i % 2, 1 + i, text);
                sent.add(text);
            }
        }
        // the doomed node took them all out of its inbox, so only the session's copy can bring them back
        await().atMost(WAIT).until(() -> hub.unacknowledged("doomed") == 0 && storedDeliveries("meter").size() == 20);

        killDoomedAndAwaitAdoption("meter");
        try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
            assertThat(back.send(persistent("meter", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            assertThat(receiveAll(back, 20)).as("every acknowledged message, in order").containsExactlyElementsOf(sent);
            assertThat(back.publishWithin(Duration.ofMillis(500))).as("each once").isEmpty();
        }
    }

    // [MQTT-4.3.3-10]: the node died after its session's copy held the messages and before it acknowledged them in
    // its inbox; the survivor finds them in both, and the copy's inbox marks keep it from delivering them twice
    @Test
    void messagesInTheCopyAndStillInTheDeadInboxAreDeliveredOnce_MQTT_4_3_3_10() {
        subscribeAndLeave(doomed, "gauge", "cmd/gauge");
        hub.loseAcknowledgementsOf("doomed"); // every batch it takes stays in its inbox, as if it died before each XACK
        List<String> sent = new ArrayList<>();
        try (RawMqttClient publisher = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "pub", true, 60))) {
            for (int i = 0; i < 12; i++) {
                publishAcknowledged(publisher, "cmd/gauge", 1 + i % 2, 1 + i, "g" + i);
                sent.add("g" + i);
            }
        }
        await().atMost(WAIT).until(() -> storedDeliveries("gauge").size() == 12);
        assertThat(hub.unacknowledged("doomed")).as("all still in the dead node's inbox").isEqualTo(12);

        killDoomedAndAwaitAdoption("gauge");
        try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
            assertThat(back.send(persistent("gauge", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            assertThat(receiveAll(back, 12)).containsExactlyElementsOf(sent);
            assertThat(back.publishWithin(Duration.ofMillis(800))).as("none twice").isEmpty();
        }
    }

    // [MQTT-4.4.0-1]: on resume the unacknowledged PUBLISH is resent with DUP and its packet id, the PUBREL of one
    // whose PUBREC arrived is resent; a QoS 2 message is never delivered as a second, new message [MQTT-4.3.3-10]
    @Test
    void qos2MessagesInFlightOnADeadNodeAreResentUnderTheirPacketIds_MQTT_4_4_0_1() {
        int unanswered;
        int released;
        try (RawMqttClient device = RawMqttClient.connected(doomed.port("tcp"), persistent("valve", true))) {
            device.subscribe("cmd/valve", 2);
            doomed.publish("cmd/valve", "open".getBytes(StandardCharsets.UTF_8), 2, false);
            Publish first = device.publishWithin(WAIT).orElseThrow();
            unanswered = first.packetId();                         // no PUBREC: still owed to the client
            doomed.publish("cmd/valve", "close".getBytes(StandardCharsets.UTF_8), 2, false);
            Publish second = device.publishWithin(WAIT).orElseThrow();
            released = second.packetId();
            device.send(PubResponse.of(PacketType.PUBREC, released));
            assertThat(device.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL); // no PUBCOMP
            await().atMost(WAIT).until(() -> storedDeliveries("valve").stream().map(StoredDelivery::state).toList()
                    .equals(List.of(StoredDelivery.AWAIT_PUBREC, StoredDelivery.AWAIT_PUBCOMP)));
        } // the connection drops without DISCONNECT; the session stays on the doomed node
        await().atMost(WAIT).until(() -> doomed.admin().client("valve").map(c -> !c.summary().connected()).orElse(false));

        killDoomedAndAwaitAdoption("valve");
        try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
            assertThat(back.send(persistent("valve", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            Publish again = back.receive(Publish.class, WAIT);
            assertThat(again.packetId()).as("its packet id").isEqualTo(unanswered);
            assertThat(again.dup()).as("DUP [MQTT-3.3.1-1]").isTrue();
            assertThat(new String(again.payload(), StandardCharsets.UTF_8)).isEqualTo("open");
            PubResponse pubrel = back.receive(PubResponse.class, WAIT);
            assertThat(pubrel.type()).isEqualTo(PacketType.PUBREL);
            assertThat(pubrel.packetId()).isEqualTo(released);
            back.send(PubResponse.of(PacketType.PUBCOMP, released));
            acknowledge(back, again);
            assertThat(back.publishWithin(Duration.ofMillis(500))).as("no message twice").isEmpty();
        }
    }

    // [MQTT-4.3.3-9]: until PUBREL the receiver refuses a resend of the same id as new; the survivor knows the ids
    // the dead node had taken, so the publisher's PUBREL completes and its DUP resend is not routed twice
    @Test
    void inboundQos2IdsOfADeadNodesSessionAreKnownToTheSurvivor_MQTT_4_3_3_9() {
        try (RawMqttClient watcher = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "watcher", true, 60))) {
            watcher.subscribe("log/#", 2);
            try (RawMqttClient sensor = RawMqttClient.connected(doomed.port("tcp"), persistent("sensor", true))) {
                await().atMost(WAIT).until(() -> routeReached(sensor, watcher));
                sensor.send(RawMqttClient.publishPacket("log/sensor", 2, 7, "once"));
                assertThat(sensor.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
                await().atMost(WAIT).until(() -> observer.loadSession("sensor").toCompletableFuture().join()
                        .map(SessionStateCodec::decode).map(s -> s.inboundQos2().size()).orElse(0) == 1);
            }
            await().atMost(WAIT).until(() -> doomed.admin().client("sensor").map(c -> !c.summary().connected()).orElse(false));
            Publish routed = watcher.publishWithin(WAIT).orElseThrow();
            assertThat(new String(routed.payload(), StandardCharsets.UTF_8)).isEqualTo("once");
            acknowledge(watcher, routed);

            killDoomedAndAwaitAdoption("sensor");
            try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
                assertThat(back.send(persistent("sensor", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
                Publish resend = new Publish("log/sensor", 2, false, true, 7, "once".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
                back.send(resend);
                assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
                back.send(PubResponse.of(PacketType.PUBREL, 7));
                PubResponse complete = back.receive(PubResponse.class, WAIT);
                assertThat(complete.type()).isEqualTo(PacketType.PUBCOMP);
                assertThat(complete.reasonCode()).as("the id was known, not 0x92").isZero();
            }
            assertThat(watcher.publishWithin(Duration.ofMillis(500))).as("the DUP resend is not a new message").isEmpty();
        }
    }

    /** True once a QoS 0 probe from {@code from}'s node reaches {@code to}: the route has crossed. */
    private static boolean routeReached(RawMqttClient from, RawMqttClient to) {
        from.send(RawMqttClient.publishPacket("log/probe", 0, 0, "probe"));
        return to.publishWithin(Duration.ofMillis(100)).isPresent();
    }

    // a takeover from a live node: the queued messages and the one in flight come with the session, the in-flight one
    // under its packet id with DUP [MQTT-4.4.0-1], none twice [MQTT-4.3.3-10]
    @Test
    void aTakeoverFromALiveNodeDeliversQueuedAndInFlightMessagesOnceUnderTheirIds_MQTT_4_4_0_1() {
        int unanswered;
        try (RawMqttClient onDoomed = RawMqttClient.connected(doomed.port("tcp"), persistent("pump", true))) {
            onDoomed.subscribe("cmd/pump", 2);
            doomed.publish("cmd/pump", "m0".getBytes(StandardCharsets.UTF_8), 2, false);
            unanswered = onDoomed.publishWithin(WAIT).orElseThrow().packetId();
            onDoomed.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(onDoomed.awaitClosed(WAIT)).isTrue();
        }
        for (int i = 1; i <= 10; i++) {
            doomed.publish("cmd/pump", ("m" + i).getBytes(StandardCharsets.UTF_8), 1 + i % 2, false); // queued there
        }
        await().atMost(WAIT).until(() -> storedDeliveries("pump").size() == 11);
        for (int i = 11; i <= 15; i++) {
            doomed.publish("cmd/pump", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false); // maybe not yet in the copy
        }

        try (RawMqttClient onSurvivor = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
            assertThat(onSurvivor.send(persistent("pump", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            Publish again = onSurvivor.receive(Publish.class, WAIT);
            assertThat(again.packetId()).isEqualTo(unanswered);
            assertThat(again.dup()).isTrue();
            List<String> texts = new ArrayList<>(List.of(new String(again.payload(), StandardCharsets.UTF_8)));
            onSurvivor.send(PubResponse.of(PacketType.PUBREC, again.packetId()));
            texts.addAll(receiveAll(onSurvivor, 15, 1)); // answers the PUBREL of m0 on the way
            List<String> expected = new ArrayList<>();
            for (int i = 0; i <= 15; i++) {
                expected.add("m" + i);
            }
            assertThat(texts).as("each once, in order").containsExactlyElementsOf(expected);
            assertThat(onSurvivor.publishWithin(Duration.ofMillis(500))).isEmpty();
            await().atMost(WAIT).until(() -> doomed.admin().client("pump").isEmpty());
        }
    }

    // a takeover while messages keep coming: those the old owner still holds (handed over) and those routed to the new
    // owner once it has the session meet there; each reaches the client once [MQTT-4.3.3-10], in order [MQTT-4.6.0-6]
    @Test
    void aTakeoverWhileMessagesKeepComingDeliversEachOnceInOrder_MQTT_4_6_0_6() throws Exception {
        subscribeAndLeave(doomed, "tap", "cmd/tap");
        int total = 300;
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                survivor.publish("cmd/tap", ("m" + i).getBytes(StandardCharsets.UTF_8), 1 + i % 2, false);
                LockSupport.parkNanos(2_000_000); // a steady stream, so the takeover happens in the middle of it
            }
        }, "tap-publisher");
        publisher.start();
        try {
            await().atMost(WAIT).until(() -> storedDeliveries("tap").size() >= 20);
            try (RawMqttClient onSurvivor = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
                assertThat(onSurvivor.send(persistent("tap", false)).receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
                List<String> texts = receiveAll(onSurvivor, total);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    expected.add("m" + i);
                }
                assertThat(texts).as("each once, in order").containsExactlyElementsOf(expected);
                assertThat(onSurvivor.publishWithin(Duration.ofMillis(500))).isEmpty();
            }
        } finally {
            publisher.join(WAIT.toMillis());
        }
    }
}
