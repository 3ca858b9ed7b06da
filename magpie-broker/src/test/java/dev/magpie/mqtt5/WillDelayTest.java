package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
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
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.sessionExpiry;
import static dev.magpie.mqtt5.Mqtt5Fixture.since;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Will Delay Interval (spec 3.1.3.2.2): the will goes when the delay has passed or the session ends, whichever
 * is first, unless a new connection for the client id arrives first [MQTT-3.1.2-8], [MQTT-3.1.3-9].
 * Lower bounds are loose (the clock starts when the test closes the socket, slightly before the broker sees it).
 */
class WillDelayTest {
    private static final Duration LOOSE_ONE_SECOND = Duration.ofMillis(800);
    private Mqtt5Fixture f;
    private RawMqttClient observer;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
        observer = f.v5("wd-observer");
        subscribe(observer, "will/#", 0);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static Connect.Will will(String topic, int delaySeconds) {
        MqttProperties props = delaySeconds == 0 ? MqttProperties.EMPTY
                : MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, delaySeconds).build();
        return new Connect.Will(topic, ("gone " + topic).getBytes(StandardCharsets.UTF_8), 0, false, props);
    }

    private RawMqttClient withWill(String clientId, int sessionExpiry, Connect.Will will) {
        return f.connected(connect5(clientId, true, sessionExpiry(sessionExpiry), will));
    }

    @Test
    void theWillWaitsForItsDelay_MQTT_3_1_2_8() {
        RawMqttClient c = withWill("wd-delay", 10, will("will/delay", 1));
        long lost = System.nanoTime();
        c.close();
        Publish will = observer.receive(Publish.class, WAIT);
        assertThat(will.topic()).isEqualTo("will/delay");
        assertThat(since(lost)).isGreaterThanOrEqualTo(LOOSE_ONE_SECOND);
    }

    @Test
    void aNewConnectionWithinTheDelayCancelsTheWill_MQTT_3_1_3_9() {
        RawMqttClient c = withWill("wd-back", 10, will("will/back", 2));
        long lost = System.nanoTime();
        c.close();
        f.connected(connect5("wd-back", false, sessionExpiry(10)));
        awaitElapsed(lost, Duration.ofMillis(2_000));
        expectNoPublish(observer, Duration.ofMillis(700));
    }

    @Test
    void aSessionExpiryShorterThanTheDelaySendsTheWillWhenTheSessionEnds_MQTT_3_1_2_8() {
        RawMqttClient c = withWill("wd-short", 1, will("will/short", 30));
        long lost = System.nanoTime();
        c.close();
        Publish will = observer.receive(Publish.class, WAIT);
        assertThat(will.topic()).isEqualTo("will/short");
        assertThat(since(lost)).isGreaterThanOrEqualTo(LOOSE_ONE_SECOND).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void withoutSessionExpiryTheWillGoesAtOnceWhateverTheDelay() {
        RawMqttClient c = withWill("wd-zero", 0, will("will/zero", 30));
        c.close();
        // far sooner than the 30 s delay
        assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/zero");
    }

    @Test
    void disconnectWithWillMessagePublishesIt_0x04_afterTheDelay() {
        RawMqttClient c = withWill("wd-04", 10, will("will/04", 1));
        long sent = System.nanoTime();
        c.send(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL, MqttProperties.EMPTY));
        assertThat(c.awaitClosed(WAIT)).isTrue();
        assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/04");
        assertThat(since(sent)).isGreaterThanOrEqualTo(LOOSE_ONE_SECOND);
    }

    @Test
    void aNormalDisconnectDiscardsTheWill_MQTT_3_14_4_3() {
        RawMqttClient c = withWill("wd-00", 0, will("will/00", 0));
        c.send(Disconnect.NORMAL);
        assertThat(c.awaitClosed(WAIT)).isTrue();
        expectNoPublish(observer);
    }

    @Test
    void aTakeoverWithinTheDelayDoesNotPublishTheWill_MQTT_3_1_2_8() {
        // the new connection for the client id is opened before the delay passed, so the will is deleted
        RawMqttClient c = withWill("wd-take", 10, will("will/take", 1));
        long taken = System.nanoTime();
        f.connected(connect5("wd-take", false, sessionExpiry(10)));
        expectDisconnect(c, ReasonCode.SESSION_TAKEN_OVER);
        awaitElapsed(taken, Duration.ofMillis(1_000));
        expectNoPublish(observer, Duration.ofMillis(700));
    }

    @Test
    void aTakeoverPublishesAWillWithoutDelay_MQTT_3_1_4_3() {
        RawMqttClient c = withWill("wd-take0", 10, will("will/take0", 0));
        f.connected(connect5("wd-take0", false, sessionExpiry(10)));
        expectDisconnect(c, ReasonCode.SESSION_TAKEN_OVER);
        assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/take0");
    }

    @Test
    void theWillKeepsItsPropertiesButNotTheDelay_MQTT_3_1_3_10() {
        MqttProperties props = MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, 1)
                .string(PropertyId.CONTENT_TYPE, "text/plain").string(PropertyId.RESPONSE_TOPIC, "will/reply")
                .binary(PropertyId.CORRELATION_DATA, new byte[]{1, 2}).userProperty("b", "2").userProperty("a", "1").build();
        RawMqttClient c = withWill("wd-props", 10, new Connect.Will("will/props", "bye".getBytes(StandardCharsets.UTF_8), 0, false, props));
        c.close();
        Publish will = observer.receive(Publish.class, WAIT);
        assertThat(text(will)).isEqualTo("bye");
        assertThat(will.properties().string(PropertyId.CONTENT_TYPE)).contains("text/plain");
        assertThat(will.properties().string(PropertyId.RESPONSE_TOPIC)).contains("will/reply");
        assertThat(will.properties().binary(PropertyId.CORRELATION_DATA)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
        assertThat(will.properties().userProperties()).extracting(u -> u.name() + "=" + u.value()).containsExactly("b=2", "a=1");
    }

    @Test
    void hivemqWillWithDelaySentOnDisconnectWithWillMessage() throws Exception {
        Mqtt5BlockingClient watcher = f.hivemq("wd-hm-watch");
        watcher.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("hmwill/#").send();
            Mqtt5BlockingClient c = f.hivemq("wd-hm");
            c.connectWith().sessionExpiryInterval(10)
                    .willPublish().topic("hmwill/c").payload("gone".getBytes(StandardCharsets.UTF_8)).delayInterval(1).contentType("text/plain").applyWillPublish()
                    .send();
            long sent = System.nanoTime();
            c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            Optional<Mqtt5Publish> will = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(will).isPresent();
            assertThat(since(sent)).isGreaterThanOrEqualTo(LOOSE_ONE_SECOND);
            assertThat(new String(will.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("gone");
            assertThat(will.get().getContentType().orElseThrow().toString()).isEqualTo("text/plain");
        }
    }
}
