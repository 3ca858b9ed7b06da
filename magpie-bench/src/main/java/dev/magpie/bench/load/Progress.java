package dev.magpie.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The line a rate run prints each second (to stderr, so stdout stays clean for JSON): the second's publish and
 * delivery rates, the backlog of due-but-unsent messages, the second's p50/p99 and max latency, and the broker's CPU
 * and RSS. Taking the second's latencies also moves them into the run's total.
 *
 * <pre>
 * [  3s] sent 10000/s  delivered 10000/s  backlog 0  p50 0.21 ms  p99 0.48 ms  max 1.2 ms  broker 0.31 cores 82 MB
 * </pre>
 */
final class Progress {
    private final PrintStream out;
    private final boolean print;
    private final BrokerProbe broker;
    private final List<Pacer.Stream> streams;
    private final LongAdder delivered;
    private final Recorder latency;
    private final long started = System.nanoTime();
    private Histogram total;
    private long lastAt = started;
    private long lastSent;
    private long lastDelivered;
    private Optional<BrokerProbe.Sample> lastBroker;

    private final long measuredFrom;

    /** {@code measuredFrom}: the end of the warm-up (nanoTime); lines before it say so (their latency is not kept). */
    Progress(PrintStream out, boolean print, BrokerProbe broker, List<Pacer.Stream> streams, LongAdder delivered,
             Recorder latency, long measuredFrom) {
        this.measuredFrom = measuredFrom;
        this.out = out;
        this.print = print;
        this.broker = broker;
        this.streams = streams;
        this.delivered = delivered;
        this.latency = latency;
        this.lastBroker = broker.pid() > 0 ? broker.sample() : Optional.empty();
    }

    /** Each second's latencies are added to {@code into}. */
    Progress accumulating(Histogram into) {
        this.total = into;
        return this;
    }

    long nextLineAt() {
        return lastAt + 1_000_000_000L;
    }

    void maybePrint() {
        long now = System.nanoTime();
        if (now < nextLineAt()) {
            return;
        }
        Histogram second = latency.getIntervalHistogram();
        if (total != null) {
            total.add(second);
        }
        long sent = 0;
        long due = 0;
        for (Pacer.Stream s : streams) {
            sent += s.sent();
            due += Math.max(0, s.dueBy(now) - s.sent());
        }
        long got = delivered.sum();
        double seconds = (now - lastAt) / 1e9;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "[%3ds] sent %.0f/s  delivered %.0f/s  backlog %d  p50 %.2f ms  p99 %.2f ms  max %.1f ms",
                (now - started) / 1_000_000_000L, (sent - lastSent) / seconds, (got - lastDelivered) / seconds,
                due, second.getValueAtPercentile(50) / 1000.0,
                second.getValueAtPercentile(99) / 1000.0, second.getMaxValue() / 1000.0));
        if (now < measuredFrom) {
            line.append("  (warm-up)");
        }
        if (broker.pid() > 0) {
            Optional<BrokerProbe.Sample> b = broker.sample();
            if (b.isPresent() && lastBroker.isPresent()) {
                line.append(String.format(Locale.ROOT, "  broker %.2f cores %d MB", b.get().coresSince(lastBroker.get()),
                        b.get().rssBytes() >> 20));
            }
            lastBroker = b;
        }
        if (print) {
            out.println(line);
        }
        lastAt = now;
        lastSent = sent;
        lastDelivered = got;
    }
}
