package dev.magpie.server.crash;

import org.eclipse.paho.client.mqttv3.MqttException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * The clients that run across the crashes, all persistent sessions over both Paho clients:
 * <ul>
 *   <li>four numbered streams, {@code magpie/crash/<stream>}: v3-q1 and v3-q2 (Paho 3.1.1, QoS 1 and 2), v5-q1 and
 *       v5-q2 (Paho 5), plus a slow retained stream {@code magpie/retained/latest} (QoS 1, one in flight);</li>
 *   <li>{@code sub-v3} (3.1.1) on {@code magpie/crash/+}; {@code sub-v5} (5.0) on three of the streams, and on the
 *       fourth (v3-q2) from a SUBSCRIBE made mid-run, so a subscription acknowledged between crashes is tested;</li>
 *   <li>a {@code $share/crash/magpie/crash/+} group of two, one 3.1.1 and one 5.0 member.</li>
 * </ul>
 * Every subscription asks for QoS 2, so each message arrives at the QoS it was published with.
 */
final class Workload implements AutoCloseable {

    static final String LATE_STREAM = "v3-q2";
    private static final long SESSION_EXPIRY = 3600;

    final List<StreamPublisher> streams = new ArrayList<>();
    final StreamPublisher retained;
    final RecordingSubscriber subV3;
    final RecordingSubscriber subV5;
    final RecordingSubscriber shareA;
    final RecordingSubscriber shareB;
    private final List<Verdict.Expectation> expectations = new CopyOnWriteArrayList<>();
    private final Map<RecordingSubscriber, List<StreamPublisher>> subscribedStreams = new LinkedHashMap<>();
    private final String uri;
    private final CrashSettings settings;
    private final Timeline timeline;

    Workload(String uri, CrashSettings settings, Timeline timeline) {
        this.uri = uri;
        this.settings = settings;
        this.timeline = timeline;
        for (String name : List.of("v3-q1", "v3-q2", "v5-q1", "v5-q2")) {
            int qos = name.endsWith("q1") ? 1 : 2;
            streams.add(new StreamPublisher(name, "magpie/crash/" + name, qos, false, settings.ratePerStream(),
                    settings.window(), timeline, link(name.startsWith("v3"), "crash-pub-" + name, settings.window())));
        }
        retained = new StreamPublisher("retained", "magpie/retained/latest", 1, true, 10, 1, timeline,
                link(true, "crash-pub-retained", 1));
        subV3 = new RecordingSubscriber("sub-v3", timeline, link(true, "crash-sub-v3", 10));
        subV5 = new RecordingSubscriber("sub-v5", timeline, link(false, "crash-sub-v5", 10));
        shareA = new RecordingSubscriber("share-a-v3", timeline, link(true, "crash-share-a", 10));
        shareB = new RecordingSubscriber("share-b-v5", timeline, link(false, "crash-share-b", 10));
    }

