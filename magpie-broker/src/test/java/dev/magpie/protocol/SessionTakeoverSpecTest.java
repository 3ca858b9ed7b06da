package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CONNECT with Clean Session 0 / Clean Start 0 that takes over a live connection. A session that is not
 * persistent (3.1.1 Clean Session 1 [MQTT-3.1.2-6]; 5.0 Session Expiry 0, section 3.1.2.11.2) lasts as long as
 * its network connection, so the takeover ends it: the old client is told 0x8E (5.0, [MQTT-3.1.4-3]) and its will
 * is published, and the new one starts a fresh session, Session Present 0 [MQTT-3.2.2-2], without the old
 * subscriptions. A persistent session is resumed as before (Session Present 1).
 */
class SessionTakeoverSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);
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

    private static Connect.Will will(String topic) {
        return new Connect.Will(topic, "gone".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
    }

    private static MqttProperties expiry(int seconds) {
        return MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, seconds).build();
    }

    /** Takes "same" over with Clean Start 0 and returns the new connection's CONNACK; {@code newer} stays open. */
    private ConnAck takeOver(RawMqttClient newer, MqttVersion version) {
        newer.send(new Connect(version, "same", false, 60, null, null, null, version.isV5() ? expiry(60) : MqttProperties.EMPTY));
        return newer.receive(ConnAck.class, WAIT);
    }

    /** Whether a message published to "old/t" reaches {@code c}: it would through the old session's subscription. */
    private boolean receivesOldSubscription(RawMqttClient c) {
        try (RawMqttClient pub = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "pub", true, 60))) {
            pub.send(RawMqttClient.publishPacket("old/t", 0, 0, "x"));
            return c.publishWithin(QUIET).isPresent();
        }
    }

    @Test
    void v311CleanSession0TakingOverACleanSession1ConnectionStartsAFreshSession_MQTT_3_1_2_6() {
        try (RawMqttClient observer = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "observer", true, 60));
             RawMqttClient old = RawMqttClient.connected(port, new Connect(MqttVersion.V3_1_1, "same", true, 60, null, null,
                     will("will/311"), MqttProperties.EMPTY));
             RawMqttClient newer = RawMqttClient.connect("127.0.0.1", port)) {
            observer.subscribe("will/#", 0);
            old.subscribe("old/#", 0);
            ConnAck ack = takeOver(newer, MqttVersion.V3_1_1);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.sessionPresent()).as("Session Present [MQTT-3.2.2-2]").isFalse();
            assertThat(old.awaitClosed(WAIT)).isTrue();
            assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/311");
            assertThat(receivesOldSubscription(newer)).as("old subscription gone").isFalse();
        }
    }

    @Test
    void v5CleanStart0TakingOverASessionWithoutExpiryStartsAFreshSession() {
        try (RawMqttClient observer = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "observer", true, 60));
             RawMqttClient old = RawMqttClient.connected(port, new Connect(MqttVersion.V5, "same", true, 60, null, null,
                     will("will/5"), MqttProperties.EMPTY));
             RawMqttClient newer = RawMqttClient.connect("127.0.0.1", port)) {
            observer.subscribe("will/#", 0);
            old.subscribe("old/#", 0);
            ConnAck ack = takeOver(newer, MqttVersion.V5);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.sessionPresent()).as("Session Present [MQTT-3.2.2-2]").isFalse();
            assertThat(old.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            assertThat(old.awaitClosed(WAIT)).isTrue();
            assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/5");
            assertThat(receivesOldSubscription(newer)).as("old subscription gone").isFalse();
        }
    }

    @Test
    void v5CleanStart0TakingOverAPersistentSessionResumesIt_MQTT_3_2_2_3() {
        try (RawMqttClient old = RawMqttClient.connected(port, new Connect(MqttVersion.V5, "same", false, 60, null, null, null, expiry(60)));
             RawMqttClient newer = RawMqttClient.connect("127.0.0.1", port)) {
            old.subscribe("old/#", 0);
            ConnAck ack = takeOver(newer, MqttVersion.V5);
            assertThat(ack.sessionPresent()).isTrue();
            assertThat(old.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            assertThat(receivesOldSubscription(newer)).as("subscription kept").isTrue();
        }
    }
}
