package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;

/**
 * One PUBLISH encoded once and delivered to many subscribers. Only the first byte (DUP, retain) and the
 * packet id differ between deliveries of the same message at the same QoS, so the properties and the
 * payload, which are nearly all the bytes, are shared between every copy on the wire.
 *
 * <p>Layout: the whole packet is encoded once with a placeholder packet id. A delivery is then either a
 * {@code retainedDuplicate()} of that buffer (QoS 0 with the same retain flag), or a two-part
 * {@link CompositeByteBuf}: a small new head (first byte, remaining length, topic, packet id) followed by
 * a retained slice of the properties and payload. The head copies the topic because topics are short and
 * one small copy is cheaper than two more components.
 *
 * <p>Ownership: every buffer returned by {@link #forDelivery} belongs to the caller (writing it to a
 * channel releases it); the holder itself starts with a reference count of 1 and is freed by
 * {@link #release()} once no more deliveries will be made. Thread-safe: deliveries may be made from
 * several event loops at once. Subscribers that need different properties (a Subscription Identifier,
 * a Topic Alias) or a different QoS need their own instance.
 */
public final class EncodedPublish extends AbstractReferenceCounted {
    private final ByteBufAllocator alloc;
    private final ByteBuf encoded;
    private final int qos;
    private final boolean retain;
    /** Index just after the topic, or after the packet id for QoS 1 and 2: where the shared tail begins. */
    private final int tailStart;

    private EncodedPublish(ByteBufAllocator alloc, ByteBuf encoded, int qos, boolean retain, int tailStart) {
        this.alloc = alloc;
        this.encoded = encoded;
        this.qos = qos;
        this.retain = retain;
        this.tailStart = tailStart;
    }

    /** Encodes {@code publish} (its packet id and DUP flag are ignored) for subscribers speaking {@code version}. */
    public static EncodedPublish of(ByteBufAllocator alloc, Publish publish, MqttVersion version) {
        Publish template = publish.withPacketId(publish.qos() > 0 ? 1 : 0, false);
        ByteBuf encoded = MqttEncoder.encode(alloc, template, version);
        int headerLength = 1 + WireReader.varIntSize(remainingLength(encoded));
        int tailStart = headerLength + WireWriter.stringSize(publish.topic()) + (publish.qos() > 0 ? 2 : 0);
        return new EncodedPublish(alloc, encoded, publish.qos(), publish.retain(), tailStart);
    }

    private static int remainingLength(ByteBuf encoded) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = encoded.getUnsignedByte(1 + i);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        return value;
    }

    /** The wire size of every delivery; compare it with the subscriber's Maximum Packet Size. */
    public int size() {
        return encoded.readableBytes();
    }

    public int qos() {
        return qos;
    }

    /** A delivery with the retain flag as published. */
    public ByteBuf forDelivery(int packetId, boolean dup) {
        return forDelivery(packetId, dup, retain);
    }

    /**
     * A delivery with its own packet id (ignored for QoS 0), DUP and retain flags (retain is cleared for
     * normal delivery unless Retain As Published is set [MQTT-3.3.1-12]). The caller owns the result.
     */
    public ByteBuf forDelivery(int packetId, boolean dup, boolean retainFlag) {
        if (refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        if (qos == 0 && dup) {
            throw new IllegalArgumentException("a QoS 0 PUBLISH cannot be a duplicate [MQTT-3.3.1-2]");
        }
        if (qos == 0 && retainFlag == retain) {
            return encoded.retainedDuplicate();
        }
        int first = (encoded.getUnsignedByte(0) & 0xF6) | (dup ? 0x08 : 0) | (retainFlag ? 0x01 : 0);
        ByteBuf head = alloc.buffer(tailStart, tailStart);
        ByteBuf tail = null;
        try {
            head.writeByte(first);
            int copied = qos > 0 ? tailStart - 3 : tailStart - 1;
            head.writeBytes(encoded, 1, copied);
            if (qos > 0) {
                head.writeShort(packetId);
            }
            tail = encoded.retainedSlice(tailStart, encoded.readableBytes() - tailStart);
            CompositeByteBuf delivery = alloc.compositeBuffer(2);
            delivery.addComponents(true, head, tail);
            return delivery;
        } catch (RuntimeException e) {
            head.release();
            if (tail != null) {
                tail.release();
            }
            throw e;
        }
    }

    @Override
    protected void deallocate() {
        encoded.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        encoded.touch(hint);
        return this;
    }

    @Override
    public EncodedPublish retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "EncodedPublish[qos=" + qos + ", size=" + size() + ", refCnt=" + refCnt() + "]";
    }
}
