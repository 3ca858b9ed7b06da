package dev.magpie.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side table of {@code run-peers.sh}: for each scenario and broker, the median over the rounds of the
 * generator's JSON results ({@code RESULTS/<scenario>/<broker>-r<round>.json}, top-level fields as in
 * docs/benchmarks.md "JSON fields"), one row per figure, one column per broker, each cell also as a ratio to
 * mosquitto's when mosquitto ran. {@link #replaceBlock} puts the table into docs/benchmarks.md between the
 * {@value #BEGIN} and {@value #END} markers.
 *
 * <pre>
 * java -cp magpie-bench/target/benchmarks.jar dev.magpie.bench.peers.PeerTable \
 *     --results magpie-bench/target/peers/results --brokers magpie,mosquitto --scenarios pairs-qos0-16b \
 *     --info target/peers/info.md --doc docs/benchmarks.md
 * </pre>
 */
public final class PeerTable {
    static final String BEGIN = "<!-- peers:begin -->";
    static final String END = "<!-- peers:end -->";
    static final String BASELINE = "mosquitto";

    /** One row of the table: a field of one scenario's result, and how to show it. */
    record Figure(String scenario, String field, String label, boolean higherIsBetter) {
    }

    /** The figures each scenario of run-peers.sh contributes, in table order. */
    static final List<Figure> FIGURES = List.of(
            new Figure("pairs-qos0-16b", "delivery_rate", "QoS 0 16 B, 10 pairs: deliveries/s held (sweep)", true),
            new Figure("pairs-qos0-1kb", "delivery_rate", "QoS 0 1 KB, 10 pairs: deliveries/s held (sweep)", true),
            new Figure("fanout-qos0", "delivery_rate", "QoS 0 16 B, fan-out 1→50: deliveries/s held (sweep)", true),
            new Figure("pairs-qos1", "delivery_rate", "QoS 1 16 B, 10 pairs: deliveries/s held (sweep)", true),
            new Figure("latency", "latency_p50_us", "fixed rate (10 pairs, 5,000 msg/s, QoS 0): p50 µs", false),
            new Figure("latency", "latency_p99_us", "fixed rate: p99 µs", false),
            new Figure("latency", "broker_cpu_us_per_delivery", "fixed rate: broker CPU µs per delivery", false),
            new Figure("cpu-1to1", "broker_cpu_us_per_delivery", "1→1, QoS 0, 20,000 msg/s: broker CPU µs per delivery", false),
            new Figure("cpu-fanout", "broker_cpu_us_per_delivery", "1→50, QoS 0, 100,000 deliveries/s: broker CPU µs per delivery", false),
            new Figure("cpu-qos1", "broker_cpu_us_per_delivery", "1→1, QoS 1, 10,000 msg/s: broker CPU µs per delivery", false),
            new Figure("overload", "delivery_rate", "1→50, QoS 0, 500,000 deliveries/s offered: delivered/s", true),
            new Figure("overload", "latency_p99_us", "that overload: p99 µs", false),
            new Figure("idle", "broker_rss_per_connection_bytes", "5,000 idle connections: RSS bytes per connection", false),
            new Figure("idle", "broker_rss_before_bytes", "idle broker RSS bytes (before those connections)", false),
            new Figure("storm", "connects_per_second", "sequential CONNECT/SUBSCRIBE/DISCONNECT per second", true),
            new Figure("storm-tls", "connects_per_second", "the same over TLS (a full handshake each) per second", true));

    private PeerTable() {
    }

    /**
     * {@code --results DIR --brokers a,b --scenarios x,y [--info FILE] [--doc FILE]}: prints the table (and the info
     * text after it) and, with {@code --doc}, replaces the marked block of that file with both.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path results = Path.of(options.getOrDefault("--results", "magpie-bench/target/peers/results"));
        List<String> brokers = Arrays.asList(options.getOrDefault("--brokers", "").split(","));
        List<String> scenarios = Arrays.asList(options.getOrDefault("--scenarios", "").split(","));
        String table = table(results, brokers, scenarios);
        String info = options.containsKey("--info") ? Files.readString(Path.of(options.get("--info"))) : "";
        String block = table + (info.isEmpty() ? "" : "\n" + info);
        System.out.println(block);
        if (options.containsKey("--doc")) {
            Path doc = Path.of(options.get("--doc"));
            Files.writeString(doc, replaceBlock(Files.readString(doc), block));
            System.out.println("written into " + doc + " between " + BEGIN + " and " + END);
        }
    }

    /** The markdown table of the figures of {@code scenarios} for {@code brokers}, medians over the rounds found. */
    static String table(Path results, List<String> brokers, List<String> scenarios) throws IOException {
        StringBuilder out = new StringBuilder("| figure (median of rounds) |");
        brokers.forEach(b -> out.append(' ').append(b).append(" |"));
        out.append("\n|---|").append("---:|".repeat(brokers.size())).append('\n');
        for (Figure f : FIGURES) {
            if (!scenarios.contains(f.scenario())) {
                continue;
            }
            List<OptionalDouble> medians = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (String broker : brokers) {
                List<Double> values = values(results.resolve(f.scenario()), broker, f.field());
                medians.add(median(values));
                counts.add(values.size());
            }
            OptionalDouble base = brokers.contains(BASELINE) ? medians.get(brokers.indexOf(BASELINE)) : OptionalDouble.empty();
            out.append("| ").append(f.label()).append(" |");
            for (int i = 0; i < brokers.size(); i++) {
                out.append(' ').append(cell(medians.get(i), base, counts.get(i), brokers.get(i).equals(BASELINE))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A cell: the median, its ratio to mosquitto's, and how many rounds it is the median of. */
    static String cell(OptionalDouble median, OptionalDouble baseline, int rounds, boolean isBaseline) {
        if (median.isEmpty()) {
            return "–";
        }
        double v = median.getAsDouble();
        String text = v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
        if (!isBaseline && baseline.isPresent() && baseline.getAsDouble() > 0) {
            text += String.format(Locale.ROOT, " (%.2fx)", v / baseline.getAsDouble());
        }
        return rounds == 1 ? text : text + " [" + rounds + "]";
    }

    /** The field's value in each round's result of {@code broker} in {@code dir} (files {@code broker-rN.json}). */
    static List<Double> values(Path dir, String broker, String field) throws IOException {
        List<Double> values = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return values;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.matches(Pattern.quote(broker) + "-r\\d+\\.json")) {
                    topLevelNumber(Files.readString(p), field).ifPresent(values::add);
                }
            }
        }
        return values;
    }

    /** The median; the mean of the two middle values for an even count; empty for none. */
    static OptionalDouble median(List<Double> values) {
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return OptionalDouble.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    /**
     * A number field of the outermost JSON object only: a sweep's result repeats every field in its nested
     * {@code sweep_steps}, and those must not be read instead.
     */
    static OptionalDouble topLevelNumber(String json, String field) {
        String key = "\"" + field + "\":";
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '"') {
                if (depth == 1 && json.startsWith(key, i)) {
                    Matcher m = NUMBER.matcher(json).region(i + key.length(), json.length());
                    return m.lookingAt() ? OptionalDouble.of(Double.parseDouble(m.group())) : OptionalDouble.empty();
                }
                inString = true;
            }
        }
        return OptionalDouble.empty();
    }

    /** {@code doc} with the text between the markers replaced by {@code block}; the markers must be there, in order. */
    static String replaceBlock(String doc, String block) {
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " block");
        }
        return doc.substring(0, begin + BEGIN.length()) + "\n" + block.strip() + "\n" + doc.substring(end);
    }
}
