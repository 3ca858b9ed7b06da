package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.magpie.Broker;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three-node matrix over a real Redis: a Paho 5.0 and a Paho 3.1.1 publisher on A, each sending QoS 0, 1 and 2 in
 * turn; on B and C, Paho 5.0 and 3.1.1 subscribers with '+' and '#' at QoS 0, 1 and 2. Every subscriber gets every
 * message exactly once, at the lower of the published and granted QoS [MQTT-3.8.4-8], in publish order per publisher
 * and QoS [MQTT-4.6.0-6]; QoS 2 crosses nodes exactly once [MQTT-4.3.3-1] (the receiver drops inbox duplicates).
 */
@Timeout(30)
class ThreeNodeMatrixTest {
    private static final int PER_PUBLISHER = 30;
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;

    /** One subscriber: what it received, as "publisher:index@qos". */
    private record Subscriber(String name, int qos, List<String> received) {
        List<String> messages() {
            return received.stream().filter(m -> !m.startsWith("probe")).toList();
        }

        boolean probed() {
            return received.stream().anyMatch(m -> m.startsWith("probe"));
        }
    }

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void nodes() {
        nodes = new ClusterTestNodes(redis, "matrix");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private static String label(String topic, byte[] payload, int qos) {
        return (topic.endsWith("probe") ? "probe" : new String(payload, StandardCharsets.UTF_8)) + "@" + qos;
    }

    private Subscriber v3(Broker broker, String name, String filter, int qos) throws Exception {
        var client = new org.eclipse.paho.client.mqttv3.MqttClient(TestBrokers.uri(broker), name,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        client.connect(PahoOptions.v3());
        nodes.closeLater(() -> {
            client.disconnectForcibly(0, 200);
            client.close();
        });
        Subscriber subscriber = new Subscriber(name, qos, new CopyOnWriteArrayList<>());
        client.subscribe(filter, qos, (topic, message) ->
                subscriber.received().add(label(topic, message.getPayload(), message.getQos())));
        return subscriber;
    }

    private org.eclipse.paho.mqttv5.client.MqttClient v5Client(Broker broker, String name, List<String> received)
            throws MqttException {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(TestBrokers.uri(broker), name,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(label(topic, message.getPayload(), message.getQos()));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setReceiveMaximum(1_000);
        client.connect(options);
        nodes.closeLater(() -> {
            client.disconnectForcibly(0, 200, false);
            client.close();
        });
        return client;
    }

    private Subscriber v5(Broker broker, String name, String filter, int qos) throws Exception {
        Subscriber subscriber = new Subscriber(name, qos, new CopyOnWriteArrayList<>());
        v5Client(broker, name, subscriber.received()).subscribe(filter, qos);
        return subscriber;
    }

    @Test
    void publishOnAReachesPlusAndHashSubscribersOnBAndCAtEveryQosExactlyOnceInOrder() throws Exception {
        Broker a = nodes.node("a");
        Broker b = nodes.node("b");
        Broker c = nodes.node("c");
        List<Subscriber> subscribers = new ArrayList<>();
        for (int qos = 0; qos <= 2; qos++) {
            subscribers.add(v5(b, "b-v5-plus-" + qos, "m/+", qos));
            subscribers.add(v3(b, "b-v3-hash-" + qos, "m/#", qos));
            subscribers.add(v3(c, "c-v3-plus-" + qos, "m/+", qos));
            subscribers.add(v5(c, "c-v5-hash-" + qos, "m/#", qos));
        }
        var v5Publisher = v5Client(a, "pub-v5", new CopyOnWriteArrayList<>());
        var v3Publisher = new org.eclipse.paho.client.mqttv3.MqttClient(TestBrokers.uri(a), "pub-v3",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        v3Publisher.connect(PahoOptions.v3());
        nodes.closeLater(() -> {
            v3Publisher.disconnectForcibly(0, 200);
            v3Publisher.close();
        });
        // A learns B's and C's routes from their deltas: probe until every subscriber got one
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            v3Publisher.publish("m/probe", new byte[] {1}, 0, false);
            return subscribers.stream().allMatch(Subscriber::probed);
        });

        for (int i = 0; i < PER_PUBLISHER; i++) {
            int qos = i % 3;
            v5Publisher.publish("m/v5", ("v5:" + i).getBytes(StandardCharsets.UTF_8), qos, false);
            v3Publisher.publish("m/v3", ("v3:" + i).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        await().atMost(Duration.ofSeconds(15)).until(() ->
                subscribers.stream().allMatch(s -> s.messages().size() >= 2 * PER_PUBLISHER));
        // and nothing more comes: no duplicate from a resent inbox batch
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                subscribers.stream().allMatch(s -> s.messages().size() == 2 * PER_PUBLISHER));

        for (Subscriber subscriber : subscribers) {
            for (String publisher : List.of("v5", "v3")) {
                for (int delivered = 0; delivered <= subscriber.qos(); delivered++) {
                    int deliveredQos = delivered;
                    List<String> expected = IntStream.range(0, PER_PUBLISHER)
                            .filter(i -> Math.min(i % 3, subscriber.qos()) == deliveredQos)
                            .mapToObj(i -> publisher + ":" + i + "@" + deliveredQos).toList();
                    assertThat(subscriber.messages()).filteredOn(m -> m.startsWith(publisher + ":") && m.endsWith("@" + deliveredQos))
                            .as("%s: %s's messages at QoS %d, each once and in order", subscriber.name(), publisher, deliveredQos)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
    }
}
