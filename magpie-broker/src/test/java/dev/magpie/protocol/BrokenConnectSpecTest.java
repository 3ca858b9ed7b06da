package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CONNECT that does not decode after its protocol name and level were read. The server closes it
 * [MQTT-3.1.4-1]; a 5.0 client is first told why with one CONNACK (section 4.13, then closed [MQTT-3.2.2-7]).
 * 3.1/3.1.1 have no return code for it and are closed without a CONNACK [MQTT-3.2.2-6].
 */
class BrokenConnectSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_PACKET_SIZE = 1024;
    private Broker broker;
    private int port;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous(BrokerSettings.defaults().withMaxPacketSize(MAX_PACKET_SIZE)).build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    /** A broken CONNECT of {@code version} (as bytes) and the CONNACK reason a 5.0 client must get. */
    record Case(String name, Function<MqttVersion, byte[]> bytes, int reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] encoded(Connect connect) {
        return RawMqttClient.encode(connect, connect.version());
    }

    private static Connect connect(MqttVersion v, MqttProperties props, Connect.Will will) {
        return new Connect(v, "broken", true, 60, null, null, will, props);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Connect Flags with the reserved bit 0 set [MQTT-3.1.2-3]: Malformed Packet
                new Case("reserved flag", v -> new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', (byte) v.level(), 0x03, 0, 60,
                        0, 0, 0}, ReasonCode.MALFORMED_PACKET),
                // Receive Maximum 0: a Protocol Error (section 3.1.2.11.3)
                new Case("Receive Maximum 0", v -> encoded(connect(v,
                        MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, 0).build(), null)), ReasonCode.PROTOCOL_ERROR),
                // a will topic with a wildcard is not a topic name [MQTT-3.1.3-11]: 0x90 Topic Name invalid
                new Case("wildcard will topic", v -> encoded(connect(v, MqttProperties.EMPTY,
                        new Connect.Will("w/#", new byte[]{1}, 0, false, MqttProperties.EMPTY))), ReasonCode.TOPIC_NAME_INVALID),
                // larger than the broker's Maximum Packet Size: 0x95, refused from its first bytes
                new Case("too large", v -> encoded(connect(v, MqttProperties.EMPTY, new Connect.Will("w",
                        new byte[2 * MAX_PACKET_SIZE], 0, false, MqttProperties.EMPTY))), ReasonCode.PACKET_TOO_LARGE));
    }

    /** Everything the server sent before it closed; fails if it did not close. */
    private static List<MqttPacket> untilClosed(RawMqttClient c) {
        assertThat(c.awaitClosed(WAIT)).as("closed").isTrue();
        List<MqttPacket> received = new ArrayList<>();
        for (Optional<MqttPacket> p = c.poll(Duration.ZERO); p.isPresent(); p = c.poll(Duration.ZERO)) {
            received.add(p.get());
        }
        return received;
    }

    @ParameterizedTest(name = "5.0 {0}")
    @MethodSource("cases")
    void a5ConnectThatFailsToDecodeGetsOneConnackWithTheReason(Case broken) {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", port).version(MqttVersion.V5)) {
            c.sendRaw(broken.bytes().apply(MqttVersion.V5));
            assertThat(untilClosed(c)).singleElement().isInstanceOfSatisfying(ConnAck.class, ack -> {
                assertThat(ack.reasonCode()).isEqualTo(broken.reason());
                assertThat(ack.sessionPresent()).isFalse(); // [MQTT-3.2.2-6] in 5.0
            });
        }
    }

    /** The cases that exist in 3.1.1 (it has no properties, so no Receive Maximum). */
    static Stream<Case> cases311() {
        return cases().filter(c -> c.reason() != ReasonCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest(name = "3.1.1 {0}")
    @MethodSource("cases311")
    void a311ConnectThatFailsToDecodeIsClosedWithoutConnack(Case broken) {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", port)) {
            c.sendRaw(broken.bytes().apply(MqttVersion.V3_1_1));
            assertThat(untilClosed(c)).isEmpty();
        }
    }

    @Test
    void aWrongProtocolNameIsClosedWithoutConnackEvenAtLevel5_MQTT_3_1_2_1() {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", port).version(MqttVersion.V5)) {
            c.sendRaw(new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'X', 5, 0x02, 0, 60, 0, 0, 0});
            assertThat(untilClosed(c)).isEmpty();
        }
    }

    @Test
    void aValidConnectAfterwardsIsStillAccepted() {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", port).version(MqttVersion.V5)) {
            c.sendRaw("\u0010\u0002xx".getBytes(StandardCharsets.ISO_8859_1)); // too short: closed
            untilClosed(c);
        }
        try (RawMqttClient ok = RawMqttClient.connected(port, connect(MqttVersion.V5, MqttProperties.EMPTY, null))) {
            assertThat(ok.version()).isEqualTo(MqttVersion.V5);
        }
    }
}
