package dev.magpie.clients;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Eclipse Paho 5.0 against the broker. */
class PahoV5Test {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Broker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    private void start(BrokerSettings settings) {
        broker = TestBrokers.anonymous(settings).build().start();
    }

    @AfterEach
    void stop() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(500, 500, false);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private MqttClient client(String id) throws MqttException {
        if (broker == null) {
            start(BrokerSettings.defaults());
        }
        MqttClient c = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private MqttClient connect(String id, boolean cleanStart, long sessionExpiry) throws MqttException {
        MqttClient c = client(id);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        c.connect(o);
        return c;
    }

    /** A Paho v5 callback that only reports disconnections and messages. */
    private static MqttCallback callback(java.util.function.Consumer<MqttDisconnectResponse> onDisconnect,
                                         java.util.function.BiConsumer<String, MqttMessage> onMessage) {
        return new MqttCallback() {
            public void disconnected(MqttDisconnectResponse r) { onDisconnect.accept(r); }
            public void mqttErrorOccurred(MqttException e) { }
            public void messageArrived(String topic, MqttMessage message) { onMessage.accept(topic, message); }
            public void deliveryComplete(IMqttToken token) { }
            public void connectComplete(boolean reconnect, String serverURI) { }
            public void authPacketArrived(int reasonCode, MqttProperties properties) { }
        };
    }

    private static String text(MqttMessage m) {
        return new String(m.getPayload(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "QoS {0} round trip with user properties kept in order [MQTT-3.3.2-18]")
    @ValueSource(ints = {0, 1, 2})
    void publishAndReceiveWithProperties(int qos) throws Exception {
        List<MqttMessage> got = new CopyOnWriteArrayList<>();
        MqttClient sub = connect("v5-sub-" + qos, true, 0);
        sub.subscribe(new MqttSubscription[]{new MqttSubscription("v5/#", qos)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(t, m) -> got.add(m)});
        MqttClient pub = connect("v5-pub-" + qos, true, 0);
        MqttMessage m = new MqttMessage("payload".getBytes(StandardCharsets.UTF_8), qos, false, null);
        MqttProperties props = new MqttProperties();
        props.setUserProperties(List.of(new UserProperty("b", "2"), new UserProperty("a", "1"), new UserProperty("b", "3")));
        props.setContentType("text/plain");
        props.setResponseTopic("replies/here");
        props.setCorrelationData(new byte[]{7, 8});
        m.setProperties(props);
        pub.publish("v5/x", m);
        await().atMost(WAIT).until(() -> got.size() == 1);
        MqttMessage received = got.get(0);
        assertThat(text(received)).isEqualTo("payload");
        assertThat(received.getQos()).isEqualTo(qos);
        assertThat(received.getProperties().getUserProperties())
                .extracting(UserProperty::getKey, UserProperty::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", "2"), org.assertj.core.groups.Tuple.tuple("a", "1"),
                        org.assertj.core.groups.Tuple.tuple("b", "3"));
        assertThat(received.getProperties().getContentType()).isEqualTo("text/plain");
        assertThat(received.getProperties().getResponseTopic()).isEqualTo("replies/here");
        assertThat(received.getProperties().getCorrelationData()).containsExactly(7, 8);
    }

    @Test
    void emptyClientIdGetsAnAssignedIdentifier_MQTT_3_2_2_3_7() throws Exception {
        MqttClient c = client("");
        IMqttToken token = c.connectWithResult(new MqttConnectionOptions());
        assertThat(token.getResponseProperties().getAssignedClientIdentifier()).startsWith("magpie-");
    }

    @Test
    void connackAdvertisesLimitsAndServerKeepAlive_MQTT_3_2_2_3() throws Exception {
        start(BrokerSettings.defaults().withMaxKeepAlive(30).withReceiveMaximum(50).withMaxPacketSize(4096));
        MqttClient c = client("limits");
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setKeepAliveInterval(120);
        IMqttToken token = c.connectWithResult(o);
        MqttProperties p = token.getResponseProperties();
        assertThat(p.getServerKeepAlive()).isEqualTo(30);
        assertThat(p.getReceiveMaximum()).isEqualTo(50);
        assertThat(p.getMaximumPacketSize()).isEqualTo(4096L);
    }

    @Test
    void sessionSurvivesWithExpiryAndQueuesMessages_MQTT_3_1_2_23() throws Exception {
        MqttClient first = connect("v5-durable", true, 300);
        first.subscribe("dq/#", 2);
        first.disconnect();
        first.close();
        clients.remove(first);
        MqttClient pub = connect("dq-pub", true, 0);
        for (int i = 0; i < 3; i++) {
            pub.publish("dq/" + i, new MqttMessage(("d" + i).getBytes(StandardCharsets.UTF_8), 2, false, null));
        }
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient again = client("v5-durable");
        again.setCallback(callback(r -> { }, (topic, message) -> got.add(text(message))));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(300L);
        assertThat(again.connectWithResult(o).getSessionPresent()).isTrue();
        await().atMost(WAIT).until(() -> got.size() == 3);
        assertThat(got).containsExactly("d0", "d1", "d2");
    }

    @Test
    void sessionWithoutExpiryEndsAtDisconnect_MQTT_3_1_2_23() throws Exception {
        MqttClient first = connect("v5-brief", true, 0);
        first.subscribe("b/#", 1);
        first.disconnect();
        MqttClient again = client("v5-brief");
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        assertThat(again.connectWithResult(o).getSessionPresent()).isFalse();
    }

    @Test
    void takenOverClientIsToldWhy_0x8E() throws Exception {
        List<Integer> reasons = new CopyOnWriteArrayList<>();
        MqttClient first = connect("v5-twin", true, 0);
        first.setCallback(callback(r -> reasons.add(r.getReturnCode()), (topic, message) -> { }));
        connect("v5-twin", true, 0);
        await().atMost(WAIT).until(() -> !reasons.isEmpty());
        assertThat(reasons).containsExactly(0x8E);
    }

    @Test
    void stoppingTheBrokerTellsClientsServerShuttingDown_0x8B() throws Exception {
        List<Integer> reasons = new CopyOnWriteArrayList<>();
        MqttClient c = connect("v5-stop", true, 0);
        c.setCallback(callback(r -> reasons.add(r.getReturnCode()), (topic, message) -> { }));
        broker.stop();
        await().atMost(WAIT).until(() -> !reasons.isEmpty());
        assertThat(reasons).containsExactly(0x8B);
    }
}
