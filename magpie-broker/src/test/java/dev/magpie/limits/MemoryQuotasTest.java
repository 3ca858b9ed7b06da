package dev.magpie.limits;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.MqttProperties;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.magpie.limits.LimitsFixture.QUIET;
import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, "memory is bounded by message counts, not bytes, and retained messages not at all": each quota of
 * {@link BrokerLimits.Quotas} with real clients, the spec's reason code for it, and its count in
 * {@code magpie.limits{limit=...}}.
 */
class MemoryQuotasTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private LimitsFixture broker(BrokerLimits.Quotas quotas) {
        return new LimitsFixture(TestBrokers.anonymous().meterRegistry(registry)
                .limits(BrokerLimits.defaults().toBuilder().quotas(quotas).build()));
    }

    private static BrokerLimits.Quotas unbounded() {
        return new BrokerLimits.Quotas(0, 0, 0, 0, 0);
    }

    private double hits(String limit) {
        Counter c = registry.find("magpie.limits").tag("limit", limit).counter();
        return c == null ? 0 : c.count();
    }

    private static Publish retained(String topic, int qos, int packetId, int payloadBytes) {
        byte[] payload = new byte[payloadBytes]; // an empty payload clears the topic [MQTT-3.3.1-10]
        return new Publish(topic, qos, true, false, packetId, payload, MqttProperties.EMPTY);
    }

    private static int ack(RawMqttClient c, Publish p) {
        c.send(p);
        return c.receive(PubResponse.class, WAIT).reasonCode();
    }

    @Test
    void aNewRetainedTopicBeyondTheCountGets0x97AndA311MessageIsDeliveredButNotRetained() {
        try (LimitsFixture f = broker(new BrokerLimits.Quotas(0, 3, 0, 0, 0))) {
            RawMqttClient pub = f.v5("pub");
            for (int i = 1; i <= 3; i++) {
                assertThat(ack(pub, retained("r/" + i, 1, i, 10))).isLessThan(0x80);
            }
            assertThat(ack(pub, retained("r/4", 1, 4, 10))).isEqualTo(ReasonCode.QUOTA_EXCEEDED); // spec 3.4.2.1
            assertThat(ack(pub, retained("r/1", 1, 5, 20))).as("replacing a retained topic adds nothing").isLessThan(0x80);
            assertThat(ack(pub, retained("r/1", 1, 6, 0))).as("clearing one frees a place").isLessThan(0x80);
            assertThat(ack(pub, retained("r/4", 1, 7, 10))).isLessThan(0x80);

            RawMqttClient live = f.v311("live");
            assertThat(LimitsFixture.subscribe(live, "r/#")).containsExactly(1);
            for (int i = 0; i < 3; i++) {
                live.receive(Publish.class, WAIT); // the three retained ones
            }
            RawMqttClient old = f.v311("old-publisher");
            assertThat(ack(old, retained("r/5", 1, 1, 10))).isZero(); // 3.1.1 cannot be told: acknowledged...
            assertThat(live.receive(Publish.class, WAIT).topic()).isEqualTo("r/5"); // ...and delivered to who is there
            RawMqttClient late = f.v311("late");
            assertThat(LimitsFixture.subscribe(late, "r/#")).containsExactly(1);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                kept.add(late.receive(Publish.class, WAIT).topic());
            }
            assertThat(kept).containsExactlyInAnyOrder("r/2", "r/3", "r/4"); // but not retained
            assertThat(late.poll(QUIET)).isEmpty();
            assertThat(hits("retained")).isEqualTo(2);
        }
    }

    @Test
    void retainedBytesAreBoundBrokerWide() {
        try (LimitsFixture f = broker(new BrokerLimits.Quotas(0, 0, 1_000, 0, 0))) {
            RawMqttClient pub = f.v5("pub");
            assertThat(ack(pub, retained("a", 2, 1, 599))).isLessThan(0x80); // 600 bytes with its topic
            assertThat(ack(pub, retained("b", 1, 2, 500))).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
            pub.send(retained("b", 2, 3, 500));
            PubResponse pubrec = pub.receive(PubResponse.class, WAIT);
            assertThat(pubrec.type()).isEqualTo(PacketType.PUBREC);
            assertThat(pubrec.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED); // QoS 2 as well [MQTT-4.3.3-4]
            assertThat(ack(pub, retained("b", 1, 4, 399))).isLessThan(0x80);
            assertThat(registry.find("magpie.retained.bytes").gauge().value()).isEqualTo(1_000);
        }
    }

    @Test
    void aUserPastItsSessionsIsRefusedWith0x97UntilOneEnds() {
        try (LimitsFixture f = broker(new BrokerLimits.Quotas(0, 0, 0, 0, 2))) {
            RawMqttClient one = f.socket();
            assertThat(f.connAck(one, LimitsFixture.connect(MqttVersion.V5, "bob-1", "bob")).reasonCode()).isZero();
            assertThat(f.connAck(f.socket(), LimitsFixture.connect(MqttVersion.V5, "bob-2", "bob")).reasonCode()).isZero();
            ConnAck third = f.connAck(f.socket(), LimitsFixture.connect(MqttVersion.V5, "bob-3", "bob"));
            assertThat(third.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
            RawMqttClient v3 = f.socket();
            // 3.1.1 has no quota code: 0x03 Server unavailable, which the raw client reads back as 0x88
            assertThat(f.connAck(v3, LimitsFixture.connect(MqttVersion.V3_1_1, "bob-3", "bob")).reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
            assertThat(f.connAck(f.socket(), LimitsFixture.connect(MqttVersion.V5, "alice-1", "alice")).reasonCode()).isZero();
            RawMqttClient again = f.socket();
            assertThat(f.connAck(again, LimitsFixture.connect(MqttVersion.V5, "bob-1", "bob")).reasonCode())
                    .as("its own id again replaces a session, it adds none").isZero();
            assertThat(one.awaitClosed(WAIT)).isTrue(); // taken over [MQTT-3.1.4-3]
            again.close(); // Clean Start, no expiry: the session ends with it
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(f.connAck(f.socket(), LimitsFixture.connect(MqttVersion.V5, "bob-3", "bob")).reasonCode()).isZero());
            assertThat(hits("sessions_per_user")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void subscriptionsOfAllOfAUsersClientsCountTogether() {
        try (LimitsFixture f = broker(new BrokerLimits.Quotas(0, 0, 0, 3, 0))) {
            RawMqttClient a = f.socket();
            assertThat(f.connAck(a, LimitsFixture.connect(MqttVersion.V5, "a", "bob")).reasonCode()).isZero();
            RawMqttClient b = f.socket();
            assertThat(f.connAck(b, LimitsFixture.connect(MqttVersion.V3_1_1, "b", "bob")).reasonCode()).isZero();
            assertThat(LimitsFixture.subscribe(a, "x/1", "x/2")).containsExactly(1, 1);
            assertThat(LimitsFixture.subscribe(b, "y/1", "y/2")).containsExactly(1, ReasonCode.V3_SUBACK_FAILURE); // [MQTT-3.9.3-2]
            assertThat(LimitsFixture.subscribe(a, "x/1", "x/3")).as("renewing one is no new subscription")
                    .containsExactly(1, ReasonCode.QUOTA_EXCEEDED);
            RawMqttClient anonymous = f.v5("anon");
            assertThat(LimitsFixture.subscribe(anonymous, "z/1", "z/2", "z/3", "z/4")).containsExactly(1, 1, 1, 1);
            assertThat(hits("subscriptions_per_user")).isEqualTo(2);
        }
    }

    @Test
    void aSubscriberThatNeverAcknowledgesHoldsOnlyTheInflightBytes() {
        try (LimitsFixture f = broker(new BrokerLimits.Quotas(1_000, 0, 0, 0, 0))) {
            RawMqttClient sub = f.v5("sub");
            assertThat(LimitsFixture.subscribe(sub, "q")).containsExactly(1);
            RawMqttClient pub = f.v5("pub");
            for (int i = 1; i <= 10; i++) {
                pub.send(LimitsFixture.publish("q", 1, i, new byte[300])); // 301 bytes each with the topic
                pub.receive(PubResponse.class, WAIT);
            }
            List<Publish> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(sub.receive(Publish.class, WAIT));
            }
            assertThat(sub.poll(QUIET)).as("a fourth would make 1,204 bytes in flight").isEmpty();
            assertThat(registry.find("magpie.messages.inflight.bytes").gauge().value()).isEqualTo(903);
            sub.send(PubResponse.of(PacketType.PUBACK, inFlight.get(0).packetId()));
            assertThat(sub.receive(Publish.class, WAIT).packetId()).isNotZero(); // one more once one is acknowledged
        }
    }

    /** Each message a full queue drops is counted by its reason, as mosquitto counts dropped messages. */
    @Test
    void queueOverflowDropsAreCountedByReason() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().meterRegistry(registry)
                .limits(BrokerLimits.defaults().toBuilder().maxQueuedBytes(1_000).build()))) {
            MqttProperties expiry = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build();
            RawMqttClient sub = f.socket();
            assertThat(f.connAck(sub, new Connect(MqttVersion.V5, "offline", true, 60, null, null, null, expiry)).reasonCode()).isZero();
            assertThat(LimitsFixture.subscribe(sub, "q")).containsExactly(1);
            // the session must be offline before the first PUBLISH, or that one goes to the connection and only six
            // overflow the queue (a race CI once lost): wait for the broker to act on the DISCONNECT
            sub.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY));
            assertThat(sub.awaitClosed(WAIT)).isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(registry.find("magpie.sessions.offline").gauge().value()).isEqualTo(1));
            RawMqttClient pub = f.v5("pub");
            for (int i = 1; i <= 10; i++) {
                pub.send(LimitsFixture.publish("q", 1, i, new byte[300])); // 301 bytes: three fit in 1,000
                pub.receive(PubResponse.class, WAIT);
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    registry.find("magpie.messages.dropped.by_reason").tag("reason", "queue_full_bytes").counter().count()).isEqualTo(7));
            assertThat(registry.find("magpie.messages.queued.bytes").gauge().value()).isEqualTo(903);
        }
    }

    @Test
    void everyBoundHasANonZeroDefault() {
        BrokerLimits d = BrokerLimits.defaults();
        assertThat(d.maxQueuedBytes()).isEqualTo(16L << 20);
        assertThat(d.maxSubscriptionsPerClient()).isEqualTo(10_000);
        BrokerLimits.Quotas q = d.quotas();
        assertThat(List.of(q.maxInflightBytes(), (long) q.maxRetainedMessages(), q.maxRetainedBytes(), (long) q.maxSubscriptionsPerUser(),
                (long) q.maxSessionsPerUser())).allMatch(v -> v > 0);
        assertThat(unbounded().maxRetainedMessages()).isZero();
    }
}
