package dev.magpie.clients;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HiveMQ MQTT client (3.1.1 and 5.0 APIs) against the broker. */
class HiveMqClientTest {
    private Broker broker;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private Mqtt5BlockingClient v5(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port("tcp")).buildBlocking();
    }

    private Mqtt3BlockingClient v3(String id) {
        return Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port("tcp")).buildBlocking();
    }

    @ParameterizedTest(name = "MQTT 5 at {0}")
    @EnumSource(MqttQos.class)
    void mqtt5RoundTrip(MqttQos qos) throws Exception {
        Mqtt5BlockingClient sub = v5("hm5-sub-" + qos);
        Mqtt5BlockingClient pub = v5("hm5-pub-" + qos);
        try {
            Mqtt5ConnAck ack = sub.connect();
            // CONNACK advertises what is offered [MQTT-3.2.2.3]
            assertThat(ack.getRestrictions().areSubscriptionIdentifiersAvailable()).isTrue();
            assertThat(ack.getRestrictions().isSharedSubscriptionAvailable()).isTrue();
            assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(64);
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("hm/+/x").qos(qos).send();
                pub.connect();
                for (int i = 0; i < 10; i++) {
                    pub.publishWith().topic("hm/" + i + "/x").qos(qos).payload(("p" + i).getBytes(StandardCharsets.UTF_8)).send();
                }
                for (int i = 0; i < 10; i++) {
                    Optional<Mqtt5Publish> p = publishes.receive(10, TimeUnit.SECONDS);
                    assertThat(p).isPresent();
                    assertThat(p.get().getTopic().toString()).isEqualTo("hm/" + i + "/x");
                    assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("p" + i);
                    assertThat(p.get().getQos()).isEqualTo(qos);
                }
            }
        } finally {
            pub.disconnect();
            sub.disconnect();
        }
    }

    @Test
    void mqtt311RetainedAndQos2() throws Exception {
        Mqtt3BlockingClient pub = v3("hm3-pub");
        Mqtt3BlockingClient sub = v3("hm3-sub");
        try {
            pub.connect();
            pub.publishWith().topic("hm3/state").qos(MqttQos.EXACTLY_ONCE).retain(true).payload("on".getBytes(StandardCharsets.UTF_8)).send();
            sub.connect();
            try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("hm3/#").qos(MqttQos.EXACTLY_ONCE).send();
                Optional<Mqtt3Publish> retained = publishes.receive(10, TimeUnit.SECONDS);
                assertThat(retained).isPresent();
                assertThat(retained.get().isRetain()).isTrue(); // [MQTT-3.3.1-8]
                assertThat(retained.get().getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
                assertThat(new String(retained.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("on");
            }
        } finally {
            pub.disconnect();
            sub.disconnect();
        }
    }
}
