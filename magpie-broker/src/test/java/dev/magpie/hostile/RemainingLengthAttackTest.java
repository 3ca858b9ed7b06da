package dev.magpie.hostile;

import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remaining lengths that are malformed or announce more than the broker accepts. Mosquitto before 1.4.15 let
 * unauthenticated clients make it allocate by announcing a large remaining length (CVE-2017-7651), and before
 * 2.0.16 allocated from the length of a first packet that was not even a CONNECT (CVE-2023-0809). Magpie's
 * decoder refuses from the fixed header alone, so none of these connections holds memory or stays open.
 * (The same lengths after a valid CONNECT are in {@code protocol.MalformedInputTest}.)
 */
class RemainingLengthAttackTest extends AttackTest {
    private static final int ATTACKERS = 50;

    @Test
    void hugeRemainingLengthsBeforeConnectAreClosedFromTheHeader() throws Exception {
        List<byte[]> headers = List.of(
                new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},            // CONNECT of 268,435,455 bytes (CVE-2017-7651)
                new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},     // SUBSCRIBE first, same length (CVE-2023-0809)
                new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},            // PUBLISH first, 2 MiB
                new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, // five length bytes [MQTT-1.5.5-1]
                new byte[] {0x10, (byte) 0x81, (byte) 0x80, 0x10});                         // 256 KiB + 1: just over max_packet_size
        List<RawMqttClient> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < ATTACKERS; i++) {
                RawMqttClient a = socket();
                attackers.add(a);
                a.sendRaw(headers.get(i % headers.size()));
            }
            traffic.awaitProgress(20);
            for (RawMqttClient a : attackers) {
                // no CONNACK: the client never got in; the socket is closed without waiting for the body
                assertThat(a.poll(WAIT)).isEmpty();
                assertThat(a.awaitClosed(WAIT)).isTrue();
            }
        } finally {
            attackers.forEach(RawMqttClient::close);
        }
        survived();
    }

    @Test
    void packetOverMaximumPacketSizeAfterConnectGetsPacketTooLarge() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V5, "too-large")) {
            // PUBLISH announcing 262,145 bytes, one more than the default maximum; only the header is sent
            attacker.sendRaw(new byte[] {0x30, (byte) 0x81, (byte) 0x80, 0x10});
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).get().isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) answer.get()).reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }
}
