package dev.magpie.bench.load;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;

/**
 * {@code --processes K}: one load split over K generator processes, because one process may open at most 20,000 files
 * here (and one core's event loop has its limits). Child i gets its share of the connections (or publishers,
 * subscribers and rate), continues the source-address round-robin where child i-1 stopped, and prints its JSON with
 * its latency histogram; the parent adds the counts, merges the histograms, and takes the broker figures from its own
 * samples (idle) or from child 0 (rate scenarios; the children's windows overlap but are not the same to the ms).
 * Idle children report READY once connected and hold until the parent has sampled the broker with all of them open.
 */
final class ProcessSplit {
    static final String READY = "READY";
    private static final Set<String> SUMMED = Set.of("publishers", "subscribers", "connections", "offered_rate",
            "offered", "sent", "not_sent", "expected_deliveries", "received", "delivered", "lost", "duplicates",
            "reordered", "foreign", "streams", "streams_affected", "publish_rate", "delivery_rate", "open_at_end", "completed", "connects_per_second",
            "generator_cpu_cores");
    private static final Pattern FIELD = Pattern.compile("\"([a-z0-9_]+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]+)");

    private ProcessSplit() {
    }

    /** {@code n}'s share for child {@code i} of {@code k}: as even as integers allow. */
    static int share(int n, int k, int i) {
        return n / k + (i < n % k ? 1 : 0);
    }

    /** The first connection index of child {@code i}: connections of the children before it. */
    static int firstIndex(LoadSettings s, int k, int i) {
        int first = 0;
        for (int c = 0; c < i; c++) {
            LoadSettings before = slice(s, k, c);
            first += before.scenario().isRated() ? before.publishers() + before.effectiveSubscribers() : before.connections();
        }
        return first;
    }

    /** The settings of child {@code i} of {@code k}. */
    static LoadSettings slice(LoadSettings s, int k, int i) {
        if (!s.scenario().isRated()) {
            return s.withConnections(share(s.connections(), k, i), s.concurrency());
        }
        if (s.publishers() < k) {
            throw new IllegalArgumentException("--processes " + k + " needs at least " + k
                    + " publishers (each process paces its own)");
        }
        int publishers = share(s.publishers(), k, i);
        int subscribers = s.scenario() == Scenario.FANIN ? 1 : Math.max(1, share(s.subscribers(), k, i));
        return s.withClients(publishers, subscribers).withRate(s.rate() * publishers / s.publishers());
    }

