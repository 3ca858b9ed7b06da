package dev.magpie.bench.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one run as named fields in a fixed order, written as JSON (one object) or as a markdown table row.
 * Values are numbers, strings, booleans or nested reports (the sweep's steps). The field names are documented in
 * docs/benchmarks.md; keep them stable, scripts read them.
 *
 * <pre>{@code
 * Report r = new Report().put("scenario", "pairs").put("delivered", 1000L);
 * r.toJson(); // {"scenario":"pairs","delivered":1000}
 * }</pre>
 */
final class Report {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Report put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /** A copy with the same fields, to add to without changing this one. */
    Report copy() {
        Report r = new Report();
        r.fields.putAll(fields);
        return r;
    }

    /** Field names in order. */
    List<String> names() {
        return new ArrayList<>(fields.keySet());
    }

    Object get(String name) {
        return fields.get(name);
    }

    double number(String name) {
        Object v = fields.get(name);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Latency fields in microseconds: count, p50, p90, p99, p99.9, max, mean. */
    Report latency(String prefix, Histogram h) {
        put(prefix + "_count", h.getTotalCount());
        put(prefix + "_p50_us", h.getValueAtPercentile(50));
        put(prefix + "_p90_us", h.getValueAtPercentile(90));
        put(prefix + "_p99_us", h.getValueAtPercentile(99));
        put(prefix + "_p999_us", h.getValueAtPercentile(99.9));
        put(prefix + "_max_us", h.getMaxValue());
        put(prefix + "_mean_us", round(h.getMean()));
        return this;
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0;
    }

    String toJson() {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(quote(e.getKey())).append(':').append(json(e.getValue()));
        }
        return out.append('}').toString();
    }

    private static String json(Object v) {
        if (v instanceof Report r) {
            return r.toJson();
        }
        if (v instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(json(item)));
            return "[" + String.join(",", items) + "]";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%s", d) : "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return v == null ? "null" : quote(v.toString());
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The header of {@link #markdownRow(List)} for {@code columns}. */
    static String markdownHeader(List<String> columns) {
        return "| " + String.join(" | ", columns) + " |\n|" + "---|".repeat(columns.size());
    }

    /** One markdown table row of the given fields (missing ones empty). */
    String markdownRow(List<String> columns) {
        List<String> cells = new ArrayList<>();
        for (String c : columns) {
            Object v = fields.get(c);
            cells.add(v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v.toString());
        }
        return "| " + String.join(" | ", cells) + " |";
    }
}
