package dev.magpie.observe.sys;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.security.mosquitto.MosquittoAclFile;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code $SYS} end to end over raw clients: mosquitto's topics every interval, values that follow the traffic, read
 * rights from a mosquitto ACL file, no client PUBLISH into it (section 4.7.2), no {@code #} match [MQTT-4.7.2-1].
 */
class SysTopicsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String B = "$SYS/broker/";
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private Broker start(Broker.Builder builder) {
        broker = builder.build().start();
        return broker;
    }

    private RawMqttClient client(MqttVersion version, String id, String user) {
        return RawMqttClient.connected(broker.port("tcp"), new Connect(version, id, true, 60, user, null, null, MqttProperties.EMPTY));
    }

    /** Reads PUBLISHes into {@code latest} (topic → last payload) until {@code done} holds; fails after {@link #WAIT}. */
    private static void readUntil(RawMqttClient c, Map<String, String> latest, Predicate<Map<String, String>> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(latest)) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("$SYS values within %s; have %s", WAIT, latest.keySet()).isPositive();
            Optional<MqttPacket> p = c.poll(Duration.ofNanos(left));
            if (p.isPresent() && p.get() instanceof Publish publish) {
                latest.put(publish.topic(), new String(publish.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void mosquittoTopicsArePublishedEveryIntervalAndFollowTheTraffic() {
        start(TestBrokers.anonymous().sysInterval(Duration.ofSeconds(1)));
        try (RawMqttClient sys = client(MqttVersion.V3_1_1, "watcher", null); RawMqttClient pub = client(MqttVersion.V5, "pub", null)) {
            sys.subscribe("$SYS/#", 0);
            Map<String, String> latest = new HashMap<>();
            readUntil(sys, latest, m -> m.containsKey(B + "version") && m.containsKey(B + "load/sockets/15min"));
            assertThat(latest.get(B + "version")).startsWith("magpie version ");
            assertThat(latest.get(B + "uptime")).matches("\\d+ seconds");
            assertThat(latest).containsKeys(B + "timestamp", B + "retained messages/count", B + "store/messages/count",
                    B + "shared_subscriptions/count", B + "load/publish/dropped/5min", B + "publish/bytes/sent");
            assertThat(latest.get(B + "clients/connected")).isEqualTo("2");
            assertThat(latest.get(B + "load/messages/received/1min")).matches("\\d+\\.\\d\\d");
            long before = Long.parseLong(latest.get(B + "publish/messages/received"));
            long bytesBefore = Long.parseLong(latest.get(B + "publish/bytes/received"));

            for (int i = 0; i < 10; i++) {
                pub.send(RawMqttClient.publishPacket("t/" + i, 1, i + 1, "0123456789"));
                assertThat(pub.receive(PubResponse.class, WAIT).packetId()).isEqualTo(i + 1);
            }
            // a round is one message per topic, so each value is waited for (the next round brings them all)
            readUntil(sys, latest, m -> Long.parseLong(m.get(B + "publish/messages/received")) >= before + 10
                    && Long.parseLong(m.get(B + "publish/bytes/received")) >= bytesBefore + 100
                    && Long.parseLong(m.get(B + "messages/received")) >= before + 10);
            assertThat(Long.parseLong(latest.get(B + "bytes/sent"))).isPositive();
            readUntil(sys, latest, m -> Double.parseDouble(m.get(B + "load/publish/received/1min")) > 0);
        }
    }

    @Test
    void clientsCountConnectedDisconnectedMaximumAndExpiredSessions_MQTT_3_1_2_23() {
        start(TestBrokers.anonymous().sysInterval(Duration.ofSeconds(1)));
        try (RawMqttClient sys = client(MqttVersion.V3_1_1, "watcher", null)) {
            sys.subscribe("$SYS/broker/clients/#", 0);
            // a 5.0 session that outlives its connection by one second, then expires
            MqttProperties expiry = MqttProperties.builder().integer(dev.magpie.codec.PropertyId.SESSION_EXPIRY_INTERVAL, 1).build();
            RawMqttClient brief = RawMqttClient.connected(broker.port("tcp"), new Connect(MqttVersion.V5, "brief", true, 60, null, null, null, expiry));
            Map<String, String> latest = new HashMap<>();
            readUntil(sys, latest, m -> "2".equals(m.get(B + "clients/connected")) && "2".equals(m.get(B + "clients/maximum")));
            brief.send(new dev.magpie.codec.Disconnect(0, MqttProperties.EMPTY));
            brief.close();
            // total comes last in a round: once it says 1, the values before it are of the same round
            readUntil(sys, latest, m -> "1".equals(m.get(B + "clients/expired")) && "1".equals(m.get(B + "clients/total")));
            assertThat(latest).containsEntry(B + "clients/connected", "1").containsEntry(B + "clients/maximum", "2")
                    .containsEntry(B + "clients/disconnected", "0");
        }
    }

    @Test
    void hashDoesNotMatchSysTopics_MQTT_4_7_2_1() {
        start(TestBrokers.anonymous().sysInterval(Duration.ofSeconds(1)));
        try (RawMqttClient all = client(MqttVersion.V3_1_1, "all", null); RawMqttClient sys = client(MqttVersion.V3_1_1, "sys", null)) {
            all.subscribe("#", 0);
            all.subscribe("+/broker/#", 0);
            sys.subscribe("$SYS/broker/uptime", 0);
            assertThat(sys.publishWithin(WAIT)).as("the $SYS subscriber gets rounds").isPresent();
            assertThat(sys.publishWithin(WAIT)).isPresent(); // a second round: the '#' subscriber had a whole interval
            assertThat(all.publishWithin(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void sysIntervalZeroPublishesNothing() {
        start(TestBrokers.anonymous().sysInterval(Duration.ZERO));
        try (RawMqttClient sys = client(MqttVersion.V3_1_1, "sys", null)) {
            sys.subscribe("$SYS/#", 0);
            assertThat(sys.publishWithin(Duration.ofMillis(2_500))).isEmpty(); // the 1 s rounds of the other tests would be here
        }
    }

    @Test
    void readableOnlyWhereTheAclFileAllows() throws Exception {
        AclAuthorizer acl = AclAuthorizer.of(MosquittoAclFile.parse("""
                user admin
                topic read $SYS/#
                user bob
                topic readwrite bob/#
                topic read #
                """, "acl"));
        start(TestBrokers.anonymous().sysInterval(Duration.ofSeconds(1)).authorizer(acl));
        try (RawMqttClient admin = client(MqttVersion.V3_1_1, "a", "admin"); RawMqttClient bob = client(MqttVersion.V5, "b", "bob")) {
            bob.send(new Subscribe(1, List.of(Subscribe.Subscription.of("$SYS/#", 0), Subscribe.Subscription.of("#", 0)), MqttProperties.EMPTY));
            // no rule grants bob $SYS: 0x87 Not authorized; his 'read #' does not reach it [MQTT-4.7.2-1]
            assertThat(bob.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(ReasonCode.NOT_AUTHORIZED, 0);

            admin.subscribe("$SYS/#", 0);
            Map<String, String> latest = new HashMap<>();
            readUntil(admin, latest, m -> m.containsKey(B + "version") && m.containsKey(B + "uptime"));
            assertThat(bob.publishWithin(Duration.ofMillis(1_500))).as("a whole interval without $SYS for bob").isEmpty();
        }
    }

    @Test
    void aClientPublishToSysIsRefused_section_4_7_2() throws Exception {
        // even a user whose rules would let it write there: $SYS is the broker's
        AclAuthorizer acl = AclAuthorizer.of(MosquittoAclFile.parse("""
                user admin
                topic readwrite $SYS/#
                """, "acl"));
        start(TestBrokers.anonymous().sysInterval(Duration.ZERO).authorizer(acl));
        try (LogCapture log = LogCapture.of("dev.magpie.protocol.InboundFlows");
             RawMqttClient reader = client(MqttVersion.V5, "reader", "admin");
             RawMqttClient v5 = client(MqttVersion.V5, "v5", "admin");
             RawMqttClient v3 = client(MqttVersion.V3_1_1, "v3", "admin")) {
            reader.subscribe("$SYS/#", 0);

            v5.send(new Publish(B + "uptime", 1, false, false, 1, "fake".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            PubResponse puback = v5.receive(PubResponse.class, WAIT);
            assertThat(puback.type()).isEqualTo(PacketType.PUBACK);
            assertThat(puback.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            v5.send(new Publish(B + "version", 2, true, false, 2, "fake".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            PubResponse pubrec = v5.receive(PubResponse.class, WAIT);
            assertThat(pubrec.type()).isEqualTo(PacketType.PUBREC);
            assertThat(pubrec.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED); // ends the exchange [MQTT-4.3.3-4]

            // 3.1.1 has no negative acknowledgement: acknowledged and dropped [MQTT-3.3.5-2]
            v3.send(new Publish(B + "uptime", 1, false, false, 3, "fake".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            assertThat(v3.receive(PubResponse.class, WAIT).packetId()).isEqualTo(3);
            v3.send(new Publish("$SYS", 0, false, false, 0, "fake".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));

            assertThat(reader.publishWithin(Duration.ofMillis(500))).as("nothing reached the $SYS reader").isEmpty();
            assertThat(log.messages()).filteredOn(m -> m.contains("$SYS/ is the broker's own")).hasSize(2); // once per connection
        }
    }

    @Test
    void aWillAddressedToSysIsNotPublished_section_4_7_2() {
        start(TestBrokers.anonymous().sysInterval(Duration.ZERO));
        try (RawMqttClient reader = client(MqttVersion.V3_1_1, "reader", null)) {
            reader.subscribe("$SYS/#", 0);
            reader.subscribe("wills/#", 0);
            Connect.Will fake = new Connect.Will(B + "version", "fake".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
            Connect.Will real = new Connect.Will("wills/x", "gone".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
            RawMqttClient.connected(broker.port("tcp"), new Connect(MqttVersion.V3_1_1, "f", true, 60, null, null, fake, MqttProperties.EMPTY))
                    .close(); // lost without DISCONNECT: the will would go now
            RawMqttClient.connected(broker.port("tcp"), new Connect(MqttVersion.V3_1_1, "r", true, 60, null, null, real, MqttProperties.EMPTY))
                    .close();
            // the ordinary will proves wills are going out; the $SYS one neither before it nor in the half second after
            Publish first = reader.publishWithin(WAIT).orElseThrow();
            assertThat(first.topic()).isEqualTo("wills/x");
            assertThat(reader.publishWithin(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void clientEventsAreJsonUnderTheClientsId() {
        start(TestBrokers.anonymous().sysInterval(Duration.ZERO).sysClientEvents(true));
        try (RawMqttClient watcher = client(MqttVersion.V3_1_1, "watcher", null)) {
            watcher.subscribe("$SYS/broker/clients/+/+", 0);
            RawMqttClient sensor = client(MqttVersion.V5, "sensor-7", "alice");
            Publish connected = watcher.publishWithin(WAIT).orElseThrow();
            assertThat(connected.topic()).isEqualTo("$SYS/broker/clients/sensor-7/connected");
            assertThat(new String(connected.payload(), StandardCharsets.UTF_8)).contains("\"clientid\":\"sensor-7\"", "\"username\":\"alice\"",
                    "\"protocol\":\"MQTT 5.0\"", "\"remote_address\":\"127.0.0.1\"", "\"time\":\"").doesNotContain("reason");
            sensor.send(new dev.magpie.codec.Disconnect(0, MqttProperties.EMPTY));
            sensor.close();
            Publish gone = watcher.publishWithin(WAIT).orElseThrow();
            assertThat(gone.topic()).isEqualTo("$SYS/broker/clients/sensor-7/disconnected");
            assertThat(new String(gone.payload(), StandardCharsets.UTF_8)).contains("\"reason\":\"client disconnected\"");
        }
    }

    @Test
    void theIntervalIsZeroOrAtLeastATenthOfASecond() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Broker.builder().sysInterval(Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 100ms");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Broker.builder().sysInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Broker.DEFAULT_SYS_INTERVAL).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void clientEventsAreOffByDefault() {
        start(TestBrokers.anonymous().sysInterval(Duration.ZERO));
        try (RawMqttClient watcher = client(MqttVersion.V3_1_1, "watcher", null); RawMqttClient other = client(MqttVersion.V3_1_1, "o", null)) {
            watcher.subscribe("$SYS/#", 0);
            other.close();
            assertThat(watcher.publishWithin(Duration.ofMillis(500))).isEmpty();
        }
    }
}
