package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Persistent sessions outlive the broker: a client that connected with Clean Start 0 and a Session Expiry
 * Interval (3.1.1: Clean Session 0) finds its session, subscriptions with their options and identifiers
 * included, on a broker started again on the same data directory; expired and clean sessions do not come back.
 */
class SessionPersistenceTest extends BrokerRestartTest {

    private static MqttProperties expiry(int seconds) {
        return MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, seconds).build();
    }

    private ConnAck connect(RawMqttClient c, String clientId, boolean cleanStart, MqttProperties properties) {
        c.send(new Connect(MqttVersion.V5, clientId, cleanStart, 60, null, null, null, properties));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        return ack;
    }

    private RawMqttClient socket(Broker broker) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        opened.add(c);
        return c;
    }

    private void publishQos1(Broker broker, String topic, String text) {
        RawMqttClient pub = socket(broker);
        connect(pub, "pub-" + System.nanoTime(), true, MqttProperties.EMPTY);
        pub.send(new Publish(topic, 1, false, false, 3, text.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
    }

    @Test
    void subscriptionsWithOptionsAndIdentifiersAreBackAfterARestart_MQTT_3_2_2_3() {
        Broker first = startOnDir();
        RawMqttClient c = socket(first);
        assertThat(connect(c, "keeper", false, expiry(300)).sessionPresent()).isFalse();
        c.send(new Subscribe(1, List.of(new Subscription("kept/+", 1, true, true, 2)),
                MqttProperties.builder().integer(PropertyId.SUBSCRIPTION_IDENTIFIER, 7).build()));
        assertThat(c.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1);
        c.send(new Subscribe(2, List.of(Subscription.of("other/#", 0)), MqttProperties.EMPTY));
        assertThat(c.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(0);
        disconnect(c);
        first.stop();

        Broker second = startOnDir();
        RawMqttClient back = socket(second);
        // [MQTT-3.2.2-3] the resumed session is reported present
        assertThat(connect(back, "keeper", false, expiry(300)).sessionPresent()).isTrue();
        publishQos1(second, "kept/a", "hello");

        Publish p = back.receive(Publish.class, WAIT);
        assertThat(p.topic()).isEqualTo("kept/a");
        assertThat(p.qos()).as("granted QoS 1 kept").isEqualTo(1);
        // [MQTT-3.3.4-3] the Subscription Identifier of the stored subscription
        assertThat(p.properties().subscriptionIdentifiers()).containsExactly(7);
        back.send(PubResponse.of(PacketType.PUBACK, p.packetId()));

        // No Local kept [MQTT-3.8.3-3]: the client's own message does not come back
        back.send(new Publish("kept/own", 1, false, false, 9, "mine".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aSessionOfflineAtTheRestartQueuesMessagesAfterIt_MQTT_3_1_2_5() {
        Broker first = startOnDir();
        RawMqttClient c = socket(first);
        connect(c, "offline", false, expiry(300));
        c.send(new Subscribe(1, List.of(Subscription.of("q/t", 1)), MqttProperties.EMPTY));
        c.receive(SubAck.class, WAIT);
        disconnect(c);
        first.stop();

        Broker second = startOnDir();
        publishQos1(second, "q/t", "while you were away");
        RawMqttClient back = socket(second);
        assertThat(connect(back, "offline", false, expiry(300)).sessionPresent()).isTrue();

        Publish p = back.receive(Publish.class, WAIT);
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("while you were away");
    }

    @Test
    void anExpiredSessionIsNotRestored_MQTT_3_1_2_23() {
        Broker first = startOnDir();
        RawMqttClient c = socket(first);
        connect(c, "brief", false, expiry(1));
        c.send(new Subscribe(1, List.of(Subscription.of("b/t", 0)), MqttProperties.EMPTY));
        c.receive(SubAck.class, WAIT);
        disconnect(c);
        long gone = System.nanoTime();
        first.stop();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - gone > TimeUnit.MILLISECONDS.toNanos(1_300));

        Broker second = startOnDir();
        RawMqttClient back = socket(second);
        assertThat(connect(back, "brief", false, expiry(1)).sessionPresent()).isFalse();
        publishQos1(second, "b/t", "x");
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aCleanStartDiscardsTheStoredSession_MQTT_3_1_2_4() {
        Broker first = startOnDir();
        RawMqttClient c = socket(first);
        connect(c, "cleaner", false, expiry(300));
        c.send(new Subscribe(1, List.of(Subscription.of("c/t", 0)), MqttProperties.EMPTY));
        c.receive(SubAck.class, WAIT);
        disconnect(c);
        RawMqttClient fresh = socket(first);
        assertThat(connect(fresh, "cleaner", true, expiry(300)).sessionPresent()).isFalse();
        disconnect(fresh);
        first.stop();

        Broker second = startOnDir();
        RawMqttClient back = socket(second);
        assertThat(connect(back, "cleaner", false, expiry(300)).sessionPresent())
                .as("the Clean Start session (no subscriptions) is what was kept").isTrue();
        publishQos1(second, "c/t", "x");
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aSessionThatEndsWithItsConnectionIsNotKept() {
        Broker first = startOnDir();
        RawMqttClient c = socket(first);
        connect(c, "passing", false, MqttProperties.EMPTY); // Session Expiry 0: ends at disconnect
        c.send(new Subscribe(1, List.of(Subscription.of("p/t", 0)), MqttProperties.EMPTY));
        c.receive(SubAck.class, WAIT);
        disconnect(c);
        first.stop();

        RawMqttClient back = socket(startOnDir());
        assertThat(connect(back, "passing", false, MqttProperties.EMPTY).sessionPresent()).isFalse();
    }

    @Test
    void aTakeoverOfASessionWithoutExpiryStartsAFreshPersistentOne_MQTT_3_2_2_2() {
        Broker first = startOnDir();
        RawMqttClient passing = socket(first);
        connect(passing, "flip", false, MqttProperties.EMPTY); // Session Expiry 0: nothing stored
        passing.send(new Subscribe(1, List.of(Subscription.of("flip/old", 1)), MqttProperties.EMPTY));
        passing.receive(SubAck.class, WAIT);
        RawMqttClient takeover = socket(first);
        // [MQTT-3.1.4-3] the new connection takes over; a session with expiry 0 lasts only as long as its connection
        // (section 3.1.2.11.2), so it ends here and the new one starts fresh: Session Present 0 [MQTT-3.2.2-2]
        assertThat(connect(takeover, "flip", false, expiry(300)).sessionPresent()).isFalse();
        takeover.send(new Subscribe(2, List.of(Subscription.of("flip/new", 1)), MqttProperties.EMPTY));
        takeover.receive(SubAck.class, WAIT);
        disconnect(takeover);
        first.stop();

        Broker second = startOnDir();
        RawMqttClient back = socket(second);
        assertThat(connect(back, "flip", false, expiry(300)).sessionPresent()).isTrue();
        publishQos1(second, "flip/old", "gone with the old session");
        publishQos1(second, "flip/new", "kept");
        assertThat(new String(back.receive(Publish.class, WAIT).payload(), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void aPahoV3CleanSessionFalseSubscriptionSurvivesARestart_MQTT_3_1_2_4() throws Exception {
        Broker first = startOnDir();
        MqttConnectOptions persistent = PahoOptions.v3();
        persistent.setCleanSession(false);
        MqttClient client = new MqttClient(TestBrokers.uri(first), "paho-durable", new MemoryPersistence());
        client.connect(persistent);
        client.subscribe("plant/#", 1);
        client.disconnect();
        client.close();
        first.stop();

        Broker second = startOnDir();
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient again = new MqttClient(TestBrokers.uri(second), "paho-durable", new MemoryPersistence());
        opened.add(again::close);
        again.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            public void connectionLost(Throwable cause) {
            }

            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        IMqttToken token = again.connectWithResult(persistent);
        assertThat(token.getSessionPresent()).isTrue();
        publishQos1(second, "plant/pump", "on");

        MqttMessage m = received.poll(5, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("on");
        again.disconnect();
    }
}
