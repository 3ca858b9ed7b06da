package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The Redis command latency of one backend: {@code magpie.cluster.redis.command}, a timer tagged {@code kind} (what
 * the call was for, {@link Kind}) and {@code result} ({@code ok}, or {@code error} for a call that failed or timed out),
 * from the moment a call is handed to Lettuce until Redis answered (for a batch {@code send}: until the whole pipelined
 * batch was answered). Prometheus sees {@code magpie_cluster_redis_command_seconds_bucket{kind,result,le}} with a few
 * fixed buckets from 0.5 ms to the longest command timeout, so quantiles can be taken over several nodes
 * ({@code histogram_quantile(0.99, sum by (le, kind) (rate(..._bucket[5m])))}), plus {@code _count} and {@code _sum}.
 *
 * <p>Nothing is recorded until {@link #bindTo} (a backend used without a broker records nothing); recording is a
 * lookup in a small enum map and a lock-free histogram update, done on the backend's callback thread.
 */
final class RedisCommandMeter {

    /** What a Redis call was for; the {@code kind} tag is the lower-case name. */
    enum Kind {
        /** Forwarded messages appended to another node's inbox ({@code XADD}, one pipelined batch). */
        SEND,
        /** Client-id ownership: claim, adopting claim, owner lookup, release, a node's client set, untrack. */
        CLAIM,
        /** Persistent session state written or loaded. */
        SESSION,
        /** Route deltas, full replaces and loads. */
        ROUTES,
        /** Lease renewal, the member poll, cleanup guards, forgetting a node, leaving. */
        LEASE,
        /** Retained messages set, deleted, loaded, versions read. */
        RETAINED,
        /** A dead node's inbox taken over. */
        INBOX,
        /** Anything else. */
        OTHER;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind of a call by the description the backend gives it ({@code "claim of c1"}, {@code "send to node-b"}):
         * its first words, so new calls described the same way are counted under the right kind.
         */
        static Kind of(String what) {
            if (what.startsWith("send ")) {
                return SEND;
            }
            if (what.startsWith("claim of ") || what.startsWith("adopting claim of ") || what.startsWith("owner of ")
                    || what.startsWith("release of ") || what.startsWith("clients of ") || what.startsWith("untrack of ")) {
                return CLAIM;
            }
            if (what.startsWith("session ")) {
                return SESSION;
            }
            if (what.startsWith("route ")) {
                return ROUTES;
            }
            if (what.startsWith("lease") || what.startsWith("member") || what.startsWith("cleanup")
                    || what.startsWith("forget") || what.equals("leave")) {
                return LEASE;
            }
            if (what.startsWith("retained ")) {
                return RETAINED;
            }
            if (what.startsWith("inbox ")) {
                return INBOX;
            }
            return OTHER;
        }
    }

    /** Bucket bounds: sub-millisecond on loopback, tens of ms across a data centre, up to a 2 s command timeout. */
    private static final Duration[] BUCKETS = {millis(0.5), millis(1), millis(2), millis(5), millis(10), millis(25),
            millis(50), millis(100), millis(250), millis(500), millis(1000), millis(2500)};

    private volatile Map<Kind, Timer> ok;
    private volatile Map<Kind, Timer> error;

    private static Duration millis(double value) {
        return Duration.ofNanos((long) (value * 1_000_000));
    }

    /** Registers the timers of every kind on {@code registry} (all at zero, so rates work before the first call). */
    void bindTo(MeterRegistry registry) {
        Map<Kind, Timer> okTimers = new EnumMap<>(Kind.class);
        Map<Kind, Timer> errorTimers = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            okTimers.put(kind, timer(registry, kind, "ok"));
            errorTimers.put(kind, timer(registry, kind, "error"));
        }
        this.ok = okTimers;
        this.error = errorTimers;
    }

    private static Timer timer(MeterRegistry registry, Kind kind, String result) {
        return Timer.builder("magpie.cluster.redis.command")
                .description("time from handing a command to Redis until its answer, by what it was for")
                .tag("kind", kind.tag()).tag("result", result)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** One call of {@code kind} that took {@code nanos}; {@code failed}: refused, failed or timed out. */
    void record(Kind kind, long nanos, boolean failed) {
        Map<Kind, Timer> timers = failed ? error : ok;
        if (timers != null) {
            timers.get(kind).record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
