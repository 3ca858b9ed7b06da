package dev.magpie.server.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns what the publishers and subscribers recorded into failures and figures. Each check names the rule it
 * enforces; the figures are printed on every run, passing or not, so a long run reads as a measurement.
 */
final class Verdict {

    /** {@code members} (one subscriber, or the two of a {@code $share} group) owe every acknowledged seq >= {@code fromSeq}. */
    record Expectation(String who, List<RecordingSubscriber> members, StreamPublisher stream, int fromSeq) {
        boolean shared() {
            return members.size() > 1;
        }
    }

    private static final String SECOND_CONNECT = "a second CONNECT is not allowed";

    private final Timeline timeline;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder figures = new StringBuilder();

    Verdict(Timeline timeline) {
        this.timeline = timeline;
    }

    void line(String text) {
        figures.append(text).append('\n');
    }

    void fail(String text) {
        failures.add(text);
    }

    void publishers(List<StreamPublisher> publishers) {
        line("publishers (handed to Paho / acknowledged by the broker / token failures (Paho fails in-flight tokens on"
                + " a lost connection, then resends) / refused / never settled):");
        for (StreamPublisher p : publishers) {
            line(String.format("  %-10s QoS %d%s %6d / %6d / %d / %d / %d", p.stream, p.qos, p.retain ? " retained" : "",
                    p.handed(), p.acked().size(), p.failed(), p.refused(), p.unsettled()));
            if (p.refused() > 0) {
                fail(p.stream + ": the broker refused " + p.refused() + " PUBLISH(es) with a reason code >= 0x80");
            }
        }
    }

    /**
     * Every acknowledged message reaches its subscriber(s) [MQTT-4.3.2-1] [MQTT-4.3.3-1] (a persistent session
     * keeps QoS 1/2 messages while offline [MQTT-3.1.2-5]); QoS 2 ones exactly once, also across the members of
     * a shared group (each message to one member only [MQTT-4.8.2-2]).
     */
    void deliveries(List<Expectation> expectations) {
        line("deliveries (acknowledged & owed / received distinct / lost / QoS 2 duplicates):");
        for (Expectation e : expectations) {
            StreamPublisher p = e.stream();
            Map<Integer, Long> acked = p.acked();
            List<Integer> lost = new ArrayList<>();
            List<Integer> duplicated = new ArrayList<>();
            int owed = 0;
            int received = 0;
            for (int seq : new TreeSet<>(acked.keySet())) {
                if (seq < e.fromSeq()) {
                    continue;
                }
                owed++;
                int count = 0;
                for (RecordingSubscriber s : e.members()) {
                    count += s.count(p.stream, seq);
                }
                if (count == 0) {
                    lost.add(seq);
                } else {
                    received++;
                }
                if (count > 1 && p.qos == 2) {
                    duplicated.add(seq);
                }
            }
            String label = e.who() + " <- " + p.stream;
            line(String.format("  %-34s %6d / %6d / %d / %d", label, owed, received, lost.size(), duplicated.size()));
            if (!lost.isEmpty()) {
                fail(label + ": " + lost.size() + " of " + owed + " acknowledged messages never arrived"
                        + (e.fromSeq() > 1 ? " (subscribed mid-run, owed from seq " + e.fromSeq() + ")" : "")
                        + "; e.g. " + examples(lost, acked));
            }
            if (!duplicated.isEmpty()) {
                fail(label + ": " + duplicated.size() + " QoS 2 messages delivered more than once"
                        + (e.shared() ? " within the $share group" : "") + "; e.g. " + examples(duplicated, acked));
            }
        }
    }

    private String examples(List<Integer> seqs, Map<Integer, Long> acked) {
        List<String> out = new ArrayList<>();
        for (int seq : seqs.subList(0, Math.min(5, seqs.size()))) {
            Long at = acked.get(seq);
            out.add("seq " + seq + (at == null ? "" : " acked at " + at + " ms (" + timeline.nearestKill(at) + ")"));
        }
        return String.join(", ", out) + (seqs.size() > 5 ? ", ..." : "");
    }

