package dev.magpie.cluster.link;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.magpie.Broker;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three in-process brokers joined by the in-memory backend: a publish on A reaches subscribers on B and C with '+'
 * and '#', and A's own subscriber, each exactly once (a forwarded message is never forwarded again).
 */
@Timeout(30)
class ClusterLinkTest {
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

    private List<String> subscriber(Broker broker, String clientId, String filter, int qos) throws Exception {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        opened.add(() -> {
            client.disconnectForcibly(0, 200);
            client.close();
        });
        List<String> received = new CopyOnWriteArrayList<>();
        client.subscribe(filter, qos, (topic, message) ->
                received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8) + "@" + message.getQos()));
        return received;
    }

    @Test
    void aPublishOnOneNodeReachesEveryMatchingSubscriberInTheClusterOnce() throws Exception {
        Broker a = node("a");
        Broker b = node("b");
        Broker c = node("c");
        List<String> onA = subscriber(a, "on-a", "home/#", 1);
        List<String> onB = subscriber(b, "on-b", "home/+/temp", 1);
        List<String> onC = subscriber(c, "on-c", "home/#", 0);
        MqttClient publisher = new MqttClient(TestBrokers.uri(a), "publisher", new MemoryPersistence());
        publisher.connect();
        opened.add(() -> {
            publisher.disconnectForcibly(0, 200);
            publisher.close();
        });
        // routes travel as deltas: probe until both remote subscribers got one
        Map<String, Boolean> reached = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            publisher.publish("home/probe/temp", "p".getBytes(StandardCharsets.UTF_8), 0, false);
            onB.stream().filter(m -> m.startsWith("home/probe")).findAny().ifPresent(m -> reached.put("b", true));
            onC.stream().filter(m -> m.startsWith("home/probe")).findAny().ifPresent(m -> reached.put("c", true));
            return reached.size() == 2;
        });
        onA.clear();
        onB.clear();
        onC.clear();

        for (int i = 0; i < 10; i++) {
            publisher.publish("home/kitchen/temp", ("k" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        publisher.publish("home/kitchen/light", "on".getBytes(StandardCharsets.UTF_8), 1, false);
        List<String> kitchen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            kitchen.add("home/kitchen/temp=k" + i);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(onB).filteredOn(m -> !m.startsWith("home/probe")).map(m -> m.substring(0, m.indexOf('@')))
                    .containsExactlyElementsOf(kitchen);
            assertThat(onC).filteredOn(m -> !m.startsWith("home/probe")).hasSize(11);
            assertThat(onA).filteredOn(m -> !m.startsWith("home/probe")).hasSize(11);
        });
        assertThat(onB).filteredOn(m -> !m.startsWith("home/probe")).allMatch(m -> m.endsWith("@1"));
        assertThat(onC).filteredOn(m -> !m.startsWith("home/probe")).as("granted QoS 0 on c").allMatch(m -> m.endsWith("@0"))
                .contains("home/kitchen/light=on@0");
        assertThat(onA).filteredOn(m -> !m.startsWith("home/probe")).as("a's own subscriber once, not echoed back")
                .doesNotHaveDuplicates();
        assertThat(onB).as("'+' does not match home/kitchen/light").noneMatch(m -> m.startsWith("home/kitchen/light"));
    }

    @Test
    void sysTopicsStayOnTheirNode() throws Exception {
        Broker a = node("a");
        Broker b = node("b");
        List<String> onB = subscriber(b, "on-b", "#", 0);
        List<String> onBSys = subscriber(b, "on-b-sys", "$SYS/#", 0);
        List<String> onA = subscriber(a, "on-a", "$SYS/test", 0);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            a.publish("probe", "p");
            return !onB.isEmpty();
        });
        a.publish("$SYS/test", "local");
        await().atMost(Duration.ofSeconds(5)).until(() -> !onA.isEmpty());
        a.publish("after", "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.contains("after=x@0"));
        // b's own $SYS values (its retained version and timestamp) are b's; a's $SYS never crosses
        assertThat(onBSys).noneMatch(m -> m.startsWith("$SYS/test"));
    }
}
