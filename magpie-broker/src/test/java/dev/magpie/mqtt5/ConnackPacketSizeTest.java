package dev.magpie.mqtt5;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CONNACK, accepting or refusing, respects the client's Maximum Packet Size [MQTT-3.1.2-24]: the Reason String
 * and User Properties are left out first [MQTT-3.2.2-19], [MQTT-3.2.2-20]; if it still does not fit, nothing is
 * sent and the connection is closed (and no session is touched).
 */
class ConnackPacketSizeTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static MqttProperties maxPacketSize(int bytes) {
        return MqttProperties.builder().integer(PropertyId.MAXIMUM_PACKET_SIZE, bytes).build();
    }

    private static MqttProperties maxPacketSize(int bytes, String authenticationMethod) {
        return maxPacketSize(bytes).toBuilder().string(PropertyId.AUTHENTICATION_METHOD, authenticationMethod).build();
    }

    /** The size of the accepting CONNACK a client with id {@code clientId} (of the same length) gets. */
    private int acceptingConnackSize(String clientId) {
        ConnAck ack = f.connAck(f.socket(), connect5(clientId, true, MqttProperties.EMPTY));
        assertThat(ack.reasonCode()).isZero();
        return MqttEncoder.encodedSize(ack, MqttVersion.V5);
    }

    /** The packet the server sent before closing, if any; fails if it did not close. */
    private static Optional<MqttPacket> onlyPacketBeforeClose(RawMqttClient c) {
        assertThat(c.awaitClosed(WAIT)).as("closed").isTrue();
        Optional<MqttPacket> first = c.poll(Duration.ZERO);
        assertThat(c.poll(Duration.ZERO)).as("nothing after the first packet").isEmpty();
        return first;
    }

    @Test
    void anAcceptingConnackOfExactlyTheClientsMaximumIsSent() {
        int size = acceptingConnackSize("cps-a");
        ConnAck ack = f.connAck(f.socket(), connect5("cps-b", true, maxPacketSize(size)));
        assertThat(ack.reasonCode()).isZero();
        assertThat(MqttEncoder.encodedSize(ack, MqttVersion.V5)).isLessThanOrEqualTo(size);
    }

    @Test
    void anAcceptingConnackLargerThanTheClientsMaximumIsNotSent_MQTT_3_1_2_24() {
        int size = acceptingConnackSize("cps-c");
        RawMqttClient c = f.socket();
        c.send(connect5("cps-d", true, maxPacketSize(size - 1)));
        assertThat(onlyPacketBeforeClose(c)).isEmpty();
    }

    @Test
    void anAssignedClientIdentifierCountsTowardsTheSize() {
        // an empty client id gets an Assigned Client Identifier of 39 characters: 42 more bytes than "cps-e"
        int size = acceptingConnackSize("cps-e");
        RawMqttClient c = f.socket();
        c.send(connect5("", true, maxPacketSize(size + 10)));
        assertThat(onlyPacketBeforeClose(c)).isEmpty();
    }

    @Test
    void aRefusingConnackLeavesOutItsReasonStringToFit_MQTT_3_2_2_19() {
        RawMqttClient c = f.socket();
        // 0x8C Bad authentication method; the CONNACK without properties is 5 bytes
        c.send(connect5("cps-f", true, maxPacketSize(5, "NO-SUCH-METHOD")));
        assertThat(onlyPacketBeforeClose(c)).hasValueSatisfying(p -> assertThat(p).isInstanceOfSatisfying(ConnAck.class, ack -> {
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
            assertThat(ack.properties().has(PropertyId.REASON_STRING)).isFalse();
        }));
    }

    @Test
    void aRefusingConnackThatCannotFitIsNotSent_MQTT_3_1_2_24() {
        RawMqttClient c = f.socket();
        c.send(connect5("cps-g", true, maxPacketSize(4, "NO-SUCH-METHOD")));
        assertThat(onlyPacketBeforeClose(c)).isEmpty();
    }

    @Test
    void aRefusingConnackWithRoomKeepsItsReasonString() {
        RawMqttClient c = f.socket();
        c.send(connect5("cps-h", true, maxPacketSize(1024, "NO-SUCH-METHOD")));
        assertThat(onlyPacketBeforeClose(c)).hasValueSatisfying(p -> assertThat(((ConnAck) p).properties()
                .string(PropertyId.REASON_STRING)).isPresent());
    }
}
