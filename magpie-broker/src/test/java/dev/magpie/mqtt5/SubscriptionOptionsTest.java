package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.QUIET;
import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscription Options (spec 3.8.3.1): No Local, Retain As Published, Retain Handling. The single-option raw
 * cases are in {@code dev.magpie.protocol.SubscribeSpecTest}; this class adds how the options combine, the
 * shared-subscription restriction, and the same behaviour through the HiveMQ client.
 */
class SubscriptionOptionsTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError_MQTT_3_8_3_4() {
        RawMqttClient c = f.v5("so-shared-nl");
        c.send(new dev.magpie.codec.Subscribe(1, java.util.List.of(new Subscription("$share/g/so/#", 1, true, false, 0)), MqttProperties.EMPTY));
        expectDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void noLocalSkipsOnlyItsOwnSubscriptionWhenFiltersOverlap_MQTT_3_8_3_3() {
        // given one client with a No Local subscription (id 1) and an overlapping ordinary one (id 2)
        RawMqttClient c = f.v5("so-overlap");
        MqttProperties id1 = MqttProperties.builder().integer(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).build();
        MqttProperties id2 = MqttProperties.builder().integer(PropertyId.SUBSCRIPTION_IDENTIFIER, 2).build();
        subscribe(c, id1, new Subscription("ov/#", 1, true, false, 0));
        subscribe(c, id2, new Subscription("ov/+", 0, false, false, 0));
        // when it publishes to a topic both match
        c.send(publish("ov/x", 1, 7, "mine"));
        // then it gets its message once, through the ordinary subscription only (its QoS and its identifier)
        Publish p = null;
        for (int i = 0; i < 2 && p == null; i++) {
            var packet = c.receive(WAIT);
            if (packet instanceof Publish pub) {
                p = pub;
            }
        }
        assertThat(p).isNotNull();
        assertThat(p.qos()).isZero();
        assertThat(p.properties().subscriptionIdentifiers()).containsExactly(2);
        expectNoPublish(c);
    }

    @Test
    void noLocalStillDeliversOtherClientsMessages_MQTT_3_8_3_3() {
        RawMqttClient c = f.v5("so-nl");
        subscribe(c, new Subscription("nl2/#", 0, true, false, 0));
        RawMqttClient other = f.v5("so-nl-other");
        c.send(publish("nl2/x", 0, 0, "own"));
        other.send(publish("nl2/x", 0, 0, "theirs"));
        assertThat(text(c.receive(Publish.class, WAIT))).isEqualTo("theirs");
        expectNoPublish(c);
    }

    @Test
    void retainedMessagesSentOnSubscribeKeepRetainWhateverRetainAsPublishedSays() {
        // spec 3.3.1.3: a message sent because of a new subscription has RETAIN 1; Retain As Published governs live ones
        RawMqttClient pub = f.v5("so-rap-pub");
        Mqtt5Fixture.storeRetained(pub, "rap2/t", "kept", MqttProperties.EMPTY);
        RawMqttClient sub = f.v5("so-rap-sub");
        subscribe(sub, new Subscription("rap2/#", 0, false, false, 0));
        assertThat(sub.receive(Publish.class, WAIT).retain()).isTrue();
        // and a live retained publication to the same subscriber arrives with RETAIN 0 [MQTT-3.3.1-12]
        pub.send(new Publish("rap2/t", 0, true, false, 0, "live".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        Publish live = sub.receive(Publish.class, WAIT);
        assertThat(text(live)).isEqualTo("live");
        assertThat(live.retain()).isFalse();
    }

    @Test
    void retainHandling1SendsAgainAfterTheSessionWasCleared_MQTT_3_3_1_10() {
        RawMqttClient pub = f.v5("so-rh-pub");
        Mqtt5Fixture.storeRetained(pub, "rh2/t", "kept", MqttProperties.EMPTY);
        RawMqttClient first = f.v5("so-rh");
        subscribe(first, new Subscription("rh2/#", 0, false, false, 1));
        assertThat(first.receive(Publish.class, WAIT).retain()).isTrue();
        first.close();
        // Clean Start discards the subscription, so the same one is new again
        RawMqttClient again = f.v5("so-rh");
        subscribe(again, new Subscription("rh2/#", 0, false, false, 1));
        assertThat(again.receive(Publish.class, WAIT).retain()).isTrue();
    }

    @Test
    void aRetainedMessagePublishedRightAfterTheSubackArrivesOnce() {
        // the broker sends retained messages just after SUBACK; one stored meanwhile is already a live message
        // for the new subscription and must not come a second time, as an older "retained" copy
        RawMqttClient sub = f.v5("so-race");
        for (int i = 0; i < 20; i++) {
            String topic = "race/" + i;
            subscribe(sub, topic, 1);
            f.broker.publish(topic, "v".getBytes(StandardCharsets.UTF_8), 1, true);
            Publish p = sub.receive(Publish.class, WAIT);
            sub.send(dev.magpie.codec.PubResponse.of(dev.magpie.codec.PacketType.PUBACK, p.packetId()));
            assertThat(p.topic()).isEqualTo(topic);
        }
        expectNoPublish(sub);
    }

    @Test
    void hivemqClientSeesNoLocalRetainAsPublishedAndRetainHandling() throws Exception {
        Mqtt5BlockingClient other = f.hivemq("so-hm-other");
        other.connect();
        other.publishWith().topic("hmso/retained").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload("r".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt5BlockingClient c = f.hivemq("so-hm");
        c.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            // Retain Handling 2: the retained message is not sent
            c.subscribeWith().topicFilter("hmso/retained").qos(MqttQos.AT_LEAST_ONCE).retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            assertThat(publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
            // Retain Handling 1 on an existing subscription: not sent either
            c.subscribeWith().topicFilter("hmso/retained").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            assertThat(publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
            // No Local + Retain As Published on the live topic
            c.subscribeWith().topicFilter("hmso/live").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).retainAsPublished(true).send();
            c.publishWith().topic("hmso/live").qos(MqttQos.AT_LEAST_ONCE).payload("own".getBytes(StandardCharsets.UTF_8)).send();
            other.publishWith().topic("hmso/live").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload("theirs".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> p = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).isPresent();
            assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("theirs");
            assertThat(p.get().isRetain()).isTrue();
            assertThat(publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
        }
    }
}
