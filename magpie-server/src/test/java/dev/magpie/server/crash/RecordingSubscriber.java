package dev.magpie.server.crash;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A persistent subscriber that records every numbered message it gets: per stream, how often each seq arrived,
 * duplicates of QoS 2 messages (never allowed, [MQTT-4.3.3-10]: exactly once, across any number of broker
 * restarts) and redeliveries of QoS 1 messages (allowed [MQTT-4.3.2-1], counted per broker run so the report
 * shows what each crash cost).
 *
 * <p>The receiver's half of QoS 2 is done here, as the spec puts it on the client: a PUBLISH with a packet id
 * that is still open (no PUBCOMP sent yet) is the same message again and is not an application delivery
 * [MQTT-4.3.3-10]. Paho 3.1.1 already does this; Paho 5 does not (see {@link PahoV5Link}). Once Paho sent PUBCOMP
 * the id is free and any later PUBLISH of that message is a real duplicate, the broker's.
 */
final class RecordingSubscriber implements AutoCloseable {

    /**
     * A QoS 2 message that arrived again, for the report: when and with which packet id the first and this copy
     * came. The same packet id with DUP means the broker resent a PUBLISH it had already completed (it lost the
     * PUBREC/PUBCOMP); another id means it routed or queued the message twice.
     */
    record Duplicate(String stream, int seq, int firstEpoch, int firstPacketId, int epoch, int packetId, boolean dupFlag) {
    }

    final String name;
    private final MqttLink link;
    private final Reconnector reconnector;
    private final Timeline timeline;
    /** filter -> QoS, re-subscribed only if the broker lost the session (which is reported). */
    private final Map<String, Integer> filters = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, AtomicInteger>> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxSeq = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> qos1RedeliveriesByEpoch = new ConcurrentHashMap<>();
    private final List<Duplicate> qos2Duplicates = new CopyOnWriteArrayList<>();
    private final List<String> others = new CopyOnWriteArrayList<>();
    private final Map<Integer, String> openQos2 = new ConcurrentHashMap<>();
    /** stream:seq -> when it first arrived (ms on the timeline). */
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    /** stream:seq -> {epoch, packet id} of the first delivery of a QoS 2 message. */
    private final Map<String, int[]> firstQos2 = new ConcurrentHashMap<>();
    private final AtomicInteger suppressedQos2Resends = new AtomicInteger();
    private final AtomicInteger deliveries = new AtomicInteger();
    private volatile boolean subscribed;

    RecordingSubscriber(String name, Timeline timeline, Function<MqttLink.Events, MqttLink> linkFactory) {
        this.name = name;
        this.timeline = timeline;
        this.link = linkFactory.apply(new MqttLink.Events() {
            @Override
            public void message(String topic, byte[] payload, int qos, int packetId, boolean duplicate, boolean retained) {
                arrived(topic, payload, qos, packetId, duplicate);
            }

            @Override
            public void inboundReleased(int packetId) {
                openQos2.remove(packetId);
            }

            @Override
            public void lost(String cause, int serverReason) {
                Reconnector r = reconnector();
                if (r != null) {
                    r.lost(cause, serverReason);
                }
            }
        });
        this.reconnector = new Reconnector(link, timeline, Duration.ofSeconds(60), this::connected);
    }

    private Reconnector reconnector() {
        return reconnector;
    }

    /** Connects (in the background, then after every loss) and subscribes to {@code filter} once the session is new. */
    void start(Map<String, Integer> initialFilters) {
        filters.putAll(initialFilters);
        reconnector.start();
    }

    private void connected(boolean sessionPresent, boolean first) throws MqttLink.LinkException {
        if (!sessionPresent) {
            // a new session has no subscriptions; after a lost session (already reported) we subscribe again so
            // the rest of the run still measures something
            for (Map.Entry<String, Integer> f : filters.entrySet()) {
                subscribeNow(f.getKey(), f.getValue());
            }
        }
        subscribed = true;
    }

    private void subscribeNow(String filter, int qos) throws MqttLink.LinkException {
        int granted = link.subscribe(filter, qos, Duration.ofSeconds(5));
        if (granted >= 0x80) {
            timeline.incident(Timeline.Kind.REFUSED, link.clientId(), "SUBACK 0x" + Integer.toHexString(granted) + " for " + filter);
        }
    }

