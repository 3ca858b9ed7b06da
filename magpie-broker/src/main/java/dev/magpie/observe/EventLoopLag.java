package dev.magpie.observe;

import io.micrometer.core.instrument.Timer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late each I/O event loop runs its scheduled work: every second a probe task is scheduled on each loop,
 * and when it runs, how much later than asked is recorded in {@code magpie.eventloop.lag{loop=…}}. Nothing runs per
 * message; each loop does one tiny task a second. A loop whose probe has not run for a while is
 * {@linkplain #stalled stalled} (what {@code /health} reports): its connections are frozen too.
 *
 * <p>The probe re-schedules itself (rather than a fixed-rate task), so a loop that was blocked for ten seconds
 * records one lag of ten seconds, not ten piled-up runs.
 */
public final class EventLoopLag implements AutoCloseable {
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<Probe> probes = new ArrayList<>();

    private EventLoopLag() {
    }

    /** Starts a probe on every loop of {@code loops}; {@link #close()} stops them (so does the loops' shutdown). */
    public static EventLoopLag start(EventLoopGroup loops, BrokerMetrics metrics) {
        EventLoopLag lag = new EventLoopLag();
        int index = 0;
        for (EventExecutor loop : loops) {
            Probe probe = new Probe(loop, metrics.eventLoopLag(String.valueOf(index++)));
            lag.probes.add(probe);
            probe.schedule();
        }
        return lag;
    }

    /** The indexes of the loops whose probe is more than {@code threshold} overdue now. */
    public List<Integer> stalled(Duration threshold) {
        long now = System.nanoTime();
        List<Integer> stalled = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (now - probes.get(i).dueAt > threshold.toNanos()) {
                stalled.add(i);
            }
        }
        return stalled;
    }

    @Override
    public void close() {
        probes.forEach(Probe::cancel);
    }

    private static final class Probe implements Runnable {
        private final EventExecutor loop;
        private final Timer timer;
        /** When the next run is due ({@link System#nanoTime()}); written by the loop, read by {@code /health}. */
        private volatile long dueAt;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;

        Probe(EventExecutor loop, Timer timer) {
            this.loop = loop;
            this.timer = timer;
        }

        void schedule() {
            dueAt = System.nanoTime() + PERIOD_NANOS;
            try {
                next = loop.schedule(this, PERIOD_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                cancelled = true; // the loop is shutting down
            }
        }

        @Override
        public void run() {
            timer.record(Math.max(0, System.nanoTime() - dueAt), TimeUnit.NANOSECONDS);
            if (!cancelled) {
                schedule();
            }
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
