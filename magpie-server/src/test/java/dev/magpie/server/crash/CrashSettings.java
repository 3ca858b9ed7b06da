package dev.magpie.server.crash;

import java.time.Duration;
import java.util.Random;

/**
 * The knobs of a crash run, read from system properties so that a long run is one command
 * ({@code -Dmagpie.crash.cycles=100}); the defaults make a short run that fits in an ordinary build.
 *
 * @param cycles          SIGKILLs of the broker; 0 is the sanity mode (same workload, a clean run without kill)
 * @param seed            seeds every random choice (kill moments, kinds of kill), printed so a run can be replayed
 * @param ratePerStream   messages per second each publisher aims at
 * @param window          messages each publisher keeps in flight at most (its own resend window)
 * @param runMin          shortest time the broker runs under load before a kill
 * @param runMax          longest time the broker runs under load before a kill
 * @param startupKillMax  a start-up kill comes at a random moment up to this long after the launch
 * @param startupKillShare share of kills that hit a broker still starting or recovering (the second kill always does)
 * @param liveWithin      after each restart, publishers and subscribers must move again within this bound
 * @param drainWithin     at the end, how long subscribers get to receive what is still owed to them
 * @param willDelay       Will Delay Interval of the delayed-will check
 */
record CrashSettings(int cycles, long seed, int ratePerStream, int window, Duration runMin, Duration runMax,
                     Duration startupKillMax, double startupKillShare, Duration liveWithin, Duration drainWithin,
                     Duration willDelay) {

    /** The broker's default in-flight window towards a subscriber ({@code BrokerSettings.defaults().maxInflight()}). */
    static final int BROKER_MAX_INFLIGHT = dev.magpie.BrokerSettings.defaults().maxInflight();

    static CrashSettings fromSystemProperties() {
        return new CrashSettings(
                Integer.getInteger("magpie.crash.cycles", 4),
                Long.getLong("magpie.crash.seed", new Random().nextLong()),
                Integer.getInteger("magpie.crash.rate", 75),
                Integer.getInteger("magpie.crash.window", 50),
                millis("magpie.crash.runMinMs", 300),
                millis("magpie.crash.runMaxMs", 1500),
                millis("magpie.crash.startupKillMaxMs", 2500),
                Double.parseDouble(System.getProperty("magpie.crash.startupKillShare", "0.25")),
                millis("magpie.crash.liveWithinMs", 10_000),
                millis("magpie.crash.drainWithinMs", 20_000),
                millis("magpie.crash.willDelayMs", 3_000));
    }

    private static Duration millis(String property, long fallback) {
        return Duration.ofMillis(Long.getLong(property, fallback));
    }

    /** Whether kill number {@code n} (1-based) hits a starting broker: the second always, others by chance. */
    boolean startupKill(int n, Random random) {
        return n == 2 || (n > 2 && random.nextDouble() < startupKillShare);
    }

    Duration between(Random random, Duration min, Duration max) {
        long span = Math.max(0, max.toMillis() - min.toMillis());
        return min.plusMillis(span == 0 ? 0 : (long) (random.nextDouble() * span));
    }

    String describe() {
        return "cycles=" + cycles + " seed=" + seed + " rate=" + ratePerStream + "/s/stream window=" + window
                + " run=" + runMin.toMillis() + ".." + runMax.toMillis() + "ms startupKill<=" + startupKillMax.toMillis()
                + "ms share=" + startupKillShare + " liveWithin=" + liveWithin.toMillis() + "ms (the broker's defaults)";
    }
}
