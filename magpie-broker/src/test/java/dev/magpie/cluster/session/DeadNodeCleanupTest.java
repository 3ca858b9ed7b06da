package dev.magpie.cluster.session;

import dev.magpie.Broker;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops renewing its lease (its backend closed, as a crash leaves it; the hub's clock moved past the
 * lease) is cleaned up after by the survivor: the will of its client falls due after the Will Delay Interval
 * [MQTT-3.1.3-9], a reconnect before then resumes the adopted session (Session Present 1 [MQTT-3.2.2-2]) and the will
 * is not published.
 */
@Timeout(30)
class DeadNodeCleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The hub's clock: real time plus what the test skipped, so a lease expires without waiting for it. */
    private final AtomicLong skipped = new AtomicLong();
    private final LocalClusterHub hub = new LocalClusterHub(() -> System.nanoTime() + skipped.get(), 10_000);
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
        Broker broker = TestBrokers.anonymous().ioThreads(1).cluster(backend).build().start();
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

    /** The doomed node stops renewing, and its lease is made to run out at once. */
    private void kill() {
        doomedBackend.close();
        skipped.addAndGet(TimeUnit.SECONDS.toNanos(30));
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
