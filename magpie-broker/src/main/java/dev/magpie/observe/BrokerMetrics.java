package dev.magpie.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The broker's meters, registered on one Micrometer registry (a private one unless the embedding
 * application passes its own). Names follow Micrometer conventions: {@code magpie.connections},
 * {@code magpie.messages.received}, ...
 */
public final class BrokerMetrics {
    private final MeterRegistry registry;
    private final AtomicLong connections = new AtomicLong();
    private final Counter connectsAccepted;
    private final Counter connectsRefused;
    private final Counter messagesReceived;
    private final Counter messagesDelivered;
    private final Counter messagesDropped;
    private final Counter protocolErrors;
    private final Map<String, Counter> limitsHit = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedByReason = new ConcurrentHashMap<>();
    /** Webhook counters by meter name, webhook and reason; touched by webhook workers only, never on the hot path. */
    private final Map<List<String>, Counter> webhookCounters = new ConcurrentHashMap<>();

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("magpie.connections", connections, AtomicLong::get).description("open MQTT connections").register(registry);
        connectsAccepted = Counter.builder("magpie.connects").tag("result", "accepted").register(registry);
        connectsRefused = Counter.builder("magpie.connects").tag("result", "refused").register(registry);
        messagesReceived = Counter.builder("magpie.messages.received").description("PUBLISH packets accepted for routing").register(registry);
        messagesDelivered = Counter.builder("magpie.messages.delivered").description("PUBLISH packets written to subscribers").register(registry);
        messagesDropped = Counter.builder("magpie.messages.dropped").description("messages discarded (queue full, too large, ...)").register(registry);
        protocolErrors = Counter.builder("magpie.protocol.errors").description("connections closed for breaking the protocol").register(registry);
    }

    /** PUBLISH packets accepted for routing since start (for the admin API's charts). */
    public long messagesReceivedTotal() {
        return (long) messagesReceived.count();
    }

    /** PUBLISH packets written to subscribers since start. */
    public long messagesDeliveredTotal() {
        return (long) messagesDelivered.count();
    }

    /** Messages discarded since start. */
    public long messagesDroppedTotal() {
        return (long) messagesDropped.count();
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

    public void messageReceived() {
        messagesReceived.increment();
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
        messagesDropped.increment();
        droppedByReason.computeIfAbsent(reason, r -> Counter.builder("magpie.messages.dropped.by_reason").tag("reason", r)
                .description("messages for a session discarded, by reason").register(registry)).increment();
    }

    public void messageDropped() {
        messagesDropped.increment();
    }

    public void messagesDropped(int count) {
        messagesDropped.increment(count);
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
}
