package dev.magpie.security.throttle;

import java.time.Duration;
import java.util.Optional;

/**
 * Failed-login throttling: after a few failed logins, further attempts are refused at once, without the costly
 * password check, for a backoff that doubles with each further failure. Asked before every password check
 * ({@link #refusal}) and told its outcome ({@link #failed}, {@link #succeeded}).
 *
 * <p>Three bounded tables (see {@link RecentTable}), so a flood of made-up names or addresses cannot grow memory:
 * <ul>
 *   <li><b>per address</b> ({@link AddressKey}: IPv4 address or IPv6 /64): after {@code freeFailures} failures
 *       the address waits {@code backoff}, doubled per further failure up to {@code maxBackoff}. This stops one
 *       machine guessing quickly, and stops it burning the broker's CPU.</li>
 *   <li><b>per user name</b>: the same count and backoff, kept for the name whichever address failed. It stops
 *       many machines guessing one user's password, but it <i>only applies to addresses that have failures of
 *       their own on record</i>: a clean address is always checked. So an attacker cannot lock the real user out
 *       by failing for his name: the user's own devices, which do not fail, keep logging in. A distributed guesser
 *       gets one guess per address before that address counts as failing, and then waits with the rest.</li>
 *   <li><b>trusted pairs</b>: an (address, user name) pair that logged in successfully within
 *       {@link #TRUST_DURATION} is exempt from both backoffs, so a device behind a NAT shared with a failing
 *       device, or the real user while his name is under attack, keeps getting in. The pair loses its trust after
 *       {@code freeFailures} failures of its own, so a guesser behind the same NAT gains no more than that.</li>
 * </ul>
 *
 * <p>A success clears its user name's failures, which only the real password can do. It does <i>not</i> clear its
 * address's failures: an attacker with one valid account could otherwise reset his counter between guesses at
 * other names. Address failures are forgotten {@code forgetAfter} after the last one instead. Attempts refused by
 * the throttle are not failures (they did not guess), so a backoff ends on time however often the client retries.
 * This is the practice of OWASP's Authentication Cheat Sheet (exponential delays rather than lock-outs, per
 * account and per source) and of EMQX's and HiveMQ's login-failure limits.
 *
 * <pre>{@code
 * LoginThrottle throttle = new LoginThrottle(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), 10_000);
 * Object address = AddressKey.of(remote);
 * if (throttle.refusal(address, username, System.nanoTime()).isPresent()) { refuse, unchecked }
 * else if (check(password)) throttle.succeeded(address, username, System.nanoTime());
 * else throttle.failed(address, username, System.nanoTime());
 * }</pre>
 *
 * <p>Thread-safe (one lock; each call is a few map operations). Times are {@link System#nanoTime()} values passed
 * in, so tests drive the clock.
 */
public final class LoginThrottle {
    /** How long a successful (address, user name) pair stays trusted. */
    public static final Duration TRUST_DURATION = Duration.ofHours(24);

    private final int freeFailures;
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final RecentTable<Object, Failures> addresses;
    private final RecentTable<String, Failures> names;
    private final RecentTable<Pair, Trust> trusted;

    /**
     * @param freeFailures failures before backoff starts; 0 = never throttle
     * @param backoff      the first backoff, doubled per further failure
     * @param maxBackoff   the longest backoff
     * @param forgetAfter  failures are forgotten this long after the last one
     * @param maxTracked   entries per table
     */
    public LoginThrottle(int freeFailures, Duration backoff, Duration maxBackoff, Duration forgetAfter, int maxTracked) {
        if (freeFailures < 0 || maxTracked < 1) {
            throw new IllegalArgumentException("freeFailures must be >= 0 and maxTracked >= 1");
        }
        this.freeFailures = freeFailures;
        this.backoffNanos = backoff.toNanos();
        this.maxBackoffNanos = Math.max(backoffNanos, maxBackoff.toNanos());
        long lifetime = Math.max(forgetAfter.toNanos(), maxBackoffNanos);
        this.addresses = new RecentTable<>(maxTracked, lifetime);
        this.names = new RecentTable<>(maxTracked, lifetime);
        this.trusted = new RecentTable<>(maxTracked, TRUST_DURATION.toNanos());
    }

