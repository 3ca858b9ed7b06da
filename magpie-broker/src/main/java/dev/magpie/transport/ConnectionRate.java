package dev.magpie.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * New connections per second on one listener, as a lock-free token bucket in its GCRA form (one atomic
 * "theoretical arrival time" instead of a token count and a refill clock): each connection moves that time one
 * interval into the future, and a connection that would move it more than a burst ahead of now is refused. The
 * burst is one second's worth, so a listener with 100/s accepts 100 clients reconnecting at once after a
 * restart, then 100 per second.
 */
final class ConnectionRate {
    private final long intervalNanos;
    private final long burstNanos;
    private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

    ConnectionRate(int perSecond) {
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.burstNanos = intervalNanos * (perSecond - 1L);
    }

    /** Takes one connection's slot at {@code nowNanos} ({@link System#nanoTime()}); false if over the rate. */
    boolean tryAcquire(long nowNanos) {
        while (true) {
            long tat = theoreticalArrival.get();
            long start = tat == Long.MIN_VALUE || tat - nowNanos < 0 ? nowNanos : tat;
            if (start - nowNanos > burstNanos) {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, start + intervalNanos)) {
                return true;
            }
        }
    }
}
