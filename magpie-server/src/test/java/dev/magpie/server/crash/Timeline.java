package dev.magpie.server.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What happened when, shared by the harness and every client: the broker's runs (epoch 0 is the first start,
 * each relaunch after a SIGKILL begins the next) and the incidents clients ran into (a CONNACK refusal, a
 * session the broker forgot, a DISCONNECT for a protocol violation, a stall). Clients attribute what they
 * see (e.g. a QoS 1 redelivery) to the epoch in which they see it. Thread-safe.
 */
final class Timeline {

    enum Kind {
        /** CONNACK with a refusal code: never acceptable for these clients, which the broker always lets in. */
        REFUSED,
        /** Session Present 0 for a persistent session the broker had acknowledged [MQTT-3.2.2-2]. */
        SESSION_LOST,
        /** The broker closed a client with a DISCONNECT reason code >= 0x80 (5.0 only; 3.1.1 has none on the wire). */
        SERVER_DISCONNECT,
        /** A client did not move within the bound after a restart. */
        STALL,
        /** The harness or Paho failed in a way that is not the broker's verdict: the run proves nothing then. */
        HARNESS
    }

    record Incident(Kind kind, String client, int epoch, long atMillis, String detail) {
        @Override
        public String toString() {
            return kind + " " + client + " (broker run " + epoch + "): " + detail;
        }
    }

    private final long origin = System.currentTimeMillis();
    private final AtomicInteger epoch = new AtomicInteger();
    private final List<Long> kills = new CopyOnWriteArrayList<>();
    private final List<Incident> incidents = new CopyOnWriteArrayList<>();

    int epoch() {
        return epoch.get();
    }

    /** A new broker process was launched on the same data directory. */
    int relaunched() {
        return epoch.incrementAndGet();
    }

    void killed() {
        kills.add(System.currentTimeMillis());
    }

    /** Milliseconds since the run began, the time base of every figure. */
    long now() {
        return System.currentTimeMillis() - origin;
    }

    List<Long> killTimes() {
        List<Long> relative = new ArrayList<>();
        kills.forEach(k -> relative.add(k - origin));
        return relative;
    }

    /** How a moment relates to the nearest kill, e.g. "12 ms before kill 3": to tell write-behind losses apart. */
    String nearestKill(long atMillis) {
        List<Long> all = killTimes();
        int best = -1;
        for (int i = 0; i < all.size(); i++) {
            if (best < 0 || Math.abs(all.get(i) - atMillis) < Math.abs(all.get(best) - atMillis)) {
                best = i;
            }
        }
        if (best < 0) {
            return "no kill";
        }
        long d = atMillis - all.get(best);
        return Math.abs(d) + " ms " + (d <= 0 ? "before" : "after") + " kill " + (best + 1);
    }

    void incident(Kind kind, String client, String detail) {
        incidents.add(new Incident(kind, client, epoch(), now(), detail));
    }

    List<Incident> incidents() {
        return List.copyOf(incidents);
    }
}
