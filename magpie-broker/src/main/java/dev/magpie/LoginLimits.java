package dev.magpie;

import java.time.Duration;
import java.util.Objects;

/**
 * How the broker protects password checks from being used against it: failed-login throttling per address and
 * per user name, and a bounded, fair queue of pending checks. Each password check costs a deliberate few tenths
 * of a second of CPU (see {@code PasswordHasher}), so without these limits about ten wrong-password CONNECTs a
 * second keep every core busy and lock all password users out. Immutable; start from {@link #defaults()}:
 *
 * <pre>{@code
 * LoginLimits login = LoginLimits.defaults().toBuilder()
 *         .freeFailures(3)                       // the 4th failure from one address starts the backoff
 *         .maxBackoff(Duration.ofMinutes(5))
 *         .build();
 * Broker.builder().loginLimits(login)...
 * }</pre>
 *
 * <p>What a client sees: a CONNECT refused by the throttle gets 0x97 Quota exceeded (3.1.1: 0x03 Server
 * unavailable) at once, without a password check; a check that was shed (queue full, too many pending from
 * that address) or timed out gets 0x88 Server unavailable (3.1.1: 0x03). Neither ever says "bad user name or
 * password", which clients take as permanent. The rules are in {@code dev.magpie.security.throttle} and
 * {@code docs/security.md}.
 *
 * @param freeFailures          failed logins an address (or a user name) may have before backoff starts; 0 turns
 *                              throttling off
 * @param backoff               the first backoff; each further failure doubles it
 * @param maxBackoff            the longest backoff
 * @param forgetAfter           failures are forgotten this long after the last one
 * @param maxTracked            addresses, user names and trusted (address, user) pairs remembered, each; the least
 *                              recently used is forgotten first, so a flood of made-up names cannot grow memory
 * @param maxPendingPerAddress  password checks one address may have queued or running at once
 * @param maxPending            password checks queued or running at once on the whole broker
 * @param threads               threads that run password checks; 0 = one per processor (at least 2). The
 *                              built-in JDBC and HTTP providers wait on their own threads, so this only needs
 *                              raising for an application authenticator that blocks on I/O in the calling thread
 */
public record LoginLimits(int freeFailures, Duration backoff, Duration maxBackoff, Duration forgetAfter, int maxTracked,
                          int maxPendingPerAddress, int maxPending, int threads) {

    public LoginLimits {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        atLeast("freeFailures", freeFailures, 0);
        positive("backoff", backoff);
        positive("maxBackoff", maxBackoff);
        positive("forgetAfter", forgetAfter);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than backoff (" + backoff + ")");
        }
        atLeast("maxTracked", maxTracked, 1);
        atLeast("maxPendingPerAddress", maxPendingPerAddress, 1);
        atLeast("maxPending", maxPending, 1);
        atLeast("threads", threads, 0);
    }

    /**
     * The defaults: 5 free failures (a person mistyping is never slowed), then 1 s doubling to at most 60 s,
     * forgotten 10 minutes after the last failure; 10,000 entries per table (about 1.5 MB each at most); 64 pending
     * checks per address (a gateway or a NAT full of devices reconnecting together after a broker restart: an
     * address's checks run one at a time, so 64 checks of ~50 ms each end within the 5 s authentication timeout;
     * a flooder's queued guesses are refused unhashed once its backoff starts), 256 on the broker (past which
     * answering "server unavailable" at once is kinder than a timeout); one thread per processor, because a
     * password check is pure CPU.
     */
    public static LoginLimits defaults() {
        return new LoginLimits(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), 10_000, 64, 256, 0);
    }

    /** Whether failed logins are throttled at all. */
    public boolean throttling() {
        return freeFailures > 0;
    }

    /** {@link #threads()} with 0 resolved to one per processor, at least 2. */
    public int threadCount() {
        return threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** Changes some login limits; every setter is optional. */
    public static final class Builder {
        private int freeFailures;
        private Duration backoff;
        private Duration maxBackoff;
        private Duration forgetAfter;
        private int maxTracked;
        private int maxPendingPerAddress;
        private int maxPending;
        private int threads;

        private Builder(LoginLimits from) {
            freeFailures = from.freeFailures;
            backoff = from.backoff;
            maxBackoff = from.maxBackoff;
            forgetAfter = from.forgetAfter;
            maxTracked = from.maxTracked;
            maxPendingPerAddress = from.maxPendingPerAddress;
            maxPending = from.maxPending;
            threads = from.threads;
        }

        public Builder freeFailures(int n) {
            this.freeFailures = n;
            return this;
        }

        public Builder backoff(Duration first) {
            this.backoff = first;
            return this;
        }

        public Builder maxBackoff(Duration longest) {
            this.maxBackoff = longest;
            return this;
        }

        public Builder forgetAfter(Duration d) {
            this.forgetAfter = d;
            return this;
        }

        public Builder maxTracked(int entries) {
            this.maxTracked = entries;
            return this;
        }

        public Builder maxPendingPerAddress(int n) {
            this.maxPendingPerAddress = n;
            return this;
        }

        public Builder maxPending(int n) {
            this.maxPending = n;
            return this;
        }

        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        public LoginLimits build() {
            return new LoginLimits(freeFailures, backoff, maxBackoff, forgetAfter, maxTracked, maxPendingPerAddress, maxPending, threads);
        }
    }
}
