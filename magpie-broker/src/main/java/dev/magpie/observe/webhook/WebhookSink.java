package dev.magpie.observe.webhook;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.RefusalLog;
import dev.magpie.security.acl.TopicFilters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One webhook's bounded queue and the few request slots that empty it.
 *
 * <p>{@link #offer} runs on the broker's I/O threads and never blocks: it reserves room in two bounds (events and
 * bytes held, counting those being sent or waiting for a retry, so a dead receiver cannot grow memory through its
 * retries either), adds the event to a lock-free queue and, when a slot is free, hands one to the worker pool. A slot
 * takes an event, renders it once, and sends it until it is answered 2xx, refused for good, or out of retries (each
 * after a doubled, jittered backoff on the pool's scheduler, no thread waiting); then it takes the next. A full bound
 * drops the new event, counted as {@code queue_full}: the broker's delivery never waits for a webhook.
 */
final class WebhookSink {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    private final Webhook hook;
    private final Set<WebhookEvent> events;
    private final List<String> topics;
    private final WebhookTransport transport;
    private final ScheduledExecutorService workers;
    private final EventJson json;
    private final BrokerMetrics metrics;
    private final Queue<Occurrence> queue = new ConcurrentLinkedQueue<>();
    /** Events accepted and not yet finished (queued, being sent, waiting for a retry), and their {@link Occurrence#heldBytes}. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicInteger slotsBusy = new AtomicInteger();
    private final RefusalLog fullLog = new RefusalLog(LOG);
    private final RefusalLog failureLog = new RefusalLog(LOG);
    /** Set at shutdown: no new events, no more retries. */
    private volatile boolean closing;
    /** Set once the pool is stopped: what is held is counted as dropped, late answers are ignored. */
    private volatile boolean stopped;

    WebhookSink(Webhook hook, WebhookTransport transport, ScheduledExecutorService workers, EventJson json, BrokerMetrics metrics) {
        this.hook = hook;
        this.events = EnumSet.copyOf(hook.events());
        this.topics = hook.topics();
        this.transport = transport;
        this.workers = workers;
        this.json = json;
        this.metrics = metrics;
    }

    Webhook hook() {
        return hook;
    }

    /** Whether this webhook takes {@code event} about {@code topic} (null for client events); called on I/O threads. */
    boolean wants(WebhookEvent event, String topic) {
        if (!events.contains(event)) {
            return false;
        }
        if (topic == null || topics.isEmpty()) {
            return true;
        }
        for (String filter : topics) {
            if (TopicFilters.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Queues {@code o} if both bounds have room, else drops and counts it. Never blocks. */
    boolean offer(Occurrence o) {
        if (closing) {
            metrics.webhookDropped(hook.name(), "shutdown");
            return false;
        }
        long bytes = o.heldBytes();
        if (!reserve(bytes)) {
            metrics.webhookDropped(hook.name(), "queue_full");
            fullLog.refused("webhook {}: queue full (max_queued / max_queued_bytes), new events are dropped", hook.name());
            return false;
        }
        queue.add(o);
        startSlotIfFree();
        return true;
    }

    /** Takes room for one event of {@code bytes} in both bounds, or none; the counters never pass a bound, even for a moment. */
    private boolean reserve(long bytes) {
        for (int h = held.get(); ; h = held.get()) {
            if (h >= hook.maxQueued()) {
                return false;
            }
            if (held.compareAndSet(h, h + 1)) {
                break;
            }
        }
        for (long b = heldBytes.get(); ; b = heldBytes.get()) {
            if (b + bytes > hook.maxQueuedBytes()) {
                held.decrementAndGet();
                return false;
            }
            if (heldBytes.compareAndSet(b, b + bytes)) {
                return true;
            }
        }
    }

    private void startSlotIfFree() {
        for (int busy = slotsBusy.get(); busy < hook.maxInFlight() && !queue.isEmpty(); busy = slotsBusy.get()) {
            if (slotsBusy.compareAndSet(busy, busy + 1)) {
                runSlot();
                return;
            }
        }
    }

    /** Continues a busy slot on the pool (never inline: a transport that answers at once must not recurse). */
    private void runSlot() {
        try {
            workers.execute(this::sendNext);
        } catch (RejectedExecutionException e) { // shut down: the slot ends here
            slotsBusy.decrementAndGet();
        }
    }

    private void sendNext() {
        Occurrence o = queue.poll();
        if (o == null) {
            slotsBusy.decrementAndGet();
            startSlotIfFree(); // an offer may have come between the poll and the decrement, and seen every slot busy
            return;
        }
        String id = UUID.randomUUID().toString(); // here, not on the I/O thread: the shared SecureRandom is synchronized
        byte[] body;
        try {
            body = json.render(o, id);
        } catch (RuntimeException e) {
            LOG.warn("webhook {}: {} event not rendered: {}", hook.name(), o.event().wireName(), e.toString());
            finish(o, "unrenderable");
            return;
        }
        attempt(o, id, body, 0);
    }

    private void attempt(Occurrence o, String id, byte[] body, int retriesDone) {
        CompletableFuture<Integer> answer;
        try {
            answer = transport.post(hook, o.event(), id, body);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((status, failure) -> {
            if (stopped) {
                return; // already counted as dropped at shutdown
            }
            if (failure == null && status >= 200 && status < 300) {
                metrics.webhookSent(hook.name());
                finish(o, null);
            } else if (failure == null && !retryable(status)) {
                failureLog.refused("webhook {}: the receiver refused an event with status " + status + " (not retried; a 401 "
                        + "or 403 may mean a wrong secret), dropped", hook.name());
                finish(o, "rejected");
            } else if (retriesDone < hook.retries() && !closing) {
                metrics.webhookRetried(hook.name());
                retryLater(o, id, body, retriesDone);
            } else {
                failureLog.refused("webhook {}: an event was dropped after " + (retriesDone + 1) + " attempt(s), the last one "
                        + describe(status, failure), hook.name());
                finish(o, closing ? "shutdown" : "retries_exhausted");
            }
        });
    }

    /** 408 Request Timeout, 429 Too Many Requests and 5xx may pass; other answers will not change on a retry. */
    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private void retryLater(Occurrence o, String id, byte[] body, int retriesDone) {
        long first = hook.backoff().toMillis();
        long delay = Math.min(Webhook.MAX_BACKOFF.toMillis(), first << Math.min(retriesDone, 20));
        delay += ThreadLocalRandom.current().nextLong(delay / 4 + 1); // jitter: receivers back up together do not retry in step
        try {
            workers.schedule(() -> attempt(o, id, body, retriesDone + 1), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finish(o, "shutdown");
        }
    }

    private static String describe(Integer status, Throwable failure) {
        if (failure == null) {
            return "answered " + status;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "timed out";
        }
        if (cause instanceof ConnectException) {
            return "could not connect (" + cause.getClass().getSimpleName() + ")";
        }
        return "failed (" + cause.getClass().getSimpleName() + ")";
    }

    /** The event is done with ({@code dropReason} null: delivered); frees its room and moves the slot on. */
    private void finish(Occurrence o, String dropReason) {
        if (stopped) {
            return;
        }
        heldBytes.addAndGet(-o.heldBytes());
        held.decrementAndGet();
        if (dropReason != null) {
            metrics.webhookDropped(hook.name(), dropReason);
        }
        runSlot();
    }

    /** Events held now: queued, being sent or waiting for a retry. */
    int held() {
        return held.get();
    }

    long heldBytes() {
        return heldBytes.get();
    }

    /** Stops taking events and retrying; what is queued is still sent once while the pool runs. */
    void beginClosing() {
        closing = true;
    }

    /**
     * After the pool stopped: every event still held (queued, in flight, waiting for a retry that will never run) is
     * counted as dropped at shutdown.
     */
    void dropRemaining() {
        stopped = true;
        queue.clear();
        heldBytes.set(0);
        int lost = held.getAndSet(0);
        for (int i = 0; i < lost; i++) {
            metrics.webhookDropped(hook.name(), "shutdown");
        }
    }
}
