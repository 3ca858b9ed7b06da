package dev.magpie.limits;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import static dev.magpie.limits.LimitsFixture.QUIET;
import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * max_topic_length (UTF-8 bytes) and max_topic_levels on PUBLISH topics, SUBSCRIBE filters and will topics.
 * 5.0 reason codes: 0x90 Topic Name invalid for a name "not malformed, but not accepted" (PUBACK/PUBREC,
 * CONNACK for a will), 0x8F Topic Filter invalid for a filter "correctly formed but not allowed" (SUBACK).
 * A 3.1.1 client whose will topic is over the limits gets CONNACK 0x05 Not authorized (see
 * {@code ReasonCode.toV3ConnackCode} for why not 0x03 or a silent close).
 */
class TopicLimitsTest {
    private static final String LONG = "x".repeat(21);

    private static LimitsFixture start() {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().maxTopicLength(20).maxTopicLevels(3).build();
        return new LimitsFixture(TestBrokers.anonymous().limits(limits));
    }

    @Test
    void v5PublishOverTheLimitsIsAcknowledgedWith0x90AndNotRouted() {
        try (LimitsFixture f = start()) {
            RawMqttClient sub = f.v5("sub");
            assertThat(LimitsFixture.subscribe(sub, "#")).containsExactly(1);
            RawMqttClient pub = f.v5("pub");

            pub.send(LimitsFixture.publish("a/b/c/d", 1, 1, "four levels"));
            assertThat(pub.receive(PubResponse.class, WAIT).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            pub.send(LimitsFixture.publish(LONG, 2, 2, "21 bytes"));
            assertThat(pub.receive(PubResponse.class, WAIT).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            // "é" is 2 bytes in UTF-8: 10 of them are 20 bytes (allowed), 11 are 22 (refused)
            pub.send(LimitsFixture.publish("é".repeat(11), 1, 3, "22 bytes"));
            assertThat(pub.receive(PubResponse.class, WAIT).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            pub.send(LimitsFixture.publish("é".repeat(10), 0, 0, "20 bytes"));
            assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("é".repeat(10));

            pub.send(LimitsFixture.publish("a/b/c", 1, 4, "three levels"));
            assertThat(pub.receive(PubResponse.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("a/b/c");
            assertThat(sub.poll(QUIET)).as("nothing over the limits was routed").isEmpty();
        }
    }

    @Test
    void v311PublishOverTheLimitsIsAcknowledgedAndDropped() {
        try (LimitsFixture f = start()) {
            RawMqttClient sub = f.v311("sub");
            assertThat(LimitsFixture.subscribe(sub, "#")).containsExactly(1);
            RawMqttClient pub = f.v311("pub");
            // 3.1.1 has no negative PUBACK: acknowledge and drop [MQTT-3.3.5-2]; the connection stays up
            pub.send(LimitsFixture.publish("a/b/c/d", 1, 1, "four levels"));
            assertThat(pub.receive(PubResponse.class, WAIT).packetId()).isEqualTo(1);
            pub.send(LimitsFixture.publish("ok", 0, 0, "fine"));
            assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("ok");
            assertThat(sub.poll(QUIET)).isEmpty();
        }
    }

    @Test
    void subscribeFiltersOverTheLimitsGet0x8FIn5And0x80In311() {
        try (LimitsFixture f = start()) {
            RawMqttClient v5 = f.v5("v5");
            // the shared prefix does not count: $share/g/a/b/c has the three levels of a/b/c
            assertThat(LimitsFixture.subscribe(v5, "a/+/c", "a/b/c/#", LONG, "$share/g/a/b/c"))
                    .containsExactly(1, ReasonCode.TOPIC_FILTER_INVALID, ReasonCode.TOPIC_FILTER_INVALID, 1);
            RawMqttClient v311 = f.v311("v311");
            assertThat(LimitsFixture.subscribe(v311, "a/+/c", "a/b/c/#")).containsExactly(1, ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    @Test
    void willTopicOverTheLimitsIsRefusedWith0x90() {
        try (LimitsFixture f = start()) {
            RawMqttClient c = f.socket();
            Connect.Will will = new Connect.Will("a/b/c/d", new byte[0], 0, false, MqttProperties.EMPTY);
            ConnAck ack = f.connAck(c, new Connect(MqttVersion.V5, "w", true, 60, null, null, will, MqttProperties.EMPTY));
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            assertThat(c.awaitClosed(WAIT)).isTrue(); // [MQTT-3.2.2-7]: a refusing CONNACK is followed by close
        }
    }

    @Test
    void v311WillTopicOverTheLimitsIsRefusedWithNotAuthorized_MQTT_3_2_2_5() {
        try (LimitsFixture f = start()) {
            RawMqttClient c = f.socket();
            Connect.Will will = new Connect.Will("a/b/c/d", new byte[0], 0, false, MqttProperties.EMPTY);
            ConnAck ack = f.connAck(c, new Connect(MqttVersion.V3_1_1, "w311", true, 60, null, null, will, MqttProperties.EMPTY));
            // return code 0x05 on the wire (the raw client reads 3.1.1 codes back as their 5.0 equivalents)
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(ack.sessionPresent()).isFalse(); // [MQTT-3.2.2-4]
            assertThat(c.awaitClosed(WAIT)).isTrue(); // [MQTT-3.2.2-5]
        }
    }

    @Test
    void pahoV3SeesNotAuthorizedForAWillTopicOverTheLimits() throws Exception {
        try (LimitsFixture f = start();
             MqttClient paho = new MqttClient(TestBrokers.uri(f.broker), "paho-will", new MemoryPersistence())) {
            MqttConnectOptions options = PahoOptions.v3();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setWill(LONG, "gone".getBytes(), 0, false);
            MqttException e = catchThrowableOfType(() -> paho.connect(options), MqttException.class);
            assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            assertThat(paho.isConnected()).isFalse();
        }
    }
}
