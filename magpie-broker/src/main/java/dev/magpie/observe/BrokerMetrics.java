package dev.magpie.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The broker's meters, registered on one Micrometer registry (a private one unless the embedding
 * application passes its own). Names follow Micrometer conventions: {@code magpie.connections},
 * {@code magpie.messages.received}, ...; the Prometheus registry writes them as {@code magpie_connections},
 * {@code magpie_messages_received_total} (counters get {@code _total}, timers {@code _seconds}). Every meter is
 * listed with its meaning in {@code docs/operations.md#metrics-and-health}.
 *
 * <p>What may be counted per message is a counter made once and held in a field (a striped adder: no lock, no map
 * lookup, no allocation); everything keyed by a name found at run time (a limit, a webhook, a TLS failure) is for
 * events that are rare next to messages. Sums over sessions are gauges read when the registry is scraped.
 */
public final class BrokerMetrics {
    private final MeterRegistry registry;
    private final AtomicLong connections = new AtomicLong();
    private final Counter connectsAccepted;
    private final Counter connectsRefused;
    private final Counter messagesDelivered;
    /** Packets, PUBLISH by QoS, bytes and drops: the hot path's counts ({@code magpie.messages.received{qos}}, ...). */
    private final TrafficCounters traffic = new TrafficCounters();
    private final ClientCounters clients = new ClientCounters();
    private final Counter protocolErrors;
    private final Map<String, Counter> limitsHit = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedByReason = new ConcurrentHashMap<>();
    /** The drop reasons known in advance (besides the three below, which have fields of their own). */
    private static final List<String> DROP_REASONS = List.of("queue_full", "queue_full_bytes", "expired", "too_large_for_client");
    private final Counter droppedNoSubscribers;
    private final Counter droppedRateLimit;
    private final Counter droppedTooLarge;
    private final Counter publishAllowed;
    private final Counter publishDenied;
    private final Counter subscribeAllowed;
    private final Counter subscribeDenied;
    private final Counter takeoversKept;
    private final Counter takeoversReplaced;
    private final Timer storeCommits;
    private final DistributionSummary storeBatches;
    /** Authentication outcomes by "result/reason"; logins, not messages, and all made at start. */
    private final Map<String, Counter> authentications = new ConcurrentHashMap<>();
    /** Every result/reason pair {@link #authentication} is called with; each is at 0 from the start. */
    private static final String[][] AUTHENTICATION_OUTCOMES = {
            {"accepted", "authenticator"}, {"accepted", "anonymous"}, {"accepted", "certificate"}, {"accepted", "enhanced"},
            {"refused", "denied"}, {"refused", "unknown_user"}, {"refused", "anonymous_not_allowed"}, {"refused", "redirected"},
            {"refused", "enhanced"}, {"refused", "throttled"}, {"refused", "shed"}, {"refused", "timed_out"}, {"refused", "failed"}};
    /** TLS handshake failures by listener and kind; rare next to messages, made when first seen. */
    private final Map<List<String>, Counter> tlsFailures = new ConcurrentHashMap<>();
    /** Webhook counters by meter name, webhook and reason; touched by webhook workers only, never on the hot path. */
    private final Map<List<String>, Counter> webhookCounters = new ConcurrentHashMap<>();

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("magpie.connections", connections, AtomicLong::get).description("open MQTT connections").register(registry);
        connectsAccepted = Counter.builder("magpie.connects").tag("result", "accepted").register(registry);
        connectsRefused = Counter.builder("magpie.connects").tag("result", "refused").register(registry);
        messagesDelivered = Counter.builder("magpie.messages.delivered").description("PUBLISH packets written to subscribers").register(registry);
        traffic.register(registry);
        clients.register(registry);
        protocolErrors = Counter.builder("magpie.protocol.errors").description("connections closed for breaking the protocol").register(registry);
        for (String reason : DROP_REASONS) { // all at 0 from the start, so a rate over them works before the first drop
            droppedCounter(reason);
        }
        droppedNoSubscribers = droppedCounter("no_subscribers");
        droppedRateLimit = droppedCounter("rate_limit");
        droppedTooLarge = droppedCounter("too_large");
        publishAllowed = authorization("publish", "allowed");
        publishDenied = authorization("publish", "denied");
        subscribeAllowed = authorization("subscribe", "allowed");
        subscribeDenied = authorization("subscribe", "denied");
        takeoversKept = Counter.builder("magpie.takeovers").tag("session", "kept")
                .description("connections closed because a new one came with the same client id").register(registry);
        takeoversReplaced = Counter.builder("magpie.takeovers").tag("session", "replaced")
                .description("connections closed because a new one came with the same client id").register(registry);
        // a few fixed buckets (a Prometheus histogram, so Grafana can show the 99th percentile), not Micrometer's ~70
        storeCommits = Timer.builder("magpie.store.commit").description("time of one store transaction (a batch of writes) until committed")
                .serviceLevelObjectives(millis(1), millis(2), millis(5), millis(10), millis(25), millis(50), millis(100), millis(250),
                        millis(1000)).register(registry);
        storeBatches = DistributionSummary.builder("magpie.store.commit.writes").description("writes per store transaction")
                .register(registry);
        for (String[] outcome : AUTHENTICATION_OUTCOMES) {
            authenticationCounter(outcome[0], outcome[1]);
        }
    }

    /** PUBLISH packets read from clients since start (for the admin API's charts). */
    public long messagesReceivedTotal() {
        return traffic.snapshot().publishReceived();
    }

    /** PUBLISH packets written to subscribers since start. */
    public long messagesDeliveredTotal() {
        return (long) messagesDelivered.count();
    }

    /** Messages discarded since start. */
    public long messagesDroppedTotal() {
        return traffic.snapshot().publishDropped();
    }

    /** Network connections open now. */
    public long openConnections() {
        return connections.get();
    }

    public static BrokerMetrics standalone() {
        return new BrokerMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }

    public void connectionOpened() {
        connections.incrementAndGet();
        traffic.socketOpened();
    }

    /** The traffic counts ({@code $SYS/broker/messages/…}, {@code bytes/…}, {@code publish/…}); counted where packets pass. */
    public TrafficCounters traffic() {
        return traffic;
    }

    /** Connected, peak and expired clients ({@code $SYS/broker/clients/…}). */
    public ClientCounters clients() {
        return clients;
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void connectAccepted() {
        connectsAccepted.increment();
    }

    public void connectRefused() {
        connectsRefused.increment();
    }

    public void messageDelivered() {
        messagesDelivered.increment();
    }

    /**
     * A message for a session discarded for {@code reason} ({@code queue_full}, {@code queue_full_bytes}, {@code expired},
     * {@code too_large_for_client}): counted in {@code magpie.messages.dropped} and, by reason, in
     * {@code magpie.messages.dropped.by_reason{reason=…}}, as mosquitto counts its dropped messages.
     */
    public void messageDropped(String reason) {
        traffic.publishDropped(1);
        droppedByReason.computeIfAbsent(reason, r -> Counter.builder("magpie.messages.dropped.by_reason").tag("reason", r)
                .description("messages for a session discarded, by reason").register(registry)).increment();
    }

    public void messageDropped() {
        traffic.publishDropped(1);
    }

    public void messagesDropped(int count) {
        traffic.publishDropped(count);
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    /**
     * A limit refused or slowed something: {@code magpie.limits} tagged with the limit's name
     * ({@code max_connections}, {@code connection_rate}, {@code banned}, {@code flapping}, {@code topic},
     * {@code subscriptions}, {@code queued_bytes}, {@code rate}, {@code http_responses}, {@code http_write_stall},
     * {@code unflushed_output}).
     */
    public void limitHit(String limit) {
        limitsHit.computeIfAbsent(limit, l -> Counter.builder("magpie.limits").tag("limit", l)
                .description("connections, packets or messages refused or slowed by a limit").register(registry)).increment();
    }

    /** How often {@code limit} was hit so far (for tests and the admin view). */
    public double limitHits(String limit) {
        Counter c = limitsHit.get(limit);
        return c == null ? 0 : c.count();
    }

    /** An event a webhook's receiver answered with 2xx: {@code magpie.webhook.sent{webhook=…}}. */
    public void webhookSent(String webhook) {
        webhookCounter("magpie.webhook.sent", webhook, "").increment();
    }

    /** A failed webhook request that is tried again after a backoff: {@code magpie.webhook.retries{webhook=…}}. */
    public void webhookRetried(String webhook) {
        webhookCounter("magpie.webhook.retries", webhook, "").increment();
    }

    /**
     * A webhook event given up: {@code magpie.webhook.dropped{webhook=…, reason=…}} with reason {@code queue_full},
     * {@code retries_exhausted}, {@code rejected} (a 4xx answer) or {@code shutdown}.
     */
    public void webhookDropped(String webhook, String reason) {
        webhookCounter("magpie.webhook.dropped", webhook, reason).increment();
    }

    /** How many events of {@code webhook} were dropped for {@code reason} so far (for tests and the admin view). */
    public double webhookDrops(String webhook, String reason) {
        Counter c = webhookCounters.get(List.of("magpie.webhook.dropped", webhook, reason));
        return c == null ? 0 : c.count();
    }

    private Counter webhookCounter(String name, String webhook, String reason) {
        return webhookCounters.computeIfAbsent(List.of(name, webhook, reason), k -> {
            Counter.Builder b = Counter.builder(name).tag("webhook", webhook).description("webhook events, see docs/operations.md#webhooks");
            return (reason.isEmpty() ? b : b.tag("reason", reason)).register(registry);
        });
    }
    // ---- issue 12: the meters behind /metrics; names are listed in docs/operations.md#metrics-and-health ----

    private Counter droppedCounter(String reason) {
        return droppedByReason.computeIfAbsent(reason, r -> Counter.builder("magpie.messages.dropped.by_reason").tag("reason", r)
                .description("messages for a session discarded, by reason").register(registry));
    }

    private Counter authorization(String action, String result) {
        return Counter.builder("magpie.authorizations").tag("action", action).tag("result", result)
                .description("publish and subscribe requests checked by the authorizers, by outcome").register(registry);
    }

    private Counter authenticationCounter(String result, String reason) {
        return authentications.computeIfAbsent(result + "/" + reason, k -> Counter.builder("magpie.authentications")
                .tag("result", result).tag("reason", reason).description("logins, by outcome").register(registry));
    }

    /** A gauge whose value is read from {@code source} when the registry is scraped (held weakly, as Micrometer does). */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /**
     * A monotonic count kept elsewhere (an {@code AtomicLong} of the store, ...), read when scraped: Prometheus sees a
     * counter ({@code _total}), so {@code rate()} works on it.
     */
    /**
     * The meters of a cluster node, read from {@code cluster}'s counters at each scrape (nothing added to the
     * delivery path): {@code magpie.cluster.nodes}, {@code .remote_filters}, {@code .forwarded}, {@code .received},
     * {@code .lease.renewal.failures},
     * and {@code .dropped} with {@code reason=not_sent} (the link counts queue-bound and failed-resend drops together).
     */
    public void cluster(ClusterView cluster) {
        gauge("magpie.cluster.nodes", "nodes of the cluster with a live lease, this one included", cluster, ClusterView::nodes);
        gauge("magpie.cluster.remote_filters", "distinct filters other nodes have subscribers for", cluster,
                ClusterView::remoteFilters);
        functionCounter("magpie.cluster.forwarded", "publication copies sent to other nodes", cluster, ClusterView::forwarded);
        functionCounter("magpie.cluster.received", "publications received from other nodes", cluster, ClusterView::received);
        functionCounter("magpie.cluster.lease.renewal.failures", "lease renewals that failed or found the lease expired", cluster,
                ClusterView::leaseRenewalFailures);
        FunctionCounter.builder("magpie.cluster.dropped", cluster, ClusterView::dropped)
                .description("publications that could not be sent to another node").tag("reason", "not_sent").register(registry);
    }

    /**
     * Lets {@code binder} register meters of its own on the broker's registry: a cluster backend that implements
     * Micrometer's {@link MeterBinder} (the Redis one: {@code magpie.cluster.redis.command}) is bound so when the broker
     * is made a cluster node.
     */
    public void bind(MeterBinder binder) {
        binder.bindTo(registry);
    }

    public <T> void functionCounter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /**
     * A non-retained message no subscription took ({@code reason=no_subscribers}); per message, so a counter held in
     * a field. This and the two below are dropped before any session had the message: counted by reason only, not in
     * {@code magpie.messages.dropped} (mosquitto's {@code publish/messages/dropped}: what sessions discarded).
     */
    public void messageDroppedNoSubscribers() {
        droppedNoSubscribers.increment();
    }

    /** A PUBLISH dropped because its client went over its message or byte rate with {@code rate_limit_action: disconnect}. */
    public void messageDroppedRateLimit() {
        droppedRateLimit.increment();
    }

    /** A packet over the broker's {@code max_packet_size} refused unread ({@code reason=too_large}); the connection is closed. */
    public void messageDroppedTooLarge() {
        droppedTooLarge.increment();
    }

    /** An authorizer's answer to a PUBLISH ({@code magpie.authorizations{action=publish}}). */
    public void publishAuthorized(boolean allowed) {
        (allowed ? publishAllowed : publishDenied).increment();
    }

    /** An authorizer's answer to one filter of a SUBSCRIBE ({@code magpie.authorizations{action=subscribe}}). */
    public void subscribeAuthorized(boolean allowed) {
        (allowed ? subscribeAllowed : subscribeDenied).increment();
    }

    /**
     * The outcome of one login: {@code result} {@code accepted} or {@code refused}, {@code reason} one of the pairs of
     * {@code docs/operations.md} (e.g. {@code refused/denied}, {@code refused/throttled}, {@code accepted/anonymous}).
     */
    public void authentication(String result, String reason) {
        Counter c = authentications.get(result + "/" + reason);
        (c != null ? c : authenticationCounter(result, reason)).increment();
    }

    /** How many logins ended with {@code result}/{@code reason} so far (for tests). */
    public double authentications(String result, String reason) {
        Counter c = authentications.get(result + "/" + reason);
        return c == null ? 0 : c.count();
    }

    /**
     * A connection closed because a new one came with its client id: {@code kept} when the new connection resumes the
     * session, {@code replaced} when it starts a new one (Clean Start).
     */
    public void takeover(boolean sessionKept) {
        (sessionKept ? takeoversKept : takeoversReplaced).increment();
    }

    /** A TLS handshake failed on {@code listener}; {@code kind} is one of {@code not_tls}, {@code timeout}, ... */
    public void tlsHandshakeFailed(String listener, String kind) {
        tlsFailures.computeIfAbsent(List.of(listener, kind), k -> Counter.builder("magpie.tls.handshake.failures")
                .tag("listener", listener).tag("kind", kind).description("TLS handshakes that failed, by listener and kind")
                .register(registry)).increment();
    }

    /** One store transaction of {@code writes} writes committed after {@code nanos}; on the store's writer thread. */
    public void storeCommitted(int writes, long nanos) {
        storeCommits.record(nanos, TimeUnit.NANOSECONDS);
        storeBatches.record(writes);
    }
    /**
     * The timer of one event loop's lag ({@code magpie.eventloop.lag{loop=…}}): how late a task scheduled on the loop
     * every second ran. A loop busy with a burst, a slow handler or a pause of the JVM shows here first.
     */
    public Timer eventLoopLag(String loop) {
        return Timer.builder("magpie.eventloop.lag").tag("loop", loop)
                .description("how late a task scheduled on the I/O event loop every second ran")
                .serviceLevelObjectives(millis(1), millis(5), millis(10), millis(50), millis(100), millis(500), millis(1000), millis(5000))
                .register(registry);
    }

    private static java.time.Duration millis(long ms) {
        return java.time.Duration.ofMillis(ms);
    }
}
