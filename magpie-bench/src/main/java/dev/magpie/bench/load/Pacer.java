package dev.magpie.bench.load;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The open loop of one event loop's publishers. Message k of a publisher is due at {@code start + phase + k *
 * interval}, whatever happened before: a tick sends every message that is due (up to a burst cap, so reads are not
 * starved), stamping each with its due time rather than the actual send time. When the channel is not writable or the
 * QoS 1/2 window is full, the due messages wait and go out later with their original stamps, so the broker's stall
 * shows up as latency (coordinated omission corrected) and, if it lasts past the end, as messages not sent. Ticks and
 * sends run on the event loop; {@link Stream#sent()} is read by the reporting thread.
 */
final class Pacer {
    private static final int BURST_PER_TICK = 4096;

    /** One publisher's schedule and progress. */
    static final class Stream {
        private final BenchConnection connection;
        private final int id;
        private final byte[] topic;
        private final long start;
        private final double intervalNanos;
        private final long end;
        private volatile int sent;

        Stream(BenchConnection connection, int id, byte[] topic, long start, double intervalNanos, long end) {
            this.connection = connection;
            this.id = id;
            this.topic = topic;
            this.start = start;
            this.intervalNanos = intervalNanos;
            this.end = end;
        }

        long due(int k) {
            return start + (long) (k * intervalNanos);
        }

        /** Messages whose due time is before the end: what this publisher offers in the run. */
        int offered() {
            return (int) Math.max(0, Math.ceil((end - start) / intervalNanos));
        }

        /** Messages due by {@code now}. */
        int dueBy(long now) {
            return now < start ? 0 : (int) Math.min(offered(), (long) ((now - start) / intervalNanos) + 1);
        }

        int sent() {
            return sent;
        }

        int id() {
            return id;
        }

        BenchConnection connection() {
            return connection;
        }
    }

    private final EventLoop loop;
    private final List<Stream> streams = new ArrayList<>();
    private final int qos;
    private final int payloadSize;
    private final int inflightCap;
    private ScheduledFuture<?> ticks;
    private long minTickNanos;
    private boolean stopped;

    Pacer(EventLoop loop, int qos, int payloadSize, int inflightCap) {
        this.loop = loop;
        this.qos = qos;
        this.payloadSize = payloadSize;
        this.inflightCap = inflightCap;
    }

    void add(Stream stream) {
        streams.add(stream);
    }

    /**
     * Starts ticking: the next tick comes when the next message is due, but no sooner than {@code tickMicros} after
     * this one (so a high rate sends in batches and a low rate does not wake the loop for nothing); stops by itself
     * once every stream passed its end.
     */
    void start(long tickMicros) {
        this.minTickNanos = TimeUnit.MICROSECONDS.toNanos(tickMicros);
        loop.execute(this::tick);
    }

    /** Stops ticking and returns once no tick can send any more (so {@link Stream#sent()} is final). */
    void stop() {
        loop.submit(() -> {
            stopped = true;
            if (ticks != null) {
                ticks.cancel(false);
            }
        }).syncUninterruptibly();
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        boolean running = false;
        long nextDue = Long.MAX_VALUE;
        for (Stream s : streams) {
            int k = s.sent;
            int limit = Math.min(s.offered(), k + BURST_PER_TICK);
            int before = k;
            while (k < limit) {
                long due = s.due(k);
                if (due > now || !s.connection.tryPublish(s.topic, qos, payloadSize, s.id, k, due, inflightCap)) {
                    break;
                }
                k++;
            }
            if (k != before) {
                s.sent = k;
                s.connection.flush();
            }
            boolean more = k < s.offered() && s.connection.channel().isActive();
            running |= more;
            if (more) {
                nextDue = Math.min(nextDue, s.due(k));
            }
        }
        if (running) {
            long delay = Math.max(minTickNanos, nextDue - System.nanoTime());
            ticks = loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
        }
    }
}
