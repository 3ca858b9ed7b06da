package dev.magpie.observe;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One log line per kind of refusal per second at most, with the number of refusals not logged since: a flood
 * of connections refused for a limit must not become a flood of log lines (the log would then be the attack).
 * Used by the transport's connection limits and by the login throttle.
 *
 * <pre>{@code
 * private final RefusalLog fullLog = new RefusalLog(LOG);
 * fullLog.refused("{}: refused, the broker is full", remoteAddress);
 * }</pre>
 */
public final class RefusalLog {
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final Logger log;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - QUIET_NANOS);
    private final AtomicLong suppressed = new AtomicLong();

    public RefusalLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} (with one {@code {}} for the remote address) unless a line went out in the last second. */
    public void refused(String message, Object remote) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= QUIET_NANOS && lastLogged.compareAndSet(last, now)) {
            long more = suppressed.getAndSet(0);
            log.warn(message + (more > 0 ? " (and " + more + " more refused in the last second(s))" : ""), remote);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
