package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Topic aliases, client → broker and broker → client (spec 3.3.2.3.4). */
class TopicAliasTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static MqttProperties alias(int alias) {
        return MqttProperties.builder().integer(PropertyId.TOPIC_ALIAS, alias).build();
    }

    private static MqttProperties aliasMaximum(int maximum) {
        return MqttProperties.builder().integer(PropertyId.TOPIC_ALIAS_MAXIMUM, maximum).build();
    }

    @Test
    void anAliasSetByTheClientStandsForItsTopic_MQTT_3_3_2_12() {
        // given a subscriber without topic aliases and a publisher
        RawMqttClient sub = f.v5("ta-sub");
        subscribe(sub, "ta/#", 0);
        RawMqttClient pub = f.v5("ta-pub");
        // when the publisher sets alias 1 with a topic, then publishes with the alias only
        pub.send(publish("ta/a/long/topic", 0, 0, "one", alias(1)));
        pub.send(publish("", 0, 0, "two", alias(1)));
        // and rebinds alias 1 to another topic
        pub.send(publish("ta/other", 0, 0, "three", alias(1)));
        pub.send(publish("", 0, 0, "four", alias(1)));
        // then each message arrives with its full topic and no alias (the subscriber allowed none [MQTT-3.1.2-27])
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Publish p = sub.receive(Publish.class, WAIT);
            assertThat(p.properties().has(PropertyId.TOPIC_ALIAS)).isFalse();
            got.add(p.topic() + "=" + text(p));
        }
        assertThat(got).containsExactly("ta/a/long/topic=one", "ta/a/long/topic=two", "ta/other=three", "ta/other=four");
    }

    @Test
    void connackAdvertisesTheTopicAliasMaximum_MQTT_3_2_2_17() {
        ConnAck ack = f.connAck(f.socket(), connect5("ta-max", true, MqttProperties.EMPTY));
        assertThat(ack.properties().integer(PropertyId.TOPIC_ALIAS_MAXIMUM, 0)).isEqualTo(64);
    }

    @Test
    void aliasZeroGetsDisconnect0x94_MQTT_3_3_2_8() {
        RawMqttClient pub = f.v5("ta-zero");
        pub.send(publish("t", 0, 0, "x", alias(0)));
        expectDisconnect(pub, ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void aliasAboveTheAdvertisedMaximumGetsDisconnect0x94_MQTT_3_3_2_9() {
        RawMqttClient pub = f.v5("ta-above");
        pub.send(publish("t", 0, 0, "x", alias(65)));
        expectDisconnect(pub, ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void anAliasUsedBeforeItWasSetIsAProtocolError() {
        // spec 3.3.4: a topic alias with no mapping and an empty topic is a Protocol Error
        RawMqttClient pub = f.v5("ta-unset");
        pub.send(publish("", 0, 0, "x", alias(3)));
        expectDisconnect(pub, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void inboundAliasesDoNotOutliveTheConnection_MQTT_3_3_2_7() {
        RawMqttClient first = f.connected(connect5("ta-conn", false, Mqtt5Fixture.sessionExpiry(60)));
        first.send(publish("ta/kept", 0, 0, "x", alias(1)));
        first.close();
        RawMqttClient second = f.connected(connect5("ta-conn", false, Mqtt5Fixture.sessionExpiry(60)));
        second.send(publish("", 0, 0, "y", alias(1)));
        expectDisconnect(second, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void brokerAssignsAliasesUpToTheClientsMaximum_MQTT_3_1_2_26() {
        // given a subscriber that accepts two aliases
        RawMqttClient sub = f.v5("ta-out", aliasMaximum(2));
        subscribe(sub, "out/#", 1);
        RawMqttClient pub = f.v5("ta-out-pub");
        // when five messages on three topics go to it
        for (String topic : List.of("out/a", "out/a", "out/b", "out/c", "out/b")) {
            pub.send(publish(topic, 0, 0, topic));
        }
        // then the first of a topic carries topic and alias, later ones only the alias, and a third topic none
        List<String> wire = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Publish p = sub.receive(Publish.class, WAIT);
            wire.add(p.topic() + "|" + p.properties().integer(PropertyId.TOPIC_ALIAS, 0) + "|" + text(p));
        }
        assertThat(wire).containsExactly("out/a|1|out/a", "|1|out/a", "out/b|2|out/b", "out/c|0|out/c", "|2|out/b");
    }

    @Test
    void outboundAliasesStartAfreshOnANewConnection_MQTT_3_3_2_7() {
        MqttProperties props = MqttProperties.builder().integer(PropertyId.TOPIC_ALIAS_MAXIMUM, 4)
                .integer(PropertyId.SESSION_EXPIRY_INTERVAL, 60).build();
        RawMqttClient sub = f.connected(connect5("ta-fresh", true, props));
        subscribe(sub, "fresh/#", 0);
        RawMqttClient pub = f.v5("ta-fresh-pub");
        pub.send(publish("fresh/t", 0, 0, "1"));
        assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("fresh/t");
        sub.close();
        RawMqttClient again = f.connected(connect5("ta-fresh", false, props));
        pub.send(publish("fresh/t", 0, 0, "2"));
        Publish p = again.receive(Publish.class, WAIT);
        // the new connection has no mapping yet, so the topic is sent in full again
        assertThat(p.topic()).isEqualTo("fresh/t");
        assertThat(p.properties().integer(PropertyId.TOPIC_ALIAS, 0)).isEqualTo(1);
    }

    @Test
    void aSubscriberWithoutATopicAliasMaximumNeverGetsAliases_MQTT_3_1_2_27() {
        RawMqttClient sub = f.v5("ta-none");
        subscribe(sub, "none/#", 0);
        RawMqttClient pub = f.v5("ta-none-pub");
        for (int i = 0; i < 3; i++) {
            pub.send(publish("none/t", 0, 0, "m" + i));
        }
        for (int i = 0; i < 3; i++) {
            Publish p = sub.receive(Publish.class, WAIT);
            assertThat(p.topic()).isEqualTo("none/t");
            assertThat(p.properties().has(PropertyId.TOPIC_ALIAS)).isFalse();
        }
    }

    @Test
    void hivemqClientsUseAliasesBothWays() throws Exception {
        // given a HiveMQ subscriber that accepts aliases from the broker, and a HiveMQ publisher that may use ours
        Mqtt5BlockingClient sub = f.hivemq("ta-hm-sub");
        sub.connectWith().restrictions().topicAliasMaximum(8).applyRestrictions().send();
        Mqtt5BlockingClient pub = f.hivemq("ta-hm-pub");
        pub.connectWith().restrictions().sendTopicAliasMaximum(8).applyRestrictions().send();
        RawMqttClient raw = f.v5("ta-hm-raw");
        subscribe(raw, "hm/alias/#", 1);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("hm/alias/#").qos(MqttQos.AT_LEAST_ONCE).send();
            // when the same topics are published several times
            for (int i = 0; i < 6; i++) {
                pub.publishWith().topic("hm/alias/" + (i % 2)).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
            }
            // then the HiveMQ subscriber resolves the broker's aliases to the right topics
            for (int i = 0; i < 6; i++) {
                Optional<Mqtt5Publish> p = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(p).isPresent();
                assertThat(p.get().getTopic().toString()).isEqualTo("hm/alias/" + (i % 2));
                assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
            }
        }
        // and the broker resolved whatever aliases the HiveMQ publisher used
        for (int i = 0; i < 6; i++) {
            Publish p = raw.receive(Publish.class, WAIT);
            assertThat(p.topic()).isEqualTo("hm/alias/" + (i % 2));
            raw.send(dev.magpie.codec.PubResponse.of(dev.magpie.codec.PacketType.PUBACK, p.packetId()));
        }
    }
}
