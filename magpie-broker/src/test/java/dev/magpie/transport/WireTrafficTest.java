package dev.magpie.transport;

import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.observe.TrafficCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting on the wire: bytes both ways, packets out, and a PUBLISH's payload told from its header bytes [MQTT-3.3.2]. */
class WireTrafficTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @ParameterizedTest(name = "{0} QoS {1}")
    @CsvSource({"V3_1_1,0", "V3_1_1,1", "V3_1_1,2", "V5,0", "V5,1", "V5,2"})
    void payloadOfAnEncodedPublish(MqttVersion version, int qos) {
        byte[] payload = "twenty-three bytes long".getBytes(StandardCharsets.UTF_8);
        MqttProperties props = version.isV5()
                ? MqttProperties.builder().string(PropertyId.CONTENT_TYPE, "text/plain").build() : MqttProperties.EMPTY;
        Publish p = new Publish("sensors/kitchen/temperature", qos, false, false, qos == 0 ? 0 : 9, payload, props);
        ByteBuf encoded = MqttEncoder.encode(ALLOC, p, version);
        try {
            assertThat(WireTraffic.payloadSize(encoded, encoded.readerIndex(), encoded.readableBytes(), qos, version)).isEqualTo(payload.length);
        } finally {
            encoded.release();
        }
    }

    @Test
    void payloadOfAPublishEncodedOnceForManyInTwoParts() {
        byte[] payload = new byte[300]; // a remaining length of two bytes
        Publish p = new Publish("a/b", 1, false, false, 0, payload, MqttProperties.EMPTY);
        EncodedPublish shared = EncodedPublish.of(ALLOC, p, MqttVersion.V5);
        ByteBuf delivery = shared.forDelivery(77, false);
        try {
            assertThat(WireTraffic.payloadSize(delivery, delivery.readerIndex(), delivery.readableBytes(), 1, MqttVersion.V5)).isEqualTo(300);
        } finally {
            delivery.release();
            shared.release();
        }
    }

    @Test
    void countsWhatPassesBothWays() {
        TrafficCounters counters = new TrafficCounters();
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        EmbeddedChannel channel = new EmbeddedChannel(new WireTraffic(counters, encoder), encoder);
        channel.writeInbound(ALLOC.buffer().writeBytes(new byte[] {(byte) 0xC0, 0})); // PINGREQ, counted as bytes here
        channel.writeOutbound(new Publish("t", 0, false, false, 0, new byte[10], MqttProperties.EMPTY));
        channel.writeOutbound(dev.magpie.codec.PingResp.INSTANCE);
        channel.finishAndReleaseAll();

        TrafficCounters.Snapshot s = counters.snapshot();
        assertThat(s.bytesReceived()).isEqualTo(2);
        assertThat(s.packetsReceived()).as("decoded packets are the connection's to count").isZero();
        assertThat(s.packetsSent()).isEqualTo(2);
        assertThat(s.publishSent()).isEqualTo(1);
        assertThat(s.publishBytesSent()).isEqualTo(10);
        assertThat(s.bytesSent()).isEqualTo(2 + 3 + 10 + 2); // PUBLISH: header, topic "t" with its length, payload; PINGRESP
    }
}
