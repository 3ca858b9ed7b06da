package dev.magpie.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the decoder (Jazzer). In a normal test run this replays the seed and crash inputs in
 * {@code src/test/resources/dev/magpie/codec/MqttDecoderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it fuzzes
 * (see docs/security.md, "Fuzzing").
 *
 * <p>Input layout, so that seeds are plain packet bytes behind one control byte: bits 0-1 of the first byte
 * pick the decoder (server, or client for 3.1 / 3.1.1 / 5.0), bits 2-7 the size of the chunks the rest is fed
 * in (1..64 bytes), which exercises every split of a packet across reads.
 *
 * <p>What must hold for any input: the only failure is {@link MalformedPacketException} (inside Netty's
 * {@link DecoderException}); after it nothing more is decoded; no input buffer is left unreleased; and every
 * packet decoded encodes back to bytes that decode to the same packet and encode to the same bytes.
 */
class MqttDecoderFuzzTest {
    /** Small, so that no input can make the decoder allocate much: lengths are checked against it first. */
    private static final int MAX_PACKET_SIZE = 64 * 1024;
    private static final MqttVersion[] CLIENT_VERSIONS = {MqttVersion.V3_1, MqttVersion.V3_1_1, MqttVersion.V5};

    @FuzzTest(maxDuration = "30s")
    void decodesOrRejectsAndRoundTrips(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 0x03;
        int chunk = ((input[0] & 0xFF) >>> 2) + 1;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        MqttDecoder decoder = mode == 0 ? MqttDecoder.forServer(MAX_PACKET_SIZE) : MqttDecoder.forClient(CLIENT_VERSIONS[mode - 1], MAX_PACKET_SIZE);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<MqttPacket> decoded = new ArrayList<>();
        List<ByteBuf> fed = new ArrayList<>();
        boolean failed = false;
        for (int offset = 0; offset < stream.length; offset += chunk) {
            ByteBuf piece = Unpooled.copiedBuffer(stream, offset, Math.min(chunk, stream.length - offset));
            fed.add(piece);
            boolean failedNow = false;
            try {
                channel.writeInbound(piece);
            } catch (DecoderException e) {
                assertThat(e.getCause()).as("the only failure is a malformed packet").isInstanceOf(MalformedPacketException.class);
                failedNow = true;
            }
            // packets completed earlier in the same read as the bad one are passed on; nothing after that read
            for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
                assertThat(failed).as("nothing is decoded after a malformed packet").isFalse();
                decoded.add((MqttPacket) o);
            }
            failed |= failedNow;
        }
        assertThat(decoder.hasFailed()).isEqualTo(failed);
        channel.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("input buffers are released").isZero();
        }
        MqttVersion version = decoder.version().orElse(MqttVersion.V3_1_1);
        roundTrip(decoded, mode == 0, version);
    }

    /** Encodes what was decoded and decodes it again with a fresh decoder of the same kind: same packets, same bytes. */
    private static void roundTrip(List<MqttPacket> packets, boolean serverSide, MqttVersion version) {
        if (packets.isEmpty()) {
            return;
        }
        List<byte[]> encodings = new ArrayList<>();
        for (MqttPacket p : packets) {
            // a server decoder read packets of the version of its CONNECT; the CONNECT itself carries its own
            MqttVersion v = p instanceof Connect c ? c.version() : version;
            ByteBuf encoded = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, p, v);
            try {
                encodings.add(ByteBufUtil.getBytes(encoded));
            } finally {
                encoded.release();
            }
        }
        EmbeddedChannel again = new EmbeddedChannel(serverSide ? MqttDecoder.forServer(MAX_PACKET_SIZE) : MqttDecoder.forClient(version, MAX_PACKET_SIZE));
        for (byte[] bytes : encodings) {
            again.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        for (int i = 0; i < packets.size(); i++) {
            MqttPacket p = again.readInbound();
            assertThat(p).as("packet %d decodes again", i).isNotNull();
            assertThat(p).usingRecursiveComparison().isEqualTo(packets.get(i));
            MqttVersion v = p instanceof Connect c ? c.version() : version;
            assertThat(MqttEncoder.encodedSize(p, v)).isEqualTo(encodings.get(i).length);
        }
        again.finishAndReleaseAll();
    }
}
