package dev.magpie.observe.sys;

/**
 * One count's load, as mosquitto's {@code $SYS/broker/load/…/1min|5min|15min}: the rate per minute over the last
 * interval, folded into exponentially decayed averages with 1, 5 and 15 minute windows (the way Unix load averages
 * decay). After an interval of {@code t} seconds with rate {@code r} per minute, each average {@code a} over a window
 * of {@code w} seconds becomes {@code e·a + (1 − e)·r} with {@code e = exp(−t / w)}: a steady rate is approached by the
 * 1-minute average within a few minutes and by the 15-minute one within the better part of an hour.
 *
 * <p>Not thread-safe: owned by the {@link SysTopicPublisher}, which updates it on one thread.
 */
final class LoadAverage {
    private static final double[] WINDOW_SECONDS = {60, 300, 900};

    private final double[] averages = new double[3];
    private long lastCount;

    /** Starts from {@code initialCount} (what was counted before the first interval does not count as load). */
    LoadAverage(long initialCount) {
        this.lastCount = initialCount;
    }

    /** Folds in the interval that ended with the count at {@code count}, {@code elapsedSeconds} after the last. */
    void update(long count, double elapsedSeconds) {
        if (elapsedSeconds <= 0) {
            return;
        }
        double perMinute = (count - lastCount) * 60.0 / elapsedSeconds;
        lastCount = count;
        for (int i = 0; i < averages.length; i++) {
            double e = Math.exp(-elapsedSeconds / WINDOW_SECONDS[i]);
            averages[i] = e * averages[i] + (1 - e) * perMinute;
        }
    }

    double oneMinute() {
        return averages[0];
    }

    double fiveMinutes() {
        return averages[1];
    }

    double fifteenMinutes() {
        return averages[2];
    }
}
