package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.awaitElapsed;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.sessionExpiry;
import static dev.magpie.mqtt5.Mqtt5Fixture.storeRetained;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message Expiry Interval (spec 3.3.2.3.3): a message that waited longer than its interval is never delivered
 * [MQTT-3.3.2-5], and one that is delivered carries what is left of it [MQTT-3.3.2-6]; this holds for messages
 * queued for offline or busy subscribers and for retained messages. Short intervals of one second keep the
 * tests fast; bounds on the remaining interval are loose on purpose.
 */
class MessageExpiryTest {
    private static final Duration PAST_ONE_SECOND = Duration.ofMillis(1_300);
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static MqttProperties expiry(int seconds) {
        return MqttProperties.builder().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, seconds).build();
    }

    private static void publishQos1(RawMqttClient pub, String topic, int id, String text, MqttProperties props) {
        pub.send(publish(topic, 1, id, text, props));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
    }

    private static Publish receiveAndAck(RawMqttClient c) {
        Publish p = c.receive(Publish.class, WAIT);
        if (p.qos() == 1) {
            c.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
        }
        return p;
    }

    @Test
    void aLiveDeliveryCarriesTheInterval_MQTT_3_3_2_6() {
        RawMqttClient sub = f.v5("me-live");
        subscribe(sub, "melive/#", 0);
        f.v5("me-live-pub").send(publish("melive/t", 0, 0, "m", expiry(60)));
        long remaining = sub.receive(Publish.class, WAIT).properties().unsignedInt(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1);
        assertThat(remaining).isBetween(50L, 60L);
    }

    @Test
    void queuedForOfflineSubscribers_expiredOnesAreDroppedAndTheRestCarryTheRemainingInterval_MQTT_3_3_2_5_and_6() {
        // given a 5.0 and a 3.1.1 persistent subscriber, both offline
        RawMqttClient v5 = f.connected(connect5("me-off5", true, sessionExpiry(60)));
        subscribe(v5, "meoff/#", 1);
        v5.close();
        RawMqttClient v3 = f.connected(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "me-off3", false, 60));
        subscribe(v3, "meoff/#", 1);
        v3.close();
        // when three messages are queued: one expiring after 1 s, one after 30 s, one never
        RawMqttClient pub = f.v5("me-off-pub");
        long published = System.nanoTime();
        publishQos1(pub, "meoff/t", 1, "short", expiry(1));
        publishQos1(pub, "meoff/t", 2, "long", expiry(30));
        publishQos1(pub, "meoff/t", 3, "forever", MqttProperties.EMPTY);
        // and the subscribers come back after more than a second
        awaitElapsed(published, PAST_ONE_SECOND);
        RawMqttClient back5 = f.connected(connect5("me-off5", false, sessionExpiry(60)));
        Publish first = receiveAndAck(back5);
        Publish second = receiveAndAck(back5);
        // then the expired message is gone and the other carries less than it was given
        assertThat(text(first)).isEqualTo("long");
        assertThat(first.properties().unsignedInt(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1)).isBetween(1L, 29L);
        assertThat(text(second)).isEqualTo("forever");
        assertThat(second.properties().has(PropertyId.MESSAGE_EXPIRY_INTERVAL)).isFalse();
        expectNoPublish(back5);
        // and the 3.1.1 subscriber, who cannot be told the interval, is spared the expired message too
        RawMqttClient back3 = f.connected(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "me-off3", false, 60));
        assertThat(text(receiveAndAck(back3))).isEqualTo("long");
        assertThat(text(receiveAndAck(back3))).isEqualTo("forever");
        expectNoPublish(back3);
    }

    @Test
    void aMessageThatExpiresWhileQueuedBehindTheReceiveWindowIsNotDelivered_MQTT_3_3_2_5() {
        RawMqttClient sub = f.v5("me-busy", MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, 1).build());
        subscribe(sub, "mebusy/#", 1);
        RawMqttClient pub = f.v5("me-busy-pub");
        long published = System.nanoTime();
        publishQos1(pub, "mebusy/t", 1, "first", MqttProperties.EMPTY);
        publishQos1(pub, "mebusy/t", 2, "short", expiry(1));
        publishQos1(pub, "mebusy/t", 3, "last", MqttProperties.EMPTY);
        Publish first = sub.receive(Publish.class, WAIT);
        awaitElapsed(published, PAST_ONE_SECOND);
        sub.send(PubResponse.of(PacketType.PUBACK, first.packetId()));
        assertThat(text(receiveAndAck(sub))).isEqualTo("last");
    }

    @Test
    void retainedMessagesExpireAndCarryTheRemainingInterval_MQTT_3_3_2_5_and_6() {
        RawMqttClient pub = f.v5("me-ret-pub");
        long published = System.nanoTime();
        storeRetained(pub, "meret/short", "short", expiry(1));
        storeRetained(pub, "meret/long", "long", expiry(30));
        // a subscriber right away gets both
        RawMqttClient early = f.v5("me-ret-early");
        subscribe(early, "meret/#", 0);
        assertThat(early.receive(Publish.class, WAIT).retain()).isTrue();
        assertThat(early.receive(Publish.class, WAIT).retain()).isTrue();
        // one after more than a second gets only the one still valid, with what is left of its interval
        awaitElapsed(published, PAST_ONE_SECOND);
        RawMqttClient late = f.v5("me-ret-late");
        subscribe(late, "meret/#", 0);
        Publish p = late.receive(Publish.class, WAIT);
        assertThat(text(p)).isEqualTo("long");
        assertThat(p.properties().unsignedInt(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1)).isBetween(1L, 29L);
        expectNoPublish(late);
    }

    @Test
    void hivemqClientsSeeTheIntervalAndNeverAnExpiredMessage() throws Exception {
        Mqtt5BlockingClient sub = f.hivemq("me-hm-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        sub.subscribeWith().topicFilter("mehm/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        Mqtt5BlockingClient pub = f.hivemq("me-hm-pub");
        pub.connect();
        long published = System.nanoTime();
        pub.publishWith().topic("mehm/t").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1).payload("short".getBytes(StandardCharsets.UTF_8)).send();
        pub.publishWith().topic("mehm/t").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(30).payload("long".getBytes(StandardCharsets.UTF_8)).send();
        awaitElapsed(published, PAST_ONE_SECOND);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
            Optional<Mqtt5Publish> p = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).isPresent();
            assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("long");
            assertThat(p.get().getMessageExpiryInterval().orElseThrow()).isBetween(1L, 29L);
            assertThat(publishes.receive(Mqtt5Fixture.QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
        }
    }
}
