package dev.magpie.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text page (format 0.0.4), read the way Prometheus reads it: each sample line is a metric
 * name, labels and a value; {@code # TYPE} lines say what kind each family is. Lookups name labels in any order.
 *
 * <pre>{@code
 * PrometheusText page = PrometheusText.scrape("http://127.0.0.1:" + port + "/metrics");
 * assertThat(page.value("magpie_connections")).isEqualTo(2);
 * assertThat(page.value("magpie_authentications_total", "result", "refused", "reason", "denied")).isEqualTo(1);
 * }</pre>
 */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One sample: its metric name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    public PrometheusText(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line.trim());
                if (!m.matches()) {
                    throw new AssertionError("not a Prometheus sample line: " + line);
                }
                Map<String, String> labels = new TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }
    }

    /** GETs {@code url} (expecting 200) and reads the page. */
    public static PrometheusText scrape(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return new PrometheusText(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String text() {
        return text;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Every metric name with at least one sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Every family named in a {@code # TYPE} line, with its type. */
    public Map<String, String> types() {
        return Map.copyOf(types);
    }

    /** The {@code # TYPE} of a family ({@code counter}, {@code gauge}, {@code summary}, ...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    /**
     * The sum of the samples named {@code name} whose labels include the given {@code key, value} pairs; NaN when there
     * is none, so an assertion on a missing metric fails with a clear value.
     */
    public double value(String name, String... labelPairs) {
        double sum = 0;
        boolean found = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), labelPairs)) {
                sum += s.value();
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    public boolean has(String name, String... labelPairs) {
        return !Double.isNaN(value(name, labelPairs));
    }

    private static boolean matches(Map<String, String> labels, String[] pairs) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
