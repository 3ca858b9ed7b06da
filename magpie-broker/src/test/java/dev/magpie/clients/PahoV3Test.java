package dev.magpie.clients;

import dev.magpie.Broker;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Eclipse Paho 3.1.1 (and 3.1) against the broker. */
class PahoV3Test {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Broker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
    }

    @AfterEach
    void stop() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(500, 500);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        broker.stop();
    }

    private MqttClient client(String id) throws MqttException {
        MqttClient c = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private MqttClient connect(String id, boolean clean) throws MqttException {
        MqttClient c = client(id);
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(clean);
        o.setConnectionTimeout(10);
        c.connect(o);
        return c;
    }

    private static String text(MqttMessage m) {
        return new String(m.getPayload(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "QoS {0} round trip [MQTT-4.3.1/2/3]")
    @ValueSource(ints = {0, 1, 2})
    void publishAndReceiveAtEachQos(int qos) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        List<Integer> qosSeen = new CopyOnWriteArrayList<>();
        MqttClient sub = connect("sub-" + qos, true);
        sub.subscribe("a/+/c", qos, (t, m) -> {
            got.add(t + "=" + text(m));
            qosSeen.add(m.getQos());
        });
        MqttClient pub = connect("pub-" + qos, true);
        for (int i = 0; i < 20; i++) {
            pub.publish("a/" + i + "/c", ("m" + i).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        await().atMost(WAIT).until(() -> got.size() == 20);
        assertThat(got).startsWith("a/0/c=m0").endsWith("a/19/c=m19"); // order kept [MQTT-4.6.0-6]
        assertThat(qosSeen).containsOnly(qos);
    }

    @Test
    void deliveryIsDowngradedToTheGrantedQos_MQTT_3_8_4_8() throws Exception {
        List<Integer> qosSeen = new CopyOnWriteArrayList<>();
        MqttClient sub = connect("sub-down", true);
        sub.subscribe("down/#", 1, (t, m) -> qosSeen.add(m.getQos()));
        connect("pub-down", true).publish("down/x", new byte[]{1}, 2, false);
        await().atMost(WAIT).until(() -> qosSeen.size() == 1);
        assertThat(qosSeen).containsExactly(1);
    }

    @Test
    void retainedMessageIsSentOnSubscribeWithRetainSetAndClearedByEmptyPayload_MQTT_3_3_1_5_to_11() throws Exception {
        MqttClient pub = connect("retainer", true);
        pub.publish("r/one", "first".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.publish("r/one", "second".getBytes(StandardCharsets.UTF_8), 1, true); // replaces
        pub.publish("r/two", "two".getBytes(StandardCharsets.UTF_8), 1, true);
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient sub = connect("r-sub", true);
        sub.subscribe("r/#", 1, (t, m) -> got.add(t + "=" + text(m) + (m.isRetained() ? ":retained" : "")));
        await().atMost(WAIT).until(() -> got.size() == 2);
        assertThat(got).containsExactlyInAnyOrder("r/one=second:retained", "r/two=two:retained");

        // a live message to an existing subscription has RETAIN cleared [MQTT-3.3.1-9]
        pub.publish("r/two", "live".getBytes(StandardCharsets.UTF_8), 1, true);
        await().atMost(WAIT).until(() -> got.contains("r/two=live"));

        pub.publish("r/one", new byte[0], 1, true); // clears [MQTT-3.3.1-10]
        List<String> later = new CopyOnWriteArrayList<>();
        MqttClient sub2 = connect("r-sub2", true);
        sub2.subscribe("r/#", 1, (t, m) -> later.add(t + "=" + text(m)));
        await().atMost(WAIT).until(() -> later.size() == 1);
        assertThat(later).containsExactly("r/two=live");
    }

    @Test
    void willIsPublishedOnAbnormalLossButNotAfterDisconnect_MQTT_3_1_2_8_and_3_1_2_10() throws Exception {
        List<String> wills = new CopyOnWriteArrayList<>();
        connect("will-watcher", true).subscribe("wills/#", 1, (t, m) -> wills.add(t + "=" + text(m)));

        MqttClient polite = client("polite");
        MqttConnectOptions o = PahoOptions.v3();
        o.setWill("wills/polite", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        polite.connect(o);
        polite.disconnect();

        MqttClient rude = client("rude");
        MqttConnectOptions o2 = PahoOptions.v3();
        o2.setWill("wills/rude", "lost".getBytes(StandardCharsets.UTF_8), 1, false);
        rude.connect(o2);
        rude.disconnectForcibly(0, 100, false); // closes the socket without DISCONNECT

        await().atMost(WAIT).until(() -> wills.contains("wills/rude=lost"));
        assertThat(wills).containsExactly("wills/rude=lost");
    }

    @Test
    void persistentSessionKeepsSubscriptionsAndQueuesQos1WhileOffline_MQTT_3_1_2_4_and_3_2_2_2() throws Exception {
        MqttClient first = connect("durable", false);
        first.subscribe("q/#", 1);
        first.disconnect();
        first.close();
        clients.remove(first);

        MqttClient pub = connect("q-pub", true);
        for (int i = 0; i < 5; i++) {
            pub.publish("q/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        pub.publish("q/zero", "qos0 not kept".getBytes(StandardCharsets.UTF_8), 0, false);

        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient again = client("durable");
        again.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            public void connectionLost(Throwable cause) { }
            public void messageArrived(String topic, MqttMessage message) { got.add(topic + "=" + text(message)); }
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) { }
        });
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(false);
        var token = again.connectWithResult(o);
        assertThat(token.getSessionPresent()).isTrue();
        await().atMost(WAIT).until(() -> got.size() >= 5);
        assertThat(got).containsExactly("q/0=v0", "q/1=v1", "q/2=v2", "q/3=v3", "q/4=v4");
    }

    @Test
    void cleanSessionStartsWithoutState_MQTT_3_2_2_1() throws Exception {
        MqttClient first = connect("fresh", false);
        first.subscribe("f/#", 1);
        first.disconnect();
        MqttClient same = client("fresh");
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(true);
        assertThat(same.connectWithResult(o).getSessionPresent()).isFalse();
    }

    @Test
    void secondConnectionWithSameClientIdTakesOver_MQTT_3_1_4_2() throws Exception {
        List<Throwable> lost = new CopyOnWriteArrayList<>();
        MqttClient first = connect("twin", true);
        first.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            public void connectionLost(Throwable cause) { lost.add(cause); }
            public void messageArrived(String topic, MqttMessage message) { }
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) { }
        });
        MqttClient second = connect("twin", true);
        await().atMost(WAIT).until(() -> lost.size() == 1);
        assertThat(first.isConnected()).isFalse();
        assertThat(second.isConnected()).isTrue();
        List<String> got = new CopyOnWriteArrayList<>();
        second.subscribe("t/x", 1, (t, m) -> got.add(text(m)));
        connect("t-pub", true).publish("t/x", "after".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(WAIT).until(() -> got.contains("after"));
    }

    @Test
    void mqtt31ClientsAreServed() throws Exception {
        MqttClient c = client("old-timer");
        MqttConnectOptions o = PahoOptions.v3();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        c.connect(o);
        List<String> got = new CopyOnWriteArrayList<>();
        c.subscribe("v31/#", 2, (t, m) -> got.add(text(m)));
        c.publish("v31/a", "three-one".getBytes(StandardCharsets.UTF_8), 2, false);
        await().atMost(WAIT).until(() -> got.contains("three-one"));
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards_MQTT_4_7_2_1() throws Exception {
        List<String> hash = new CopyOnWriteArrayList<>();
        List<String> dollar = new CopyOnWriteArrayList<>();
        // two clients: Paho picks a listener by matching on the client side, where '#' would claim "$app/x"
        connect("dollar-hash", true).subscribe("#", 1, (t, m) -> hash.add(t));
        connect("dollar-app", true).subscribe("$app/+", 1, (t, m) -> dollar.add(t));
        MqttClient pub = connect("dollar-pub", true);
        pub.publish("$app/x", new byte[]{1}, 1, false);
        pub.publish("plain", new byte[]{1}, 1, false);
        await().atMost(WAIT).until(() -> hash.contains("plain") && dollar.contains("$app/x"));
        assertThat(hash).doesNotContain("$app/x");
    }

    @Test
    void unsubscribeStopsDelivery_MQTT_3_10_4_1() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient sub = connect("unsub", true);
        sub.subscribe("u/1", 1, (t, m) -> got.add(text(m)));
        sub.subscribe("u/2", 1, (t, m) -> got.add(text(m)));
        MqttClient pub = connect("unsub-pub", true);
        sub.unsubscribe("u/1");
        pub.publish("u/1", "dropped".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("u/2", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(WAIT).until(() -> got.contains("kept"));
        assertThat(got).containsExactly("kept");
    }
}
