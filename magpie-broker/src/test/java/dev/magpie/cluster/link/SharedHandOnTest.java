package dev.magpie.cluster.link;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.magpie.Broker;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.LocalClusterBackend;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that receives a shared message for a group it has no member of any more hands it on to a node that has
 * one, so the message still reaches one member of the group [MQTT-4.8.2-3]; what arrives in bad shape is dropped
 * with a warning, never a crash.
 */
@Timeout(30)
class SharedHandOnTest {
    private static final String GROUP = "$share/g/work/#";
    private final LocalClusterHub hub = new LocalClusterHub();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Broker node(String nodeId) {
        Broker broker = TestBrokers.anonymous().ioThreads(1).cluster(hub.node(nodeId)).build().start();
        opened.add(broker);
        return broker;
    }

    private List<String> member(Broker broker, String id, String filter) throws Exception {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        client.connect(PahoOptions.v3());
        opened.add(() -> {
            client.disconnectForcibly(0, 200);
            client.close();
        });
        List<String> received = new CopyOnWriteArrayList<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.subscribe(filter, 1);
        return received;
    }

    @Test
    void aSharedMessageForAGroupWithoutMembersHereIsHandedToANodeThatHasOne() throws Exception {
        Broker b = node("b");
        Broker c = node("c");
        List<String> onB = member(b, "plain-on-b", "other/#");       // b has subscribers, but no member of the group
        List<String> onC = member(c, "member-on-c", GROUP);
        LocalClusterBackend sender = hub.node("x");               // a node that chose b for the group
        opened.add(sender);
        sender.start(new ClusterEvents() { }, batch -> CompletableFuture.completedFuture(null)).toCompletableFuture().join();
        Publish publish = new Publish("work/1", 1, false, false, 0, "job".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
        long[] seq = {0};
        // b learns c's group from c's route delta: send (new messages) until one was handed on
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            byte[] body = ForwardedPublish.encode(publish, "pub", System.currentTimeMillis(), false, List.of(GROUP), 0, null);
            sender.send("b", List.of(new InboxMessage(sender.self(), ++seq[0], body))).toCompletableFuture().join();
            return onC.contains("job");
        });
        assertThat(onB).as("b's plain subscribers do not get a message sent for a group").isEmpty();

        // damaged bodies: dropped with a warning, the node keeps working
        sender.send("b", List.of(new InboxMessage(sender.self(), ++seq[0], new byte[] {2, 1, 0}),
                new InboxMessage(sender.self(), ++seq[0], damagedLength()))).toCompletableFuture().join();
        byte[] plain = ForwardedPublish.encode(new Publish("other/ok", 0, false, false, 0,
                "fine".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY), "pub", System.currentTimeMillis());
        sender.send("b", List.of(new InboxMessage(sender.self(), ++seq[0], plain))).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.contains("fine"));
    }

    /** A forwarded message whose payload length claims 2 GB. */
    private static byte[] damagedLength() {
        byte[] body = ForwardedPublish.encode(new Publish("other/x", 0, false, false, 0, new byte[4], MqttProperties.EMPTY),
                "p", 0);
        // layout: version, qos, retain, 2 longs, origin (4 + 1), topic (4 + 7), properties (4 + n), payload length
        int propertiesLength = java.nio.ByteBuffer.wrap(body, 1 + 1 + 1 + 16 + 5 + 11, 4).getInt();
        int payloadLengthAt = 1 + 1 + 1 + 16 + 5 + 11 + 4 + propertiesLength;
        java.nio.ByteBuffer.wrap(body, payloadLengthAt, 4).putInt(Integer.MAX_VALUE);
        return body;
    }
}
