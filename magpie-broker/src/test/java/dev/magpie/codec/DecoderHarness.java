package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Feeds byte vectors to an {@link MqttDecoder} in an {@link EmbeddedChannel} and checks the outcome. */
final class DecoderHarness {
    static final int MAX = 1 << 20;

    private DecoderHarness() {
    }

    static EmbeddedChannel server() {
        return new EmbeddedChannel(MqttDecoder.forServer(MAX));
    }

    static EmbeddedChannel server(int maxPacketSize) {
        return new EmbeddedChannel(MqttDecoder.forServer(maxPacketSize));
    }

    /** A server decoder that has accepted a CONNECT of {@code version}. */
    static EmbeddedChannel connected(MqttVersion version) {
        return connected(version, MAX);
    }

    static EmbeddedChannel connected(MqttVersion version, int maxPacketSize) {
        EmbeddedChannel ch = server(maxPacketSize);
        Connect connect = new Connect(version, "c", true, 60, null, null, null, MqttProperties.EMPTY);
        ch.writeInbound(MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, connect, version));
        assertThat(DecoderHarness.next(ch)).isInstanceOf(Connect.class);
        return ch;
    }

    static EmbeddedChannel client(MqttVersion version) {
        return new EmbeddedChannel(MqttDecoder.forClient(version, MAX));
    }

    /** The next decoded message, or null. */
    static Object next(EmbeddedChannel ch) {
        return ch.readInbound();
    }

    static ByteBuf buf(int... bytes) {
        ByteBuf buf = Unpooled.buffer(bytes.length);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        return buf;
    }

    /** Decodes exactly one packet from {@code bytes} and closes the channel. */
    @SuppressWarnings("unchecked")
    static <T extends MqttPacket> T decode(EmbeddedChannel ch, int... bytes) {
        try {
            ch.writeInbound(buf(bytes));
            Object packet = ch.readInbound();
            assertThat(packet).as("a decoded packet").isNotNull();
            assertThat(DecoderHarness.next(ch)).as("only one packet").isNull();
            return (T) packet;
        } finally {
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    /** Decodes all packets from {@code bytes} without closing the channel. */
    static List<MqttPacket> decodeAll(EmbeddedChannel ch, ByteBuf bytes) {
        ch.writeInbound(bytes);
        List<MqttPacket> packets = new ArrayList<>();
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            packets.add((MqttPacket) o);
        }
        return packets;
    }

    /** Expects {@code bytes} to be rejected with {@code reasonCode}; returns the exception. */
    static MalformedPacketException reject(EmbeddedChannel ch, int reasonCode, int... bytes) {
        return reject(ch, reasonCode, buf(bytes));
    }

    static MalformedPacketException reject(EmbeddedChannel ch, int reasonCode, ByteBuf bytes) {
        try {
            ch.writeInbound(bytes);
            fail("expected reason code 0x%x but decoded %s", reasonCode, DecoderHarness.next(ch));
            return null;
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(MalformedPacketException.class);
            MalformedPacketException m = (MalformedPacketException) e.getCause();
            assertThat(m.reasonCode()).as("reason code of: " + m.getMessage()).isEqualTo(reasonCode);
            assertThat(bytes.refCnt()).as("input released").isZero();
            assertThat(DecoderHarness.next(ch)).isNull();
            // nothing after an error is decoded, not even a valid packet
            ch.writeInbound(buf(0xC0, 0x00));
            ch.writeInbound(buf(0x30, 0x03, 0x00, 0x01, 'a'));
            assertThat(DecoderHarness.next(ch)).isNull();
            return m;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Two-byte length plus UTF-8 bytes, as ints, for building vectors. */
    static int[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length + 2];
        out[0] = b.length >> 8;
        out[1] = b.length & 0xFF;
        for (int i = 0; i < b.length; i++) {
            out[i + 2] = b[i] & 0xFF;
        }
        return out;
    }

    /** Concatenates int vectors and single ints. */
    static int[] cat(Object... parts) {
        List<Integer> all = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof int[] a) {
                for (int v : a) {
                    all.add(v);
                }
            } else if (p instanceof Integer i) {
                all.add(i);
            } else if (p instanceof Character c) {
                all.add((int) c);
            } else {
                throw new IllegalArgumentException(String.valueOf(p));
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }
}
