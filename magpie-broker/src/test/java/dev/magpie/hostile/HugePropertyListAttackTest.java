package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 property lists as large as a packet allows, duplicated properties and property lengths that lie.
 * Tens of thousands of user properties cost CPU and memory at every hop (the user-properties DoS, CVE-2021-41039,
 * as tested by the mqttsa tool); mosquitto leaked on CONNECTs whose will carried invalid property types
 * (CVE-2023-3592). Within the packet-size limit the broker carries every user property in order
 * [MQTT-3.3.2-17]; a repeated single-valued property or a length reaching past the packet closes the connection.
 */
class HugePropertyListAttackTest extends AttackTest {
    /** About 7 bytes each (70 KiB); more only slows the paranoid leak detector of the test run, which records every buffer access. */
    private static final int USER_PROPERTIES = 10_000;

    private static MqttProperties manyUserProperties(int count) {
        MqttProperties.Builder b = MqttProperties.builder();
        for (int i = 0; i < count; i++) {
            b.userProperty("k", Integer.toString(i % 10));
        }
        return b.build();
    }

    @Test
    void connectAndPublishWithTensOfThousandsOfUserPropertiesAreCarriedIntact() throws Exception {
        MqttProperties props = manyUserProperties(USER_PROPERTIES);
        try (RawMqttClient attacker = RawMqttClient.connect("127.0.0.1", broker.port())) {
            attacker.send(new Connect(MqttVersion.V5, "many-props", true, 60, null, null, null, manyUserProperties(5_000)));
            assertThat(attacker.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            attacker.send(new Subscribe(1, List.of(Subscription.of("attack/props", 1)), MqttProperties.EMPTY));
            attacker.receive(SubAck.class, WAIT);
            attacker.send(new Publish("attack/props", 1, false, false, 2, new byte[] {1}, props));
            Publish echoed = null;
            for (int i = 0; i < 2; i++) {
                MqttPacket p = attacker.receive(WAIT);
                if (p instanceof Publish publish) {
                    echoed = publish;
                } else {
                    assertThat(p).isInstanceOf(PubResponse.class);
                }
            }
            assertThat(echoed).isNotNull();
            assertThat(echoed.properties().userProperties()).hasSize(USER_PROPERTIES).isEqualTo(props.userProperties());
            traffic.awaitProgress(20);
        }
        survived();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // PUBLISH "a" with Message Expiry Interval twice (a Protocol Error, spec 2.2.2.2)
            "300F" + "000161" + "0A" + "0200000005" + "0200000006" + "78",
            // PUBLISH "a" whose property length (0x7F) reaches past the end of the packet
            "3006" + "000161" + "7F" + "0102",
            // PUBLISH "a" with property id 0x11 (Session Expiry Interval), not allowed in PUBLISH
            "300A" + "000161" + "05" + "1100000005" + "78",
            // SUBSCRIBE with Subscription Identifier 0, which is out of range
            "82090001" + "020B00" + "000161" + "00"})
    void invalidPropertyListsCloseTheConnection(String hex) throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V5, "bad-props")) {
            attacker.sendRaw(HexFormat.of().parseHex(hex));
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).get().isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) answer.get()).reasonCode()).isIn(ReasonCode.MALFORMED_PACKET, ReasonCode.PROTOCOL_ERROR);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }

    @Test
    void willWithAPropertyOnlyPublishMayCarryIsRefused() throws Exception {
        // will properties with Topic Alias (0x23), which is not a will property (CVE-2023-3592's class)
        String willProps = "03" + "230001";
        String body = "00044D515454" + "05" + "06" + "003C" + "00" + "0001" + "77" + willProps + "0001" + "74" + "0001" + "70";
        try (RawMqttClient attacker = socket().version(MqttVersion.V5)) {
            attacker.sendRaw(HexFormat.of().parseHex(String.format("10%02X", body.length() / 2) + body));
            // a property not valid in the will is a Malformed Packet (section 2.2.2.2): CONNACK 0x81, then the close
            // [MQTT-3.1.4-1]
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).hasValueSatisfying(p -> assertThat(((ConnAck) p).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }
}
