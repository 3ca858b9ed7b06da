package dev.magpie.hostile;

import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packets out of order: before CONNECT, acknowledgements for packet ids never used, packets only a server may
 * send. Mosquitto 2.0.0 to 2.0.9 dereferenced a null pointer when a client sent it a CONNACK (CVE-2021-28166).
 */
class PacketOrderAttackTest extends AttackTest {

    @ParameterizedTest(name = "first packet {0} [MQTT-3.1.0-1]")
    @ValueSource(strings = {"C000", "3005000161" + "7878", "82060001000161" + "00", "62020001", "40020001", "E000", "2002" + "0000"})
    void anythingButConnectFirstIsClosedWithoutAnswer(String hex) throws Exception {
        try (RawMqttClient attacker = socket()) {
            attacker.sendRaw(java.util.HexFormat.of().parseHex(hex));
            assertThat(attacker.poll(WAIT)).as("no answer before CONNECT").isEmpty();
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }

    @Test
    void acknowledgementsForUnknownIdsAreAnsweredOrIgnoredAndTheConnectionLives() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V5, "unknown-ids")) {
            attacker.send(PubResponse.of(PacketType.PUBACK, 7));  // nothing was sent with id 7: ignored
            attacker.send(PubResponse.of(PacketType.PUBCOMP, 9)); // ignored
            attacker.send(PubResponse.of(PacketType.PUBREC, 8));
            PubResponse rel = attacker.receive(PubResponse.class, WAIT);
            assertThat(rel.type()).isEqualTo(PacketType.PUBREL);
            assertThat(rel.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
            attacker.send(PubResponse.of(PacketType.PUBREL, 10));
            PubResponse comp = attacker.receive(PubResponse.class, WAIT);
            assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
            assertThat(comp.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND); // [MQTT-4.3.3-11]
            attacker.send(PingReq.INSTANCE);
            assertThat(attacker.receive(Duration.ofSeconds(5))).isInstanceOf(PingResp.class);
        }
        survived();
    }

    @ParameterizedTest(name = "server-only packet {0} from a client")
    @ValueSource(strings = {"2003000000", "900400010000", "B0030001" + "00", "D000"})
    void serverOnlyPacketsFromAClientCloseItWithAReasonCode(String hex) throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V5, "server-impostor")) {
            attacker.sendRaw(java.util.HexFormat.of().parseHex(hex)); // CONNACK (CVE-2021-28166), SUBACK, UNSUBACK, PINGRESP
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).get().isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) answer.get()).reasonCode()).isIn(ReasonCode.MALFORMED_PACKET, ReasonCode.PROTOCOL_ERROR);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }
}
