package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** encode then decode gives the packet back, for every packet type, version and direction. */
class RoundTripTest {

    static Stream<Arguments> typesAndVersions() {
        List<Arguments> args = new ArrayList<>();
        for (MqttVersion v : MqttVersion.values()) {
            for (boolean toServer : new boolean[] {true, false}) {
                for (PacketType t : RandomPackets.types(v, toServer)) {
                    args.add(Arguments.of(t, v, toServer));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1} toServer={2}")
    @MethodSource("typesAndVersions")
    void randomPacketsRoundTrip(PacketType type, MqttVersion version, boolean toServer) {
        RandomPackets random = new RandomPackets(type.ordinal() * 1000L + version.ordinal() * 10L + (toServer ? 1 : 0));
        for (int i = 0; i < 40; i++) {
            MqttPacket packet = random.of(type, version, toServer);
            assertThat(roundTrip(packet, version, toServer)).usingRecursiveComparison().isEqualTo(packet);
        }
    }

    /** Encodes with a pooled allocator, checks the size, decodes, and checks nothing leaked. */
    static MqttPacket roundTrip(MqttPacket packet, MqttVersion version, boolean toServer) {
        ByteBuf encoded = MqttEncoder.encode(PooledByteBufAllocator.DEFAULT, packet, version);
        assertThat(encoded.readableBytes()).isEqualTo(MqttEncoder.encodedSize(packet, version));
        EmbeddedChannel ch = toServer
                ? packet instanceof Connect ? DecoderHarness.server(1 << 20) : DecoderHarness.connected(version)
                : DecoderHarness.client(version);
        try {
            ch.writeInbound(encoded);
            assertThat(encoded.refCnt()).isZero();
            MqttPacket decoded = ch.readInbound();
            assertThat(DecoderHarness.next(ch)).isNull();
            return decoded;
        } finally {
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }
}
