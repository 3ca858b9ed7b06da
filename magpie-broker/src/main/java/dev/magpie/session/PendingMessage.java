package dev.magpie.session;

import dev.magpie.codec.Publish;

/**
 * A message waiting in a session's queue (or taken out of it for another shared-subscription member).
 * Times are {@link System#nanoTime()} based; {@code expiryNanos} is -1 when the message never expires.
 */
public record PendingMessage(Publish publish, Delivery delivery, long createdNanos, long expiryNanos) {
    public int qos() {
        return delivery.qos();
    }
}
