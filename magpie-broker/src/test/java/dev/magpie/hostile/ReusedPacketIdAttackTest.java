package dev.magpie.hostile;

import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One packet id used again and again. For QoS 2 the broker owns the message after the first PUBLISH: resends
 * with that id are acknowledged and never routed twice [MQTT-4.3.3-9], and the stored id costs one entry however
 * often it comes (mosquitto's CVE-2023-28366 leaked on exactly this pattern). Once PUBREL frees the id, the next
 * PUBLISH with it is a new message.
 */
class ReusedPacketIdAttackTest extends AttackTest {
    private static final int REPEATS = 1_000;

    @Test
    void qos2ResentThousandTimesIsRoutedOnce() throws Exception {
        try (RawMqttClient observer = attacker(MqttVersion.V3_1_1, "observer"); RawMqttClient attacker = attacker(MqttVersion.V5, "reuses-ids")) {
            observer.send(new Subscribe(1, List.of(Subscription.of("attack/#", 0)), MqttProperties.EMPTY));
            observer.receive(SubAck.class, WAIT);
            for (int i = 0; i < REPEATS; i++) {
                attacker.send(new Publish("attack/reused", 2, false, i > 0, 42, ("m" + i).getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            }
            for (int i = 0; i < REPEATS; i++) {
                PubResponse rec = attacker.receive(PubResponse.class, WAIT);
                assertThat(rec.type()).isEqualTo(PacketType.PUBREC);
                assertThat(rec.packetId()).isEqualTo(42);
            }
            assertThat(broker.gauge("magpie.qos2.inbound")).isEqualTo(1);
            attacker.send(PubResponse.of(PacketType.PUBREL, 42));
            assertThat(attacker.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);
            // the id is free again: the same id now carries a new message
            attacker.send(new Publish("attack/reused", 2, false, false, 42, "new".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            assertThat(attacker.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
            attacker.send(PubResponse.of(PacketType.PUBREL, 42));
            assertThat(attacker.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);

            assertThat(payloads(observer)).containsExactly("m0", "new");
            traffic.awaitProgress(20);
        }
        survived();
    }

    @Test
    void qos1WithOneIdInFlightManyTimesIsAcknowledgedEachTime() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V3_1_1, "qos1-reuse")) {
            for (int i = 0; i < REPEATS; i++) {
                attacker.send(new Publish("attack/qos1", 1, false, false, 7, new byte[] {(byte) i}, MqttProperties.EMPTY));
            }
            for (int i = 0; i < REPEATS; i++) {
                PubResponse ack = attacker.receive(PubResponse.class, WAIT);
                assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
                assertThat(ack.packetId()).isEqualTo(7);
            }
            traffic.awaitProgress(20);
        }
        survived();
    }

    private static List<String> payloads(RawMqttClient observer) {
        List<String> got = new ArrayList<>();
        for (Optional<MqttPacket> p = observer.poll(WAIT); p.isPresent(); p = observer.poll(Duration.ofMillis(300))) {
            got.add(new String(((Publish) p.get()).payload(), StandardCharsets.US_ASCII));
        }
        return got;
    }
}
