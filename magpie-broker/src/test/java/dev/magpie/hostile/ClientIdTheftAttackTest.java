package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-id theft (issue 10, MQTT 5.0 section 5.4.2): bob hammers the broker with CONNECTs carrying admin's client
 * id, every protocol version and Clean Start value, while admin holds a persistent session with a will and queued
 * messages. Every attempt is refused (0x87, 3.1.1 0x05); admin is never disconnected, its will never fires, its
 * queued messages all arrive when it resumes; the good traffic runs throughout.
 */
class ClientIdTheftAttackTest extends AttackTest {
    private static final int ATTEMPTS = 60;

    private RawMqttClient connectAs(String user, boolean cleanStart, MqttVersion version, Connect.Will will) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port()).version(version);
        MqttProperties props = version.isV5() && !cleanStart
                ? MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 3600).build() : MqttProperties.EMPTY;
        c.send(new Connect(version, "admin-console", cleanStart, 60, user, null, will, props));
        return c;
    }

    @Test
    void anotherUserCannotTakeOverOrWipeASessionByItsClientId() throws Exception {
        try (RawMqttClient willWatcher = attacker(MqttVersion.V3_1_1, "will-watcher");
             RawMqttClient publisher = attacker(MqttVersion.V3_1_1, "admin-feed")) {
            willWatcher.subscribe("wills/#", 1);
            Connect.Will will = new Connect.Will("wills/admin", "admin gone".getBytes(StandardCharsets.UTF_8), 1, false, MqttProperties.EMPTY);
            RawMqttClient admin = connectAs("admin", false, MqttVersion.V3_1_1, will);
            assertThat(admin.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            admin.subscribe("admin/#", 1);

            for (int i = 0; i < ATTEMPTS; i++) {
                MqttVersion version = i % 2 == 0 ? MqttVersion.V3_1_1 : MqttVersion.V5;
                try (RawMqttClient thief = connectAs("bob", i % 3 == 0, version, will)) {
                    assertThat(thief.receive(ConnAck.class, WAIT).reasonCode()).as("attempt %d", i).isEqualTo(ReasonCode.NOT_AUTHORIZED);
                    assertThat(thief.awaitClosed(WAIT)).isTrue();
                }
            }
            publish(publisher, "admin/live", 1);
            Publish live = admin.receive(Publish.class, WAIT);
            assertThat(live.topic()).isEqualTo("admin/live"); // still connected, still subscribed
            admin.send(PubResponse.of(PacketType.PUBACK, live.packetId()));
            admin.send(Disconnect.NORMAL);
            admin.awaitClosed(WAIT);

            publish(publisher, "admin/queued/1", 2);
            publish(publisher, "admin/queued/2", 3);
            for (int i = 0; i < ATTEMPTS / 2; i++) { // the stored session, offline: not resumed by bob either
                try (RawMqttClient thief = connectAs("bob", false, MqttVersion.V3_1_1, null)) {
                    assertThat(thief.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
                }
            }
            try (RawMqttClient back = connectAs("admin", false, MqttVersion.V3_1_1, null)) {
                ConnAck ack = back.receive(ConnAck.class, WAIT);
                assertThat(ack.sessionPresent()).isTrue();
                assertThat(back.receive(Publish.class, WAIT).topic()).isEqualTo("admin/queued/1");
                assertThat(back.receive(Publish.class, WAIT).topic()).isEqualTo("admin/queued/2");
            }
            assertThat(willWatcher.poll(Duration.ofMillis(200))).isEmpty(); // the will never fired
            try (RawMqttClient end = connectAs("admin", true, MqttVersion.V3_1_1, null)) { // clean: the session goes
                assertThat(end.receive(ConnAck.class, WAIT).reasonCode()).isZero();
                end.send(Disconnect.NORMAL);
                end.awaitClosed(WAIT);
            }
        }
        survived();
    }

    private static void publish(RawMqttClient publisher, String topic, int packetId) {
        publisher.send(new Publish(topic, 1, false, false, packetId, topic.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(publisher.receive(PubResponse.class, WAIT).packetId()).isEqualTo(packetId);
    }
}
