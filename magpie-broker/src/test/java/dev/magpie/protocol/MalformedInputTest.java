package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input after a valid CONNECT: each case closes only the offending connection (5.0: after DISCONNECT with
 * the reason code), quickly, and the broker keeps serving a well-behaved client.
 */
class MalformedInputTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;
    private int port;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    /** A raw MQTT 5 packet (so variable headers carry a property length) and the reason code it must earn. */
    record Case(String name, byte[] bytes, int reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // remaining length with a fifth continuation byte [MQTT-1.5.5-1]
                new Case("remaining length of five bytes", new byte[]{0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, ReasonCode.MALFORMED_PACKET),
                // announces 268,435,455 bytes: refused from the header, nothing is buffered
                new Case("maximum remaining length", new byte[]{0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, ReasonCode.PACKET_TOO_LARGE),
                // PUBLISH QoS 3 [MQTT-3.3.1-4]
                new Case("QoS 3", new byte[]{0x36, 5, 0, 1, 'a', 0, 1}, ReasonCode.MALFORMED_PACKET),
                // topic with a wildcard [MQTT-3.3.2-2]
                new Case("wildcard in topic name", new byte[]{0x30, 5, 0, 2, 'a', '#', 0}, ReasonCode.TOPIC_NAME_INVALID),
                // topic bytes C0 80: an overlong encoding of '/' [MQTT-1.5.4-1]
                new Case("invalid UTF-8 in topic", new byte[]{0x30, 5, 0, 2, (byte) 0xC0, (byte) 0x80, 0}, ReasonCode.MALFORMED_PACKET),
                // U+0000 in the topic [MQTT-1.5.4-2]
                new Case("U+0000 in topic", new byte[]{0x30, 5, 0, 2, 'a', 0, 0}, ReasonCode.MALFORMED_PACKET),
                // SUBSCRIBE with reserved flags 0000 instead of 0010 [MQTT-3.8.1-1]
                new Case("SUBSCRIBE with wrong reserved flags", new byte[]{(byte) 0x80, 6, 0, 1, 0, 1, 'a', 0}, ReasonCode.MALFORMED_PACKET),
                // SUBSCRIBE with no filter [MQTT-3.8.3-3]
                new Case("SUBSCRIBE without filters", new byte[]{(byte) 0x82, 3, 0, 1, 0}, ReasonCode.PROTOCOL_ERROR),
                // Session Expiry Interval is not a PUBLISH property: "not valid for its packet type" is a Malformed
                // Packet (section 2.2.2.2), not a Protocol Error
                new Case("property not allowed in PUBLISH", new byte[]{0x30, 9, 0, 1, 't', 5, 0x11, 0, 0, 0, 1}, ReasonCode.MALFORMED_PACKET),
                // packet type 0 is reserved
                new Case("reserved packet type", new byte[]{0x00, 0}, ReasonCode.MALFORMED_PACKET),
                // a second CONNECT [MQTT-3.1.0-2]
                new Case("second CONNECT", new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 0}, ReasonCode.PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badPacketClosesTheConnectionAndTheBrokerStaysHealthy(Case bad) throws Exception {
        try (RawMqttClient healthy = RawMqttClient.connect("127.0.0.1", port); RawMqttClient attacker = RawMqttClient.connect("127.0.0.1", port)) {
            healthy.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "healthy", true, 60));
            healthy.receive(ConnAck.class, WAIT);
            attacker.send(RawMqttClient.connectPacket(MqttVersion.V5, "attacker", true, 60));
            attacker.receive(ConnAck.class, WAIT);

            attacker.sendRaw(bad.bytes());
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            if (answer.isPresent()) {
                assertThat(answer.get()).isInstanceOf(Disconnect.class);
                assertThat(((Disconnect) answer.get()).reasonCode()).isEqualTo(bad.reason());
            }
            assertThat(attacker.awaitClosed(WAIT)).isTrue();

            healthy.send(PingReq.INSTANCE);
            assertThat(healthy.receive(PingResp.class, WAIT)).isNotNull();
        }
    }

    @Test
    void garbageBeforeConnectIsClosed() throws Exception {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", port)) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }
}
