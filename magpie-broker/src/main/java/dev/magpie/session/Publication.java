package dev.magpie.session;

import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import io.netty.buffer.ByteBufAllocator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message on its way to many subscribers. It exists so that a fan-out encodes the PUBLISH once per
 * wire variant (protocol family x QoS, at most 6) instead of once per subscriber: every
 * subscriber needing the same variant gets a buffer sharing the same bytes, with only the packet id
 * and flags patched in (see {@link EncodedPublish}).
 *
 * <p>Reference counted: the router holds one reference while it fans out and each pending delivery task
 * holds one; the encoded buffers are released when the last reference goes. Queued and in-flight copies keep
 * only the {@link Publish} record (heap bytes), never a buffer, so a slow or offline subscriber pins no
 * direct memory.
 */
public final class Publication {
    private static final int VARIANTS = 2 * 3;

    private final Publish publish;
    private final String originClientId;
    private final long createdNanos;
    private final long expiryNanos;
    private final AtomicReferenceArray<EncodedPublish> encoded = new AtomicReferenceArray<>(VARIANTS);
    private final AtomicInteger references = new AtomicInteger(1);
    /** For an inbound QoS 2 message whose ownership is not durable yet; null otherwise. Set before routing. */
    private volatile OwnershipLatch ownership;
    /** The sending node and seq of this node's inbox entry it came in, for one from another node; null otherwise. */
    private volatile dev.magpie.cluster.NodeIdentity inboxOrigin;
    private volatile long inboxSeq;
    /** Which node routed it first, the same on every copy across the cluster; null off a cluster. */
    private volatile dev.magpie.cluster.MessageStamp stamp;

    /**
     * @param publish         the message as routed (packet id 0, DUP clear)
     * @param originClientId  the publisher's client id ("$server" for the broker itself)
     */
    public Publication(Publish publish, String originClientId) {
        this(publish, originClientId, System.nanoTime());
    }

    /** A publication that came into existence at {@code createdNanos} ({@link System#nanoTime()}), e.g. a retained one. */
    public Publication(Publish publish, String originClientId, long createdNanos) {
        this.publish = publish;
        this.originClientId = originClientId;
        this.createdNanos = createdNanos;
        this.expiryNanos = expiryNanos(publish);
    }

    /** Marks this publication as waiting for {@code latch} (see {@link OwnershipLatch}); before it is routed. */
    public void ownership(OwnershipLatch latch) {
        this.ownership = latch;
    }

    public OwnershipLatch ownership() {
        return ownership;
    }

    /**
     * It came to this cluster node as entry {@code seq} from {@code origin} in the node's inbox; before it is routed.
     * The sessions it reaches remember how far they got ({@link Session#inboxMarks}).
     */
    public void fromInbox(dev.magpie.cluster.NodeIdentity origin, long seq) {
        this.inboxSeq = seq;
        this.inboxOrigin = origin;
    }

    /** The sender of the inbox entry it came in (see {@link #fromInbox}); null when it did not come through one. */
    public dev.magpie.cluster.NodeIdentity inboxOrigin() {
        return inboxOrigin;
    }

    public long inboxSeq() {
        return inboxSeq;
    }

    /** Gives it its cluster-wide identity (see {@link dev.magpie.cluster.MessageStamp}); before it is routed. */
    public void stamp(dev.magpie.cluster.MessageStamp stamp) {
        this.stamp = stamp;
    }

    /** Its cluster-wide identity; null off a cluster or for one made before the stamp existed. */
    public dev.magpie.cluster.MessageStamp stamp() {
        return stamp;
    }

    /** The Message Expiry Interval of {@code publish} in nanoseconds, or -1 when it never expires. */
    public static long expiryNanos(Publish publish) {
        long seconds = publish.properties().unsignedInt(dev.magpie.codec.PropertyId.MESSAGE_EXPIRY_INTERVAL, -1);
        return seconds < 0 ? -1 : java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    }

    public long createdNanos() {
        return createdNanos;
    }

    /** Whether a Message Expiry Interval applies (then every delivery carries the remaining interval). */
    public boolean expires() {
        return expiryNanos >= 0;
    }

    /**
     * The remaining Message Expiry Interval in whole seconds (rounded up), 0 when expired, -1 without expiry
     * [MQTT-3.3.2-6].
     */
    public long remainingSeconds(long nowNanos) {
        return remainingSeconds(createdNanos, expiryNanos, nowNanos);
    }

    static long remainingSeconds(long createdNanos, long expiryNanos, long nowNanos) {
        if (expiryNanos < 0) {
            return -1;
        }
        long left = expiryNanos - (nowNanos - createdNanos);
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }

    public Publish publish() {
        return publish;
    }

    public String originClientId() {
        return originClientId;
    }

    /** The shared encoding for one wire variant, built on first use. Caller must hold a reference. */
    EncodedPublish encoded(ByteBufAllocator allocator, MqttVersion version, int qos) {
        int slot = (version.isV5() ? 3 : 0) + qos;
        EncodedPublish existing = encoded.get(slot);
        if (existing != null) {
            return existing;
        }
        Publish variant = new Publish(publish.topic(), qos, publish.retain(), false, 0, publish.payload(),
                version.isV5() ? publish.properties() : dev.magpie.codec.MqttProperties.EMPTY);
        EncodedPublish created = EncodedPublish.of(allocator, variant, version);
        if (encoded.compareAndSet(slot, null, created)) {
            return created;
        }
        created.release();
        return encoded.get(slot);
    }

    public Publication retain() {
        references.incrementAndGet();
        return this;
    }

    public void release() {
        if (references.decrementAndGet() == 0) {
            for (int i = 0; i < VARIANTS; i++) {
                EncodedPublish e = encoded.getAndSet(i, null);
                if (e != null) {
                    e.release();
                }
            }
        }
    }
}
