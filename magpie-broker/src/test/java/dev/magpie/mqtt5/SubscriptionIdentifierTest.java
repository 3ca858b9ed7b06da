package dev.magpie.mqtt5;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.sessionExpiry;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Subscription Identifiers (spec 3.8.2.1.2, 3.3.4): given on SUBSCRIBE, returned with every matching message. */
class SubscriptionIdentifierTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static MqttProperties id(int identifier) {
        return MqttProperties.builder().integer(PropertyId.SUBSCRIPTION_IDENTIFIER, identifier).build();
    }

    @Test
    void oneCopyCarriesTheIdentifiersOfEveryMatchingSubscription_MQTT_3_3_4_3_and_3_3_4_4() {
        // given three overlapping subscriptions of one client: ids 1 and 2, and one without an id
        RawMqttClient sub = f.v5("si-multi");
        subscribe(sub, id(1), Subscription.of("si/#", 0));
        subscribe(sub, id(2), Subscription.of("si/+", 0));
        subscribe(sub, Subscription.of("si/x", 0));
        // when a message matches all three
        f.v5("si-multi-pub").send(publish("si/x", 0, 0, "m"));
        // then one PUBLISH carries ids 1 and 2 (order is not significant)
        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(1, 2);
        Mqtt5Fixture.expectNoPublish(sub);
    }

    @Test
    void eachSubscriberGetsItsOwnIdentifiersOnly_MQTT_3_3_4_5() {
        RawMqttClient a = f.v5("si-a");
        subscribe(a, id(10), Subscription.of("own/#", 0));
        RawMqttClient b = f.v5("si-b");
        subscribe(b, id(20), Subscription.of("own/#", 0));
        RawMqttClient none = f.v5("si-none");
        subscribe(none, Subscription.of("own/#", 0));
        f.v5("si-own-pub").send(publish("own/t", 0, 0, "m"));
        assertThat(a.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).containsExactly(10);
        assertThat(b.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).containsExactly(20);
        assertThat(none.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).isEmpty();
    }

    @Test
    void retainedMessagesCarryTheIdentifierOfTheNewSubscription() {
        RawMqttClient pub = f.v5("si-ret-pub");
        Mqtt5Fixture.storeRetained(pub, "sir/t", "kept", MqttProperties.EMPTY);
        RawMqttClient sub = f.v5("si-ret");
        subscribe(sub, id(77), Subscription.of("sir/#", 0));
        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.retain()).isTrue();
        assertThat(p.properties().subscriptionIdentifiers()).containsExactly(77);
    }

    @Test
    void aReplacedSubscriptionTakesTheNewIdentifierOrNone_MQTT_3_8_4_3() {
        RawMqttClient sub = f.v5("si-replace");
        subscribe(sub, id(5), Subscription.of("sirep/#", 0));
        subscribe(sub, Subscription.of("sirep/#", 0));
        RawMqttClient pub = f.v5("si-replace-pub");
        pub.send(publish("sirep/t", 0, 0, "a"));
        assertThat(sub.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).isEmpty();
        subscribe(sub, id(6), Subscription.of("sirep/#", 0));
        pub.send(publish("sirep/t", 0, 0, "b"));
        assertThat(sub.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).containsExactly(6);
    }

    @Test
    void aResumedSessionKeepsDeliveringTheIdentifier() {
        // given a persistent session subscribed with id 9
        RawMqttClient first = f.connected(connect5("si-resume", true, sessionExpiry(60)));
        subscribe(first, id(9), Subscription.of("sires/#", 1));
        first.close();
        // when a message is queued while it is offline, and another arrives after it is back
        RawMqttClient pub = f.v5("si-resume-pub");
        pub.send(publish("sires/t", 1, 1, "queued"));
        pub.receive(PubResponse.class, WAIT);
        RawMqttClient again = f.connected(connect5("si-resume", false, sessionExpiry(60)));
        Publish queued = again.receive(Publish.class, WAIT);
        again.send(PubResponse.of(PacketType.PUBACK, queued.packetId()));
        pub.send(publish("sires/t", 1, 2, "live"));
        Publish live = again.receive(Publish.class, WAIT);
        // then both carry it
        assertThat(text(queued)).isEqualTo("queued");
        assertThat(queued.properties().subscriptionIdentifiers()).containsExactly(9);
        assertThat(text(live)).isEqualTo("live");
        assertThat(live.properties().subscriptionIdentifiers()).containsExactly(9);
    }

    @Test
    void aSharedSubscriptionDeliversItsIdentifier() {
        RawMqttClient sub = f.v5("si-shared");
        subscribe(sub, id(33), Subscription.of("$share/g/sish/#", 0));
        f.v5("si-shared-pub").send(publish("sish/t", 0, 0, "m"));
        assertThat(sub.receive(Publish.class, WAIT).properties().subscriptionIdentifiers()).containsExactly(33);
    }

    @Test
    void aPublishFromAClientMustNotCarryASubscriptionIdentifier_MQTT_3_3_4_6() {
        RawMqttClient sub = f.v5("si-forged-sub");
        subscribe(sub, Subscription.of("forged/#", 0));
        RawMqttClient pub = f.v5("si-forged");
        pub.send(publish("forged/t", 0, 0, "m", id(4)));
        expectDisconnect(pub, ReasonCode.PROTOCOL_ERROR);
        Mqtt5Fixture.expectNoPublish(sub);
    }

    @Test
    void pahoReceivesItsSubscriptionIdentifiers() throws Exception {
        MqttAsyncClient paho = new MqttAsyncClient(TestBrokers.uri(f.broker), "si-paho", new MemoryPersistence());
        try {
            paho.connect(new MqttConnectionOptions()).waitForCompletion(WAIT.toMillis());
            List<List<Integer>> got = new CopyOnWriteArrayList<>();
            org.eclipse.paho.mqttv5.common.packet.MqttProperties props = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            // Paho 1.2.5 encodes the single identifier and maps its listener through the list: it needs both
            props.setSubscriptionIdentifier(42);
            props.setSubscriptionIdentifiers(List.of(42));
            paho.subscribe(new MqttSubscription("paho/si/#", 1), null, null,
                    (topic, message) -> got.add(message.getProperties().getSubscriptionIdentifiers()), props).waitForCompletion(WAIT.toMillis());
            paho.publish("paho/si/x", new MqttMessage("m".getBytes(StandardCharsets.UTF_8), 1, false, null)).waitForCompletion(WAIT.toMillis());
            await().atMost(WAIT).until(() -> got.size() == 1);
            assertThat(got.get(0)).containsExactly(42);
        } finally {
            paho.disconnectForcibly(500, 500, false);
            paho.close(true);
        }
    }
}
