package dev.magpie.session;

import dev.magpie.cluster.MessageStamp;
import dev.magpie.codec.Publish;

/**
 * A message waiting in a session's queue (or taken out of it for another shared-subscription member).
 * Times are {@link System#nanoTime()} based; {@code expiryNanos} is -1 when the message never expires.
 * {@code seq} numbers a session's messages in the order they were made, which is how the store keys its
 * queued copy. {@code stamp} is its cluster-wide identity ({@link MessageStamp}), null off a cluster.
 */
public record PendingMessage(Publish publish, Delivery delivery, long createdNanos, long expiryNanos, long seq, OwnershipLatch ownership,
                             MessageStamp stamp) {

    /** A message not waiting for the broker's ownership of its inbound QoS 2 PUBLISH to be durable, without a stamp. */
    public PendingMessage(Publish publish, Delivery delivery, long createdNanos, long expiryNanos, long seq) {
        this(publish, delivery, createdNanos, expiryNanos, seq, null, null);
    }

    /** The token its stored copy is tagged with ({@link OwnershipLatch#token()}), 0 for none. */
    long origin() {
        return ownership == null || ownership.isReleased() ? 0 : ownership.token();
    }

    public int qos() {
        return delivery.qos();
    }

    /** What the message costs in a queue, for the byte bound: its topic and payload (headers are not counted). */
    public long queuedBytes() {
        return (long) publish.topic().length() + publish.payload().length;
    }
}
