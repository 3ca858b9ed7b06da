package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acknowledgement of the wrong kind for a message the broker has in flight to the client breaks the receiver's
 * side of the QoS handshake (3.1.1 [MQTT-4.3.2-2], [MQTT-4.3.3-2]; 5.0 [MQTT-4.3.2-4], [MQTT-4.3.3-8]): the
 * connection is closed, a 5.0 client after DISCONNECT 0x82 [MQTT-4.13.1-1]. The message stays in the persistent
 * session and is sent again on resume, PUBLISH with DUP or the PUBREL [MQTT-4.4.0-1]. Acknowledgements for ids
 * that are not in flight at all are ignored, as before.
 */
class AckKindSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;
    private int port;

    /** Where the message stands when the wrong acknowledgement comes, and which one comes. */
    enum WrongAck {
        PUBACK_FOR_QOS_2(2, false, PacketType.PUBACK),
        PUBREC_FOR_QOS_1(1, false, PacketType.PUBREC),
        PUBCOMP_FOR_QOS_1(1, false, PacketType.PUBCOMP),
        PUBCOMP_BEFORE_PUBREC(2, false, PacketType.PUBCOMP),
        PUBACK_AFTER_PUBREL(2, true, PacketType.PUBACK),
        PUBREC_AFTER_PUBREL(2, true, PacketType.PUBREC);

        final int qos;
        final boolean released;
        final PacketType ack;

        WrongAck(int qos, boolean released, PacketType ack) {
            this.qos = qos;
            this.released = released;
            this.ack = ack;
        }
    }

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    /** A persistent session: 3.1.1 Clean Session 0, 5.0 Session Expiry 60 s. */
    private RawMqttClient subscriber(MqttVersion version, String id) {
        MqttProperties props = version.isV5()
                ? MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 60).build() : MqttProperties.EMPTY;
        return RawMqttClient.connected(port, new Connect(version, id, false, 60, null, null, null, props));
    }

    /** Sends one message at {@code qos} to {@code sub} (subscribed to "ack/#") and returns it as received. */
    private Publish deliverOne(RawMqttClient sub, int qos) {
        sub.subscribe("ack/#", qos);
        try (RawMqttClient pub = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "ack-pub", true, 60))) {
            pub.send(RawMqttClient.publishPacket("ack/t", qos, 1, "in flight"));
            assertThat(pub.receive(PubResponse.class, WAIT).packetId()).isEqualTo(1);
        }
        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.qos()).isEqualTo(qos);
        return p;
    }

    @ParameterizedTest(name = "5.0 {0}")
    @EnumSource(WrongAck.class)
    void aWrongKindOfAckIsAProtocolErrorAndTheMessageIsRedelivered(WrongAck wrong) {
        String id = "wrong-" + wrong.name().toLowerCase();
        int packetId;
        try (RawMqttClient sub = subscriber(MqttVersion.V5, id)) {
            packetId = deliverOne(sub, wrong.qos).packetId();
            if (wrong.released) {
                sub.send(PubResponse.of(PacketType.PUBREC, packetId));
                assertThat(sub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
            }
            sub.send(PubResponse.of(wrong.ack, packetId));
            assertThat(sub.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(sub.awaitClosed(WAIT)).isTrue();
        }
        try (RawMqttClient again = subscriber(MqttVersion.V5, id)) {
            MqttPacket resent = again.receive(WAIT);
            if (wrong.released) {
                // after PUBREC the PUBREL is what is sent again, not the PUBLISH [MQTT-4.4.0-1]
                assertThat(resent).isInstanceOfSatisfying(PubResponse.class, r -> {
                    assertThat(r.type()).isEqualTo(PacketType.PUBREL);
                    assertThat(r.packetId()).isEqualTo(packetId);
                });
            } else {
                assertThat(resent).isInstanceOfSatisfying(Publish.class, p -> {
                    assertThat(p.dup()).isTrue();
                    assertThat(p.packetId()).isEqualTo(packetId);
                });
            }
        }
    }

    @Test
    void v311PubrecForAQos1MessageClosesTheConnectionAndTheMessageIsRedelivered() {
        int packetId;
        try (RawMqttClient sub = subscriber(MqttVersion.V3_1_1, "wrong-311")) {
            packetId = deliverOne(sub, 1).packetId();
            sub.send(PubResponse.of(PacketType.PUBREC, packetId));
            // 3.1.1 has no DISCONNECT from the server: the connection is closed [MQTT-4.8.0-1]
            assertThat(sub.awaitClosed(WAIT)).isTrue();
            assertThat(sub.poll(Duration.ZERO)).isEmpty();
        }
        try (RawMqttClient again = subscriber(MqttVersion.V3_1_1, "wrong-311")) {
            Publish p = again.receive(Publish.class, WAIT);
            assertThat(p.dup()).isTrue();
            assertThat(p.packetId()).isEqualTo(packetId);
        }
    }

    @Test
    void acksForIdsNotInFlightAreIgnoredAndPubrecIsAnsweredWith0x92() {
        try (RawMqttClient c = subscriber(MqttVersion.V5, "unknown-acks")) {
            c.send(PubResponse.of(PacketType.PUBACK, 901));
            c.send(PubResponse.of(PacketType.PUBCOMP, 902));
            c.send(PubResponse.of(PacketType.PUBREC, 903));
            PubResponse rel = c.receive(PubResponse.class, WAIT);
            assertThat(rel.type()).isEqualTo(PacketType.PUBREL);
            assertThat(rel.packetId()).isEqualTo(903);
            assertThat(rel.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
            c.send(PingReq.INSTANCE);
            assertThat(c.receive(PingResp.class, WAIT)).isNotNull(); // still connected
        }
    }

    @Test
    void theRightAcksStillCompleteBothFlows() {
        try (RawMqttClient c = subscriber(MqttVersion.V5, "right-acks")) {
            Publish q1 = deliverOne(c, 1);
            c.send(PubResponse.of(PacketType.PUBACK, q1.packetId()));
            c.send(PingReq.INSTANCE);
            assertThat(c.receive(PingResp.class, WAIT)).isNotNull();
        }
        // the PUBACK completed it: nothing is resent on resume
        try (RawMqttClient again = subscriber(MqttVersion.V5, "right-acks")) {
            Optional<Publish> resent = again.publishWithin(Duration.ofMillis(300));
            assertThat(resent).isEmpty();
        }
    }
}
