package dev.magpie.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What a client asked for when its current (or last) connection was accepted, kept with the session so an
 * administrator can see it ({@code dev.magpie.admin}): when, its keep-alive as granted, and Clean Start.
 *
 * @param connectedAt      when the CONNACK was sent
 * @param keepAliveSeconds the keep-alive in force (the server's if it overrode the client's), 0 = none
 * @param cleanStart       the CONNECT's Clean Start (3.1.1: Clean Session) flag
 */
public record ConnectionTerms(Instant connectedAt, int keepAliveSeconds, boolean cleanStart) {
    public ConnectionTerms {
        Objects.requireNonNull(connectedAt, "connectedAt");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 0xFFFF) {
            throw new IllegalArgumentException("keepAliveSeconds must be 0..65535, was " + keepAliveSeconds);
        }
    }

    /** Millisecond time (46 bits: until the year 4200), keep-alive (16 bits), Clean Start (1 bit); never 0. */
    long pack() {
        long millis = Math.max(1, Math.min(connectedAt.toEpochMilli(), (1L << 46) - 1));
        return millis << 17 | (long) keepAliveSeconds << 1 | (cleanStart ? 1 : 0);
    }

    /** The terms {@link #pack} made {@code packed} from; null for 0 (none). */
    static ConnectionTerms unpack(long packed) {
        if (packed == 0) {
            return null;
        }
        return new ConnectionTerms(Instant.ofEpochMilli(packed >>> 17), (int) (packed >>> 1) & 0xFFFF, (packed & 1) != 0);
    }
}
