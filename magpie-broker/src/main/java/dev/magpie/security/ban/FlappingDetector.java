package dev.magpie.security.ban;

import dev.magpie.security.AddressRange;
import dev.magpie.spi.Ban;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices a client that connects over and over (a reconnect loop, two devices sharing a client id that keep
 * taking the session from each other, a script hammering the broker) and bans it for a while. Every CONNECT is
 * counted per client id and, if asked, per IP address; the attempt that makes more than {@code maxConnects}
 * within {@code window} adds a temporary ban to the {@link BanList} and is logged once (further attempts
 * meet the ban and are not counted, so the log does not repeat).
 *
 * <p>CONNECTs arrive on every event loop; each key's recent attempt times sit in a small deque locked on its
 * own, so two clients never contend. Keys whose attempts are all older than the window are forgotten by
 * {@link #purge(long)}, which keeps memory bounded by the connect rate times the window.
 */
public final class FlappingDetector {
    private static final Logger LOG = LoggerFactory.getLogger(FlappingDetector.class);

    private final int maxConnects;
    private final long windowNanos;
    private final Duration banDuration;
    private final boolean byAddress;
    private final BanList bans;
    private final Clock clock;
    private final Map<String, ArrayDeque<Long>> attempts = new ConcurrentHashMap<>();

    /** {@code maxConnects} 0 turns detection off. */
    public FlappingDetector(int maxConnects, Duration window, Duration banDuration, boolean byAddress, BanList bans, Clock clock) {
        this.maxConnects = maxConnects;
        this.windowNanos = window.toNanos();
        this.banDuration = banDuration;
        this.byAddress = byAddress;
        this.bans = bans;
        this.clock = clock;
    }

    public boolean enabled() {
        return maxConnects > 0;
    }

    /**
     * Counts one CONNECT ({@code clientId} is null for an id the broker assigned, {@code address} may be null); returns the ban it caused if this attempt went over the
     * limit. {@code nowNanos} is {@link System#nanoTime()}.
     */
    public Optional<Ban> connectAttempt(String clientId, InetAddress address, long nowNanos) {
        if (!enabled()) {
            return Optional.empty();
        }
        if (clientId != null && tooOften("c:" + clientId, nowNanos)) {
            return Optional.of(ban(Ban.clientId(clientId), "client id " + clientId));
        }
        if (byAddress && address != null && tooOften("a:" + AddressRange.key(address), nowNanos)) {
            return Optional.of(ban(Ban.address(address.getHostAddress()), "address " + address.getHostAddress()));
        }
        return Optional.empty();
    }

    private boolean tooOften(String key, long nowNanos) {
        ArrayDeque<Long> times = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && nowNanos - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            times.addLast(nowNanos);
            if (times.size() > maxConnects) {
                times.clear();
                return true;
            }
            return false;
        }
    }

    private Ban ban(Ban permanent, String who) {
        Ban ban = permanent.until(clock.instant().plus(banDuration))
                .because("flapping: more than " + maxConnects + " connects within " + Duration.ofNanos(windowNanos).toSeconds() + " s");
        bans.add(ban);
        LOG.warn("{} connected more than {} times within {} s: banned for {} s (flapping)", who, maxConnects,
                Duration.ofNanos(windowNanos).toSeconds(), banDuration.toSeconds());
        return ban;
    }

    /** Forgets keys with no attempt inside the window. */
    public void purge(long nowNanos) {
        attempts.entrySet().removeIf(e -> {
            ArrayDeque<Long> times = e.getValue();
            synchronized (times) {
                return times.isEmpty() || nowNanos - times.peekLast() > windowNanos;
            }
        });
    }
}
