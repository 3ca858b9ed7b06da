package dev.magpie.observe;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.Publish;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The one home of the broker's traffic counts, the numbers mosquitto publishes under {@code $SYS/broker/messages},
 * {@code publish/…}, {@code bytes/…} and {@code load/…}: every MQTT packet in and out ("messages", as mosquitto calls
 * all packets), PUBLISH packets by QoS, their payload bytes, all bytes of the MQTT stream, PUBLISH messages dropped, and
 * the CONNECT packets and sockets behind the connection load.
 *
 * <p>Shaped for the hot path: the per-packet counts are plain {@code long}s of one {@link Local} per event-loop thread,
 * written only by that thread (a connection's handlers all run on its loop), so counting a packet is a few additions
 * to memory the loop owns: no lock, no compare-and-set, no shared cache line, no allocation. Sums are made only when
 * someone reads ({@link #snapshot()}: the {@code $SYS} publisher every {@code sys_interval}, a Prometheus scrape); the
 * reader sees each loop's counts with opaque reads, so it gets whole values, at most a moment old. Rarer counts (drops,
 * sockets) are {@link LongAdder}s, as their callers run on any thread. A snapshot is a moment's view, not an atomic one.
 *
 * <p>Where counting happens: packets received in {@code MqttConnection.channelRead} (every decoded packet, whatever
 * state the connection is in), bytes both ways and packets sent in {@code transport.WireTraffic}, the handler next to
 * the decoder (it sees the MQTT bytes after TLS and WebSocket framing are removed, so they are what mosquitto counts),
 * drops where sessions drop ({@link BrokerMetrics#messageDropped(String)}). Meters are {@link FunctionCounter}s over
 * these counts ({@link #register}), so nothing is counted twice.
 */
public final class TrafficCounters {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Unused slots before and after a loop's counts, so two loops' counts never share a cache line. */
    private static final int PAD = 8;
    private static final int PACKETS_IN = PAD;
    private static final int PUBLISH_IN = PAD + 1; // + QoS
    private static final int PUBLISH_BYTES_IN = PAD + 4;
    private static final int BYTES_IN = PAD + 5;
    private static final int CONNECTS_IN = PAD + 6;
    private static final int OTHER_OUT = PAD + 7;
    private static final int PUBLISH_OUT = PAD + 8; // + QoS
    private static final int PUBLISH_BYTES_OUT = PAD + 11;
    private static final int BYTES_OUT = PAD + 12;
    private static final int SLOTS = PAD + 13 + PAD;

    /** One per thread that ever counted; event loops live as long as the broker, so this stays as small as they are few. */
    private final Map<Thread, Local> locals = new ConcurrentHashMap<>();
    private final LongAdder publishDropped = new LongAdder();
    private final LongAdder socketsOpened = new LongAdder();

    /**
     * The counts of the calling thread, to keep and count into from that thread only (a connection's handlers take their
     * loop's on their first packet). A map look-up: not for every packet.
     */
    public Local local() {
        return locals.computeIfAbsent(Thread.currentThread(), t -> new Local());
    }

    /** As {@link Local#received}, for the calling thread (tests, rare callers). */
    public void received(MqttPacket packet) {
        local().received(packet);
    }

    /** As {@link Local#bytesReceived}, for the calling thread. */
    public void bytesReceived(int count) {
        local().bytesReceived(count);
    }

    /** As {@link Local#sent}, for the calling thread. */
    public void sent(int bytes) {
        local().sent(bytes);
    }

    /** As {@link Local#publishSent}, for the calling thread. */
    public void publishSent(int qos, int bytes, int payloadBytes) {
        local().publishSent(qos, bytes, payloadBytes);
    }

    /** A message for a session discarded (queue full, expired, too large for the client, no longer authorized). */
    public void publishDropped(long count) {
        publishDropped.add(count);
    }

    /** A socket accepted by a listener (counted before the CONNECT, as mosquitto's {@code load/sockets}). */
    public void socketOpened() {
        socketsOpened.increment();
    }

    /** One thread's counts: written by that thread alone, read by any. */
    public static final class Local {
        private final long[] counts = new long[SLOTS];

        private Local() {
        }

        private void add(int slot, long amount) {
            // single writer: a plain read-modify-write; opaque so readers on other threads see whole, recent values
            COUNTS.setOpaque(counts, slot, (long) COUNTS.getOpaque(counts, slot) + amount);
        }

        private long get(int slot) {
            return (long) COUNTS.getOpaque(counts, slot);
        }

        /** A packet decoded from a client; a PUBLISH also counts by QoS with its payload, a CONNECT as a connection. */
        public void received(MqttPacket packet) {
            add(PACKETS_IN, 1);
            if (packet instanceof Publish p) {
                add(PUBLISH_IN + p.qos(), 1);
                add(PUBLISH_BYTES_IN, p.payload().length);
            } else if (packet instanceof Connect) {
                add(CONNECTS_IN, 1);
            }
        }

        /** {@code count} bytes of the MQTT stream read from a client. */
        public void bytesReceived(int count) {
            add(BYTES_IN, count);
        }

        /** A packet other than PUBLISH of {@code bytes} on the wire written to a client. */
        public void sent(int bytes) {
            add(OTHER_OUT, 1);
            add(BYTES_OUT, bytes);
        }

        /** A PUBLISH of {@code bytes} on the wire, {@code payloadBytes} of them payload, written to a client. */
        public void publishSent(int qos, int bytes, int payloadBytes) {
            add(PUBLISH_OUT + qos, 1);
            add(BYTES_OUT, bytes);
            add(PUBLISH_BYTES_OUT, payloadBytes);
        }
    }

    /** The sum of one slot over every thread's counts. */
    private long sum(int slot) {
        long total = 0;
        for (Local l : locals.values()) {
            total += l.get(slot);
        }
        return total;
    }

    /** The counts now (summed over the threads that counted). */
    public Snapshot snapshot() {
        long publishIn = sum(PUBLISH_IN) + sum(PUBLISH_IN + 1) + sum(PUBLISH_IN + 2);
        long publishOut = sum(PUBLISH_OUT) + sum(PUBLISH_OUT + 1) + sum(PUBLISH_OUT + 2);
        return new Snapshot(sum(PACKETS_IN), sum(OTHER_OUT) + publishOut, publishIn, publishOut, publishDropped.sum(),
                sum(PUBLISH_BYTES_IN), sum(PUBLISH_BYTES_OUT), sum(BYTES_IN), sum(BYTES_OUT), sum(CONNECTS_IN), socketsOpened.sum());
    }

    /**
     * Registers the counts on {@code registry} as {@link FunctionCounter}s (Prometheus: {@code magpie_packets_received_total},
     * {@code magpie_messages_received_total{qos="1"}}, {@code magpie_bytes_sent_total}, ...). See docs/operations.md.
     */
    void register(MeterRegistry registry) {
        counter(registry, "magpie.packets.received", "MQTT packets of every type read from clients", t -> t.sum(PACKETS_IN));
        counter(registry, "magpie.packets.sent", "MQTT packets of every type written to clients", t -> t.snapshot().packetsSent());
        counter(registry, "magpie.bytes.received", "bytes of MQTT packets read from clients (after TLS and WebSocket framing)",
                t -> t.sum(BYTES_IN));
        counter(registry, "magpie.bytes.sent", "bytes of MQTT packets written to clients (before TLS and WebSocket framing)",
                t -> t.sum(BYTES_OUT));
        counter(registry, "magpie.publish.bytes.received", "payload bytes of PUBLISH packets read from clients", t -> t.sum(PUBLISH_BYTES_IN));
        counter(registry, "magpie.publish.bytes.sent", "payload bytes of PUBLISH packets written to clients", t -> t.sum(PUBLISH_BYTES_OUT));
        counter(registry, "magpie.messages.dropped", "messages for sessions discarded (queue full, expired, too large, ...)",
                t -> t.publishDropped.sum());
        counter(registry, "magpie.connects.received", "CONNECT packets read", t -> t.sum(CONNECTS_IN));
        counter(registry, "magpie.sockets.opened", "sockets accepted by the MQTT listeners", t -> t.socketsOpened.sum());
        for (int qos = 0; qos < 3; qos++) {
            int in = PUBLISH_IN + qos;
            int out = PUBLISH_OUT + qos;
            FunctionCounter.builder("magpie.messages.received", this, t -> t.sum(in)).tag("qos", String.valueOf(qos))
                    .description("PUBLISH packets read from clients, by QoS").register(registry);
            FunctionCounter.builder("magpie.messages.sent", this, t -> t.sum(out)).tag("qos", String.valueOf(qos))
                    .description("PUBLISH packets written to clients (resends included), by QoS").register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<TrafficCounters> count) {
        FunctionCounter.builder(name, this, count).description(description).register(registry);
    }

    /** The counts at one moment; the field names say what each is. */
    public record Snapshot(long packetsReceived, long packetsSent, long publishReceived, long publishSent, long publishDropped,
                           long publishBytesReceived, long publishBytesSent, long bytesReceived, long bytesSent,
                           long connectsReceived, long socketsOpened) {
    }
}