    /** A new subscription while the run goes on; returns once SUBACK arrived. */
    void subscribe(String filter, int qos) throws MqttLink.LinkException, InterruptedException {
        if (!reconnector.awaitConnected(Duration.ofSeconds(10))) {
            throw new MqttLink.LinkException(MqttLink.LinkException.Kind.NOT_CONNECTED, 0, name + " not connected", null);
        }
        subscribeNow(filter, qos);
        filters.put(filter, qos);
    }

    /** Connected at least once and its first subscriptions acknowledged (SUBACK). */
    boolean ready() {
        return subscribed;
    }

    private void arrived(String topic, byte[] payload, int qos, int packetId, boolean dupFlag) {
        String stream = StreamPublisher.streamOf(payload);
        int seq = StreamPublisher.seqOf(payload);
        if (seq < 0) {
            others.add(topic + " " + new String(payload, java.nio.charset.StandardCharsets.UTF_8) + " @" + timeline.now());
            return;
        }
        String key = stream + ":" + seq;
        if (qos == 2) {
            String open = openQos2.putIfAbsent(packetId, key);
            if (key.equals(open)) {
                suppressedQos2Resends.incrementAndGet(); // same packet id, not yet released: the same delivery
                return;
            }
            if (open != null) {
                openQos2.put(packetId, key); // the broker reused an id we had not released; the report shows the duplicates it causes
            }
        }
        deliveries.incrementAndGet();
        firstArrival.putIfAbsent(key, timeline.now());
        int count = received.computeIfAbsent(stream, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(seq, s -> new AtomicInteger()).incrementAndGet();
        maxSeq.computeIfAbsent(stream, s -> new AtomicInteger()).accumulateAndGet(seq, Math::max);
        if (qos == 2) {
            firstQos2.putIfAbsent(key, new int[]{timeline.epoch(), packetId});
        }
        if (count > 1) {
            if (qos == 2) {
                int[] first = firstQos2.get(key);
                qos2Duplicates.add(new Duplicate(stream, seq, first[0], first[1], timeline.epoch(), packetId, dupFlag));
            } else {
                qos1RedeliveriesByEpoch.computeIfAbsent(timeline.epoch(), e -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    /** How often {@code seq} of {@code stream} reached this subscriber (0 if never). */
    int count(String stream, int seq) {
        Map<Integer, AtomicInteger> s = received.get(stream);
        AtomicInteger c = s == null ? null : s.get(seq);
        return c == null ? 0 : c.get();
    }

    /** When {@code seq} of {@code stream} first arrived (ms on the timeline), or -1. */
    long firstArrival(String stream, int seq) {
        return firstArrival.getOrDefault(stream + ":" + seq, -1L);
    }

    int distinct(String stream) {
        Map<Integer, AtomicInteger> s = received.get(stream);
        return s == null ? 0 : s.size();
    }

    int maxSeq(String stream) {
        AtomicInteger m = maxSeq.get(stream);
        return m == null ? 0 : m.get();
    }

    int deliveries() {
        return deliveries.get();
    }

    /** broker run -> QoS 1 messages received again during it. */
    Map<Integer, Integer> qos1RedeliveriesByEpoch() {
        Map<Integer, Integer> copy = new java.util.TreeMap<>();
        qos1RedeliveriesByEpoch.forEach((e, c) -> copy.put(e, c.get()));
        return copy;
    }

    List<Duplicate> qos2Duplicates() {
        return List.copyOf(qos2Duplicates);
    }

    int suppressedQos2Resends() {
        return suppressedQos2Resends.get();
    }

    /** Messages that are not part of a numbered stream (wills), as "topic payload @ms". */
    List<String> others() {
        return List.copyOf(others);
    }

    String clientId() {
        return link.clientId();
    }

    String state() {
        return link.clientId() + " connected=" + link.isConnected() + " deliveries=" + deliveries() + " maxSeq=" + maxSeq
                + " connects=" + reconnector.connects() + " lastConnectError=" + reconnector.lastError();
    }

    @Override
    public void close() {
        reconnector.close();
        link.close();
    }
}
