package dev.magpie.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The two scenarios that measure connections rather than messages. {@link Scenario#IDLE}: open N connections, let the
 * broker settle, and report its RSS growth per connection (needs {@code --broker-pid}). {@link Scenario#STORM}: open N
 * connections, each CONNECT, SUBSCRIBE, DISCONNECT, with {@code --concurrency} attempts at a time (1: sequential), and
 * report connects per second and the time each took from TCP connect to SUBACK.
 */
final class ConnectionRuns {
    private final LoadSettings settings;
    private final Connector connector;
    private final PrintStream progressOut;

    private final Runnable hold;

    ConnectionRuns(LoadSettings settings, Connector connector, PrintStream progressOut) {
        this(settings, connector, progressOut, null);
    }

    /**
     * {@code hold}: what {@link #idle()} does while the connections are open; null: sleep {@code --duration}. A child
     * of {@link ProcessSplit} waits for its parent instead, so that all children's connections are open at once.
     */
    ConnectionRuns(LoadSettings settings, Connector connector, PrintStream progressOut, Runnable hold) {
        this.settings = settings;
        this.connector = connector;
        this.progressOut = progressOut;
        this.hold = hold;
    }

    private Report header() {
        return new Report().put("label", settings.label()).put("scenario", settings.scenario().name().toLowerCase(Locale.ROOT))
                .put("transport", connector.transportName()).put("mqtt", settings.mqttName())
                .put("connections", settings.connections()).put("concurrency", settings.concurrency());
    }

    private Dialer.Plan plan(String runId, boolean subscribe) {
        return new Dialer.Plan() {
            @Override
            public BenchConnection.Spec spec(int i) {
                return new BenchConnection.Spec("bench-" + runId + "-c" + i, settings.level(), true,
                        settings.keepAliveSeconds(), 0, subscribe ? "bench/" + runId + "/c/" + i : "", 0);
            }

            @Override
            public BenchConnection.DeliverySink sink(int i) {
                return (stream, sequence, intended, received) -> { };
            }
        };
    }

    /** Idle connections: broker RSS before, after all connected and settled, and the difference per connection. */
    Report idle() throws InterruptedException {
        BrokerProbe broker = new BrokerProbe(settings.brokerPid());
        String runId = Long.toString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL, 36);
        Optional<BrokerProbe.Sample> before = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        long t0 = System.nanoTime();
        List<BenchConnection> connections = Dialer.openAll(connector, 0, settings.connections(), settings.concurrency(),
                plan(runId, false), i -> () -> { }, 600);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        progressOut.printf(Locale.ROOT, "%d connections open in %.1f s; holding for %.0f s%n", connections.size(),
                connectSeconds, settings.durationSeconds());
        if (hold == null) {
            TimeUnit.MILLISECONDS.sleep((long) (settings.durationSeconds() * 1000));
        } else {
            hold.run();
        }
        Optional<BrokerProbe.Sample> after = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        long open = connections.stream().filter(c -> c.channel().isActive()).count();
        Dialer.closeAll(connections);
        Report r = header().put("open_at_end", open).put("connect_seconds", Report.round(connectSeconds));
        if (before.isPresent() && after.isPresent()) {
            long delta = after.get().rssBytes() - before.get().rssBytes();
            r.put("broker_rss_before_bytes", before.get().rssBytes()).put("broker_rss_after_bytes", after.get().rssBytes())
                    .put("broker_rss_delta_bytes", delta)
                    .put("broker_rss_per_connection_bytes", Report.round((double) delta / Math.max(1, settings.connections())));
        }
        return r;
    }

    /** Connection storm: connects per second and the setup time of each. */
    Report storm() {
        BrokerProbe broker = new BrokerProbe(settings.brokerPid());
        String runId = Long.toString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL, 36);
        Recorder setup = new Recorder(3);
        Optional<BrokerProbe.Sample> before = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        long t0 = System.nanoTime();
        int batch = Math.max(settings.concurrency(), 500);
        long done = 0;
        // Batches keep the open-file count bounded: each batch is disconnected before the next one starts.
        for (int first = 0; first < settings.connections(); first += batch) {
            int count = Math.min(batch, settings.connections() - first);
            List<BenchConnection> opened = Dialer.openAll(connector, first, count, settings.concurrency(),
                    plan(runId, true), i -> {
                        long started = System.nanoTime();
                        return () -> setup.recordValue((System.nanoTime() - started) / 1000);
                    }, 600);
            Dialer.closeAll(opened);
            done += opened.size();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Optional<BrokerProbe.Sample> after = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        Histogram h = setup.getIntervalHistogram();
        Report r = header().put("completed", done).put("seconds", Report.round(seconds))
                .put("connects_per_second", Report.round(done / seconds)).latency("setup", h);
        RateRun.brokerFields(r, before, after, done, done);
        return r;
    }
}
