package dev.magpie.session;

import dev.magpie.codec.MalformedPacketException;
import dev.magpie.codec.PropertySection;
import dev.magpie.codec.Publish;
import dev.magpie.store.StoredMessage;

import java.util.concurrent.TimeUnit;

/**
 * How a {@link Publish} becomes a {@link StoredMessage} and back. Wall-clock time goes into the store (it must
 * mean the same after a restart); {@link System#nanoTime()} is what the running broker measures expiry with,
 * so reading a message back turns its store time into the nano time it would have had.
 */
public final class PublishStorage {

    private PublishStorage() {
    }

    /**
     * The record of {@code publish}, stored at {@code storedAtMillis}. Its Message Expiry Interval, if any,
     * becomes an absolute expiry time.
     */
    public static StoredMessage toStored(Publish publish, long storedAtMillis) {
        long expiryNanos = Publication.expiryNanos(publish);
        long expiresAt = expiryNanos < 0 ? -1 : storedAtMillis + TimeUnit.NANOSECONDS.toMillis(expiryNanos);
        return new StoredMessage(publish.topic(), publish.qos(), publish.payload(),
                PropertySection.encode(publish.properties()), storedAtMillis, expiresAt);
    }

    /**
     * The PUBLISH a stored message carries (packet id 0, DUP clear), with its properties as they were
     * published; the remaining expiry follows from {@link #storedNanos}.
     *
     * @throws IllegalArgumentException if the stored properties cannot be read (a damaged row)
     */
    public static Publish toPublish(StoredMessage message, boolean retain) {
        try {
            return new Publish(message.topic(), message.qos(), retain, false, 0, message.payload(),
                    PropertySection.decodePublish(message.properties()));
        } catch (MalformedPacketException e) {
            throw new IllegalArgumentException("stored properties of topic '" + message.topic() + "' are damaged: "
                    + e.getMessage(), e);
        }
    }

    /** The {@link System#nanoTime()} at which {@code message} was stored, seen from now. */
    public static long storedNanos(StoredMessage message, long nowMillis, long nowNanos) {
        long ageMillis = Math.max(0, nowMillis - message.storedAtMillis());
        return nowNanos - TimeUnit.MILLISECONDS.toNanos(ageMillis);
    }
}
