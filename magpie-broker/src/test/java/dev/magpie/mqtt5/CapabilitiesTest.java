package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.since;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONNACK advertises what the broker offers (spec 3.2.2.3), configured through {@link BrokerCapabilities} and
 * {@link BrokerSettings}, and the broker enforces exactly that: each capability is switched off once and a
 * client that uses it anyway gets the reason code the spec gives. 3.1.1 clients get the 3.1.1 equivalent.
 */
class CapabilitiesTest {
    private Mqtt5Fixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private ConnAck connack(String clientId) {
        return f.connAck(f.socket(), connect5(clientId, true, MqttProperties.EMPTY));
    }

    @Test
    void byDefaultEverythingIsAvailableAndTheLimitsAreAdvertised() {
        f = Mqtt5Fixture.start();
        MqttProperties p = connack("cap-default").properties();
        // an absent property means "available" [MQTT-3.2.2-9]
        assertThat(p.has(PropertyId.MAXIMUM_QOS)).isFalse();
        assertThat(p.has(PropertyId.RETAIN_AVAILABLE)).isFalse();
        assertThat(p.has(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE)).isFalse();
        assertThat(p.has(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE)).isFalse();
        assertThat(p.has(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE)).isFalse();
        assertThat(p.has(PropertyId.SERVER_KEEP_ALIVE)).isFalse();
        assertThat(p.integer(PropertyId.TOPIC_ALIAS_MAXIMUM, 0)).isEqualTo(64);
        assertThat(p.integer(PropertyId.RECEIVE_MAXIMUM, 0)).isEqualTo(100);
        assertThat(p.unsignedInt(PropertyId.MAXIMUM_PACKET_SIZE, 0)).isEqualTo(256 * 1024);
    }

