package dev.magpie.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections against a maximum: one per listener, and one shared by all listeners of a broker
 * (the broker-wide limit). Channels open and close on every event loop, hence an atomic counter. A connection
 * is counted from the moment its socket is accepted until it closes, refused ones included, so the count never
 * goes below what is really open.
 */
public final class ConnectionLimit {
    private final String scope;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /** {@code max} 0 = unlimited (then only counts). */
    public ConnectionLimit(String scope, int max) {
        this.scope = scope;
        this.max = max;
    }

    /** Counts a new connection; false if it is one too many. */
    boolean opened() {
        int now = open.incrementAndGet();
        return max == 0 || now <= max;
    }

    void closed() {
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    int max() {
        return max;
    }

    String scope() {
        return scope;
    }
}