    /**
     * Whether a login by {@code username} (null: none given) from {@code address} (an {@link AddressKey}) must be
     * refused now without checking it; if so, how long until it may be tried again.
     */
    public synchronized Optional<Duration> refusal(Object address, String username, long nowNanos) {
        if (freeFailures == 0) {
            return Optional.empty();
        }
        if (username != null && trusted.get(new Pair(address, username), nowNanos) != null) {
            return Optional.empty();
        }
        Failures byAddress = addresses.get(address, nowNanos);
        long wait = byAddress == null ? 0 : byAddress.blockedUntil - nowNanos;
        if (byAddress != null && username != null) { // a clean address is never held back by the name's failures
            Failures byName = names.get(username, nowNanos);
            if (byName != null) {
                wait = Math.max(wait, byName.blockedUntil - nowNanos);
            }
        }
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
    }

    /**
     * A login by {@code username} (null: none given) from {@code address} failed its check. Returns the backoff this
     * failure started for the address or the name (the longer), or empty while both are within their free failures:
     * the event worth a log line.
     */
    public synchronized Optional<Duration> failed(Object address, String username, long nowNanos) {
        if (freeFailures == 0) {
            return Optional.empty();
        }
        long started = addresses.getOrCreate(address, nowNanos, k -> new Failures()).fail(nowNanos);
        if (username != null) {
            started = Math.max(started, names.getOrCreate(username, nowNanos, k -> new Failures()).fail(nowNanos));
            Pair pair = new Pair(address, username);
            Trust trust = trusted.get(pair, nowNanos);
            if (trust != null && ++trust.failures >= freeFailures) {
                trusted.remove(pair);
            }
        }
        return started > 0 ? Optional.of(Duration.ofNanos(started)) : Optional.empty();
    }

    /** {@code username} logged in from {@code address}: its name's failures are forgiven and the pair trusted. */
    public synchronized void succeeded(Object address, String username, long nowNanos) {
        if (freeFailures == 0 || username == null) {
            return;
        }
        names.remove(username);
        Trust trust = trusted.getOrCreate(new Pair(address, username), nowNanos, k -> new Trust());
        trust.failures = 0;
        trust.touched = nowNanos;
    }

    /** Forgets what expired; the broker calls this every few seconds. */
    public synchronized void purge(long nowNanos) {
        addresses.purge(nowNanos);
        names.purge(nowNanos);
        trusted.purge(nowNanos);
    }

    /** Entries held (addresses + names + trusted pairs), for tests and the metrics. */
    public synchronized int tracked() {
        return addresses.size() + names.size() + trusted.size();
    }

    private long backoffAfter(int failures) {
        int doublings = failures - freeFailures;
        if (doublings < 0) {
            return 0;
        }
        long wait = backoffNanos;
        for (int i = 0; i < doublings && wait < maxBackoffNanos; i++) {
            wait = wait > maxBackoffNanos / 2 ? maxBackoffNanos : wait * 2;
        }
        return Math.min(wait, maxBackoffNanos);
    }

    private record Pair(Object address, String username) {
    }

    private static final class Trust implements RecentTable.Touched {
        private int failures;
        private long touched;

        @Override
        public long touchedNanos() {
            return touched;
        }
    }

    private final class Failures implements RecentTable.Touched {
        private int count;
        private long lastFailure;
        private long blockedUntil;

        /** Counts a failure; returns the backoff it starts (0 within the free failures). */
        long fail(long nowNanos) {
            count++;
            lastFailure = nowNanos;
            if (count < freeFailures) {
                return 0;
            }
            // counted from now, not from the end of an earlier backoff: one check per backoff, never a queue of them
            long backoff = backoffAfter(count);
            blockedUntil = nowNanos + backoff;
            return backoff;
        }

        @Override
        public long touchedNanos() {
            return lastFailure;
        }
    }
}
