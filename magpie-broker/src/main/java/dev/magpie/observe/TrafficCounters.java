package dev.magpie.observe;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.Publish;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.LongAdder;

/**
 * The one home of the broker's traffic counts, the numbers mosquitto publishes under {@code $SYS/broker/messages},
 * {@code publish/…}, {@code bytes/…} and {@code load/…}: every MQTT packet in and out ("messages", as mosquitto calls
 * all packets), PUBLISH packets by QoS, their payload bytes, all bytes of the MQTT stream, PUBLISH messages dropped, and
 * the CONNECT packets and sockets behind the connection load.
 *
 * <p>Shaped for the hot path: each count is a {@link LongAdder}, so the event loops that count at once each add to a
 * cell of their own (no lock, no shared cache line, no allocation per packet), and the sum is made only when someone
 * reads ({@link #snapshot()}, the {@code $SYS} publisher every {@code sys_interval}, a Prometheus scrape). A snapshot
 * is a moment's view, not an atomic one: counts taken during the read may or may not be in it.
 *
 * <p>Where counting happens: packets received in {@code MqttConnection.channelRead} (every decoded packet, whatever
 * state the connection is in), bytes both ways and packets sent in {@code transport.WireTraffic}, the handler next to
 * the decoder (it sees the MQTT bytes after TLS and WebSocket framing are removed, so they are what mosquitto counts),
 * drops where sessions drop ({@link BrokerMetrics#messageDropped(String)}). Meters are {@link FunctionCounter}s over
 * these adders ({@link #register}), so nothing is counted twice.
 */
public final class TrafficCounters {
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder[] publishReceived = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] publishSent = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder publishBytesReceived = new LongAdder();
    private final LongAdder publishBytesSent = new LongAdder();
    private final LongAdder publishDropped = new LongAdder();
    private final LongAdder connectsReceived = new LongAdder();
    private final LongAdder socketsOpened = new LongAdder();

    /** A packet decoded from a client; a PUBLISH also counts by QoS with its payload, a CONNECT as a connection. */
    public void received(MqttPacket packet) {
        packetsReceived.increment();
        if (packet instanceof Publish p) {
            publishReceived[p.qos()].increment();
            publishBytesReceived.add(p.payload().length);
        } else if (packet instanceof Connect) {
            connectsReceived.increment();
        }
    }

    /** {@code count} bytes of the MQTT stream read from a client. */
    public void bytesReceived(int count) {
        bytesReceived.add(count);
    }

    /** A packet other than PUBLISH of {@code bytes} on the wire written to a client. */
    public void sent(int bytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
    }

    /** A PUBLISH of {@code bytes} on the wire, {@code payloadBytes} of them payload, written to a client. */
    public void publishSent(int qos, int bytes, int payloadBytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
        publishSent[qos].increment();
        publishBytesSent.add(payloadBytes);
    }

    /** A message for a session discarded (queue full, expired, too large for the client, no longer authorized). */
    public void publishDropped(long count) {
        publishDropped.add(count);
    }

    /** A socket accepted by a listener (counted before the CONNECT, as mosquitto's {@code load/sockets}). */
    public void socketOpened() {
        socketsOpened.increment();
    }

    /** The counts now (summed over the event loops that added to them). */
    public Snapshot snapshot() {
        long[] byQosIn = {publishReceived[0].sum(), publishReceived[1].sum(), publishReceived[2].sum()};
        long[] byQosOut = {publishSent[0].sum(), publishSent[1].sum(), publishSent[2].sum()};
        return new Snapshot(packetsReceived.sum(), packetsSent.sum(), byQosIn[0] + byQosIn[1] + byQosIn[2],
                byQosOut[0] + byQosOut[1] + byQosOut[2], publishDropped.sum(), publishBytesReceived.sum(), publishBytesSent.sum(),
                bytesReceived.sum(), bytesSent.sum(), connectsReceived.sum(), socketsOpened.sum());
    }

    /**
     * Registers the counts on {@code registry} as {@link FunctionCounter}s (Prometheus: {@code magpie_packets_received_total},
     * {@code magpie_messages_received_total{qos="1"}}, {@code magpie_bytes_sent_total}, ...). See docs/operations.md.
     */
    void register(MeterRegistry registry) {
        counter(registry, "magpie.packets.received", "MQTT packets of every type read from clients", packetsReceived);
        counter(registry, "magpie.packets.sent", "MQTT packets of every type written to clients", packetsSent);
        counter(registry, "magpie.bytes.received", "bytes of MQTT packets read from clients (after TLS and WebSocket framing)", bytesReceived);
        counter(registry, "magpie.bytes.sent", "bytes of MQTT packets written to clients (before TLS and WebSocket framing)", bytesSent);
        counter(registry, "magpie.publish.bytes.received", "payload bytes of PUBLISH packets read from clients", publishBytesReceived);
        counter(registry, "magpie.publish.bytes.sent", "payload bytes of PUBLISH packets written to clients", publishBytesSent);
        counter(registry, "magpie.messages.dropped", "messages for sessions discarded (queue full, expired, too large, ...)", publishDropped);
        counter(registry, "magpie.connects.received", "CONNECT packets read", connectsReceived);
        counter(registry, "magpie.sockets.opened", "sockets accepted by the MQTT listeners", socketsOpened);
        for (int qos = 0; qos < 3; qos++) {
            FunctionCounter.builder("magpie.messages.received", publishReceived[qos], LongAdder::sum).tag("qos", String.valueOf(qos))
                    .description("PUBLISH packets read from clients, by QoS").register(registry);
            FunctionCounter.builder("magpie.messages.sent", publishSent[qos], LongAdder::sum).tag("qos", String.valueOf(qos))
                    .description("PUBLISH packets written to clients (resends included), by QoS").register(registry);
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }

    /** The counts at one moment; the field names say what each is. */
    public record Snapshot(long packetsReceived, long packetsSent, long publishReceived, long publishSent, long publishDropped,
                           long publishBytesReceived, long publishBytesSent, long bytesReceived, long bytesSent,
                           long connectsReceived, long socketsOpened) {
    }
}
