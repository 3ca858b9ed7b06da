package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "$share/{group}/{filter}" names a shared subscription (spec 4.8.2), never a topic a message can be addressed to.
 * A PUBLISH to such a name is refused without being routed or retained: 5.0 PUBACK / PUBREC 0x90 Topic Name
 * invalid (spec 3.4.2.1), QoS 0 dropped; 3.1.1 has no negative acknowledgement, so it is acknowledged and dropped
 * [MQTT-3.3.5-2], logged once per connection.
 */
class SharedTopicPublishSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private Broker broker;
    private int port;

    @BeforeEach
    void start() {
        // an interceptor sees every message that enters the publish pipeline
        broker = TestBrokers.anonymous().interceptor((publisher, message) -> {
            routed.add(message.topic());
            return Optional.of(message);
        }).build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private RawMqttClient client(MqttVersion version, String id) {
        return RawMqttClient.connected(port, RawMqttClient.connectPacket(version, id, true, 60));
    }

    /** A PINGREQ is answered after everything sent before it: what was sent has been handled. */
    private static void handled(RawMqttClient c) {
        c.send(PingReq.INSTANCE);
        assertThat(c.receive(PingResp.class, WAIT)).isNotNull();
    }

    @Test
    void v5PublishesToAShareNameAreRefusedWith0x90() {
        try (RawMqttClient c = client(MqttVersion.V5, "share-pub5")) {
            c.send(RawMqttClient.publishPacket("$share/g/t", 1, 1, "x"));
            PubResponse ack = c.receive(PubResponse.class, WAIT);
            assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);

            c.send(RawMqttClient.publishPacket("$share/g/t", 2, 2, "x"));
            PubResponse rec = c.receive(PubResponse.class, WAIT);
            assertThat(rec.type()).isEqualTo(PacketType.PUBREC);
            assertThat(rec.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);

            c.send(RawMqttClient.publishPacket("$share/g/t", 0, 0, "x")); // dropped, the connection stays
            handled(c);
            c.send(RawMqttClient.publishPacket("not/shared", 0, 0, "x"));
            handled(c);
            assertThat(routed).containsExactly("not/shared");
        }
    }

    @Test
    void v311PublishesToAShareNameAreAcknowledgedDroppedAndLoggedOnce_MQTT_3_3_5_2() {
        try (LogCapture log = LogCapture.of(InboundFlows.class); RawMqttClient c = client(MqttVersion.V3_1_1, "share-pub311")) {
            for (int id = 1; id <= 3; id++) {
                c.send(RawMqttClient.publishPacket("$share/g/t", 1, id, "x"));
                PubResponse ack = c.receive(PubResponse.class, WAIT);
                assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
                assertThat(ack.packetId()).isEqualTo(id);
            }
            assertThat(routed).isEmpty();
            assertThat(log.messages()).filteredOn(m -> m.contains("share-pub311") && m.contains("$share/")).hasSize(1);
        }
    }
}
