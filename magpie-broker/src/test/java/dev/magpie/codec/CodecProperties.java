package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over many generated inputs: valid packets round-trip, and no input whatsoever makes the
 * decoder throw anything but {@link MalformedPacketException}, hang, or leak a buffer.
 */
class CodecProperties {

    @Property(tries = 500)
    void validPacketsRoundTrip(@ForAll long seed, @ForAll MqttVersion version, @ForAll boolean toServer) {
        MqttPacket packet = new RandomPackets(seed).any(version, toServer);
        assertThat(RoundTripTest.roundTrip(packet, version, toServer)).usingRecursiveComparison().isEqualTo(packet);
    }

    @Property(tries = 2000)
    void randomBytesGiveOnlyPacketsOrMalformedPacketException(@ForAll("decoders") Side side,
                                                              @ForAll @Size(max = 300) byte[] bytes) {
        // a real (empty) buffer, not Unpooled.EMPTY_BUFFER, whose refCnt never drops
        feed(side.channel(), Unpooled.buffer(bytes.length).writeBytes(bytes));
    }

    @Property(tries = 2000)
    void mutatedPacketsGiveOnlyPacketsOrMalformedPacketException(@ForAll long seed, @ForAll MqttVersion version,
                                                                 @ForAll boolean toServer) {
        Random random = new Random(seed);
        MqttPacket packet = new RandomPackets(seed).any(version, toServer);
        ByteBuf encoded = MqttEncoder.encode(Unpooled.buffer().alloc(), packet, version);
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            int index = random.nextInt(encoded.readableBytes());
            encoded.setByte(index, random.nextBoolean() ? random.nextInt(256) : encoded.getByte(index) ^ (1 << random.nextInt(8)));
        }
        if (random.nextInt(4) == 0) {
            encoded.writerIndex(random.nextInt(encoded.writerIndex() + 1));
        }
        EmbeddedChannel ch = toServer
                ? packet instanceof Connect ? DecoderHarness.server() : DecoderHarness.connected(version)
                : DecoderHarness.client(version);
        feed(ch, encoded);
    }

    private static void feed(EmbeddedChannel ch, ByteBuf input) {
        try {
            ch.writeInbound(input);
            for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
                assertThat(o).isInstanceOf(MqttPacket.class);
            }
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(MalformedPacketException.class);
        } finally {
            ch.finishAndReleaseAll();
            assertThat(input.refCnt()).isZero();
        }
    }

    /** Which decoder random bytes are fed to. */
    enum Side {
        SERVER_BEFORE_CONNECT, SERVER_3_1, SERVER_3_1_1, SERVER_5, CLIENT_3_1_1, CLIENT_5;

        EmbeddedChannel channel() {
            return switch (this) {
                case SERVER_BEFORE_CONNECT -> DecoderHarness.server();
                case SERVER_3_1 -> DecoderHarness.connected(MqttVersion.V3_1);
                case SERVER_3_1_1 -> DecoderHarness.connected(MqttVersion.V3_1_1);
                case SERVER_5 -> DecoderHarness.connected(MqttVersion.V5);
                case CLIENT_3_1_1 -> DecoderHarness.client(MqttVersion.V3_1_1);
                case CLIENT_5 -> DecoderHarness.client(MqttVersion.V5);
            };
        }
    }

    @Provide
    Arbitrary<Side> decoders() {
        return Arbitraries.of(Side.class);
    }
}
