package dev.magpie.examples.embedded;

import dev.magpie.Broker;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The seed's scenario, end to end, with real Paho clients (3.1.1 and 5.0) over loopback TCP. */
class SeedBrokerTest {
    private Broker broker;
    private String uri;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        broker = SeedBroker.create("127.0.0.1", 0, Map.of("test", "123456", "alice", "wonderland")).start();
        uri = "tcp://127.0.0.1:" + broker.port("tcp");
    }

    @AfterEach
    void stop() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(1000);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        broker.stop();
    }

    private MqttClient connect(String id, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        o.setConnectionTimeout(10);
        c.connect(o);
        return c;
    }

    private static IMqttMessageListener collect(List<String> into) {
        return (topic, message) -> into.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
    }

    @Test
    void storedUserConnectsAndWrongPasswordOrAnonymousIsRefused() throws Exception {
        assertThat(connect("ok", "test", "123456").isConnected()).isTrue();
        // 3.1.1 CONNACK 0x04 bad user name or password [MQTT-3.2.2-4]
        assertThatThrownBy(() -> connect("bad", "test", "wrong"))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
        // no user name on a listener that refuses anonymous clients: 0x05 not authorized
        assertThatThrownBy(() -> connect("anon", null, null))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    }

    @Test
    void subscribingAnnouncesOnSystemInfo() throws Exception {
        List<String> info = new CopyOnWriteArrayList<>();
        MqttClient watcher = connect("watcher", "alice", "wonderland");
        watcher.subscribe("/public/systemInfo", 0, collect(info));
        MqttClient subscriber = connect("subscriber", "test", "123456");
        subscriber.subscribe("/public/news", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> info.contains("/public/systemInfo=test has subscribed topic: /public/news"));
    }

    @Test
    void publicTopicsAreOpenToAllUsers() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient alice = connect("alice-sub", "alice", "wonderland");
        alice.subscribe("/public/#", 1, collect(got));
        MqttClient test = connect("test-pub", "test", "123456");
        test.publish("/public/news", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("/public/news=hello"));
    }

    @Test
    void usersTopicsBelongToTheirOwnerOnly() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        MqttClient test = connect("test-own", "test", "123456");
        test.subscribe("/users/test/#", 1, collect(got));
        // someone else's tree, and wildcards in the user level, are refused: SUBACK 0x80 [MQTT-3.9.3-2]
        MqttClient alice = connect("alice-snoop", "alice", "wonderland");
        var refused = alice.subscribeWithResponse(new String[]{"/users/test/#", "/users/+/inbox", "#"}, new int[]{1, 1, 1});
        refused.waitForCompletion(5000);
        assertThat(refused.getGrantedQos()).containsExactly(0x80, 0x80, 0x80);
        // alice publishing into test's tree is dropped (3.1.1 acknowledges, then discards)
        alice.publish("/users/test/inbox", "from alice".getBytes(StandardCharsets.UTF_8), 1, false);
        test.publish("/users/test/inbox", "from test".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("/users/test/inbox=from test"));
        assertThat(got).doesNotContain("/users/test/inbox=from alice");
    }

    @Test
    void publishingTest1MakesTheServerReplyOnOther_withAnMqtt5Client() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        var v5 = new org.eclipse.paho.mqttv5.client.MqttClient(uri, "v5-client", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("test");
            o.setPassword("123456".getBytes(StandardCharsets.UTF_8));
            v5.connect(o);
            v5.subscribe(new MqttSubscription[]{new MqttSubscription("other", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8))});
            v5.publish("test1", "hi from the client".getBytes(StandardCharsets.UTF_8), 1, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("other=This is server"));
        } finally {
            if (v5.isConnected()) {
                v5.disconnect();
            }
            v5.close();
        }
    }
}
