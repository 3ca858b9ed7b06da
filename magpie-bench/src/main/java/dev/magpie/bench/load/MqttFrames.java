package dev.magpie.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The client side of MQTT 3.1.1 and 5.0, as far as a load generator needs it: encoders for the packets a client
 * sends, written straight into one pooled buffer each. The broker's codec ({@code dev.magpie.codec.MqttEncoder},
 * {@code MqttDecoder.forClient}) can be used client side too (the test kit's RawMqttClient does), but it builds a
 * {@code Publish} record with a copied {@code byte[]} per message and validates every field strictly; here the
 * generator must cost far less per message than the broker it measures, so the hot path (PUBLISH, acks) allocates
 * nothing but the outgoing buffer. Stateless: every method is a pure function of its arguments.
 *
 * <pre>{@code
 * ByteBuf connect = MqttFrames.connect(alloc, MqttFrames.V5, "bench-1", true, 60, 0);
 * }</pre>
 */
final class MqttFrames {
    /** Protocol level byte of MQTT 3.1.1. */
    static final int V3 = 4;
    /** Protocol level byte of MQTT 5.0. */
    static final int V5 = 5;

    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBREL = 6;
    static final int PUBCOMP = 7;
    static final int SUBACK = 9;
    static final int PINGRESP = 13;
    static final int DISCONNECT = 14;

    private MqttFrames() {
    }

    /** CONNECT without will or credentials; MQTT 5 sends a Session Expiry Interval when it is not 0. */
    static ByteBuf connect(ByteBufAllocator alloc, int level, String clientId, boolean cleanStart, int keepAliveSeconds,
                           long sessionExpirySeconds) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        int properties = level == V5 && sessionExpirySeconds > 0 ? 5 : 0;
        int remaining = 10 + (level == V5 ? varIntSize(properties) + properties : 0) + 2 + id.length;
        ByteBuf out = alloc.buffer(2 + varIntSize(remaining) + remaining);
        out.writeByte(0x10);
        writeVarInt(out, remaining);
        out.writeShort(4).writeBytes(new byte[] {'M', 'Q', 'T', 'T'});
        out.writeByte(level);
        out.writeByte(cleanStart ? 0x02 : 0x00);
        out.writeShort(keepAliveSeconds);
        if (level == V5) {
            writeVarInt(out, properties);
            if (properties > 0) {
                out.writeByte(0x11).writeInt((int) Math.min(sessionExpirySeconds, 0xFFFF_FFFFL));
            }
        }
        out.writeShort(id.length).writeBytes(id);
        return out;
    }

    /** SUBSCRIBE to one filter at {@code qos}. */
    static ByteBuf subscribe(ByteBufAllocator alloc, int level, int packetId, String filter, int qos) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + (level == V5 ? 1 : 0) + 2 + f.length + 1;
        ByteBuf out = alloc.buffer(2 + varIntSize(remaining) + remaining);
        out.writeByte(0x82);
        writeVarInt(out, remaining);
        out.writeShort(packetId);
        if (level == V5) {
            out.writeByte(0);
        }
        out.writeShort(f.length).writeBytes(f).writeByte(qos);
        return out;
    }

    /**
     * PUBLISH of a generator payload: {@link PayloadHeader} (stream, sequence, intended send time) padded with zeros
     * to {@code payloadSize}. {@code topic} is pre-encoded UTF-8.
     */
    static ByteBuf publish(ByteBufAllocator alloc, int level, byte[] topic, int qos, int packetId, int payloadSize,
                           int stream, int sequence, long intendedNanos) {
        int remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + (level == V5 ? 1 : 0) + payloadSize;
        ByteBuf out = alloc.directBuffer(1 + varIntSize(remaining) + remaining);
        out.writeByte(0x30 | (qos << 1));
        writeVarInt(out, remaining);
        out.writeShort(topic.length).writeBytes(topic);
        if (qos > 0) {
            out.writeShort(packetId);
        }
        if (level == V5) {
            out.writeByte(0);
        }
        PayloadHeader.write(out, stream, sequence, intendedNanos);
        out.writeZero(payloadSize - PayloadHeader.SIZE);
        return out;
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP with reason Success (MQTT 5 may omit it: remaining length 2). */
    static ByteBuf ack(ByteBufAllocator alloc, int type, int packetId) {
        ByteBuf out = alloc.directBuffer(4);
        out.writeByte(type << 4 | (type == PUBREL ? 0x02 : 0));
        out.writeByte(2);
        out.writeShort(packetId);
        return out;
    }

    static ByteBuf pingReq(ByteBufAllocator alloc) {
        return alloc.buffer(2).writeByte(0xC0).writeByte(0);
    }

    /** DISCONNECT, normal (MQTT 5: remaining length 0 means reason Success). */
    static ByteBuf disconnect(ByteBufAllocator alloc) {
        return alloc.buffer(2).writeByte(0xE0).writeByte(0);
    }

    static int varIntSize(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    static void writeVarInt(ByteBuf out, int value) {
        int v = value;
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            out.writeByte(v > 0 ? digit | 0x80 : digit);
        } while (v > 0);
    }
}
