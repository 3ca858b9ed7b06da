package dev.magpie.session;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-flight window bounded by bytes besides its message count (issue 10: a client that never acknowledges
 * holds the window's messages, up to 100 of 256 KiB each, for as long as it stays connected).
 */
class InflightBytesTest {

    private static Publish message(int payloadBytes) {
        return new Publish("t", 1, false, false, 0, new byte[payloadBytes], MqttProperties.EMPTY);
    }

    @Test
    void theWindowIsFullWhenTheNextMessageWouldPassTheByteBound() {
        OutboundFlow flow = new OutboundFlow(100, 0);
        flow.maxInflightBytes(1_000);
        assertThat(flow.windowFull(10, 5_000)).as("an empty window takes one message however large").isFalse();
        flow.track(1, message(399), OutboundFlow.State.AWAIT_PUBACK, null, true); // 400 bytes with the topic
        flow.track(2, message(399), OutboundFlow.State.AWAIT_PUBACK, null, true);
        assertThat(flow.inflightBytes()).isEqualTo(800);
        assertThat(flow.windowFull(10, 200)).isFalse();
        assertThat(flow.windowFull(10, 201)).isTrue();
        flow.complete(1);
        assertThat(flow.inflightBytes()).isEqualTo(400);
        assertThat(flow.windowFull(10, 600)).isFalse();
        assertThat(flow.windowFull(1, 1)).as("the message count still applies").isTrue();
        flow.clear();
        assertThat(flow.inflightBytes()).isZero();
    }

    @Test
    void withoutAByteBoundOnlyTheCountApplies() {
        OutboundFlow flow = new OutboundFlow(100, 0);
        flow.track(1, message(10_000_000), OutboundFlow.State.AWAIT_PUBACK, null, true);
        assertThat(flow.windowFull(2, 10_000_000)).isFalse();
        flow.track(2, message(1), OutboundFlow.State.AWAIT_PUBREC, null, true);
        assertThat(flow.windowFull(2, 1)).isTrue();
    }
}
