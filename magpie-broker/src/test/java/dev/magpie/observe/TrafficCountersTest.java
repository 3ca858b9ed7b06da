package dev.magpie.observe;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.RawMqttClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot path's counts: what each event adds, how meters read them, and that concurrent counting loses nothing. */
class TrafficCountersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BrokerMetrics metrics = new BrokerMetrics(registry);
    private final TrafficCounters traffic = metrics.traffic();

    @Test
    void aPublishCountsAsAPacketByQosWithItsPayload() {
        traffic.received(new Publish("a/b", 1, false, false, 7, new byte[5], MqttProperties.EMPTY));
        traffic.received(RawMqttClient.connectPacket(MqttVersion.V5, "c", true, 30));
        traffic.received(PingReq.INSTANCE);

        TrafficCounters.Snapshot s = traffic.snapshot();
        assertThat(s.packetsReceived()).isEqualTo(3);
        assertThat(s.publishReceived()).isEqualTo(1);
        assertThat(s.publishBytesReceived()).isEqualTo(5);
        assertThat(s.connectsReceived()).isEqualTo(1);
        assertThat(registry.get("magpie.messages.received").tag("qos", "1").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("magpie.messages.received").tag("qos", "0").functionCounter().count()).isZero();
        assertThat(registry.get("magpie.packets.received").functionCounter().count()).isEqualTo(3);
    }

    @Test
    void sentPacketsAndBytesAndDropsReachTheMeters() {
        traffic.sent(2);
        traffic.publishSent(2, 20, 11);
        traffic.bytesReceived(100);
        metrics.messageDropped("queue_full");
        metrics.messagesDropped(2);
        metrics.connectionOpened();

        TrafficCounters.Snapshot s = traffic.snapshot();
        assertThat(s.packetsSent()).isEqualTo(2);
        assertThat(s.bytesSent()).isEqualTo(22);
        assertThat(s.publishBytesSent()).isEqualTo(11);
        assertThat(s.publishDropped()).isEqualTo(3);
        assertThat(s.socketsOpened()).isEqualTo(1);
        assertThat(registry.get("magpie.messages.sent").tag("qos", "2").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("magpie.bytes.received").functionCounter().count()).isEqualTo(100);
        assertThat(registry.get("magpie.messages.dropped").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("magpie.messages.dropped.by_reason").tag("reason", "queue_full").counter().count()).isEqualTo(1);
    }

    @Test
    void countsFromSeveralThreadsAtOnceAllArrive() throws Exception {
        ExecutorService loops = Executors.newFixedThreadPool(4);
        Publish p = new Publish("t", 0, false, false, 0, new byte[3], MqttProperties.EMPTY);
        for (int t = 0; t < 4; t++) {
            loops.execute(() -> {
                for (int i = 0; i < 100_000; i++) {
                    traffic.received(p);
                    traffic.bytesReceived(5);
                }
            });
        }
        loops.shutdown();
        assertThat(loops.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(traffic.snapshot().publishReceived()).isEqualTo(400_000);
        assertThat(traffic.snapshot().bytesReceived()).isEqualTo(2_000_000);
        assertThat(traffic.snapshot().publishBytesReceived()).isEqualTo(1_200_000);
    }

    @Test
    void clientsCountConnectedPeakAndExpired() {
        ClientCounters clients = metrics.clients();
        clients.connected();
        clients.connected();
        clients.disconnected();
        clients.connected();
        clients.disconnected();
        clients.expired();
        assertThat(clients.connectedNow()).isEqualTo(1);
        assertThat(clients.maximumConnected()).isEqualTo(2);
        assertThat(clients.expiredSessions()).isEqualTo(1);
        assertThat(registry.get("magpie.clients.maximum").gauge().value()).isEqualTo(2);
    }
}