    @Test
    void maximumQos1_isAdvertisedGrantedAndEnforced_MQTT_3_2_2_9_to_12() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withMaximumQos(1));
        assertThat(connack("cap-q1").properties().integer(PropertyId.MAXIMUM_QOS, -1)).isEqualTo(1);
        // SUBSCRIBE at QoS 2 is still accepted, granted at 1 [MQTT-3.2.2-10], for 3.1.1 as well
        assertThat(subscribe(f.v5("cap-q1-sub"), Subscription.of("q/#", 2)).reasonCodes()).containsExactly(1);
        assertThat(subscribe(f.v311("cap-q1-sub3"), Subscription.of("q/#", 2)).reasonCodes()).containsExactly(1);
        // a PUBLISH above it: DISCONNECT 0x9B
        RawMqttClient pub = f.v5("cap-q1-pub");
        pub.send(publish("q/t", 2, 1, "x"));
        expectDisconnect(pub, ReasonCode.QOS_NOT_SUPPORTED);
        // a will above it: CONNACK 0x9B [MQTT-3.2.2-12]
        Connect.Will will = new Connect.Will("w", new byte[]{1}, 2, false, MqttProperties.EMPTY);
        assertThat(f.connAck(f.socket(), connect5("cap-q1-will", true, MqttProperties.EMPTY, will)).reasonCode())
                .isEqualTo(ReasonCode.QOS_NOT_SUPPORTED);
        // 3.1.1 has no 0x9B: its client gets return code 0x05 Not authorized, read back here as 0x87
        assertThat(f.connAck(f.socket(), new Connect(MqttVersion.V3_1_1, "cap-q1-will3", true, 60, null, null, will, MqttProperties.EMPTY))
                .reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void maximumQos0_refusesQos1() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withMaximumQos(0));
        assertThat(connack("cap-q0").properties().integer(PropertyId.MAXIMUM_QOS, -1)).isZero();
        RawMqttClient pub = f.v5("cap-q0-pub");
        pub.send(publish("q/t", 1, 1, "x"));
        expectDisconnect(pub, ReasonCode.QOS_NOT_SUPPORTED);
    }

    @Test
    void retainOff_isAdvertisedAndEnforced_MQTT_3_2_2_13_and_14() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withRetainAvailable(false));
        assertThat(connack("cap-ret").properties().integer(PropertyId.RETAIN_AVAILABLE, -1)).isZero();
        RawMqttClient pub = f.v5("cap-ret-pub");
        pub.send(new Publish("r/t", 0, true, false, 0, new byte[]{1}, MqttProperties.EMPTY));
        expectDisconnect(pub, ReasonCode.RETAIN_NOT_SUPPORTED);
        Connect.Will will = new Connect.Will("w", new byte[]{1}, 0, true, MqttProperties.EMPTY);
        assertThat(f.connAck(f.socket(), connect5("cap-ret-will", true, MqttProperties.EMPTY, will)).reasonCode())
                .isEqualTo(ReasonCode.RETAIN_NOT_SUPPORTED);
    }

    @Test
    void wildcardsOff_areAdvertisedAndRefusedPerFilter() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withWildcardSubscriptions(false));
        assertThat(connack("cap-wild").properties().integer(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, -1)).isZero();
        assertThat(subscribe(f.v5("cap-wild5"), Subscription.of("a/+", 0), Subscription.of("#", 0), Subscription.of("a/b", 1)).reasonCodes())
                .containsExactly(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED, ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED, 1);
        assertThat(subscribe(f.v311("cap-wild3"), Subscription.of("a/+", 0), Subscription.of("a/b", 1)).reasonCodes())
                .containsExactly(ReasonCode.V3_SUBACK_FAILURE, 1);
    }

    @Test
    void sharedSubscriptionsOff_areAdvertisedAndRefusedPerFilter() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withSharedSubscriptions(false));
        assertThat(connack("cap-shared").properties().integer(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, -1)).isZero();
        assertThat(subscribe(f.v5("cap-shared5"), Subscription.of("$share/g/t", 0), Subscription.of("t", 0)).reasonCodes())
                .containsExactly(ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED, 0);
        assertThat(subscribe(f.v311("cap-shared3"), Subscription.of("$share/g/t", 0)).reasonCodes()).containsExactly(ReasonCode.V3_SUBACK_FAILURE);
    }

    @Test
    void subscriptionIdentifiersOff_areAdvertisedAndRefusedWith0xA1() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withSubscriptionIdentifiers(false));
        assertThat(connack("cap-sid").properties().integer(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, -1)).isZero();
        RawMqttClient c = f.v5("cap-sid-sub");
        c.send(new dev.magpie.codec.Subscribe(1, java.util.List.of(Subscription.of("t", 0)),
                MqttProperties.builder().integer(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).build()));
        expectDisconnect(c, ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED);
    }

    @Test
    void topicAliasesOff_areNotAdvertisedAndAnAliasIs0x94_MQTT_3_2_2_18() {
        f = Mqtt5Fixture.start(BrokerCapabilities.all().withTopicAliasMaximum(0));
        assertThat(connack("cap-alias").properties().has(PropertyId.TOPIC_ALIAS_MAXIMUM)).isFalse();
        RawMqttClient c = f.v5("cap-alias-pub");
        c.send(publish("t", 0, 0, "x", MqttProperties.builder().integer(PropertyId.TOPIC_ALIAS, 1).build()));
        expectDisconnect(c, ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void limitsFromSettingsAreAdvertised() {
        f = Mqtt5Fixture.start(BrokerSettings.defaults().withMaxPacketSize(2048).withReceiveMaximum(7));
        MqttProperties p = connack("cap-limits").properties();
        assertThat(p.unsignedInt(PropertyId.MAXIMUM_PACKET_SIZE, 0)).isEqualTo(2048);
        assertThat(p.integer(PropertyId.RECEIVE_MAXIMUM, 0)).isEqualTo(7);
        RawMqttClient c = f.v5("cap-limits-pub");
        c.send(publish("t", 0, 0, "z".repeat(4096)));
        expectDisconnect(c, ReasonCode.PACKET_TOO_LARGE);
    }

    @Test
    void serverKeepAliveIsAdvertisedAndEnforced_MQTT_3_2_2_21_and_3_1_2_22() {
        f = Mqtt5Fixture.start(BrokerSettings.defaults().withMaxKeepAlive(1));
        // keep-alive 0 ("none") is also capped when the broker has a maximum
        ConnAck none = f.connAck(f.socket(), new Connect(MqttVersion.V5, "cap-ka0", true, 0, null, null, null, MqttProperties.EMPTY));
        assertThat(none.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(1);
        RawMqttClient c = f.socket();
        ConnAck ack = f.connAck(c, connect5("cap-ka", true, MqttProperties.EMPTY)); // asks for 60 s
        long connected = System.nanoTime();
        assertThat(ack.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(1);
        // the broker holds the client to the 1 s it announced, not the 60 s it asked for
        expectDisconnect(c, ReasonCode.KEEP_ALIVE_TIMEOUT);
        assertThat(since(connected)).isGreaterThanOrEqualTo(Duration.ofMillis(1_200)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void hivemqClientReadsEveryRestrictionAndHonoursMaximumQos() throws Exception {
        f = Mqtt5Fixture.start(dev.magpie.testkit.TestBrokers.anonymous()
                .capabilities(new BrokerCapabilities(1, false, false, false, false, 3, ""))
                .settings(BrokerSettings.defaults().withMaxPacketSize(4096).withReceiveMaximum(9)));
        Mqtt5BlockingClient c = f.hivemq("cap-hm");
        Mqtt5ConnAck ack = c.connect();
        Mqtt5ConnAckRestrictions r = ack.getRestrictions();
        assertThat(r.getMaximumQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        assertThat(r.isRetainAvailable()).isFalse();
        assertThat(r.isWildcardSubscriptionAvailable()).isFalse();
        assertThat(r.isSharedSubscriptionAvailable()).isFalse();
        assertThat(r.areSubscriptionIdentifiersAvailable()).isFalse();
        assertThat(r.getTopicAliasMaximum()).isEqualTo(3);
        assertThat(r.getMaximumPacketSize()).isEqualTo(4096);
        assertThat(r.getReceiveMaximum()).isEqualTo(9);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            // a QoS 2 subscription is granted at 1 [MQTT-3.2.2-10]
            assertThat(c.subscribeWith().topicFilter("caphm/t").qos(MqttQos.EXACTLY_ONCE).send().getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            c.publishWith().topic("caphm/t").qos(MqttQos.AT_LEAST_ONCE).payload("x".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> p = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).isPresent();
            assertThat(p.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        }
        // this client does not downgrade by itself: a QoS 2 PUBLISH is refused with DISCONNECT 0x9B
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() ->
                c.publishWith().topic("caphm/t").qos(MqttQos.EXACTLY_ONCE).payload("y".getBytes(StandardCharsets.UTF_8)).send());
        assertThat(refused).isNotNull();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !c.getState().isConnected());
    }
}
