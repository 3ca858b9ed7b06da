package dev.magpie.server.crash;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * One numbered stream: payloads {@code <stream>:<seq>} with seq 1, 2, 3..., published at a steady rate with at
 * most {@code window} messages unacknowledged, over one persistent client that outlives every broker crash.
 *
 * <p>What "acknowledged" means here, and so what the broker owes: QoS 1 when PUBACK arrived (the token
 * completed) [MQTT-4.3.2-2]; QoS 2 when PUBREC arrived, seen through Paho's persistence (see {@link PahoV3Link})
 * [MQTT-4.3.3-2], or failing that when PUBCOMP completed the token. A message Paho accepted but the broker never
 * acknowledged is not owed; Paho resends it with DUP after every reconnect, so it usually becomes acknowledged.
 */
final class StreamPublisher implements AutoCloseable {

    final String stream;
    final String topic;
    final int qos;
    final boolean retain;
    private final int window;
    private final Semaphore permits;
    private final long intervalNanos;
    private final MqttLink link;
    private final Reconnector reconnector;
    private final Timeline timeline;
    private final AtomicInteger nextSeq = new AtomicInteger(1);
    private final AtomicInteger maxAcked = new AtomicInteger();
    private final Map<Integer, Long> handedAt = new ConcurrentHashMap<>();
    private final Map<Integer, Long> ackedAt = new ConcurrentHashMap<>();
    private final Set<Integer> settled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread worker;
    private volatile boolean stopping;
    private volatile String lastFailure = "none";

    /**
     * @param linkFactory builds the client with the events this publisher listens to (PUBREC, connection lost)
     */
    StreamPublisher(String stream, String topic, int qos, boolean retain, int ratePerSecond, int window,
                    Timeline timeline, Function<MqttLink.Events, MqttLink> linkFactory) {
        this.stream = stream;
        this.topic = topic;
        this.qos = qos;
        this.retain = retain;
        this.window = window;
        this.permits = new Semaphore(window);
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        this.timeline = timeline;
        this.link = linkFactory.apply(new MqttLink.Events() {
            @Override
            public void pubRec(byte[] payload) {
                int seq = seqOf(payload);
                if (seq > 0) {
                    acknowledged(seq);
                }
            }

            @Override
            public void lost(String cause, int serverReason) {
                Reconnector r = reconnector();
                if (r != null) {
                    r.lost(cause, serverReason);
                }
            }
        });
        this.reconnector = new Reconnector(link, timeline, Duration.ofSeconds(60), (present, first) -> { });
        this.worker = new Thread(this::publishLoop, "publish-" + stream);
        worker.setDaemon(true);
    }

    private Reconnector reconnector() {
        return reconnector;
    }

    void start() {
        reconnector.start();
        worker.start();
    }

    static byte[] payload(String stream, int seq) {
        return (stream + ":" + seq).getBytes(StandardCharsets.US_ASCII);
    }

    /** The sequence number in a payload of this harness, or -1. */
    static int seqOf(byte[] payload) {
        String s = new String(payload, StandardCharsets.US_ASCII);
        int colon = s.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String streamOf(byte[] payload) {
        String s = new String(payload, StandardCharsets.US_ASCII);
        int colon = s.lastIndexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    /** The loop ends by itself when stopped, or after an hour whatever happens. */
    private void publishLoop() {
        long hardStop = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        long next = System.nanoTime();
        try {
            while (!stopping && System.nanoTime() < hardStop) {
                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue; // window full: wait for acknowledgements
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing of the workload, not synchronisation
                }
                next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
                int seq = nextSeq.get();
                try {
                    link.publish(topic, payload(stream, seq), qos, retain, delivery(seq));
                    handedAt.put(seq, timeline.now());
                    nextSeq.incrementAndGet();
                } catch (MqttLink.LinkException e) {
                    permits.release();
                    if (e.kind == MqttLink.LinkException.Kind.OTHER) {
                        lastFailure = e.getMessage();
                    }
                    // not connected, or Paho's own in-flight limit: the same seq again once connected
                    reconnector.awaitConnected(Duration.ofMillis(200));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MqttLink.Delivery delivery(int seq) {
        return new MqttLink.Delivery() {
            @Override
            public void completed(int reason) {
                if (reason < 0x80) {
                    acknowledged(seq);
                } else {
                    refused.incrementAndGet(); // a 5.0 PUBACK/PUBREC >= 0x80: the broker refused this message
                    lastFailure = "reason code 0x" + Integer.toHexString(reason) + " for seq " + seq;
                }
                settle(seq);
            }

            @Override
            public void failed(String why) {
                failed.incrementAndGet();
                lastFailure = why + " (seq " + seq + ")";
                settle(seq);
            }
        };
    }

    private void settle(int seq) {
        if (settled.add(seq)) {
            permits.release();
        }
    }

    private void acknowledged(int seq) {
        ackedAt.putIfAbsent(seq, timeline.now());
        maxAcked.accumulateAndGet(seq, Math::max);
    }

    /** The seq the next new message will carry: every seq from here on is published after this call. */
    int nextSeq() {
        return nextSeq.get();
    }

    int maxAcked() {
        return maxAcked.get();
    }

    /** seq -> when the broker acknowledged it (ms on the timeline). */
    Map<Integer, Long> acked() {
        return Map.copyOf(ackedAt);
    }

    int handed() {
        return nextSeq.get() - 1;
    }

    int unsettled() {
        return handed() - settled.size();
    }

    int failed() {
        return failed.get();
    }

    int refused() {
        return refused.get();
    }

    int window() {
        return window;
    }

    String clientId() {
        return link.clientId();
    }

    /** For a stall report: what this publisher looks like right now. */
    String state() {
        return link.clientId() + " connected=" + link.isConnected() + " handed=" + handed() + " acked=" + ackedAt.size()
                + " maxAcked=" + maxAcked() + " unsettled=" + unsettled() + " window free=" + permits.availablePermits()
                + "/" + window + " connects=" + reconnector.connects() + " lastConnectError=" + reconnector.lastError()
                + " lastFailure=" + lastFailure;
    }

    /** Publishes nothing new from now on; what is in flight is still resent and acknowledged. */
    void stop() throws InterruptedException {
        stopping = true;
        worker.join(5_000);
    }

    @Override
    public void close() {
        stopping = true;
        reconnector.close();
        link.close();
    }
}