    private Function<MqttLink.Events, MqttLink> link(boolean v3, String clientId, int window) {
        return events -> {
            try {
                return v3 ? new PahoV3Link(uri, clientId, 2 * window + 10, events)
                        : new PahoV5Link(uri, clientId, SESSION_EXPIRY, events);
            } catch (MqttException | org.eclipse.paho.mqttv5.common.MqttException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    StreamPublisher stream(String name) {
        return streams.stream().filter(p -> p.stream.equals(name)).findFirst().orElseThrow();
    }

    /** Subscribers first and acknowledged, so every message of every stream is owed to them from seq 1. */
    void start() {
        subV3.start(Map.of("magpie/crash/+", 2));
        subV5.start(Map.of("magpie/crash/v3-q1", 2, "magpie/crash/v5-q1", 2, "magpie/crash/v5-q2", 2));
        shareA.start(Map.of("$share/crash/magpie/crash/+", 2));
        shareB.start(Map.of("$share/crash/magpie/crash/+", 2));
        await("subscribers connected and subscribed").atMost(Duration.ofSeconds(20))
                .until(() -> subV3.ready() && subV5.ready() && shareA.ready() && shareB.ready());
        for (StreamPublisher p : streams) {
            owe(subV3, p, 1);
            owe(List.of(shareA, shareB), "$share group", p, 1);
            if (!p.stream.equals(LATE_STREAM)) {
                owe(subV5, p, 1);
            }
        }
        streams.forEach(StreamPublisher::start);
        retained.start();
    }

    /** sub-v5 subscribes to the late stream now; it is owed every message published after the SUBACK. */
    void subscribeLate() throws Exception {
        subV5.subscribe("magpie/crash/" + LATE_STREAM, 2);
        StreamPublisher late = stream(LATE_STREAM);
        owe(subV5, late, late.nextSeq());
    }

    private void owe(RecordingSubscriber s, StreamPublisher p, int fromSeq) {
        expectations.add(new Verdict.Expectation(s.name, List.of(s), p, fromSeq));
        subscribedStreams.computeIfAbsent(s, k -> new CopyOnWriteArrayList<>()).add(p);
    }

    private void owe(List<RecordingSubscriber> group, String who, StreamPublisher p, int fromSeq) {
        expectations.add(new Verdict.Expectation(who, group, p, fromSeq));
        group.forEach(s -> subscribedStreams.computeIfAbsent(s, k -> new CopyOnWriteArrayList<>()).add(p));
    }

    List<Verdict.Expectation> expectations() {
        return List.copyOf(expectations);
    }

    List<RecordingSubscriber> subscribers() {
        return List.of(subV3, subV5, shareA, shareB);
    }

    List<StreamPublisher> publishers() {
        List<StreamPublisher> all = new ArrayList<>(streams);
        all.add(retained);
        return all;
    }

    /** QoS 1 streams each subscriber gets: the publisher-resend part of its redelivery bound. */
    Map<RecordingSubscriber, Integer> qos1Streams() {
        Map<RecordingSubscriber, Integer> out = new LinkedHashMap<>();
        subscribedStreams.forEach((s, ps) -> out.put(s, (int) ps.stream().filter(p -> p.qos == 1).count()));
        return out;
    }

    /** The next seq of every publisher now: anything at or above it is published after this moment. */
    Map<StreamPublisher, Integer> mark() {
        Map<StreamPublisher, Integer> m = new LinkedHashMap<>();
        publishers().forEach(p -> m.put(p, p.nextSeq()));
        return m;
    }

    /**
     * Who has not moved since {@code mark}: a publisher none of whose new messages was acknowledged, a subscriber
     * that got none of the new messages of a stream it subscribes to (a shared member: of any stream).
     */
    List<String> notMovedSince(Map<StreamPublisher, Integer> mark) {
        List<String> stuck = new ArrayList<>();
        for (StreamPublisher p : publishers()) {
            if (p.maxAcked() < mark.get(p)) {
                stuck.add("publisher " + p.state() + " (nothing from seq " + mark.get(p) + " acknowledged)");
            }
        }
        subscribedStreams.forEach((s, ps) -> {
            boolean shared = s == shareA || s == shareB;
            List<String> missing = new ArrayList<>();
            for (StreamPublisher p : ps) {
                if (s.maxSeq(p.stream) < mark.get(p)) {
                    missing.add(p.stream + " from " + mark.get(p));
                }
            }
            if (shared ? missing.size() == ps.size() : !missing.isEmpty()) {
                stuck.add("subscriber " + s.state() + " (nothing new of " + missing + ")");
            }
        });
        return stuck;
    }

    /** Whether every acknowledged message owed to a subscriber has arrived. */
    boolean allDelivered() {
        for (Verdict.Expectation e : expectations) {
            for (int seq : e.stream().acked().keySet()) {
                if (seq >= e.fromSeq() && e.members().stream().mapToInt(s -> s.count(e.stream().stream, seq)).sum() == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    void stopPublishing() throws InterruptedException {
        for (StreamPublisher p : publishers()) {
            p.stop();
        }
    }

    boolean settled() {
        return publishers().stream().allMatch(p -> p.unsettled() == 0);
    }

    /** A new client's view of the retained topic: the seq it gets, or -1. */
    int readRetained() {
        RecordingSubscriber probe = new RecordingSubscriber("retained-probe", timeline, link(false, "crash-retained-probe", 1));
        try (probe) {
            probe.start(Map.of("magpie/retained/latest", 1));
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> probe.maxSeq("retained") > 0);
            } catch (org.awaitility.core.ConditionTimeoutException none) {
                return -1;
            }
            return probe.maxSeq("retained");
        }
    }

    @Override
    public void close() {
        publishers().forEach(StreamPublisher::close);
        subscribers().forEach(RecordingSubscriber::close);
    }
}
