package dev.magpie.limits;

import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.protocol.SessionLifecycle;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.magpie.limits.LimitsFixture.QUIET;
import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * max_queued_bytes bounds a session's queue by its topic and payload bytes, besides max_queued_messages: an
 * offline subscriber of large messages cannot pin the broker's memory. New messages beyond it are dropped (as for
 * the count), the overflow is logged once.
 */
class QueuedBytesTest {

    @Test
    void offlineQueueKeepsOnlyWhatFitsTheByteBoundAndLogsTheOverflowOnce() {
        BrokerSettings settings = BrokerSettings.defaults().withMaxQueuedMessages(1000);
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().maxQueuedBytes(1000).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LogCapture log = LogCapture.of(SessionLifecycle.class);
             LimitsFixture f = new LimitsFixture(TestBrokers.anonymous(settings).limits(limits).meterRegistry(registry))) {
            MqttProperties expiry = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 300).build();
            RawMqttClient sub = f.socket();
            assertThat(f.connAck(sub, new Connect(MqttVersion.V5, "sub", true, 60, null, null, null, expiry)).reasonCode()).isZero();
            assertThat(LimitsFixture.subscribe(sub, "q")).containsExactly(1);
            sub.close();
            // the session is detached on its own thread after the broker saw the close; a message routed before
            // that would go in flight to the dead connection (and be redelivered) instead of into the queue
            await().atMost(WAIT).until(() -> registry.get("magpie.connections").gauge().value() == 0);

            // each message costs 1 (topic) + 300 (payload) bytes: three fit in 1000, the other seven are dropped
            RawMqttClient pub = f.v5("pub");
            for (int i = 1; i <= 10; i++) {
                byte[] payload = new byte[300];
                payload[0] = (byte) i;
                pub.send(LimitsFixture.publish("q", 1, i, payload));
                assertThat(pub.receive(PubResponse.class, WAIT).packetId()).isEqualTo(i);
            }

            RawMqttClient back = f.socket();
            ConnAck ack = f.connAck(back, new Connect(MqttVersion.V5, "sub", false, 60, null, null, null, expiry));
            assertThat(ack.sessionPresent()).isTrue();
            List<Integer> firstBytes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                firstBytes.add((int) back.receive(Publish.class, WAIT).payload()[0]);
            }
            assertThat(firstBytes).containsExactly(1, 2, 3); // the oldest kept, in order [MQTT-4.6.0-1]
            assertThat(back.poll(QUIET)).as("nothing beyond the byte bound was kept").isEmpty();
            assertThat(log.messages().stream().filter(m -> m.contains("queue full"))).hasSize(1)
                    .allMatch(m -> m.contains("max_queued_bytes"));
        }
    }
}
