package dev.magpie.server.cli;

import java.time.Duration;
import java.util.Optional;

/**
 * The time a pub or sub run has: with {@code -W} the whole run (connecting included) must end within it; without,
 * only connecting is bounded ({@link ClientOptions#CONNECT_TIMEOUT}) and the rest waits as long as the connection
 * lives (the keep-alive notices a dead one).
 */
final class ClientDeadline {
    /** "No limit": long enough, and far from overflowing nanosecond arithmetic. */
    private static final Duration UNLIMITED = Duration.ofDays(365L * 100);

    private final Optional<Duration> limit;
    private final long startNanos;

    ClientDeadline(Optional<Duration> limit) {
        this.limit = limit;
        this.startNanos = System.nanoTime();
    }

    /** How long connecting may still take. */
    Duration forConnecting() {
        return limit.isPresent() ? remaining() : ClientOptions.CONNECT_TIMEOUT;
    }

    /** What is left of -W (at least 1 ms), or practically forever without -W. */
    Duration remaining() {
        if (limit.isEmpty()) {
            return UNLIMITED;
        }
        Duration left = limit.get().minusNanos(System.nanoTime() - startNanos);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    /** "-W 5 s", for messages. */
    String describe() {
        return limit.map(d -> "-W " + d.toSeconds() + " s").orElse("no limit");
    }
}
