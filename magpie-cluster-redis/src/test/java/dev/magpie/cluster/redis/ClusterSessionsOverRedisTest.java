package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.magpie.Broker;
import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TcpProxy;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client-id ownership over a real Redis, node A reaching it through a {@link TcpProxy} that the tests cut: a takeover
 * from A to B; while A is cut off, persistent sessions are refused on A (0x88, 3.1.1 0x03) and clean ones served
 * (the default outage policy); and when A's lease expired while it was cut off, A fences itself on return, dropping
 * the sessions whose owner moved on.
 */
@Timeout(30)
class ClusterSessionsOverRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static RedisServerKit redis;

    private final String prefix = "own-" + UUID.randomUUID().toString().substring(0, 6);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private TcpProxy proxy;
    private Broker nodeA;
    private Broker nodeB;
    private RedisClusterBackend observer;

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

    private RedisClusterBackend backend(String nodeId, int port) {
        return RedisClusterBackend.create(RedisBackendSettings.of("redis://127.0.0.1:" + port).withKeyPrefix(prefix)
                .withCommandTimeout(Duration.ofSeconds(1)).withReconnectMaxDelay(Duration.ofMillis(200)), NodeIdentity.fresh(nodeId));
    }

    @BeforeEach
    void startNodes() {
        proxy = TcpProxy.start(redis.port());
        opened.add(proxy);
        nodeA = TestBrokers.anonymous().ioThreads(1).cluster(backend("a", proxy.port())).build().start();
        opened.add(nodeA);
        nodeB = TestBrokers.anonymous().ioThreads(1).cluster(backend("b", redis.port())).build().start();
        opened.add(nodeB);
        observer = backend("observer", redis.port());
        opened.add(observer);
        observer.start(new ClusterEvents() { }, batch -> java.util.concurrent.CompletableFuture.completedFuture(null))
                .toCompletableFuture().join();
    }

    @AfterEach
    void stopAll() throws Exception {
        proxy.restore(); // so node A leaves the cluster at once
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private String ownerNode(String clientId) {
        return observer.owner(clientId).toCompletableFuture().join().map(ClientOwner::node).map(NodeIdentity::nodeId).orElse("none");
    }

    private static Connect persistent(MqttVersion version, String clientId) {
        return new Connect(version, clientId, false, 60, null, null, null, version.isV5()
                ? MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build() : MqttProperties.EMPTY);
    }

    private static Connect clean(MqttVersion version, String clientId) {
        return new Connect(version, clientId, true, 60, null, null, null, MqttProperties.EMPTY);
    }

    private static ConnAck connack(int port, Connect connect) {
        try (RawMqttClient client = RawMqttClient.connect("127.0.0.1", port)) {
            return client.send(connect).receive(ConnAck.class, WAIT);
        }
    }

    @Test
    void aPersistentSessionOnATakenOverByBOverRedis_MQTT_3_1_4_3() {
        try (RawMqttClient onA = RawMqttClient.connected(nodeA.port("tcp"), persistent(MqttVersion.V5, "boiler"))) {
            assertThat(ownerNode("boiler")).isEqualTo("a");
            try (RawMqttClient onB = RawMqttClient.connected(nodeB.port("tcp"), persistent(MqttVersion.V5, "boiler"))) {
                assertThat(onA.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
                assertThat(onA.awaitClosed(WAIT)).isTrue();
                assertThat(ownerNode("boiler")).isEqualTo("b");
                await().atMost(WAIT).until(() -> nodeA.admin().client("boiler").isEmpty()); // A dropped its copy
                onB.send(new PingReq());
                assertThat(onB.receive(WAIT)).isInstanceOf(PingResp.class);
            }
        }
    }

    @Test
    void aPersistentSessionLeftOnAResumesOnBWithItsSubscriptionAndQueueOverRedis_MQTT_3_2_2_2() {
        try (RawMqttClient onA = RawMqttClient.connected(nodeA.port("tcp"), persistent(MqttVersion.V5, "logger"))) {
            onA.subscribe("log/#", 1);
            onA.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
            assertThat(onA.awaitClosed(WAIT)).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            nodeA.publish("log/" + i, ("line" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(WAIT).until(() -> nodeA.admin().client("logger").map(c -> c.queued().size() + c.inflight().size() == 10).orElse(false));
        await().atMost(WAIT).until(() -> observer.loadSession("logger").toCompletableFuture().join().isPresent());

        try (RawMqttClient onB = RawMqttClient.connect("127.0.0.1", nodeB.port("tcp"))) {
            ConnAck ack = onB.send(persistent(MqttVersion.V5, "logger")).receive(ConnAck.class, WAIT);
            assertThat(ack.sessionPresent()).as("Session Present on the node that took the session over").isTrue();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Publish p = onB.publishWithin(WAIT).orElseThrow(() -> new AssertionError("only " + lines + " arrived"));
                onB.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
                lines.add(new String(p.payload(), java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(lines).as("queued on A, delivered on B, in order").containsExactly("line0", "line1", "line2", "line3",
                    "line4", "line5", "line6", "line7", "line8", "line9");
            assertThat(onB.publishWithin(Duration.ofMillis(300))).as("each once").isEmpty();
            await().atMost(WAIT).until(() -> nodeA.admin().client("logger").isEmpty());
            // the resumed subscription serves new messages on B
            nodeB.publish("log/new", "fresh");
            assertThat(onB.publishWithin(WAIT)).hasValueSatisfying(p -> assertThat(p.topic()).isEqualTo("log/new"));
        }
    }

    @Test
    void whileRedisIsUnreachablePersistentSessionsAreRefusedAndCleanOnesServed() {
        proxy.cut();
        // 5.0: 0x88 Server unavailable; 3.1.1: 0x03 Server unavailable — their ownership cannot be checked
        assertThat(connack(nodeA.port("tcp"), persistent(MqttVersion.V5, "p5")).reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
        // (the raw client's decoder reads the 3.1.1 return code 0x03 as 0x88, as it reads every 3.1.1 code as 5.0's)
        assertThat(connack(nodeA.port("tcp"), persistent(MqttVersion.V3_1_1, "p311")).reasonCode())
                .isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
        // clean sessions keep being served on the node alone
        try (RawMqttClient cleanOnA = RawMqttClient.connected(nodeA.port("tcp"), clean(MqttVersion.V5, "c5"))) {
            cleanOnA.send(new PingReq());
            assertThat(cleanOnA.receive(WAIT)).isInstanceOf(PingResp.class);
        }
        // a node that reaches Redis is not affected
        assertThat(connack(nodeB.port("tcp"), persistent(MqttVersion.V5, "p5-on-b")).reasonCode()).isZero();

        proxy.restore();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> connack(nodeA.port("tcp"), persistent(MqttVersion.V5, "p5")).reasonCode() == 0);
        assertThat(ownerNode("p5")).isEqualTo("a");
    }

    // [MQTT-3.1.4-3]: the newest CONNECT of an id keeps it, also when its node could not claim it at the time
    @Test
    void anIdAdmittedWhileRedisWasUnreachableIsClaimedOnceItIsBack() {
        try (RawMqttClient onB = RawMqttClient.connected(nodeB.port("tcp"), clean(MqttVersion.V5, "twice"))) {
            await().atMost(WAIT).until(() -> ownerNode("twice").equals("b"));
            proxy.cut();
            try (RawMqttClient onA = RawMqttClient.connected(nodeA.port("tcp"), clean(MqttVersion.V5, "twice"))) {
                assertThat(ownerNode("twice")).as("A could not claim it").isEqualTo("b");
                proxy.restore();
                // A claims it in the background; B's older connection is taken over
                assertThat(onB.receive(Disconnect.class, Duration.ofSeconds(15)).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
                await().atMost(WAIT).until(() -> ownerNode("twice").equals("a"));
                onA.send(new PingReq());
                assertThat(onA.receive(WAIT)).isInstanceOf(PingResp.class);
            }
        }
    }

    @Test
    void aNodeWhoseLeaseExpiredWhileCutOffDropsTheSessionsWhoseOwnerMovedOn() {
        try (RawMqttClient kept = RawMqttClient.connected(nodeA.port("tcp"), persistent(MqttVersion.V5, "kept"));
             RawMqttClient moved = RawMqttClient.connected(nodeA.port("tcp"), persistent(MqttVersion.V5, "moved"))) {
            proxy.cut();
            // the lease (6 s) runs out while A cannot renew it; meanwhile another node claims "moved" without A
            // hearing of it (the observer sends no takeover notice: only A's own check can find out)
            await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(250)).until(() ->
                    observer.members().toCompletableFuture().join().stream()
                            .noneMatch(m -> m.node().nodeId().equals("a") && m.alive())); // expired, or forgotten by B
            observer.claim("moved").toCompletableFuture().join();

            // B, the survivor, found A dead and adopted the sessions A still owned ("kept"; "moved" too unless the
            // observer's claim came first): the partition lasted longer than the lease
            await().atMost(Duration.ofSeconds(15)).until(() -> ownerNode("kept").equals("b"));
            assertThat(nodeB.admin().client("kept")).as("adopted by the survivor, offline").isPresent();

            proxy.restore();
            // renewLease answers false: A checks what it owns, and fences every session whose epoch moved on
            assertThat(moved.receive(Disconnect.class, Duration.ofSeconds(10)).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            assertThat(moved.awaitClosed(WAIT)).isTrue();
            assertThat(kept.receive(Disconnect.class, Duration.ofSeconds(10)).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            await().atMost(WAIT).until(() -> nodeA.admin().client("moved").isEmpty() && nodeA.admin().client("kept").isEmpty());
            assertThat(ownerNode("moved")).isNotEqualTo("a");
            // one copy of each session in the cluster: the client reconnects to B and resumes it there [MQTT-3.2.2-2]
            try (RawMqttClient back = RawMqttClient.connect("127.0.0.1", nodeB.port("tcp"))) {
                back.send(persistent(MqttVersion.V5, "kept"));
                assertThat(back.receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            }
        }
    }
}