    /** Runs {@code k} children with {@code childArgs} plus their slice options and returns the combined report. */
    static Report run(LoadSettings s, List<String> childArgs, int k, PrintStream err) throws InterruptedException {
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            for (int i = 0; i < k; i++) {
                List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                        LoadCommand.class.getName()));
                command.addAll(childArgs);
                command.addAll(List.of("--slice-index", Integer.toString(i), "--slice-count", Integer.toString(k)));
                if (i > 0 && !childArgs.contains("--quiet")) {
                    command.add("--quiet"); // one progress line a second is enough (picocli refuses the flag twice)
                }
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            BrokerProbe broker = new BrokerProbe(s.brokerPid());
            Optional<BrokerProbe.Sample> before = Optional.empty();
            Optional<BrokerProbe.Sample> after = Optional.empty();
            if (s.scenario() == Scenario.IDLE) {
                before = s.brokerPid() > 0 ? broker.sample() : Optional.empty();
                for (BufferedReader out : outputs) {
                    awaitLine(out, READY);
                }
                err.printf("all %d generator processes connected; holding %.0f s%n", k, s.durationSeconds());
                Thread.sleep((long) (s.durationSeconds() * 1000));
                after = s.brokerPid() > 0 ? broker.sample() : Optional.empty();
                for (Process p : children) {
                    p.getOutputStream().write('\n');
                    p.getOutputStream().flush();
                }
            }
            List<Report> reports = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                String json = awaitLine(outputs.get(i), "{");
                if (children.get(i).waitFor() != 0) {
                    throw new IllegalStateException("generator process " + i + " failed (see above)");
                }
                reports.add(parse(json));
            }
            Report combined = combine(reports);
            combined.put("processes", k);
            if (before.isPresent() && after.isPresent()) {
                long delta = after.get().rssBytes() - before.get().rssBytes();
                combined.put("broker_rss_before_bytes", before.get().rssBytes())
                        .put("broker_rss_after_bytes", after.get().rssBytes()).put("broker_rss_delta_bytes", delta)
                        .put("broker_rss_per_connection_bytes", Report.round((double) delta / Math.max(1, s.connections())));
            }
            return combined;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run generator processes", e);
        } finally {
            children.forEach(Process::destroy);
        }
    }

    private static String awaitLine(BufferedReader out, String start) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(start)) {
                return line;
            }
        }
        throw new IllegalStateException("a generator process ended without " + start + " (see its messages above)");
    }

    /** Child reports added up: counts and rates summed, latency histograms merged, other fields from child 0. */
    static Report combine(List<Report> reports) {
        Report first = reports.get(0);
        Report combined = new Report();
        Histogram latency = new Histogram(3);
        boolean haveLatency = false;
        for (String name : first.names()) {
            if (name.equals("latency_histogram")) {
                continue;
            }
            if (SUMMED.contains(name)) {
                double sum = 0;
                for (Report r : reports) {
                    sum += r.number(name);
                }
                combined.put(name, first.get(name) instanceof Long ? (Object) (long) sum : (Object) Report.round(sum));
            } else {
                combined.put(name, first.get(name));
            }
        }
        for (Report r : reports) {
            if (r.get("latency_histogram") instanceof String encoded) {
                latency.add(decode(encoded));
                haveLatency = true;
            }
        }
        if (haveLatency) {
            combined.latency("latency", latency);
        }
        if (combined.get("broker_cpu_cores") != null) {
            // Child 0's per-message figures divided by its own share of the messages: redo them over all.
            double cpuMicrosPerSecond = combined.number("broker_cpu_cores") * 1e6;
            combined.put("broker_cpu_us_per_publish", Report.round(cpuMicrosPerSecond / combined.number("publish_rate")));
            combined.put("broker_cpu_us_per_delivery", Report.round(cpuMicrosPerSecond / combined.number("delivery_rate")));
        }
        if (combined.get("expected_deliveries") != null) {
            double expected = combined.number("expected_deliveries");
            combined.put("delivered_ratio", Report.round(expected == 0 ? 0 : combined.number("delivered") / expected));
        }
        return combined;
    }

    /** {@code json} with every nested array or object replaced by {@code null}. */
    private static String topLevelOnly(String json) {
        StringBuilder out = new StringBuilder(json.length());
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    if (depth <= 1) {
                        out.append(c).append(json.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                inString = c != '"';
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
                if (depth == 2) {
                    out.append("null");
                }
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth >= 1) {
                    continue;
                }
            }
            if (depth <= 1) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalStateException("a generator process sent a broken histogram", e);
        }
    }

    /** Reads back a {@link Report#toJson()} object: numbers, strings, booleans; nested values read as null. */
    static Report parse(String json) {
        Report r = new Report();
        Matcher m = FIELD.matcher(topLevelOnly(json));
        while (m.find()) {
            String v = m.group(2);
            if (v.startsWith("\"")) {
                r.put(m.group(1), v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"));
            } else if (v.equals("true") || v.equals("false")) {
                r.put(m.group(1), Boolean.parseBoolean(v));
            } else if (v.equals("null")) {
                r.put(m.group(1), null);
            } else if (v.contains(".") || v.contains("E")) {
                r.put(m.group(1), Double.parseDouble(v));
            } else {
                r.put(m.group(1), Long.parseLong(v));
            }
        }
        return r;
    }
}
