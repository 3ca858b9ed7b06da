package dev.magpie.server.crash;

import dev.magpie.server.crash.MqttLink.LinkException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps one link connected across broker restarts: every 100 ms, if the link is down, one CONNECT attempt.
 * Our own loop rather than Paho's automatic reconnect, whose back-off grows to minutes and which hides CONNACK
 * refusals; this one records them, and it is bounded: it stops when closed, or gives up (and says so) when the
 * link stays down for {@code giveUpAfter} (far beyond any restart).
 *
 * <p>It also checks Session Present: the first connection of a client id opens a new session; every later one
 * must resume it (3.1.1 Clean Session 0, 5.0 Clean Start 0 with expiry) [MQTT-3.2.2-2], or the broker lost a
 * session it had acknowledged.
 */
final class Reconnector implements AutoCloseable {

    /** What the owner does once connected (e.g. a subscriber whose session is new subscribes). */
    interface OnConnected {
        void connected(boolean sessionPresent, boolean first) throws LinkException;
    }

    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

    private final MqttLink link;
    private final Timeline timeline;
    private final Duration giveUpAfter;
    private final OnConnected onConnected;
    private final ScheduledExecutorService loop;
    private final AtomicInteger connects = new AtomicInteger();
    private final Object connectedSignal = new Object();
    private volatile boolean stopped;
    private volatile long downSince = -1;
    private volatile String lastError = "none";

    Reconnector(MqttLink link, Timeline timeline, Duration giveUpAfter, OnConnected onConnected) {
        this.link = link;
        this.timeline = timeline;
        this.giveUpAfter = giveUpAfter;
        this.onConnected = onConnected;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconnect-" + link.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        loop.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (stopped || link.isConnected()) {
            downSince = -1;
            return;
        }
        long now = System.nanoTime();
        if (downSince < 0) {
            downSince = now;
        } else if (now - downSince > giveUpAfter.toNanos()) {
            timeline.incident(Timeline.Kind.STALL, link.clientId(),
                    "no connection for " + giveUpAfter.toSeconds() + " s, gave up reconnecting; last error: " + lastError);
            stopped = true;
            loop.shutdown();
            return;
        }
        try {
            boolean present = link.connect(ATTEMPT_TIMEOUT);
            boolean first = connects.incrementAndGet() == 1;
            if (!first && !present) {
                timeline.incident(Timeline.Kind.SESSION_LOST, link.clientId(),
                        "reconnect " + connects.get() + " got Session Present 0: the broker forgot the persistent session");
            }
            onConnected.connected(present, first);
            downSince = -1;
            synchronized (connectedSignal) {
                connectedSignal.notifyAll();
            }
        } catch (LinkException e) {
            lastError = e.getMessage();
            if (e.kind == LinkException.Kind.REFUSED) {
                timeline.incident(Timeline.Kind.REFUSED, link.clientId(), "CONNACK refused the connection: " + e.getMessage());
            }
            // UNREACHABLE, TIMEOUT, NOT_CONNECTED: the broker is down or starting; the next tick tries again
        } catch (RuntimeException e) {
            lastError = e.toString();
            timeline.incident(Timeline.Kind.HARNESS, link.clientId(), "reconnect failed unexpectedly: " + e);
        }
    }

    /** Called by the link's owner when Paho reports the connection gone. */
    void lost(String cause, int serverReason) {
        // 0x8B Server shutting down is the graceful end; any other DISCONNECT from the broker is its verdict on us
        // a second CONNECT on one socket is Paho's doing (see Verdict.brokerLog), reported there as the harness's
        if (serverReason >= 0x80 && serverReason != 0x8B && !stopped && !cause.contains("a second CONNECT")) {
            timeline.incident(Timeline.Kind.SERVER_DISCONNECT, link.clientId(),
                    "DISCONNECT 0x" + Integer.toHexString(serverReason) + ": " + cause);
        }
    }

    /** Waits up to {@code max} for the link to be connected; returns whether it is. Not a sleep: woken by a connect. */
    boolean awaitConnected(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (connectedSignal) {
            while (!link.isConnected() && !stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(connectedSignal, left);
            }
        }
        return link.isConnected();
    }

    int connects() {
        return connects.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        stopped = true;
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
