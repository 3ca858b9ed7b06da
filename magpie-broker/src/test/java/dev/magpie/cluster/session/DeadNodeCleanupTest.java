package dev.magpie.cluster.session;

import dev.magpie.Broker;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.LocalClusterBackend;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops renewing its lease (its backend closed, as a crash leaves it; a 3 s lease so the test need not
 * wait the default 6 s) is cleaned up after by a survivor: the will of its client falls due after the Will Delay Interval
 * [MQTT-3.1.3-9], a reconnect before then resumes the adopted session (Session Present 1 [MQTT-3.2.2-2]) and the will
 * is not published.
 */
@Timeout(30)
class DeadNodeCleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(12);

    /**
     * Short enough for quick tests, long enough that a live node's renewal (every second) is never late on a busy
     * machine: moving the hub's clock instead would expire the survivors' leases too, and they would clean up after
     * each other.
     */
    private static final ClusterSettings SHORT_LEASE = ClusterSettings.defaults().withLeaseTtl(Duration.ofSeconds(3));
    private final LocalClusterHub hub = new LocalClusterHub();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Broker survivor;
    private Broker doomed;
    private LocalClusterBackend doomedBackend;
    /** Reads ownership; never started. */
    private final LocalClusterBackend observer = hub.node("observer");

    @BeforeEach
    void startNodes() {
        survivor = start(hub.node("survivor"));
        doomedBackend = hub.node("doomed");
        doomed = start(doomedBackend);
    }

    private Broker start(LocalClusterBackend backend) {
        Broker broker = TestBrokers.anonymous().ioThreads(1).cluster(backend, SHORT_LEASE).build().start();
        opened.add(broker);
        return broker;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        observer.close();
    }

    private static Connect persistentWithWill(String clientId, long willDelaySeconds) {
        MqttProperties willProperties = MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, (int) willDelaySeconds).build();
        Connect.Will will = new Connect.Will("status/" + clientId, "gone".getBytes(StandardCharsets.UTF_8), 1, false, willProperties);
        MqttProperties expiry = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build();
        return new Connect(MqttVersion.V5, clientId, true, 60, null, null, will, expiry);
    }

    /** The doomed node stops renewing: its lease runs out within 3 s. */
    private void kill() {
        doomedBackend.close();
    }

    private void awaitAdopted(String clientId) {
        await().atMost(WAIT).until(() -> survivor.admin().client(clientId).isPresent());
    }

    @Test
    void theWillOfADeadNodesClientFallsDueAfterItsDelay_MQTT_3_1_3_9() {
        try (RawMqttClient watcher = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "watcher", true, 60));
             RawMqttClient device = RawMqttClient.connected(doomed.port("tcp"), persistentWithWill("device", 2))) {
            watcher.subscribe("status/#", 1);
            await().atMost(WAIT).until(() -> observer.owner("device").toCompletableFuture().join().isPresent());
            kill();
            awaitAdopted("device");
            assertThat(watcher.publishWithin(Duration.ofMillis(800))).as("not before its delay").isEmpty();
            Publish will = watcher.publishWithin(WAIT).orElseThrow();
            assertThat(will.topic()).isEqualTo("status/device");
            assertThat(new String(will.payload(), StandardCharsets.UTF_8)).isEqualTo("gone");
            assertThat(watcher.publishWithin(Duration.ofMillis(500))).as("once").isEmpty();
        }
    }

    // [MQTT-3.1.2-8]: the will is published once, whichever survivor wins the cleanup, and reaches both
    @Test
    void withTwoSurvivorsTheWillIsPublishedOnceAndReachesSubscribersOnBoth() {
        Broker second = start(hub.node("second"));
        try (RawMqttClient onFirst = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "w1", true, 60));
             RawMqttClient onSecond = RawMqttClient.connected(second.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "w2", true, 60));
             RawMqttClient device = RawMqttClient.connected(doomed.port("tcp"), persistentWithWill("meter", 0))) {
            onFirst.subscribe("status/#", 1);
            onSecond.subscribe("status/#", 1);
            await().atMost(WAIT).until(() -> observer.owner("meter").toCompletableFuture().join().isPresent());
            // both watchers' routes have reached the other nodes once a message from the doomed node crosses to each
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                doomed.publish("status/probe", "p");
                return onFirst.publishWithin(Duration.ofMillis(50)).isPresent() & onSecond.publishWithin(Duration.ofMillis(50)).isPresent();
            });
            drain(onFirst);
            drain(onSecond);
            kill();
            for (RawMqttClient watcher : List.of(onFirst, onSecond)) {
                Publish will = watcher.publishWithin(WAIT).orElseThrow();
                assertThat(will.topic()).isEqualTo("status/meter");
            }
            assertThat(onFirst.publishWithin(Duration.ofMillis(500))).as("once").isEmpty();
            assertThat(onSecond.publishWithin(Duration.ofMillis(100))).as("once").isEmpty();
        }
    }

    /** Reads what is still arriving (probes) until nothing comes for a moment. */
    private static void drain(RawMqttClient client) {
        for (int i = 0; i < 1_000 && client.publishWithin(Duration.ofMillis(200)).isPresent(); i++) {
            // a probe sent before the route had settled everywhere
        }
    }

    @Test
    void aReconnectBeforeTheDelayResumesTheAdoptedSessionAndCancelsTheWill_MQTT_3_2_2_2() {
        try (RawMqttClient watcher = RawMqttClient.connected(survivor.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "watcher", true, 60));
             RawMqttClient device = RawMqttClient.connected(doomed.port("tcp"), persistentWithWill("phone", 30))) {
            watcher.subscribe("status/#", 1);
            device.subscribe("cmd/phone", 1);
            await().atMost(WAIT).until(() -> observer.owner("phone").toCompletableFuture().join().isPresent());
            kill();
            awaitAdopted("phone");

            MqttProperties expiry = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build();
            try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", survivor.port("tcp"))) {
                back.send(new Connect(MqttVersion.V5, "phone", false, 60, null, null, null, expiry));
                assertThat(back.receive(ConnAck.class, WAIT).sessionPresent()).as("the adopted session resumes").isTrue();
                assertThat(watcher.publishWithin(Duration.ofMillis(800))).as("the will is cancelled").isEmpty();
            }
        }
    }
}
