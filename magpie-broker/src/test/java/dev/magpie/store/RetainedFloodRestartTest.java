package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.BrokerLimits;
import dev.magpie.codec.MqttProperties;
import dev.magpie.routing.Distributor;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: a retained flood filled the heap and the restarted broker came up full, because the store brought the
 * whole flood back. The retained bound applies while the store is read: a broker that starts on a store holding
 * more than {@code max_retained_messages} / {@code max_retained_bytes} loads only what fits, says so, and counts the
 * loaded ones against the bound.
 */
class RetainedFloodRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int FLOOD = 400;

    @TempDir
    Path data;

    private Broker start(BrokerLimits.Quotas quotas, SimpleMeterRegistry registry) {
        return TestBrokers.anonymous().dataDirectory(data).meterRegistry(registry)
                .limits(BrokerLimits.defaults().toBuilder().quotas(quotas).build()).build().start();
    }

    private static int publishRetained(RawMqttClient c, String topic, int packetId, int payloadBytes) {
        c.send(new Publish(topic, 1, true, false, packetId, new byte[payloadBytes], MqttProperties.EMPTY));
        return c.receive(PubResponse.class, WAIT).reasonCode();
    }

    private void flood() {
        Broker unbounded = start(new BrokerLimits.Quotas(0, 0, 0, 0, 0), new SimpleMeterRegistry());
        try (RawMqttClient c = RawMqttClient.connected(unbounded.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "flood", true, 60))) {
            for (int i = 1; i <= FLOOD; i++) {
                publishRetained(c, "flood/" + i, i % 65_535 + 1, 100);
            }
        }
        unbounded.stop();
    }

    @Test
    void aRestartedBrokerLoadsOnlyTheRetainedCountItMayHold() {
        flood();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Broker bounded;
        try (LogCapture log = LogCapture.of(Distributor.class)) {
            bounded = start(new BrokerLimits.Quotas(0, 100, 0, 0, 0), registry);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("300 retained message(s) left in the store"));
        }
        try {
            assertThat(registry.find("magpie.retained").gauge().value()).isEqualTo(100);
            try (RawMqttClient c = RawMqttClient.connected(bounded.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "late", true, 60))) {
                // the loaded ones count: the bound is full, a new retained topic is refused
                assertThat(publishRetained(c, "new/topic", 1, 10)).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
            }
        } finally {
            bounded.stop();
        }
    }

    @Test
    void aRestartedBrokerLoadsOnlyTheRetainedBytesItMayHold() {
        flood(); // 400 messages of 100 payload bytes and 7 to 9 topic characters
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Broker bounded = start(new BrokerLimits.Quotas(0, 0, 10_900, 0, 0), registry);
        try {
            assertThat(registry.find("magpie.retained").gauge().value()).isEqualTo(100); // oldest first: flood/1..flood/100
            assertThat(registry.find("magpie.retained.bytes").gauge().value()).isEqualTo(100 * 100 + 9 * 7 + 90 * 8 + 9);
        } finally {
            bounded.stop();
        }
    }
}