    /**
     * QoS 1 redeliveries per broker run, per subscriber session: a crash may resend what was in flight (at most
     * the broker's in-flight window, maxInflight: a message goes on the wire only once its in-flight record is
     * committed, and a new one takes the slot of one whose completion was committed before it) plus what the
     * publishers resent with DUP (their windows); never the acknowledged history.
     */
    void redeliveries(List<RecordingSubscriber> subscribers, Map<RecordingSubscriber, Integer> qos1StreamsOf, int window) {
        line("QoS 1 redeliveries per broker run (run: count), bound per run = maxInflight "
                + CrashSettings.BROKER_MAX_INFLIGHT + " + publisher windows:");
        for (RecordingSubscriber s : subscribers) {
            Map<Integer, Integer> byEpoch = s.qos1RedeliveriesByEpoch();
            int bound = CrashSettings.BROKER_MAX_INFLIGHT + qos1StreamsOf.getOrDefault(s, 0) * window;
            int max = byEpoch.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int runs = Math.max(1, timeline.epoch());
            double mean = byEpoch.values().stream().mapToInt(Integer::intValue).sum() / (double) runs;
            line(String.format("  %-14s max %d, mean %.1f per restart, bound %d; %s; QoS 2 resends of an open packet id"
                    + " absorbed by the client: %d", s.name, max, mean, bound, byEpoch, s.suppressedQos2Resends()));
            byEpoch.forEach((epoch, count) -> {
                if (count > bound) {
                    fail(s.name + ": " + count + " QoS 1 redeliveries in broker run " + epoch + ", more than the bound " + bound);
                }
            });
            if (byEpoch.containsKey(0)) {
                fail(s.name + ": " + byEpoch.get(0) + " QoS 1 redeliveries before any crash (harness or broker bug)");
            }
            for (RecordingSubscriber.Duplicate d : s.qos2Duplicates()) {
                line("    QoS 2 duplicate at " + s.name + ": " + d);
            }
        }
    }

    /** Incidents clients ran into: refusals, lost sessions, protocol-violation closes, stalls, harness trouble. */
    void incidents() {
        List<Timeline.Incident> all = timeline.incidents();
        line("incidents: " + all.size());
        for (Timeline.Incident i : all) {
            line("  " + i);
            fail(i.kind() == Timeline.Kind.HARNESS ? "HARNESS (not a broker verdict): " + i : i.toString());
        }
    }

    /** The broker's own account: a client closed for a protocol violation or refused is never right here. */
    void brokerLog(CrashingBroker broker) {
        // "closing:" lines only (each close is also logged as "disconnected: protocol violation")
        List<String> violations = broker.linesContaining("protocol violation, closing").stream()
                .filter(l -> !l.contains(SECOND_CONNECT)).toList();
        List<String> secondConnect = broker.linesContaining(SECOND_CONNECT).stream().filter(l -> l.contains("closing")).toList();
        List<String> refused = broker.linesContaining("connection refused");
        if (!secondConnect.isEmpty()) {
            // the broker is right to close these [MQTT-3.1.0-2]; the two CONNECTs on one socket come from Paho after a
            // kill that hit while its CONNECT was unanswered, so this is reported as the harness's, not the broker's
            // reported, not failed: the broker did the right thing, and the stall check above says whether the clients
            // got going again afterwards
            line("note (harness, not a broker verdict): Paho sent two CONNECTs on one connection " + secondConnect.size()
                    + " time(s) after a kill during its CONNECT, e.g. " + secondConnect.get(0));
        }
        if (!violations.isEmpty()) {
            fail("the broker closed " + violations.size() + " connection(s) for a protocol violation, e.g. " + violations.get(0));
        }
        if (!refused.isEmpty()) {
            fail("the broker refused " + refused.size() + " connection(s), e.g. " + refused.get(0));
        }
        List<String> notable = broker.notableLines();
        line("notable broker log lines: " + notable.size());
        notable.stream().limit(20).forEach(l -> line("  " + l));
    }

    /** A retained message that was acknowledged survives [MQTT-3.3.1-5]: the latest acknowledged one, or a later one. */
    void retained(StreamPublisher retained, int gotSeq) {
        int latest = retained.maxAcked();
        line("retained: latest acknowledged seq " + latest + ", a new subscriber got " + (gotSeq < 0 ? "nothing" : "seq " + gotSeq));
        if (gotSeq < latest) {
            fail("retained message: a new subscriber after the last restart got " + (gotSeq < 0 ? "none" : "seq " + gotSeq)
                    + " but seq " + latest + " had been acknowledged (" + timeline.nearestKill(retained.acked().getOrDefault(latest, 0L)) + ")");
        }
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    String report(String header) {
        return header + "\n" + figures + (failures.isEmpty() ? "verdict: PASS\n"
                : "verdict: FAIL (" + failures.size() + ")\n  - " + String.join("\n  - ", failures) + "\n");
    }
}
