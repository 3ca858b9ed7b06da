package dev.magpie.hostile;

import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * QoS 2 exchanges that are never finished: the client sends PUBLISH, gets PUBREC, and never sends PUBREL, so
 * the broker must keep the packet id. Mosquitto before 2.0.16 leaked memory this way (CVE-2023-28366). Magpie
 * counts the open exchanges against its Receive Maximum: one more is a protocol error, 0x93
 * [MQTT-3.3.4-8], and the count is back at zero once the connection is gone.
 */
class Qos2NeverReleasedAttackTest extends AttackTest {
    private static final int RECEIVE_MAXIMUM = 100; // the default

    @Test
    void unreleasedQos2BeyondReceiveMaximumIsDisconnected() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V5, "never-releases")) {
            for (int id = 1; id <= RECEIVE_MAXIMUM; id++) {
                attacker.send(new Publish("attack/qos2", 2, false, false, id, new byte[] {1}, MqttProperties.EMPTY));
            }
            for (int id = 1; id <= RECEIVE_MAXIMUM; id++) {
                PubResponse rec = attacker.receive(PubResponse.class, WAIT);
                assertThat(rec.type()).isEqualTo(PacketType.PUBREC);
                assertThat(rec.packetId()).isEqualTo(id);
            }
            // bounded: exactly the open exchanges are remembered, nothing more
            await().atMost(WAIT).until(() -> broker.gauge("magpie.qos2.inbound") == RECEIVE_MAXIMUM);
            traffic.awaitProgress(20);

            attacker.send(new Publish("attack/qos2", 2, false, false, RECEIVE_MAXIMUM + 1, new byte[] {1}, MqttProperties.EMPTY));
            Optional<MqttPacket> answer = attacker.poll(WAIT);
            assertThat(answer).get().isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) answer.get()).reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
            assertThat(attacker.awaitClosed(WAIT)).isTrue();
        }
        survived();
    }

    @Test
    void reconnectingWithUnreleasedIdsDoesNotAccumulate() throws Exception {
        // a 3.1.1 client with Clean Session 0 keeps its open QoS 2 ids across connections [MQTT-4.3.3-9]; a client
        // that comes back again and again with new ids, never releasing the old ones, stays within 2 x Receive Maximum:
        // ids carried over from earlier connections make room (a client that kept them would have resent them on
        // reconnecting [MQTT-4.4.0-1]), and it is never locked out by them (issue 9: a crash restores such ids)
        boolean refused = false;
        for (int round = 0; round < 5 && !refused; round++) {
            try (RawMqttClient attacker = RawMqttClient.connect("127.0.0.1", broker.port())) {
                attacker.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "comes-back", false, 60));
                attacker.receive(dev.magpie.codec.ConnAck.class, WAIT);
                try {
                    for (int i = 1; i <= 30; i++) {
                        attacker.send(new Publish("attack/qos2", 2, false, false, round * 30 + i, new byte[] {1}, MqttProperties.EMPTY));
                    }
                } catch (java.io.UncheckedIOException closedWhileSending) {
                    refused = true;
                }
                for (int recs = 0; recs < 30 && attacker.poll(WAIT).isPresent(); recs++) {
                    assertThat(broker.gauge("magpie.qos2.inbound")).isLessThanOrEqualTo(2 * RECEIVE_MAXIMUM);
                }
                refused |= attacker.awaitClosed(java.time.Duration.ofMillis(200));
            }
        }
        assertThat(refused).as("no round is refused for ids carried over from earlier ones").isFalse();
        assertThat(broker.gauge("magpie.qos2.inbound")).isLessThanOrEqualTo(2 * RECEIVE_MAXIMUM);
        // a clean connect with the same id ends the stored session and its open exchanges [MQTT-3.1.2-4]
        try (RawMqttClient cleaner = attacker(MqttVersion.V3_1_1, "comes-back")) {
            assertThat(cleaner).isNotNull();
        }
        survived();
    }
}
