package dev.magpie.observe.webhook;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import io.micrometer.core.instrument.Gauge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's webhooks: a {@link BrokerListener} that turns events into signed JSON POSTs, one {@link WebhookSink}
 * (bounded queue, retries) per configured {@link Webhook}. The broker builds one when {@code Broker.Builder.webhook}
 * was called, registers it after the application's listeners, and closes it at stop.
 *
 * <p><b>Threads.</b> The listener methods run on the broker's I/O threads, so they only test the event against each
 * webhook's events and topic filters and enqueue a reference to it (see {@link WebhookSink#offer}); rendering, signing
 * and the HTTP exchange run on {@code magpie-webhook} threads (two, daemon) and the JDK HTTP client's selector, with
 * retries scheduled rather than slept. A receiver that is down or slow therefore costs at most each webhook's
 * {@code maxQueued} events / {@code maxQueuedBytes}; beyond that events are dropped and counted, and MQTT delivery goes on.
 *
 * <p><b>Meters</b> (on the broker's registry): {@code magpie.webhook.sent}, {@code magpie.webhook.retries},
 * {@code magpie.webhook.dropped{reason=queue_full|retries_exhausted|rejected|shutdown}} (counters),
 * {@code magpie.webhook.queued} and {@code magpie.webhook.queued.bytes} (gauges), each tagged {@code webhook=<name>}.
 */
public final class Webhooks implements BrokerListener {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final int THREADS = 2;

    private final List<WebhookSink> sinks;
    private final ScheduledThreadPoolExecutor workers;

    private Webhooks(List<Webhook> hooks, BrokerMetrics metrics, TransportFactory transports) {
        AtomicInteger n = new AtomicInteger();
        this.workers = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "magpie-webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.setRemoveOnCancelPolicy(true);
        EventJson json = new EventJson();
        List<WebhookSink> built = new ArrayList<>();
        for (Webhook hook : hooks) {
            WebhookSink sink = new WebhookSink(hook, transports.create(hook, workers), workers, json, metrics);
            Gauge.builder("magpie.webhook.queued", sink, WebhookSink::held).tag("webhook", hook.name())
                    .description("webhook events held: queued, being sent or waiting for a retry").register(metrics.registry());
            Gauge.builder("magpie.webhook.queued.bytes", sink, WebhookSink::heldBytes).tag("webhook", hook.name())
                    .description("bytes the held webhook events take, roughly").register(metrics.registry());
            built.add(sink);
            LOG.info("webhook {}: {} {}", hook.name(), hook.events().stream().map(WebhookEvent::wireName).sorted().toList(),
                    hook.topics().isEmpty() ? "on every topic" : "on topics " + hook.topics());
        }
        this.sinks = List.copyOf(built);
    }

    /** What creates each webhook's transport: the JDK HTTP client in the broker, a stand-in in tests. */
    interface TransportFactory {
        WebhookTransport create(Webhook hook, ScheduledThreadPoolExecutor workers);
    }

    /** Webhooks for {@code hooks}, counting into {@code metrics}; threads start with the first event. */
    public static Webhooks of(List<Webhook> hooks, BrokerMetrics metrics) {
        return new Webhooks(hooks, metrics, (hook, workers) -> new HttpTransport(hook.timeout(), workers));
    }

    static Webhooks withTransport(List<Webhook> hooks, BrokerMetrics metrics, TransportFactory transports) {
        return new Webhooks(hooks, metrics, transports);
    }

    /** Events held now for the webhook named {@code name} ({@link Webhook#name()}), or -1 if there is none. */
    public int held(String name) {
        return sinks.stream().filter(s -> s.hook().name().equals(name)).mapToInt(WebhookSink::held).findFirst().orElse(-1);
    }

    private void offer(WebhookEvent event, ClientInfo client, Message message, String filter, int qos, String reason) {
        String topic = message == null ? null : message.topic();
        Occurrence occurrence = null; // built once, only if some webhook wants it
        for (WebhookSink sink : sinks) {
            if (sink.wants(event, topic)) {
                if (occurrence == null) {
                    occurrence = new Occurrence(event, System.currentTimeMillis(), client, message, filter, qos, reason);
                }
                sink.offer(occurrence);
            }
        }
    }

    @Override
    public void clientConnected(ClientInfo client) {
        offer(WebhookEvent.CLIENT_CONNECTED, client, null, null, 0, null);
    }

    @Override
    public void clientDisconnected(ClientInfo client, String reason) {
        offer(WebhookEvent.CLIENT_DISCONNECTED, client, null, null, 0, reason);
    }

    @Override
    public void subscribed(ClientInfo client, String filter, int grantedQos) {
        offer(WebhookEvent.CLIENT_SUBSCRIBED, client, null, filter, grantedQos, null);
    }

    @Override
    public void unsubscribed(ClientInfo client, String filter) {
        offer(WebhookEvent.CLIENT_UNSUBSCRIBED, client, null, filter, 0, null);
    }

    @Override
    public void published(ClientInfo publisher, Message message) {
        offer(WebhookEvent.MESSAGE_PUBLISHED, publisher, message, null, 0, null);
    }

    @Override
    public void delivered(ClientInfo subscriber, Message message) {
        offer(WebhookEvent.MESSAGE_DELIVERED, subscriber, message, null, 0, null);
    }

    @Override
    public void dropped(ClientInfo subscriber, Message message, String reason) {
        offer(WebhookEvent.MESSAGE_DROPPED, subscriber, message, null, 0, reason);
    }

    /**
     * Stops taking events and retrying, gives what is queued up to {@code grace} to be sent once (the disconnects of the
     * broker's own shutdown among them), then stops the threads; what is left is counted as dropped at shutdown.
     */
    public void close(Duration grace) {
        sinks.forEach(WebhookSink::beginClosing);
        long deadline = System.nanoTime() + grace.toNanos();
        while (sinks.stream().anyMatch(s -> s.held() > 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // shutdown only: a short poll beats a latch per event
        }
        workers.shutdownNow();
        sinks.forEach(WebhookSink::dropRemaining);
    }
}
