package dev.magpie.protocol;

import dev.magpie.BrokerLimits;

/**
 * One client's PUBLISH rate, as two token buckets (messages and bytes) that hold one second's worth each: a
 * client may burst up to its per-second rate, and on average never exceed it. Confined to the connection's
 * event loop, so plain fields and no locks.
 *
 * <p>A packet already read cannot be un-read, so the buckets go into debt instead of refusing it; the debt
 * says how long to stop reading the socket (throttling) until the average is back within the rate.
 */
final class PublishRate {
    private static final double NANOS = 1_000_000_000d;

    private final double messagesPerSecond;
    private final double bytesPerSecond;
    private double messageTokens;
    private double byteTokens;
    private long lastNanos;

    private PublishRate(double messagesPerSecond, double bytesPerSecond, long nowNanos) {
        this.messagesPerSecond = messagesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.messageTokens = messagesPerSecond;
        this.byteTokens = bytesPerSecond;
        this.lastNanos = nowNanos;
    }

    /** The rate for a new connection, or null when {@code limits} set none. */
    static PublishRate of(BrokerLimits limits, long nowNanos) {
        if (limits.messageRate() == 0 && limits.byteRate() == 0) {
            return null;
        }
        return new PublishRate(limits.messageRate(), limits.byteRate(), nowNanos);
    }

    /** Takes one PUBLISH of {@code bytes}; returns how long reading must pause, in nanoseconds (0 = not at all). */
    long take(long bytes, long nowNanos) {
        refill(nowNanos);
        if (messagesPerSecond > 0) {
            messageTokens -= 1;
        }
        if (bytesPerSecond > 0) {
            byteTokens -= bytes;
        }
        return pauseNanos();
    }

    /** How long reading must still pause at {@code nowNanos}. */
    long pauseNanos(long nowNanos) {
        refill(nowNanos);
        return pauseNanos();
    }

    private long pauseNanos() {
        double seconds = 0;
        if (messagesPerSecond > 0 && messageTokens < 0) {
            seconds = -messageTokens / messagesPerSecond;
        }
        if (bytesPerSecond > 0 && byteTokens < 0) {
            seconds = Math.max(seconds, -byteTokens / bytesPerSecond);
        }
        return (long) Math.ceil(seconds * NANOS);
    }

    private void refill(long nowNanos) {
        double elapsed = (nowNanos - lastNanos) / NANOS;
        lastNanos = nowNanos;
        if (messagesPerSecond > 0) {
            messageTokens = Math.min(messagesPerSecond, messageTokens + elapsed * messagesPerSecond);
        }
        if (bytesPerSecond > 0) {
            byteTokens = Math.min(bytesPerSecond, byteTokens + elapsed * bytesPerSecond);
        }
    }
}
