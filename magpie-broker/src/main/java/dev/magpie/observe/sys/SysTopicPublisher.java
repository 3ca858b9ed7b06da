package dev.magpie.observe.sys;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.ClientCounters;
import dev.magpie.observe.ClusterView;
import dev.magpie.observe.TrafficCounters;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Publishes the broker's status under mosquitto's {@code $SYS/broker/…} names every {@code sys_interval}, so tools
 * written for mosquitto ({@code mosquitto_sub -t '$SYS/#'}, dashboards, monitoring plugins) read Magpie unchanged.
 *
 * <p>What goes out: the static topics ({@code version}, {@code timestamp}) once at start, retained, so a subscriber
 * gets them whenever it subscribes (kept in the retained index but outside the clients' retained bound and the store:
 * they are made again at each start); every other topic at each interval, QoS 0, not retained, and always, not only
 * when the value changed as mosquitto does: mosquitto can send only changes because it retains every {@code $SYS}
 * message, and sending all of them lets a new subscriber see the whole tree within one interval without the broker
 * keeping ~50 changing retained values. Messages are published as the broker itself through the routing (retained
 * index, distributor; {@code PublishPipeline.publishStatus}), so each delivery is checked against the reader's read
 * rights like any other, and {@code #} does not match them [MQTT-4.7.2-1]; interceptors and event listeners are not
 * asked, as these are the broker's telemetry, not application messages.
 *
 * <p>Threads: {@link #start} schedules the rounds on one executor (an event loop of the broker); a round reads the
 * counters (sums of {@link java.util.concurrent.atomic.LongAdder}s, a moment's view) and publishes from that thread.
 * The load averages are owned by that thread.
 */
public final class SysTopicPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(SysTopicPublisher.class);
    private static final String B = SysTopics.BROKER;

    private final Duration interval;
    private final TrafficCounters traffic;
    private final ClientCounters clients;
    private final SysSources sources;
    private final Consumer<Message> publisher;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final Instant startedAt;
    private final String version;
    private final Map<String, Load> loads = new LinkedHashMap<>();
    private long lastRoundNanos;
    /** Whether the retained topics went out (in the first round). */
    private boolean staticsSent;
    private ScheduledFuture<?> task;

    /**
     * A publisher of rounds every {@code interval} (positive), reading {@code metrics} and {@code sources} and handing
     * each message to {@code publisher}; {@code nanoTime} is the clock of uptime and load (a fixed one in tests).
     */
    public SysTopicPublisher(Duration interval, BrokerMetrics metrics, SysSources sources, Consumer<Message> publisher,
                             LongSupplier nanoTime, Instant startedAt) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("sys interval must be positive (0 means no $SYS publisher at all), was " + interval);
        }
        this.interval = interval;
        this.traffic = metrics.traffic();
        this.clients = metrics.clients();
        this.sources = sources;
        this.publisher = publisher;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.lastRoundNanos = startNanos;
        this.startedAt = startedAt;
        this.version = "magpie version " + BuildVersion.describe();
        TrafficCounters.Snapshot now = traffic.snapshot();
        load("messages/received", now.packetsReceived(), TrafficCounters.Snapshot::packetsReceived);
        load("messages/sent", now.packetsSent(), TrafficCounters.Snapshot::packetsSent);
        load("publish/received", now.publishReceived(), TrafficCounters.Snapshot::publishReceived);
        load("publish/sent", now.publishSent(), TrafficCounters.Snapshot::publishSent);
        load("publish/dropped", now.publishDropped(), TrafficCounters.Snapshot::publishDropped);
        load("bytes/received", now.bytesReceived(), TrafficCounters.Snapshot::bytesReceived);
        load("bytes/sent", now.bytesSent(), TrafficCounters.Snapshot::bytesSent);
        load("connections", now.connectsReceived(), TrafficCounters.Snapshot::connectsReceived);
        load("sockets", now.socketsOpened(), TrafficCounters.Snapshot::socketsOpened);
    }

    private void load(String name, long initial, ToLongFunction<TrafficCounters.Snapshot> count) {
        loads.put(name, new Load(new LoadAverage(initial), count));
    }

    private record Load(LoadAverage average, ToLongFunction<TrafficCounters.Snapshot> count) {
    }

    /** Publishes the static topics (retained) and a first round now, then a round every interval on {@code executor}. */
    public synchronized void start(ScheduledExecutorService executor) {
        task = executor.scheduleAtFixedRate(this::publishSafely, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        LOG.info("$SYS topics published every {}", interval.toString().substring(2).toLowerCase(Locale.ROOT));
    }

    /** Stops the rounds; what was retained stays. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void publishSafely() {
        try {
            if (!staticsSent) {
                staticsSent = true;
                staticTopics().forEach((topic, value) -> publisher.accept(new Message(topic, utf8(value), 0, true)));
            }
            round().forEach((topic, value) -> publisher.accept(new Message(topic, utf8(value), 0, false)));
        } catch (RuntimeException e) {
            // a failing round must not end the schedule: the next one may succeed
            LOG.warn("$SYS round failed: {}", e.toString(), e);
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The retained topics, sent once: {@code version} and {@code timestamp} (when this broker started). */
    Map<String, String> staticTopics() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(B + "version", version);
        t.put(B + "timestamp", startedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        return t;
    }

    /** One round's topics and values, in mosquitto's names and formats; folds the interval into the load averages. */
    Map<String, String> round() {
        long now = nanoTime.getAsLong();
        double elapsed = (now - lastRoundNanos) / 1e9;
        lastRoundNanos = now;
        TrafficCounters.Snapshot s = traffic.snapshot();
        long total = Math.max(sources.sessions(), clients.connectedNow());
        Map<String, String> t = new LinkedHashMap<>();
        t.put(B + "uptime", (now - startNanos) / 1_000_000_000L + " seconds");
        t.put(B + "clients/connected", String.valueOf(clients.connectedNow()));
        t.put(B + "clients/disconnected", String.valueOf(total - clients.connectedNow()));
        t.put(B + "clients/expired", String.valueOf(clients.expiredSessions()));
        t.put(B + "clients/maximum", String.valueOf(clients.maximumConnected()));
        t.put(B + "clients/total", String.valueOf(total));
        t.put(B + "messages/received", String.valueOf(s.packetsReceived()));
        t.put(B + "messages/sent", String.valueOf(s.packetsSent()));
        t.put(B + "publish/messages/received", String.valueOf(s.publishReceived()));
        t.put(B + "publish/messages/sent", String.valueOf(s.publishSent()));
        t.put(B + "publish/messages/dropped", String.valueOf(s.publishDropped()));
        t.put(B + "publish/bytes/received", String.valueOf(s.publishBytesReceived()));
        t.put(B + "publish/bytes/sent", String.valueOf(s.publishBytesSent()));
        t.put(B + "bytes/received", String.valueOf(s.bytesReceived()));
        t.put(B + "bytes/sent", String.valueOf(s.bytesSent()));
        // with its space, as mosquitto spells it
        t.put(B + "retained messages/count", String.valueOf(sources.retainedMessages()));
        t.put(B + "store/messages/count", String.valueOf(sources.retainedMessages() + sources.sessionMessages()));
        t.put(B + "store/messages/bytes", String.valueOf(sources.retainedBytes() + sources.sessionMessageBytes()));
        t.put(B + "subscriptions/count", String.valueOf(sources.subscriptions()));
        t.put(B + "shared_subscriptions/count", String.valueOf(sources.sharedSubscriptions()));
        sources.cluster().ifPresent(cluster -> clusterTopics(cluster, t));
        for (Map.Entry<String, Load> e : loads.entrySet()) {
            LoadAverage a = e.getValue().average();
            a.update(e.getValue().count().applyAsLong(s), elapsed);
            String prefix = B + "load/" + e.getKey() + "/";
            t.put(prefix + "1min", twoDecimals(a.oneMinute()));
            t.put(prefix + "5min", twoDecimals(a.fiveMinutes()));
            t.put(prefix + "15min", twoDecimals(a.fifteenMinutes()));
        }
        return t;
    }

    /** Magpie's own {@code cluster/…} topics (mosquitto has no cluster): this node's view, read without asking Redis. */
    private static void clusterTopics(ClusterView cluster, Map<String, String> t) {
        t.put(B + "cluster/node_id", cluster.nodeId());
        t.put(B + "cluster/nodes", String.valueOf(cluster.nodes()));
        t.put(B + "cluster/routes/remote_filters", String.valueOf(cluster.remoteFilters()));
        t.put(B + "cluster/messages/forwarded", String.valueOf(cluster.forwarded()));
        t.put(B + "cluster/messages/received", String.valueOf(cluster.received()));
        t.put(B + "cluster/messages/dropped", String.valueOf(cluster.dropped()));
        t.put(B + "cluster/lease/renewal_failures", String.valueOf(cluster.leaseRenewalFailures()));
    }

    private static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
