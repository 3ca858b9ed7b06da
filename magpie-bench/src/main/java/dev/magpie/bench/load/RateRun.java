package dev.magpie.bench.load;

import io.netty.channel.EventLoop;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open-loop run at a fixed offered rate: connects the subscribers, then the publishers, paces the publishes for
 * warm-up plus duration ({@link Pacer}), waits for the stragglers (drain), and reports delivered against offered,
 * loss/duplicates/reordering per stream ({@link StreamTracker}), latency from the intended send time, and the broker's
 * CPU and RSS over the measured window. Topics live under a fresh {@code bench/<run id>} prefix, so a message left
 * over from an earlier run (a sweep's previous step) cannot be counted.
 */
final class RateRun {
    private final LoadSettings settings;
    private final Connector connector;
    private final PrintStream progressOut;
    private Histogram latencyOfLastRun = new Histogram(3);

    RateRun(LoadSettings settings, Connector connector, PrintStream progressOut) {
        this.settings = settings;
        this.connector = connector;
        this.progressOut = progressOut;
    }

    Report run() throws InterruptedException {
        Scenario scenario = settings.scenario();
        int publishers = settings.publishers();
        int subscribers = settings.effectiveSubscribers();
        String runId = Long.toString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL, 36);
        String prefix = "bench/" + runId;
        Recorder latency = new Recorder(3);
        LongAdder delivered = new LongAdder();
        // Latency counts messages due in the measured window (warm-up ones are left out); set once start is known.
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
        int[][] groups = scenario.trackerGroups(subscribers);
        StreamTracker[] trackerOf = new StreamTracker[subscribers];
        List<StreamTracker> trackers = new ArrayList<>();
        for (int g = 0; g < groups.length; g++) {
            StreamTracker t = new StreamTracker(scenario.expectedStreams(g, publishers));
            trackers.add(t);
            for (int j : groups[g]) {
                trackerOf[j] = t;
            }
        }
        boolean persistent = scenario.persistentSessions();
        long expiry = persistent ? 300 : 0;
        List<BenchConnection> subs = Dialer.openAll(connector, 0, subscribers, settings.concurrency(), new Dialer.Plan() {
            @Override
            public BenchConnection.Spec spec(int j) {
                return new BenchConnection.Spec("bench-" + runId + "-s" + j, settings.level(), !persistent,
                        settings.keepAliveSeconds(), expiry, scenario.subscriberFilter(prefix, j), settings.qos());
            }

            @Override
            public BenchConnection.DeliverySink sink(int j) {
                StreamTracker tracker = trackerOf[j];
                return (stream, sequence, intended, received) -> {
                    tracker.record(stream, sequence);
                    delivered.increment();
                    if (intended >= measuredFrom.get()) {
                        latency.recordValue(Math.max(0, (received - intended) / 1000));
                    }
                };
            }
        }, i -> () -> { }, 60);
        List<BenchConnection> pubs = Dialer.openAll(connector, subscribers, publishers, settings.concurrency(),
                new Dialer.Plan() {
                    @Override
                    public BenchConnection.Spec spec(int i) {
                        return new BenchConnection.Spec("bench-" + runId + "-p" + (i - subscribers), settings.level(),
                                !persistent, settings.keepAliveSeconds(), expiry, "", 0);
                    }

                    @Override
                    public BenchConnection.DeliverySink sink(int i) {
                        return (stream, sequence, intended, received) -> { };
                    }
                }, i -> () -> { }, 60);

        double interval = 1e9 * publishers / settings.rate();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measureFrom = start + (long) (settings.warmupSeconds() * 1e9);
        long end = measureFrom + (long) (settings.durationSeconds() * 1e9);
        measuredFrom.set(measureFrom);
        Map<EventLoop, Pacer> pacers = new IdentityHashMap<>();
        List<Pacer.Stream> streams = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
            BenchConnection c = pubs.get(i);
            Pacer.Stream s = new Pacer.Stream(c, i, BenchConnection.utf8(scenario.publisherTopic(prefix, i)),
                    start + (long) (interval * i / publishers), interval, end);
            streams.add(s);
            pacers.computeIfAbsent(c.channel().eventLoop(),
                    loop -> new Pacer(loop, settings.qos(), settings.payloadSize(), settings.inflight())).add(s);
        }
        BrokerProbe broker = new BrokerProbe(settings.brokerPid());
        BrokerProbe self = BrokerProbe.self();
        pacers.values().forEach(p -> p.start(settings.tickMicros()));

        Histogram total = new Histogram(3);
        Progress progress = new Progress(progressOut, settings.progress(), broker, streams, delivered, latency,
                measureFrom);
        sleepUntil(measureFrom, progress.accumulating(total));
        long deliveredAtStart = delivered.sum();
        long sentAtStart = sentOf(streams);
        Optional<BrokerProbe.Sample> brokerStart = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        Optional<BrokerProbe.Sample> selfStart = self.sample();
        long t0 = System.nanoTime();
        sleepUntil(end, progress);
        long window = System.nanoTime() - t0;
        long deliveredInWindow = delivered.sum() - deliveredAtStart;
        long sentInWindow = sentOf(streams) - sentAtStart;
        Optional<BrokerProbe.Sample> brokerEnd = settings.brokerPid() > 0 ? broker.sample() : Optional.empty();
        Optional<BrokerProbe.Sample> selfEnd = self.sample();
        pacers.values().forEach(Pacer::stop);

        long[] sent = new long[publishers];
        long expected = 0;
        for (int i = 0; i < publishers; i++) {
            sent[i] = streams.get(i).sent();
        }
        for (StreamTracker t : trackers) {
            for (int s : t.expectedStreams()) {
                expected += sent[s];
            }
        }
        long drainUntil = System.nanoTime() + (long) (settings.drainSeconds() * 1e9);
        while (uniqueOf(trackers, sent) < expected && System.nanoTime() < drainUntil) {
            Thread.sleep(20);
        }
        total.add(latency.getIntervalHistogram());
        StreamTracker.Totals totals = StreamTracker.Totals.ZERO;
        for (StreamTracker t : trackers) {
            totals = totals.plus(t.totals(sent));
        }
        Dialer.closeAll(pubs);
        Dialer.closeAll(subs);
        if (persistent) {
            discardSessions("bench-" + runId + "-s", subscribers);
            discardSessions("bench-" + runId + "-p", publishers);
        }

        long offered = 0;
        long offeredDeliveries = 0;
        for (StreamTracker t : trackers) {
            for (int s : t.expectedStreams()) {
                offeredDeliveries += streams.get(s).offered();
            }
        }
        for (Pacer.Stream s : streams) {
            offered += s.offered();
        }
        double seconds = window / 1e9;
        Report r = header(subscribers);
        r.put("offered_rate", settings.rate());
        r.put("offered", offered).put("sent", sentOf(streams)).put("not_sent", offered - sentOf(streams));
        r.put("expected_deliveries", offeredDeliveries).put("received", totals.received()).put("delivered", totals.unique());
        r.put("delivered_ratio", Report.round(offeredDeliveries == 0 ? 0 : (double) totals.unique() / offeredDeliveries));
        r.put("lost", totals.lost()).put("duplicates", totals.duplicates()).put("reordered", totals.reordered())
                .put("foreign", totals.foreign()).put("streams", totals.streams())
                .put("streams_affected", totals.streamsAffected());
        r.put("publish_rate", Report.round(sentInWindow / seconds)).put("delivery_rate", Report.round(deliveredInWindow / seconds));
        r.latency("latency", total);
        latencyOfLastRun = total;
        brokerFields(r, brokerStart, brokerEnd, sentInWindow, deliveredInWindow);
        if (selfStart.isPresent() && selfEnd.isPresent()) {
            double generatorCores = selfEnd.get().coresSince(selfStart.get());
            r.put("generator_cpu_cores", Report.round(generatorCores));
            // Near a full core per event loop, the generator may be what limits the run: say so, do not hide it.
            boolean busy = generatorCores >= 0.85 * settings.ioThreads();
            r.put("generator_busy", busy);
            if (busy) {
                progressOut.printf(Locale.ROOT, "warning: the generator used %.2f cores (%d event loops): at %.0f msg/s"
                        + " it may be the bottleneck; use --io-threads or --processes on more cores%n", generatorCores,
                        settings.ioThreads(), settings.rate());
            }
        }
        return r;
    }

    /** The latency histogram (µs) of the last {@link #run()}, e.g. to merge with other generator processes. */
    Histogram latencyOfLastRun() {
        return latencyOfLastRun;
    }

    /** Connects {@code idPrefix + 0..count-1} once more with a clean session, so the broker can forget them. */
    private void discardSessions(String idPrefix, int count) {
        List<BenchConnection> clean = Dialer.openAll(connector, 0, count, settings.concurrency(), new Dialer.Plan() {
            @Override
            public BenchConnection.Spec spec(int i) {
                return new BenchConnection.Spec(idPrefix + i, settings.level(), true, 0, 0, "", 0);
            }

            @Override
            public BenchConnection.DeliverySink sink(int i) {
                return (stream, sequence, intended, received) -> { };
            }
        }, i -> () -> { }, 60);
        Dialer.closeAll(clean);
    }

    private Report header(int subscribers) {
        return new Report().put("label", settings.label()).put("scenario", settings.scenario().name().toLowerCase(Locale.ROOT))
                .put("transport", connector.transportName()).put("mqtt", settings.mqttName()).put("qos", settings.qos())
                .put("payload_bytes", settings.payloadSize()).put("publishers", settings.publishers())
                .put("subscribers", subscribers).put("warmup_s", settings.warmupSeconds())
                .put("duration_s", settings.durationSeconds());
    }

    /** Broker CPU (cores, and µs per PUBLISH in and per delivery out) and RSS over the measured window. */
    static void brokerFields(Report r, Optional<BrokerProbe.Sample> start, Optional<BrokerProbe.Sample> end,
                             long publishes, long deliveries) {
        if (start.isEmpty() || end.isEmpty()) {
            return;
        }
        double cpuNanos = end.get().cpuNanos() - start.get().cpuNanos();
        r.put("broker_cpu_cores", Report.round(end.get().coresSince(start.get())));
        r.put("broker_cpu_us_per_publish", Report.round(publishes == 0 ? 0 : cpuNanos / 1000 / publishes));
        r.put("broker_cpu_us_per_delivery", Report.round(deliveries == 0 ? 0 : cpuNanos / 1000 / deliveries));
        r.put("broker_rss_start_bytes", start.get().rssBytes()).put("broker_rss_end_bytes", end.get().rssBytes());
    }

    private static long sentOf(List<Pacer.Stream> streams) {
        long n = 0;
        for (Pacer.Stream s : streams) {
            n += s.sent();
        }
        return n;
    }

    private static long uniqueOf(List<StreamTracker> trackers, long[] sent) {
        long n = 0;
        for (StreamTracker t : trackers) {
            n += t.totals(sent).unique();
        }
        return n;
    }

    private static void sleepUntil(long deadline, Progress progress) throws InterruptedException {
        long now;
        while ((now = System.nanoTime()) < deadline) {
            long next = Math.min(deadline, progress.nextLineAt());
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - now));
            progress.maybePrint();
        }
    }
}
